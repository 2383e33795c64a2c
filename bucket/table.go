package bucket

import (
	"hash/maphash"
	"sync"
)

// table maps bucket names to their entries. It is a set of shards, each a
// map behind its own lock, rather than a sync.Map: a bucket costs about a
// third of the memory, which is most of what a bucket costs when
// configurations are shared. A request locks one shard for reading, for
// the time of a map lookup; a change locks it for a map assignment.
type table struct {
	seed   maphash.Seed
	shards [tableShards]shard
}

// tableShards keeps the chance that a request waits for a change small.
const tableShards = 256

type shard struct {
	mu sync.RWMutex
	m  map[string]entry
	_  [64]byte // keeps shards on cache lines of their own
}

// entry is a bucket's configuration in the Store.
type entry struct {
	config   *shared // shared with every bucket of the same document
	revision int64   // the Backend's revision of the change; 0 without one
}

func newTable() *table {
	t := &table{seed: maphash.MakeSeed()}
	for i := range t.shards {
		t.shards[i].m = make(map[string]entry)
	}
	return t
}

func (t *table) shard(bucket string) *shard {
	return &t.shards[maphash.String(t.seed, bucket)%tableShards]
}

// get returns the bucket's entry.
func (t *table) get(bucket string) (entry, bool) {
	s := t.shard(bucket)
	s.mu.RLock()
	e, ok := s.m[bucket]
	s.mu.RUnlock()
	return e, ok
}

// set makes e the bucket's entry and returns the one it replaced.
func (t *table) set(bucket string, e entry) (old entry, ok bool) {
	s := t.shard(bucket)
	s.mu.Lock()
	old, ok = s.m[bucket]
	s.m[bucket] = e
	s.mu.Unlock()
	return old, ok
}

// remove removes the bucket's entry and returns it.
func (t *table) remove(bucket string) (old entry, ok bool) {
	s := t.shard(bucket)
	s.mu.Lock()
	old, ok = s.m[bucket]
	delete(s.m, bucket)
	s.mu.Unlock()
	return old, ok
}

// each calls f for every entry, one shard at a time; f must not use t.
func (t *table) each(f func(bucket string, e entry)) {
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.RLock()
		for b, e := range s.m {
			f(b, e)
		}
		s.mu.RUnlock()
	}
}
