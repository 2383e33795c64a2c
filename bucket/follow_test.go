package bucket_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// errors collects what a Store reports to its error handler.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) add(err error) { l.mu.Lock(); l.errs = append(l.errs, err); l.mu.Unlock() }
func (l *errorLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// syncing starts store.Sync for the test's duration and waits, when wait
// is true, until the store is ready.
func syncing(t *testing.T, store *bucket.Store, wait bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- store.Sync(ctx) }()
	t.Cleanup(func() {
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
	})
	if wait {
		require.Eventually(t, store.Ready, 5*time.Second, time.Millisecond)
	}
}

// origin returns the AllowedOrigin of the bucket's configuration, or ""
// when it has none.
func origin(store *bucket.Store, name string) string {
	c := store.Get(name)
	if c == nil {
		return ""
	}
	return c.Rules[0].AllowedOrigins[0]
}

func config(t testing.TB, origin string) *rule.Configuration {
	return mustParse(t, validXML(origin))
}

// TestBackendLoad checks that a Store loads the Backend's configurations,
// answers 503 ServiceUnavailable to the ?cors API until it has, and is
// Ready after.
func TestBackendLoad(t *testing.T) {
	t.Parallel()
	be := newMemoryBackend()
	writer := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
	require.NoError(t, writer.Put("photos", config(t, "https://a.example")))

	gate := make(chan struct{})
	be.mu.Lock()
	be.loadGate = gate
	be.mu.Unlock()
	store := bucket.NewStore(newBuckets("photos").exists, bucket.WithBackend(be))
	assert.False(t, store.Ready())
	syncing(t, store, false)
	srv := server(t, store)
	for _, method := range []string{"GET", "PUT", "DELETE"} {
		resp, body := do(t, srv, method, "/photos?cors", validXML("*"))
		checkError(t, resp, body, 503, "ServiceUnavailable", "Service is unable to handle request.")
	}
	close(gate)
	require.Eventually(t, store.Ready, 5*time.Second, time.Millisecond)
	assert.Equal(t, "https://a.example", origin(store, "photos"))
	resp, _ := do(t, srv, "GET", "/photos?cors", "")
	assert.Equal(t, 200, resp.StatusCode)
}

// TestBackendWriteThrough checks that Put and Delete reach the Backend
// before they return, and that a Backend failure is the caller's error,
// S3's 500 InternalError on the API, and changes nothing.
func TestBackendWriteThrough(t *testing.T) {
	t.Parallel()
	be := newMemoryBackend()
	store := bucket.NewStore(newBuckets("photos").exists, bucket.WithBackend(be))
	syncing(t, store, true)
	require.NoError(t, store.Put("photos", config(t, "https://a.example")))
	be.mu.Lock()
	assert.Contains(t, string(be.docs["photos"].Document), "https://a.example")
	be.mu.Unlock()
	assert.Equal(t, "https://a.example", origin(store, "photos"), "read your writes")

	down := errors.New("disk on fire")
	be.setFail(down)
	err := store.Put("photos", config(t, "https://b.example"))
	var be2 *bucket.BackendError
	require.ErrorAs(t, err, &be2)
	assert.ErrorIs(t, err, down)
	assert.Equal(t, "put", be2.Op)
	assert.Equal(t, "photos", be2.Bucket)
	assert.Equal(t, "https://a.example", origin(store, "photos"))
	require.ErrorIs(t, store.DeleteContext(context.Background(), "photos"), down)
	assert.Equal(t, "https://a.example", origin(store, "photos"))

	srv := server(t, store)
	resp, body := do(t, srv, "PUT", "/photos?cors", validXML("*"), "Content-MD5", md5Of(validXML("*")))
	checkError(t, resp, body, 500, "InternalError", "We encountered an internal error. Please try again.")
	resp, body = do(t, srv, "DELETE", "/photos?cors", "")
	checkError(t, resp, body, 500, "InternalError", "We encountered an internal error. Please try again.")
	// An invalid configuration is refused before the Backend is asked.
	resp, _ = do(t, srv, "PUT", "/photos?cors", "<CORSConfiguration/>", "Content-MD5", md5Of("<CORSConfiguration/>"))
	assert.Equal(t, 400, resp.StatusCode)

	be.setFail(nil)
	store.Delete("photos")
	assert.Nil(t, store.Get("photos"))
	be.mu.Lock()
	assert.NotContains(t, be.docs, "photos")
	be.mu.Unlock()
}

