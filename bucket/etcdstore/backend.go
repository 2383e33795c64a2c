package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/s3cors/s3cors/bucket"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// DefaultPrefix is the key prefix under which a [Backend] keeps the
// configurations when [WithPrefix] does not set another.
const DefaultPrefix = "/s3cors/bucket-cors/"

// Default settings of a [Backend].
const (
	defaultPageSize         = 1000
	defaultProgressInterval = 30 * time.Second
)

// Backend is a [bucket.Backend] that keeps bucket configurations in etcd
// v3, one key per bucket under a prefix, for the [bucket.Store]s of every
// node of a fleet. Create one with [New]; the zero Backend is not usable.
// A Backend is safe for concurrent use.
type Backend struct {
	client           *clientv3.Client
	prefix           string
	pageSize         int64
	progressInterval time.Duration
	noStream         bool // read pages even from servers that stream (tests)
}

// An Option configures a [Backend].
type Option func(*Backend)

// WithPrefix sets the key prefix under which the configurations are kept,
// the bucket's name following it; [DefaultPrefix] when prefix is empty.
// Every node of a fleet must use the same prefix, and distinct fleets
// sharing one etcd cluster distinct prefixes, neither a prefix of the
// other.
func WithPrefix(prefix string) Option {
	return func(b *Backend) {
		if prefix != "" {
			b.prefix = prefix
		}
	}
}

// WithPageSize sets how many configurations [Backend.Load] reads in one
// request (1000 by default; n < 1 keeps it). Load holds one page at a
// time, at most n documents of [rule.MaxDocumentSize] bytes each.
//
// [rule.MaxDocumentSize]: https://pkg.go.dev/github.com/s3cors/s3cors/rule#MaxDocumentSize
func WithPageSize(n int) Option {
	return func(b *Backend) {
		if n > 0 {
			b.pageSize = int64(n)
		}
	}
}

// WithProgressInterval sets how often [Backend.Watch] asks etcd for the
// revision its feed has reached when no change arrives (30 s by default;
// d ≤ 0 keeps it). The answer lets a watch that is cut off resume from
// there rather than from the last change it saw, which etcd may have
// compacted meanwhile; a resume from a compacted revision costs the node a
// full load.
func WithProgressInterval(d time.Duration) Option {
	return func(b *Backend) {
		if d > 0 {
			b.progressInterval = d
		}
	}
}

// New returns a Backend that uses client, which the caller keeps and
// closes after the Store that uses the Backend has stopped. Build the
// client with [ClientConfig] or with keep-alive probes of its own, so that
// a node notices a lost connection within seconds (see the package
// documentation). New panics if client is nil.
func New(client *clientv3.Client, opts ...Option) *Backend {
	if client == nil {
		panic("etcdstore: New: nil client")
	}
	b := &Backend{
		client:           client,
		prefix:           DefaultPrefix,
		pageSize:         defaultPageSize,
		progressInterval: defaultProgressInterval,
	}
	for _, o := range opts {
		if o != nil {
			o(b)
		}
	}
	return b
}

// ClientConfig returns the etcd client configuration a Backend is meant
// to run on, for the members at endpoints ("127.0.0.1:2379" or
// "https://etcd-1:2379"): a 5-second dial timeout; keep-alive probes after
// 10 seconds without traffic (the shortest interval gRPC allows) that
// declare a connection dead after 5 more without an answer, so that a node
// whose member stops answering moves to another within about 15 seconds;
// and attempts to reconnect at most 5 seconds apart, so that a node cut off
// from every member is back within seconds of the network healing. Add TLS
// and credentials to it as the cluster needs.
func ClientConfig(endpoints []string) clientv3.Config {
	return clientv3.Config{
		Endpoints:            endpoints,
		DialTimeout:          5 * time.Second,
		DialKeepAliveTime:    10 * time.Second,
		DialKeepAliveTimeout: 5 * time.Second,
		PermitWithoutStream:  true,
		DialOptions: []grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{
			Backoff: backoff.Config{
				BaseDelay:  250 * time.Millisecond,
				Multiplier: 1.6,
				Jitter:     0.2,
				MaxDelay:   5 * time.Second,
			},
			MinConnectTimeout: 5 * time.Second,
		})},
	}
}

