package bucket_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/procstat"
	"github.com/s3cors/s3cors/rule"
)

func mustParse(t testing.TB, doc string) *rule.Configuration {
	t.Helper()
	c, err := rule.Parse([]byte(doc))
	require.NoError(t, err)
	return c
}

// TestResolve checks the policies the Store gives the middleware: P2/R6
// for a missing bucket, P3/R2 without configuration, W3 for the service
// endpoint, and the target of path-style URLs.
func TestResolve(t *testing.T) {
	t.Parallel()
	b := newBuckets("photos", "empty")
	store := bucket.NewStore(b.exists)
	require.NoError(t, store.Put("photos", mustParse(t, validXML("*"))))
	tests := []struct {
		path   string
		policy string // "config", "nil", "missing"
		target cors.Target
	}{
		{"/photos/a/b.jpg", "config", cors.TargetObject},
		{"/photos", "config", cors.TargetBucket},
		{"/photos/", "config", cors.TargetBucket},
		{"/empty/key", "nil", cors.TargetObject},
		{"/gone/key", "missing", cors.TargetObject},
		{"/", "nil", cors.TargetBucket},
	}
	for _, tc := range tests {
		p, target := store.ResolveCORS(httptest.NewRequest("GET", tc.path, nil))
		switch tc.policy {
		case "config":
			assert.NotNil(t, p.Configuration(), tc.path)
		case "nil":
			assert.Nil(t, p, tc.path)
		case "missing":
			assert.Same(t, cors.MissingBucket(), p, tc.path)
		}
		assert.Equal(t, tc.target, target, tc.path)
	}
	assert.NotNil(t, store.Policy("photos").Configuration())
	assert.Nil(t, store.Policy("empty"))
	assert.Same(t, cors.MissingBucket(), store.Policy("gone"))
}

// TestLocator checks a virtual-hosted-style server.
func TestLocator(t *testing.T) {
	t.Parallel()
	store := bucket.NewStore(newBuckets("photos").exists, bucket.WithLocator(func(r *http.Request) (string, cors.Target, bool) {
		name, ok := strings.CutSuffix(r.Host, ".s3.example")
		if !ok {
			return "", cors.TargetBucket, false
		}
		if r.URL.Path == "/" {
			return name, cors.TargetBucket, true
		}
		return name, cors.TargetObject, true
	}))
	require.NoError(t, store.Put("photos", mustParse(t, validXML("*"))))
	req := httptest.NewRequest("GET", "http://photos.s3.example/key", nil)
	p, target := store.ResolveCORS(req)
	assert.NotNil(t, p.Configuration())
	assert.Equal(t, cors.TargetObject, target)
	rec := httptest.NewRecorder()
	store.ServeHTTP(rec, httptest.NewRequest("GET", "http://photos.s3.example/?cors", nil))
	assert.Equal(t, 200, rec.Code)
}

func TestPutRefusesInvalid(t *testing.T) {
	t.Parallel()
	store := bucket.NewStore(newBuckets("photos").exists)
	err := store.Put("photos", &rule.Configuration{})
	var e *rule.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, rule.CodeMalformedXML, e.Code)
	assert.Nil(t, store.Get("photos"))
	assert.ErrorContains(t, store.Put("photos", nil), "use Delete")
	assert.Panics(t, func() { bucket.NewStore(nil) })
}

// TestPutRacingDeleteBucket checks that a PutBucketCors racing the
// bucket's deletion never leaves a configuration behind.
func TestPutRacingDeleteBucket(t *testing.T) {
	t.Parallel()
	b := newBuckets()
	store := bucket.NewStore(b.exists)
	rounds := 2000
	if testing.Short() {
		rounds = 200
	}
	for i := range rounds {
		name := "b" + strconv.Itoa(i)
		b.create(name)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			store.ServeHTTP(rec, httptest.NewRequest("PUT", "/"+name+"?cors", strings.NewReader(validXML("*"))))
		}()
		go func() {
			defer wg.Done()
			b.remove(name)     // the server's DeleteBucket: the bucket first,
			store.Delete(name) // then its configuration
		}()
		wg.Wait()
		require.Nil(t, store.Get(name), "round %d: a configuration survived its bucket", i)
	}
}

// TestNoMixedConfigurations puts and deletes configurations while requests
// flow through the middleware: every answer is that of one configuration
// (or of none), never a mixture.
func TestNoMixedConfigurations(t *testing.T) {
	t.Parallel()
	b := newBuckets("photos")
	store := bucket.NewStore(b.exists)
	configs := []*rule.Configuration{
		mustParse(t, `[{"AllowedOrigins":["https://a.example"],"AllowedMethods":["GET"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":10}]`),
		mustParse(t, `[{"AllowedOrigins":["*"],"AllowedMethods":["GET","PUT"],"MaxAgeSeconds":20}]`),
	}
	// The answers each state allows, from Evaluate.
	req := cors.Request{Method: "GET", Origin: "https://a.example"}
	allowed := map[string]bool{"": true} // no configuration: no headers
	for _, c := range configs {
		allowed[answerKey(cors.MustCompile(c).Evaluate(req).Headers())] = true
	}
	h := cors.Middleware(store)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	stop := make(chan struct{})
	var writer sync.WaitGroup
	writer.Add(1)
	go func() {
		defer writer.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%3 == 2 {
				store.Delete("photos")
			} else {
				_ = store.Put("photos", configs[i%2])
			}
		}
	}()
	var bad atomic.Int64
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for range 5000 {
				rec := httptest.NewRecorder()
				r := httptest.NewRequest("GET", "/photos/key", nil)
				r.Header.Set("Origin", "https://a.example")
				h.ServeHTTP(rec, r)
				if !allowed[headerKey(rec.Header())] {
					bad.Add(1)
				}
			}
		}()
	}
	readers.Wait()
	close(stop)
	writer.Wait()
	assert.Zero(t, bad.Load(), "answers mixing two configurations")
}

