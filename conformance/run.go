package conformance

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/vectors"
	"github.com/s3cors/s3cors/rule"
)

// Check plays every vector against target and reports the outcome of each.
// The error is for a run that cannot start (an unreadable or invalid
// corpus, or a Target with neither Handler nor URL), or ctx's error when
// it ends before the last vector, with the report of the vectors played. Each vector gets a
// bucket of its own, named s3cors-XXXXXXXX-NNN with a random part per
// run; the runner deletes none of them.
func Check(ctx context.Context, target Target) (*Report, error) {
	r, files, err := newRunner(target)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	defer r.cleanUp(context.WithoutCancel(ctx))
	for _, f := range files {
		for i := range f.Vectors {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			rep.add(r.play(ctx, f.Path, &f.Vectors[i]))
		}
	}
	return rep, nil
}

// Run plays every vector against target as a subtest of t, named after the
// vector's file and name: a vector the target answers differently fails
// with the differences, one it cannot play is skipped. Run logs the
// closing count line and fails t when no vector passed.
func Run(t *testing.T, target Target) {
	t.Helper()
	r, files, err := newRunner(target)
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	rep := &Report{}
	defer r.cleanUp(context.WithoutCancel(t.Context()))
	for _, f := range files {
		for i := range f.Vectors {
			v := &f.Vectors[i]
			t.Run(strings.TrimSuffix(f.Path, ".json")+"/"+v.Name, func(t *testing.T) {
				res := r.play(t.Context(), f.Path, v)
				rep.add(res)
				switch res.Outcome {
				case Failed:
					t.Errorf("%s (spec %s):\n%s", v.Name, strings.Join(v.Spec, ", "), strings.Join(res.Diffs, "\n"))
				case Skipped:
					t.Skip(strings.Join(res.Diffs, "; "))
				}
			})
		}
	}
	t.Log(rep)
	if rep.Passed == 0 {
		t.Error("conformance: no vector passed")
	}
}

// runner plays vectors against one target.
type runner struct {
	target  Target
	prefix  string   // bucket names and, with Target.Bucket, object keys start with it
	n       int      // buckets named so far
	written []string // paths of objects the vectors may have written, with Target.Bucket
	settled time.Duration
}

func newRunner(target Target) (*runner, []vectors.File, error) {
	if target.Handler == nil && target.URL == "" {
		return nil, nil, errors.New("the Target has neither a Handler nor a URL")
	}
	fsys := target.Vectors
	if fsys == nil {
		fsys = Corpus()
	}
	files, err := vectors.LoadFS(fsys)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the vectors: %w", err)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &runner{target: target, prefix: "s3cors-" + hex.EncodeToString(b[:]) + "-"}, files, nil
}

// play runs one vector in a bucket of its own.
func (r *runner) play(ctx context.Context, file string, v *vectors.Vector) Result {
	res := Result{File: file, Name: v.Name, Spec: v.Spec, Outcome: Passed}
	r.settled = 0
	diffs, skip := r.run(ctx, v)
	res.Settled = r.settled
	switch {
	case skip != "":
		res.Outcome, res.Diffs = Skipped, []string{skip}
	case len(diffs) > 0:
		res.Outcome, res.Diffs = Failed, diffs
	}
	return res
}

