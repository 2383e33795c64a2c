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
// virtual-hosted-style ones. As on S3, PutBucketCors requires Content-MD5
// or a flexible checksum header (the SDKs and the CLI send one);
// [WithOptionalDigests] relaxes that for simple clients.
//
// A server that does not use net/http performs the same API with
// [Store.PutBucketCors], [Store.GetBucketCors] and [Store.DeleteBucketCors]
// and writes the [Reply] itself, and evaluates requests with
// [Store.Policy]. Package
// github.com/s3cors/s3cors/conformance checks the result against S3's
// recorded answers.
//
// # Cost
//
// A configuration is compiled once, when it is put; a request costs the
// exists call, one concurrent-map lookup and the evaluation. Putting or
// deleting one bucket's configuration costs the same whatever the number of
// buckets. A typical two-rule configuration takes about 1.1 KB, so a
// million buckets fit in well under 2 GiB (BenchmarkStoreMemory).
//
// Identifiers such as P5, H7 or D13 in this package's documentation name
// the behaviours of Amazon S3 described, with their evidence, in
// docs/behaviour.md in the repository.
package bucket