// TestBackendFollow checks that changes made through one Store reach
// another that follows the same Backend.
func TestBackendFollow(t *testing.T) {
	t.Parallel()
	be := newMemoryBackend()
	a := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
	b := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
	syncing(t, a, true)
	syncing(t, b, true)
	for i := range 20 {
		o := "https://" + strconv.Itoa(i) + ".example"
		require.NoError(t, a.Put("photos", config(t, o)))
		require.Eventually(t, func() bool { return origin(b, "photos") == o }, 5*time.Second, time.Millisecond)
	}
	a.Delete("photos")
	require.Eventually(t, func() bool { return b.Get("photos") == nil }, 5*time.Second, time.Millisecond)
}

// TestBackendOneRevisionManyBuckets checks that a feed delivering changes
// to several buckets at one revision, as a transaction that writes several
// keys does, applies every one of them, not only the first.
func TestBackendOneRevisionManyBuckets(t *testing.T) {
	t.Parallel()
	be := newMemoryBackend()
	a := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
	syncing(t, a, true)
	docs := map[string][]byte{}
	for _, name := range []string{"one", "two", "three"} {
		doc, err := config(t, "https://"+name+".example").Encode(rule.FormXML)
		require.NoError(t, err)
		docs[name] = doc
	}
	be.together(docs)
	for _, name := range []string{"one", "two", "three"} {
		require.Eventually(t, func() bool { return origin(a, name) == "https://"+name+".example" }, 5*time.Second, time.Millisecond, name)
	}
}

// TestBackendOlderNeverReplacesNewer checks the orders in which a Store
// may learn of two changes to one bucket: its own Put acknowledged before,
// but applied after, a later change the feed delivered or that this Store
// made.
func TestBackendOlderNeverReplacesNewer(t *testing.T) {
	t.Parallel()
	t.Run("feed first", func(t *testing.T) {
		t.Parallel()
		be := newMemoryBackend()
		a := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
		other := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
		syncing(t, a, true)
		release, acknowledged := make(chan struct{}), make(chan struct{})
		be.mu.Lock()
		be.afterPut = func() { close(acknowledged); <-release }
		be.mu.Unlock()
		done := make(chan error)
		go func() { done <- a.Put("photos", config(t, "https://old.example")) }()
		<-acknowledged // the Backend has the old configuration
		be.mu.Lock()
		be.afterPut = nil
		be.mu.Unlock()
		require.NoError(t, other.Put("photos", config(t, "https://new.example")))
		require.Eventually(t, func() bool { return origin(a, "photos") == "https://new.example" }, 5*time.Second, time.Millisecond)
		close(release)
		require.NoError(t, <-done)
		assert.Equal(t, "https://new.example", origin(a, "photos"))
	})
	for _, later := range []string{"put", "delete"} {
		t.Run("own "+later+" first", func(t *testing.T) {
			t.Parallel()
			be := newMemoryBackend()
			be.feedGate = make(chan struct{}) // the feed stalls
			a := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
			syncing(t, a, true)
			release, acknowledged := make(chan struct{}), make(chan struct{})
			be.mu.Lock()
			be.afterPut = func() { close(acknowledged); <-release }
			be.mu.Unlock()
			done := make(chan error)
			go func() { done <- a.Put("photos", config(t, "https://old.example")) }()
			<-acknowledged
			be.mu.Lock()
			be.afterPut = nil
			be.mu.Unlock()
			want := ""
			if later == "put" {
				want = "https://new.example"
				require.NoError(t, a.Put("photos", config(t, want)))
			} else {
				require.NoError(t, a.DeleteContext(context.Background(), "photos"))
			}
			close(release)
			require.NoError(t, <-done)
			assert.Equal(t, want, origin(a, "photos"), "the older Put replaced the later change")
			be.mu.Lock()
			close(be.feedGate)
			be.mu.Unlock()
			time.Sleep(10 * time.Millisecond)
			assert.Equal(t, want, origin(a, "photos"))
		})
	}
}

