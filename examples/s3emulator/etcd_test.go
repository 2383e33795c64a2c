package main

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/s3cors/s3cors/examples/internal/etcdtest"
	"github.com/s3cors/s3cors/examples/internal/preflighttest"
)

// etcdWait bounds the wait for a change to go from one emulator through
// etcd to another, and for an emulator to load the configurations once
// etcd is back. It takes well under a second; the bound is for a loaded
// machine.
const etcdWait = 20 * time.Second

// TestEmulatorsShareConfigurationsThroughEtcd runs built s3emulator
// commands with -etcd on one etcd member, each with its own bucket photos
// (buckets and objects stay in each emulator's memory). A PutBucketCors to
// emulator A decides the preflights emulator B answers (P6, P5), and a
// DeleteBucketCors to B those of A (P3), each within a bounded wait.
//
// Emulator C, started while etcd is down (out of reach: connections
// refused), answers preflights with S3's 503 ServiceUnavailable until etcd
// is back, then from the configuration stored before; A and B, whose
// connections to etcd were cut, then see a deletion made at C.
func TestEmulatorsShareConfigurationsThroughEtcd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the s3emulator command and runs etcd")
	}
	bin := filepath.Join(t.TempDir(), "s3emulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building s3emulator: %v\n%s", err, out)
	}
	member := etcdtest.Start(t)
	start := func() *emulatorProcess {
		return run(t, exec.Command(bin, "-addr", "127.0.0.1:0", "-etcd", member.Endpoint(), "-bucket", "photos"))
	}
	const (
		allowedOrigin = "https://app.example"
		refusedOrigin = "https://elsewhere.example"
		config        = `<CORSConfiguration><CORSRule><AllowedOrigin>` + allowedOrigin + `</AllowedOrigin>` +
			`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`
	)
	allowed := preflighttest.Allowed(allowedOrigin)
	send := func(p *emulatorProcess, method, path, body string) {
		t.Helper()
		if resp, answer := p.do(t, method, path, body); resp.StatusCode/100 != 2 {
			t.Fatalf("%s %s: %s %s", method, path, resp.Status, answer)
		}
	}
	verdict := func(p *emulatorProcess, origin string) string {
		t.Helper()
		return preflighttest.Verdict(t, p.url+"/photos/cat.jpg", origin)
	}
	await := func(p *emulatorProcess, want string) {
		t.Helper()
		preflighttest.Await(t, p.url+"/photos/cat.jpg", allowedOrigin, want, etcdWait)
	}
	a, b := start(), start()

	await(b, preflighttest.NotEnabled) // 503 until B has loaded
	send(a, "PUT", "/photos?cors", config)
	await(b, allowed)
	if got := verdict(b, refusedOrigin); got != preflighttest.NotAllowed {
		t.Errorf("B, preflight from %s: %q, want %q", refusedOrigin, got, preflighttest.NotAllowed)
	}
	send(b, "DELETE", "/photos?cors", "")
	await(a, preflighttest.NotEnabled)

	// A configuration is stored, and known to B, then etcd goes down.
	send(a, "PUT", "/photos?cors", config)
	await(b, allowed)
	member.Down()
	c := start()
	if got := verdict(c, allowedOrigin); got != preflighttest.Unavailable {
		t.Fatalf("C, started while etcd is down: %q, want %q", got, preflighttest.Unavailable)
	}
	member.Up()
	await(c, allowed)
	if got := verdict(c, refusedOrigin); got != preflighttest.NotAllowed {
		t.Errorf("C, preflight from %s: %q, want %q", refusedOrigin, got, preflighttest.NotAllowed)
	}

	// C has loaded, so it reaches etcd: its deletion must reach A and B,
	// which both hold the configuration, once they watch again.
	send(c, "DELETE", "/photos?cors", "")
	await(a, preflighttest.NotEnabled)
	await(b, preflighttest.NotEnabled)
}