// key returns the etcd key of a bucket's configuration.
func (b *Backend) key(name string) string {
	return b.prefix + name
}

// Put implements [bucket.Backend]: it writes doc under the bucket's key
// and returns the revision etcd gave the write. When Put returns nil, a
// majority of the cluster's members has the write on disk.
func (b *Backend) Put(ctx context.Context, name string, doc []byte) (int64, error) {
	if name == "" {
		return 0, errors.New("etcdstore: Put: empty bucket name")
	}
	resp, err := b.client.Put(ctx, b.key(name), string(doc))
	if err != nil {
		return 0, fmt.Errorf("etcdstore: Put %q: %w", name, err)
	}
	return resp.Header.Revision, nil
}

// Delete implements [bucket.Backend]: it deletes the bucket's key and
// returns the revision of the deletion or, when there was no key, the
// cluster's revision at that moment.
func (b *Backend) Delete(ctx context.Context, name string) (int64, error) {
	if name == "" {
		return 0, errors.New("etcdstore: Delete: empty bucket name")
	}
	resp, err := b.client.Delete(ctx, b.key(name))
	if err != nil {
		return 0, fmt.Errorf("etcdstore: Delete %q: %w", name, err)
	}
	return resp.Header.Revision, nil
}

// Load implements [bucket.Backend]. It reads the set as one consistent
// snapshot, at the revision of its first read, which is linearizable: the
// set reflects every write acknowledged before Load was called. Each
// [bucket.Change] carries the revision of the key's last write.
//
// From etcd 3.7 on, Load streams the set in chunks that etcd sizes (about
// its request size limit, 1.5 MiB by default); from older servers it reads
// pages of [WithPageSize] configurations, whose cost grows with the square
// of the number of buckets, since etcd counts the rest of the range for
// every page. Either way Load holds one chunk or page at a time. When etcd
// compacts the snapshot's revision before the last chunk or page is read,
// Load returns an error that wraps [bucket.ErrCompacted], having yielded
// part of the set, and the caller loads again.
func (b *Backend) Load(ctx context.Context, yield func(bucket.Change) error) (int64, error) {
	if !b.noStream {
		revision, streamed, err := b.loadStream(ctx, yield)
		if streamed {
			return revision, err
		}
	}
	return b.loadPages(ctx, yield)
}

// loadStream loads the set through etcd's RangeStream. streamed is false
// when the server does not offer it and nothing was yielded.
func (b *Backend) loadStream(ctx context.Context, yield func(bucket.Change) error) (revision int64, streamed bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := b.client.GetStream(ctx, b.prefix, clientv3.WithRange(clientv3.GetPrefixRangeEnd(b.prefix)))
	if err != nil {
		return 0, status.Code(err) != codes.Unimplemented, loadError(err)
	}
	defer func() {
		// The client's goroutine ends once it has handed over the
		// cancellation; drain it.
		cancel()
		for range ch {
		}
	}()
	first := true
	for resp := range ch {
		if err := resp.Err(); err != nil {
			if first && status.Code(err) == codes.Unimplemented {
				return 0, false, nil
			}
			return 0, true, loadError(err)
		}
		first = false
		for _, kv := range resp.Kvs {
			if err := yield(b.change(kv)); err != nil {
				return 0, true, err
			}
		}
		if resp.Header != nil {
			revision = resp.Header.Revision
		}
	}
	if first {
		return 0, true, errors.New("etcdstore: Load: the stream of configurations ended without a response")
	}
	return revision, true, nil
}

