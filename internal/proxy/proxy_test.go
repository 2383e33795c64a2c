package proxy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/sigv4"
)

func TestNewRefusesBadUpstreams(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:9000", "ftp://host", "http://", "http://host/prefix", "http://host/?x=1", "http://user:pw@host"} {
		if _, err := New(Config{Upstream: u}); err == nil {
			t.Errorf("New(%q): no error", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:9000", "https://s3.example.com/", "http://[::1]:9000"} {
		if _, err := New(Config{Upstream: u}); err != nil {
			t.Errorf("New(%q): %v", u, err)
		}
	}
}

// TestCORSOfEveryAnswer checks that every answer of the upstream leaves
// with S3's CORS fields for the bucket and request, and none of the
// upstream's (R2–R5, H7, D28).
func TestCORSOfEveryAnswer(t *testing.T) {
	up := newFakeS3("photos", "plain")
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	putCORS(t, srv.URL, "photos")
	do(t, request{method: http.MethodPut, url: srv.URL + "/photos/cat.jpg", body: "meow"})

	matched := []string{
		"Access-Control-Allow-Credentials: true",
		"Access-Control-Allow-Methods: GET, PUT",
		"Access-Control-Allow-Origin: https://app.example.com",
		"Access-Control-Expose-Headers: ETag",
		"Vary: Accept-Encoding, Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
	}
	tests := []struct {
		name   string
		req    request
		status int
		want   []string
	}{
		{"R4 success, allowed origin", request{method: "GET", url: "/photos/cat.jpg", header: map[string]string{"Origin": "https://app.example.com"}}, 200, matched},
		{"R4 upstream error, allowed origin", request{method: "GET", url: "/photos/none", header: map[string]string{"Origin": "https://app.example.com"}}, 404, matched},
		{"R2 other origin: none, the upstream's Vary without Origin", request{method: "GET", url: "/photos/cat.jpg", header: map[string]string{"Origin": "https://evil.example"}}, 200, []string{"Vary: Accept-Encoding"}},
		{"R1 no Origin: none", request{method: "GET", url: "/photos/cat.jpg"}, 200, []string{"Vary: Accept-Encoding"}},
		{"R3 bucket without configuration", request{method: "GET", url: "/plain/x", header: map[string]string{"Origin": "https://app.example.com"}}, 404, []string{"Vary: Accept-Encoding"}},
		{"missing bucket", request{method: "GET", url: "/nobucket/x", header: map[string]string{"Origin": "https://app.example.com"}}, 404, []string{"Vary: Accept-Encoding"}},
		{"W3 service endpoint", request{method: "GET", url: "/", header: map[string]string{"Origin": "https://app.example.com"}}, 404, []string{"Vary: Accept-Encoding"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.url = srv.URL + tt.req.url
			res, _ := do(t, tt.req)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			if diff := cmp.Diff(tt.want, accessControl(res.Header)); diff != "" {
				t.Errorf("CORS fields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPreflights checks that preflights are answered by the proxy, from
// the configuration, never forwarded (W2, P1–P6).
func TestPreflights(t *testing.T) {
	up := newFakeS3("photos", "plain")
	var forwarded int
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			forwarded++
		}
		up.ServeHTTP(w, r)
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	putCORS(t, srv.URL, "photos")
	preflight := func(bucketPath, origin string) map[string]string {
		return map[string]string{"Origin": origin, "Access-Control-Request-Method": "PUT"}
	}
	tests := []struct {
		name   string
		path   string
		header map[string]string
		status int
		code   string
		acao   string
	}{
		{"P6 accepted", "/photos/cat.jpg", preflight("", "https://app.example.com"), 200, "", "https://app.example.com"},
		{"P5 no rule matches", "/photos/cat.jpg", preflight("", "https://evil.example"), 403, "AccessForbidden", ""},
		{"P3 no configuration", "/plain/x", preflight("", "https://app.example.com"), 403, "AccessForbidden", ""},
		{"P2 missing bucket", "/nobucket/x", preflight("", "https://app.example.com"), 403, "AccessForbidden", ""},
		{"P1 no Origin", "/photos/cat.jpg", map[string]string{"Access-Control-Request-Method": "PUT"}, 400, "BadRequest", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := do(t, request{method: http.MethodOptions, url: srv.URL + tt.path, header: tt.header})
			if res.StatusCode != tt.status || errorCode(body) != tt.code || res.Header.Get("Access-Control-Allow-Origin") != tt.acao {
				t.Errorf("got %d %q ACAO %q, want %d %q ACAO %q\n%s", res.StatusCode, errorCode(body), res.Header.Get("Access-Control-Allow-Origin"), tt.status, tt.code, tt.acao, body)
			}
		})
	}
	if forwarded != 0 {
		t.Errorf("%d preflights reached the upstream", forwarded)
	}
}

// TestHostAndSignaturePassThrough checks that a request signed for the
// proxy's address verifies at the upstream: method, path, raw query, Host,
// header fields and body arrive as sent.
func TestHostAndSignaturePassThrough(t *testing.T) {
	up := newFakeS3("photos")
	up.verify = &sigv4.Verifier{Secrets: map[string]string{testKey: testSecret}}
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)

	for _, path := range []string{"/photos/a%20b+c", "/photos/d%2Fe", "/photos/%E2%82%AC?tagging", "/photos/x?versionId=1&partNumber=2"} {
		res, body := do(t, request{method: http.MethodPut, url: srv.URL + path, body: "data", sign: true,
			header: map[string]string{"X-Amz-Meta-Colour": "blue", "X-Forwarded-For": "192.0.2.7"}})
		if res.StatusCode != http.StatusOK {
			t.Errorf("PUT %s signed for the proxy: %d %s", path, res.StatusCode, body)
		}
	}
	// A tampered request is refused by the upstream, not the proxy.
	r, _ := http.NewRequest(http.MethodGet, srv.URL+"/photos/a", nil)
	_ = sigv4.Sign(r, sigv4.Credentials{AccessKeyID: testKey, SecretAccessKey: "wrong"}, "us-east-1", time.Now(), "")
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("wrongly signed GET: %d, want 403 from the upstream", res.StatusCode)
	}
}

// TestCORSAPIAuthentication checks that ?cors calls are served by the
// proxy, never the upstream, behind SigV4 with S3's refusals.
func TestCORSAPIAuthentication(t *testing.T) {
	up := newFakeS3("photos")
	var reached int
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("cors") {
			reached++
		}
		up.ServeHTTP(w, r)
	}))
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)

	tests := []struct {
		name   string
		sign   func(*http.Request)
		status int
		code   string
	}{
		{"unsigned", func(*http.Request) {}, 403, "AccessDenied"},
		{"signed", func(r *http.Request) { _ = sigv4.Sign(r, testCreds, "us-east-1", time.Now(), "") }, 404, "NoSuchCORSConfiguration"},
		{"wrong secret", func(r *http.Request) {
			_ = sigv4.Sign(r, sigv4.Credentials{AccessKeyID: testKey, SecretAccessKey: "x"}, "us-east-1", time.Now(), "")
		}, 403, "SignatureDoesNotMatch"},
		{"unknown key", func(r *http.Request) {
			_ = sigv4.Sign(r, sigv4.Credentials{AccessKeyID: "AKIDOTHER", SecretAccessKey: "x"}, "us-east-1", time.Now(), "")
		}, 403, "InvalidAccessKeyId"},
		{"too old", func(r *http.Request) { _ = sigv4.Sign(r, testCreds, "us-east-1", time.Now().Add(-time.Hour), "") }, 403, "RequestTimeTooSkewed"},
		{"malformed", func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 nonsense") }, 400, "AuthorizationHeaderMalformed"},
		{"presigned", func(r *http.Request) { presign(r, time.Now(), "300") }, 404, "NoSuchCORSConfiguration"},
		{"presigned, expired", func(r *http.Request) { presign(r, time.Now().Add(-time.Hour), "60") }, 403, "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, srv.URL+"/photos?cors", nil)
			tt.sign(r)
			res, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			body := string(drain(res.Body))
			res.Body.Close()
			if res.StatusCode != tt.status || errorCode(body) != tt.code {
				t.Errorf("got %d %q, want %d %q\n%s", res.StatusCode, errorCode(body), tt.status, tt.code, body)
			}
		})
	}
	// Unauthenticated calls never make the proxy ask the upstream.
	heads := up.heads.Load()
	if res, body := do(t, request{method: http.MethodGet, url: srv.URL + "/random-name?cors"}); errorCode(body) != "AccessDenied" {
		t.Errorf("unsigned GetBucketCors of an unknown bucket: %d %s", res.StatusCode, body)
	}
	if up.heads.Load() != heads {
		t.Error("an unsigned ?cors call made the proxy ask the upstream")
	}
	// GetBucketCors of a missing bucket: NoSuchBucket.
	res, body := do(t, request{method: http.MethodGet, url: srv.URL + "/nobucket?cors", sign: true})
	if res.StatusCode != 404 || errorCode(body) != "NoSuchBucket" {
		t.Errorf("GetBucketCors of a missing bucket: %d %s", res.StatusCode, body)
	}
	// An oversized PutBucketCors is refused before it is read.
	res, body = do(t, request{method: http.MethodPut, url: srv.URL + "/photos?cors", sign: true, body: strings.Repeat("x", maxAPIBody+1)})
	if res.StatusCode != 400 || errorCode(body) != "MaxMessageLengthExceeded" {
		t.Errorf("oversized PutBucketCors: %d %s", res.StatusCode, body)
	}
	if reached != 0 {
		t.Errorf("%d ?cors requests reached the upstream", reached)
	}
}

