package bucket

import (
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// Store holds the CORS configuration of every bucket of an S3 server, each
// compiled once into a [cors.Policy]. It is the [cors.Resolver] of the
// server's CORS middleware and, through [Store.ServeHTTP], the handler of
// the ?cors sub-resource.
//
// Putting or deleting a bucket's configuration costs the same whatever the
// number of buckets, and never blocks the requests being answered: each
// request sees one configuration, the old or the new, never a mixture. A
// Store is safe for concurrent use. Create one with [NewStore]; the zero
// Store is not usable.
type Store struct {
	exists   func(bucket string) bool
	locate   func(r *http.Request) (bucket string, target cors.Target, ok bool)
	policies sync.Map // bucket name → *cors.Policy

	optionalDigests bool // see WithOptionalDigests
}

// errNilConfiguration is the error of Put for a nil configuration.
var errNilConfiguration = errors.New("bucket: Put: nil configuration; to remove a bucket's configuration, use Delete")

// An Option configures a [Store].
type Option func(*Store)

// WithLocator sets how the Store finds the bucket a request addresses, for
// servers whose URLs are not path-style. locate returns the bucket name,
// whether the URL names the bucket itself or an object in it, and false
// for a request that addresses no bucket (the service endpoint), which then
// gets no CORS (W3). It must be safe for concurrent use.
//
// Without this option the Store reads path-style URLs: "/bucket" and
// "/bucket/" address the bucket, "/bucket/key" an object, "/" no bucket.
// A server answering virtual-hosted-style requests (bucket.s3.example.com)
// takes the bucket from the Host header instead.
func WithLocator(locate func(r *http.Request) (bucket string, target cors.Target, ok bool)) Option {
	return func(s *Store) {
		if locate != nil {
			s.locate = locate
		}
	}
}

// NewStore returns an empty Store for a server whose buckets exist when
// exists says so. The Store asks exists on every request it resolves and
// every bucket CORS call it serves, so that a missing bucket gets S3's
// answers (P2, R6, NoSuchBucket); exists must be safe for concurrent use.
// NewStore panics if exists is nil.
func NewStore(exists func(bucket string) bool, opts ...Option) *Store {
	if exists == nil {
		panic("bucket: NewStore: nil exists function")
	}
	s := &Store{exists: exists, locate: pathStyle}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// pathStyle locates the bucket of a path-style URL.
func pathStyle(r *http.Request) (bucket string, target cors.Target, ok bool) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucket == "" {
		return "", cors.TargetBucket, false
	}
	if key == "" {
		return bucket, cors.TargetBucket, true
	}
	return bucket, cors.TargetObject, true
}

// Put validates c as PutBucketCors does and makes it the configuration of
// the bucket, replacing any other. The error is the [*rule.Error] S3
// answers for an invalid configuration. Put does not check that the bucket
// exists: the server calls it for buckets it knows, and [Store.ServeHTTP]
// checks for the requests it serves. The Store keeps its own copy of c. A
// nil c is an error: to remove a configuration, use [Store.Delete].
func (s *Store) Put(bucket string, c *rule.Configuration) error {
	if c == nil {
		return errNilConfiguration
	}
	p, err := cors.Compile(c)
	if err != nil {
		return err
	}
	s.policies.Store(bucket, p)
	return nil
}

// Get returns a copy of the bucket's configuration, or nil when it has
// none.
func (s *Store) Get(bucket string) *rule.Configuration {
	return s.policy(bucket).Configuration()
}

// Policy returns the policy to evaluate requests to the bucket with (see
// [cors.Policy.Evaluate]): [cors.MissingBucket] when the bucket does not
// exist, nil when it has no configuration. It is for servers that do not
// use net/http, which cannot use the Store as a [cors.Resolver].
func (s *Store) Policy(bucket string) *cors.Policy {
	if !s.exists(bucket) {
		return cors.MissingBucket()
	}
	return s.policy(bucket)
}

// Delete removes the bucket's configuration, if any. A server calls it
// after deleting a bucket, so that a bucket created later under the same
// name starts without CORS, as on S3.
func (s *Store) Delete(bucket string) {
	s.policies.Delete(bucket)
}

// policy returns the bucket's policy, or nil.
func (s *Store) policy(bucket string) *cors.Policy {
	if v, ok := s.policies.Load(bucket); ok {
		return v.(*cors.Policy)
	}
	return nil
}

// ResolveCORS returns the policy of the bucket r addresses, for
// [cors.Middleware]: [cors.MissingBucket] when the bucket does not exist,
// nil when it has no configuration or r addresses no bucket.
func (s *Store) ResolveCORS(r *http.Request) (*cors.Policy, cors.Target) {
	bucket, target, ok := s.locate(r)
	if !ok {
		return nil, target
	}
	return s.Policy(bucket), target
}
