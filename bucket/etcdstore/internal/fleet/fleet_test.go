package fleet_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/s3cors/s3cors/bucket/etcdstore"
	"github.com/s3cors/s3cors/bucket/etcdstore/internal/etcdtest"
)

// Scale knobs, for longer runs than CI's.
var (
	// FLEET_CHANGES: how many changes the propagation test makes.
	changes = envInt("FLEET_CHANGES", 1000)
	// FLEET_CUT: how long a gateway is cut off from etcd.
	// Beyond the gateways' keep-alive (10 s and a 5 s timeout, from
	// etcdstore.ClientConfig), the gateway itself declares its connection
	// dead; shorter cuts end with the connections reset.
	cutFor = envDuration("FLEET_CUT", 3*time.Second)
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// document returns a configuration that allows GET from origin.
func document(origin string) string {
	return `<CORSConfiguration><CORSRule><AllowedOrigin>` + origin +
		`</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`
}

var httpClient = &http.Client{
	Timeout:   15 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 16},
}

// A fleet is three etcd members and three gateways, each in a process of
// its own: A and B know every member, C reaches member m2 only, through a
// proxy that the tests cut.
type fleet struct {
	t       *testing.T
	members []etcdtest.Member
	running []*process // nil for a member that is down
	client  *clientv3.Client
	proxy   *proxy
	gw      map[string]*gatewayProc
}

type gatewayProc struct {
	name string
	env  []string
	url  string
	proc *process
}

func newFleet(t *testing.T) *fleet {
	members, err := etcdtest.Cluster(t.TempDir(), 3)
	if err != nil {
		t.Fatal(err)
	}
	f := &fleet{t: t, members: members, running: make([]*process, 3), gw: map[string]*gatewayProc{}}
	for i := range members {
		f.running[i] = f.spawnMember(i)
	}
	for i := range members {
		if _, ok := f.running[i].wait("ready", 60*time.Second); !ok {
			t.Fatalf("member %d did not start", i)
		}
	}
	var endpoints []string
	for _, m := range members {
		endpoints = append(endpoints, m.Endpoint())
	}
	f.client = etcdtest.Client(t, endpoints...)
	f.proxy = newProxy(t, members[2].Endpoint())
	return f
}

func (f *fleet) spawnMember(i int) *process {
	spec, err := json.Marshal(f.members[i])
	if err != nil {
		f.t.Fatal(err)
	}
	return spawn(f.t, f.members[i].Name, "member", []string{"FLEET_MEMBER=" + string(spec)})
}

// startMember starts a member that is down, on its data.
func (f *fleet) startMember(i int) {
	f.running[i] = f.spawnMember(i)
	if _, ok := f.running[i].wait("ready", 60*time.Second); !ok {
		f.t.Fatalf("member %d did not restart", i)
	}
}

// killMember kills a member with SIGKILL.
func (f *fleet) killMember(i int) {
	f.running[i].kill()
	f.running[i] = nil
}

