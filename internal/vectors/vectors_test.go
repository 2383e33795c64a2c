package vectors

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "v.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadRejects(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown-top-key", `{"format":"s3cors-vectors/1","vectors":[],"extra":1}`, "unknown field"},
		{"unknown-vector-key", `{"format":"s3cors-vectors/1","vectors":[{"name":"a","kind":"get_bucket_cors","expect":{},"x":1}]}`, "unknown field"},
		{"unknown-expect-key", `{"format":"s3cors-vectors/1","vectors":[{"name":"a","kind":"get_bucket_cors","expect":{"body":""}}]}`, "unknown field"},
		{"wrong-format", `{"format":"s3cors-vectors/2","vectors":[]}`, "format"},
		{"unknown-kind", `{"format":"s3cors-vectors/1","vectors":[{"name":"a","kind":"head","expect":{}}]}`, "unknown kind"},
		{"duplicate-name", `{"format":"s3cors-vectors/1","vectors":[{"name":"a","kind":"get_bucket_cors","expect":{}},{"name":"a","kind":"get_bucket_cors","expect":{}}]}`, "duplicate"},
		{"status-on-actual", `{"format":"s3cors-vectors/1","vectors":[{"name":"a","kind":"request","request":{"method":"GET","target":"object"},"expect":{"status":200}}]}`, "non-OPTIONS"},
		{"bad-target", `{"format":"s3cors-vectors/1","vectors":[{"name":"a","kind":"request","request":{"method":"GET","target":"service"},"expect":{}}]}`, "target"},
		{"document-on-request", `{"format":"s3cors-vectors/1","vectors":[{"name":"a","kind":"request","document":"","request":{"method":"GET","target":"object"},"expect":{}}]}`, "document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(write(t, tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestLoadCorpus(t *testing.T) {
	files, err := Load("../../testdata/vectors")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		n += len(f.Vectors)
	}
	if n < 100 {
		t.Errorf("corpus holds %d vectors", n)
	}
}

func TestHeaderLines(t *testing.T) {
	f, err := LoadFile(filepath.Join(write(t, `{"format":"s3cors-vectors/1","vectors":[{"name":"a","kind":"request",
		"request":{"method":"OPTIONS","target":"bucket","headers":{"Origin":["a","b"],"X":"c"}},"expect":{"status":403}}]}`), "v.json"))
	if err != nil {
		t.Fatal(err)
	}
	h := f.Vectors[0].Request.Headers
	if len(h["Origin"]) != 2 || h["X"][0] != "c" {
		t.Errorf("headers = %v", h)
	}
	if (Tally{1, 2, 3}).String() != "vectors: 1 passed, 2 failed, 3 skipped" {
		t.Error("Tally.String")
	}
}
