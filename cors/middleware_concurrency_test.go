package cors_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3cors/s3cors/cors"
)

// mwAnswer is the part of a response that CORS decides, in a comparable
// form.
type mwAnswer struct {
	status  int
	headers string // sorted "Name: value" lines of the CORS-related fields
	code    string // error document Code
}

// mwAnswerNames are the fields compared by mwAnswerOf.
var mwAnswerNames = append([]string{"Content-Type", "Connection"}, mwCORSNames...)

func mwAnswerOf(resp *http.Response, body []byte) mwAnswer {
	var lines []string
	for _, name := range mwAnswerNames {
		for _, v := range resp.Header.Values(name) {
			if name == "Content-Type" && !strings.Contains(v, "xml") {
				continue // the inner handler's text/plain
			}
			lines = append(lines, name+": "+v)
		}
	}
	sort.Strings(lines)
	a := mwAnswer{status: resp.StatusCode, headers: strings.Join(lines, "\n")}
	if d, err := mwDecodeError(body); err == nil {
		a.code = d.Code
	}
	return a
}

// mwExpected computes with Policy.Evaluate the answer the middleware must
// give to r under p, the inner handler answering 200.
func mwExpected(p *cors.Policy, r *http.Request, target cors.Target) mwAnswer {
	req := cors.Request{
		Method:         r.Method,
		Origin:         r.Header.Get("Origin"),
		RequestMethod:  r.Header.Get("Access-Control-Request-Method"),
		RequestHeaders: r.Header.Values("Access-Control-Request-Headers"),
		Target:         target,
	}
	res := p.Evaluate(req)
	var lines []string
	for name, value := range res.Headers() {
		lines = append(lines, name+": "+value)
	}
	if res.Status == http.StatusBadRequest && r.ProtoMajor == 1 {
		lines = append(lines, "Connection: close") // D13
	}
	sort.Strings(lines)
	a := mwAnswer{status: res.Status, headers: strings.Join(lines, "\n"), code: res.Error.Code}
	if !res.Preflight {
		a.status = http.StatusOK
	}
	return a
}

// TestMiddlewareConcurrentSwap sends preflights and actual requests from
// several goroutines while another replaces the policy every millisecond
// through an atomic.Pointer. Every answer must be the one of either policy,
// never a mixture. Run it with -race.
func TestMiddlewareConcurrentSwap(t *testing.T) {
	pA := mwPolicy(t, `{"CORSRules": [
		{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["content-type"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 100},
		{"AllowedOrigins": ["*"], "AllowedMethods": ["HEAD"]}]}`)
	pB := mwPolicy(t, `{"CORSRules": [
		{"AllowedOrigins": ["https://b.example", "https://*.a.example"], "AllowedMethods": ["GET", "POST", "DELETE"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 200},
		{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["PUT"], "ExposeHeaders": ["x-amz-version-id"]}]}`)

	var current atomic.Pointer[cors.Policy]
	current.Store(pA)
	h := cors.Middleware(cors.ResolverFunc(func(r *http.Request) (*cors.Policy, cors.Target) {
		return current.Load(), cors.TargetObject
	}))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") != "" {
			w.Header().Set("Access-Control-Allow-Origin", "*") // must never leak through
		}
		io.WriteString(w, "ok")
	}))

	reqs := []*http.Request{
		mwRequest("OPTIONS", "/k", "Origin", "https://a.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "Content-Type"),
		mwRequest("OPTIONS", "/k", "Origin", "https://b.example", "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "X-Foo"),
		mwRequest("OPTIONS", "/k", "Origin", "https://x.a.example", "Access-Control-Request-Method", "HEAD"),
		mwRequest("OPTIONS", "/k", "Origin", "https://a.example"),
		mwRequest("GET", "/k", "Origin", "https://a.example"),
		mwRequest("GET", "/k", "Origin", "https://b.example"),
		mwRequest("PUT", "/k", "Origin", "https://a.example"),
		mwRequest("GET", "/k"),
	}
	type expect struct{ a, b mwAnswer }
	want := make([]expect, len(reqs))
	differ := 0
	for i, r := range reqs {
		want[i] = expect{mwExpected(pA, r, cors.TargetObject), mwExpected(pB, r, cors.TargetObject)}
		if want[i].a != want[i].b {
			differ++
		}
	}
	if differ < len(reqs)-2 {
		t.Fatalf("only %d of %d requests tell the policies apart", differ, len(reqs))
	}

	workers, perWorker := 8, 1000
	if testing.Short() {
		perWorker = 200
	}
	stop := make(chan struct{})
	var swaps atomic.Int64
	var swapper sync.WaitGroup
	swapper.Add(1)
	go func() {
		defer swapper.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if current.Load() == pA {
					current.Store(pB)
				} else {
					current.Store(pA)
				}
				swaps.Add(1)
			}
		}
	}()

	var sawA, sawB, failures atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perWorker {
				i := (w + n) % len(reqs)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, reqs[i].Clone(reqs[i].Context()))
				resp := rec.Result()
				body, _ := io.ReadAll(resp.Body)
				got := mwAnswerOf(resp, body)
				switch {
				case got == want[i].a && got == want[i].b:
				case got == want[i].a:
					sawA.Add(1)
				case got == want[i].b:
					sawB.Add(1)
				default:
					if failures.Add(1) <= 5 {
						t.Errorf("request %d: got %s\nwant A %s\nor B %s", i, mwFormat(got), mwFormat(want[i].a), mwFormat(want[i].b))
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	swapper.Wait()
	t.Logf("%d requests, %d swaps, %d answers by policy A, %d by policy B, %d wrong",
		workers*perWorker, swaps.Load(), sawA.Load(), sawB.Load(), failures.Load())
	if failures.Load() > 0 {
		t.Fatalf("%d inconsistent answers", failures.Load())
	}
}

func mwFormat(a mwAnswer) string {
	return fmt.Sprintf("{%d %s [%s]}", a.status, a.code, strings.ReplaceAll(a.headers, "\n", "; "))
}
