package s3proxy_test

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3cors/s3cors/conformance"
)

// proxyProcess is a running `s3cors proxy`.
type proxyProcess struct {
	cmd *exec.Cmd
	url string
}

// buildS3cors builds the s3cors command into a directory of the test's and
// returns its path.
func buildS3cors(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "s3cors")
	if out, err := exec.Command("go", "build", "-C", "../../cmd/s3cors", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building s3cors: %v\n%s", err, out)
	}
	return bin
}

// startProxyProcess starts the built command with args and waits for the
// URL it prints. What the proxy writes to its standard error is logged
// when the test fails.
func startProxyProcess(t *testing.T, bin string, args ...string) *proxyProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"proxy", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+accessKey, "AWS_SECRET_ACCESS_KEY="+secretKey, "AWS_REGION=us-east-1")
	stderr := new(bytes.Buffer) // written by the command's copier until Wait returns
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("s3cors proxy %s wrote:\n%s", strings.Join(args, " "), stderr)
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
	}()
	select {
	case url := <-lines:
		return &proxyProcess{cmd: cmd, url: strings.TrimSpace(url)}
	case <-time.After(30 * time.Second):
		t.Fatal("s3cors proxy printed no URL")
	}
	return nil
}

// send sends a request signed with the proxy's key, with the Content-MD5
// PutBucketCors needs (V1) when there is a body, and fails the test unless
// it succeeds (2xx).
func (p *proxyProcess) send(t *testing.T, method, path, body string) {
	t.Helper()
	req, err := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		sum := md5.Sum([]byte(body))
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	}
	if err := signer()(req); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s", method, path, res.Status)
	}
}

// kill ends the process with SIGKILL, as a crash would.
func (p *proxyProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// preflight returns the proxy's answer to one preflight, as a string of
// the fields that carry the verdict.
func (p *proxyProcess) preflight(t *testing.T) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, p.url+"/photos/cat.jpg", nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	var res *http.Response
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if res = r; r.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) { // 503 while loading
			break
		}
	}
	return res.Status + " " + res.Header.Get("Access-Control-Allow-Origin") + " " + res.Header.Get("Access-Control-Allow-Methods")
}

// TestProxyKeepsStateAcrossKill puts a configuration through `s3cors proxy
// --data DIR`, kills the proxy with SIGKILL and starts it again on DIR:
// the same preflight gets the same answer, and every conformance vector
// passes through the restarted proxy.
func TestProxyKeepsStateAcrossKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the s3cors command")
	}
	bin := buildS3cors(t)
	upstream := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer upstream.Close()
	data := t.TempDir()

	first := startProxyProcess(t, bin, "--upstream", upstream.URL, "--data", data)
	first.send(t, http.MethodPut, "/photos", "")
	first.send(t, http.MethodPut, "/photos?cors", `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin>`+
		`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`)
	before := first.preflight(t)
	if !strings.HasPrefix(before, "200 ") {
		t.Fatalf("the preflight before the kill: %s", before)
	}
	first.kill(t)

	second := startProxyProcess(t, bin, "--upstream", upstream.URL, "--data", data)
	if after := second.preflight(t); after != before {
		t.Errorf("the preflight after kill -9 and a restart: %q, before: %q", after, before)
	}
	conformance.Run(t, conformance.Target{URL: second.url, Sign: signer(), Vectors: os.DirFS(vectorsDir)})
}
