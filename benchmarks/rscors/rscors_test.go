package rscors

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	rs "github.com/rs/cors"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// discardWriter keeps only a header map, cleared and reused between
// requests as a server reuses its buffers.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }
func (w *discardWriter) reset()                      { clear(w.h); w.status = 0 }

// scenario is one request and the configuration it is served with, in both
// middlewares' terms.
type scenario struct {
	name    string
	origins []string
	req     *http.Request
	allowed bool // whether Access-Control-Allow-Origin is expected
}

var (
	methods      = []string{"GET", "PUT", "POST"}
	allowHeaders = []string{"content-type", "x-amz-date"}
	expose       = []string{"ETag"}
	maxAge       = 3000
)

func request(method string, header ...string) *http.Request {
	r := httptest.NewRequest(method, "http://bucket.example/photos/cat.jpg", nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

func manyOrigins() []string {
	var o []string
	for i := range 100 {
		o = append(o, fmt.Sprintf("https://site%d.example.org", i))
	}
	for i := range 100 {
		o = append(o, fmt.Sprintf("https://*.example%d.com", i))
	}
	return o
}

func scenarios() []scenario {
	one := []string{"https://app.example.com"}
	return []scenario{
		{"a", one, request("OPTIONS", "Origin", "https://app.example.com",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type,x-amz-date"), true},
		{"b", one, request("GET", "Origin", "https://app.example.com"), true},
		{"c", one, request("GET", "Origin", "https://evil.example.org"), false},
		{"d", manyOrigins(), request("OPTIONS", "Origin", "https://app.example99.com",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type,x-amz-date"), true},
		{"e", one, request("GET"), false},
	}
}

var inner = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
})

// s3corsHandler serves s with an equivalent S3 CORS rule.
func s3corsHandler(tb testing.TB, s scenario) http.Handler {
	p, err := cors.Compile(&rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: s.origins,
		AllowedMethods: methods,
		AllowedHeaders: allowHeaders,
		ExposeHeaders:  expose,
		MaxAgeSeconds:  &maxAge,
	}}})
	if err != nil {
		tb.Fatal(err)
	}
	return p.Handler(inner)
}

// rscorsHandler serves s with rs/cors configured alike.
func rscorsHandler(s scenario) http.Handler {
	return rs.New(rs.Options{
		AllowedOrigins:       s.origins,
		AllowedMethods:       methods,
		AllowedHeaders:       allowHeaders,
		ExposedHeaders:       expose,
		MaxAge:               maxAge,
		AllowCredentials:     true,
		OptionsSuccessStatus: http.StatusOK,
	}).Handler(inner)
}

func check(tb testing.TB, s scenario, impl string, h http.Handler) {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, s.req)
	got := rec.Header().Get("Access-Control-Allow-Origin")
	if rec.Code != http.StatusOK || (got != "") != s.allowed {
		tb.Fatalf("scenario %s, %s: status %d, Access-Control-Allow-Origin %q, want allowed=%v",
			s.name, impl, rec.Code, got, s.allowed)
	}
}

// BenchmarkMiddleware runs every scenario through both middlewares with a
// response writer whose header map is cleared and reused.
func BenchmarkMiddleware(b *testing.B) { benchmarkMiddleware(b, false) }

// BenchmarkMiddlewareRecorder is BenchmarkMiddleware with a fresh recorder.
func BenchmarkMiddlewareRecorder(b *testing.B) { benchmarkMiddleware(b, true) }

func benchmarkMiddleware(b *testing.B, recorder bool) {
	for _, s := range scenarios() {
		for _, impl := range []struct {
			name string
			h    http.Handler
		}{
			{"s3cors", s3corsHandler(b, s)},
			{"rscors", rscorsHandler(s)},
		} {
			check(b, s, impl.name, impl.h)
			b.Run("scenario="+s.name+"/impl="+impl.name, func(b *testing.B) {
				w := &discardWriter{h: make(http.Header)}
				b.ReportAllocs()
				for b.Loop() {
					if recorder {
						impl.h.ServeHTTP(httptest.NewRecorder(), s.req)
						continue
					}
					w.reset()
					impl.h.ServeHTTP(w, s.req)
				}
			})
		}
	}
}

// TestScenarios checks that both middlewares allow and refuse the same
// requests, so that the benchmarks compare like with like.
func TestScenarios(t *testing.T) {
	for _, s := range scenarios() {
		check(t, s, "s3cors", s3corsHandler(t, s))
		check(t, s, "rscors", rscorsHandler(s))
	}
}