// presign turns r into a presigned URL of the given expiry, signed at.
func presign(r *http.Request, at time.Time, expires string) {
	date := at.UTC().Format("20060102T150405Z")
	q := r.URL.Query()
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", testKey+"/"+date[:8]+"/us-east-1/s3/aws4_request")
	q.Set("X-Amz-Date", date)
	q.Set("X-Amz-Expires", expires)
	q.Set("X-Amz-SignedHeaders", "host")
	r.URL.RawQuery = q.Encode()
	r.URL.RawQuery += "&X-Amz-Signature=" + presignature(r, date)
}

// presignature computes the signature of a presigned URL by verifying a
// copy with a known-wrong one and reading the expected value from the
// canonical request: simpler, here, to compute it with the verifier's
// own string to sign.
func presignature(r *http.Request, date string) string {
	v := &sigv4.Verifier{Secrets: map[string]string{testKey: testSecret}, Now: func() time.Time {
		t, _ := time.Parse("20060102T150405Z", date)
		return t
	}}
	c := r.Clone(r.Context())
	c.URL, _ = url.Parse(r.URL.String() + "&X-Amz-Signature=" + strings.Repeat("0", 64))
	c.Host = r.URL.Host
	err := v.Verify(c)
	e, ok := err.(*sigv4.Error)
	if !ok {
		return ""
	}
	toSign := e.Detail("StringToSign")
	return hmacHex(signingKeyFor(testSecret, date[:8]), toSign)
}

