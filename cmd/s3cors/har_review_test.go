package main

import (
	"github.com/s3cors/s3cors/internal/har"

	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExplainHARFixedConfiguration checks the question a HAR is exported
// for: does the corrected configuration allow the failed upload? Chromium
// records the blocked request without its Origin; the preflight's counts.
func TestExplainHARFixedConfiguration(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("testdata/har/chromium-refused-upload.cors.json")
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(doc), `"content-type"`, `"content-type", "x-amz-checksum-crc32"`, 1)
	r := s3cors(t, fixed, "explain", "-", "--har", "har/chromium-refused-upload.har")
	r.expect(t, 0, []string{"ALLOWED"}, nil)
	assert.NotContains(t, r.stdout, "REFUSED")
	assert.NotContains(t, r.stdout, "no-origin")
}

// TestExplainHARManyEntries checks that a file of many tiny entries is
// refused after a bounded number of them, and that a file of as many
// preflights as are read is explained (BenchmarkPairMany in internal/har
// measures that pairing them is not quadratic).
func TestExplainHARManyEntries(t *testing.T) {
	t.Parallel()
	tiny := `{"log":{"entries":[` + strings.Repeat(`{},`, har.MaxEntries+10) + `{}]}}`
	r := s3cors(t, tiny, "explain", "--har", "-")
	r.expect(t, 2, nil, []string{"more than 20000 entries"})

	entry := `{"startedDateTime":"2026-01-01T00:00:00Z","request":{"method":"OPTIONS","url":"http://127.0.0.1:9000/b/k","headers":[{"name":"Origin","value":"http://127.0.0.1:8000"},{"name":"Access-Control-Request-Method","value":"PUT"}]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"http://127.0.0.1:8000"},{"name":"Access-Control-Allow-Methods","value":"PUT"}],"content":{}}}`
	many := `{"log":{"entries":[` + strings.Repeat(entry+",", har.MaxEntries-1) + entry + `]}}`
	r = s3cors(t, many, "explain", "--har", "-", "--format", "json")
	r.expect(t, 0, nil, nil)
}

// TestExplainHARPresignedClocks checks that a presigned URL whose
// timestamps look expired is not blamed when the request succeeded, and
// that absurd X-Amz-Expires values are not taken as expiries.
func TestExplainHARPresignedClocks(t *testing.T) {
	t.Parallel()
	for _, expires := range []string{"5", "9300000000"} {
		har := `{"log":{"entries":[{"startedDateTime":"2026-01-01T00:00:10Z",
			"request":{"method":"GET","url":"http://127.0.0.1:9000/b/k?X-Amz-Date=20260101T000000Z&X-Amz-Expires=` + expires + `&X-Amz-Signature=abc","headers":[{"name":"Origin","value":"http://127.0.0.1:8000"}]},
			"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"http://127.0.0.1:8000"}],"content":{}}}]}}`
		r := s3cors(t, har, "explain", "--har", "-")
		r.expect(t, 0, []string{"ALLOWED"}, nil)
		assert.NotContains(t, r.stdout, "expired", expires)
		assert.NotContains(t, r.stdout, "1736", expires)
	}
}
