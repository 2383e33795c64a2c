package cors_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3cors/s3cors/cors"
)

// TestUnavailable checks the policy of a bucket whose configuration the
// server cannot tell yet: 503 ServiceUnavailable for every request the
// middleware resolves, which never reaches the handler, and the same
// answer from Evaluate.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	p := cors.Unavailable()
	assert.Nil(t, p.Configuration())
	assert.Nil(t, p.Explain(cors.Request{Method: "GET", Origin: "https://a.example"}))
	for _, method := range []string{"OPTIONS", "GET", "PUT"} {
		res := p.Evaluate(cors.Request{Method: method, Origin: "https://a.example", RequestMethod: "GET"})
		assert.Equal(t, 503, res.Status, method)
		assert.Equal(t, "ServiceUnavailable", res.Error.Code, method)
		assert.Equal(t, method == "OPTIONS", res.Preflight, method)
		assert.False(t, res.Matched, method)
	}

	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("object")) })
	tests := []struct {
		name   string
		opts   []cors.Option
		method string
		origin string
		status int
	}{
		{"preflight", nil, "OPTIONS", "https://a.example", 503},
		{"preflight without Origin", nil, "OPTIONS", "", 503},
		{"actual with Origin", nil, "GET", "https://a.example", 503},
		{"actual without Origin", nil, "GET", "", 200},
		{"actual without Origin, cache-safe Vary", []cors.Option{cors.WithCacheSafeVary()}, "GET", "", 200},
	}
	for _, tc := range tests {
		h := p.Handler(next, append(tc.opts, cors.WithRequestIDs(func(*http.Request) (string, string) { return "RID", "HID" }))...)
		r := httptest.NewRequest(tc.method, "/key", nil)
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		r.Header.Set("Access-Control-Request-Method", "GET")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, tc.status, w.Code, tc.name)
		if tc.status != 503 {
			assert.Equal(t, "object", w.Body.String(), tc.name)
			if len(tc.opts) > 0 { // the answer may vary by Origin once the configuration is known
				assert.Equal(t, "Origin", w.Header().Get("Vary"), tc.name)
			}
			continue
		}
		assert.Equal(t, "application/xml", w.Header().Get("Content-Type"), tc.name)
		assert.Equal(t, "RID", w.Header().Get("X-Amz-Request-Id"), tc.name)
		assert.Empty(t, w.Header().Get("Vary"), tc.name)
		assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>ServiceUnavailable</Code><Message>Service is unable to handle request.</Message><RequestId>RID</RequestId><HostId>HID</HostId></Error>`,
			w.Body.String(), tc.name)
	}
}