// TestCreateAndDeleteBucketPassThrough checks that buckets created and
// deleted through the proxy are known at once, and that a deleted
// bucket's configuration goes with it.
func TestCreateAndDeleteBucketPassThrough(t *testing.T) {
	up := newFakeS3()
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	p, srv := newProxy(t, upstream.URL, func(c *Config) { c.Limits.AbsentTTL = time.Hour })
	preflight := func() (int, string) {
		res, body := do(t, request{method: http.MethodOptions, url: srv.URL + "/fresh/x", header: map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"}})
		return res.StatusCode, body
	}
	if status, body := preflight(); status != 403 || !strings.Contains(body, "<ResourceType>BUCKET</ResourceType>") && !strings.Contains(body, "AccessForbidden") {
		t.Fatalf("before CreateBucket: %d %s", status, body)
	}
	heads := up.heads.Load()
	if res, body := do(t, request{method: http.MethodPut, url: srv.URL + "/fresh", sign: true}); res.StatusCode != 200 {
		t.Fatalf("CreateBucket: %d %s", res.StatusCode, body)
	}
	putCORS(t, srv.URL, "fresh")
	if status, body := preflight(); status != 200 {
		t.Errorf("after CreateBucket and PutBucketCors: %d %s, want 200 at once", status, body)
	}
	if res, body := do(t, request{method: http.MethodDelete, url: srv.URL + "/fresh", sign: true}); res.StatusCode != 204 {
		t.Fatalf("DeleteBucket: %d %s", res.StatusCode, body)
	}
	if status, _ := preflight(); status != 403 {
		t.Errorf("after DeleteBucket: %d, want 403 at once", status)
	}
	// Created again: no configuration, as on S3.
	do(t, request{method: http.MethodPut, url: srv.URL + "/fresh", sign: true})
	if res, body := do(t, request{method: http.MethodGet, url: srv.URL + "/fresh?cors", sign: true}); errorCode(body) != "NoSuchCORSConfiguration" {
		t.Errorf("GetBucketCors of a bucket created again: %d %s", res.StatusCode, body)
	}
	if up.heads.Load() != heads {
		t.Errorf("%d HEAD bucket requests after the first preflight, want none", up.heads.Load()-heads)
	}
	// A configuration left from a bucket of the same name the proxy never
	// knew goes when the bucket is created.
	if err := p.Store().Put("ghost", mustConfig(t)); err != nil {
		t.Fatal(err)
	}
	do(t, request{method: http.MethodPut, url: srv.URL + "/ghost", sign: true})
	if res, body := do(t, request{method: http.MethodGet, url: srv.URL + "/ghost?cors", sign: true}); errorCode(body) != "NoSuchCORSConfiguration" {
		t.Errorf("GetBucketCors of a bucket created with an old configuration around: %d %s", res.StatusCode, body)
	}
}

// TestVirtualHostedStyle checks --domain: bucket.domain addresses the
// bucket, and path-style still works.
func TestVirtualHostedStyle(t *testing.T) {
	up := newFakeS3("photos")
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	p, srv := newProxy(t, upstream.URL, func(c *Config) { c.Domain = "s3.test" })
	putCORS(t, srv.URL, "photos")
	tests := []struct {
		host, path string
		bucket     string
		object     bool
		ok         bool
	}{
		{"photos.s3.test", "/", "photos", false, true},
		{"photos.s3.test:9100", "/cat.jpg", "photos", true, true},
		{"PHOTOS.S3.TEST", "", "photos", false, true},
		{"s3.test", "/photos/cat.jpg", "photos", true, true},
		{"other.host", "/photos", "photos", false, true},
		{"s3.test", "/", "", false, false},
		{"xs3.test", "/a/b", "a", true, true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "http://"+tt.host+tt.path, nil)
		r.URL.Path = tt.path
		b, target, ok := p.locate(r)
		if b != tt.bucket || (target == cors.TargetObject) != tt.object || ok != tt.ok {
			t.Errorf("locate(%s%s) = %q %v %v, want %q object=%v %v", tt.host, tt.path, b, target, ok, tt.bucket, tt.object, tt.ok)
		}
	}
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/cat.jpg", nil)
	req.Host = "photos.s3.test"
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "GET")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("virtual-hosted preflight: %d %v", res.StatusCode, res.Header)
	}
}

