// Package etcdtest starts real etcd members on loopback for the tests of
// the etcd backend: one member in the test's own process, or the members of
// a cluster in processes of their own that a test can kill.
package etcdtest

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3cors/s3cors/internal/testport"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
)

// A Member describes one member of a cluster on loopback.
type Member struct {
	Name       string // the member's name in the cluster
	Dir        string // its data directory
	PeerPort   int    // the port of its peer URL on 127.0.0.1
	ClientPort int    // the port of its client URL on 127.0.0.1
	Cluster    string // the initial cluster: name=peer URL, comma-separated
	NoFsync    bool   // skip fsync (loading large data sets only)
}

// Endpoint returns the member's client endpoint.
func (m Member) Endpoint() string {
	return "127.0.0.1:" + strconv.Itoa(m.ClientPort)
}

// PeerURL returns the member's peer URL.
func (m Member) PeerURL() string {
	return "http://127.0.0.1:" + strconv.Itoa(m.PeerPort)
}

// Cluster returns the members of a cluster of n on free loopback ports
// (see testport.Free),
// with data directories under dir.
func Cluster(dir string, n int) ([]Member, error) {
	ports, err := testport.Free(2 * n) // kept across restarts: not from the ephemeral range
	if err != nil {
		return nil, err
	}
	members := make([]Member, n)
	peers := make([]string, n)
	for i := range members {
		members[i] = Member{
			Name:       "m" + strconv.Itoa(i),
			Dir:        dir + "/m" + strconv.Itoa(i),
			PeerPort:   ports[2*i],
			ClientPort: ports[2*i+1],
		}
		peers[i] = members[i].Name + "=" + members[i].PeerURL()
	}
	for i := range members {
		members[i].Cluster = strings.Join(peers, ",")
	}
	return members, nil
}

// Start starts the member in this process and waits until it serves.
func Start(m Member) (*embed.Etcd, error) {
	peer, err := url.Parse(m.PeerURL())
	if err != nil {
		return nil, err
	}
	client, err := url.Parse("http://" + m.Endpoint())
	if err != nil {
		return nil, err
	}
	cfg := embed.NewConfig()
	cfg.Name = m.Name
	cfg.Dir = m.Dir
	cfg.ListenPeerUrls = []url.URL{*peer}
	cfg.AdvertisePeerUrls = []url.URL{*peer}
	cfg.ListenClientUrls = []url.URL{*client}
	cfg.AdvertiseClientUrls = []url.URL{*client}
	cfg.InitialCluster = m.Cluster
	cfg.InitialClusterToken = "s3cors-test"
	cfg.LogLevel = "error"
	// The log stays beside the data, out of the test's output.
	cfg.LogOutputs = []string{m.Dir + ".log"}
	cfg.UnsafeNoFsync = m.NoFsync
	// Large data sets are loaded in transactions of a thousand keys.
	cfg.MaxTxnOps = 10000
	cfg.MaxRequestBytes = 8 << 20
	cfg.QuotaBackendBytes = 8 << 30
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcdtest: start member %s: %w", m.Name, err)
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcdtest: member %s: %w", m.Name, err)
	case <-time.After(60 * time.Second):
		e.Server.Stop()
		e.Close()
		return nil, errors.New("etcdtest: member " + m.Name + " did not become ready within 60 s")
	}
}

// Single starts a one-member cluster in the test's process and returns a
// client of it; both stop when the test ends.
func Single(t testing.TB) (*embed.Etcd, *clientv3.Client) {
	t.Helper()
	members, err := Cluster(t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Start(members[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e, Client(t, members[0].Endpoint())
}

// Client returns a client of the endpoints that is closed when the test
// ends.
func Client(t testing.TB, endpoints ...string) *clientv3.Client {
	t.Helper()
	cfg := clientv3.Config{
		Endpoints:            endpoints,
		DialTimeout:          5 * time.Second,
		DialKeepAliveTime:    2 * time.Second,
		DialKeepAliveTimeout: 2 * time.Second,
		PermitWithoutStream:  true,
	}
	c, err := clientv3.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// RunMember runs the member in this process until the process is killed;
// it is the body of a member's child process.
func RunMember(m Member) {
	e, err := Start(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ready")
	err = <-e.Err()
	fmt.Fprintln(os.Stderr, "etcdtest: member", m.Name, "stopped:", err)
	os.Exit(1)
}
