package s3client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

func TestVirtualHost(t *testing.T) {
	tests := []struct{ in, host, path, rawPath string }{
		{"http://s3.test:9000/bucket/a/b.txt", "bucket.s3.test:9000", "/a/b.txt", ""},
		{"http://s3.test/bucket", "bucket.s3.test", "/", ""},
		{"http://s3.test/bucket/a%2Fb?cors", "bucket.s3.test", "/a/b", "/a%2Fb"},
		{"http://s3.test/", "s3.test", "/", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, tt.in, nil)
		VirtualHost(r, "s3.test"+portOf(tt.in))
		if r.URL.Host != tt.host || r.URL.Path != tt.path || r.URL.RawPath != tt.rawPath {
			t.Errorf("%s: host %q path %q raw %q", tt.in, r.URL.Host, r.URL.Path, r.URL.RawPath)
		}
	}
}

func portOf(u string) string {
	if len(u) > 19 && u[14] == ':' {
		return u[14:19]
	}
	return ""
}

func TestEscapeKey(t *testing.T) {
	if got := EscapeKey("a b/c?d/é"); got != "a%20b/c%3Fd/%C3%A9" {
		t.Errorf("got %q", got)
	}
}

// TestRetry checks that a 5xx answer is retried, up to Attempts, and a
// 4xx answer is not.
func TestRetry(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 || r.URL.Path == "/always" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusForbidden)
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL, HTTP: srv.Client(), Attempts: 3}
	resp, err := c.Retry(context.Background(), http.MethodGet, "/k", nil, nil)
	if err != nil || resp.Status != http.StatusForbidden || n.Load() != 3 {
		t.Errorf("%v %v after %d calls", resp, err, n.Load())
	}
	n.Store(0)
	if _, err := c.Retry(context.Background(), http.MethodGet, "/always", nil, nil); err == nil || n.Load() != 3 {
		t.Errorf("err %v after %d calls", err, n.Load())
	}
}
