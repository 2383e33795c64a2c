package emulator_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
	"github.com/s3cors/s3cors/internal/vectors"
	"github.com/s3cors/s3cors/rule"
)

const vectorsDir = "../../../testdata/vectors"

// TestVectorsOverHTTP replays every conformance vector against a running
// emulator, over HTTP: each vector gets a fresh bucket, set up with plain
// HTTP requests (CreateBucket, PutBucketCors), then the vector's request.
// Requests other than OPTIONS reach gofakes3 (an object that does not exist
// gives 404 NoSuchKey); their CORS headers are compared all the same.
//
// put_bucket_cors vectors whose document is JSON are skipped: S3's API
// takes XML only, and the JSON forms are what the AWS CLI and the S3 console
// turn into XML before sending.
func TestVectorsOverHTTP(t *testing.T) {
	files, err := vectors.Load(vectorsDir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emulator.New())
	defer srv.Close()
	r := &runner{base: srv.URL, client: srv.Client()}

	var tally vectors.Tally
	n := 0
	for _, f := range files {
		for _, v := range f.Vectors {
			n++
			diffs, skipped := r.run(&v, fmt.Sprintf("vectors-%03d", n))
			switch {
			case skipped:
				tally.Skipped++
			case len(diffs) > 0:
				tally.Failed++
				t.Errorf("FAIL %s %s: %s", filepath.Base(f.Path), v.Name, strings.Join(diffs, "; "))
			default:
				tally.Passed++
			}
		}
	}
	t.Log(tally)
	if tally.Passed == 0 {
		t.Error("no vector passed")
	}
}

type runner struct {
	base   string
	client *http.Client
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *runner) do(method, path string, header http.Header, body []byte) (response, error) {
	req, err := http.NewRequest(method, r.base+path, bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	// net/http moves "Connection: close" into resp.Close; put it back so
	// that vectors can check it.
	if resp.Close && resp.Header.Get("Connection") == "" {
		resp.Header.Set("Connection", "close")
	}
	return response{resp.StatusCode, resp.Header, b}, err
}

// setUp creates the vector's bucket state under the name bucket.
func (r *runner) setUp(v *vectors.Vector, bucket string) error {
	if !v.BucketExists() {
		return nil
	}
	resp, err := r.do(http.MethodPut, "/"+bucket, nil, nil)
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return fmt.Errorf("CreateBucket: %d %s", resp.status, resp.body)
	}
	c, err := v.Configuration()
	if err != nil || c == nil {
		return err
	}
	doc, err := c.Encode(rule.FormXML)
	if err != nil {
		return err
	}
	resp, err = r.do(http.MethodPut, "/"+bucket+"?cors", nil, doc)
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return fmt.Errorf("PutBucketCors: %d %s", resp.status, resp.body)
	}
	return nil
}

