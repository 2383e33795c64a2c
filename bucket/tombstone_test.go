package bucket

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
)

// stalledBackend acknowledges every change and never delivers one: a feed
// that stalls.
type stalledBackend struct{ revision atomic.Int64 }

func (b *stalledBackend) Load(context.Context, func(Change) error) (int64, error) {
	return b.revision.Load(), nil
}
func (b *stalledBackend) Put(context.Context, string, []byte) (int64, error) {
	return b.revision.Add(1), nil
}
func (b *stalledBackend) Delete(context.Context, string) (int64, error) {
	return b.revision.Add(1), nil
}
func (b *stalledBackend) Watch(ctx context.Context, _ int64, _ func(Change)) error {
	<-ctx.Done()
	return ctx.Err()
}

// TestTombstonesBounded checks that deletions the feed never delivers keep
// a bounded number of tombstones, and that the latest ones stay.
func TestTombstonesBounded(t *testing.T) {
	t.Parallel()
	s := NewStore(func(string) bool { return true }, WithBackend(&stalledBackend{}))
	n := maxTombstones + maxTombstones/2
	if testing.Short() {
		n = maxTombstones + 10
	}
	for i := range n {
		if err := s.DeleteContext(context.Background(), "b"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	if got := len(s.state.tombstones); got > maxTombstones || got == 0 {
		t.Fatalf("%d tombstones after %d deletions; want at most %d", got, n, maxTombstones)
	}
	if _, ok := s.state.tombstones["b"+strconv.Itoa(n-1)]; !ok {
		t.Fatal("the latest deletion lost its tombstone")
	}
}
