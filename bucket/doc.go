// Package bucket gives a Go S3 server, emulator or gateway per-bucket CORS
// as Amazon S3 has it, in a few lines: a [Store] of compiled bucket
// configurations that [cors.Middleware] resolves policies from, and the
// bucket CORS API (PutBucketCors, GetBucketCors, DeleteBucketCors) with
// S3's exact answers, errors included.
//
// # Integration
//
// The server keeps its buckets; the Store asks it whether one exists. Route
// the ?cors sub-resource of a bucket to the Store, wrap everything in the
// CORS middleware, outside authentication (browsers never sign
// preflights), and drop a deleted bucket's configuration:
//
//	store := bucket.NewStore(backend.BucketExists)
//	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		if r.URL.Query().Has("cors") {
//			store.ServeHTTP(w, r) // PUT, GET, DELETE /bucket?cors
//			return
//		}
//		s3.ServeHTTP(w, r) // everything else, as before
//	})
//	http.ListenAndServe(addr, cors.Middleware(store)(authenticate(api)))
//
//	// In the server's DeleteBucket, after the bucket is gone:
//	store.Delete(name)
//
// Path-style URLs work as they are; see [WithLocator] for
// virtual-hosted-style ones. Package
// github.com/s3cors/s3cors/conformance checks the result against S3's
// recorded answers.
//
// # Keeping configurations
//
// S3 never forgets a configuration; a Store by itself keeps them in memory
// only. A server that embeds a Store without a [Backend] must put every
// bucket's configuration again each time it starts, from wherever it keeps
// them, before it serves requests; otherwise every bucket starts without
// CORS.
//
// With a Backend the Store keeps them itself. It writes every change
// through to the Backend, and PutBucketCors and DeleteBucketCors succeed
// only once the Backend has made the change durable; [Store.Sync] loads
// the Backend's configurations at start and follows the changes other
// processes make:
//
//	backend, err := boltstore.Open(dir) // github.com/s3cors/s3cors/bucket/boltstore
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer backend.Close()
//	store := bucket.NewStore(exists, bucket.WithBackend(backend))
//	go store.Sync(ctx)
//
// Until the first load is done the Store is not [Store.Ready]: the
// middleware, the ?cors API and [Store.Policy] answer with S3's 503
// ServiceUnavailable ([cors.Unavailable]), which clients retry, never as
// if a bucket had no configuration. A Backend shared by several processes
// (a fleet) makes a change made through one process reach the others as
// fast as its feed delivers it; each process answers from memory, so until
// then another process may answer with the previous configuration, and
// while its feed is broken, with what it held when it broke. Every change
// carries the Backend's revision, so no order of arrival makes a process
// keep an older configuration than one it has seen. A stored document that
// is not a valid configuration is reported ([WithErrorHandler],
// [DocumentError]) and the bucket is served without one.
//
// Package github.com/s3cors/s3cors/bucket/boltstore is the Backend for one
// process, on local disk: a change survives kill -9 and power loss once
// acknowledged.
//
// # Cost
//
// A configuration is compiled once, when it is put, and buckets with the
// same configuration share the compiled policy; a request costs the exists
// call, one map lookup under a read lock of one of 256 shards and the
// evaluation. Putting or deleting one bucket's configuration costs the
// same whatever the number of buckets. A bucket with a typical two-rule
// configuration of its own takes about 1.5 KB, so a million such buckets
// fit in under 1.5 GiB (BenchmarkStoreMemory); a million buckets
// sharing a hundred configurations take about 100 B each, name included
// (BenchmarkStoreMemoryShared).
package bucket