// loadPages loads the set page by page, every page at the revision of the
// first.
func (b *Backend) loadPages(ctx context.Context, yield func(bucket.Change) error) (int64, error) {
	start, end := b.prefix, clientv3.GetPrefixRangeEnd(b.prefix)
	var revision int64
	for {
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(b.pageSize)}
		if revision != 0 {
			opts = append(opts, clientv3.WithRev(revision))
		}
		resp, err := b.client.Get(ctx, start, opts...)
		if err != nil {
			return 0, loadError(err)
		}
		if revision == 0 {
			revision = resp.Header.Revision
		}
		for _, kv := range resp.Kvs {
			if err := yield(b.change(kv)); err != nil {
				return 0, err
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return revision, nil
		}
		// The next page starts just after the last key of this one.
		start = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
}

// change returns the Change of a stored key.
func (b *Backend) change(kv *mvccpb.KeyValue) bucket.Change {
	return bucket.Change{
		Bucket:   string(kv.Key[len(b.prefix):]),
		Document: kv.Value,
		Revision: kv.ModRevision,
	}
}

// loadError is the error of Load for an error of etcd.
func loadError(err error) error {
	if errors.Is(err, rpctypes.ErrCompacted) || errors.Is(rpctypes.Error(err), rpctypes.ErrCompacted) {
		return fmt.Errorf("etcdstore: Load: etcd compacted the revision being read: %w", bucket.ErrCompacted)
	}
	return fmt.Errorf("etcdstore: Load: %w", err)
}

// Watch implements [bucket.Backend]. It follows etcd's watch of the
// prefix from revision after+1: every change once, in revision order, with
// the revision of the write (a deletion's Document is nil). The etcd client
// carries the watch across a lost connection or a failed member, resuming
// where it stopped; the watch requires a leader, so that a member cut off
// from the rest of its cluster ends it rather than leave it silent. Watch
// returns an error that wraps [bucket.ErrCompacted] when etcd no longer
// keeps the revisions to resume from, ctx's error when ctx is done, and
// another error when etcd ends the watch (the caller watches again).
func (b *Backend) Watch(ctx context.Context, after int64, fn func(bucket.Change)) error {
	// The watch's context carries the require-leader flag; progress
	// requests must use the same context to reach the same stream.
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	ch := b.client.Watch(wctx, b.prefix,
		clientv3.WithPrefix(),
		clientv3.WithRev(after+1),
		clientv3.WithProgressNotify(),
	)
	ticker := time.NewTicker(b.progressInterval)
	defer ticker.Stop()
	quiet := true // no response since the last tick
	for {
		select {
		case <-ticker.C:
			if quiet {
				// Errors here surface in the feed itself.
				_ = b.client.RequestProgress(wctx)
			}
			quiet = true
			continue
		case resp, ok := <-ch:
			if !ok {
				if err := ctx.Err(); err != nil {
					return err
				}
				return errors.New("etcdstore: Watch: the etcd client closed the watch; watch again")
			}
			quiet = false
			if resp.CompactRevision != 0 {
				return fmt.Errorf("etcdstore: Watch from revision %d: etcd has compacted up to revision %d: %w",
					after+1, resp.CompactRevision, bucket.ErrCompacted)
			}
			if err := resp.Err(); err != nil {
				if errors.Is(err, rpctypes.ErrCompacted) {
					return fmt.Errorf("etcdstore: Watch from revision %d: %w", after+1, bucket.ErrCompacted)
				}
				if ctxErr := ctx.Err(); ctxErr != nil {
					return ctxErr
				}
				return fmt.Errorf("etcdstore: Watch: %w", err)
			}
			if resp.Canceled {
				return fmt.Errorf("etcdstore: Watch: etcd canceled the watch: %s", resp.CancelReason)
			}
			for _, ev := range resp.Events {
				c := bucket.Change{
					Bucket:   string(ev.Kv.Key[len(b.prefix):]),
					Revision: ev.Kv.ModRevision,
				}
				if ev.Type == clientv3.EventTypePut {
					c.Document = ev.Kv.Value
				}
				fn(c)
			}
		}
	}
}
