package boltstore_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/boltstore"
	"github.com/s3cors/s3cors/internal/procstat"
	"github.com/s3cors/s3cors/rule"
)

// typicalDoc is a two-rule configuration of the kind most buckets have,
// the i-th of its kind, in the form the Store writes.
func typicalDoc(i int) []byte {
	s := strconv.Itoa(i)
	c, err := rule.ParseXML([]byte(`<CORSConfiguration><CORSRule><AllowedOrigin>https://app` + s + `.example.com</AllowedOrigin>` +
		`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader>` +
		`<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>` +
		`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`))
	if err != nil {
		panic(err)
	}
	doc, _ := c.Encode(rule.FormXML)
	return doc
}

// fill writes n buckets into a new database in dir, with distinct
// configurations cycling through, in the Backend's format: large
// transactions, since a million fsynced Puts would take hours.
func fill(b *testing.B, dir string, n, distinct int) {
	b.Helper()
	be, err := boltstore.Open(dir) // creates the layout
	if err != nil {
		b.Fatal(err)
	}
	be.Close()
	db, err := bolt.Open(filepath.Join(dir, boltstore.DatabaseFile), 0o644, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	docs := make([][]byte, min(n, distinct))
	for i := range docs {
		docs[i] = typicalDoc(i)
	}
	const batch = 100000
	for start := 0; start < n; start += batch {
		err := db.Update(func(tx *bolt.Tx) error {
			configs := tx.Bucket([]byte("configurations"))
			configs.FillPercent = 1 // written in key order below, as a compaction would
			for i := start; i < min(start+batch, n); i++ {
				v := binary.BigEndian.AppendUint64(nil, uint64(i+1))
				if err := configs.Put([]byte(bucketName(i)), append(v, docs[i%len(docs)]...)); err != nil {
					return err
				}
			}
			return tx.Bucket([]byte("meta")).Put([]byte("revision"), binary.BigEndian.AppendUint64(nil, uint64(min(start+batch, n))))
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// bucketName is the i-th bucket's name; names sort as they are made.
func bucketName(i int) string {
	s := strconv.Itoa(i)
	return "bucket-" + strings.Repeat("0", 8-len(s)) + s
}

// BenchmarkColdStart measures how long a Store takes to open the directory
// and load a million buckets, until it is ready: with 100 distinct
// configurations among them, and with every one distinct. It reports the
// resident size of the process and its live heap after the load, the
// database closed, and the processor time the load took. The database is
// written before the timer starts. Run it once:
//
//	go test -run x -bench ColdStart -benchtime 1x ./...
//
// BOLTSTORE_BENCH_BUCKETS sets another number of buckets.
func BenchmarkColdStart(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("BOLTSTORE_BENCH_BUCKETS")); err == nil {
		n = v
	}
	for _, distinct := range []int{100, n} {
		name := "buckets=" + strconv.Itoa(n) + "/distinct=" + strconv.Itoa(distinct)
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			fill(b, dir, n, distinct)
			runtime.GC()
			debug.FreeOSMemory()
			b.ResetTimer()
			var elapsed, cpu time.Duration
			for range b.N {
				start, startCPU := time.Now(), procstat.CPUTime()
				be, err := boltstore.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				store := bucket.NewStore(func(string) bool { return true }, bucket.WithBackend(be))
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { store.Sync(ctx); close(done) }()
				for !store.Ready() {
					time.Sleep(100 * time.Microsecond)
				}
				elapsed += time.Since(start)
				cpu += procstat.CPUTime() - startCPU
				b.StopTimer()
				if store.Get(bucketName(n-1)) == nil {
					b.Fatal("the last bucket was not loaded")
				}
				cancel()
				<-done
				be.Close() // unmaps the database, whose pages would count
				runtime.GC()
				debug.FreeOSMemory()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				b.ReportMetric(float64(procstat.ResidentBytes())/(1<<20), "MiB-resident")
				b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MiB-heap")
				runtime.KeepAlive(store)
				b.StartTimer()
			}
			b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/load")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/load")
		})
	}
}

// BenchmarkPut measures the latency of Store.Put through the Backend, one
// Put at a time, each fsynced before it returns, among 10 000 buckets; it
// reports the median and the 99th percentile.
//
//	go test -run x -bench 'Put$' -benchtime 2000x ./...
func BenchmarkPut(b *testing.B) {
	dir := b.TempDir()
	fill(b, dir, 10000, 100)
	be, err := boltstore.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	store := bucket.NewStore(func(string) bool { return true }, bucket.WithBackend(be))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go store.Sync(ctx)
	for !store.Ready() {
		time.Sleep(time.Millisecond)
	}
	configs := make([]*rule.Configuration, 100)
	for i := range configs {
		configs[i], _ = rule.ParseXML(typicalDoc(i))
	}
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if err := store.Put(bucketName(i%10000), configs[i%len(configs)]); err != nil {
			b.Fatal(err)
		}
		latencies = append(latencies, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "ms-p99")
}