func (r *runner) run(v *vectors.Vector, bucket string) (diffs []string, skipped bool) {
	if v.Kind == vectors.KindPutBucketCors && isJSON(*v.Document) {
		return nil, true
	}
	if err := r.setUp(v, bucket); err != nil {
		return []string{"setting up the bucket: " + err.Error()}, false
	}
	fail := func(err error) ([]string, bool) { return []string{err.Error()}, false }

	switch v.Kind {
	case vectors.KindRequest:
		path := "/" + bucket
		if v.Request.Target == "object" {
			path += "/object.txt"
		}
		resp, err := r.do(v.Request.Method, path, v.Request.Header(), nil)
		if err != nil {
			return fail(err)
		}
		return v.CheckResponse(vectors.Response{Status: resp.status, Header: resp.header, Body: resp.body}), false

	case vectors.KindPutBucketCors:
		resp, err := r.do(http.MethodPut, "/"+bucket+"?cors", nil, []byte(*v.Document))
		if err != nil {
			return fail(err)
		}
		if v.Expect.Error != nil || resp.status != http.StatusOK {
			if v.Expect.Error == nil {
				return []string{fmt.Sprintf("status %d %s, want success", resp.status, resp.body)}, false
			}
			return v.CheckResponse(vectors.Response{Status: resp.status, Header: resp.header, Body: resp.body}), false
		}
		if v.Expect.Status != nil && resp.status != *v.Expect.Status {
			return []string{fmt.Sprintf("status %d, want %d", resp.status, *v.Expect.Status)}, false
		}
		return r.readBack(v, bucket)

	case vectors.KindGetBucketCors:
		c, err := v.Configuration()
		if err != nil {
			return fail(err)
		}
		if c == nil || v.Expect.Error != nil {
			resp, err := r.do(http.MethodGet, "/"+bucket+"?cors", nil, nil)
			if err != nil {
				return fail(err)
			}
			return v.CheckResponse(vectors.Response{Status: resp.status, Header: resp.header, Body: resp.body}), false
		}
		return r.readBack(v, bucket)

	case vectors.KindDeleteBucketCors:
		resp, err := r.do(http.MethodDelete, "/"+bucket+"?cors", nil, nil)
		if err != nil {
			return fail(err)
		}
		diffs := v.CheckResponse(vectors.Response{Status: resp.status, Header: resp.header, Body: resp.body})
		if resp.status == http.StatusNoContent {
			// The configuration is gone, the bucket is not.
			if g, err := r.do(http.MethodGet, "/"+bucket+"?cors", nil, nil); err != nil || g.status != http.StatusNotFound ||
				!bytes.Contains(g.body, []byte("<Code>NoSuchCORSConfiguration</Code>")) {
				diffs = append(diffs, fmt.Sprintf("GetBucketCors after delete: %d %s", g.status, g.body))
			}
		}
		return diffs, false
	}
	return nil, true
}

// isJSON reports whether doc is one of the JSON forms that rule.Parse reads
// (the AWS CLI's {"CORSRules": [...]} or the console's bare array) rather
// than XML: its first character, after a byte order mark and white space,
// is '{' or '['.
func isJSON(doc string) bool {
	doc = strings.TrimPrefix(doc, "\uFEFF")
	doc = strings.TrimLeft(doc, " \t\r\n")
	return strings.HasPrefix(doc, "{") || strings.HasPrefix(doc, "[")
}

// readBack reads the configuration back with GetBucketCors and compares it
// with expect.cors.
func (r *runner) readBack(v *vectors.Vector, bucket string) ([]string, bool) {
	resp, err := r.do(http.MethodGet, "/"+bucket+"?cors", nil, nil)
	if err != nil {
		return []string{err.Error()}, false
	}
	if resp.status != http.StatusOK {
		return []string{fmt.Sprintf("GetBucketCors: %d %s", resp.status, resp.body)}, false
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/xml" {
		return []string{fmt.Sprintf("GetBucketCors Content-Type %q", ct)}, false
	}
	got, err := rule.Parse(resp.body)
	if err != nil {
		return []string{"GetBucketCors body does not parse: " + err.Error()}, false
	}
	if v.Kind == vectors.KindGetBucketCors && v.Expect.Status != nil && resp.status != *v.Expect.Status {
		return []string{fmt.Sprintf("status %d, want %d", resp.status, *v.Expect.Status)}, false
	}
	return v.CheckConfiguration(got), false
}

// TestVectorsUnknownKeysRejected makes sure the loader refuses a vector file
// with keys it does not know, rather than silently ignoring expectations.
func TestVectorsUnknownKeysRejected(t *testing.T) {
	for name, doc := range map[string]string{
		"top":    `{"format": "s3cors-vectors/1", "vectors": [], "extra": 1}`,
		"vector": `{"format": "s3cors-vectors/1", "vectors": [{"name": "a", "kind": "delete_bucket_cors", "expect": {"status": 204}, "bogus": true}]}`,
		"expect": `{"format": "s3cors-vectors/1", "vectors": [{"name": "a", "kind": "delete_bucket_cors", "expect": {"status": 204, "stauts": 200}}]}`,
	} {
		p := filepath.Join(t.TempDir(), name+".json")
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := vectors.LoadFile(p); err == nil {
			t.Errorf("%s: unknown key accepted", name)
		}
	}
}
