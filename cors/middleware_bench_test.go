package cors_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/cors"
)

// mwDiscardWriter is a ResponseWriter that keeps only the header map, which
// the benchmarks clear and reuse between requests, as a server reuses its
// buffers; it isolates the middleware's own allocations.
type mwDiscardWriter struct {
	h      http.Header
	status int
}

func (w *mwDiscardWriter) Header() http.Header         { return w.h }
func (w *mwDiscardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *mwDiscardWriter) WriteHeader(code int)        { w.status = code }
func (w *mwDiscardWriter) reset()                      { clear(w.h); w.status = 0 }

// mwScenario is one benchmark case; the same five run against rs/cors in
// the benchmarks/rscors module.
type mwScenario struct {
	name      string
	policy    *cors.Policy
	req       *http.Request
	status    int
	origin    string // expected Access-Control-Allow-Origin, or ""
	maxAllocs float64
}

const mwBenchRule = `{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT", "POST"],
	"AllowedHeaders": ["content-type", "x-amz-date"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000}`

// mwManyOriginsConfig is a rule with 100 exact origins and 100
// "https://*.exampleN.com" patterns.
func mwManyOriginsConfig() string {
	var origins []string
	for i := range 100 {
		origins = append(origins, fmt.Sprintf(`"https://site%d.example.org"`, i))
	}
	for i := range 100 {
		origins = append(origins, fmt.Sprintf(`"https://*.example%d.com"`, i))
	}
	return `{"CORSRules": [{"AllowedOrigins": [` + strings.Join(origins, ", ") + `],
		"AllowedMethods": ["GET", "PUT", "POST"], "AllowedHeaders": ["content-type", "x-amz-date"],
		"ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000}]}`
}

func mwScenarios(tb testing.TB) []mwScenario {
	p := mwPolicy(tb, `{"CORSRules": [`+mwBenchRule+`]}`)
	many := mwPolicy(tb, mwManyOriginsConfig())
	return []mwScenario{
		{"a", p, mwRequest("OPTIONS", "/photos/cat.jpg", "Origin", "https://app.example.com",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type,x-amz-date"),
			200, "https://app.example.com", 1},
		{"b", p, mwRequest("GET", "/photos/cat.jpg", "Origin", "https://app.example.com"), 200, "https://app.example.com", 1},
		{"c", p, mwRequest("GET", "/photos/cat.jpg", "Origin", "https://evil.example.org"), 200, "", 1},
		{"d", many, mwRequest("OPTIONS", "/photos/cat.jpg", "Origin", "https://app.example99.com",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type,x-amz-date"),
			200, "https://app.example99.com", 1},
		{"e", p, mwRequest("GET", "/photos/cat.jpg"), 200, "", 0},
	}
}

// mwBenchInner is the handler behind the middleware in benchmarks.
var mwBenchInner = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
})

func mwCheckScenario(tb testing.TB, s mwScenario, h http.Handler) {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, s.req)
	if rec.Code != s.status || rec.Header().Get("Access-Control-Allow-Origin") != s.origin {
		tb.Fatalf("scenario %s: status %d, Access-Control-Allow-Origin %q; want %d, %q",
			s.name, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"), s.status, s.origin)
	}
}

// BenchmarkMiddleware measures ServeHTTP for the scenarios (a) preflight
// with two requested headers, (b) GET from an allowed origin, (c) GET from a
// disallowed origin, (d) preflight matching the last of 100 wildcard
// origins, (e) GET without Origin; each with a reused header map and with a
// fresh httptest.ResponseRecorder.
func BenchmarkMiddleware(b *testing.B) {
	for _, s := range mwScenarios(b) {
		h := s.policy.Handler(mwBenchInner)
		mwCheckScenario(b, s, h)
		b.Run("scenario="+s.name+"/writer=reused", func(b *testing.B) {
			w := &mwDiscardWriter{h: make(http.Header)}
			b.ReportAllocs()
			for b.Loop() {
				w.reset()
				h.ServeHTTP(w, s.req)
			}
		})
		b.Run("scenario="+s.name+"/writer=recorder", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), s.req)
			}
		})
	}
}

// BenchmarkMiddlewareParallel is scenario (b) from all Ps at once, to show
// that the pooled results and the resolver do not contend.
func BenchmarkMiddlewareParallel(b *testing.B) {
	s := mwScenarios(b)[1]
	h := s.policy.Handler(mwBenchInner)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &mwDiscardWriter{h: make(http.Header)}
		for pb.Next() {
			w.reset()
			h.ServeHTTP(w, s.req)
		}
	})
}

