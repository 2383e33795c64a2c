package fakes3

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestServer plays the calls probe makes, path-style and virtual-hosted:
// CreateBucket, PutObject, ListObjectsV2, DeleteBucket of a bucket that is
// not empty, DeleteObject and DeleteBucket.
func TestServer(t *testing.T) {
	f := New("s3.test:9000")
	h := f.Handler(nil)
	do := func(method, url, body string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, url, strings.NewReader(body)))
		return rec.Code, rec.Body.String()
	}
	steps := []struct {
		method, url string
		status      int
		body        string
	}{
		{"PUT", "http://s3.test/b1", 200, ""},
		{"PUT", "http://s3.test/b1", 409, "BucketAlreadyOwnedByYou"},
		{"PUT", "http://b1.s3.test/k/1.txt", 200, ""},
		{"GET", "http://s3.test/b1?list-type=2", 200, "<Key>k/1.txt</Key>"},
		{"DELETE", "http://s3.test/b1", 409, "BucketNotEmpty"},
		{"DELETE", "http://s3.test/b1/k/1.txt", 204, ""},
		{"DELETE", "http://b1.s3.test/", 204, ""},
		{"GET", "http://s3.test/b1?list-type=2", 404, "NoSuchBucket"},
	}
	for _, s := range steps {
		code, body := do(s.method, s.url, "")
		if code != s.status || !strings.Contains(body, s.body) {
			t.Errorf("%s %s: %d %s, want %d %s", s.method, s.url, code, body, s.status, s.body)
		}
	}
	if got := f.Creations(); len(got) != 1 || got[0] != "b1 " {
		t.Errorf("creations %q", got)
	}
	if names := f.BucketNames(); len(names) != 0 {
		t.Errorf("buckets left: %q", names)
	}
}
