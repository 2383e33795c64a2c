package cors_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// Refusals logged through log/slog at debug level. The middleware never
// explains itself in a response, so the reason goes to the server's log:
// the observer sees each request's Result, and for a refusal asks
// Policy.Explain why each rule said no. Explain allocates, so it runs only
// for refusals, and only when debug logging is on.
func ExampleWithObserver() {
	p := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{"GET", "PUT"},
		AllowedHeaders: []string{"content-type"},
	}}})
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{} // no time, for a reproducible output
			}
			return a
		},
	}))

	logRefusals := func(r *http.Request, res cors.Result) {
		origin := r.Header.Get("Origin")
		refused := res.Status >= 400 || !res.Preflight && origin != "" && !res.Matched
		if !refused || !logger.Enabled(r.Context(), slog.LevelDebug) {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("origin", origin),
		}
		if res.Preflight {
			attrs = append(attrs, slog.Int("status", res.Status), slog.String("code", res.Error.Code))
		}
		req := cors.Request{
			Method:         r.Method,
			Origin:         origin,
			RequestMethod:  r.Header.Get("Access-Control-Request-Method"),
			RequestHeaders: r.Header.Values("Access-Control-Request-Headers"),
		}
		for _, v := range p.Explain(req) {
			reason := string(v.Reason)
			if v.Header != "" {
				reason += ": " + v.Header
			}
			attrs = append(attrs, slog.String("rule"+strconv.Itoa(v.Rule), reason))
		}
		logger.LogAttrs(r.Context(), slog.LevelDebug, "CORS refused", attrs...)
	}

	files := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	h := p.Handler(files, cors.WithObserver(logRefusals))

	request := func(method, origin string, header ...string) *http.Request {
		r := httptest.NewRequest(method, "/photo.jpg", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		return r
	}
	for _, r := range []*http.Request{
		request("OPTIONS", "https://app.example.com",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type,x-amz-date"),
		request("GET", "https://evil.example.org"),
		request("GET", "https://app.example.com"), // allowed: not logged
		request("GET", ""),                        // no Origin: not a CORS request
	} {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	// Output:
	// level=DEBUG msg="CORS refused" method=OPTIONS path=/photo.jpg origin=https://app.example.com status=403 code=AccessForbidden rule0="header not allowed: x-amz-date"
	// level=DEBUG msg="CORS refused" method=GET path=/photo.jpg origin=https://evil.example.org rule0="origin not allowed"
}
