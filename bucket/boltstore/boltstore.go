// Package boltstore keeps the bucket CORS configurations of a
// [bucket.Store] on local disk, in a bbolt database (go.etcd.io/bbolt,
// etcd's own storage engine): the embedded [bucket.Backend] of a server
// that runs as one process.
//
//	backend, err := boltstore.Open(dir)
//	if err != nil {
//		return err // another process has dir, or it is not a database
//	}
//	defer backend.Close()
//	store := bucket.NewStore(exists, bucket.WithBackend(backend))
//	go store.Sync(ctx) // loads what the directory holds, then stays ready
//
// # Guarantees
//
// A Put or Delete returns only once its transaction is committed and
// fsynced, so an acknowledged change survives the process being killed at
// any instant and the machine losing power. A change is written in one
// transaction with the revision counter: after a crash the database holds
// every acknowledged change and either all or nothing of the one under
// way, never a torn document. A stored document that is not a valid
// configuration, or an entry too short to carry a revision, is handed to
// the Store as it is, which reports it ([bucket.DocumentError]) and skips
// it.
//
// One process at a time: [Open] takes the database file's lock and refuses
// a directory another process holds, naming that process. Watch delivers
// the changes of this process only, which are all the changes there are.
package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/s3cors/s3cors/bucket"
)

// File names inside the directory.
const (
	// DatabaseFile is the name of the database file in the directory.
	DatabaseFile = "cors.db"
	ownerFile    = "cors.db.owner" // who holds the database, for the error of a second process
)

// bbolt buckets and keys.
var (
	configsBucket = []byte("configurations") // bucket name → revision (8 bytes, big-endian) + XML document
	metaBucket    = []byte("meta")
	revisionKey   = []byte("revision") // the revision of the latest change (8 bytes, big-endian)
)

// lockTimeout is how long Open waits for another process to release the
// database before it gives up.
const lockTimeout = 500 * time.Millisecond

// feedSize is the number of recent changes Watch can always deliver; a
// watcher further behind may get bucket.ErrCompacted and load again.
const feedSize = 4096

// Backend is a [bucket.Backend] in a bbolt database in a directory. Create
// one with [Open] and close it with [Backend.Close]. It is safe for
// concurrent use.
type Backend struct {
	dir string
	db  *bolt.DB

	mu       sync.Mutex // serializes changes, so that the feed is in revision order
	feedMu   sync.Mutex
	revision int64           // the latest revision; guarded by feedMu
	floor    int64           // the feed holds every change above floor; guarded by feedMu
	feed     []bucket.Change // the latest changes, oldest first, never changed in place; guarded by feedMu
	changed  chan struct{}   // closed and replaced at every change; guarded by feedMu
}

