package etcdstore_test

import (
	"context"
	"log"
	"net/http"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/etcdstore"
	"github.com/s3cors/s3cors/cors"
)

// A gateway of a fleet: its Store loads the configurations from etcd,
// follows every change made through any node, and writes its own through.
func ExampleNew() {
	client, err := clientv3.New(etcdstore.ClientConfig([]string{"127.0.0.1:2379"}))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	bucketExists := func(name string) bool { return true } // the server's own
	store := bucket.NewStore(bucketExists, bucket.WithBackend(etcdstore.New(client)))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go store.Sync(ctx) // until it has loaded, CORS requests get 503

	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("cors") {
			store.ServeHTTP(w, r)
			return
		}
		// ... the server's S3 API
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:9000", cors.Middleware(store)(api)))
}
