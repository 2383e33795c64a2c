package preflighttest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// fatalRecorder is a testing.TB whose Fatal and Fatalf record the message
// and end the goroutine, as the real ones do, without failing the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}
func (r *fatalRecorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestAwaitBoundedWhenServerHangs checks that Await fails within its bound
// when the server holds the preflight instead of answering, such as a
// server waiting for a store out of reach.
func TestAwaitBoundedWhenServerHangs(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	rec := &fatalRecorder{TB: t}
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		Await(rec, srv.URL+"/photos/cat.jpg", "https://app.example", Allowed("https://app.example"), 200*time.Millisecond)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Await still waiting after 5 s with a bound of 200 ms")
	}
	if rec.msg == "" {
		t.Fatalf("Await returned after %v without failing", time.Since(start))
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Await failed after %v, want about 200 ms: %s", elapsed, rec.msg)
	}
}

// TestVerdict checks the verdict strings of an accepted and a refused
// preflight (P6, P5).
func TestVerdict(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == "https://app.example" {
			w.Header().Set("Access-Control-Allow-Origin", "https://app.example")
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessForbidden</Code>`+
			`<Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, `+
			`request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by `+
			`the resource's CORS spec.</Message></Error>`)
	}))
	defer srv.Close()
	if got, want := Verdict(t, srv.URL, "https://app.example"), Allowed("https://app.example"); got != want {
		t.Errorf("allowed: %q, want %q", got, want)
	}
	if got := Verdict(t, srv.URL, "https://elsewhere.example"); got != NotAllowed {
		t.Errorf("refused: %q, want %q", got, NotAllowed)
	}
}
