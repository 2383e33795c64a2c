package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

// TestProbeEmulator runs the built s3cors probe against the emulator with
// authentication on: every vector passes, and the scratch bucket it
// creates is gone afterwards.
func TestProbeEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the s3cors command")
	}
	bin := filepath.Join(t.TempDir(), "s3cors")
	build := exec.Command("go", "build", "-C", "../../../cmd/s3cors", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building s3cors: %v\n%s", err, out)
	}
	const key, secret = "AKIDPROBE", "probe-secret"
	srv := httptest.NewServer(emulator.New(emulator.WithCredentials("", map[string]string{key: secret})))
	defer srv.Close()

	cmd := exec.Command(bin, "probe", "--endpoint", srv.URL, "--format", "json", "--settle", "5s")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_SESSION_TOKEN=", "AWS_REGION=us-east-1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	var rep struct {
		Passed, Failed, Skipped int
		Bucket                  string
		ScratchBucket           bool `json:"scratchBucket"`
		Cleanup                 struct{ Done bool }
		ExitCode                int `json:"exitCode"`
		Results                 []struct {
			Name, Outcome string
			Diffs         []string
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("probe output is not its JSON report: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	for _, r := range rep.Results {
		if r.Outcome == "failed" {
			t.Errorf("%s: %s", r.Name, strings.Join(r.Diffs, "; "))
		}
	}
	if rep.Failed != 0 || rep.Passed == 0 || rep.ExitCode != 0 || (exit != nil && exit.ExitCode() != 0) {
		t.Errorf("passed %d, failed %d, exit %d\nstderr:\n%s", rep.Passed, rep.Failed, rep.ExitCode, stderr.String())
	}
	if !rep.Cleanup.Done || !rep.ScratchBucket || rep.Bucket == "" {
		t.Errorf("cleanup %+v, scratch bucket %v %q", rep.Cleanup, rep.ScratchBucket, rep.Bucket)
	}
	// The scratch bucket is gone: an unsigned preflight to it says so.
	req, _ := http.NewRequest("OPTIONS", srv.URL+"/"+rep.Bucket+"/x", nil)
	req.Header.Set("Origin", "https://a.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "Bucket not found") {
		t.Errorf("preflight to the scratch bucket after the probe: %d %s, want 403 Bucket not found (P2)", resp.StatusCode, body)
	}
	t.Logf("vectors: %d passed, %d failed, %d skipped", rep.Passed, rep.Failed, rep.Skipped)
}