var corsFields = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Credentials", "Vary"}

func answerKey(headers func(func(string, string) bool)) string {
	h := http.Header{}
	for name, value := range headers {
		h.Set(name, value)
	}
	return headerKey(h)
}

func headerKey(h http.Header) string {
	var s strings.Builder
	for _, name := range corsFields {
		if v := h.Values(name); len(v) > 0 {
			s.WriteString(name + ": " + strings.Join(v, "|") + "\n")
		}
	}
	return s.String()
}

// typicalConfig is a two-rule configuration of the kind most buckets
// have, different for every bucket.
func typicalConfig(i int) []byte {
	s := strconv.Itoa(i)
	return []byte(`<CORSConfiguration><CORSRule><AllowedOrigin>https://app` + s + `.example.com</AllowedOrigin>` +
		`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader>` +
		`<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>` +
		`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)
}

// BenchmarkStoreMemory puts b.N different typical configurations, each
// into its own bucket, as PutBucketCors does (parse, compile, store), and
// reports the heap each bucket keeps and what a million buckets would
// take. Run it with a fixed count for a stable figure:
//
//	go test -run x -bench StoreMemory -benchtime 200000x ./bucket
func BenchmarkStoreMemory(b *testing.B) {
	store := bucket.NewStore(func(string) bool { return true })
	docs := make([][]byte, b.N)
	names := make([]string, b.N)
	for i := range docs {
		docs[i], names[i] = typicalConfig(i), "bucket-"+strconv.Itoa(i)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := rule.ParseXML(docs[i])
		if err != nil {
			b.Fatal(err)
		}
		if err := store.Put(names[i], c); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	perBucket := float64(after.HeapAlloc-before.HeapAlloc) / float64(b.N)
	b.ReportMetric(perBucket, "B/bucket")
	b.ReportMetric(perBucket*1e6/(1<<20), "MiB/1M-buckets")
	runtime.KeepAlive(store)
	runtime.KeepAlive(docs) // freed before the count, they would be subtracted from it
	runtime.KeepAlive(names)
}

// BenchmarkStoreMemoryShared puts b.N buckets that share 100 distinct
// typical configurations, as PutBucketCors does, and reports the heap each
// bucket keeps, its name included, and the resident size of the whole
// process at the end, once the garbage is returned to the system. Run it with a million buckets:
//
//	go test -run x -bench StoreMemoryShared -benchtime 1000000x ./bucket
func BenchmarkStoreMemoryShared(b *testing.B) {
	store := bucket.NewStore(func(string) bool { return true })
	const distinct = 100
	docs := make([][]byte, distinct)
	for i := range docs {
		docs[i] = typicalConfig(i)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := rule.ParseXML(docs[i%distinct])
		if err != nil {
			b.Fatal(err)
		}
		if err := store.Put("bucket-"+strconv.Itoa(i), c); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	perBucket := float64(after.HeapAlloc-before.HeapAlloc) / float64(b.N)
	b.ReportMetric(perBucket, "B/bucket")
	b.ReportMetric(perBucket*1e6/(1<<20), "MiB/1M-buckets")
	debug.FreeOSMemory() // resident: what the heap holds, not the garbage of parsing
	b.ReportMetric(float64(procstat.ResidentBytes())/(1<<20), "MiB-resident")
	runtime.KeepAlive(store)
}

// BenchmarkStorePut measures putting and deleting one bucket's
// configuration among 1 000 and among 100 000 others: the cost does not
// depend on the number of buckets.
func BenchmarkStorePut(b *testing.B) {
	c, err := rule.ParseXML(typicalConfig(0))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, 100000} {
		b.Run("buckets="+strconv.Itoa(n), func(b *testing.B) {
			store := bucket.NewStore(func(string) bool { return true })
			for i := range n {
				if err := store.Put("bucket-"+strconv.Itoa(i), c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := store.Put("bucket-7", c); err != nil {
					b.Fatal(err)
				}
				store.Delete("bucket-7")
			}
		})
	}
}

// BenchmarkResolve measures the Store's part of every request.
func BenchmarkResolve(b *testing.B) {
	store := bucket.NewStore(func(string) bool { return true })
	c, err := rule.ParseXML(typicalConfig(0))
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100000 {
		if err := store.Put("bucket-"+strconv.Itoa(i), c); err != nil {
			b.Fatal(err)
		}
	}
	r := httptest.NewRequest("GET", "/bucket-4242/photo.jpg", nil)
	b.ReportAllocs()
	for b.Loop() {
		if p, _ := store.ResolveCORS(r); p == nil {
			b.Fatal("no policy")
		}
	}
}
