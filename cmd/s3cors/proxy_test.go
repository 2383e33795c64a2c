package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runProxyTest runs the proxy command in-process with args and env until
// the returned stop is called, and returns its address, or its exit code
// when it did not start.
func runProxyTest(t *testing.T, args []string, vars map[string]string) (addr string, stdout, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, dir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- runProxyWith(e, args, proxyHooks{
			stop:      func() (context.Context, context.CancelFunc) { return ctx, cancel },
			getenv:    func(k string) string { return vars[k] },
			listening: func(a net.Addr) { addrc <- a },
		})
	}()
	select {
	case a := <-addrc:
		return a.String(), stdout, stderr, func() int { cancel(); return <-exit }
	case code := <-exit:
		cancel()
		return "", stdout, stderr, func() int { return code }
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy does not listen")
	}
	return
}

func TestProxyCommand(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = io.WriteString(w, "from upstream")
	}))
	defer upstream.Close()
	keys := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(keys, []byte("# the proxy's keys\nAKIDONE:first-secret\nAKIDTWO:second-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, stdout, stderr, stop := runProxyTest(t, []string{"--upstream", upstream.URL, "--listen", "127.0.0.1:0", "--credentials", keys}, nil)
	if addr == "" {
		t.Fatalf("exit %d:\n%s", stop(), stderr.String())
	}
	if got := stdout.String(); got != "http://"+addr+"\n" {
		t.Errorf("stdout %q, want the URL alone", got)
	}
	res, err := http.Get("http://" + addr + "/photos/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "from upstream" || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("through the proxy: %q, ACAO %q; want the upstream's body without its CORS", body, res.Header.Get("Access-Control-Allow-Origin"))
	}
	if code := stop(); code != 0 {
		t.Errorf("exit %d after the stop signal, want 0", code)
	}
	log := stderr.String()
	for _, want := range []string{"LOST when the proxy stops", "GET 127.0.0.1:" + strings.Split(addr, ":")[1] + "/photos/x 200", "shutting down"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log+stdout.String(), "-secret") {
		t.Errorf("a secret was printed:\n%s", log)
	}
}

func TestProxyCommandErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help", "proxy"}, {"proxy", "-h"}} {
		s3cors(t, "", args...).expect(t, 0, []string{"Usage: s3cors proxy", "--upstream URL", "Example"}, nil)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("AKIDONE first-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}
	tests := []struct {
		args   []string
		env    map[string]string
		stderr string
	}{
		{nil, creds, "proxy: --upstream is required"},
		{[]string{"--upstream", "http://127.0.0.1:1", "extra"}, creds, `unexpected argument "extra"`},
		{[]string{"--upstream", "http://127.0.0.1:1"}, nil, "no credentials for the ?cors API"},
		{[]string{"--upstream", "http://127.0.0.1:1", "--credentials", bad}, nil, "line 1: not ACCESS_KEY_ID:SECRET"},
		{[]string{"--upstream", "http://127.0.0.1:1", "--credentials", filepath.Join(dir, "none")}, nil, "cannot read the credentials file"},
		{[]string{"--upstream", "127.0.0.1:9000"}, creds, "is not a URL"},
		{[]string{"--upstream", "ftp://127.0.0.1:9000"}, creds, "is not an http or https URL"},
		{[]string{"--upstream", "http://127.0.0.1:1", "--listen", "256.0.0.1:99999"}, creds, "cannot listen on 256.0.0.1:99999"},
	}
	for _, tt := range tests {
		_, _, stderr, stop := runProxyTest(t, tt.args, tt.env)
		if code := stop(); code != exitUsage || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), tt.stderr)
		}
		if strings.Contains(stderr.String(), "first-secret") || strings.Contains(stderr.String(), "env-secret") {
			t.Errorf("%q: a secret was printed: %s", tt.args, stderr.String())
		}
	}
}
