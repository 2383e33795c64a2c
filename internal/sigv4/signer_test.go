package sigv4

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3cors/s3cors/internal/testrequest"
)

// TestSignDocumentedExamples signs the example requests of AWS's
// documentation of the Authorization header for S3 and compares the
// signatures with the published ones.
func TestSignDocumentedExamples(t *testing.T) {
	at, err := time.Parse(amzDateLayout, exampleDate)
	if err != nil {
		t.Fatal(err)
	}
	c := Credentials{AccessKeyID: exampleAccessKey, SecretAccessKey: exampleSecret}
	tests := []struct {
		name, method, target, body string
		headers                    []string
		signedHeaders, signature   string
	}{
		{"GET object", "GET", "/test.txt", "", []string{"Range", "bytes=0-9"},
			"host;range;x-amz-content-sha256;x-amz-date",
			"f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
		// The example signs no content-length: the body is given to the
		// request after signing.
		{"PUT object", "PUT", "/test$file.text", "Welcome to Amazon S3.",
			[]string{"Date", "Fri, 24 May 2013 00:00:00 GMT", "X-Amz-Storage-Class", "REDUCED_REDUNDANCY"},
			"date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
			"98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
		{"GET bucket lifecycle", "GET", "/?lifecycle", "", nil,
			"host;x-amz-content-sha256;x-amz-date",
			"fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
		{"list objects", "GET", "/?max-keys=2&prefix=J", "", nil,
			"host;x-amz-content-sha256;x-amz-date",
			"34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := exampleRequest(t, tc.method, tc.target, "examplebucket.s3.amazonaws.com", "", tc.headers...)
			payloadHash := PayloadHash([]byte(tc.body))
			if err := Sign(req, c, "us-east-1", at, payloadHash); err != nil {
				t.Fatal(err)
			}
			req.Body = io.NopCloser(strings.NewReader(tc.body))
			req.ContentLength = int64(len(tc.body))
			want := "AWS4-HMAC-SHA256 Credential=" + exampleAccessKey + "/" + exampleScope +
				", SignedHeaders=" + tc.signedHeaders + ", Signature=" + tc.signature
			if got := req.Header.Get("Authorization"); got != want {
				t.Errorf("Authorization:\n%s\nwant\n%s", got, want)
			}
			if got := req.Header.Get("X-Amz-Date"); got != exampleDate {
				t.Errorf("X-Amz-Date = %q", got)
			}
			if got := req.Header.Get("X-Amz-Content-Sha256"); got != payloadHash {
				t.Errorf("X-Amz-Content-Sha256 = %q", got)
			}
			if err := verifyOverHTTP(t, exampleVerifier(), req); err != nil {
				t.Errorf("Verify: %v %v", err, details(err))
			}
		})
	}
}

// TestSignPathEscaping checks that the path is encoded once, by S3's rules,
// whatever form of it the URL holds: the documented PUT object example,
// with its path escaped as net/http escapes it, as S3 clients do, and with
// lower-case hexadecimal.
func TestSignPathEscaping(t *testing.T) {
	at, _ := time.Parse(amzDateLayout, exampleDate)
	c := Credentials{AccessKeyID: exampleAccessKey, SecretAccessKey: exampleSecret}
	for _, raw := range []string{"", "/test%24file.text", "/test%24file%2etext", "/%74est$file.text"} {
		req := exampleRequest(t, "PUT", "/test$file.text", "examplebucket.s3.amazonaws.com", "",
			"Date", "Fri, 24 May 2013 00:00:00 GMT", "X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
		if raw != "" {
			req.URL.RawPath = raw
			if req.URL.EscapedPath() != raw {
				t.Fatalf("RawPath %q not used", raw)
			}
		}
		if err := Sign(req, c, "us-east-1", at, PayloadHash([]byte("Welcome to Amazon S3."))); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("Authorization"); !strings.HasSuffix(got, "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd") {
			t.Errorf("path %q: %s", req.URL.EscapedPath(), got)
		}
	}
}

func TestPayloadHash(t *testing.T) {
	if got := PayloadHash(nil); got != emptyHash {
		t.Errorf("PayloadHash(nil) = %s", got)
	}
	// The body of the documented PUT object example.
	if got := PayloadHash([]byte("Welcome to Amazon S3.")); got != "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072" {
		t.Errorf("PayloadHash = %s", got)
	}
}

// TestSignHeaders checks which headers are signed and which are set.
func TestSignHeaders(t *testing.T) {
	req := newRequest(t, "PUT", "/bucket/key", "", "body")
	req.Header.Set("User-Agent", "test")
	req.Header.Set("X-Amzn-Trace-Id", "Root=1-abc")
	req.Header.Set("Expect", "100-continue")
	req.Header.Set("Transfer-Encoding", "identity")
	req.Header.Set("Authorization", "old")
	req.Header.Set("Content-Length", "999")
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("X-Amz-Date", "old")
	c := creds
	c.SessionToken = "to/ken=="
	if err := Sign(req, c, "eu-west-1", signTime.In(time.FixedZone("X", 3600)), ""); err != nil {
		t.Fatal(err)
	}
	a, err := ParseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	const wantSigned = "content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token"
	if a.SignedHeaders != wantSigned || a.Credential.Scope() != "20260501/eu-west-1/s3/aws4_request" {
		t.Errorf("got %+v, want signed headers %s", a, wantSigned)
	}
	for name, want := range map[string]string{
		"X-Amz-Date":           "20260501T120000Z",
		"X-Amz-Content-Sha256": UnsignedPayload,
		"X-Amz-Security-Token": "to/ken==",
		"Content-Length":       "999",
	} {
		if got := req.Header.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	req.Header.Del("Content-Length")
	req.Header.Del("Transfer-Encoding")
	v := testVerifier(signTime)
	v.Region = "eu-west-1"
	if err := verifyOverHTTP(t, v, req); err != nil {
		t.Errorf("Verify: %v %v", err, details(err))
	}
}

// TestSignHost checks the host signed and sent.
func TestSignHost(t *testing.T) {
	for _, tc := range []struct{ url, host, want string }{
		{"http://s3.test.example/b", "", "s3.test.example"},
		{"http://s3.test.example:80/b", "", "s3.test.example"},
		{"https://s3.test.example:443/b", "", "s3.test.example"},
		{"http://s3.test.example:443/b", "", "s3.test.example:443"},
		{"https://s3.test.example:9000/b", "", "s3.test.example:9000"},
		{"http://[::1]:80/b", "", "[::1]"},
		{"http://[::1]:9000/b", "", "[::1]:9000"},
		{"http://[::1]/b", "", "[::1]"},
		{"http://127.0.0.1:9000/b", "bucket.s3.test.example", "bucket.s3.test.example"},
		{"https://127.0.0.1:9000/b", "bucket.s3.test.example:443", "bucket.s3.test.example"},
	} {
		req, err := http.NewRequest("GET", tc.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.host != "" {
			req.Host = tc.host
		}
		if err := Sign(req, creds, "us-east-1", signTime, ""); err != nil {
			t.Fatal(err)
		}
		if req.Host != tc.want {
			t.Errorf("%s (Host %q): signed host %q, want %q", tc.url, tc.host, req.Host, tc.want)
		}
	}
}

func TestSignErrors(t *testing.T) {
	for _, tc := range []struct {
		name                string
		c                   Credentials
		region, payloadHash string
		req                 func() *http.Request
	}{
		{"no access key ID", Credentials{SecretAccessKey: "s"}, "us-east-1", "", nil},
		{"no secret", Credentials{AccessKeyID: "AKID"}, "us-east-1", "", nil},
		{"slash in access key ID", Credentials{AccessKeyID: "A/B", SecretAccessKey: "s"}, "us-east-1", "", nil},
		{"no region", creds, "", "", nil},
		{"space in region", creds, "us east", "", nil},
		{"short hash", creds, "us-east-1", "abc", nil},
		{"ECDSA streaming", creds, "us-east-1", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", nil},
		{"no host", creds, "us-east-1", "", func() *http.Request {
			return &http.Request{Method: "GET", URL: &url.URL{Path: "/b"}, Header: http.Header{}}
		}},
		{"no URL", creds, "us-east-1", "", func() *http.Request {
			return &http.Request{Method: "GET", Host: "h", Header: http.Header{}}
		}},
	} {
		req := httptest.NewRequest("GET", "http://s3.test.example/b", nil)
		if tc.req != nil {
			req = tc.req()
		}
		if err := Sign(req, tc.c, tc.region, signTime, tc.payloadHash); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
		if len(req.Header) != 0 {
			t.Errorf("%s: headers set: %v", tc.name, req.Header)
		}
	}
	for _, h := range []string{streamingSigned, streamingSignedTrailer, streamingUnsignedTrailer, UnsignedPayload, strings.ToUpper(emptyHash)} {
		if err := Sign(httptest.NewRequest("PUT", "/b/k", nil), creds, "us-east-1", signTime, h); err != nil {
			t.Errorf("payload hash %s: %v", h, err)
		}
	}
}

// randomRequest returns a request with a random method, path, query and
// headers, and its body. The path and query hold spaces, reserved and
// non-ASCII characters; the URL holds the path either as net/http escapes
// it or escaped by S3's rules.
func randomRequest(t *testing.T, rng *rand.Rand, base string) (*http.Request, []byte) {
	t.Helper()
	const chars = "abcXYZ019-._~ !$&'()*+,;=:@%?#[]/é€\U0001F600"
	pick := func(n int) string {
		rs := []rune(chars)
		var b strings.Builder
		for range n {
			b.WriteRune(rs[rng.IntN(len(rs))])
		}
		return b.String()
	}
	methods := []string{"GET", "PUT", "POST", "DELETE", "HEAD"}
	method := methods[rng.IntN(len(methods))]
	path := "/bucket"
	for range rng.IntN(4) {
		path += "/" + pick(rng.IntN(6))
	}
	var query []string
	for range rng.IntN(5) {
		name := pick(1 + rng.IntN(4))
		switch rng.IntN(4) {
		case 0:
			query = append(query, url.QueryEscape(name))
		case 1:
			query = append(query, url.QueryEscape(name)+"=")
		default:
			v := url.QueryEscape(pick(rng.IntN(6)))
			if rng.IntN(2) == 0 {
				v = strings.ReplaceAll(v, "+", "%20")
			}
			query = append(query, url.QueryEscape(name)+"="+v)
			if rng.IntN(3) == 0 {
				query = append(query, url.QueryEscape(name)+"="+url.QueryEscape(pick(2)))
			}
		}
	}
	var body []byte
	if method == "PUT" || method == "POST" {
		body = []byte(pick(rng.IntN(20)))
	}
	req, err := http.NewRequest(method, base, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Path = path
	if rng.IntN(2) == 0 {
		req.URL.RawPath = testrequest.EscapePath(path)
	}
	req.URL.RawQuery = strings.Join(query, "&")
	for range rng.IntN(4) {
		name := "X-Amz-Meta-" + string(rune('a'+rng.IntN(4)))
		value := strings.Repeat(" ", rng.IntN(2)) + "v " + strings.Repeat(" ", rng.IntN(3)) + "w" + strings.Repeat(" ", rng.IntN(2))
		req.Header.Add(name, value)
	}
	if rng.IntN(2) == 0 {
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	}
	if rng.IntN(2) == 0 {
		req.Header.Set("User-Agent", "s3cors-test")
	}
	return req, body
}

// TestSignRoundTrip signs random requests, which the verifier must accept
// once net/http has sent them, and refuse once tampered with.
func TestSignRoundTrip(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	v := testVerifier(signTime.Add(time.Minute))
	got := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- v.Verify(r)
	}))
	defer srv.Close()
	send := func(req *http.Request) error {
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return <-got
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tampers := []struct {
		name string
		want string
		f    func(req *http.Request)
	}{
		{"method", codeSignatureDoesNotMatch, func(req *http.Request) {
			if req.Method == "GET" {
				req.Method = "DELETE"
			} else {
				req.Method = "GET"
			}
		}},
		{"path", codeSignatureDoesNotMatch, func(req *http.Request) {
			req.URL.Path, req.URL.RawPath = req.URL.Path+"x", ""
		}},
		{"query", codeSignatureDoesNotMatch, func(req *http.Request) {
			req.URL.RawQuery += "&extra"
		}},
		{"host", codeSignatureDoesNotMatch, func(req *http.Request) {
			req.Host = "s3.other.example"
		}},
		{"payload hash", codeSignatureDoesNotMatch, func(req *http.Request) {
			if req.Header.Get("X-Amz-Content-Sha256") == UnsignedPayload {
				req.Header.Set("X-Amz-Content-Sha256", emptyHash)
			} else {
				req.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
			}
		}},
		{"unsigned x-amz header", codeAccessDenied, func(req *http.Request) {
			req.Header.Set("X-Amz-Meta-Late", "1")
		}},
		{"date", codeSignatureDoesNotMatch, func(req *http.Request) {
			req.Header.Set("X-Amz-Date", signTime.Add(time.Second).Format(amzDateLayout))
		}},
	}
	for i := range n {
		req, body := randomRequest(t, rng, srv.URL)
		c := creds
		if rng.IntN(2) == 0 {
			c.SessionToken = fmt.Sprint("token", i)
		}
		hash := UnsignedPayload
		if rng.IntN(2) == 0 {
			hash = PayloadHash(body)
		}
		if err := Sign(req, c, "us-east-1", signTime, hash); err != nil {
			t.Fatal(err)
		}
		tamper := tampers[rng.IntN(len(tampers))]
		tampered := req.Clone(req.Context())
		tampered.Body = io.NopCloser(strings.NewReader(string(body)))
		tamper.f(tampered)
		if err := send(req); err != nil {
			t.Fatalf("request %d: %s %s: %v %v", i, req.Method, req.URL, err, details(err))
		}
		if err := send(tampered); code(err) != tamper.want {
			t.Fatalf("request %d: tampered %s: got %v, want %s", i, tamper.name, err, tamper.want)
		}
	}
}

// TestSignTamperedBody checks that a body changed after signing with its
// hash is refused.
func TestSignTamperedBody(t *testing.T) {
	req := newRequest(t, "PUT", "/bucket/key", "", "hellO")
	signHeader(t, req, PayloadHash([]byte("hello")))
	if err := verifyOverHTTP(t, testVerifier(signTime), req); code(err) != codeContentSHA256Mismatch {
		t.Errorf("got %v", err)
	}
}
