package cors_test

import (
	"errors"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/vectors"
	"github.com/s3cors/s3cors/rule"
)

const vectorsDir = "../testdata/vectors"

// TestVectors runs every conformance vector of testdata/vectors against the
// library: requests through Policy.Evaluate, configurations through
// rule.Parse and Encode. delete_bucket_cors vectors need an HTTP server and
// are counted as skipped.
func TestVectors(t *testing.T) {
	files, err := vectors.Load(vectorsDir)
	if err != nil {
		t.Fatal(err)
	}
	var tally vectors.Tally
	for _, f := range files {
		for _, v := range f.Vectors {
			diffs, skipped := runVector(&v)
			switch {
			case skipped:
				tally.Skipped++
			case len(diffs) > 0:
				tally.Failed++
				for _, d := range diffs {
					t.Errorf("FAIL %s %s: %s", filepath.Base(f.Path), v.Name, d)
				}
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

func runVector(v *vectors.Vector) (diffs []string, skipped bool) {
	switch v.Kind {
	case vectors.KindRequest:
		return runRequestVector(v), false
	case vectors.KindPutBucketCors:
		c, err := rule.Parse([]byte(*v.Document))
		var e *rule.Error
		if errors.As(err, &e) {
			return v.CheckError(e.Code, e.Message, e.Status), false
		}
		if v.Expect.Error != nil {
			return []string{"accepted, want error " + v.Expect.Error.Code}, false
		}
		return readBack(v, c), false
	case vectors.KindGetBucketCors:
		c, err := v.Configuration()
		if err != nil {
			return []string{"bucket.cors: " + err.Error()}, false
		}
		if c == nil {
			return v.CheckError("NoSuchCORSConfiguration", "The CORS configuration does not exist", http.StatusNotFound), false // G3
		}
		return readBack(v, c), false
	}
	return nil, true
}

// readBack checks what GetBucketCors would return for c.
func readBack(v *vectors.Vector, c *rule.Configuration) []string {
	body, err := c.Encode(rule.FormXML)
	if err != nil {
		return []string{"Encode: " + err.Error()}
	}
	stored, err := rule.ParseXML(body)
	if err != nil {
		return []string{"GetBucketCors body does not parse: " + err.Error()}
	}
	return v.CheckConfiguration(stored)
}

func runRequestVector(v *vectors.Vector) []string {
	p, err := v.Policy()
	if err != nil {
		return []string{"bucket.cors: " + err.Error()}
	}
	h := v.Request.Header()
	req := cors.Request{
		Method:         v.Request.Method,
		Origin:         h.Get("Origin"),
		RequestMethod:  h.Get("Access-Control-Request-Method"),
		RequestHeaders: h.Values("Access-Control-Request-Headers"),
	}
	if v.Request.Target == "bucket" {
		req.Target = cors.TargetBucket
	}
	res := p.Evaluate(req)
	out := vectors.Response{Status: res.Status, Header: http.Header{}}
	for name, value := range res.Headers() {
		out.Header.Add(name, value)
	}
	if res.Status == http.StatusBadRequest {
		// The vectors record S3 over HTTP/1.1, where every 400 closes the
		// connection; that is the transport's part of the answer (D13).
		out.Header.Set("Connection", "close")
	}
	if res.Error.Code != "" {
		doc := res.Error
		doc.RequestID, doc.HostID = "REQUESTID", "HOSTID"
		out.Body = doc.AppendXML(nil)
	}
	return v.CheckResponse(out)
}
