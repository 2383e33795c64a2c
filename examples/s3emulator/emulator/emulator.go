// Package emulator is an in-memory S3 emulator with Amazon S3's bucket CORS.
//
// It combines gofakes3 (github.com/johannesboyne/gofakes3), which implements
// the object and bucket operations in memory, with s3cors, which provides what
// gofakes3 lacks: per-bucket CORS configurations and S3's answers to browsers.
//
//   - PutBucketCors, GetBucketCors and DeleteBucketCors (PUT, GET and DELETE
//     on /bucket?cors) behave as on S3: the configuration is validated with
//     S3's error codes and messages, read back exactly as stored, and deleted
//     with 204 whether or not it existed. (gofakes3 alone ignores the cors
//     sub-resource: it takes these requests for CreateBucket, ListObjects
//     and DeleteBucket, so a DELETE would delete the bucket itself.)
//   - Every request to a bucket or an object passes through the s3cors
//     middleware: preflights (OPTIONS) are answered from the bucket's
//     configuration, without authentication, and never reach gofakes3;
//     other requests get the CORS headers S3 would add. gofakes3's own
//     Access-Control-* headers (it allows "*" everywhere) are removed.
//   - The service endpoint "/" has no CORS, as on S3: a preflight there is
//     refused with 403 and other responses carry no CORS headers.
//
// The emulator uses path-style addressing (http://host/bucket/key). By
// default it does not authenticate: any credentials, or none, are accepted.
// With WithCredentials it verifies AWS Signature Version 4 on every request
// except preflights, as S3 does, for one or more users (access keys); with
// WithSignatureV2, Signature Version 2 as well.
//
// Buckets have a canned ACL, private (the default) or public-read, set by
// x-amz-acl on CreateBucket, by PutBucketAcl (PUT /bucket?acl with
// x-amz-acl) or by SetBucketACL, and answered by GetBucketAcl. With
// authentication on, anyone may read a public-read bucket and its objects
// (GET, HEAD) without signing; an unsigned write gets S3's 403
// AccessDenied. Objects have no ACL of their own.
package emulator

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

// Emulator is an S3 endpoint serving path-style requests. It is an
// http.Handler and is safe for concurrent use.
type Emulator struct {
	backend gofakes3.Backend
	s3      http.Handler // gofakes3
	buckets http.Handler // the s3cors middleware around route
	service http.Handler // serveBackend for the service endpoint "/"

	// auth verifies form uploads (WithCredentials); nil: no
	// authentication.
	auth *sigv4.Verifier

	// store holds every bucket's CORS configuration, resolves the
	// middleware's policies and serves the ?cors sub-resource.
	store *bucket.Store

	// acls holds the buckets' canned ACLs.
	acls acls

	kept     bool   // the configurations are in a backend (WithCORSBackend)
	stopSync func() // stops following the CORS backend (WithCORSBackend)
	closers  []func() error
}

// Option configures an Emulator.
type Option func(*settings)

type settings struct {
	corsOptions []cors.Option
	// WithCredentials; nil: no authentication.
	secrets map[string]string
	region  string
	now     func() time.Time // WithClock

	signatureV2 bool // WithSignatureV2

	objects     gofakes3.Backend // WithObjects; nil: in memory
	corsBackend bucket.Backend   // WithCORSBackend; nil: in memory
}

// WithCORSOptions passes options to the s3cors middleware, for example
// cors.WithCacheSafeVary().
func WithCORSOptions(opts ...cors.Option) Option {
	return func(s *settings) { s.corsOptions = append(s.corsOptions, opts...) }
}

// New returns an empty emulator: no buckets.
func New(opts ...Option) *Emulator {
	var s settings
	for _, o := range opts {
		o(&s)
	}
	objects := s.objects
	if objects == nil {
		objects = memBackend{s3mem.New()}
	}
	e := &Emulator{backend: objects, auth: s.verifier(), stopSync: func() {}}
	e.s3 = gofakes3.New(e.backend).Server()
	if s.corsBackend == nil {
		e.store = bucket.NewStore(e.bucketExists)
	} else {
		e.store = bucket.NewStore(e.bucketExists, bucket.WithBackend(s.corsBackend))
		e.kept = true
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = e.store.Sync(ctx); close(done) }()
		e.stopSync = func() { cancel(); <-done }
	}
	mw := cors.Middleware(e.store, append([]cors.Option{cors.WithRequestIDs(requestIDs)}, s.corsOptions...)...)
	// Authentication (WithCredentials) sits inside the CORS middleware:
	// preflights never reach it, and its errors get the bucket's CORS
	// headers.
	e.buckets = mw(e.authenticate(http.HandlerFunc(e.route)))
	e.service = e.authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serveBackend(w, r, "") }))
	return e
}

