package s3proxy_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3cors/s3cors/examples/internal/etcdtest"
	"github.com/s3cors/s3cors/examples/internal/preflighttest"
)

// The origins of the preflights, and the resource they name.
const (
	allowedOrigin = "https://app.example"
	refusedOrigin = "https://elsewhere.example"
	preflightPath = "/photos/cat.jpg"
)

// etcdWait bounds the wait for a change to go from one server through etcd
// to another, and for a server to load the configurations once etcd is
// back. It takes well under a second; the bound is for a loaded machine.
const etcdWait = 20 * time.Second

// answer returns the verdict of the proxy on a preflight from origin (see
// preflighttest.Verdict).
func (p *proxyProcess) answer(t *testing.T, origin string) string {
	t.Helper()
	return preflighttest.Verdict(t, p.url+preflightPath, origin)
}

// await waits until the proxy's verdict on a preflight from origin is want.
func (p *proxyProcess) await(t *testing.T, origin, want string) {
	t.Helper()
	preflighttest.Await(t, p.url+preflightPath, origin, want, etcdWait)
}

// TestProxiesShareConfigurationsThroughEtcd runs `s3cors proxy --etcd`
// processes on one etcd member, in front of one upstream. A PutBucketCors
// through proxy A decides the preflights proxy B answers (P6, P5), and a
// DeleteBucketCors through B those of A (P3), each within a bounded wait.
//
// Proxy C, started while etcd is down (out of reach: connections refused),
// answers preflights with S3's 503 ServiceUnavailable, never with a verdict
// it cannot know, and once etcd is back it answers from the configuration
// stored before. A and B, whose connections to etcd were cut, then see a
// deletion made through C.
func TestProxiesShareConfigurationsThroughEtcd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the s3cors command and runs etcd")
	}
	bin := buildS3cors(t)
	member := etcdtest.Start(t)
	upstream := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer upstream.Close()
	start := func() *proxyProcess {
		return startProxyProcess(t, bin, "--upstream", upstream.URL, "--etcd", member.Endpoint())
	}
	const config = `<CORSConfiguration><CORSRule><AllowedOrigin>` + allowedOrigin + `</AllowedOrigin>` +
		`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`
	a, b := start(), start()

	// The bucket is created through A; B learns that it exists from the
	// upstream (D29), and answers 503 until it has loaded.
	a.send(t, http.MethodPut, "/photos", "")
	b.await(t, allowedOrigin, preflighttest.NotEnabled)
	a.send(t, http.MethodPut, "/photos?cors", config)
	b.await(t, allowedOrigin, preflighttest.Allowed(allowedOrigin))
	if got := b.answer(t, refusedOrigin); got != preflighttest.NotAllowed {
		t.Errorf("B, preflight from %s: %q, want %q", refusedOrigin, got, preflighttest.NotAllowed)
	}
	b.send(t, http.MethodDelete, "/photos?cors", "")
	a.await(t, allowedOrigin, preflighttest.NotEnabled)

	// A configuration is stored, and known to B, then etcd goes down.
	a.send(t, http.MethodPut, "/photos?cors", config)
	b.await(t, allowedOrigin, preflighttest.Allowed(allowedOrigin))
	member.Down()
	c := start()
	if got := c.answer(t, allowedOrigin); got != preflighttest.Unavailable {
		t.Fatalf("C, started while etcd is down: %q, want %q", got, preflighttest.Unavailable)
	}
	member.Up()
	c.await(t, allowedOrigin, preflighttest.Allowed(allowedOrigin))
	if got := c.answer(t, refusedOrigin); got != preflighttest.NotAllowed {
		t.Errorf("C, preflight from %s: %q, want %q", refusedOrigin, got, preflighttest.NotAllowed)
	}

	// C has loaded, so it reaches etcd: its deletion must reach A and B,
	// which both hold the configuration, once they watch again.
	c.send(t, http.MethodDelete, "/photos?cors", "")
	a.await(t, allowedOrigin, preflighttest.NotEnabled)
	b.await(t, allowedOrigin, preflighttest.NotEnabled)
}