// leader returns the index of the member that leads the cluster.
func (f *fleet) leader() int {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for i, m := range f.members {
			if f.running[i] == nil {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			st, err := f.client.Status(ctx, m.Endpoint())
			cancel()
			if err == nil && st.Leader != 0 && st.Leader == st.Header.MemberId {
				return i
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	f.t.Fatal("the cluster has no leader")
	return -1
}

// startGateway starts a gateway and returns once it listens, before its
// first load.
func (f *fleet) startGateway(name string, endpoints ...string) *gatewayProc {
	g := &gatewayProc{name: name, env: []string{"GATEWAY_ETCD=" + strings.Join(endpoints, ",")}}
	f.gw[name] = g
	f.restartGateway(g)
	return g
}

func (f *fleet) restartGateway(g *gatewayProc) {
	g.proc = spawn(f.t, "gateway-"+g.name, "gateway", g.env)
	line, ok := g.proc.wait("listening ", 60*time.Second)
	if !ok {
		f.t.Fatalf("gateway %s did not start", g.name)
	}
	g.url = "http://" + strings.TrimPrefix(line, "listening ")
}

func (g *gatewayProc) waitReady(t *testing.T) {
	t.Helper()
	if _, ok := g.proc.wait("ready", 60*time.Second); !ok {
		t.Fatalf("gateway %s did not become ready", g.name)
	}
}

// put sends PutBucketCors and returns the status.
func (g *gatewayProc) put(bucket, origin string) (int, error) {
	doc := document(origin)
	req, err := http.NewRequest(http.MethodPut, g.url+"/"+bucket+"?cors", strings.NewReader(doc))
	if err != nil {
		return 0, err
	}
	sum := md5.Sum([]byte(doc)) // PutBucketCors requires it, as S3 does (V1)
	req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	return do(req)
}

// del sends DeleteBucketCors and returns the status.
func (g *gatewayProc) del(bucket string) (int, error) {
	req, err := http.NewRequest(http.MethodDelete, g.url+"/"+bucket+"?cors", nil)
	if err != nil {
		return 0, err
	}
	return do(req)
}

func do(req *http.Request) (int, error) {
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// get sends GetBucketCors and returns the status and body.
func (g *gatewayProc) get(bucket string) (int, string, error) {
	resp, err := httpClient.Get(g.url + "/" + bucket + "?cors")
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// preflight sends a preflight for GET from origin and returns the status.
func (g *gatewayProc) preflight(bucket, origin string) (int, error) {
	req, err := http.NewRequest(http.MethodOptions, g.url+"/"+bucket+"/object", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "GET")
	return do(req)
}

// converge waits until every gateway answers GetBucketCors for every
// bucket as etcd holds it, and returns how long that took.
func (f *fleet) converge(t *testing.T, buckets []string, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var diff []string
	for time.Since(start) < timeout {
		diff = diff[:0]
		for _, b := range buckets {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			resp, err := f.client.Get(ctx, etcdstore.DefaultPrefix+b)
			cancel()
			if err != nil {
				diff = append(diff, fmt.Sprintf("etcd: %v", err))
				continue
			}
			wantStatus, wantBody := http.StatusNotFound, ""
			if len(resp.Kvs) == 1 {
				wantStatus, wantBody = http.StatusOK, string(resp.Kvs[0].Value)
			}
			for _, name := range []string{"A", "B", "C"} {
				status, body, err := f.gw[name].get(b)
				switch {
				case err != nil:
					diff = append(diff, fmt.Sprintf("%s %s: %v", name, b, err))
				case status != wantStatus || (wantStatus == http.StatusOK && body != wantBody):
					diff = append(diff, fmt.Sprintf("%s %s: %d %q, etcd: %d %q", name, b, status, body, wantStatus, wantBody))
				}
			}
		}
		if len(diff) == 0 {
			return time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the gateways did not converge within %v:\n%s", timeout, strings.Join(diff, "\n"))
	return 0
}

func TestFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("the fleet test starts three etcd members and three gateways")
	}
	f := newFleet(t)
	// A configuration stored before any gateway starts: a gateway that
	// answered as if the bucket had none would refuse this preflight.
	_, err := f.client.Put(t.Context(), etcdstore.DefaultPrefix+"preloaded", document("https://preloaded.example"))
	if err != nil {
		t.Fatal(err)
	}

	all := []string{f.members[0].Endpoint(), f.members[1].Endpoint(), f.members[2].Endpoint()}
	// While the first load cannot finish, C answers 503, never 403.
	f.proxy.setCut(true)
	c := f.startGateway("C", f.proxy.addr())
	a := f.startGateway("A", all...)
	b := f.startGateway("B", all...)
	t.Run("503 until the first load", func(t *testing.T) {
		for _, g := range []*gatewayProc{a, b} {
			deadline := time.Now().Add(30 * time.Second)
			for {
				if time.Now().After(deadline) {
					t.Fatalf("gateway %s answered 503 for 30 s", g.name)
				}
				status, err := g.preflight("preloaded", "https://preloaded.example")
				if err != nil {
					t.Fatal(err)
				}
				if status == http.StatusOK {
					break
				}
				if status != http.StatusServiceUnavailable {
					t.Fatalf("gateway %s answered %d while loading; want 503 or, once loaded, 200", g.name, status)
				}
				time.Sleep(time.Millisecond)
			}
		}
		for range 20 {
			status, err := c.preflight("preloaded", "https://preloaded.example")
			if err != nil {
				t.Fatal(err)
			}
			if status != http.StatusServiceUnavailable {
				t.Fatalf("gateway C, cut off before its first load, answered %d; want 503", status)
			}
			status, _, err = c.get("preloaded")
			if err != nil {
				t.Fatal(err)
			}
			if status != http.StatusServiceUnavailable {
				t.Fatalf("GetBucketCors at gateway C before its first load: %d; want 503", status)
			}
			time.Sleep(50 * time.Millisecond)
		}
		f.proxy.setCut(false)
		c.waitReady(t)
		status, err := c.preflight("preloaded", "https://preloaded.example")
		if err != nil || status != http.StatusOK {
			t.Fatalf("gateway C after its first load: %d, %v; want 200", status, err)
		}
	})
	if t.Failed() {
		return
	}
	t.Run("propagation", func(t *testing.T) { testPropagation(t, f) })
	t.Run("concurrent writers", func(t *testing.T) { testConcurrentWriters(t, f) })
	t.Run("gateway restart", func(t *testing.T) { testGatewayRestart(t, f) })
	t.Run("gateway cut off", func(t *testing.T) { testGatewayCut(t, f) })
	t.Run("member failures", func(t *testing.T) { testMemberFailures(t, f) })
}

// revision returns the revision etcd has reached.
func (f *fleet) revision(t *testing.T) int64 {
	t.Helper()
	resp, err := f.client.Get(t.Context(), "/", clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}

// testPropagation puts configurations through A and measures how soon B
// and C answer preflights with them.
func testPropagation(t *testing.T, f *fleet) {
	a, b, c := f.gw["A"], f.gw["B"], f.gw["C"]
	var fromAck, fromSend []time.Duration
	var puts []time.Duration
	for i := range changes {
		origin := fmt.Sprintf("https://p%d.example", i)
		sent := time.Now()
		status, err := a.put("propagation", origin)
		acked := time.Now()
		if err != nil || status != http.StatusOK {
			t.Fatalf("PutBucketCors through A: %d, %v", status, err)
		}
		puts = append(puts, acked.Sub(sent))
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, g := range []*gatewayProc{b, c} {
			wg.Go(func() {
				for {
					status, err := g.preflight("propagation", origin)
					if err != nil {
						t.Error(err)
						return
					}
					if status == http.StatusOK {
						seen := time.Now()
						mu.Lock()
						fromAck = append(fromAck, max(0, seen.Sub(acked)))
						fromSend = append(fromSend, seen.Sub(sent))
						mu.Unlock()
						return
					}
					if time.Since(acked) > 10*time.Second {
						t.Errorf("gateway %s did not answer change %d within 10 s", g.name, i)
						return
					}
					time.Sleep(500 * time.Microsecond)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
	}
	p50, p99 := percentile(fromAck, 50), percentile(fromAck, 99)
	t.Logf("%d changes through A, preflights at B and C: propagation after the PUT's acknowledgement p50 %v p99 %v max %v",
		changes, p50, p99, percentile(fromAck, 100))
	t.Logf("from the PUT's start: p50 %v p99 %v; PUT latency p50 %v p99 %v",
		percentile(fromSend, 50), percentile(fromSend, 99), percentile(puts, 50), percentile(puts, 99))
	// The goal is 100 ms; the bound here leaves room for the race
	// detector and a busy machine.
	if p99 > time.Second {
		t.Errorf("propagation p99 %v; want well under 1 s", p99)
	}
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

// testConcurrentWriters has writers at every gateway put configurations of
// one bucket at once: every gateway ends with the same one, etcd's.
func testConcurrentWriters(t *testing.T, f *fleet) {
	var wg sync.WaitGroup
	for _, name := range []string{"A", "B", "C"} {
		g := f.gw[name]
		for w := range 2 {
			wg.Go(func() {
				for i := range 30 {
					status, err := g.put("contested", fmt.Sprintf("https://%s%d-%d.example", name, w, i))
					if err != nil || status != http.StatusOK {
						t.Errorf("PutBucketCors through %s: %d, %v", name, status, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	d := f.converge(t, []string{"contested"}, 20*time.Second)
	t.Logf("converged %v after the last write", d)
}

// testGatewayRestart kills B, changes configurations while it is down,
// and starts it again: it loads what it missed.
func testGatewayRestart(t *testing.T, f *fleet) {
	a, b := f.gw["A"], f.gw["B"]
	var buckets []string
	for i := range 10 {
		buckets = append(buckets, fmt.Sprintf("restart-%d", i))
		if status, err := a.put(buckets[i], "https://before.example"); err != nil || status != http.StatusOK {
			t.Fatalf("put: %d, %v", status, err)
		}
	}
	f.converge(t, buckets, 20*time.Second)
	b.proc.kill()
	for i, bk := range buckets {
		var status int
		var err error
		if i%3 == 0 {
			status, err = a.del(bk)
		} else {
			status, err = a.put(bk, "https://after.example")
		}
		if err != nil || status/100 != 2 {
			t.Fatalf("change: %d, %v", status, err)
		}
	}
	started := time.Now()
	f.restartGateway(b)
	b.waitReady(t)
	f.converge(t, buckets, 20*time.Second)
	t.Logf("B restarted and converged in %v", time.Since(started))
}

// testGatewayCut cuts C off from etcd while configurations change: C keeps
// serving what it last saw, then catches up once it can reach etcd again.
func testGatewayCut(t *testing.T, f *fleet) {
	a, c := f.gw["A"], f.gw["C"]
	var buckets []string
	for i := range 10 {
		buckets = append(buckets, fmt.Sprintf("cut-%d", i))
		if status, err := a.put(buckets[i], "https://before.example"); err != nil || status != http.StatusOK {
			t.Fatalf("put: %d, %v", status, err)
		}
	}
	f.converge(t, buckets, 20*time.Second)
	_, before, _ := c.get("cut-1")

	f.proxy.setCut(true)
	for i, bk := range buckets {
		var status int
		var err error
		if i%3 == 0 {
			status, err = a.del(bk)
		} else {
			status, err = a.put(bk, "https://during.example")
		}
		if err != nil || status/100 != 2 {
			t.Fatalf("change: %d, %v", status, err)
		}
	}
	// etcd forgets the changes C missed: C must load everything again.
	if _, err := f.client.Compact(t.Context(), f.revision(t), clientv3.WithCompactPhysical()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(cutFor)
	status, during, err := c.get("cut-1")
	if err != nil || status != http.StatusOK || during != before {
		t.Errorf("gateway C, cut off: %d %q, %v; want what it last saw, %q", status, during, err, before)
	}
	// The network resets the connections as it comes back.
	f.proxy.drop()
	f.proxy.setCut(false)
	d := f.converge(t, buckets, 60*time.Second)
	t.Logf("C, cut off for %v while etcd compacted the changes it missed, converged %v after it could reach etcd again", cutFor, d)
	if b, err := os.ReadFile(c.proc.stderrPath); err != nil || !strings.Contains(string(b), "loading every configuration again") {
		t.Errorf("gateway C did not report loading everything again after the compaction (%v)", err)
	}
}

// testMemberFailures kills the etcd leader while writers run, restarts it,
// then kills another member: no acknowledged write is lost and every
// gateway converges.
func testMemberFailures(t *testing.T, f *fleet) {
	type attempt struct {
		origin string
		acked  bool
	}
	startRev := f.revision(t)
	var mu sync.Mutex
	attempts := map[string][]attempt{}
	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var buckets []string
	for w, name := range []string{"A", "B"} {
		for k := range 5 {
			buckets = append(buckets, fmt.Sprintf("chaos-%d-%d", w, k))
		}
		g := f.gw[name]
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				bk := fmt.Sprintf("chaos-%d-%d", w, n%5)
				origin := fmt.Sprintf("https://w%d-%d.example", w, n)
				status, err := g.put(bk, origin)
				ok := err == nil && status == http.StatusOK
				mu.Lock()
				attempts[bk] = append(attempts[bk], attempt{origin, ok})
				mu.Unlock()
				if ok {
					acked.Add(1)
				} else {
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()

	time.Sleep(time.Second)
	first := f.leader()
	t.Logf("killing the leader, %s, after %d acknowledged writes", f.members[first].Name, acked.Load())
	f.killMember(first)
	waitWrites(t, &acked, "the leader's death")
	f.startMember(first)
	time.Sleep(time.Second)
	second := f.leader()
	if second == first {
		second = (first + 1) % 3
	}
	t.Logf("%s restarted; killing %s after %d acknowledged writes", f.members[first].Name, f.members[second].Name, acked.Load())
	afterSecond := acked.Load()
	f.killMember(second)
	waitWrites(t, &acked, "the second member's death")
	f.startMember(second)
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	total := acked.Load()
	t.Logf("%d acknowledged writes in all, %d after the second kill", total, total-afterSecond)
	if total == afterSecond {
		t.Error("no write was acknowledged after the second kill")
	}
	if total == 0 {
		t.Fatal("no write was acknowledged")
	}

	// Every acknowledged write is in etcd's history, and each bucket ends
	// with its last acknowledged write or a later one whose answer was
	// lost.
	ctx := t.Context()
	cur, err := f.client.Get(ctx, etcdstore.DefaultPrefix+"chaos-", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	final := map[string]string{}
	for _, kv := range cur.Kvs {
		last = max(last, kv.ModRevision)
		final[strings.TrimPrefix(string(kv.Key), etcdstore.DefaultPrefix)] = originOf(kv.Value)
	}
	history := map[string]bool{} // bucket and origin
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for resp := range f.client.Watch(wctx, etcdstore.DefaultPrefix+"chaos-", clientv3.WithPrefix(), clientv3.WithRev(startRev)) {
		if err := resp.Err(); err != nil {
			t.Fatal(err)
		}
		done := false
		for _, ev := range resp.Events {
			history[strings.TrimPrefix(string(ev.Kv.Key), etcdstore.DefaultPrefix)+" "+originOf(ev.Kv.Value)] = true
			done = done || ev.Kv.ModRevision >= last
		}
		if done {
			break
		}
	}
	for bk, as := range attempts {
		lastAcked := -1
		for i, a := range as {
			if a.acked {
				lastAcked = i
				if !history[bk+" "+a.origin] {
					t.Errorf("acknowledged write %s of %s is not in etcd's history", a.origin, bk)
				}
			}
		}
		if lastAcked < 0 {
			continue
		}
		allowed := false
		for _, a := range as[lastAcked:] {
			allowed = allowed || final[bk] == a.origin
		}
		if !allowed {
			t.Errorf("%s ends with %q; want its last acknowledged write, %s, or a later one", bk, final[bk], as[lastAcked].origin)
		}
	}
	d := f.converge(t, buckets, 60*time.Second)
	t.Logf("no acknowledged write lost (%d checked); the gateways converged %v after the writes stopped", total, d)
}

// originOf returns the origin of a configuration the fleet tests wrote.
// The gateways store the configuration as GetBucketCors writes it; the
// origin tells the writes apart.
func originOf(doc []byte) string {
	_, o, _ := strings.Cut(string(doc), "<AllowedOrigin>")
	o, _, _ = strings.Cut(o, "</AllowedOrigin>")
	return o
}

// waitWrites waits until the writers have had 50 more writes
// acknowledged: the cluster serves writes again after the event.
func waitWrites(t *testing.T, acked *atomic.Int64, event string) {
	t.Helper()
	start, from := time.Now(), acked.Load()
	for acked.Load() < from+50 {
		if time.Since(start) > 30*time.Second {
			t.Fatalf("fewer than 50 writes acknowledged within 30 s of %s", event)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("writes acknowledged again %v after %s", time.Since(start).Round(time.Millisecond), event)
}