func TestQueryHelpers(t *testing.T) {
	for q, want := range map[string]bool{"cors": true, "cors=": true, "a=1&cors": true, "corsx": false, "x=cors": false, "": false} {
		if got := hasCORSQuery(q); got != want {
			t.Errorf("hasCORSQuery(%q) = %v", q, got)
		}
	}
	for q, want := range map[string]bool{"": false, "X-Amz-Algorithm=a&x-amz-date=b": false, "versioning": true, "X-Amz-Date=1&acl": true} {
		if got := hasSubresource(q); got != want {
			t.Errorf("hasSubresource(%q) = %v", q, got)
		}
	}
}

// signingKeyFor derives the SigV4 signing key of us-east-1 and s3.
func signingKeyFor(secret, date string) []byte {
	k := hmacSum([]byte("AWS4"+secret), date)
	k = hmacSum(k, "us-east-1")
	k = hmacSum(k, "s3")
	return hmacSum(k, "aws4_request")
}

func hmacSum(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func hmacHex(key []byte, s string) string { return hex.EncodeToString(hmacSum(key, s)) }

// TestRandomBucketFlood sends preflights naming random buckets, as any
// web page can make a browser do: the questions to the upstream stay
// within the rate, the cache within its bounds, and every answer is S3's
// refusal or 503 SlowDown.
func TestRandomBucketFlood(t *testing.T) {
	up := newFakeS3("photos")
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	limits := Limits{Present: 50, Absent: 100, Rate: 20, Concurrent: 4}
	p, srv := newProxy(t, upstream.URL, func(c *Config) { c.Limits = limits })
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer client.CloseIdleConnections()

	start := time.Now()
	const workers, each = 8, 60
	statuses := make(chan string, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/rnd-"+strconv.Itoa(w)+"-"+strconv.Itoa(i)+"/x", nil)
				req.Header.Set("Origin", "https://evil.example")
				req.Header.Set("Access-Control-Request-Method", "GET")
				res, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				body := drain(res.Body)
				res.Body.Close()
				statuses <- strconv.Itoa(res.StatusCode) + " " + errorCode(string(body))
			}
		}()
	}
	wg.Wait()
	close(statuses)
	elapsed := time.Since(start)
	counts := map[string]int{}
	for s := range statuses {
		counts[s]++
	}
	for s := range counts {
		if s != "403 AccessForbidden" && s != "503 SlowDown" {
			t.Errorf("answer %q to a preflight naming a random bucket", s)
		}
	}
	maxAsked := int64(2*limits.Rate + limits.Rate*elapsed.Seconds() + 1)
	if asked := up.heads.Load(); asked > maxAsked {
		t.Errorf("%d questions to the upstream in %v, want at most %d", asked, elapsed, maxAsked)
	}
	if n := p.known.len(); n > limits.Present+limits.Absent {
		t.Errorf("%d buckets remembered, want at most %d", n, limits.Present+limits.Absent)
	}
	t.Logf("%d preflights in %v: %v; %d questions to the upstream", workers*each, elapsed, counts, up.heads.Load())
}

