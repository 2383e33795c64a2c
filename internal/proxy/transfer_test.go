package proxy

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestStreamsBothWays checks that bodies are not buffered: the upstream
// gets the first part of an upload before the client sends the rest, and
// the client gets the first part of a download before the upstream sends
// the rest.
func TestStreamsBothWays(t *testing.T) {
	gotFirst := make(chan struct{})
	sendRest := make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 5)
		if _, err := io.ReadFull(r.Body, buf); err != nil || string(buf) != "first" {
			t.Errorf("upstream read %q, %v", buf, err)
			return
		}
		close(gotFirst)
		rest, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, "head:"+string(rest))
		http.NewResponseController(w).Flush()
		<-sendRest
		_, _ = io.WriteString(w, ":tail")
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)

	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/photos/big", pr)
	done := make(chan *http.Response, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			close(done)
			return
		}
		done <- res
	}()
	_, _ = io.WriteString(pw, "first")
	select {
	case <-gotFirst:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream did not get the first part of the upload while the client held the rest")
	}
	_, _ = io.WriteString(pw, "-second")
	pw.Close()
	res := <-done
	if res == nil {
		return
	}
	defer res.Body.Close()
	buf := make([]byte, len("head:-second"))
	if _, err := io.ReadFull(res.Body, buf); err != nil || string(buf) != "head:-second" {
		t.Fatalf("first part of the download: %q, %v", buf, err)
	}
	close(sendRest)
	rest, _ := io.ReadAll(res.Body)
	if string(rest) != ":tail" {
		t.Errorf("rest of the download: %q", rest)
	}
}

// TestExpectContinue checks that a client waiting for 100 Continue sends
// no body when the upstream refuses the request, and sends it when the
// upstream reads it.
func TestExpectContinue(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/refused") {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 10 * time.Second}}
	defer client.CloseIdleConnections()
	for _, tt := range []struct {
		path   string
		status int
		read   bool
	}{{"/photos/refused", 403, false}, {"/photos/accepted", 200, true}} {
		var read atomic.Bool
		body := &flagReader{r: strings.NewReader("payload"), read: &read}
		req, _ := http.NewRequest(http.MethodPut, srv.URL+tt.path, body)
		req.ContentLength = int64(len("payload"))
		req.Header.Set("Expect", "100-continue")
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.status || read.Load() != tt.read || time.Since(start) > 5*time.Second {
			t.Errorf("%s: %d %q, body sent %v, after %v; want %d, body sent %v, at once", tt.path, res.StatusCode, got, read.Load(), time.Since(start), tt.status, tt.read)
		}
	}
}

type flagReader struct {
	r    io.Reader
	read *atomic.Bool
}

func (f *flagReader) Read(p []byte) (int, error) {
	f.read.Store(true)
	return f.r.Read(p)
}

// TestRequestTrailerPassesThrough checks that the trailer of a chunked
// upload reaches the upstream.
func TestRequestTrailerPassesThrough(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Got-Trailer", r.Trailer.Get("X-Amz-Checksum-Crc32"))
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/photos/x", pr)
	req.Trailer = http.Header{"X-Amz-Checksum-Crc32": nil}
	go func() {
		_, _ = io.WriteString(pw, "data")
		req.Trailer.Set("X-Amz-Checksum-Crc32", "AAAAAA==")
		pw.Close()
	}()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("X-Got-Trailer"); got != "AAAAAA==" {
		t.Errorf("the upstream got trailer %q, want AAAAAA==", got)
	}
}

// TestKeepAliveToUpstream checks that requests reuse connections to the
// upstream.
func TestKeepAliveToUpstream(t *testing.T) {
	var conns atomic.Int64
	upstream := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	upstream.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	upstream.Start()
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	for range 20 {
		do(t, request{method: http.MethodGet, url: srv.URL + "/photos/x"})
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections to the upstream for 20 sequential requests, want 1", n)
	}
}

