package proxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

// The proxy's access key in these tests, which the fake upstream accepts
// too.
const testKey, testSecret = "AKIDPROXYUNIT", "proxy-unit-secret"

var testCreds = sigv4.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret}

// fakeS3 is an upstream with buckets and objects in memory that, like moto
// and MinIO, adds permissive CORS fields of its own to every answer, in
// odd letter cases, and verifies SigV4 when verify is set.
type fakeS3 struct {
	mu      sync.Mutex
	buckets map[string]map[string][]byte
	heads   atomic.Int64 // HEAD bucket requests
	verify  *sigv4.Verifier
}

func newFakeS3(buckets ...string) *fakeS3 {
	f := &fakeS3{buckets: map[string]map[string][]byte{}}
	for _, b := range buckets {
		f.buckets[b] = map[string][]byte{}
	}
	return f
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["access-control-allow-origin"] = []string{"*"}
	h["ACCESS-CONTROL-ALLOW-METHODS"] = []string{"GET, PUT, POST, DELETE, HEAD"}
	h["Access-Control-Expose-Headers"] = []string{"ETag", "x-amz-request-id"}
	h["Vary"] = []string{"Origin, Accept-Encoding"}
	if f.verify != nil {
		if err := f.verify.Verify(r); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
	}
	name, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	f.mu.Lock()
	defer f.mu.Unlock()
	objects, ok := f.buckets[name]
	switch {
	case key == "" && r.Method == http.MethodHead:
		f.heads.Add(1)
		if !ok {
			w.WriteHeader(http.StatusNotFound)
		}
	case key == "" && r.Method == http.MethodPut:
		if ok {
			w.WriteHeader(http.StatusConflict)
			return
		}
		f.buckets[name] = map[string][]byte{}
	case key == "" && r.Method == http.MethodDelete:
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		delete(f.buckets, name)
		w.WriteHeader(http.StatusNoContent)
	case !ok:
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<Error><Code>NoSuchBucket</Code></Error>")
	case r.Method == http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		objects[key] = body
		w.Header().Set("ETag", `"etag"`)
	case r.Method == http.MethodGet:
		body, ok := objects[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, "<Error><Code>NoSuchKey</Code></Error>")
			return
		}
		_, _ = w.Write(body)
	default:
		w.WriteHeader(http.StatusNotImplemented)
	}
}

func (f *fakeS3) create(name string) {
	f.mu.Lock()
	f.buckets[name] = map[string][]byte{}
	f.mu.Unlock()
}

func (f *fakeS3) remove(name string) {
	f.mu.Lock()
	delete(f.buckets, name)
	f.mu.Unlock()
}

// newProxy returns a proxy to upstream, changed by mod, served on
// loopback.
func newProxy(t *testing.T, upstream string, mod func(*Config)) (*Proxy, *httptest.Server) {
	t.Helper()
	cfg := Config{
		Upstream:    upstream,
		Secrets:     map[string]string{testKey: testSecret},
		Credentials: testCreds,
	}
	if mod != nil {
		mod(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.Close()
		p.Close()
	})
	return p, srv
}

// request is one request to send in a test.
type request struct {
	method, url string
	header      map[string]string
	body        string
	sign        bool // SigV4 in the Authorization header, with testCreds
}

// do sends req and returns the response with its body read.
func do(t *testing.T, req request) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r, err := http.NewRequest(req.method, req.url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	if req.sign {
		if err := sigv4.Sign(r, testCreds, "us-east-1", time.Now(), sigv4.PayloadHash([]byte(req.body))); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.method, req.url, err)
	}
	return res, string(b)
}

// corsXML is a configuration that lets https://app.example.com GET and
// PUT with any header, exposing ETag.
const corsXML = `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin>` +
	`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader>` +
	`<ExposeHeader>ETag</ExposeHeader></CORSRule></CORSConfiguration>`

// putCORS sets a bucket's configuration through the proxy's ?cors API.
func putCORS(t *testing.T, base, bucket string) {
	t.Helper()
	res, body := do(t, request{method: http.MethodPut, url: base + "/" + bucket + "?cors", body: corsXML, sign: true})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PutBucketCors: %d %s", res.StatusCode, body)
	}
}

// accessControl returns the Access-Control-* fields of h, and Vary, as
// "Name: value" lines, sorted.
func accessControl(h http.Header) []string {
	var out []string
	for k, vs := range h {
		if isAccessControl(k) || strings.EqualFold(k, "Vary") {
			for _, v := range vs {
				out = append(out, http.CanonicalHeaderKey(k)+": "+v)
			}
		}
	}
	slices.Sort(out)
	return out
}

// errorCode returns the Code element of an S3 XML error body.
func errorCode(body string) string {
	_, rest, ok := strings.Cut(body, "<Code>")
	if !ok {
		return ""
	}
	code, _, _ := strings.Cut(rest, "</Code>")
	return code
}

// drain reads r to its end.
func drain(r io.Reader) []byte {
	var b bytes.Buffer
	_, _ = io.Copy(&b, r)
	return b.Bytes()
}

// mustConfig returns corsXML parsed.
func mustConfig(t testing.TB) *rule.Configuration {
	t.Helper()
	c, err := rule.ParseXML([]byte(corsXML))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
