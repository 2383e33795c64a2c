package etcdstore_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/etcdstore"
	"github.com/s3cors/s3cors/bucket/etcdstore/internal/etcdtest"
)

// TestColdStartScale measures a node's cold start from etcd: a Store on
// the Backend, from Sync until Ready, over S3CORS_ETCD_BUCKETS buckets
// (for example 1000000) sharing 100 distinct configurations. It is not run
// unless that variable is set; the member runs in the test's process,
// without fsync while the buckets are written. S3CORS_ETCD_PAGES=1 reads
// pages, as from servers before etcd 3.7.
func TestColdStartScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("S3CORS_ETCD_BUCKETS"))
	if n <= 0 {
		t.Skip("set S3CORS_ETCD_BUCKETS to the number of buckets, e.g. 1000000")
	}
	members, err := etcdtest.Cluster(t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	members[0].NoFsync = true
	e, err := etcdtest.Start(members[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	client := etcdtest.Client(t, members[0].Endpoint())

	docs := make([]string, 100)
	for i := range docs {
		docs[i] = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedOrigin>https://app-%d.example.com</AllowedOrigin><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`, i)
	}
	start := time.Now()
	const batch = 1000
	for i := 0; i < n; i += batch {
		var ops []clientv3.Op
		for j := i; j < min(i+batch, n); j++ {
			ops = append(ops, clientv3.OpPut(etcdstore.DefaultPrefix+fmt.Sprintf("bucket-%07d", j), docs[j%len(docs)]))
		}
		if _, err := client.Txn(t.Context()).Then(ops...).Commit(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("wrote %d configurations in %v", n, time.Since(start))

	pageSize, _ := strconv.Atoi(os.Getenv("S3CORS_ETCD_PAGE"))
	opts := []etcdstore.Option{etcdstore.WithPageSize(pageSize)}
	if os.Getenv("S3CORS_ETCD_PAGES") != "" {
		opts = append(opts, etcdstore.WithoutStream()) // as from servers before 3.7
	}
	backend := etcdstore.New(client, opts...)
	start = time.Now()
	count := 0
	if _, err := backend.Load(t.Context(), func(bucket.Change) error { count++; return nil }); err != nil {
		t.Fatal(err)
	}
	t.Logf("Backend.Load of %d configurations: %v", count, time.Since(start))
	if count != n {
		t.Fatalf("loaded %d configurations; want %d", count, n)
	}

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	store := bucket.NewStore(func(string) bool { return true }, bucket.WithBackend(backend))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	start = time.Now()
	go func() { done <- store.Sync(ctx) }()
	for !store.Ready() {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("cold start of a Store with %d buckets from etcd (Sync until Ready): %v; heap %d MB",
		n, elapsed, (after.HeapInuse-before.HeapInuse)>>20)
	if store.Get(fmt.Sprintf("bucket-%07d", n-1)) == nil {
		t.Error("the last bucket has no configuration")
	}
	cancel()
	<-done
	if elapsed > 30*time.Second {
		t.Errorf("cold start took %v; the goal is at most 30 s", elapsed)
	}
}