// CreateBucket creates a bucket without CORS configuration or, with
// WithCORSBackend, with the configuration the backend keeps for it.
func (e *Emulator) CreateBucket(name string) error {
	if err := gofakes3.ValidateBucketName(name); err != nil {
		return err
	}
	if err := e.backend.CreateBucket(name); err != nil {
		return err
	}
	// A CORS backend outlives the buckets of an emulator whose objects are
	// in memory, and is shared by every emulator on it: the bucket takes
	// the configuration it keeps.
	if !e.kept {
		e.store.Delete(name)
	}
	e.acls.set(name, ACLPrivate)
	return nil
}

// PutObject stores an object. meta holds response headers to send with it,
// such as Content-Type or Cache-Control.
func (e *Emulator) PutObject(bucket, key string, body []byte, meta map[string]string) error {
	m := map[string]string{}
	for k, v := range meta {
		m[http.CanonicalHeaderKey(k)] = v
	}
	_, err := e.backend.PutObject(bucket, key, m, bytes.NewReader(body), int64(len(body)), nil)
	return err
}

// SetBucketCORS validates c as PutBucketCors does and makes it the bucket's
// CORS configuration; nil deletes the configuration. The error is a
// *rule.Error for a configuration S3 would refuse, or an error for a
// bucket that does not exist.
func (e *Emulator) SetBucketCORS(bucket string, c *rule.Configuration) error {
	if !e.bucketExists(bucket) {
		return gofakes3.BucketNotFound(bucket)
	}
	if c == nil {
		e.store.Delete(bucket)
		return nil
	}
	return e.store.Put(bucket, c)
}

// BucketCORS returns a copy of the bucket's CORS configuration, or nil when
// it has none.
func (e *Emulator) BucketCORS(bucket string) *rule.Configuration {
	return e.store.Get(bucket)
}

// ServeHTTP serves one S3 request.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ids := newIDs()
	h := w.Header()
	h.Set("x-amz-request-id", ids.request)
	h.Set("x-amz-id-2", ids.host)
	h.Set("Server", "AmazonS3")
	r = r.WithContext(context.WithValue(r.Context(), idsKey{}, ids))

	if bucket, _ := splitPath(r.URL.Path); bucket == "" {
		e.serveService(w, r)
		return
	}
	e.buckets.ServeHTTP(w, r)
}

// serveService serves the service endpoint "/" (ListBuckets), which S3
// excludes from CORS.
//
// S3 refuses an OPTIONS request there with 403; its error body is not
// publicly recorded. As everywhere, a preflight without Origin gets S3's
// 400 first (P1). With an Origin, the emulator answers like a preflight to
// a bucket without CORS configuration, with ResourceType SERVICE:
//
//	<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message>
//	<Method>PUT</Method><ResourceType>SERVICE</ResourceType>…</Error>
func (e *Emulator) serveService(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions && r.Header.Get("Origin") == "" {
		// P1: the middleware answers a preflight without Origin with 400
		// before it looks at any bucket.
		e.buckets.ServeHTTP(w, r)
		return
	}
	if r.Method == http.MethodOptions {
		method := r.Header.Get("Access-Control-Request-Method")
		if method == "" {
			method = http.MethodOptions
		}
		writeError(w, r, http.StatusForbidden, rule.ErrorDocument{
			Code:         codeAccessForbidden,
			Message:      messageNotEnabled,
			Method:       method,
			ResourceType: "SERVICE",
		})
		return
	}
	e.service.ServeHTTP(w, r)
}