// TestBackendReload checks that a Store whose feed is compacted away loads
// everything again, and that one whose feed breaks watches again, both
// without missing a change.
func TestBackendReload(t *testing.T) {
	t.Parallel()
	be := newMemoryBackend()
	var log errorLog
	a := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be), bucket.WithErrorHandler(log.add))
	writer := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
	require.NoError(t, writer.Put("gone", config(t, "https://gone.example")))
	syncing(t, a, true)
	require.Equal(t, "https://gone.example", origin(a, "gone"))

	// Changes the Store misses while its feed is compacted away.
	be.mu.Lock()
	be.feedGate = make(chan struct{})
	be.mu.Unlock()
	require.NoError(t, writer.Put("photos", config(t, "https://a.example")))
	require.NoError(t, writer.DeleteContext(context.Background(), "gone"))
	be.compact()
	be.breakWatches()
	be.mu.Lock()
	close(be.feedGate)
	be.feedGate = nil
	be.mu.Unlock()
	require.Eventually(t, func() bool { return origin(a, "photos") == "https://a.example" && a.Get("gone") == nil }, 5*time.Second, time.Millisecond)
	assert.True(t, a.Ready(), "a reload keeps the Store ready")

	be.breakWatches()
	require.NoError(t, writer.Put("photos", config(t, "https://b.example")))
	require.Eventually(t, func() bool { return origin(a, "photos") == "https://b.example" }, 5*time.Second, time.Millisecond)

	var compacted, broken bool
	for _, err := range log.all() {
		compacted = compacted || strings.Contains(err.Error(), "loading every configuration again")
		broken = broken || errors.Is(err, errFeedBroken)
	}
	assert.True(t, compacted, "the reload after compaction was reported: %v", log.all())
	assert.True(t, broken, "the broken feed was reported: %v", log.all())
}

// TestBackendCorruptDocument checks that a stored document that is not a
// valid configuration is reported and skipped, at load and from the feed,
// and that the bucket is then served as having none, on every node alike.
func TestBackendCorruptDocument(t *testing.T) {
	t.Parallel()
	be := newMemoryBackend()
	be.putRaw("torn", "<CORSConfiguration><CORSRule><Allowed")
	be.putRaw("invalid", "<CORSConfiguration></CORSConfiguration>")
	be.putRaw("photos", validXML("https://a.example"))
	var log errorLog
	store := bucket.NewStore(newBuckets().exists, bucket.WithBackend(be), bucket.WithErrorHandler(log.add))
	syncing(t, store, true)
	assert.Equal(t, "https://a.example", origin(store, "photos"))
	assert.Nil(t, store.Get("torn"))
	assert.Nil(t, store.Get("invalid"))

	rev := be.putRaw("photos", "not xml at all")
	require.Eventually(t, func() bool { return len(log.all()) == 3 }, 5*time.Second, time.Millisecond)
	assert.Nil(t, store.Get("photos"), "a corrupt change leaves the bucket without configuration")
	var de *bucket.DocumentError
	require.ErrorAs(t, log.all()[2], &de)
	assert.Equal(t, "photos", de.Bucket)
	assert.Equal(t, rev, de.Revision)
	var re *rule.Error
	assert.ErrorAs(t, de, &re)
	assert.Contains(t, de.Error(), "put its configuration again")
	buckets := map[string]bool{}
	for _, err := range log.all()[:2] {
		require.ErrorAs(t, err, &de)
		buckets[de.Bucket] = true
	}
	assert.Equal(t, map[string]bool{"torn": true, "invalid": true}, buckets)
}

