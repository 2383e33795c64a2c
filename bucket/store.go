package bucket

import (
	"context"
	"errors"
	"log"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// Store holds the CORS configuration of every bucket of an S3 server, each
// compiled once into a [cors.Policy] that every bucket with the same
// configuration shares. It is the [cors.Resolver] of the server's CORS
// middleware and, through [Store.ServeHTTP], the handler of the ?cors
// sub-resource.
//
// Putting or deleting a bucket's configuration costs the same whatever the
// number of buckets, and holds up no request longer than a map assignment
// (and only the requests to one bucket in 256): each request sees one
// configuration, the old or the new, never a mixture. A
// Store is safe for concurrent use. Create one with [NewStore]; the zero
// Store is not usable.
//
// By itself a Store keeps configurations in memory only, and a server
// must put every configuration again when it starts. With [WithBackend] it
// writes every change through to a [Backend] and, once [Store.Sync] runs,
// loads the Backend's configurations and follows the changes other
// processes make; see the package documentation for what that guarantees.
type Store struct {
	exists   func(bucket string) bool
	locate   func(r *http.Request) (bucket string, target cors.Target, ok bool)
	backend  Backend
	report   func(error)
	policies policies // the compiled policies, one per distinct document

	// buckets maps a bucket name to its entry. A full load from the
	// Backend builds a new table and swaps it in.
	buckets atomic.Pointer[table]
	// ready is set once the first load from the Backend is done; it is
	// set from the start without a Backend.
	ready   atomic.Bool
	syncing atomic.Bool // Sync is running

	// state orders the changes of a Store with a Backend; see follow.go.
	state state
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

// WithBackend makes b the record of the Store's configurations: every Put
// and Delete writes through to b and succeeds only once b has made the
// change durable, and [Store.Sync] loads b's configurations and follows its
// changes. Until the first load is done the Store is not [Store.Ready] and
// answers what it cannot know with S3's 503 ServiceUnavailable.
func WithBackend(b Backend) Option {
	return func(s *Store) { s.backend = b }
}

// WithErrorHandler makes f the receiver of the errors the Store meets and
// handles by itself while it follows its Backend: a stored document that is
// not a valid configuration (a [*DocumentError]; the bucket is taken to have
// none), a load that failed or a watch that broke (both retried), and the
// failure of [Store.Delete], which returns none. f must be safe for
// concurrent use and should return quickly. Without this option the
// errors go to the standard logger of package log.
func WithErrorHandler(f func(error)) Option {
	return func(s *Store) {
		if f != nil {
			s.report = f
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
	s := &Store{exists: exists, locate: pathStyle, report: logError}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.buckets.Store(newTable())
	s.ready.Store(s.backend == nil)
	return s
}

// logError is the default error handler.
func logError(err error) { log.Print(err) }

// Ready reports whether the Store knows every bucket's configuration: once
// [Store.Sync] has finished its first load from the Backend, and always
// for a Store without one. Until then [Store.ServeHTTP], the CORS
// middleware and [Store.Policy] answer with S3's 503 ServiceUnavailable
// ([cors.Unavailable]); a server that calls [Store.Get] checks Ready
// first, since Get cannot tell a configuration not loaded yet from none.
// Ready suits a server's readiness probe.
func (s *Store) Ready() bool { return s.ready.Load() }

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
// answers for an invalid configuration, or the Backend's failure. Put does
// not check that the bucket exists: the server calls it for buckets it
// knows, and [Store.ServeHTTP] checks for the requests it serves. The Store
// keeps its own copy of c. A nil c is an error: to remove a configuration,
// use [Store.Delete]. Put is PutContext with [context.Background].
func (s *Store) Put(bucket string, c *rule.Configuration) error {
	return s.PutContext(context.Background(), bucket, c)
}

// PutContext is [Store.Put] with a context that bounds the write to the
// Backend. With a Backend, it returns nil only once the Backend has made
// the change durable, and the Store answers with the new configuration
// from then on (unless a later change replaced it).
func (s *Store) PutContext(ctx context.Context, bucket string, c *rule.Configuration) error {
	if c == nil {
		return errNilConfiguration
	}
	sh, doc, err := s.policies.compile(c)
	if err != nil {
		return err
	}
	if s.backend == nil {
		if old, ok := s.buckets.Load().set(bucket, entry{config: sh}); ok {
			s.policies.release(old.config)
		}
		return nil
	}
	revision, err := s.backend.Put(ctx, bucket, doc)
	if err != nil {
		s.policies.release(sh)
		return &BackendError{Op: "put", Bucket: bucket, Err: err}
	}
	s.applyLocal(bucket, sh, revision)
	return nil
}

// Get returns a copy of the bucket's configuration, or nil when it has
// none.
func (s *Store) Get(bucket string) *rule.Configuration {
	return s.policy(bucket).Configuration()
}

// Policy returns the policy to evaluate requests to the bucket with (see
// [cors.Policy.Evaluate]): [cors.Unavailable] while the Store is not
// [Store.Ready], [cors.MissingBucket] when the bucket does not exist, nil
// when it has no configuration. It is for servers that do not use
// net/http, which cannot use the Store as a [cors.Resolver].
func (s *Store) Policy(bucket string) *cors.Policy {
	if !s.ready.Load() {
		return cors.Unavailable()
	}
	if !s.exists(bucket) {
		return cors.MissingBucket()
	}
	return s.policy(bucket)
}

// Delete removes the bucket's configuration, if any. A server calls it
// after deleting a bucket, so that a bucket created later under the same
// name starts without CORS, as on S3. With a Backend, Delete waits for it
// and sends a failure to the error handler (see [WithErrorHandler]); use
// [Store.DeleteContext] to learn of it.
func (s *Store) Delete(bucket string) {
	if err := s.DeleteContext(context.Background(), bucket); err != nil {
		s.report(err)
	}
}

// DeleteContext is [Store.Delete] with a context that bounds the write to
// the Backend, and its failure as the result. With a Backend, it returns
// nil only once the Backend has made the change durable. Without one it
// always returns nil.
func (s *Store) DeleteContext(ctx context.Context, bucket string) error {
	if s.backend == nil {
		if old, ok := s.buckets.Load().remove(bucket); ok {
			s.policies.release(old.config)
		}
		return nil
	}
	revision, err := s.backend.Delete(ctx, bucket)
	if err != nil {
		return &BackendError{Op: "delete", Bucket: bucket, Err: err}
	}
	s.applyLocal(bucket, nil, revision)
	return nil
}

// policy returns the bucket's policy, or nil.
func (s *Store) policy(bucket string) *cors.Policy {
	if e, ok := s.buckets.Load().get(bucket); ok {
		return e.config.policy
	}
	return nil
}

// ResolveCORS returns the policy of the bucket r addresses, for
// [cors.Middleware], as [Store.Policy] does, and nil when r addresses no
// bucket.
func (s *Store) ResolveCORS(r *http.Request) (*cors.Policy, cors.Target) {
	bucket, target, ok := s.locate(r)
	if !ok {
		return nil, target
	}
	return s.Policy(bucket), target
}