// TestMiddlewareAllocations checks the allocation budget with a reused
// header map: one per preflight whose Access-Control-Allow-Headers value
// fits the 32 bytes kept for it, one per actual request with an Origin (the
// response writer wrapper, which holds the header values) and none
// without.
func TestMiddlewareAllocations(t *testing.T) {
	if mwRace {
		t.Skip("the race detector changes sync.Pool and allocation counts")
	}
	for _, s := range mwScenarios(t) {
		h := s.policy.Handler(mwBenchInner)
		mwCheckScenario(t, s, h)
		w := &mwDiscardWriter{h: make(http.Header)}
		allocs := testing.AllocsPerRun(200, func() {
			w.reset()
			h.ServeHTTP(w, s.req)
		})
		t.Logf("scenario %s: %.0f allocations", s.name, allocs)
		if allocs > s.maxAllocs {
			t.Errorf("scenario %s: %.1f allocations per request, want at most %.0f", s.name, allocs, s.maxAllocs)
		}
	}
}

// TestMiddlewareRequestIDsAllocations checks that WithRequestIDs costs an
// accepted preflight no allocation of its own when its answer leaves two
// fields unsent, whose room holds the IDs, and one when it sends six or
// seven fields; the answer's one allocation is counted too.
func TestMiddlewareRequestIDsAllocations(t *testing.T) {
	if mwRace {
		t.Skip("the race detector changes allocation counts")
	}
	ids := cors.WithRequestIDs(func(*http.Request) (string, string) { return "REQ", "HOST" })
	for _, tc := range []struct {
		name, config, acrh string
		allocs             float64
	}{
		{"four-fields", `{"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"]}]}`, "", 1},
		{"five-fields", `{"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"],
			"AllowedHeaders": ["*"]}]}`, "content-type", 1},
		{"six-fields", `{"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"],
			"AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"]}]}`, "content-type", 2},
		{"seven-fields", `{"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"],
			"AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]}`, "content-type", 2},
	} {
		h := mwPolicy(t, tc.config).Handler(mwBenchInner, ids)
		hdr := []string{"Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"}
		if tc.acrh != "" {
			hdr = append(hdr, "Access-Control-Request-Headers", tc.acrh)
		}
		req := mwRequest("OPTIONS", "/k", hdr...)
		w := &mwDiscardWriter{h: make(http.Header)}
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK || w.h.Get("X-Amz-Request-Id") != "REQ" || w.h.Get("X-Amz-Id-2") != "HOST" ||
			w.h.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Fatalf("%s: %d %v", tc.name, w.status, w.h)
		}
		allocs := testing.AllocsPerRun(200, func() {
			w.reset()
			h.ServeHTTP(w, req)
		})
		if allocs != tc.allocs {
			t.Errorf("%s: %.1f allocations per preflight, want %.0f", tc.name, allocs, tc.allocs)
		}
	}
}

// TestMiddlewareLongRequestHeaders checks a preflight whose
// Access-Control-Allow-Headers value is longer than the room kept for it in
// the answer's one allocation: it costs a second one and is answered the
// same way (H4).
func TestMiddlewareLongRequestHeaders(t *testing.T) {
	p := mwPolicy(t, `{"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"]}]}`)
	h := p.Handler(mwBenchInner)
	for _, tc := range []struct {
		acrh, want string
		allocs     float64
	}{
		{"content-type,x-amz-date", "content-type, x-amz-date", 1},
		{"Content-Type, X-Amz-Date", "content-type, x-amz-date", 1},
		{"authorization,content-type,x-amz-content-sha256,x-amz-date", "authorization, content-type, x-amz-content-sha256, x-amz-date", 2},
	} {
		r := mwRequest("OPTIONS", "/k", "Origin", "https://app.example.com",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", tc.acrh)
		w := &mwDiscardWriter{h: make(http.Header)}
		h.ServeHTTP(w, r)
		if got := w.h["Access-Control-Allow-Headers"]; len(got) != 1 || got[0] != tc.want {
			t.Errorf("%q: Access-Control-Allow-Headers %q, want %q", tc.acrh, got, tc.want)
		}
		if mwRace {
			continue
		}
		if n := testing.AllocsPerRun(100, func() { w.reset(); h.ServeHTTP(w, r) }); n != tc.allocs {
			t.Errorf("%q: %.1f allocations, want %.0f", tc.acrh, n, tc.allocs)
		}
	}
}
