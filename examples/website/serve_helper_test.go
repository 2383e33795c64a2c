package main_test

// Helpers for the browser tests of the s3cors command: build it, run
// `s3cors serve`, and serve a test page from another origin.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildS3cors builds the s3cors command into a temporary folder and returns
// its path. The command is a module of its own whose replace directive
// points at this checkout, so the binary is the one of this checkout.
func buildS3cors(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "s3cors")
	cmd := exec.Command("go", "build", "-C", "../../cmd/s3cors", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building s3cors: %v\n%s", err, out)
	}
	return bin
}

// serveProcess is a running `s3cors serve`.
type serveProcess struct {
	URL string // http://127.0.0.1:PORT, without a trailing slash
	log lockedBuffer
}

// requests returns the request lines serve wrote to its standard error so
// far: "HH:MM:SS METHOD PATH STATUS VERDICT".
func (p *serveProcess) requests() []string {
	var out []string
	for l := range strings.Lines(p.log.String()) {
		if f := strings.Fields(l); len(f) >= 4 && strings.Count(f[0], ":") == 2 {
			out = append(out, strings.Join(f[1:], " "))
		}
	}
	return out
}

// logged returns the logged requests with the method and path, as
// "STATUS VERDICT".
func (p *serveProcess) logged(method, path string) []string {
	var out []string
	for _, l := range p.requests() {
		if rest, ok := strings.CutPrefix(l, method+" "+path+" "); ok {
			out = append(out, rest)
		}
	}
	return out
}

// startupLine matches serve's first line on standard output.
var startupLine = regexp.MustCompile(`^s3cors: serving .* at (http://[^/\s]+)/ \(Ctrl-C to stop\)$`)

// lineSignal is standard output of serve: it keeps the text and passes on
// the first line.
type lineSignal struct {
	mu    sync.Mutex
	b     bytes.Buffer
	first chan string
	sent  bool
}

func (w *lineSignal) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if !w.sent {
		if line, _, ok := strings.Cut(w.b.String(), "\n"); ok {
			w.first <- line
			w.sent = true
		}
	}
	return len(p), nil
}

func (w *lineSignal) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// startServe runs bin serve on a free loopback port with the configuration
// config (a JSON document) over dir, with extra flags, and stops it with an
// interrupt when the test ends, expecting exit status 0.
func startServe(t *testing.T, bin string, config any, dir string, flags ...string) *serveProcess {
	t.Helper()
	doc, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "cors.json")
	if err := os.WriteFile(cfg, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{}
	stdout := &lineSignal{first: make(chan string, 1)}
	args := append([]string{"serve", "--config", cfg, "--dir", dir, "--addr", "127.0.0.1:0"}, flags...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = stdout, &p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting s3cors serve: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("s3cors serve after an interrupt: %v\nstderr:\n%s", err, p.log.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Errorf("s3cors serve still running 10s after an interrupt; killed")
		}
		if t.Failed() {
			t.Logf("s3cors serve's log:\n%s", p.log.String())
		}
	})
	select {
	case line := <-stdout.first:
		m := startupLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("s3cors serve's first line %q does not give its address", line)
		}
		p.URL = m[1]
	case err := <-exited:
		exited <- err // for the cleanup
		t.Fatalf("s3cors serve exited: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), p.log.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("s3cors serve printed no address within 10s\nstderr:\n%s", p.log.String())
	}
	return p
}

// pageServer is a loopback server for test pages. Its port is reserved
// first, so that its origin can go into a configuration before the pages,
// which name the bucket's address, are written.
type pageServer struct {
	Origin string // http://127.0.0.1:PORT
	srv    *httptest.Server
}

func newPageServer(t *testing.T) *pageServer {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	return &pageServer{Origin: "http://" + srv.Listener.Addr().String(), srv: srv}
}

// start serves pages, HTML documents by path, uncached.
func (s *pageServer) start(pages map[string]string) {
	s.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, page)
	})
	s.srv.Start()
}

// fetchScript is the script that the test pages share: attempt(name, f)
// stores f's result, or the error it throws, in window.results[name], and
// read(resp) turns a response into what the page could see of it.
const fetchScript = `
window.results = {};
async function attempt(name, f) {
  try {
    window.results[name] = await f();
  } catch (e) {
    window.results[name] = {error: e.name + ": " + e.message};
  }
}
async function read(resp) {
  return {
    ok: resp.ok,
    status: resp.status,
    etag: resp.headers.get("ETag") || "",
    contentType: resp.headers.get("Content-Type") || "",
    body: await resp.text(),
  };
}
`

// pageResult is what read or attempt stored.
type pageResult struct {
	OK          bool   `json:"ok"`
	Status      int    `json:"status"`
	ETag        string `json:"etag"`
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
	Error       string `json:"error"`
}

// testPage is an HTML page that runs fetchScript and then body, the body
// of an async function, after which it sets window.done. The bucket's URL
// is in the constant bucket. The page has an empty icon, so that the
// browser asks for no /favicon.ico.
func testPage(bucket, body string) string {
	u, _ := json.Marshal(bucket)
	return "<!doctype html>\n<meta charset=utf-8>\n<title>s3cors serve</title>\n<link rel=icon href=data:,>\n<script>\nconst bucket = " + string(u) + ";\n" +
		fetchScript + "\n(async () => {\n" + body + "\n  window.done = true;\n})();\n</script>\n"
}
