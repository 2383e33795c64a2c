package etcdstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/etcdstore"
	"github.com/s3cors/s3cors/bucket/etcdstore/internal/etcdtest"
	"github.com/s3cors/s3cors/rule"
)

var _ bucket.Backend = (*etcdstore.Backend)(nil)

// doc returns a distinct, valid configuration document.
func doc(origin string) []byte {
	return []byte(`<CORSConfiguration><CORSRule><AllowedOrigin>` + origin +
		`</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)
}

// loadAll loads the backend into a map.
func loadAll(t *testing.T, b *etcdstore.Backend) (map[string]bucket.Change, int64) {
	t.Helper()
	got := map[string]bucket.Change{}
	rev, err := b.Load(t.Context(), func(c bucket.Change) error {
		if _, dup := got[c.Bucket]; dup {
			return fmt.Errorf("bucket %q yielded twice", c.Bucket)
		}
		got[c.Bucket] = c
		return nil
	})
	require.NoError(t, err)
	return got, rev
}

// collector gathers the changes a Watch delivers.
type collector struct {
	mu      sync.Mutex
	changes []bucket.Change
}

func (c *collector) add(ch bucket.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changes = append(c.changes, ch)
}

func (c *collector) snapshot() []bucket.Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bucket.Change(nil), c.changes...)
}

// watch runs a Watch from after until the test ends, and returns what it
// collects and the channel of its result.
func watch(t *testing.T, b *etcdstore.Backend, after int64) (*collector, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	c := &collector{}
	go func() { done <- b.Watch(ctx, after, c.add) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return c, done
}

// waitFor waits until the collector holds n changes.
func waitFor(t *testing.T, c *collector, n int) []bucket.Change {
	t.Helper()
	require.Eventually(t, func() bool { return len(c.snapshot()) >= n }, 20*time.Second, 5*time.Millisecond,
		"expected %d changes", n)
	return c.snapshot()
}

func TestPutDeleteLoad(t *testing.T) {
	t.Parallel()
	_, client := etcdtest.Single(t)
	b := etcdstore.New(client)

	r1, err := b.Put(t.Context(), "photos", doc("https://a.example"))
	require.NoError(t, err)
	r2, err := b.Put(t.Context(), "videos", doc("https://b.example"))
	require.NoError(t, err)
	r3, err := b.Put(t.Context(), "photos", doc("https://c.example"))
	require.NoError(t, err)
	assert.Less(t, r1, r2)
	assert.Less(t, r2, r3)

	got, rev := loadAll(t, b)
	assert.Equal(t, r3, rev, "Load returns the revision it read at")
	assert.Equal(t, map[string]bucket.Change{
		"photos": {Bucket: "photos", Document: doc("https://c.example"), Revision: r3},
		"videos": {Bucket: "videos", Document: doc("https://b.example"), Revision: r2},
	}, got)

	r4, err := b.Delete(t.Context(), "videos")
	require.NoError(t, err)
	assert.Greater(t, r4, r3)
	// Deleting what is not there changes nothing and returns the revision
	// the cluster has reached.
	r5, err := b.Delete(t.Context(), "videos")
	require.NoError(t, err)
	assert.Equal(t, r4, r5)

	got, rev = loadAll(t, b)
	assert.Equal(t, r4, rev)
	assert.Equal(t, []string{"photos"}, keys(got))

	// The keys are the prefix and the bucket's name; other keys are not
	// configurations.
	resp, err := client.Get(t.Context(), etcdstore.DefaultPrefix+"photos")
	require.NoError(t, err)
	require.Len(t, resp.Kvs, 1)
	assert.Equal(t, doc("https://c.example"), resp.Kvs[0].Value)
}

// forEachLoad runs test with Load streaming (etcd 3.7 on) and reading
// pages (servers before 3.7).
func forEachLoad(t *testing.T, test func(*testing.T, etcdstore.Option)) {
	t.Parallel()
	t.Run("stream", func(t *testing.T) { t.Parallel(); test(t, nil) })
	t.Run("pages", func(t *testing.T) { t.Parallel(); test(t, etcdstore.WithoutStream()) })
}

func keys(m map[string]bucket.Change) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPrefixesAreSeparate(t *testing.T) {
	t.Parallel()
	_, client := etcdtest.Single(t)
	a := etcdstore.New(client, etcdstore.WithPrefix("/fleet-a/"))
	b := etcdstore.New(client, etcdstore.WithPrefix("/fleet-b/"))
	_, err := client.Put(t.Context(), "/fleet-a", "not a configuration")
	require.NoError(t, err)
	_, err = client.Put(t.Context(), "/fleet-a0", "not a configuration")
	require.NoError(t, err)

	watched, _ := watch(t, a, 0)
	ra, err := a.Put(t.Context(), "photos", doc("https://a.example"))
	require.NoError(t, err)
	_, err = b.Put(t.Context(), "photos", doc("https://b.example"))
	require.NoError(t, err)
	_, err = b.Put(t.Context(), "videos", doc("https://b.example"))
	require.NoError(t, err)
	rDel, err := a.Delete(t.Context(), "photos")
	require.NoError(t, err)

	got, _ := loadAll(t, b)
	assert.ElementsMatch(t, []string{"photos", "videos"}, keys(got))
	assert.Equal(t, doc("https://b.example"), got["photos"].Document)
	got, _ = loadAll(t, a)
	assert.Empty(t, got)

	assert.Equal(t, []bucket.Change{
		{Bucket: "photos", Document: doc("https://a.example"), Revision: ra},
		{Bucket: "photos", Revision: rDel},
	}, waitFor(t, watched, 2))
}

// TestLoadIsOneSnapshot checks that Load reads every page at the revision
// of the first, and that a Watch from that revision delivers exactly what
// Load did not see.
func TestLoadIsOneSnapshot(t *testing.T) { forEachLoad(t, testLoadIsOneSnapshot) }

func testLoadIsOneSnapshot(t *testing.T, load etcdstore.Option) {
	_, client := etcdtest.Single(t)
	b := etcdstore.New(client, etcdstore.WithPageSize(3), load)
	want := map[string][]byte{}
	for i := range 10 {
		name := fmt.Sprintf("bucket-%02d", i)
		want[name] = doc("https://" + name + ".example")
		_, err := b.Put(t.Context(), name, want[name])
		require.NoError(t, err)
	}

	// Changes made while Load runs, after its first page.
	var later []int64
	seen := map[string][]byte{}
	rev, err := b.Load(t.Context(), func(c bucket.Change) error {
		if len(seen) == 0 {
			for _, name := range []string{"bucket-09", "bucket-99", "bucket-00"} {
				r, err := b.Put(t.Context(), name, doc("https://later.example"))
				require.NoError(t, err)
				later = append(later, r)
			}
			r, err := b.Delete(t.Context(), "bucket-05")
			require.NoError(t, err)
			later = append(later, r)
		}
		seen[c.Bucket] = c.Document
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, want, seen, "Load sees the set as it was at its first read")
	assert.Less(t, rev, later[0])

	watched, _ := watch(t, b, rev)
	changes := waitFor(t, watched, 4)
	require.Len(t, changes, 4)
	for i, c := range changes {
		assert.Equal(t, later[i], c.Revision)
	}
	assert.Equal(t, "bucket-09", changes[0].Bucket)
	assert.Equal(t, "bucket-99", changes[1].Bucket)
	assert.Equal(t, "bucket-00", changes[2].Bucket)
	assert.Equal(t, bucket.Change{Bucket: "bucket-05", Revision: later[3]}, changes[3])
}

func TestLoadStopsOnYieldError(t *testing.T) { forEachLoad(t, testLoadStopsOnYieldError) }

func testLoadStopsOnYieldError(t *testing.T, load etcdstore.Option) {
	_, client := etcdtest.Single(t)
	b := etcdstore.New(client, etcdstore.WithPageSize(2), load)
	for i := range 5 {
		_, err := b.Put(t.Context(), fmt.Sprint("b", i), doc("https://a.example"))
		require.NoError(t, err)
	}
	stop := errors.New("stop")
	n := 0
	_, err := b.Load(t.Context(), func(bucket.Change) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 3, n)
}

// TestWatchOrder checks that concurrent writers' changes arrive once each,
// in revision order, with the revisions Put and Delete returned.
func TestWatchOrder(t *testing.T) {
	t.Parallel()
	_, client := etcdtest.Single(t)
	b := etcdstore.New(client)
	_, rev := loadAll(t, b)
	watched, _ := watch(t, b, rev)

	const writers, each = 4, 25
	var mu sync.Mutex
	// A deletion of a bucket without a configuration changes nothing: it
	// returns the revision the cluster had reached, another change's.
	type made struct {
		revision int64
		bucket   string
	}
	want := map[made]bucket.Change{}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				name := fmt.Sprintf("bucket-%d", i%5)
				var c bucket.Change
				if i%7 == 6 {
					r, err := b.Delete(context.Background(), name)
					if !assert.NoError(t, err) {
						return
					}
					c = bucket.Change{Bucket: name, Revision: r}
				} else {
					d := doc(fmt.Sprintf("https://w%d-%d.example", w, i))
					r, err := b.Put(context.Background(), name, d)
					if !assert.NoError(t, err) {
						return
					}
					c = bucket.Change{Bucket: name, Document: d, Revision: r}
				}
				mu.Lock()
				want[made{c.Revision, c.Bucket}] = c
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	// A deletion of a bucket that had no configuration returns a revision
	// but is no change, so the feed may hold fewer than writers*each.
	final, finalRev := loadAll(t, b)
	require.Eventually(t, func() bool {
		ch := watched.snapshot()
		return len(ch) > 0 && ch[len(ch)-1].Revision == finalRev
	}, 20*time.Second, 5*time.Millisecond)
	changes := watched.snapshot()
	state := map[string]bucket.Change{}
	for i, c := range changes {
		if i > 0 {
			require.Greater(t, c.Revision, changes[i-1].Revision, "revision order")
		}
		w, ok := want[made{c.Revision, c.Bucket}]
		require.True(t, ok, "change %+v was made by no writer", c)
		assert.Equal(t, w, c)
		if c.Document == nil {
			delete(state, c.Bucket)
		} else {
			state[c.Bucket] = c
		}
	}
	for _, c := range want {
		if c.Document != nil {
			assert.Contains(t, changes, c, "every put is delivered")
		}
	}
	assert.Equal(t, final, state, "replaying the feed gives what Load reads")
}

func TestWatchStopsWithContext(t *testing.T) {
	t.Parallel()
	_, client := etcdtest.Single(t)
	b := etcdstore.New(client)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err := b.Watch(ctx, 0, func(bucket.Change) {})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestCompaction checks that a Watch from a compacted revision, and a Load
// whose revision is compacted while it reads, end with ErrCompacted.
func TestCompaction(t *testing.T) {
	t.Parallel()
	_, client := etcdtest.Single(t)
	b := etcdstore.New(client, etcdstore.WithPageSize(1), etcdstore.WithoutStream())
	first, err := b.Put(t.Context(), "photos", doc("https://a.example"))
	require.NoError(t, err)
	_, err = b.Put(t.Context(), "videos", doc("https://b.example"))
	require.NoError(t, err)
	last, err := b.Put(t.Context(), "photos", doc("https://c.example"))
	require.NoError(t, err)
	_, err = client.Compact(t.Context(), last, clientv3.WithCompactPhysical())
	require.NoError(t, err)

	err = b.Watch(t.Context(), first, func(c bucket.Change) { t.Errorf("unexpected change %+v", c) })
	assert.ErrorIs(t, err, bucket.ErrCompacted)
	assert.Contains(t, err.Error(), "compacted")

	// From the compaction revision on, the feed is whole.
	watched, _ := watch(t, b, last)
	r, err := b.Put(t.Context(), "videos", doc("https://d.example"))
	require.NoError(t, err)
	assert.Equal(t, []bucket.Change{{Bucket: "videos", Document: doc("https://d.example"), Revision: r}},
		waitFor(t, watched, 1))

	// Compacted between two pages of a Load.
	compacted := false
	_, err = b.Load(t.Context(), func(bucket.Change) error {
		if !compacted {
			compacted = true
			r, err := b.Put(t.Context(), "other", doc("https://e.example"))
			require.NoError(t, err)
			_, err = client.Compact(t.Context(), r, clientv3.WithCompactPhysical())
			require.NoError(t, err)
		}
		return nil
	})
	assert.ErrorIs(t, err, bucket.ErrCompacted)
}

// TestLargeDocuments stores documents of the largest size S3 accepts and
// loads a few pages of them.
func TestLargeDocuments(t *testing.T) { forEachLoad(t, testLargeDocuments) }

func testLargeDocuments(t *testing.T, load etcdstore.Option) {
	_, client := etcdtest.Single(t)
	b := etcdstore.New(client, etcdstore.WithPageSize(4), load)
	_, rev := loadAll(t, b)
	watched, _ := watch(t, b, rev)
	large := func(i int) []byte {
		var buf bytes.Buffer
		buf.WriteString("<CORSConfiguration>")
		for buf.Len() < rule.MaxDocumentSize-200 {
			fmt.Fprintf(&buf, "<CORSRule><AllowedOrigin>https://%d-%d.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>", i, buf.Len())
		}
		buf.WriteString("</CORSConfiguration>")
		return buf.Bytes()
	}
	const n = 10
	for i := range n {
		_, err := b.Put(t.Context(), fmt.Sprint("large-", i), large(i))
		require.NoError(t, err)
	}
	got, _ := loadAll(t, b)
	require.Len(t, got, n)
	for i := range n {
		assert.Equal(t, large(i), got[fmt.Sprint("large-", i)].Document)
	}
	changes := waitFor(t, watched, n)
	for i, c := range changes {
		assert.Equal(t, large(i), c.Document)
	}
}

// TestWatchSurvivesMemberRestart stops the only member and starts it again
// on the same data: the watch resumes where it stopped, missing nothing.
func TestWatchSurvivesMemberRestart(t *testing.T) {
	t.Parallel()
	members, err := etcdtest.Cluster(t.TempDir(), 1)
	require.NoError(t, err)
	e, err := etcdtest.Start(members[0])
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	client := etcdtest.Client(t, members[0].Endpoint())
	b := etcdstore.New(client, etcdstore.WithProgressInterval(100*time.Millisecond))
	_, rev := loadAll(t, b)
	watched, done := watch(t, b, rev)
	r1, err := b.Put(t.Context(), "photos", doc("https://a.example"))
	require.NoError(t, err)
	waitFor(t, watched, 1)

	e.Close()
	e, err = etcdtest.Start(members[0])
	require.NoError(t, err)
	r2, err := b.Put(t.Context(), "photos", doc("https://b.example"))
	require.NoError(t, err)
	// A watch that ended in the restart is the caller's to renew: follow it
	// as a Store does.
	select {
	case err := <-done:
		require.NotErrorIs(t, err, bucket.ErrCompacted)
		t.Logf("watch ended across the restart (%v); watching again", err)
		watched, _ = watch(t, b, r1)
		assert.Equal(t, []bucket.Change{{Bucket: "photos", Document: doc("https://b.example"), Revision: r2}},
			waitFor(t, watched, 1))
	default:
		assert.Equal(t, []bucket.Change{
			{Bucket: "photos", Document: doc("https://a.example"), Revision: r1},
			{Bucket: "photos", Document: doc("https://b.example"), Revision: r2},
		}, waitFor(t, watched, 2))
	}
}

func TestEmptyBucketName(t *testing.T) {
	t.Parallel()
	_, client := etcdtest.Single(t)
	b := etcdstore.New(client)
	_, err := b.Put(t.Context(), "", doc("https://a.example"))
	assert.ErrorContains(t, err, "empty bucket name")
	_, err = b.Delete(t.Context(), "")
	assert.ErrorContains(t, err, "empty bucket name")
	got, _ := loadAll(t, b)
	assert.Empty(t, got)
}

func TestNewPanicsWithoutClient(t *testing.T) {
	t.Parallel()
	assert.PanicsWithValue(t, "etcdstore: New: nil client", func() { etcdstore.New(nil) })
	assert.True(t, strings.HasSuffix(etcdstore.DefaultPrefix, "/"))
}