// TestUpstreamFailures checks the answers for an upstream that is down,
// slow or broken: S3's XML error form with the bucket's CORS fields, and
// preflights of known buckets still answered.
func TestUpstreamFailures(t *testing.T) {
	origin := map[string]string{"Origin": "https://app.example.com"}
	preflightHeader := map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"}

	t.Run("down", func(t *testing.T) {
		upstream := httptest.NewServer(newFakeS3("photos"))
		_, srv := newProxy(t, upstream.URL, nil)
		putCORS(t, srv.URL, "photos")
		upstream.Close()
		res, body := do(t, request{method: http.MethodOptions, url: srv.URL + "/photos/x", header: preflightHeader})
		if res.StatusCode != 200 {
			t.Errorf("preflight of a known bucket with the upstream down: %d %s", res.StatusCode, body)
		}
		res, body = do(t, request{method: http.MethodGet, url: srv.URL + "/photos/x", header: origin})
		if res.StatusCode != 503 || errorCode(body) != "ServiceUnavailable" || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || res.Header.Get("Content-Type") != "application/xml" {
			t.Errorf("GET with the upstream down: %d %v %s", res.StatusCode, res.Header, body)
		}
		res, body = do(t, request{method: http.MethodHead, url: srv.URL + "/photos/x", header: origin})
		if res.StatusCode != 503 || body != "" { // no body for HEAD; no CORS either: the rule allows GET and PUT
			t.Errorf("HEAD with the upstream down: %d %q", res.StatusCode, body)
		}
		res, body = do(t, request{method: http.MethodOptions, url: srv.URL + "/unknown/x", header: preflightHeader})
		if res.StatusCode != 503 || errorCode(body) != "ServiceUnavailable" {
			t.Errorf("preflight of an unknown bucket with the upstream down: %d %s", res.StatusCode, body)
		}
		res, body = do(t, request{method: http.MethodGet, url: srv.URL + "/unknown?cors", sign: true})
		if res.StatusCode != 503 {
			t.Errorf("GetBucketCors of an unknown bucket with the upstream down: %d %s", res.StatusCode, body)
		}
	})

	t.Run("slow", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		fake := newFakeS3("photos")
		upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
			fake.ServeHTTP(w, r)
		}))
		defer upstream.Close()
		_, srv := newProxy(t, upstream.URL, func(c *Config) { c.Timeouts.ResponseHeader = 200 * time.Millisecond })
		putCORS(t, srv.URL, "photos")
		res, body := do(t, request{method: http.MethodGet, url: srv.URL + "/photos/x", header: origin})
		if res.StatusCode != 504 || errorCode(body) != "GatewayTimeout" || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Errorf("GET with the upstream slow: %d %v %s", res.StatusCode, res.Header, body)
		}
	})

	t.Run("broken", func(t *testing.T) {
		upstream := rawUpstream(t, func(*http.Request) string { return "this is not HTTP\r\n\r\n" })
		p, srv := newProxy(t, upstream, nil)
		_ = p.Store().Put("photos", mustConfig(t))
		res, body := do(t, request{method: http.MethodGet, url: srv.URL + "/photos/x", header: origin})
		if res.StatusCode != 502 || errorCode(body) != "BadGateway" || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Errorf("GET with the upstream broken: %d %v %s", res.StatusCode, res.Header, body)
		}
	})
}

// TestStalledTransfers checks the idle timeout on both sides: a download
// whose upstream stops sending and an upload whose client stops sending
// are cut off, and the other side learns it.
func TestStalledTransfers(t *testing.T) {
	upstreamGone := make(chan error, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			_, err := io.ReadAll(r.Body)
			upstreamGone <- err
			return
		}
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, "part")
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
		upstreamGone <- r.Context().Err()
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, func(c *Config) { c.Timeouts.Idle = 200 * time.Millisecond })

	t.Run("upstream stalls", func(t *testing.T) {
		start := time.Now()
		res, err := http.Get(srv.URL + "/photos/x")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err == nil || string(b) != "part" || time.Since(start) > 5*time.Second {
			t.Errorf("stalled download: %q, %v after %v; want the part and an error within the idle timeout", b, err, time.Since(start))
		}
		select {
		case <-upstreamGone:
		case <-time.After(5 * time.Second):
			t.Error("the upstream's request was not cancelled")
		}
	})
	t.Run("slow answer is not a stall", func(t *testing.T) {
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			time.Sleep(600 * time.Millisecond) // three idle periods
			_, _ = io.WriteString(w, "done")
		}))
		defer slow.Close()
		_, srv := newProxy(t, slow.URL, func(c *Config) { c.Timeouts.Idle = 200 * time.Millisecond })
		for _, method := range []string{http.MethodGet, http.MethodPut} {
			res, body := do(t, request{method: method, url: srv.URL + "/photos/x", body: "data"})
			if res.StatusCode != 200 || body != "done" {
				t.Errorf("%s answered after three idle periods: %d %q %v, want 200 \"done\": the ResponseHeader timeout bounds that wait", method, res.StatusCode, body, res.Header)
			}
		}
	})
	t.Run("client stalls", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/photos/x", pr)
		req.ContentLength = 100
		go func() { _, _ = io.WriteString(pw, "part") }()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req = req.WithContext(ctx)
		go func() {
			if res, err := http.DefaultClient.Do(req); err == nil {
				res.Body.Close()
			}
		}()
		select {
		case err := <-upstreamGone:
			if err == nil {
				t.Error("the upstream read a whole body the client never sent")
			}
		case <-time.After(5 * time.Second):
			t.Error("the upload the client stalled was not cut off")
		}
	})
}