// route serves a request to a bucket or an object, after the middleware.
func (e *Emulator) route(w http.ResponseWriter, r *http.Request) {
	bucket, key := splitPath(r.URL.Path)
	// The SDKs send "?cors=", browsers and curl "?cors": only the key counts.
	if key == "" && r.URL.Query().Has("cors") {
		e.store.ServeHTTP(w, r) // PutBucketCors, GetBucketCors, DeleteBucketCors
		return
	}
	if key == "" && r.URL.Query().Has("acl") {
		e.serveACL(w, r, bucket) // PutBucketAcl, GetBucketAcl
		return
	}
	if key == "" && r.Method == http.MethodPut && (r.URL.RawQuery == "" || strings.HasPrefix(r.URL.RawQuery, "x-id=CreateBucket")) {
		e.createBucket(w, r, bucket)
		return
	}
	if isFormUpload(r) {
		e.servePost(w, r, bucket) // POST Object, an upload from an HTML form
		return
	}
	e.serveBackend(w, r, bucket)
}

// createBucket serves CreateBucket, with the canned ACL of x-amz-acl.
func (e *Emulator) createBucket(w http.ResponseWriter, r *http.Request, bucket string) {
	acl, status, doc := cannedACL(r)
	if doc != nil {
		writeError(w, r, status, *doc)
		return
	}
	if e.serveBackend(w, r, bucket) == http.StatusOK {
		e.acls.set(bucket, acl)
	}
}

// serveBackend passes the request to gofakes3, without its CORS headers,
// and returns the status of its answer.
func (e *Emulator) serveBackend(w http.ResponseWriter, r *http.Request, bucket string) int {
	bw := &backendWriter{w: w, h: http.Header{}}
	e.s3.ServeHTTP(bw, r)
	bw.finish()
	// gofakes3 deletes a bucket on DELETE /bucket (also with sub-resources
	// it does not know); the bucket's CORS configuration and ACL go with
	// it.
	if r.Method == http.MethodDelete && bucket != "" && !e.bucketExists(bucket) {
		e.store.Delete(bucket)
		e.acls.set(bucket, ACLPrivate)
	}
	return bw.status
}

func (e *Emulator) bucketExists(name string) bool {
	ok, err := e.backend.BucketExists(name)
	return err == nil && ok
}

// splitPath splits a path-style URL path into bucket and key.
func splitPath(p string) (bucket, key string) {
	p = strings.TrimPrefix(p, "/")
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key
}

// backendWriter gives gofakes3 a header map of its own. When gofakes3 writes
// its response, the headers are copied to the real response except
// Access-Control-*: gofakes3 sets "Access-Control-Allow-Origin: *" on every
// response, and the s3cors middleware has already decided which CORS
// headers the response gets. gofakes3 cannot overwrite them either, because
// it never sees the real header map.
type backendWriter struct {
	w      http.ResponseWriter
	h      http.Header
	wrote  bool
	status int
}

func (b *backendWriter) Header() http.Header { return b.h }

func (b *backendWriter) WriteHeader(code int) {
	if b.wrote {
		return
	}
	b.wrote = true
	b.status = code
	dst := b.w.Header()
	for k, v := range b.h {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), "Access-Control-") {
			continue
		}
		dst[k] = v
	}
	b.w.WriteHeader(code)
}

func (b *backendWriter) Write(p []byte) (int, error) {
	if !b.wrote {
		b.WriteHeader(http.StatusOK)
	}
	return b.w.Write(p)
}

func (b *backendWriter) Flush() {
	if !b.wrote {
		b.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(b.w).Flush()
}

func (b *backendWriter) Unwrap() http.ResponseWriter { return b.w }

func (b *backendWriter) finish() {
	if !b.wrote {
		b.WriteHeader(http.StatusOK)
	}
}

// ids are a request's x-amz-request-id and x-amz-id-2, repeated in error
// bodies as RequestId and HostId.
type ids struct{ request, host string }

type idsKey struct{}

func newIDs() ids {
	var b [48]byte
	for i := 0; i < len(b); i += 8 {
		v := rand.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return ids{
		request: strings.ToUpper(hex.EncodeToString(b[:8])),
		host:    base64.StdEncoding.EncodeToString(b[8:]),
	}
}

// requestIDs gives the s3cors middleware the IDs ServeHTTP chose.
func requestIDs(r *http.Request) (string, string) {
	id, _ := r.Context().Value(idsKey{}).(ids)
	return id.request, id.host
}
