package bucket

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
)

// A Store with a Backend learns of changes in three ways: its own Put and
// Delete, once the Backend acknowledged them; the Backend's feed
// ([Backend.Watch]), in revision order; and full loads ([Backend.Load]).
// They race: the feed may deliver a change before or after the Put that
// made it applies it, and a load may run while Puts are under way. Every
// change carries its revision, and the Store keeps, for every bucket, the
// revision of the change it holds, so that none of these orders makes it
// keep an older change:
//
//   - seen is the revision up to which the Store has every change, from a
//     load or the feed. A Put or Delete of this process with a revision up
//     to seen is already applied, or replaced by a later change, and is
//     skipped.
//   - A change replaces a bucket's configuration only when its revision is
//     higher than that of the change the Store holds for the bucket.
//   - A deletion leaves a tombstone with its revision while the revision is
//     above seen: until the feed has passed it, an older Put may still
//     arrive. Tombstones are therefore few (the deletions the feed has not
//     delivered yet) and, should the feed stall, capped at maxTombstones;
//     dropping one early risks only that an older configuration shows until
//     the feed delivers the deletion again.
//   - A load builds a new map of the buckets and swaps it in; the changes the
//     Store holds with a revision above the load's (made by this process
//     while the load ran) are carried over.
type state struct {
	mu         sync.Mutex
	seen       int64
	tombstones map[string]int64 // bucket → revision of its deletion, above seen
}

// maxTombstones bounds the tombstones a Store keeps when its feed stalls.
const maxTombstones = 1 << 16

// loadBatch is the number of documents a load hands to a worker at once.
const loadBatch = 256

// Retry delays after a failed load or a broken watch.
const (
	minRetry = 50 * time.Millisecond
	maxRetry = 5 * time.Second
)

// applyLocal applies a change this process made and the Backend
// acknowledged with revision: sh is the new policy, nil for a deletion; the
// reference the caller holds on it passes to the Store.
func (s *Store) applyLocal(bucket string, sh *shared, revision int64) {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if revision <= st.seen {
		s.policies.release(sh)
		return // a load or the feed has it already, or a later change
	}
	s.applyLocked(bucket, sh, revision)
}

// applyLocked applies one change unless the Store holds a later one for the
// bucket. The reference the caller holds on sh passes to the Store. The
// caller holds s.state.mu.
func (s *Store) applyLocked(bucket string, sh *shared, revision int64) {
	st := &s.state
	t := s.buckets.Load()
	if e, ok := t.get(bucket); ok && e.revision >= revision {
		s.policies.release(sh)
		return
	}
	if r, ok := st.tombstones[bucket]; ok {
		if r >= revision {
			s.policies.release(sh)
			return
		}
		delete(st.tombstones, bucket)
	}
	if sh != nil {
		if old, ok := t.set(bucket, entry{config: sh, revision: revision}); ok {
			s.policies.release(old.config)
		}
		return
	}
	if old, ok := t.remove(bucket); ok {
		s.policies.release(old.config)
	}
	if revision > st.seen {
		if st.tombstones == nil {
			st.tombstones = make(map[string]int64)
		}
		if len(st.tombstones) >= maxTombstones {
			st.dropOldestTombstones()
		}
		st.tombstones[bucket] = revision
	}
}

// dropOldestTombstones drops the older half of the tombstones.
func (st *state) dropOldestTombstones() {
	revs := make([]int64, 0, len(st.tombstones))
	for _, r := range st.tombstones {
		revs = append(revs, r)
	}
	slices.Sort(revs)
	cut := revs[len(revs)/2]
	for b, r := range st.tombstones {
		if r <= cut {
			delete(st.tombstones, b)
		}
	}
}

// advance records that the Store has every change up to revision and drops
// the tombstones it no longer needs. The caller holds s.state.mu.
func (st *state) advance(revision int64) {
	st.seen = revision
	for b, r := range st.tombstones {
		if r <= revision {
			delete(st.tombstones, b)
		}
	}
}

// Sync loads the Backend's configurations into the Store, which is then
// [Store.Ready], and follows the Backend's changes until ctx is done; it
// returns ctx's error. Run it in a goroutine of its own for the life of
// the Store:
//
//	go store.Sync(ctx)
//
// When the feed of changes breaks, Sync watches again from the last
// revision it saw; when the Backend no longer keeps the changes since then
// ([ErrCompacted]), it loads everything again, and the Store keeps
// answering from what it holds meanwhile. A failed load is retried, with
// increasing delays up to 5 s, as is a watch; each failure goes to the
// error handler (see [WithErrorHandler]). Without a Backend, Sync returns
// nil at once. Sync returns an error without doing anything when another
// Sync of the Store is running.
func (s *Store) Sync(ctx context.Context) error {
	if s.backend == nil {
		return nil
	}
	if !s.syncing.CompareAndSwap(false, true) {
		return errors.New("bucket: Sync: the Store is already syncing; call Sync once per Store")
	}
	defer s.syncing.Store(false)
	var retry retrier
	for {
		if err := s.load(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.report(fmt.Errorf("bucket: loading the configurations from the backend: %w (trying again)", err))
			if !retry.wait(ctx) {
				return ctx.Err()
			}
			continue
		}
		retry.reset()
		for {
			s.state.mu.Lock()
			after := s.state.seen
			s.state.mu.Unlock()
			err := s.backend.Watch(ctx, after, s.follow)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, ErrCompacted) {
				s.report(fmt.Errorf("bucket: the backend no longer keeps the changes after revision %d; loading every configuration again", after))
				break
			}
			if err == nil {
				err = errors.New("the feed ended")
			}
			s.report(fmt.Errorf("bucket: following the backend's changes after revision %d: %w (watching again)", after, err))
			s.state.mu.Lock()
			progressed := s.state.seen > after
			s.state.mu.Unlock()
			if progressed {
				retry.reset()
			}
			if !retry.wait(ctx) {
				return ctx.Err()
			}
		}
	}
}