// run returns how the target's answer to v differs from S3's, or why v
// cannot be played.
func (r *runner) run(ctx context.Context, v *vectors.Vector) (diffs []string, skip string) {
	if v.Kind == vectors.KindPutBucketCors && isJSON(*v.Document) {
		return nil, "the document is JSON, and PutBucketCors takes XML only: the AWS CLI and the S3 console convert JSON before sending"
	}
	r.n++
	bucket := r.prefix + strconv.Itoa(r.n)
	if r.target.Bucket != "" && v.BucketExists() {
		bucket = r.target.Bucket
	}
	if err := r.setUp(ctx, v, bucket); err != nil {
		return []string{"setting up the bucket: " + err.Error()}, ""
	}
	fail := func(err error) ([]string, string) { return []string{err.Error()}, "" }
	t := &r.target

	switch v.Kind {
	case vectors.KindRequest:
		path := "/" + bucket
		if v.Request.Target == "object" {
			path += "/" + r.objectKey()
			if r.target.Bucket != "" && v.Request.Method != http.MethodGet && v.Request.Method != http.MethodHead && v.Request.Method != http.MethodOptions {
				r.written = append(r.written, path)
			}
		}
		resp, err := t.do(ctx, v.Request.Method, path, v.Request.Header(), nil)
		if err != nil {
			return fail(err)
		}
		return v.CheckResponse(resp.check(bucket)), ""

	case vectors.KindPutBucketCors:
		resp, err := t.do(ctx, http.MethodPut, "/"+bucket+"?cors", withMD5([]byte(*v.Document)), []byte(*v.Document))
		if err != nil {
			return fail(err)
		}
		if v.Expect.Error != nil || resp.status != http.StatusOK {
			if v.Expect.Error == nil {
				return []string{fmt.Sprintf("status %d %s, want success", resp.status, resp.body)}, ""
			}
			return v.CheckResponse(resp.check(bucket)), ""
		}
		if v.Expect.Status != nil && resp.status != *v.Expect.Status {
			return []string{fmt.Sprintf("status %d, want %d", resp.status, *v.Expect.Status)}, ""
		}
		if c, err := rule.ParseXML([]byte(*v.Document)); err == nil {
			if err := r.settle(ctx, bucket, c); err != nil {
				return fail(err)
			}
		}
		return r.readBack(ctx, v, bucket), ""

	case vectors.KindGetBucketCors:
		c, err := v.Configuration()
		if err != nil {
			return fail(err)
		}
		if c == nil || v.Expect.Error != nil {
			resp, err := t.do(ctx, http.MethodGet, "/"+bucket+"?cors", nil, nil)
			if err != nil {
				return fail(err)
			}
			return v.CheckResponse(resp.check(bucket)), ""
		}
		return r.readBack(ctx, v, bucket), ""

	case vectors.KindDeleteBucketCors:
		resp, err := t.do(ctx, http.MethodDelete, "/"+bucket+"?cors", nil, nil)
		if err != nil {
			return fail(err)
		}
		diffs := v.CheckResponse(resp.check(bucket))
		if resp.status == http.StatusNoContent {
			if err := r.settle(ctx, bucket, nil); err != nil {
				return append(diffs, err.Error()), ""
			}
			// The configuration is gone, the bucket is not.
			g, err := t.do(ctx, http.MethodGet, "/"+bucket+"?cors", nil, nil)
			if err != nil || g.status != http.StatusNotFound || !bytes.Contains(g.body, []byte("<Code>NoSuchCORSConfiguration</Code>")) {
				diffs = append(diffs, fmt.Sprintf("GetBucketCors after DeleteBucketCors: %d %s", g.status, g.body))
			}
		}
		return diffs, ""
	}
	return nil, "unknown kind " + v.Kind
}

// objectKey is the key of the object that request vectors address.
func (r *runner) objectKey() string {
	if r.target.Bucket != "" {
		return strings.TrimSuffix(r.prefix, "-") + "/object.txt"
	}
	return "object.txt"
}

// setUp creates the vector's bucket state under the name bucket: a new
// bucket, or with Target.Bucket the existing one, with the vector's
// configuration or none.
func (r *runner) setUp(ctx context.Context, v *vectors.Vector, bucket string) error {
	if !v.BucketExists() {
		return nil
	}
	c, err := v.Configuration()
	if err != nil {
		return err
	}
	if r.target.Bucket == "" {
		resp, err := r.target.do(ctx, http.MethodPut, "/"+bucket, nil, nil)
		if err != nil {
			return err
		}
		if resp.status != http.StatusOK {
			return fmt.Errorf("CreateBucket: %d %s", resp.status, resp.body)
		}
		if c == nil {
			return nil
		}
	}
	if c == nil {
		resp, err := r.target.do(ctx, http.MethodDelete, "/"+bucket+"?cors", nil, nil)
		if err != nil {
			return err
		}
		if resp.status != http.StatusNoContent {
			return fmt.Errorf("DeleteBucketCors: %d %s", resp.status, resp.body)
		}
		return r.settle(ctx, bucket, nil)
	}
	doc, err := c.Encode(rule.FormXML)
	if err != nil {
		return err
	}
	resp, err := r.target.do(ctx, http.MethodPut, "/"+bucket+"?cors", withMD5(doc), doc)
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return fmt.Errorf("PutBucketCors: %d %s", resp.status, resp.body)
	}
	return r.settle(ctx, bucket, c)
}

