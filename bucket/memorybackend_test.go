package bucket_test

import (
	"context"
	"errors"
	"sync"

	"github.com/s3cors/s3cors/bucket"
)

// memoryBackend is a Backend in memory for tests: a revision counter, the
// current documents, and the log of changes after the compacted revision.
// Tests make it fail, stall and compact.
type memoryBackend struct {
	mu        sync.Mutex
	revision  int64
	docs      map[string]bucket.Change
	log       []bucket.Change // the changes with a revision above compacted
	compacted int64
	changed   chan struct{} // closed and replaced at every change
	fail      error         // returned by Put and Delete when set
	loadGate  chan struct{} // when set, Load waits for it to close
	breakFeed chan struct{} // when closed, every Watch returns an error
	feedGate  chan struct{} // when set, Watch delivers nothing until it closes
	afterPut  func()        // when set, called after a change, before Put or Delete returns
}

func newMemoryBackend() *memoryBackend {
	return &memoryBackend{docs: make(map[string]bucket.Change), changed: make(chan struct{}), breakFeed: make(chan struct{})}
}

var errFeedBroken = errors.New("test: the feed broke")

func (b *memoryBackend) Load(ctx context.Context, yield func(bucket.Change) error) (int64, error) {
	b.mu.Lock()
	gate := b.loadGate
	b.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	b.mu.Lock()
	all := make([]bucket.Change, 0, len(b.docs))
	for _, c := range b.docs {
		all = append(all, c)
	}
	rev := b.revision
	b.mu.Unlock()
	for _, c := range all {
		if err := yield(c); err != nil {
			return 0, err
		}
	}
	return rev, nil
}

func (b *memoryBackend) change(name string, doc []byte) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail != nil {
		return 0, b.fail
	}
	b.revision++
	c := bucket.Change{Bucket: name, Document: doc, Revision: b.revision}
	if doc == nil {
		delete(b.docs, name)
	} else {
		b.docs[name] = c
	}
	b.log = append(b.log, c)
	close(b.changed)
	b.changed = make(chan struct{})
	return c.Revision, nil
}

// together stores docs (bucket → document) as one change with one
// revision, as an etcd transaction that writes several keys does.
func (b *memoryBackend) together(docs map[string][]byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.revision++
	for name, doc := range docs {
		c := bucket.Change{Bucket: name, Document: doc, Revision: b.revision}
		b.docs[name] = c
		b.log = append(b.log, c)
	}
	close(b.changed)
	b.changed = make(chan struct{})
}

func (b *memoryBackend) Put(_ context.Context, name string, doc []byte) (int64, error) {
	return b.acknowledge(b.change(name, append([]byte(nil), doc...)))
}

func (b *memoryBackend) Delete(_ context.Context, name string) (int64, error) {
	return b.acknowledge(b.change(name, nil))
}

func (b *memoryBackend) acknowledge(rev int64, err error) (int64, error) {
	b.mu.Lock()
	f := b.afterPut
	b.mu.Unlock()
	if f != nil && err == nil {
		f()
	}
	return rev, err
}

func (b *memoryBackend) Watch(ctx context.Context, after int64, fn func(bucket.Change)) error {
	for {
		b.mu.Lock()
		if after < b.compacted {
			b.mu.Unlock()
			return bucket.ErrCompacted
		}
		var todo []bucket.Change
		for _, c := range b.log {
			if c.Revision > after {
				todo = append(todo, c)
			}
		}
		changed, broken, gate := b.changed, b.breakFeed, b.feedGate
		b.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		for _, c := range todo {
			fn(c)
			after = c.Revision
		}
		select {
		case <-changed:
		case <-broken:
			return errFeedBroken
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// compact forgets the log up to the current revision.
func (b *memoryBackend) compact() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.compacted, b.log = b.revision, nil
}

// setFail makes Put and Delete fail with err (nil: succeed).
func (b *memoryBackend) setFail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fail = err
}

// breakWatches makes every current Watch return an error.
func (b *memoryBackend) breakWatches() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.breakFeed)
	b.breakFeed = make(chan struct{})
}

// putRaw stores doc as it is, valid or not, as another process would.
func (b *memoryBackend) putRaw(name, doc string) int64 {
	rev, _ := b.change(name, []byte(doc))
	return rev
}