// TestBackendConcurrentWriters checks that Stores writing one bucket at
// the same time end with the same configuration, the Backend's.
func TestBackendConcurrentWriters(t *testing.T) {
	t.Parallel()
	be := newMemoryBackend()
	stores := make([]*bucket.Store, 3)
	for i := range stores {
		stores[i] = bucket.NewStore(newBuckets().exists, bucket.WithBackend(be))
		syncing(t, stores[i], true)
	}
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				if j%7 == 3 {
					assert.NoError(t, s.DeleteContext(context.Background(), "photos"))
					continue
				}
				assert.NoError(t, s.Put("photos", config(t, "https://"+strconv.Itoa(i)+"-"+strconv.Itoa(j)+".example")))
			}
		}()
	}
	wg.Wait()
	be.mu.Lock()
	want := ""
	if c, ok := be.docs["photos"]; ok {
		c, err := rule.ParseXML(c.Document)
		require.NoError(t, err)
		want = c.Rules[0].AllowedOrigins[0]
	}
	be.mu.Unlock()
	for i, s := range stores {
		require.Eventually(t, func() bool { return origin(s, "photos") == want }, 5*time.Second, time.Millisecond, "store %d", i)
	}
}

// TestSyncOnce checks Sync's contract besides following: once per Store,
// nothing to do without a Backend.
func TestSyncOnce(t *testing.T) {
	t.Parallel()
	assert.NoError(t, bucket.NewStore(newBuckets().exists).Sync(context.Background()))
	assert.True(t, bucket.NewStore(newBuckets().exists).Ready())
	store := bucket.NewStore(newBuckets().exists, bucket.WithBackend(newMemoryBackend()))
	syncing(t, store, true)
	assert.ErrorContains(t, store.Sync(context.Background()), "already syncing")
}

// TestSharedPolicies checks that buckets with the same configuration share
// one compiled policy, and that a changed configuration gets its own.
func TestSharedPolicies(t *testing.T) {
	t.Parallel()
	store := bucket.NewStore(newBuckets("a", "b", "c").exists)
	require.NoError(t, store.Put("a", config(t, "https://x.example")))
	require.NoError(t, store.Put("b", config(t, "https://x.example")))
	require.NoError(t, store.Put("c", config(t, "https://y.example")))
	assert.Same(t, store.Policy("a"), store.Policy("b"))
	assert.NotSame(t, store.Policy("a"), store.Policy("c"))
	r := httptest.NewRequest("GET", "/a/key", nil)
	p, _ := store.ResolveCORS(r)
	assert.Same(t, store.Policy("b"), p)
}

// TestBackendLoadingMiddleware checks that, until the first load, the CORS
// middleware answers preflights and requests with an Origin to a bucket
// with S3's 503 ServiceUnavailable, never as if the bucket had no
// configuration, and leaves other requests alone.
func TestBackendLoadingMiddleware(t *testing.T) {
	t.Parallel()
	be := newMemoryBackend()
	be.putRaw("photos", validXML("https://a.example"))
	gate := make(chan struct{})
	be.loadGate = gate
	store := bucket.NewStore(newBuckets("photos").exists, bucket.WithBackend(be))
	syncing(t, store, false)
	srv := server(t, store)
	assert.Same(t, cors.Unavailable(), store.Policy("photos"))

	preflight := []string{"Origin", "https://a.example", "Access-Control-Request-Method", "GET"}
	resp, body := do(t, srv, "OPTIONS", "/photos/key", "", preflight...)
	checkError(t, resp, body, 503, "ServiceUnavailable", "Service is unable to handle request.")
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
	resp, body = do(t, srv, "GET", "/photos/key", "", "Origin", "https://a.example")
	checkError(t, resp, body, 503, "ServiceUnavailable", "Service is unable to handle request.")
	resp, body = do(t, srv, "GET", "/photos/key", "")
	assert.Equal(t, 200, resp.StatusCode, "a request without Origin does not depend on CORS")
	assert.Equal(t, "object", body)

	close(gate)
	require.Eventually(t, store.Ready, 5*time.Second, time.Millisecond)
	resp, _ = do(t, srv, "OPTIONS", "/photos/key", "", preflight...)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "https://a.example", resp.Header.Get("Access-Control-Allow-Origin"))
}