// settle waits, up to Target.Settle, until the bucket's configuration is c
// (none for nil) as GetBucketCors reads it and as a preflight is answered,
// and records how long that took.
func (r *runner) settle(ctx context.Context, bucket string, c *rule.Configuration) error {
	if r.target.Settle <= 0 {
		return nil
	}
	start := time.Now()
	deadline := start.Add(r.target.Settle)
	wait := 50 * time.Millisecond
	for {
		ok, err := r.inEffect(ctx, bucket, c)
		if err != nil {
			return err
		}
		if ok {
			r.settled = time.Since(start)
			return nil
		}
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("the bucket's CORS configuration did not take effect within %v", r.target.Settle)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// inEffect reports whether GetBucketCors reads c (none for nil) and a
// preflight is answered as c answers it.
func (r *runner) inEffect(ctx context.Context, bucket string, c *rule.Configuration) (bool, error) {
	resp, err := r.target.do(ctx, http.MethodGet, "/"+bucket+"?cors", nil, nil)
	if err != nil {
		return false, err
	}
	if c == nil {
		if resp.status != http.StatusNotFound {
			return false, nil
		}
	} else {
		got, err := rule.ParseXML(resp.body)
		if resp.status != http.StatusOK || err != nil || !sameConfiguration(got, c) {
			return false, nil
		}
	}
	// A preflight from an origin of the first rule, for one of its
	// methods: the configuration answers it with that origin or "*"; no
	// configuration refuses it.
	origin, method := "https://conformance.example", http.MethodGet
	if c != nil {
		rl := c.Rules[0]
		method = rl.AllowedMethods[0]
		if o := rl.AllowedOrigins[0]; !strings.Contains(o, "*") && o != "" {
			origin = o
		}
	}
	h := http.Header{"Origin": {origin}, "Access-Control-Request-Method": {method}}
	want := cors.MustCompile(orEmpty(c)).Evaluate(cors.Request{Method: http.MethodOptions, Origin: origin, RequestMethod: method})
	resp, err = r.target.do(ctx, http.MethodOptions, "/"+bucket+"/"+r.objectKey(), h, nil)
	if err != nil {
		return false, err
	}
	if c == nil {
		return resp.status == http.StatusForbidden, nil
	}
	return resp.status == want.Status && resp.header.Get("Access-Control-Allow-Origin") == want.Get("Access-Control-Allow-Origin"), nil
}

// sameConfiguration reports whether a and b are the same configuration
// as GetBucketCors writes it, where an empty list and no list are one.
func sameConfiguration(a, b *rule.Configuration) bool {
	x, errA := a.Encode(rule.FormXML)
	y, errB := b.Encode(rule.FormXML)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// orEmpty returns c, or a configuration that allows nothing useful for nil.
func orEmpty(c *rule.Configuration) *rule.Configuration {
	if c != nil {
		return c
	}
	return &rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"https://nowhere.invalid"}, AllowedMethods: []string{"GET"}}}}
}

// cleanUp deletes the objects the vectors may have written in
// Target.Bucket.
func (r *runner) cleanUp(ctx context.Context) {
	for _, path := range r.written {
		_, _ = r.target.do(ctx, http.MethodDelete, path, nil, nil)
	}
	r.written = nil
}

// readBack reads the configuration back with GetBucketCors and compares it
// with the vector's expectation.
func (r *runner) readBack(ctx context.Context, v *vectors.Vector, bucket string) []string {
	resp, err := r.target.do(ctx, http.MethodGet, "/"+bucket+"?cors", nil, nil)
	if err != nil {
		return []string{err.Error()}
	}
	if resp.status != http.StatusOK {
		return []string{fmt.Sprintf("GetBucketCors: %d %s", resp.status, resp.body)}
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/xml" {
		return []string{fmt.Sprintf("GetBucketCors Content-Type %q, want application/xml", ct)}
	}
	if !bytes.HasPrefix(resp.body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		return []string{fmt.Sprintf("GetBucketCors body does not start with S3's XML declaration (G2): %q", resp.body)}
	}
	got, err := rule.ParseXML(resp.body)
	if err != nil {
		return []string{"GetBucketCors body does not parse: " + err.Error()}
	}
	if v.Kind == vectors.KindGetBucketCors && v.Expect.Status != nil && resp.status != *v.Expect.Status {
		return []string{fmt.Sprintf("status %d, want %d", resp.status, *v.Expect.Status)}
	}
	return v.CheckConfiguration(got)
}

// check is resp as a vector checks it.
func (resp response) check(bucket string) vectors.Response {
	return vectors.Response{Status: resp.status, Header: resp.header, Body: resp.body,
		Wire: true, ProtoMajor: resp.protoMajor, Bucket: bucket}
}

// withMD5 returns the Content-MD5 header of doc: SDKs send it, or a
// flexible checksum, with every PutBucketCors, and S3 refuses the call
// without either (V1).
func withMD5(doc []byte) http.Header {
	sum := md5.Sum(doc)
	return http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}
}

// isJSON reports whether doc is one of the JSON forms of a configuration
// rather than XML: its first character, after a byte order mark and white
// space, is '{' or '['.
func isJSON(doc string) bool {
	doc = strings.TrimPrefix(doc, "\uFEFF")
	doc = strings.TrimLeft(doc, " \t\r\n")
	return strings.HasPrefix(doc, "{") || strings.HasPrefix(doc, "[")
}
