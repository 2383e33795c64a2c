package main

import (
	"bufio"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3cors/s3cors/conformance"
)

// envRunMain makes the test binary run the command itself, with the
// arguments in the variable separated by newlines, so that the test can
// start it as a process and kill it.
const envRunMain = "S3EMULATOR_TEST_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(envRunMain); ok {
		os.Args = append([]string{os.Args[0]}, strings.Split(args, "\n")...)
		main()
		return
	}
	os.Exit(m.Run())
}

// emulatorProcess is the command running as a process of its own.
type emulatorProcess struct {
	cmd *exec.Cmd
	url string
}

// start runs the command with args and waits until it listens.
func start(t *testing.T, args ...string) *emulatorProcess {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envRunMain+"="+strings.Join(append([]string{"-addr", "127.0.0.1:0"}, args...), "\n"))
	return run(t, cmd)
}

// run starts cmd, a command that runs the emulator, and waits until it
// listens.
func run(t *testing.T, cmd *exec.Cmd) *emulatorProcess {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &emulatorProcess{cmd: cmd}
	t.Cleanup(p.kill)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the emulator did not start: %v", err)
	}
	_, rest, ok := strings.Cut(line, "listening on ")
	p.url, _, _ = strings.Cut(rest, " ")
	if !ok || !strings.HasPrefix(p.url, "http://127.0.0.1:") {
		t.Fatalf("the emulator said %q", line)
	}
	go io.Copy(io.Discard, stdout)
	return p
}

// kill kills the process with SIGKILL, as kill -9 does.
func (p *emulatorProcess) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

func (p *emulatorProcess) do(t *testing.T, method, path, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPut && req.URL.Query().Has("cors") {
		digest := md5.Sum([]byte(body)) // PutBucketCors requires it, as S3 does (V1)
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(digest[:]))
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// answer is what a preflight's answer says to a browser: the status and
// the CORS headers.
func answer(resp *http.Response) string {
	s := resp.Status
	for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Credentials", "Vary"} {
		s += "\n" + name + ": " + strings.Join(resp.Header.Values(name), "|")
	}
	return s
}

// TestDataSurvivesKill puts a bucket, its CORS configuration and an object
// into an emulator with -data, kills it with SIGKILL, and starts it again
// on the same directory: the same preflight gets the same answer, the
// object is there, and the conformance vectors pass. A second process on
// the directory is refused.
func TestDataSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	first := start(t, "-data", dir)
	const config = `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin>` +
		`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>content-type</AllowedHeader>` +
		`<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`
	for _, step := range []struct{ method, path, body string }{
		{"PUT", "/photos", ""},
		{"PUT", "/photos?cors", config},
		{"PUT", "/photos/cat.txt", "meow"},
	} {
		if resp, body := first.do(t, step.method, step.path, step.body); resp.StatusCode != 200 {
			t.Fatalf("%s %s: %s %s", step.method, step.path, resp.Status, body)
		}
	}
	preflight := []string{"Origin", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type"}
	resp, _ := first.do(t, "OPTIONS", "/photos/cat.txt", "", preflight...)
	before := answer(resp)
	if resp.StatusCode != 200 {
		t.Fatalf("the preflight before the kill was refused: %s", before)
	}
	first.kill()

	second := start(t, "-data", dir)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, _ = second.do(t, "OPTIONS", "/photos/cat.txt", "", preflight...)
		if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			break // 503 only while the configurations load
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after := answer(resp); after != before {
		t.Fatalf("the preflight's answer changed across kill -9:\nbefore: %s\nafter:  %s", before, after)
	}
	if resp, body := second.do(t, "GET", "/photos/cat.txt", ""); resp.StatusCode != 200 || body != "meow" {
		t.Fatalf("the object after kill -9: %s %q", resp.Status, body)
	}
	if resp, body := second.do(t, "GET", "/photos?cors", ""); resp.StatusCode != 200 || !strings.Contains(body, "<MaxAgeSeconds>600</MaxAgeSeconds>") {
		t.Fatalf("GetBucketCors after kill -9: %s %s", resp.Status, body)
	}

	// A second process on the directory is refused, and says why.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envRunMain+"=-addr\n127.0.0.1:0\n-data\n"+dir)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), dir+" is in use by process") {
		t.Fatalf("a second emulator on the directory: %v, %s", err, out)
	}

	conformance.Run(t, conformance.Target{URL: second.url})
}