// follow applies a change from the Backend's feed.
func (s *Store) follow(c Change) {
	var sh *shared
	if c.Document != nil {
		var err error
		if sh, err = s.policies.parse(c.Document); err != nil {
			s.report(&DocumentError{Bucket: c.Bucket, Revision: c.Revision, Err: err})
		}
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	// Changes below what the feed delivered are old news. One at the same
	// revision is another bucket of the same transaction, or the same
	// change delivered again, which applyLocked tells apart by the bucket's
	// own revision.
	if c.Revision < st.seen {
		s.policies.release(sh)
		return
	}
	s.applyLocked(c.Bucket, sh, c.Revision)
	st.advance(c.Revision)
}

// load reads every configuration from the Backend into a new map and swaps
// it in, keeping the changes made meanwhile that are newer than the load.
func (s *Store) load(ctx context.Context) error {
	fresh := newTable()
	keep := func(c Change, sh *shared, err error) {
		if err != nil {
			s.report(&DocumentError{Bucket: c.Bucket, Revision: c.Revision, Err: err})
			return
		}
		if old, ok := fresh.set(c.Bucket, entry{config: sh, revision: c.Revision}); ok {
			s.policies.release(old.config) // a Backend that yields a bucket twice
		}
	}
	// Every document costs a digest and a lookup, and the first of its
	// kind parsing and compiling: the work runs on every processor, in
	// batches copied out of the Backend's memory.
	type work struct {
		changes []Change
		arena   []byte // the documents, one after another
	}
	n := max(runtime.GOMAXPROCS(0), 1)
	batches := make(chan work, n)
	free := make(chan work, 2*n+1) // batches done with, for reuse
	var workers sync.WaitGroup
	for range n {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for w := range batches {
				for _, c := range w.changes {
					sh, err := s.policies.parse(c.Document)
					keep(c, sh, err)
				}
				select {
				case free <- work{w.changes[:0], w.arena[:0]}:
				default:
				}
			}
		}()
	}
	var w work
	var ends []int // where each document ends in w.arena
	send := func() error {
		for i, off := 0, 0; i < len(w.changes); i++ {
			w.changes[i].Document = w.arena[off:ends[i]:ends[i]]
			off = ends[i]
		}
		select {
		case batches <- w:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case w = <-free:
		default:
			w = work{}
		}
		ends = ends[:0]
		return nil
	}
	revision, err := s.backend.Load(ctx, func(c Change) error {
		if c.Document == nil {
			return nil
		}
		w.arena = append(w.arena, c.Document...)
		ends = append(ends, len(w.arena))
		w.changes = append(w.changes, Change{Bucket: c.Bucket, Revision: c.Revision})
		if len(w.changes) == loadBatch {
			return send()
		}
		return nil
	})
	if err == nil && len(w.changes) > 0 {
		err = send()
	}
	close(batches)
	workers.Wait()
	if err != nil {
		fresh.each(func(_ string, e entry) { s.policies.release(e.config) })
		return err
	}

	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	// The load has every change up to its revision; what the Store holds
	// beyond it was made by this process while the load ran. Going through
	// every bucket costs a moment for a million, and only reloads pay it:
	// the first load finds the map (nearly) empty.
	old := s.buckets.Load()
	old.each(func(b string, e entry) {
		if e.revision > revision {
			s.policies.hold(e.config)
			if replaced, ok := fresh.set(b, e); ok {
				s.policies.release(replaced.config)
			}
		}
	})
	for b, r := range st.tombstones {
		if r > revision {
			if removed, ok := fresh.remove(b); ok {
				s.policies.release(removed.config)
			}
		}
	}
	if revision > st.seen {
		st.advance(revision)
	}
	s.buckets.Store(fresh)
	s.ready.Store(true)
	old.each(func(_ string, e entry) { s.policies.release(e.config) })
	return nil
}

// retrier spaces out retries: minRetry, then twice as long each time, up
// to maxRetry.
type retrier struct{ delay time.Duration }

func (r *retrier) reset() { r.delay = 0 }

// wait sleeps for the next delay and reports whether ctx is still live.
func (r *retrier) wait(ctx context.Context) bool {
	r.delay = min(max(2*r.delay, minRetry), maxRetry)
	t := time.NewTimer(r.delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
