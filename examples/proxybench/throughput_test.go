package proxybench

import (
	"bytes"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/s3cors/s3cors/internal/procstat"
)

// parallelism sets how many requests are in flight at once: the
// benchmarks run parallelism × GOMAXPROCS clients.
const parallelism = 4

// BenchmarkProxy sends GETs of 1 KiB, PUTs of 1 MiB and preflights, all
// from an allowed origin, through a plain httputil.ReverseProxy, through
// one that reuses its buffers (pooled) and through the s3cors proxy, to
// the same upstream on loopback. Besides ns/op (wall
// time per request, all clients together) it reports requests per second,
// the 50th and 99th percentile of each request's latency, and the CPU time
// the process spent per request (cpu-ns/op). Client, proxy and upstream all
// run in the process, and the client and upstream do the same work whichever
// proxy is measured, so the CPU time per request compares the proxies' costs
// even when other processes take turns on the machine's cores, which makes
// wall-clock rates swing.
//
// Compare the proxies within one run:
//
//	go test -c -o proxybench.test ./proxybench
//	for i in $(seq 10); do ./proxybench.test -test.run '^$' -test.bench 'Proxy$'; done | tee bench.txt
//	benchstat -col /proxy bench.txt
//
// (a loop rather than -count, so that the proxies take turns and share
// whatever else the machine is doing).
func BenchmarkProxy(b *testing.B) {
	r := newRig(b)
	body := bytes.Repeat([]byte{'x'}, 1<<20)
	for _, o := range ops {
		for _, t := range []struct{ name, base string }{{"plain", r.plain}, {"pooled", r.pooled}, {"s3cors", r.s3cors}} {
			b.Run(o.name+"/proxy="+t.name, func(b *testing.B) {
				c := newClient()
				defer c.CloseIdleConnections()
				// A first request opens a connection and, through the
				// s3cors proxy, learns that the bucket exists.
				if err := o.do(b.Context(), c, t.base, body); err != nil {
					b.Fatal(err)
				}
				var lat latencies
				b.SetBytes(o.bytes)
				b.SetParallelism(parallelism)
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := procstat.CPUTime()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					mine := make([]time.Duration, 0, 1024)
					for pb.Next() {
						t0 := time.Now()
						if err := o.do(b.Context(), c, t.base, body); err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, time.Since(t0))
					}
					lat.add(mine)
				})
				elapsed := time.Since(start)
				cpu := procstat.CPUTime() - cpu0
				b.StopTimer()
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
				b.ReportMetric(float64(lat.quantile(0.50).Nanoseconds())/1e3, "p50-µs")
				b.ReportMetric(float64(lat.quantile(0.99).Nanoseconds())/1e3, "p99-µs")
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// latencies collects the durations of the requests of all clients.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d...)
	l.mu.Unlock()
}

// quantile returns the q-quantile (nearest rank), 0 with no durations.
func (l *latencies) quantile(q float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	slices.Sort(l.d)
	i := int(q*float64(len(l.d))+0.5) - 1
	return l.d[min(max(i, 0), len(l.d)-1)]
}

// TestOps checks that every request of the benchmark gets the answer it
// expects through both proxies, and that the s3cors proxy, not the
// upstream, decided the CORS fields (R2, P4).
func TestOps(t *testing.T) {
	r := newRig(t)
	c := newClient()
	defer c.CloseIdleConnections()
	body := bytes.Repeat([]byte{'x'}, 1<<20)
	for _, o := range ops {
		for _, base := range []string{r.plain, r.pooled, r.s3cors} {
			if err := o.do(t.Context(), c, base, body); err != nil {
				t.Errorf("%s through %s: %v", o.name, base, err)
			}
		}
	}

	// The upstream's "Access-Control-Allow-Origin: *" does not pass the
	// s3cors proxy: the origin allowed by the rule does, once.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, r.s3cors+"/"+bucketName+"/"+smallKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Values("Access-Control-Allow-Origin"); len(got) != 1 || got[0] != origin {
		t.Errorf("Access-Control-Allow-Origin through the s3cors proxy: %q, want [%q]", got, origin)
	}
	if got := res.Header.Values("Access-Control-Expose-Headers"); len(got) != 1 || got[0] != "ETag" {
		t.Errorf("Access-Control-Expose-Headers through the s3cors proxy: %q, want [ETag]", got)
	}
}