// TestBucketsChangedBehindTheProxy checks D29: a bucket created or deleted
// directly at the upstream is seen after the TTLs, and a bucket deleted
// so loses its configuration.
func TestBucketsChangedBehindTheProxy(t *testing.T) {
	up := newFakeS3("photos")
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	const present, absent = 300 * time.Millisecond, 100 * time.Millisecond
	_, srv := newProxy(t, upstream.URL, func(c *Config) { c.Limits.PresentTTL, c.Limits.AbsentTTL = present, absent })
	putCORS(t, srv.URL, "photos")
	preflight := func(bucket string) int {
		res, _ := do(t, request{method: http.MethodOptions, url: srv.URL + "/" + bucket + "/x", header: map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"}})
		return res.StatusCode
	}
	if got := preflight("later"); got != 403 {
		t.Fatalf("preflight of a missing bucket: %d", got)
	}
	up.create("later")
	up.remove("photos")
	if got := preflight("photos"); got != 200 {
		t.Errorf("deleted behind the proxy, within the TTL: %d, want the remembered 200", got)
	}
	time.Sleep(present + 50*time.Millisecond)
	if got := preflight("photos"); got != 403 {
		t.Errorf("deleted behind the proxy, after the TTL: %d, want 403", got)
	}
	up.create("photos")
	time.Sleep(absent + 50*time.Millisecond)
	if res, body := do(t, request{method: http.MethodGet, url: srv.URL + "/photos?cors", sign: true}); errorCode(body) != "NoSuchCORSConfiguration" {
		t.Errorf("created again behind the proxy: GetBucketCors %d %s, want NoSuchCORSConfiguration", res.StatusCode, body)
	}
	if res, body := do(t, request{method: http.MethodGet, url: srv.URL + "/later?cors", sign: true}); errorCode(body) != "NoSuchCORSConfiguration" {
		t.Errorf("created behind the proxy, after the TTL: GetBucketCors %d %s", res.StatusCode, body)
	}
}

// TestPreflightWithoutOriginAsksNothing checks that preflights without
// Origin, refused whatever the bucket (P1), never make the proxy ask the
// upstream.
func TestPreflightWithoutOriginAsksNothing(t *testing.T) {
	up := newFakeS3()
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, nil)
	for i := range 20 {
		res, body := do(t, request{method: http.MethodOptions, url: srv.URL + "/b" + strconv.Itoa(i) + "/x", header: map[string]string{"Access-Control-Request-Method": "GET"}})
		if res.StatusCode != 400 || errorCode(body) != "BadRequest" {
			t.Fatalf("preflight without Origin: %d %s", res.StatusCode, body)
		}
	}
	if n := up.heads.Load(); n != 0 {
		t.Errorf("%d questions to the upstream, want none", n)
	}
}

// TestConcurrentTraffic mixes preflights, object requests with and
// without Origin, configuration changes and bucket creations and
// deletions from many goroutines, for the race detector; every answer
// must be one S3 could give.
func TestConcurrentTraffic(t *testing.T) {
	up := newFakeS3("photos")
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	_, srv := newProxy(t, upstream.URL, func(c *Config) { c.Limits.PresentTTL, c.Limits.AbsentTTL = 20*time.Millisecond, 10*time.Millisecond })
	putCORS(t, srv.URL, "photos")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer client.CloseIdleConnections()
	send := func(method, path string, header map[string]string, body string, sign bool) int {
		r, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for k, v := range header {
			r.Header.Set(k, v)
		}
		if sign {
			_ = sigv4.Sign(r, testCreds, "us-east-1", time.Now(), sigv4.PayloadHash([]byte(body)))
		}
		res, err := client.Do(r)
		if err != nil {
			t.Error(err)
			return 0
		}
		drain(res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	origin := map[string]string{"Origin": "https://app.example.com"}
	pre := map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				key := "/photos/k" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
				if s := send(http.MethodOptions, key, pre, "", false); s != 200 && s != 403 {
					t.Errorf("preflight: %d", s)
				}
				if s := send(http.MethodPut, key, origin, "v", false); s != 200 {
					t.Errorf("PUT: %d", s)
				}
				if s := send(http.MethodGet, key, nil, "", false); s != 200 {
					t.Errorf("GET: %d", s)
				}
				if s := send(http.MethodOptions, "/tmp"+strconv.Itoa(w)+"/x", pre, "", false); s != 200 && s != 403 && s != 503 {
					t.Errorf("preflight of a changing bucket: %d", s)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 30 {
			b := "/tmp" + strconv.Itoa(i%6)
			send(http.MethodPut, b, nil, "", true)
			send(http.MethodPut, b+"?cors", nil, corsXML, true)
			send(http.MethodDelete, "/photos?cors", nil, "", true)
			send(http.MethodPut, "/photos?cors", nil, corsXML, true)
			send(http.MethodDelete, b, nil, "", true)
		}
	}()
	wg.Wait()
}

// lockedLog is a log the proxy's goroutines may write to at once.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLog checks the request log, which leaves query values out, and the
// one warning for an upstream that refuses the proxy's own key.
func TestLog(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer upstream.Close()
	var log lockedLog
	_, srv := newProxy(t, upstream.URL, func(c *Config) { c.Log = &log })
	do(t, request{method: http.MethodGet, url: srv.URL + "/photos/x?X-Amz-Signature=topsecret&versionId=3"})
	for _, b := range []string{"a", "b"} {
		do(t, request{method: http.MethodOptions, url: srv.URL + "/" + b + "/x", header: map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"}})
	}
	out := log.String()
	if !strings.Contains(out, " GET 127.0.0.1:") || !strings.Contains(out, "/photos/x?X-Amz-Signature&versionId 200 2 ") {
		t.Errorf("log without the GET line:\n%s", out)
	}
	if strings.Contains(out, "topsecret") {
		t.Errorf("log with a query value:\n%s", out)
	}
	if n := strings.Count(out, "403 Forbidden"); n != 1 {
		t.Errorf("%d warnings about the upstream refusing the proxy's key, want 1:\n%s", n, out)
	}
}