// TestConstantMemory streams 64 MiB down and up through the proxy and
// checks that the heap does not grow with the size: nothing is buffered.
func TestConstantMemory(t *testing.T) {
	const size = 64 << 20
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			n, _ := io.Copy(io.Discard, r.Body)
			w.Header().Set("X-Received", strconv.FormatInt(n, 10))
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(size))
		_, _ = io.CopyN(w, zeros{}, size)
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)

	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)

	res, err := http.Get(srv.URL + "/photos/big")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil || n != size {
		t.Fatalf("download: %d bytes, %v", n, err)
	}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/photos/big", io.LimitReader(zeros{}, size))
	req.ContentLength = size
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("X-Received"); got != strconv.Itoa(size) {
		t.Fatalf("upload: the upstream received %s bytes", got)
	}
	close(stop)
	<-sampled
	if grew := int64(peak.Load()) - int64(base.HeapInuse); grew > 16<<20 {
		t.Errorf("the heap grew by %d MiB while 64 MiB streamed each way, want far less", grew>>20)
	}
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestEncodingPassesThrough checks that the proxy neither asks the
// upstream for compression the client did not ask for, nor decodes what
// the upstream sends.
func TestEncodingPassesThrough(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Got-Accept-Encoding", strings.Join(r.Header["Accept-Encoding"], ","))
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = io.WriteString(w, "stored gzip bytes")
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	res, err := client.Get(srv.URL + "/photos/x.gz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got := res.Header.Get("X-Got-Accept-Encoding"); got != "" {
		t.Errorf("the upstream got Accept-Encoding %q the client never sent", got)
	}
	if string(body) != "stored gzip bytes" || res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("the encoded object arrived as %q, Content-Encoding %q", body, res.Header.Get("Content-Encoding"))
	}
}

// TestRawQueryPassesThrough checks that queries net/url cannot parse
// reach the upstream byte for byte.
func TestRawQueryPassesThrough(t *testing.T) {
	got := make(chan string, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.RawQuery
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	for _, q := range []string{"prefix=a;b&list-type=2", "x=%zz&y", "a=1&a=2&b", "X-Amz-Signature=abc&X-Amz-Date=20260101T000000Z"} {
		raw := rawRequest(t, srv.URL, "GET /photos/?"+q+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(raw, "HTTP/1.1 200") {
			t.Fatalf("%q: %s", q, raw)
		}
		if g := <-got; g != q {
			t.Errorf("the upstream got query %q, want %q", g, q)
		}
	}
}

// TestRawPathPassesThrough checks that paths net/url would escape
// differently reach the upstream byte for byte.
func TestRawPathPassesThrough(t *testing.T) {
	got := make(chan string, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.RequestURI
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	for _, uri := range []string{"/photos/a{b}|c^d", "/photos/%7e%2f%2F~", "/photos/a%20b+c?x=;", "/photos//double", "/photos/%C3%A9t%C3%A9"} {
		raw := rawRequest(t, srv.URL, "GET "+uri+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(raw, "HTTP/1.1 200") {
			t.Fatalf("%q: %s", uri, raw)
		}
		if g := <-got; g != uri {
			t.Errorf("the upstream got %q, want %q", g, uri)
		}
	}
}
