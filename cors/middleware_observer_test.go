package cors_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/s3cors/s3cors/cors"
)

// TestMiddlewareObserver checks that WithObserver shows every request the
// middleware handles, once, with the Result it answers with, and that the
// response is the same with and without it.
func TestMiddlewareObserver(t *testing.T) {
	t.Parallel()
	p := mwPolicy(t, mwConfig)
	ids := cors.WithRequestIDs(func(*http.Request) (string, string) { return "REQ", "HOST" })
	tests := []struct {
		name      string
		req       func() *http.Request
		preflight bool
		status    int
		matched   bool
		rule      int
		code      string
		acao      string
	}{
		{"P6/preflight-accepted", func() *http.Request {
			return mwRequest("OPTIONS", "/k", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT")
		}, true, 200, true, 0, "", "https://app.example.com"},
		{"P5/preflight-refused", func() *http.Request {
			return mwRequest("OPTIONS", "/k", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT")
		}, true, 403, false, 0, "AccessForbidden", ""},
		{"P1/preflight-without-origin", func() *http.Request {
			return mwRequest("OPTIONS", "/k", "Access-Control-Request-Method", "PUT")
		}, true, 400, false, 0, "BadRequest", ""},
		{"R4/actual-second-rule", func() *http.Request {
			return mwRequest("GET", "/k", "Origin", "https://other.example.org")
		}, false, 0, true, 1, "", "*"},
		{"R3/actual-not-allowed", func() *http.Request {
			return mwRequest("DELETE", "/k", "Origin", "https://other.example.org")
		}, false, 0, false, 0, "", ""},
		{"R1/no-origin", func() *http.Request { return mwRequest("GET", "/k") }, false, 0, false, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []cors.Result
			var seen *http.Request
			observed := p.Handler(mwOK, ids, cors.WithObserver(func(r *http.Request, res cors.Result) {
				seen = r
				got = append(got, res)
			}))
			r := tc.req()
			resp, body := mwServe(observed, r)
			if len(got) != 1 {
				t.Fatalf("observer called %d times, want once", len(got))
			}
			if seen != r {
				t.Errorf("observer shown another request than the one served")
			}
			res := got[0]
			if res.Preflight != tc.preflight || res.Status != tc.status || res.Matched != tc.matched || res.Rule != tc.rule || res.Error.Code != tc.code {
				t.Errorf("Result{Preflight: %v, Status: %d, Matched: %v, Rule: %d, Error.Code: %q}, want {%v, %d, %v, %d, %q}",
					res.Preflight, res.Status, res.Matched, res.Rule, res.Error.Code, tc.preflight, tc.status, tc.matched, tc.rule, tc.code)
			}
			if acao := res.Get("Access-Control-Allow-Origin"); acao != tc.acao {
				t.Errorf("Result's Access-Control-Allow-Origin %q, want %q", acao, tc.acao)
			}
			if tc.code != "" && (res.Error.RequestID != "REQ" || res.Error.HostID != "HOST") {
				t.Errorf("Result.Error IDs %q %q, want those of the response, REQ and HOST", res.Error.RequestID, res.Error.HostID)
			}
			if tc.code == "" && res.Error != (cors.Result{}).Error {
				t.Errorf("Result.Error %+v on an answer that is no refusal", res.Error)
			}
			// The observer only watches.
			plainResp, plainBody := mwServe(p.Handler(mwOK, ids), tc.req())
			if resp.StatusCode != plainResp.StatusCode || body != plainBody || !reflect.DeepEqual(resp.Header, plainResp.Header) {
				t.Errorf("with observer: %d %v %q; without: %d %v %q", resp.StatusCode, resp.Header, body, plainResp.StatusCode, plainResp.Header, plainBody)
			}
		})
	}
}

// TestMiddlewareObserverOuterVary checks that the observer is shown S3's
// answer (H7), as Evaluate gives it, not the Vary line the middleware
// merged with the one an outer handler had set.
func TestMiddlewareObserverOuterVary(t *testing.T) {
	p := mwPolicy(t, mwConfig)
	var got cors.Result
	h := p.Handler(mwOK, cors.WithObserver(func(_ *http.Request, res cors.Result) { got = res }))
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept-Encoding")
		h.ServeHTTP(w, r)
	})
	for _, r := range []*http.Request{
		mwRequest("OPTIONS", "/k", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"),
		mwRequest("GET", "/k", "Origin", "https://app.example.com"),
	} {
		resp, _ := mwServe(outer, r)
		if want := "Accept-Encoding, " + mwVaryS3; resp.Header.Get("Vary") != want {
			t.Errorf("%s: Vary on the wire %q, want %q", r.Method, resp.Header.Get("Vary"), want)
		}
		if got.Get("Vary") != mwVaryS3 {
			t.Errorf("%s: the observer's Vary %q, want S3's %q", r.Method, got.Get("Vary"), mwVaryS3)
		}
	}
}

// TestMiddlewareObserverCacheSafeVary checks that a request without Origin
// that gets Vary: Origin (WithCacheSafeVary) is reported with that field.
func TestMiddlewareObserverCacheSafeVary(t *testing.T) {
	t.Parallel()
	p := mwPolicy(t, mwConfig)
	calls := 0
	h := p.Handler(mwOK, cors.WithCacheSafeVary(), cors.WithObserver(func(_ *http.Request, res cors.Result) {
		calls++
		if res.Matched || res.Get("Vary") != "Origin" {
			t.Errorf("Result matched %v, Vary %q; want no match and Vary Origin", res.Matched, res.Get("Vary"))
		}
	}))
	mwServe(h, mwRequest("GET", "/k"))
	if calls != 1 {
		t.Errorf("observer called %d times, want once", calls)
	}
}

// TestMiddlewareObserverAllocations checks that observing costs no
// allocation: a request costs the same with an observer as without.
func TestMiddlewareObserverAllocations(t *testing.T) {
	if mwRace {
		t.Skip("the race detector changes sync.Pool and allocation counts")
	}
	var n int
	count := cors.WithObserver(func(*http.Request, cors.Result) { n++ })
	for _, s := range mwScenarios(t) {
		w := &mwDiscardWriter{h: make(http.Header)}
		run := func(h http.Handler) float64 {
			return testing.AllocsPerRun(200, func() {
				w.reset()
				h.ServeHTTP(w, s.req)
			})
		}
		without, with := run(s.policy.Handler(mwBenchInner)), run(s.policy.Handler(mwBenchInner, count))
		if with != without || with > s.maxAllocs {
			t.Errorf("scenario %s: %.1f allocations with an observer, %.1f without, want at most %.0f", s.name, with, without, s.maxAllocs)
		}
	}
	if n == 0 {
		t.Error("observer never called")
	}
}
