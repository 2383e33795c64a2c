// Package etcdtest runs a one-member etcd cluster inside a test's process,
// on loopback, for the tests of the commands' etcd flags (s3cors proxy
// --etcd, s3emulator -etcd).
//
// The test can stop the member and start it again, on the same data, as an
// etcd that goes down and comes back. Clients reach it through a gate, a
// TCP relay on a port of its own, which cuts their connections as the
// member stops: etcd would wait seconds for their watches to end.
package etcdtest

import (
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/s3cors/s3cors/internal/testport"
	"go.etcd.io/etcd/server/v3/embed"
)

// startTimeout bounds how long the member may take to serve, on a loaded
// machine under the race detector.
const startTimeout = 60 * time.Second

// A Member is one etcd member on loopback, behind its gate.
type Member struct {
	t    testing.TB
	cfg  *embed.Config
	etcd *embed.Etcd // nil while down
	gate *gate
}

// Start starts a member on free loopback ports, with its data in a
// directory of the test's, and waits until it serves. The member stops
// when the test ends.
func Start(t testing.TB) *Member {
	t.Helper()
	ports := freePorts(t, 3)
	peer := url.URL{Scheme: "http", Host: ports[0]}
	client := url.URL{Scheme: "http", Host: ports[1]}
	dir := t.TempDir()
	cfg := embed.NewConfig()
	cfg.Name = "m0"
	cfg.Dir = filepath.Join(dir, "data")
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.InitialCluster = cfg.Name + "=" + peer.String()
	cfg.InitialClusterToken = "s3cors-examples-test"
	// The member's log goes beside its data, out of the test's output.
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(dir, "etcd.log")}
	// The data need not survive a crash of the machine.
	cfg.UnsafeNoFsync = true

	m := &Member{t: t, cfg: cfg, gate: &gate{addr: ports[2], target: client.Host}}
	t.Cleanup(m.Down)
	m.Up()
	return m
}

// Endpoint returns the member's client endpoint, host:port, as the
// commands' etcd flags take it: the gate's address, the same while the
// member is down and once it is up again.
func (m *Member) Endpoint() string {
	return m.gate.addr
}

// Down cuts the clients' connections and stops the member; the endpoint
// then refuses connections. It does nothing when the member is down.
func (m *Member) Down() {
	m.gate.close()
	if m.etcd != nil {
		m.etcd.Close()
		m.etcd = nil
	}
}

// Up starts the member, on its ports and data, waits until it serves and
// opens the gate. It fails the test when the member does not serve.
func (m *Member) Up() {
	m.t.Helper()
	if m.etcd != nil {
		return
	}
	e, err := embed.StartEtcd(m.cfg)
	if err != nil {
		m.t.Fatalf("etcdtest: starting the member: %v", err)
	}
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		m.t.Fatalf("etcdtest: the member stopped as it started: %v", err)
	case <-timer.C:
		e.Close()
		m.t.Fatalf("etcdtest: the member did not serve within %v", startTimeout)
	}
	m.etcd = e
	if err := m.gate.open(); err != nil {
		m.t.Fatalf("etcdtest: opening the gate: %v", err)
	}
}

// A gate relays the TCP connections made to addr to target while it is
// open.
type gate struct {
	addr   string
	target string

	mu    sync.Mutex
	ln    net.Listener // nil while closed
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup // the accepting goroutine and the relays
}

// open listens on the gate's address and relays what it accepts.
func (g *gate) open() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", g.addr)
	if err != nil {
		return err
	}
	g.ln = ln
	if g.conns == nil {
		g.conns = make(map[net.Conn]struct{})
	}
	g.wg.Add(1)
	go g.accept(ln)
	return nil
}

// accept relays every connection ln accepts to the target, until ln is
// closed.
func (g *gate) accept(ln net.Listener) {
	defer g.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", g.target)
		if err != nil {
			c.Close()
			continue
		}
		g.mu.Lock()
		if g.ln != ln { // closed meanwhile
			g.mu.Unlock()
			c.Close()
			u.Close()
			return
		}
		g.conns[c] = struct{}{}
		g.conns[u] = struct{}{}
		g.wg.Add(2)
		g.mu.Unlock()
		go g.relay(u, c)
		go g.relay(c, u)
	}
}

// relay copies from src to dst; when either ends, it closes both, so that
// the other direction's relay ends too.
func (g *gate) relay(dst, src net.Conn) {
	defer g.wg.Done()
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
	g.mu.Lock()
	delete(g.conns, dst)
	delete(g.conns, src)
	g.mu.Unlock()
}

// close stops listening, cuts the relayed connections and waits until
// every goroutine of the gate has ended.
func (g *gate) close() {
	g.mu.Lock()
	ln := g.ln
	g.ln = nil
	conns := g.conns
	g.conns = make(map[net.Conn]struct{})
	g.mu.Unlock()
	if ln == nil {
		return
	}
	ln.Close()
	for c := range conns {
		c.Close()
	}
	g.wg.Wait()
}

// freePorts returns n loopback addresses, host:port, whose ports were
// free a moment ago and lie below the ephemeral range (see
// testport.Free), so that no connection takes them while the member is
// down.
func freePorts(t testing.TB, n int) []string {
	t.Helper()
	ports, err := testport.Free(n)
	if err != nil {
		t.Fatalf("etcdtest: finding free ports: %v", err)
	}
	addrs := make([]string, n)
	for i, p := range ports {
		addrs[i] = "127.0.0.1:" + strconv.Itoa(p)
	}
	return addrs
}
