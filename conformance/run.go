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
	"slices"
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
// the run was cancelled before its end; the report then still has a Result
// for every vector, those not played [NotJudged]. A target that stops
// answering leaves the vectors it did not answer NotJudged too, rather than
// Failed.
//
// Each vector gets a bucket of its own, named s3cors-XXXXXXXX-NNN with a
// random part per run. Unless Target.Keep is set, the runner deletes each
// vector's objects, configuration and bucket once the vector is judged,
// and what an interrupted vector left when the run ends.
func Check(ctx context.Context, target Target) (*Report, error) {
	r, files, err := newRunner(target)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	defer r.finish(ctx, rep)
	for _, f := range files {
		for i := range f.Vectors {
			v := &f.Vectors[i]
			if err := ctx.Err(); err != nil {
				rep.add(Result{File: f.Path, Name: v.Name, Spec: v.Spec, Outcome: NotJudged,
					Diffs: []string{"the run was cancelled before this vector: " + err.Error()}})
				continue
			}
			rep.add(r.play(ctx, f.Path, v))
		}
	}
	return rep, ctx.Err()
}

// Run plays every vector against target as a subtest of t, named after the
// vector's file and name: a vector the target answers differently fails
// with the differences, one it cannot play is skipped, and one that could
// not be judged (the target stopped answering) fails saying so. Run logs
// the closing count line and fails t when no vector passed.
func Run(t *testing.T, target Target) {
	t.Helper()
	r, files, err := newRunner(target)
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	rep := &Report{}
	defer func() {
		r.finish(t.Context(), rep)
		if len(rep.Leftovers) > 0 {
			t.Logf("conformance: could not delete %s", strings.Join(rep.Leftovers, ", "))
		}
	}()
	for _, f := range files {
		for i := range f.Vectors {
			v := &f.Vectors[i]
			t.Run(strings.TrimSuffix(f.Path, ".json")+"/"+v.Name, func(t *testing.T) {
				res := r.play(t.Context(), f.Path, v)
				rep.add(res)
				for _, d := range res.SetUp {
					t.Logf("set-up differs from S3: %s", d)
				}
				switch res.Outcome {
				case Failed:
					t.Errorf("%s (spec %s):\n%s", v.Name, strings.Join(v.Spec, ", "), strings.Join(res.Diffs, "\n"))
				case NotJudged:
					t.Errorf("%s not judged: %s", v.Name, strings.Join(res.Diffs, "; "))
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
	written []string // paths of objects the vectors may have written, not yet deleted
	created []string // buckets the run created, not yet deleted
	settled time.Duration
	setUp   []string // how the current vector's set-up calls differed from S3
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

// play runs one vector in a bucket of its own, then deletes what it
// created unless Target.Keep is set.
func (r *runner) play(ctx context.Context, file string, v *vectors.Vector) Result {
	res := Result{File: file, Name: v.Name, Spec: v.Spec, Outcome: Passed}
	r.settled, r.setUp = 0, nil
	diffs, skip, err := r.run(ctx, v)
	res.Settled, res.SetUp = r.settled, r.setUp
	switch {
	case err != nil:
		res.Outcome, res.Diffs = NotJudged, []string{err.Error()}
	case skip != "":
		res.Outcome, res.Diffs = Skipped, []string{skip}
	case len(diffs) > 0:
		res.Outcome, res.Diffs = Failed, diffs
	}
	if ctx.Err() == nil && err == nil {
		r.cleanUp(ctx)
	}
	return res
}

// run returns how the target's answer to v differs from S3's, why v cannot
// be played, or the error that kept it from being judged.
func (r *runner) run(ctx context.Context, v *vectors.Vector) (diffs []string, skip string, stop error) {
	if v.Kind == vectors.KindPutBucketCors && isJSON(*v.Document) {
		return nil, "the document is JSON, and PutBucketCors takes XML only: the AWS CLI and the S3 console convert JSON before sending", nil
	}
	r.n++
	bucket := r.prefix + strconv.Itoa(r.n)
	if r.target.Bucket != "" && v.BucketExists() {
		bucket = r.target.Bucket
	}
	if err := r.setUpBucket(ctx, v, bucket); err != nil {
		if isUnjudged(err) {
			return nil, "", err
		}
		return []string{"setting up the bucket: " + err.Error()}, "", nil
	}
	fail := func(err error) ([]string, string, error) {
		if isUnjudged(err) {
			return nil, "", err
		}
		return []string{err.Error()}, "", nil
	}
	t := &r.target

	switch v.Kind {
	case vectors.KindRequest:
		path := "/" + bucket
		if v.Request.Target == "object" {
			path += "/" + r.objectKey()
			if v.Request.Method != http.MethodGet && v.Request.Method != http.MethodHead && v.Request.Method != http.MethodOptions {
				r.written = append(r.written, path)
			}
		}
		resp, err := t.do(ctx, v.Request.Method, path, v.Request.Header(), nil)
		if err != nil {
			return fail(err)
		}
		return v.CheckResponse(resp.check(bucket)), "", nil

	case vectors.KindPutBucketCors:
		resp, err := t.do(ctx, http.MethodPut, "/"+bucket+"?cors", withMD5([]byte(*v.Document)), []byte(*v.Document))
		if err != nil {
			return fail(err)
		}
		if v.Expect.Error != nil || resp.status != http.StatusOK {
			if v.Expect.Error == nil {
				return []string{fmt.Sprintf("status %d %s, want success", resp.status, resp.body)}, "", nil
			}
			return v.CheckResponse(resp.check(bucket)), "", nil
		}
		if v.Expect.Status != nil && resp.status != *v.Expect.Status {
			return []string{fmt.Sprintf("status %d, want %d", resp.status, *v.Expect.Status)}, "", nil
		}
		if c, err := rule.ParseXML([]byte(*v.Document)); err == nil {
			if err := r.settle(ctx, bucket, c); err != nil {
				return fail(err)
			}
		}
		return r.readBack(ctx, v, bucket)

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
			return v.CheckResponse(resp.check(bucket)), "", nil
		}
		return r.readBack(ctx, v, bucket)

	case vectors.KindDeleteBucketCors:
		resp, err := t.do(ctx, http.MethodDelete, "/"+bucket+"?cors", nil, nil)
		if err != nil {
			return fail(err)
		}
		diffs := v.CheckResponse(resp.check(bucket))
		if resp.status == http.StatusNoContent {
			if err := r.settle(ctx, bucket, nil); err != nil {
				if isUnjudged(err) {
					return nil, "", err
				}
				return append(diffs, err.Error()), "", nil
			}
			// The configuration is gone, the bucket is not.
			g, err := t.do(ctx, http.MethodGet, "/"+bucket+"?cors", nil, nil)
			if err != nil {
				return fail(err)
			}
			if g.status != http.StatusNotFound || !bytes.Contains(g.body, []byte("<Code>NoSuchCORSConfiguration</Code>")) {
				diffs = append(diffs, fmt.Sprintf("GetBucketCors after DeleteBucketCors: %d %s", g.status, g.body))
			}
		}
		return diffs, "", nil
	}
	return nil, "unknown kind " + v.Kind, nil
}

// objectKey is the key of the object that request vectors address.
func (r *runner) objectKey() string {
	if r.target.Bucket != "" {
		return strings.TrimSuffix(r.prefix, "-") + "/object.txt"
	}
	return "object.txt"
}

// setUpBucket creates the vector's bucket state under the name bucket: a
// new bucket, or with Target.Bucket the existing one, with the vector's
// configuration or none. An answer that differs from S3's is recorded in
// r.setUp and the set-up goes on, so that the vector is played all the
// same; the error is for a vector that cannot be set up at all.
func (r *runner) setUpBucket(ctx context.Context, v *vectors.Vector, bucket string) error {
	if !v.BucketExists() {
		return nil
	}
	c, err := v.Configuration()
	if err != nil {
		return err
	}
	differs := func(call string, resp response, want int) {
		if resp.status != want {
			r.setUp = append(r.setUp, fmt.Sprintf("%s: status %d, want %d: %s", call, resp.status, want, bytes.TrimSpace(resp.body)))
		}
	}
	if r.target.Bucket == "" {
		r.created = append(r.created, bucket)
		resp, err := r.target.do(ctx, http.MethodPut, "/"+bucket, nil, nil)
		if err != nil {
			return err
		}
		differs("CreateBucket", resp, http.StatusOK)
		if c == nil {
			return nil
		}
	}
	if c == nil {
		resp, err := r.target.do(ctx, http.MethodDelete, "/"+bucket+"?cors", nil, nil)
		if err != nil {
			return err
		}
		differs("DeleteBucketCors", resp, http.StatusNoContent)
		return r.settleSetUp(ctx, bucket, nil)
	}
	doc, err := c.Encode(rule.FormXML)
	if err != nil {
		return err
	}
	resp, err := r.target.do(ctx, http.MethodPut, "/"+bucket+"?cors", withMD5(doc), doc)
	if err != nil {
		return err
	}
	differs("PutBucketCors", resp, http.StatusOK)
	return r.settleSetUp(ctx, bucket, c)
}

// settleSetUp is settle for a set-up call: a configuration that does not
// take effect in time is a set-up difference, not the vector's.
func (r *runner) settleSetUp(ctx context.Context, bucket string, c *rule.Configuration) error {
	err := r.settle(ctx, bucket, c)
	if err != nil && !isUnjudged(err) {
		r.setUp = append(r.setUp, err.Error())
		return nil
	}
	return err
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
			return &unjudged{"the run was cancelled: " + ctx.Err().Error(), ctx.Err()}
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

// cleanupTimeout bounds the clean-up at the end of a run, which goes on
// after the run's context is cancelled.
const cleanupTimeout = 30 * time.Second

// cleanUp deletes, unless Target.Keep is set, the objects the vectors may
// have written and the buckets the run created, with their configuration.
// It stops at the first request that gets no answer: the target is gone.
// What it could not delete stays listed in r.written and r.created.
func (r *runner) cleanUp(ctx context.Context) {
	if r.target.Keep {
		r.written, r.created = nil, nil
		return
	}
	del := func(path string, gone ...int) bool {
		resp, err := r.target.do(ctx, http.MethodDelete, path, nil, nil)
		return err == nil && slices.Contains(gone, resp.status)
	}
	for len(r.written) > 0 {
		if !del(r.written[0], http.StatusNoContent, http.StatusOK, http.StatusNotFound) {
			return
		}
		r.written = r.written[1:]
	}
	for len(r.created) > 0 {
		b := "/" + r.created[0]
		// DeleteBucket drops the configuration on S3; deleting it first
		// leaves none behind on a server where DeleteBucket fails.
		del(b+"?cors", http.StatusNoContent)
		if !del(b, http.StatusNoContent, http.StatusOK, http.StatusNotFound) {
			return
		}
		r.created = r.created[1:]
	}
}

// finish cleans up what the run left, even when ctx is cancelled (for at
// most cleanupTimeout), and lists in rep what remains.
func (r *runner) finish(ctx context.Context, rep *Report) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	r.cleanUp(ctx)
	rep.Leftovers = append(append(rep.Leftovers, r.written...), prefixed("/", r.created)...)
}

// prefixed returns each of names with prefix before it.
func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// readBack reads the configuration back with GetBucketCors and compares it
// with the vector's expectation.
func (r *runner) readBack(ctx context.Context, v *vectors.Vector, bucket string) ([]string, string, error) {
	diffs, err := r.readBackDiffs(ctx, v, bucket)
	if err != nil && isUnjudged(err) {
		return nil, "", err
	} else if err != nil {
		return []string{err.Error()}, "", nil
	}
	return diffs, "", nil
}

// readBackDiffs is readBack, returning the error of the GetBucketCors call.
func (r *runner) readBackDiffs(ctx context.Context, v *vectors.Vector, bucket string) ([]string, error) {
	resp, err := r.target.do(ctx, http.MethodGet, "/"+bucket+"?cors", nil, nil)
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		return []string{fmt.Sprintf("GetBucketCors: %d %s", resp.status, resp.body)}, nil
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/xml" {
		return []string{fmt.Sprintf("GetBucketCors Content-Type %q, want application/xml", ct)}, nil
	}
	if !bytes.HasPrefix(resp.body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		return []string{fmt.Sprintf("GetBucketCors body does not start with S3's XML declaration (G2): %q", resp.body)}, nil
	}
	got, err := rule.ParseXML(resp.body)
	if err != nil {
		return []string{"GetBucketCors body does not parse: " + err.Error()}, nil
	}
	if v.Kind == vectors.KindGetBucketCors && v.Expect.Status != nil && resp.status != *v.Expect.Status {
		return []string{fmt.Sprintf("status %d, want %d", resp.status, *v.Expect.Status)}, nil
	}
	return v.CheckConfiguration(got), nil
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
