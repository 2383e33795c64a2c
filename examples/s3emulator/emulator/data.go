package emulator

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
	bolt "go.etcd.io/bbolt"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/boltstore"
)

// objectsFile is the database of buckets and objects in a data directory;
// the CORS configurations are in boltstore's file beside it.
const objectsFile = "objects.db"

// WithObjects keeps buckets and objects in b instead of in memory.
func WithObjects(b gofakes3.Backend) Option {
	return func(s *settings) { s.objects = b }
}

// WithCORSBackend keeps the buckets' CORS configurations in b instead of in
// memory only. The emulator loads them when it starts, answering 503
// ServiceUnavailable to what depends on them until then, and follows b's
// changes until [Emulator.Close].
func WithCORSBackend(b bucket.Backend) Option {
	return func(s *settings) { s.corsBackend = b }
}

// Open returns an emulator that keeps its buckets, objects and CORS
// configurations in dir, creating it when needed, so that they survive a
// restart, kill -9 included: every acknowledged change is on disk
// (fsynced) before the answer. Only one process at a time may use dir; a
// second one is refused with an error that says which process holds it.
// Close the emulator to release dir.
func Open(dir string, opts ...Option) (*Emulator, error) {
	corsBackend, err := boltstore.Open(dir) // first: its lock refuses a second process clearly
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, objectsFile)
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		corsBackend.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	e := New(append(opts, WithObjects(s3bolt.New(db)), WithCORSBackend(corsBackend))...)
	e.closers = append(e.closers, corsBackend.Close, db.Close)
	return e, nil
}

// Close stops following the CORS backend and closes what [Open] opened. An
// emulator from [New] without options has nothing to close.
func (e *Emulator) Close() error {
	e.stopSync()
	var errs []error
	for _, c := range e.closers {
		errs = append(errs, c())
	}
	e.closers = nil
	return errors.Join(errs...)
}
