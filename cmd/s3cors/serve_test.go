package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestServe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "explain.json", "--dir", "site", "--addr", "127.0.0.1:0")
	cmd.Dir = "testdata"
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// Collect standard error lines in the background.
	logLines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logLines <- sc.Text()
		}
		close(logLines)
	}()

	// The first line of standard output says where it listens.
	addrc := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		addrc <- line
		io.Copy(io.Discard, stdout)
	}()
	var base string
	select {
	case line := <-addrc:
		m := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("no address in %q", line)
		}
		base = m[1]
	case <-ctx.Done():
		t.Fatal("serve did not say where it listens")
	}

	client := &http.Client{Timeout: 5 * time.Second}
	do := func(method, path string, header map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, method, base+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	nextLog := func() string {
		t.Helper()
		select {
		case l := <-logLines:
			return l
		case <-time.After(5 * time.Second):
			t.Fatal("no log line")
		}
		return ""
	}

	// An allowed preflight.
	resp := do("OPTIONS", "/hello.txt", map[string]string{
		"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
		"Access-Control-Request-Headers": "Content-Type",
	})
	if resp.StatusCode != 200 ||
		resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		resp.Header.Get("Access-Control-Allow-Methods") != "PUT, POST" ||
		resp.Header.Get("Access-Control-Allow-Headers") != "content-type" ||
		resp.Header.Get("Access-Control-Allow-Credentials") != "true" ||
		resp.Header.Get("Access-Control-Max-Age") != "3000" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	if l := nextLog(); !strings.Contains(l, `OPTIONS /hello.txt 200 cors: rule 1 (ID "uploads") matched origin https://app.example.com`) {
		t.Errorf("log line %q", l)
	}

	// A refused preflight.
	resp = do("OPTIONS", "/hello.txt", map[string]string{"Origin": "https://other.test", "Access-Control-Request-Method": "DELETE"})
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("refused preflight: %d %v", resp.StatusCode, resp.Header)
	}
	if l := nextLog(); !strings.Contains(l, "OPTIONS /hello.txt 403 cors: preflight refused for origin https://other.test") {
		t.Errorf("log line %q", l)
	}

	// An actual GET with Origin gets the file and the headers.
	resp = do("GET", "/hello.txt", map[string]string{"Origin": "https://app.example.com"})
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Vary") == "" {
		t.Errorf("GET: %d %v", resp.StatusCode, resp.Header)
	}
	if l := nextLog(); !strings.Contains(l, `GET /hello.txt 200 cors: rule 0 (ID "reads") matched`) {
		t.Errorf("log line %q", l)
	}

	// Without Origin.
	resp = do("GET", "/missing.txt", nil)
	if resp.StatusCode != 404 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET without Origin: %d %v", resp.StatusCode, resp.Header)
	}
	if l := nextLog(); !strings.Contains(l, "GET /missing.txt 404 cors: no Origin") {
		t.Errorf("log line %q", l)
	}

	// SIGINT stops it cleanly.
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for range logLines {
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGINT: %v", err)
	}
}

func TestServeRefusedConfig(t *testing.T) {
	s3cors(t, "", "serve", "s3-invalid-method.json", "--dir", "site", "--addr", "127.0.0.1:0").
		expect(t, 1, nil, []string{"serve: S3 would refuse the configuration in s3-invalid-method.json"})
	s3cors(t, "", "serve", "explain.json", "--dir", "site", "--addr", "256.0.0.1:99999").
		expect(t, 2, nil, []string{"serve: cannot listen on 256.0.0.1:99999", "--addr"})
}

// lockedBuffer is a bytes.Buffer that serve's goroutines may write to at
// once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeTimeouts runs serve in-process, with its timeouts lowered, and
// checks that the server closes connections that stall or sit idle.
func TestServeTimeouts(t *testing.T) {
	t.Parallel()
	var stdout, stderr lockedBuffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, dir: "testdata"}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	addrc := make(chan net.Addr, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- serve(e, []string{"explain.json", "--dir", "site", "--addr", "127.0.0.1:0"}, serveOptions{
			timeouts:  serveTimeouts{readHeader: 300 * time.Millisecond, read: 300 * time.Millisecond, write: 5 * time.Second, idle: 300 * time.Millisecond},
			stop:      func() (context.Context, context.CancelFunc) { return ctx, stop },
			listening: func(a net.Addr) { addrc <- a },
		})
	}()
	var addr string
	select {
	case a := <-addrc:
		addr = a.String()
	case code := <-exit:
		t.Fatalf("serve exited with %d:\n%s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve does not listen")
	}

	// closedWithin sends raw on a new connection, reads the response when
	// wantStatus is not 0 (which keeps the connection alive if keepAlive),
	// and checks that the server then closes the connection within a few
	// seconds, far sooner than a client would.
	closedWithin := func(name, raw string, wantStatus int, keepAlive bool) {
		t.Helper()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, raw); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(conn)
		if wantStatus != 0 {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != wantStatus {
				t.Errorf("%s: status %d, want %d", name, resp.StatusCode, wantStatus)
			}
			if keepAlive && resp.Close {
				t.Errorf("%s: the response closes the connection; want it kept alive", name)
			}
		}
		start := time.Now()
		n, err := br.Read(make([]byte, 1))
		if err != io.EOF {
			t.Errorf("%s: read %d bytes, %v; want the server to close the connection", name, n, err)
		} else if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: closed after %v", name, d)
		}
	}
	// A keep-alive connection left idle after its request.
	closedWithin("idle keep-alive", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app.example.com\r\n\r\n", http.StatusOK, true)
	// A request whose head never ends.
	closedWithin("stalled head", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n", 0, false)
	// A request whose body never comes: the read-only server refuses it,
	// but waits for the rest of the body (to keep the connection) no longer
	// than the read timeout.
	closedWithin("stalled body", "PUT /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nabc", http.StatusMethodNotAllowed, false)

	stop()
	select {
	case code := <-exit:
		if code != exitOK {
			t.Errorf("exit code %d, want 0\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve does not stop")
	}
	if !strings.Contains(stdout.String(), "s3cors: serving site with the CORS configuration explain.json at http://"+addr+"/") {
		t.Errorf("stdout %q", stdout.String())
	}
	if log := stderr.String(); !strings.Contains(log, "GET /hello.txt 200 cors: rule 0") || !strings.Contains(log, "s3cors: shutting down") {
		t.Errorf("stderr:\n%s", log)
	}
}

// TestServeTimeoutValues checks the timeouts that help serve documents.
func TestServeTimeoutValues(t *testing.T) {
	t.Parallel()
	help := s3cors(t, "", "help", "serve").stdout
	for _, c := range []struct {
		d    time.Duration
		text string
	}{
		{serveReadHeaderTimeout, "request's head within 10 seconds"},
		{serveReadTimeout, "whole request within\n30"},
		{serveWriteTimeout, "written within 30 seconds"},
		{serveIdleTimeout, "idle for 60 seconds"},
	} {
		if !strings.Contains(help, c.text) {
			t.Errorf("help serve lacks %q", c.text)
		}
		if want := time.Duration(0); c.d == want {
			t.Errorf("timeout for %q is zero", c.text)
		}
	}
}
