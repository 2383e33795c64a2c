package boltstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/boltstore"
	"github.com/s3cors/s3cors/rule"
)

// A Store on a directory keeps what PutBucketCors acknowledged across a
// restart of the process.
func Example() {
	dir, err := os.MkdirTemp("", "cors")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	exists := func(string) bool { return true } // the server's buckets

	// start opens the directory and loads it into a Store, as a server
	// does when it starts.
	start := func() (*bucket.Store, func()) {
		backend, err := boltstore.Open(dir)
		if err != nil {
			log.Fatal(err)
		}
		store := bucket.NewStore(exists, bucket.WithBackend(backend))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { store.Sync(ctx); close(done) }()
		for !store.Ready() {
			time.Sleep(time.Millisecond)
		}
		return store, func() { cancel(); <-done; backend.Close() }
	}

	store, stop := start()
	c, err := rule.ParseXML([]byte(`<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`))
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Put("photos", c); err != nil { // on disk when Put returns
		log.Fatal(err)
	}
	stop()

	store, stop = start()
	defer stop()
	fmt.Println(store.Get("photos").Rules[0].AllowedOrigins)
	// Output: [https://app.example]
}
