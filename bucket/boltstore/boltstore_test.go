package boltstore_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/boltstore"
	"github.com/s3cors/s3cors/rule"
)

func xmlDoc(origin string) []byte {
	return []byte(`<CORSConfiguration><CORSRule><AllowedOrigin>` + origin + `</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)
}

func mustOpen(t testing.TB, dir string) *boltstore.Backend {
	t.Helper()
	b, err := boltstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// load returns what the Backend holds, by bucket.
func load(t testing.TB, b bucket.Backend) (map[string]bucket.Change, int64) {
	t.Helper()
	got := map[string]bucket.Change{}
	rev, err := b.Load(context.Background(), func(c bucket.Change) error {
		c.Document = append([]byte(nil), c.Document...)
		got[c.Bucket] = c
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, rev
}

// TestRoundTrip checks that changes and the revision counter survive
// closing and opening the database again.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := mustOpen(t, dir)
	ctx := context.Background()
	r1, err := b.Put(ctx, "photos", xmlDoc("https://a.example"))
	if err != nil || r1 != 1 {
		t.Fatalf("Put = %d, %v; want 1", r1, err)
	}
	r2, _ := b.Put(ctx, "docs", xmlDoc("https://b.example"))
	r3, _ := b.Delete(ctx, "docs")
	r4, _ := b.Delete(ctx, "never")
	if r2 != 2 || r3 != 3 || r4 != 3 {
		t.Fatalf("revisions %d %d %d; want 2 3 3 (deleting nothing changes nothing)", r2, r3, r4)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = mustOpen(t, dir)
	defer b.Close()
	got, rev := load(t, b)
	if rev != 3 || len(got) != 1 || string(got["photos"].Document) != string(xmlDoc("https://a.example")) || got["photos"].Revision != 1 {
		t.Fatalf("after reopening: %d %+v", rev, got)
	}
	if r, _ := b.Put(ctx, "photos", xmlDoc("https://c.example")); r != 4 {
		t.Fatalf("the revision after reopening is %d, want 4", r)
	}
}

// TestSecondProcessRefused checks that a directory in use is refused with
// an error that names the directory and the process holding it.
func TestSecondProcessRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := mustOpen(t, dir)
	_, err := boltstore.Open(dir)
	if err == nil {
		t.Fatal("a second Open of one directory succeeded")
	}
	for _, want := range []string{dir, "process " + strconv.Itoa(os.Getpid()), "another directory"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not mention %q", err, want)
		}
	}
	b.Close()
	b = mustOpen(t, dir) // released on Close
	b.Close()
}

// TestCorruptEntry checks that entries that are not valid configurations
// are reported by the Store and skipped, and the rest is loaded.
func TestCorruptEntry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := mustOpen(t, dir)
	if _, err := b.Put(context.Background(), "photos", xmlDoc("https://a.example")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	db, err := bolt.Open(dir+"/"+boltstore.DatabaseFile, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte("configurations"))
		if err := c.Put([]byte("short"), []byte{1, 2}); err != nil {
			return err
		}
		if err := c.Put([]byte("empty"), nil); err != nil {
			return err
		}
		return c.Put([]byte("garbled"), append([]byte{0, 0, 0, 0, 0, 0, 0, 9}, "<CORSConfiguration><CORSRu"...))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	b = mustOpen(t, dir)
	defer b.Close()
	var mu sync.Mutex
	var reported []string
	store := bucket.NewStore(func(string) bool { return true }, bucket.WithBackend(b), bucket.WithErrorHandler(func(err error) {
		var de *bucket.DocumentError
		if errors.As(err, &de) {
			mu.Lock()
			reported = append(reported, de.Bucket)
			mu.Unlock()
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go store.Sync(ctx)
	waitReady(t, store)
	if c := store.Get("photos"); c == nil || c.Rules[0].AllowedOrigins[0] != "https://a.example" {
		t.Fatalf("photos: %+v", c)
	}
	if store.Get("short") != nil || store.Get("garbled") != nil || store.Get("empty") != nil {
		t.Fatal("a corrupt entry was loaded")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 3 {
		t.Fatalf("reported %v, want short, garbled and empty", reported)
	}
}

func waitReady(t testing.TB, store *bucket.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !store.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("the Store did not load")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestWatch checks the feed: this process's changes in order, and
// ErrCompacted for revisions from before the database was opened.
func TestWatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := mustOpen(t, dir)
	ctx := context.Background()
	b.Put(ctx, "a", xmlDoc("https://1.example"))
	b.Close()
	b = mustOpen(t, dir)
	defer b.Close()
	if err := b.Watch(ctx, 0, func(bucket.Change) {}); !errors.Is(err, bucket.ErrCompacted) {
		t.Fatalf("Watch from before the start: %v, want ErrCompacted", err)
	}
	wctx, cancel := context.WithCancel(ctx)
	got := make(chan bucket.Change, 10)
	done := make(chan error)
	go func() {
		done <- b.Watch(wctx, 1, func(c bucket.Change) {
			c.Document = append([]byte(nil), c.Document...)
			got <- c
		})
	}()
	b.Put(ctx, "a", xmlDoc("https://2.example"))
	b.Delete(ctx, "a")
	for _, want := range []bucket.Change{{Bucket: "a", Document: xmlDoc("https://2.example"), Revision: 2}, {Bucket: "a", Revision: 3}} {
		c := <-got
		if c.Bucket != want.Bucket || c.Revision != want.Revision || string(c.Document) != string(want.Document) || (c.Document == nil) != (want.Document == nil) {
			t.Fatalf("got %+v, want %+v", c, want)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// TestStoreKeepsConfigurations checks a Store on the Backend across a
// restart: what PutBucketCors acknowledged is there after.
func TestStoreKeepsConfigurations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := rule.ParseXML(xmlDoc("https://a.example"))
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		b := mustOpen(t, dir)
		store := bucket.NewStore(func(string) bool { return true }, bucket.WithBackend(b))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { store.Sync(ctx); close(done) }()
		waitReady(t, store)
		for i := range round {
			if store.Get("b"+strconv.Itoa(i)) == nil {
				t.Fatalf("round %d: b%d lost", round, i)
			}
		}
		if err := store.Put("b"+strconv.Itoa(round), c); err != nil {
			t.Fatal(err)
		}
		cancel()
		<-done
		b.Close()
	}
}
