package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestServe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--config", "explain.json", "--dir", "site", "--addr", "127.0.0.1:0")
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
	s3cors(t, "", "serve", "--config", "s3-invalid-method.json", "--dir", "site", "--addr", "127.0.0.1:0").
		expect(t, 1, nil, []string{"serve: S3 would refuse the configuration in s3-invalid-method.json"})
	s3cors(t, "", "serve", "--config", "explain.json", "--dir", "site", "--addr", "256.0.0.1:99999").
		expect(t, 2, nil, []string{"serve: cannot listen on 256.0.0.1:99999", "--addr"})
}