// Open opens the database in dir, creating dir and the database when they
// do not exist, and locks it for this process. It refuses, with an error
// naming the directory and the other process, a directory another process
// has open.
func Open(dir string) (*Backend, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("boltstore: creating the directory: %w", err)
	}
	path := filepath.Join(dir, DatabaseFile)
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("boltstore: %s is in use by %s; stop it, or give this process another directory", dir, owner(dir))
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: opening %s: %w; if the file is damaged, move it away and put the configurations again", path, err)
	}
	b := &Backend{dir: dir, db: db, changed: make(chan struct{})}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(configsBucket); err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		b.revision = decodeRevision(meta.Get(revisionKey))
		return nil
	})
	if err == nil && created {
		err = syncDir(dir) // the new file's directory entry, for a power loss
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: preparing %s: %w", path, err)
	}
	b.floor = b.revision
	host, _ := os.Hostname()
	// Best effort: it only serves the error message of another process.
	_ = os.WriteFile(filepath.Join(dir, ownerFile), []byte("process "+strconv.Itoa(os.Getpid())+" on "+host+" since "+time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
	return b, nil
}

// owner describes the process that holds the database in dir.
func owner(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if s := strings.TrimSpace(string(b)); err == nil && s != "" {
		return s
	}
	return "another process"
}

// syncDir fsyncs a directory, so that the entries created in it survive a
// power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Close closes the database and releases the directory.
func (b *Backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = os.Remove(filepath.Join(b.dir, ownerFile))
	return b.db.Close()
}

// decodeRevision reads a stored revision; a missing one is 0.
func decodeRevision(v []byte) int64 {
	if len(v) < 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

// Load implements [bucket.Backend]. The documents it yields are the
// database's memory, valid only until yield returns.
func (b *Backend) Load(ctx context.Context, yield func(bucket.Change) error) (int64, error) {
	var revision int64
	err := b.db.View(func(tx *bolt.Tx) error {
		revision = decodeRevision(tx.Bucket(metaBucket).Get(revisionKey))
		c := tx.Bucket(configsBucket).Cursor()
		n := 0
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if n++; n%4096 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			ch := bucket.Change{Bucket: string(k), Document: v}
			if len(v) >= 8 {
				ch.Revision, ch.Document = decodeRevision(v), v[8:]
			} else if v == nil {
				ch.Document = []byte{} // an empty value; nil would read as a deletion
			}
			// A value too short to carry a revision goes to the Store as
			// it is, a document that does not parse: reported, skipped.
			if err := yield(ch); err != nil {
				return err
			}
		}
		return nil
	})
	return revision, err
}

// Put implements [bucket.Backend]: it returns once the change is fsynced.
func (b *Backend) Put(ctx context.Context, name string, doc []byte) (int64, error) {
	if doc == nil {
		doc = []byte{}
	}
	return b.change(ctx, name, doc)
}

// Delete implements [bucket.Backend]: it returns once the change is
// fsynced. Deleting a configuration that does not exist changes nothing
// and returns the latest revision.
func (b *Backend) Delete(ctx context.Context, name string) (int64, error) {
	return b.change(ctx, name, nil)
}

// change stores doc as the bucket's document, or deletes it for a nil doc,
// in one transaction with the revision counter, and adds the change to the
// feed.
func (b *Backend) change(ctx context.Context, name string, doc []byte) (int64, error) {
	if name == "" {
		return 0, errors.New("boltstore: empty bucket name")
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var revision int64
	changed := true
	err := b.db.Update(func(tx *bolt.Tx) error {
		configs, meta := tx.Bucket(configsBucket), tx.Bucket(metaBucket)
		revision = decodeRevision(meta.Get(revisionKey))
		if doc == nil && configs.Get([]byte(name)) == nil {
			changed = false
			return nil
		}
		revision++
		var rev [8]byte
		binary.BigEndian.PutUint64(rev[:], uint64(revision))
		if err := meta.Put(revisionKey, rev[:]); err != nil {
			return err
		}
		if doc == nil {
			return configs.Delete([]byte(name))
		}
		return configs.Put([]byte(name), append(rev[:], doc...))
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: writing to %s: %w", b.dir, err)
	}
	if changed {
		b.publish(bucket.Change{Bucket: name, Document: doc, Revision: revision})
	}
	return revision, nil
}

// publish adds a committed change to the feed.
func (b *Backend) publish(c bucket.Change) {
	if c.Document != nil {
		c.Document = append([]byte{}, c.Document...)
	}
	b.feedMu.Lock()
	defer b.feedMu.Unlock()
	if len(b.feed) == 2*feedSize {
		// A new array: watchers may still read the old one, whose
		// elements never change.
		b.floor = b.feed[feedSize-1].Revision
		b.feed = append(make([]bucket.Change, 0, 2*feedSize), b.feed[feedSize:]...)
	}
	b.feed = append(b.feed, c)
	b.revision = c.Revision
	close(b.changed)
	b.changed = make(chan struct{})
}

// Watch implements [bucket.Backend]. It delivers the changes this process
// made, the only ones there are: after a restart, a revision before the
// start gets [bucket.ErrCompacted], as does one older than the last 4096
// changes.
func (b *Backend) Watch(ctx context.Context, after int64, fn func(bucket.Change)) error {
	for {
		b.feedMu.Lock()
		if after < b.floor {
			b.feedMu.Unlock()
			return bucket.ErrCompacted
		}
		var todo []bucket.Change
		for i, c := range b.feed {
			if c.Revision > after {
				todo = b.feed[i:len(b.feed):len(b.feed)]
				break
			}
		}
		changed := b.changed
		b.feedMu.Unlock()
		for _, c := range todo {
			fn(c)
			after = c.Revision
		}
		if len(todo) > 0 {
			continue
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
