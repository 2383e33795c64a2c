package cors_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/vectors"
)

// TestMiddlewareVectors runs every conformance vector of kind "request"
// through the middleware and checks what goes on the wire: status, header
// values, absent headers and the error document's fields. Behind the
// middleware, a handler answers every request that reaches it with 200 "ok";
// CORS never refuses an actual request. Vectors of other kinds concern the
// configuration API and are counted as skipped.
func TestMiddlewareVectors(t *testing.T) {
	files, err := vectors.Load("../testdata/vectors")
	if err != nil {
		t.Fatal(err)
	}
	var tally vectors.Tally
	for _, f := range files {
		for i := range f.Vectors {
			v := &f.Vectors[i]
			if v.Kind != vectors.KindRequest {
				tally.Skipped++
				continue
			}
			diffs := mwRunVector(v)
			if len(diffs) > 0 {
				tally.Failed++
				for _, d := range diffs {
					t.Errorf("FAIL %s %s: %s", filepath.Base(f.Path), v.Name, d)
				}
				continue
			}
			tally.Passed++
		}
	}
	t.Log(tally)
	if tally.Passed == 0 {
		t.Error("no vector ran")
	}
}

func mwRunVector(v *vectors.Vector) []string {
	p, err := v.Policy()
	if err != nil {
		return []string{"bucket.cors: " + err.Error()}
	}
	target := cors.TargetObject
	path := "/bucket/some/key.txt"
	if v.Request.Target == "bucket" {
		target, path = cors.TargetBucket, "/bucket"
	}
	h := cors.Middleware(cors.ResolverFunc(func(*http.Request) (*cors.Policy, cors.Target) {
		return p, target
	}))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			panic("preflight reached the handler")
		}
		io.WriteString(w, "ok")
	}))
	r := httptest.NewRequest(v.Request.Method, "http://s3.example"+path, nil)
	r.Header = v.Request.Header()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	diffs := v.CheckResponse(vectors.Response{Status: resp.StatusCode, Header: resp.Header, Body: body})
	if v.Request.Method != http.MethodOptions {
		if resp.StatusCode != http.StatusOK || string(body) != "ok" {
			diffs = append(diffs, "the handler's response did not go through unchanged")
		}
	} else if v.Expect.Error != nil {
		d, err := mwDecodeError(body)
		switch {
		case err != nil:
			diffs = append(diffs, "error body: "+err.Error())
		case d.RequestId != resp.Header.Get("X-Amz-Request-Id") || d.HostId != resp.Header.Get("X-Amz-Id-2"):
			diffs = append(diffs, "RequestId/HostId differ from the X-Amz-Request-Id/X-Amz-Id-2 headers")
		}
	}
	return diffs
}
