package bucket

import (
	"context"
	"errors"
	"fmt"
)

// A Backend keeps the bucket configurations of a [Store] beyond the life of
// its process and, for backends that are shared, between the Stores of many
// processes (the nodes of a fleet). The Store holds every configuration in
// memory and answers requests from there; the Backend is the record it
// loads at start, writes through on every change, and follows for changes
// made by other nodes.
//
// Configurations travel as documents in S3's XML form, as GetBucketCors
// writes them ([rule.Configuration.Encode] with [rule.FormXML]), so that a
// Backend stores bytes and never interprets them.
// A Store does not keep a Document after the yield or fn it was passed to
// returns, so a Backend may pass memory it reuses, such as a database's
// own.
//
// Every change has a revision: a number that orders all changes of one
// Backend, higher meaning later. Changes made together (one transaction
// writing several buckets) may share a revision; Watch then delivers all
// of them before it returns, so that watching again from that revision
// misses none. A Store never replaces a configuration
// with one of a lower revision, so the order in which a node learns of
// changes cannot make it keep an older one.
//
// Implementations must be safe for concurrent use.
type Backend interface {
	// Load calls yield once for every stored configuration, in any order,
	// and returns the revision at which the whole set was read: every
	// change up to and including it is reflected, and [Backend.Watch]
	// from it misses nothing. Load stops and returns yield's error if
	// yield returns one.
	Load(ctx context.Context, yield func(Change) error) (revision int64, err error)

	// Put makes doc the bucket's configuration and returns the revision of
	// the change. When Put returns nil, the change is durable: it survives
	// the process being killed and, for backends that promise it, the
	// machine losing power.
	Put(ctx context.Context, bucket string, doc []byte) (revision int64, err error)

	// Delete removes the bucket's configuration, if any, and returns the
	// revision of the change; durable as for Put.
	Delete(ctx context.Context, bucket string) (revision int64, err error)

	// Watch calls fn, in revision order and from one goroutine, for every
	// change with a revision above after, including those this process made,
	// until ctx is done or the feed breaks. It returns ctx's error when ctx
	// is done, [ErrCompacted] when changes after that revision are no longer
	// kept (the caller loads again), and any other error when the feed broke
	// (the caller watches again from the last revision it saw). A Backend
	// that only one process uses may block until ctx is done.
	Watch(ctx context.Context, after int64, fn func(Change)) error
}

// A Change is one bucket's configuration as a [Backend] holds it.
type Change struct {
	Bucket   string // the bucket's name
	Document []byte // the configuration in S3's XML form; nil when it was deleted
	Revision int64  // the revision of the change (see [Backend])
}

// ErrCompacted is the error of [Backend.Watch] when the changes after the
// revision asked for are no longer kept: the caller must load again.
var ErrCompacted = errors.New("bucket: the backend no longer keeps changes from that revision; load again")

// A DocumentError reports a stored document that is not a valid
// configuration: the Store skips it, takes the bucket to have no
// configuration, and sends the error to its error handler (see
// [WithErrorHandler]). The fix is to put the bucket's configuration again.
type DocumentError struct {
	Bucket   string // the bucket whose document it is
	Revision int64  // the revision of the change that stored it
	Err      error  // why it is not valid, usually a [*rule.Error]
}

func (e *DocumentError) Error() string {
	return fmt.Sprintf("bucket: the stored configuration of bucket %q (revision %d) is not valid, so the bucket is served without CORS configuration; put its configuration again: %v", e.Bucket, e.Revision, e.Err)
}

// Unwrap returns e.Err.
func (e *DocumentError) Unwrap() error { return e.Err }

// A BackendError is the error of a [Store] whose Backend failed to make a
// change. The change may or may not have been made; the Store answers with
// what it held before, until it learns the outcome from the Backend's
// feed. [Store.ServeHTTP] answers it with S3's 500 InternalError, which
// clients retry.
type BackendError struct {
	Op     string // "put" or "delete"
	Bucket string // the bucket whose configuration it was
	Err    error  // the Backend's error
}

func (e *BackendError) Error() string {
	return fmt.Sprintf("bucket: the backend failed to %s the configuration of bucket %q: %v", e.Op, e.Bucket, e.Err)
}

// Unwrap returns e.Err.
func (e *BackendError) Unwrap() error { return e.Err }
