package conformance_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/cors"
)

// An S3 server gets per-bucket CORS from package bucket and checks it
// against S3's recorded answers.
func ExampleCheck() {
	var buckets sync.Map // the server's own buckets
	store := bucket.NewStore(func(name string) bool { _, ok := buckets.Load(name); return ok })
	s3 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		switch {
		case key == "" && r.URL.Query().Has("cors"):
			store.ServeHTTP(w, r) // PutBucketCors, GetBucketCors, DeleteBucketCors
		case key == "" && r.Method == http.MethodPut:
			buckets.Store(name, true) // CreateBucket
		default:
			http.NotFound(w, r) // the rest of the S3 API
		}
	})
	server := cors.Middleware(store)(s3)

	report, err := conformance.Check(context.Background(), conformance.Target{Handler: server})
	if err != nil {
		panic(err)
	}
	fmt.Println(report)
	// Output: vectors: 198 passed, 0 failed, 10 skipped
}
