package proxybench

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3cors/s3cors/internal/proxy"
	"github.com/s3cors/s3cors/internal/sigv4"
)

const (
	bucketName = "bench"
	smallKey   = "small"  // GET: 1 KiB
	uploadKey  = "upload" // PUT: the body is read and dropped
	streamKey  = "stream" // GET ?size=N: N bytes, generated
	accessKey  = "AKIDPROXYBENCH"
	secretKey  = "proxy-bench-secret"
	region     = "us-east-1"
	origin     = "http://app.example.test"
	smallSize  = 1 << 10
)

// corsConfiguration is the bucket's configuration in the s3cors proxy: the
// benchmark's origin may GET and PUT, and read the ETag.
const corsConfiguration = `<CORSConfiguration><CORSRule>` +
	`<AllowedOrigin>` + origin + `</AllowedOrigin>` +
	`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>` +
	`<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds>` +
	`</CORSRule></CORSConfiguration>`

// upstream is an S3-like server that does as little work as it can, so
// that what is measured is the proxy in front of it. It has one bucket and
// answers every request with permissive CORS fields of its own, as MinIO and
// moto do, which the s3cors proxy must remove.
type upstream struct {
	small []byte
	chunk []byte // what a streamed GET repeats
}

func newUpstream() *upstream {
	u := &upstream{small: bytes.Repeat([]byte("s3cors!\n"), smallSize/8), chunk: make([]byte, 32<<10)}
	for i := range u.chunk {
		u.chunk[i] = byte(i)
	}
	return u
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Vary", "Origin")
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucket != bucketName {
		http.Error(w, "NoSuchBucket", http.StatusNotFound)
		return
	}
	switch {
	case r.Method == http.MethodOptions:
		h.Set("Access-Control-Allow-Methods", "GET, PUT")
		h.Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
	case key == "":
		// HEAD or GET bucket: it exists.
	case r.Method == http.MethodGet && key == smallKey:
		h.Set("Content-Length", strconv.Itoa(len(u.small)))
		h.Set("ETag", `"0123456789abcdef0123456789abcdef"`)
		w.Write(u.small)
	case r.Method == http.MethodGet && key == streamKey:
		n, err := strconv.ParseInt(r.URL.Query().Get("size"), 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "size", http.StatusBadRequest)
			return
		}
		h.Set("Content-Length", strconv.FormatInt(n, 10))
		for n > 0 {
			c := u.chunk[:min(n, int64(len(u.chunk)))]
			if _, err := w.Write(c); err != nil {
				return
			}
			n -= int64(len(c))
		}
	case r.Method == http.MethodPut:
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.Set("ETag", `"fedcba9876543210fedcba9876543210"`)
	default:
		http.Error(w, "NotImplemented", http.StatusNotImplemented)
	}
}

// rig is the upstream with the two proxies in front of it, each on a
// loopback port of its own.
type rig struct {
	upstream string
	plain    string // httputil.ReverseProxy as it comes
	pooled   string // httputil.ReverseProxy reusing its copy buffers
	s3cors   string // the s3cors proxy
	proxy    *proxy.Proxy
}

func newRig(tb testing.TB) *rig {
	tb.Helper()
	up := httptest.NewServer(newUpstream())
	tb.Cleanup(up.Close)
	target, err := url.Parse(up.URL)
	if err != nil {
		tb.Fatal(err)
	}

	// The plain proxy: the Host passes through as received, as in the
	// s3cors proxy, and the transport keeps as many idle connections.
	plain := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
		},
		Transport: upstreamTransport(),
	})
	tb.Cleanup(plain.Close)

	// The pooled proxy copies bodies with buffers it reuses and flushes
	// as it copies, as the s3cors proxy does: the difference between it
	// and the s3cors proxy is the work of CORS alone.
	pooled := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
		},
		Transport:     upstreamTransport(),
		FlushInterval: -1,
		BufferPool:    &buffers{},
	})
	tb.Cleanup(pooled.Close)

	p, err := proxy.New(proxy.Config{
		Upstream:    up.URL,
		Region:      region,
		Secrets:     map[string]string{accessKey: secretKey},
		Credentials: sigv4.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey},
	})
	if err != nil {
		tb.Fatal(err)
	}
	s3c := httptest.NewServer(p)
	tb.Cleanup(func() {
		s3c.Close()
		p.Close()
	})
	r := &rig{upstream: up.URL, plain: plain.URL, pooled: pooled.URL, s3cors: s3c.URL, proxy: p}
	putBucketCORS(tb, r.s3cors)
	return r
}

// buffers is an httputil.BufferPool of 32 KiB buffers.
type buffers struct{ p sync.Pool }

func (b *buffers) Get() []byte {
	if v, ok := b.p.Get().(*[]byte); ok {
		return *v
	}
	return make([]byte, 32<<10)
}

func (b *buffers) Put(buf []byte) { b.p.Put(&buf) }

// upstreamTransport is the plain proxy's transport: keep-alive with room
// for every concurrent client, like the s3cors proxy's own.
func upstreamTransport() *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
	}
}

// newClient returns the benchmark's client: keep-alive, no compression.
func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}

// putBucketCORS sets the bucket's configuration in the s3cors proxy with a
// signed PutBucketCors, as a client of S3 would.
func putBucketCORS(tb testing.TB, base string) {
	tb.Helper()
	body := []byte(corsConfiguration)
	req, err := http.NewRequest(http.MethodPut, base+"/"+bucketName+"?cors", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	sum := md5.Sum(body)
	req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	req.Header.Set("Content-Type", "application/xml")
	if err := sigv4.Sign(req, sigv4.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}, region, time.Now(), sigv4.PayloadHash(body)); err != nil {
		tb.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("PutBucketCors: %s\n%s", res.Status, msg)
	}
}

// An op is one request of a benchmark, checked as it is answered.
type op struct {
	name  string
	bytes int64 // body bytes moved per request, for MB/s
	do    func(ctx context.Context, c *http.Client, base string, body []byte) error
}

var ops = []op{
	{"GET-1KiB", smallSize, getSmall},
	{"PUT-1MiB", 1 << 20, putUpload},
	{"preflight", 0, preflight},
}

func getSmall(ctx context.Context, c *http.Client, base string, _ []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/"+bucketName+"/"+smallKey, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Origin", origin)
	return exchange(c, req, http.StatusOK, smallSize)
}

func putUpload(ctx context.Context, c *http.Client, base string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/"+bucketName+"/"+uploadKey, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Content-Type", "application/octet-stream")
	return exchange(c, req, http.StatusOK, 0)
}

func preflight(ctx context.Context, c *http.Client, base string, _ []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodOptions, base+"/"+bucketName+"/"+uploadKey, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodPut)
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	return exchange(c, req, http.StatusOK, 0)
}

// exchange sends req, reads the whole answer and checks its status, its
// length (when want > 0) and that it allows the origin.
func exchange(c *http.Client, req *http.Request, status int, want int64) error {
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	switch {
	case err != nil:
		return fmt.Errorf("%s %s: reading the body: %v", req.Method, req.URL.Path, err)
	case res.StatusCode != status:
		return fmt.Errorf("%s %s: %s, want %d", req.Method, req.URL.Path, res.Status, status)
	case want > 0 && n != want:
		return fmt.Errorf("%s %s: %d bytes, want %d", req.Method, req.URL.Path, n, want)
	case res.Header.Get("Access-Control-Allow-Origin") == "":
		return fmt.Errorf("%s %s: no Access-Control-Allow-Origin", req.Method, req.URL.Path)
	}
	return nil
}
