package routers

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

var policy = cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
	AllowedOrigins: []string{"https://app.example.com"},
	AllowedMethods: []string{"GET", "PUT"},
	AllowedHeaders: []string{"content-type"},
	ExposeHeaders:  []string{"ETag"},
}}})

func preflight() *http.Request {
	r := httptest.NewRequest(http.MethodOptions, "/assets/cat.png", nil)
	r.Header.Set("Origin", "https://app.example.com")
	r.Header.Set("Access-Control-Request-Method", "PUT")
	r.Header.Set("Access-Control-Request-Headers", "content-type")
	return r
}

// TestRoutersAnswerPreflights checks that, wrapped from outside, both
// routers let the middleware answer the preflight (P6) and add CORS headers
// to the real request (R4).
func TestRoutersAnswerPreflights(t *testing.T) {
	for name, h := range map[string]http.Handler{"servemux": ServeMux(policy), "chi": Chi(policy)} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, preflight())
			if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
				rec.Header().Get("Access-Control-Allow-Methods") != "GET, PUT" {
				t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
			}
			put := httptest.NewRequest(http.MethodPut, "/assets/cat.png", nil)
			put.Header.Set("Origin", "https://app.example.com")
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, put)
			if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Expose-Headers") != "ETag" || rec.Header().Get("ETag") == "" {
				t.Fatalf("PUT: %d %v", rec.Code, rec.Header())
			}
		})
	}
}

// TestRouteLevelWrappingIsTooLate shows the pitfall the package
// documentation warns about: middleware attached to a route never sees the
// preflight, because the router answers OPTIONS with 405 first.
func TestRouteLevelWrappingIsTooLate(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("PUT /{bucket}/{key...}", policy.Handler(http.HandlerFunc(putObject)))

	r := chi.NewRouter()
	r.With(func(next http.Handler) http.Handler { return policy.Handler(next) }).Put("/{bucket}/*", putObject)

	for name, h := range map[string]http.Handler{"servemux-route": mux, "chi-with": r} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, preflight())
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("preflight: %d %v; want the router's own 405 without CORS headers", rec.Code, rec.Header())
			}
		})
	}
}
