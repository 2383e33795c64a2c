package s3proxy_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/s3cors/s3cors/conformance"
)

// requireMoto is the environment variable that makes the moto tests fail,
// rather than skip, when moto_server is not installed; CI sets it.
const requireMoto = "S3CORS_MOTO_REQUIRE"

// startMoto runs moto_server with its default settings, global CORS on, on
// a free loopback port, and returns its base URL.
func startMoto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv(requireMoto) != "" {
			t.Fatalf("moto_server is not installed and %s is set: install moto (pip install 'moto[server]')", requireMoto)
		}
		t.Skipf("moto_server is not installed; set %s=1 to make this a failure", requireMoto)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			return base
		}
		select {
		case <-ctx.Done():
			t.Fatalf("moto_server did not answer on %s within 30 s", base)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestConformanceMoto plays every vector through the proxy in front of
// moto_server with its default settings: moto's own CORS (it allows every
// origin on every response and answers preflights itself) must not show.
func TestConformanceMoto(t *testing.T) {
	upstream := startMoto(t)
	srv := startProxy(t, upstream)
	conformance.Run(t, conformance.Target{URL: srv.URL, Client: srv.Client(), Sign: signer(), Vectors: os.DirFS(vectorsDir)})
}
