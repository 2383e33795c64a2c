package proxybench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkStream1GiB streams one object of 1 GiB through the s3cors proxy,
// up (PUT) and down (GET), and reports how far the heap and the resident
// set grew above where they were before the transfer began: client,
// proxy and upstream all run in this process, so a proxy that buffered the
// object would grow them by a gibibyte.
//
//	go test -run '^$' -bench Stream1GiB -benchtime 1x -count 3 ./proxybench
func BenchmarkStream1GiB(b *testing.B) {
	r := newRig(b)
	for _, dir := range []string{"PUT", "GET"} {
		b.Run(dir, func(b *testing.B) {
			b.SetBytes(1 << 30)
			var heap, rss uint64
			for b.Loop() {
				g, err := streamGrowth(b.Context(), r.s3cors, dir, 1<<30)
				if err != nil {
					b.Fatal(err)
				}
				heap, rss = max(heap, g.heap), max(rss, g.rss)
			}
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-growth-MiB")
			b.ReportMetric(float64(rss)/(1<<20), "peak-rss-growth-MiB")
		})
	}
}

// TestStreamsInConstantMemory streams 64 MiB through the s3cors proxy each
// way: the heap must not grow by more than a quarter of that, which a proxy
// that held the body (or a part of it that grows with it) would exceed.
func TestStreamsInConstantMemory(t *testing.T) {
	const size = 64 << 20
	r := newRig(t)
	for _, dir := range []string{"PUT", "GET"} {
		g, err := streamGrowth(t.Context(), r.s3cors, dir, size)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s of %d MiB: heap grew by at most %.1f MiB, resident set by %.1f MiB", dir, size>>20, float64(g.heap)/(1<<20), float64(g.rss)/(1<<20))
		if g.heap > size/4 {
			t.Errorf("%s of %d MiB: the heap grew by %.1f MiB while it streamed, want less than %d MiB", dir, size>>20, float64(g.heap)/(1<<20), size/4>>20)
		}
	}
}

// growth is how far memory rose above its level at the start of a transfer.
type growth struct{ heap, rss uint64 }

// streamGrowth moves size bytes through the proxy at base, as a PUT of a
// generated body or a GET of a generated object, while it samples the heap
// and the resident set every millisecond.
func streamGrowth(ctx context.Context, base, dir string, size int64) (growth, error) {
	runtime.GC()
	heap0, rss0 := heapBytes(), rssBytes()
	var g growth
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if h := heapBytes(); h > heap0 {
				g.heap = max(g.heap, h-heap0)
			}
			if r := rssBytes(); r > rss0 {
				g.rss = max(g.rss, r-rss0)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	err := stream(ctx, base, dir, size)
	close(stop)
	wg.Wait()
	return g, err
}

func stream(ctx context.Context, base, dir string, size int64) error {
	c := newClient()
	defer c.CloseIdleConnections()
	var req *http.Request
	var err error
	if dir == "PUT" {
		req, err = http.NewRequestWithContext(ctx, http.MethodPut, base+"/"+bucketName+"/"+uploadKey, io.LimitReader(pattern{}, size))
		if req != nil {
			req.ContentLength = size
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+"/"+bucketName+"/"+streamKey+"?size="+strconv.FormatInt(size, 10), nil)
	}
	if err != nil {
		return err
	}
	req.Header.Set("Origin", origin)
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	switch {
	case err != nil:
		return err
	case res.StatusCode != http.StatusOK:
		return fmt.Errorf("%s: %s", dir, res.Status)
	case dir == "GET" && n != size:
		return fmt.Errorf("GET: %d bytes, want %d", n, size)
	case res.Header.Get("Access-Control-Allow-Origin") != origin:
		return fmt.Errorf("%s: Access-Control-Allow-Origin %q, want %q", dir, res.Header.Get("Access-Control-Allow-Origin"), origin)
	}
	return nil
}

// pattern is an endless body that costs no memory.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

var heapMu sync.Mutex

// heapBytes is the memory taken by heap objects, live or not yet swept.
func heapBytes() uint64 {
	heapMu.Lock()
	defer heapMu.Unlock()
	metrics.Read(heapSample)
	return heapSample[0].Value.Uint64()
}

// rssBytes is the process's resident set, 0 where /proc is not there.
func rssBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}
