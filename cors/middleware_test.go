package cors_test

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// mwConfig is the bucket configuration most middleware tests use.
const mwConfig = `{"CORSRules": [
	{"AllowedOrigins": ["https://app.example.com", "https://*.example.net"],
	 "AllowedMethods": ["GET", "PUT", "POST"],
	 "AllowedHeaders": ["content-type", "x-amz-*"],
	 "ExposeHeaders": ["ETag", "x-amz-version-id"],
	 "MaxAgeSeconds": 3000},
	{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]}
]}`

const mwVaryS3 = varyValue

const mwNotAllowed = messageNotAllowed

// corsNames are the response fields of a match, checked absent elsewhere.
var mwCORSNames = []string{
	"Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers", "Access-Control-Expose-Headers",
	"Access-Control-Max-Age", "Access-Control-Allow-Credentials", "Vary",
}

func mwPolicy(t testing.TB, doc string) *cors.Policy {
	t.Helper()
	c, err := rule.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := cors.Compile(c)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

// mwRequest builds a request; hdr alternates names and values, a name may
// repeat to send several lines.
func mwRequest(method, target string, hdr ...string) *http.Request {
	r := httptest.NewRequest(method, "http://bucket.s3.example"+target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	return r
}

// mwServe runs h on r and returns what would go on the wire.
func mwServe(h http.Handler, r *http.Request) (*http.Response, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// mwOK is the inner handler of most tests: 200 "ok".
var mwOK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions {
		panic("preflight reached the wrapped handler")
	}
	io.WriteString(w, "ok")
})

// mwErrorDoc is the parsed XML error body of a refused preflight.
type mwErrorDoc struct {
	XMLName      xml.Name `xml:"Error"`
	Code         string
	Message      string
	Method       string
	ResourceType string
	RequestId    string
	HostId       string
}

func mwParseError(t testing.TB, body string) mwErrorDoc {
	t.Helper()
	d, err := mwDecodeError([]byte(body))
	if err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return d
}

func mwDecodeError(body []byte) (mwErrorDoc, error) {
	var d mwErrorDoc
	err := xml.Unmarshal(body, &d)
	return d, err
}

// mwWant is what a test expects on the wire.
type mwWant struct {
	status  int
	headers map[string]string // exact value, lines joined with ", "
	absent  []string
	err     *mwErrorDoc // Code, Message, Method, ResourceType compared
	body    string      // compared when err is nil and body is not ""
}

func mwCheck(t testing.TB, resp *http.Response, body string, want mwWant) {
	t.Helper()
	if want.status != 0 && resp.StatusCode != want.status {
		t.Errorf("status %d, want %d", resp.StatusCode, want.status)
	}
	for name, v := range want.headers {
		got, ok := resp.Header[http.CanonicalHeaderKey(name)]
		if !ok {
			t.Errorf("%s missing, want %q", name, v)
			continue
		}
		if len(got) != 1 {
			t.Errorf("%s has %d lines %q, want one", name, len(got), got)
		}
		if j := strings.Join(got, ", "); j != v {
			t.Errorf("%s = %q, want %q", name, j, v)
		}
	}
	for _, name := range want.absent {
		if got, ok := resp.Header[http.CanonicalHeaderKey(name)]; ok {
			t.Errorf("%s = %q, want it absent", name, got)
		}
	}
	if want.err != nil {
		d := mwParseError(t, body)
		if d.Code != want.err.Code || d.Message != want.err.Message || d.Method != want.err.Method || d.ResourceType != want.err.ResourceType {
			t.Errorf("error %+v, want %+v", d, *want.err)
		}
		if d.RequestId == "" || d.RequestId != resp.Header.Get("X-Amz-Request-Id") {
			t.Errorf("RequestId %q, header %q", d.RequestId, resp.Header.Get("X-Amz-Request-Id"))
		}
		if d.HostId == "" || d.HostId != resp.Header.Get("X-Amz-Id-2") {
			t.Errorf("HostId %q, header %q", d.HostId, resp.Header.Get("X-Amz-Id-2"))
		}
	} else if want.body != "" && body != want.body {
		t.Errorf("body %q, want %q", body, want.body)
	}
}

func TestMiddlewarePreflight(t *testing.T) {
	p := mwPolicy(t, mwConfig)
	okHeaders := func(origin string, extra ...string) map[string]string {
		m := map[string]string{
			"Access-Control-Allow-Origin":      origin,
			"Access-Control-Allow-Methods":     "GET, PUT, POST",
			"Access-Control-Expose-Headers":    "ETag, x-amz-version-id",
			"Access-Control-Max-Age":           "3000",
			"Access-Control-Allow-Credentials": "true",
			"Vary":                             mwVaryS3,
		}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	refused := []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
		"Access-Control-Expose-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Credentials", "Vary"}
	tests := []struct {
		name   string
		policy *cors.Policy
		req    *http.Request
		want   mwWant
	}{
		{"P1/no-origin", p,
			mwRequest("OPTIONS", "/key", "Access-Control-Request-Method", "GET"),
			mwWant{status: 400,
				headers: map[string]string{"Content-Type": "application/xml", "Connection": "close"},
				absent:  refused,
				err:     &mwErrorDoc{Code: "BadRequest", Message: messageNoOrigin}}},
		{"P1+D7/empty-origin", p,
			mwRequest("OPTIONS", "/key", "Origin", "", "Access-Control-Request-Method", "GET"),
			mwWant{status: 400, absent: refused,
				err: &mwErrorDoc{Code: "BadRequest", Message: messageNoOrigin}}},
		{"P1/no-origin-missing-bucket", cors.MissingBucket(),
			mwRequest("OPTIONS", "/key"),
			mwWant{status: 400, err: &mwErrorDoc{Code: "BadRequest", Message: messageNoOrigin}}},
		{"P2/missing-bucket-with-acrm", cors.MissingBucket(),
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"),
			mwWant{status: 403,
				headers: map[string]string{"Content-Type": "application/xml"},
				absent:  append([]string{"Connection"}, refused...),
				err:     &mwErrorDoc{Code: "AccessForbidden", Message: messageBucketNotFound, Method: "PUT", ResourceType: "BUCKET"}}},
		{"P2/missing-bucket-no-acrm", cors.MissingBucket(),
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com"),
			mwWant{status: 403,
				err: &mwErrorDoc{Code: "AccessForbidden", Message: messageBucketNotFound, Method: "OPTIONS", ResourceType: "BUCKET"}}},
		{"P3/not-enabled-object-url", nil,
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"),
			mwWant{status: 403, absent: refused,
				err: &mwErrorDoc{Code: "AccessForbidden", Message: messageNotEnabled, Method: "PUT", ResourceType: "BUCKET"}}},
		{"D2/no-acrm", p,
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com"),
			mwWant{status: 400,
				headers: map[string]string{"Content-Type": "application/xml", "Connection": "close"},
				absent:  refused,
				err:     &mwErrorDoc{Code: "BadRequest", Message: messageInvalidRequestMethod + "null"}}},
		{"D2/acrm-patch", p,
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PATCH"),
			mwWant{status: 400, absent: refused,
				err: &mwErrorDoc{Code: "BadRequest", Message: messageInvalidRequestMethod + "PATCH"}}},
		{"P5/wrong-origin-object", p,
			mwRequest("OPTIONS", "/key", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT"),
			mwWant{status: 403,
				headers: map[string]string{"Content-Type": "application/xml"},
				absent:  append([]string{"Connection"}, refused...),
				err:     &mwErrorDoc{Code: "AccessForbidden", Message: mwNotAllowed, Method: "PUT", ResourceType: "OBJECT"}}},
		{"P5/wrong-origin-bucket", p,
			mwRequest("OPTIONS", "/", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT"),
			mwWant{status: 403, absent: refused,
				err: &mwErrorDoc{Code: "AccessForbidden", Message: mwNotAllowed, Method: "PUT", ResourceType: "BUCKET"}}},
		{"P5/header-not-allowed", p,
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT",
				"Access-Control-Request-Headers", "content-type, authorization"),
			mwWant{status: 403, absent: refused,
				err: &mwErrorDoc{Code: "AccessForbidden", Message: mwNotAllowed, Method: "PUT", ResourceType: "OBJECT"}}},
		{"P6/exact-origin", p,
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"),
			mwWant{status: 200, headers: okHeaders("https://app.example.com"),
				absent: []string{"Access-Control-Allow-Headers", "Content-Type", "Connection", "X-Amz-Request-Id", "X-Amz-Id-2"}}},
		{"P6+H4/requested-headers-two-lines", p,
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT",
				"Access-Control-Request-Headers", "Content-Type", "Access-Control-Request-Headers", "X-Amz-Date"),
			mwWant{status: 200, headers: okHeaders("https://app.example.com", "Access-Control-Allow-Headers", "content-type, x-amz-date")}},
		{"P6+M4/wildcard-origin-echoed", p,
			mwRequest("OPTIONS", "/key", "Origin", "https://img.example.net", "Access-Control-Request-Method", "POST"),
			mwWant{status: 200, headers: okHeaders("https://img.example.net")}},
		{"P6+D7/first-origin-line", p,
			mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Origin", "https://evil.example.org",
				"Access-Control-Request-Method", "GET"),
			mwWant{status: 200, headers: okHeaders("https://app.example.com")}},
		{"P6+H1+H2/star-rule", p,
			mwRequest("OPTIONS", "/", "Origin", "https://other.example.org", "Access-Control-Request-Method", "HEAD"),
			mwWant{status: 200,
				headers: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD", "Vary": mwVaryS3},
				absent:  []string{"Access-Control-Allow-Credentials", "Access-Control-Max-Age", "Access-Control-Expose-Headers", "Content-Type"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := mwServe(tt.policy.Handler(mwOK), tt.req)
			mwCheck(t, resp, body, tt.want)
			if tt.want.status == 200 && body != "" {
				t.Errorf("body %q, want empty", body)
			}
		})
	}
}

// TestMiddlewarePreflightBody checks a refused preflight's body byte for
// byte (E1, E3) and that its header was flushed before the body (E2).
func TestMiddlewarePreflightBody(t *testing.T) {
	h := mwPolicy(t, mwConfig).Handler(mwOK, cors.WithRequestIDs(func(*http.Request) (string, string) {
		return "0123456789ABCDEF", "host/id+=="
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, mwRequest("OPTIONS", "/photos/cat.jpg", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT"))
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>AccessForbidden</Code><Message>` + mwNotAllowed + `</Message><Method>PUT</Method>` +
		`<ResourceType>OBJECT</ResourceType><RequestId>0123456789ABCDEF</RequestId><HostId>host/id+==</HostId></Error>`
	if got := rec.Body.String(); got != want {
		t.Errorf("body\n%s\nwant\n%s", got, want)
	}
	if !rec.Flushed {
		t.Error("header not flushed before the body")
	}
	if got := rec.Header().Get("X-Amz-Request-Id"); got != "0123456789ABCDEF" {
		t.Errorf("X-Amz-Request-Id %q", got)
	}
	if got := rec.Header().Get("X-Amz-Id-2"); got != "host/id+==" {
		t.Errorf("X-Amz-Id-2 %q", got)
	}
}

// TestMiddlewareRequestIDs checks the ID headers of preflight answers and
// their shape (D15).
func TestMiddlewareRequestIDs(t *testing.T) {
	p := mwPolicy(t, mwConfig)
	ok := func() *http.Request {
		return mwRequest("OPTIONS", "/k", "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET")
	}
	bad := func() *http.Request {
		return mwRequest("OPTIONS", "/k", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT")
	}
	t.Run("default", func(t *testing.T) {
		h := p.Handler(mwOK)
		resp, _ := mwServe(h, ok())
		if v := resp.Header.Values("X-Amz-Request-Id"); v != nil {
			t.Errorf("accepted preflight has X-Amz-Request-Id %q", v)
		}
		seen := map[string]bool{}
		for range 3 {
			resp, body := mwServe(h, bad())
			id, host := resp.Header.Get("X-Amz-Request-Id"), resp.Header.Get("X-Amz-Id-2")
			if !regexp.MustCompile(`^[0-9A-F]{16}$`).MatchString(id) {
				t.Errorf("request id %q", id)
			}
			if !regexp.MustCompile(`^[A-Za-z0-9+/]{75}=$`).MatchString(host) {
				t.Errorf("host id %q", host)
			}
			if seen[id] {
				t.Errorf("request id %q repeated", id)
			}
			seen[id] = true
			d := mwParseError(t, body)
			if d.RequestId != id || d.HostId != host {
				t.Errorf("body ids %q %q, headers %q %q", d.RequestId, d.HostId, id, host)
			}
		}
	})
	t.Run("hook", func(t *testing.T) {
		calls := 0
		h := p.Handler(mwOK, cors.WithRequestIDs(func(r *http.Request) (string, string) {
			calls++
			return "REQ" + r.URL.Path, "HOST"
		}))
		for _, r := range []*http.Request{ok(), bad()} {
			resp, _ := mwServe(h, r)
			if got := resp.Header.Get("X-Amz-Request-Id"); got != "REQ/k" {
				t.Errorf("%d: X-Amz-Request-Id %q", resp.StatusCode, got)
			}
			if got := resp.Header.Get("X-Amz-Id-2"); got != "HOST" {
				t.Errorf("%d: X-Amz-Id-2 %q", resp.StatusCode, got)
			}
		}
		if resp, _ := mwServe(h, ok()); resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || resp.Header.Get("Vary") != mwVaryS3 {
			t.Errorf("accepted preflight with request IDs lost its CORS fields: %v", resp.Header)
		}
		calls--
		mwServe(h, mwRequest("GET", "/k", "Origin", "https://app.example.com"))
		if calls != 2 {
			t.Errorf("hook called %d times, want 2 (preflights only)", calls)
		}
	})
}

func TestMiddlewareActual(t *testing.T) {
	p := mwPolicy(t, mwConfig)
	match := map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example.com",
		"Access-Control-Allow-Methods":     "GET, PUT, POST",
		"Access-Control-Expose-Headers":    "ETag, x-amz-version-id",
		"Access-Control-Max-Age":           "3000",
		"Access-Control-Allow-Credentials": "true",
		"Vary":                             mwVaryS3,
	}
	tests := []struct {
		name   string
		policy *cors.Policy
		req    *http.Request
		want   mwWant
	}{
		{"W1+R1/no-origin", p, mwRequest("GET", "/key"),
			mwWant{status: 200, absent: mwCORSNames, body: "ok"}},
		{"W1/referer-is-not-origin", p, mwRequest("GET", "/key", "Referer", "https://app.example.com/page"),
			mwWant{status: 200, absent: mwCORSNames, body: "ok"}},
		{"D7/empty-origin", p, mwRequest("GET", "/key", "Origin", ""),
			mwWant{status: 200, absent: mwCORSNames, body: "ok"}},
		{"R2/not-enabled", nil, mwRequest("GET", "/key", "Origin", "https://app.example.com"),
			mwWant{status: 200, absent: mwCORSNames, body: "ok"}},
		{"R6/missing-bucket", cors.MissingBucket(), mwRequest("GET", "/key", "Origin", "https://app.example.com"),
			mwWant{status: 200, absent: mwCORSNames, body: "ok"}},
		{"R3/wrong-origin", p, mwRequest("GET", "/key", "Origin", "https://evil.example.org.attacker"),
			mwWant{status: 200, headers: map[string]string{"Access-Control-Allow-Origin": "*", "Vary": mwVaryS3}}},
		{"R3/wrong-method-exact-origin-falls-to-star", p, mwRequest("DELETE", "/key", "Origin", "https://app.example.com"),
			mwWant{status: 200, absent: mwCORSNames, body: "ok"}},
		{"R4/get", p, mwRequest("GET", "/key", "Origin", "https://app.example.com"),
			mwWant{status: 200, headers: match, absent: []string{"Access-Control-Allow-Headers"}, body: "ok"}},
		{"R4/put", p, mwRequest("PUT", "/key", "Origin", "https://app.example.com"),
			mwWant{status: 200, headers: match, body: "ok"}},
		{"M2/acrm-on-get-decides", p, mwRequest("GET", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE"),
			mwWant{status: 200, absent: mwCORSNames, body: "ok"}},
		{"M6/acrh-on-get-not-allowed", p, mwRequest("PUT", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Headers", "authorization"),
			mwWant{status: 200, absent: mwCORSNames, body: "ok"}},
		{"M6+H4/acrh-on-put-allowed", p, mwRequest("PUT", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Headers", "X-Amz-Meta-A"),
			mwWant{status: 200, headers: map[string]string{"Access-Control-Allow-Headers": "x-amz-meta-a", "Vary": mwVaryS3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := mwServe(tt.policy.Handler(mwOK), tt.req)
			mwCheck(t, resp, body, tt.want)
		})
	}
}

// TestMiddlewareNoOriginUntouched checks W1: without Origin the handler gets
// the original ResponseWriter and its own headers, CORS ones included, go
// out as it set them.
func TestMiddlewareNoOriginUntouched(t *testing.T) {
	rec := httptest.NewRecorder()
	var got http.ResponseWriter
	h := mwPolicy(t, mwConfig).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = w
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Vary", "Accept-Encoding")
	}))
	h.ServeHTTP(rec, mwRequest("GET", "/key"))
	if got != rec {
		t.Errorf("handler got %T, want the original writer", got)
	}
	if v := rec.Header().Values("Access-Control-Allow-Origin"); len(v) != 1 || v[0] != "*" {
		t.Errorf("Access-Control-Allow-Origin %q", v)
	}
	if v := rec.Header().Values("Vary"); len(v) != 1 || v[0] != "Accept-Encoding" {
		t.Errorf("Vary %q", v)
	}
}

// TestMiddlewareHandlerHeaders covers handlers that set CORS headers or Vary
// themselves, write early, or write nothing (R4, R5).
func TestMiddlewareHandlerHeaders(t *testing.T) {
	p := mwPolicy(t, mwConfig)
	allowed := func() *http.Request { return mwRequest("GET", "/key", "Origin", "https://app.example.com") }
	refusedOrigin := func() *http.Request { return mwRequest("DELETE", "/key", "Origin", "https://app.example.com") }
	tests := []struct {
		name    string
		req     *http.Request
		handler http.HandlerFunc
		want    mwWant
	}{
		{"R4/handler-star-replaced", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Add("Access-Control-Allow-Methods", "PATCH")
			w.Header()["access-control-allow-credentials"] = []string{"false"}
			io.WriteString(w, "ok")
		}, mwWant{status: 200, headers: map[string]string{
			"Access-Control-Allow-Origin":      "https://app.example.com",
			"Access-Control-Allow-Methods":     "GET, PUT, POST",
			"Access-Control-Allow-Credentials": "true",
		}, body: "ok"}},
		{"R3/handler-cors-removed-without-match", refusedOrigin(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Expose-Headers", "ETag")
			w.Header().Set("Access-Control-Allow-Private-Network", "true")
			w.Header().Set("Vary", "Accept-Encoding")
			w.Header().Set("ETag", `"abc"`)
		}, mwWant{status: 200,
			headers: map[string]string{"Vary": "Accept-Encoding", "ETag": `"abc"`},
			absent:  []string{"Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Access-Control-Allow-Private-Network"}}},
		{"H7/vary-merged", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "Accept-Encoding")
		}, mwWant{headers: map[string]string{"Vary": "Accept-Encoding, " + mwVaryS3}}},
		{"H7/vary-two-lines-merged", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Accept-Encoding")
			w.Header().Add("Vary", "ORIGIN, Accept")
		}, mwWant{headers: map[string]string{"Vary": "Accept-Encoding, ORIGIN, Accept, Access-Control-Request-Headers, Access-Control-Request-Method"}}},
		{"H7/vary-trailing-comma-dropped", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "Accept-Encoding, ")
		}, mwWant{headers: map[string]string{"Vary": "Accept-Encoding, " + mwVaryS3}}},
		{"H7/vary-empty-elements-dropped", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", ",Accept-Encoding,, ")
			w.Header().Add("Vary", " , ")
		}, mwWant{headers: map[string]string{"Vary": "Accept-Encoding, " + mwVaryS3}}},
		{"H7/vary-origin-not-repeated", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "origin")
		}, mwWant{headers: map[string]string{"Vary": "origin, Access-Control-Request-Headers, Access-Control-Request-Method"}}},
		{"H7/vary-complete-kept", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "access-control-request-method,Origin , Access-Control-Request-Headers")
		}, mwWant{headers: map[string]string{"Vary": "access-control-request-method,Origin , Access-Control-Request-Headers"}}},
		{"H7/vary-star-kept", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "*")
		}, mwWant{headers: map[string]string{"Vary": "*"}}},
		{"R5/404-written-first", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			w.Header().Set("Access-Control-Allow-Origin", "*") // too late: ignored
			io.WriteString(w, "<Error><Code>NoSuchKey</Code></Error>")
		}, mwWant{status: 404, headers: map[string]string{
			"Access-Control-Allow-Origin": "https://app.example.com", "Vary": mwVaryS3, "Content-Type": "application/xml",
		}, body: "<Error><Code>NoSuchKey</Code></Error>"}},
		{"R5/403-auth-error", allowed(), func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "AccessDenied", http.StatusForbidden)
		}, mwWant{status: 403, headers: map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "Vary": mwVaryS3}}},
		{"R4/writes-nothing", allowed(), func(w http.ResponseWriter, r *http.Request) {},
			mwWant{status: 200, headers: map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "Vary": mwVaryS3}}},
		{"R4/read-from", allowed(), func(w http.ResponseWriter, r *http.Request) {
			io.Copy(w, strings.NewReader("copied"))
		}, mwWant{status: 200, headers: map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}, body: "copied"}},
		{"R4/write-string", allowed(), func(w http.ResponseWriter, r *http.Request) {
			w.(io.StringWriter).WriteString("s")
		}, mwWant{status: 200, headers: map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}, body: "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := mwServe(p.Handler(tt.handler), tt.req)
			mwCheck(t, resp, body, tt.want)
		})
	}
}

func TestMiddlewareFlush(t *testing.T) {
	p := mwPolicy(t, mwConfig)
	for _, how := range []string{"Flusher", "ResponseController"} {
		t.Run(how, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h := p.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if how == "Flusher" {
					w.(http.Flusher).Flush()
				} else if err := http.NewResponseController(w).Flush(); err != nil {
					t.Errorf("Flush: %v", err)
				}
				w.Header().Set("Access-Control-Allow-Origin", "*") // after the header went out
			}))
			h.ServeHTTP(rec, mwRequest("GET", "/key", "Origin", "https://app.example.com"))
			if !rec.Flushed {
				t.Error("not flushed")
			}
			resp := rec.Result()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
				t.Errorf("Access-Control-Allow-Origin %q", got)
			}
		})
	}
}

// mwDeadlineWriter is a ResponseWriter with a write deadline, reachable
// through http.ResponseController only by unwrapping.
type mwDeadlineWriter struct {
	*httptest.ResponseRecorder
	deadline time.Time
}

func (w *mwDeadlineWriter) SetWriteDeadline(t time.Time) error { w.deadline = t; return nil }

func TestMiddlewareUnwrap(t *testing.T) {
	dw := &mwDeadlineWriter{ResponseRecorder: httptest.NewRecorder()}
	when := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	h := mwPolicy(t, mwConfig).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok || u.Unwrap() != dw {
			t.Errorf("%T does not unwrap to the original writer", w)
		}
		if err := http.NewResponseController(w).SetWriteDeadline(when); err != nil {
			t.Errorf("SetWriteDeadline: %v", err)
		}
		if err := http.NewResponseController(w).EnableFullDuplex(); !errors.Is(err, http.ErrNotSupported) {
			t.Errorf("EnableFullDuplex: %v, want ErrNotSupported", err)
		}
	}))
	h.ServeHTTP(dw, mwRequest("PUT", "/key", "Origin", "https://app.example.com"))
	if !dw.deadline.Equal(when) {
		t.Errorf("deadline %v, want %v", dw.deadline, when)
	}
}

// mwInterimWriter records the header at every WriteHeader.
type mwInterimWriter struct {
	*httptest.ResponseRecorder
	sent []string
}

func (w *mwInterimWriter) WriteHeader(code int) {
	w.sent = append(w.sent, http.StatusText(code)+":"+w.Header().Get("Access-Control-Allow-Origin"))
	if code >= 200 {
		w.ResponseRecorder.WriteHeader(code)
	}
}

// TestMiddlewareInterimResponses checks that the CORS headers go into the
// final response, not into a 103 Early Hints sent before it.
func TestMiddlewareInterimResponses(t *testing.T) {
	iw := &mwInterimWriter{ResponseRecorder: httptest.NewRecorder()}
	h := mwPolicy(t, mwConfig).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.WriteHeader(http.StatusOK)
	}))
	h.ServeHTTP(iw, mwRequest("GET", "/key", "Origin", "https://app.example.com"))
	want := []string{"Early Hints:", "OK:https://app.example.com"}
	if strings.Join(iw.sent, "|") != strings.Join(want, "|") {
		t.Errorf("sent %q, want %q", iw.sent, want)
	}

	// A CORS field the handler set before the interim response does not
	// leak into it, even for an origin no rule allows.
	iw = &mwInterimWriter{ResponseRecorder: httptest.NewRecorder()}
	h = mwPolicy(t, mwConfig).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.WriteHeader(http.StatusEarlyHints)
		w.WriteHeader(http.StatusOK)
	}))
	h.ServeHTTP(iw, mwRequest("PUT", "/key", "Origin", "https://evil.example.org"))
	want = []string{"Early Hints:", "OK:"}
	if strings.Join(iw.sent, "|") != strings.Join(want, "|") {
		t.Errorf("disallowed origin: sent %q, want %q", iw.sent, want)
	}
}

// TestMiddlewareStaticTarget checks Policy.Handler's target detection: ""
// and "/" address the bucket, anything else an object.
func TestMiddlewareStaticTarget(t *testing.T) {
	h := mwPolicy(t, mwConfig).Handler(mwOK)
	for path, want := range map[string]string{"": "BUCKET", "/": "BUCKET", "/key": "OBJECT", "/a/b/": "OBJECT", "//": "OBJECT"} {
		r := mwRequest("OPTIONS", "", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT")
		r.URL.Path = path
		resp, body := mwServe(h, r)
		if resp.StatusCode != 403 {
			t.Fatalf("%q: status %d", path, resp.StatusCode)
		}
		if d := mwParseError(t, body); d.ResourceType != want {
			t.Errorf("path %q: ResourceType %q, want %q", path, d.ResourceType, want)
		}
	}
}

// TestMiddlewareCacheSafeVary checks the opt-in Vary departure (D14).
func TestMiddlewareCacheSafeVary(t *testing.T) {
	p := mwPolicy(t, mwConfig)
	varyAE := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept-Encoding")
		w.Header().Set("Access-Control-Allow-Origin", "https://handler.example")
		io.WriteString(w, "ok")
	}
	tests := []struct {
		name    string
		policy  *cors.Policy
		req     *http.Request
		handler http.HandlerFunc
		off, on []string // Vary lines without and with the option; nil = absent
	}{
		{"no-origin", p, mwRequest("GET", "/key"), mwOK, nil, []string{"Origin"}},
		{"no-origin-handler-vary", p, mwRequest("GET", "/key"), varyAE,
			[]string{"Accept-Encoding"}, []string{"Accept-Encoding, Origin"}},
		{"no-match", p, mwRequest("DELETE", "/key", "Origin", "https://app.example.com"), mwOK, nil, []string{"Origin"}},
		{"no-match-handler-vary", p, mwRequest("DELETE", "/key", "Origin", "https://app.example.com"), varyAE,
			[]string{"Accept-Encoding"}, []string{"Accept-Encoding, Origin"}},
		{"match", p, mwRequest("GET", "/key", "Origin", "https://app.example.com"), mwOK,
			[]string{mwVaryS3}, []string{mwVaryS3}},
		{"not-enabled", nil, mwRequest("GET", "/key", "Origin", "https://app.example.com"), mwOK, nil, nil},
		{"not-enabled-no-origin", nil, mwRequest("GET", "/key"), mwOK, nil, nil},
		{"missing-bucket", cors.MissingBucket(), mwRequest("GET", "/key", "Origin", "https://app.example.com"), mwOK, nil, nil},
		{"preflight-refused", p, mwRequest("OPTIONS", "/key", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT"), mwOK,
			nil, []string{mwVaryS3}},
		{"preflight-no-origin", p, mwRequest("OPTIONS", "/key", "Access-Control-Request-Method", "GET"), mwOK,
			nil, []string{mwVaryS3}},
		{"preflight-not-enabled", nil, mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET"), mwOK,
			nil, nil},
		{"preflight-accepted", p, mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET"), mwOK,
			[]string{mwVaryS3}, []string{mwVaryS3}},
	}
	for _, tt := range tests {
		for _, on := range []bool{false, true} {
			name := tt.name + "/off"
			want := tt.off
			var opts []cors.Option
			if on {
				name, want, opts = tt.name+"/on", tt.on, []cors.Option{cors.WithCacheSafeVary()}
			}
			t.Run(name, func(t *testing.T) {
				r := tt.req.Clone(tt.req.Context())
				resp, _ := mwServe(tt.policy.Handler(tt.handler, opts...), r)
				if got := resp.Header.Values("Vary"); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("Vary %q, want %q", got, want)
				}
			})
		}
	}
}

func TestMiddlewarePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"nil resolver": func() { cors.Middleware(nil) },
		"nil handler": func() {
			cors.Middleware(cors.ResolverFunc(func(*http.Request) (*cors.Policy, cors.Target) { return nil, 0 }))(nil)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestMiddlewareLoopback drives a real server with net/http clients and
// checks what only a real connection shows: chunked error bodies, Connection:
// close on 400, Content-Length: 0 on an accepted preflight (E2, P1, P5, P6).
func TestMiddlewareLoopback(t *testing.T) {
	p := mwPolicy(t, mwConfig)
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hijack" {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			defer conn.Close()
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
			buf.Flush()
			return
		}
		if r.URL.Path == "/hijacker" {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			conn.Write([]byte("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"))
			conn.Close()
			return
		}
		if r.URL.Path == "/missing" {
			http.Error(w, "NoSuchKey", http.StatusNotFound)
			return
		}
		io.WriteString(w, "ok")
	})
	srv := httptest.NewServer(p.Handler(inner))
	defer srv.Close()
	client := srv.Client()

	do := func(method, path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Add(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	chunked := func(t *testing.T, resp *http.Response) {
		t.Helper()
		if len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
			t.Errorf("Transfer-Encoding %q, want chunked", resp.TransferEncoding)
		}
		if resp.ContentLength != -1 || resp.Header.Get("Content-Length") != "" {
			t.Errorf("Content-Length %d %q, want none", resp.ContentLength, resp.Header.Get("Content-Length"))
		}
	}

	t.Run("P1/400-chunked-close", func(t *testing.T) {
		resp, body := do("OPTIONS", "/key", "Access-Control-Request-Method", "GET")
		mwCheck(t, resp, body, mwWant{status: 400,
			headers: map[string]string{"Content-Type": "application/xml"},
			absent:  mwCORSNames,
			err:     &mwErrorDoc{Code: "BadRequest", Message: messageNoOrigin}})
		chunked(t, resp)
		if !resp.Close {
			t.Error("connection not closed")
		}
	})
	t.Run("D2/400-chunked-close", func(t *testing.T) {
		resp, body := do("OPTIONS", "/key", "Origin", "https://app.example.com")
		mwCheck(t, resp, body, mwWant{status: 400,
			err: &mwErrorDoc{Code: "BadRequest", Message: messageInvalidRequestMethod + "null"}})
		chunked(t, resp)
		if !resp.Close {
			t.Error("connection not closed")
		}
	})
	t.Run("P1/400-raw-wire", func(t *testing.T) {
		// The client hides Connection; read the bytes as sent.
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "OPTIONS /key HTTP/1.1\r\nHost: bucket\r\nAccess-Control-Request-Method: GET\r\n\r\n")
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		raw, err := io.ReadAll(conn) // the server closes the connection
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
		for _, line := range []string{"HTTP/1.1 400 Bad Request", "Connection: close", "Transfer-Encoding: chunked", "Content-Type: application/xml"} {
			if !strings.Contains(head+"\r\n", line+"\r\n") {
				t.Errorf("response head lacks %q:\n%s", line, head)
			}
		}
		if strings.Contains(head, "Content-Length") {
			t.Errorf("response head has Content-Length:\n%s", head)
		}
	})
	t.Run("P5/403-chunked-keep-alive", func(t *testing.T) {
		resp, body := do("OPTIONS", "/", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT")
		mwCheck(t, resp, body, mwWant{status: 403,
			headers: map[string]string{"Content-Type": "application/xml"},
			absent:  append([]string{"Connection"}, mwCORSNames...),
			err:     &mwErrorDoc{Code: "AccessForbidden", Message: mwNotAllowed, Method: "PUT", ResourceType: "BUCKET"}})
		chunked(t, resp)
		if resp.Close {
			t.Error("connection closed after 403")
		}
	})
	t.Run("P6/200-empty", func(t *testing.T) {
		resp, body := do("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT",
			"Access-Control-Request-Headers", "content-type,x-amz-date")
		mwCheck(t, resp, body, mwWant{status: 200, headers: map[string]string{
			"Access-Control-Allow-Origin":  "https://app.example.com",
			"Access-Control-Allow-Headers": "content-type, x-amz-date",
			"Content-Length":               "0",
			"Vary":                         mwVaryS3,
		}, absent: []string{"Content-Type", "Transfer-Encoding"}})
		if resp.ContentLength != 0 || body != "" {
			t.Errorf("Content-Length %d, body %q", resp.ContentLength, body)
		}
	})
	t.Run("R4/get", func(t *testing.T) {
		resp, body := do("GET", "/key", "Origin", "https://app.example.com")
		mwCheck(t, resp, body, mwWant{status: 200, headers: map[string]string{
			"Access-Control-Allow-Origin": "https://app.example.com", "Vary": mwVaryS3,
		}, body: "ok"})
	})
	t.Run("R5/404", func(t *testing.T) {
		resp, _ := do("GET", "/missing", "Origin", "https://app.example.com")
		mwCheck(t, resp, "", mwWant{status: 404, headers: map[string]string{
			"Access-Control-Allow-Origin": "https://app.example.com", "Vary": mwVaryS3,
		}})
	})
	t.Run("R1/no-origin", func(t *testing.T) {
		resp, body := do("GET", "/key")
		mwCheck(t, resp, body, mwWant{status: 200, absent: mwCORSNames, body: "ok"})
	})
	t.Run("hijack/ResponseController", func(t *testing.T) {
		_, body := do("GET", "/hijack", "Origin", "https://app.example.com")
		if body != "hijacked" {
			t.Errorf("body %q", body)
		}
	})
	t.Run("hijack/Hijacker", func(t *testing.T) {
		resp, _ := do("GET", "/hijacker", "Origin", "https://app.example.com")
		if resp.StatusCode != 204 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}

// Writers with chosen optional interfaces, for the tests of the wrapper.
type (
	plainWriter    struct{ rec *httptest.ResponseRecorder }
	flushOnly      struct{ plainWriter }
	hijackOnly     struct{ plainWriter }
	readFromOnly   struct{ plainWriter }
	flushHijack    struct{ plainWriter }
	flushReadFrom  struct{ plainWriter }
	hijackReadFrom struct{ plainWriter }
	allInterfaces  struct{ plainWriter }
)

func (w plainWriter) Header() http.Header         { return w.rec.Header() }
func (w plainWriter) Write(b []byte) (int, error) { return w.rec.Write(b) }
func (w plainWriter) WriteHeader(code int)        { w.rec.WriteHeader(code) }
func (w plainWriter) flush()                      { w.rec.Flush() }
func (w plainWriter) readFrom(r io.Reader) (int64, error) {
	return io.Copy(w.rec, r)
}

// hijack fails as it does on HTTP/2 and for recorders.
func (plainWriter) hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, http.ErrNotSupported
}

func (w flushOnly) Flush()                                         { w.flush() }
func (w hijackOnly) Hijack() (net.Conn, *bufio.ReadWriter, error)  { return w.hijack() }
func (w readFromOnly) ReadFrom(r io.Reader) (int64, error)         { return w.readFrom(r) }
func (w flushHijack) Flush()                                       { w.flush() }
func (w flushHijack) Hijack() (net.Conn, *bufio.ReadWriter, error) { return w.hijack() }
func (w flushReadFrom) Flush()                                     { w.flush() }
func (w flushReadFrom) ReadFrom(r io.Reader) (int64, error)        { return w.readFrom(r) }
func (w hijackReadFrom) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.hijack()
}
func (w hijackReadFrom) ReadFrom(r io.Reader) (int64, error) { return w.readFrom(r) }
func (w allInterfaces) Flush()                               { w.flush() }
func (w allInterfaces) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.hijack()
}
func (w allInterfaces) ReadFrom(r io.Reader) (int64, error) { return w.readFrom(r) }

// TestMiddlewareWriterInterfaces checks that the writer the wrapped handler
// gets offers http.Flusher, http.Hijacker and io.ReaderFrom exactly when
// the server's writer does, so that a handler probing for them is told the
// truth, and that each of them applies the CORS fields.
func TestMiddlewareWriterInterfaces(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                    string
		wrap                    func(plainWriter) http.ResponseWriter
		flush, hijack, readFrom bool
	}{
		{"none", func(w plainWriter) http.ResponseWriter { return w }, false, false, false},
		{"flush", func(w plainWriter) http.ResponseWriter { return flushOnly{w} }, true, false, false},
		{"hijack", func(w plainWriter) http.ResponseWriter { return hijackOnly{w} }, false, true, false},
		{"readfrom", func(w plainWriter) http.ResponseWriter { return readFromOnly{w} }, false, false, true},
		{"flush-hijack", func(w plainWriter) http.ResponseWriter { return flushHijack{w} }, true, true, false},
		{"flush-readfrom", func(w plainWriter) http.ResponseWriter { return flushReadFrom{w} }, true, false, true},
		{"hijack-readfrom", func(w plainWriter) http.ResponseWriter { return hijackReadFrom{w} }, false, true, true},
		{"all", func(w plainWriter) http.ResponseWriter { return allInterfaces{w} }, true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mwPolicy(t, mwConfig).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, flush := w.(http.Flusher)
				_, hijack := w.(http.Hijacker)
				_, readFrom := w.(io.ReaderFrom)
				assert.Equal(t, tc.flush, flush, "http.Flusher")
				assert.Equal(t, tc.hijack, hijack, "http.Hijacker")
				assert.Equal(t, tc.readFrom, readFrom, "io.ReaderFrom")
				_, stringWriter := w.(io.StringWriter)
				assert.True(t, stringWriter, "io.StringWriter")
				w.Header().Set("Access-Control-Allow-Origin", "*")
				switch {
				case hijack: // fails, and the handler answers instead
					_, _, err := w.(http.Hijacker).Hijack()
					assert.ErrorIs(t, err, http.ErrNotSupported)
					w.WriteHeader(http.StatusTeapot)
				case readFrom:
					_, err := w.(io.ReaderFrom).ReadFrom(strings.NewReader("body"))
					assert.NoError(t, err)
				case flush:
					w.(http.Flusher).Flush()
				default:
					assert.ErrorIs(t, http.NewResponseController(w).Flush(), http.ErrNotSupported)
				}
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(tc.wrap(plainWriter{rec}), mwRequest("GET", "/key", "Origin", "https://app.example.com"))
			// R4, R5: whatever path the response took, S3's fields replace the
			// handler's.
			assert.Equal(t, "https://app.example.com", rec.Header().Get("Access-Control-Allow-Origin"))
			assert.Equal(t, "true", rec.Header().Get("Access-Control-Allow-Credentials"))
		})
	}
}

// TestMiddlewareFlushUnsupported checks that a flush the writer cannot do
// does not fix the fields early: Access-Control-* fields the handler sets
// afterwards are still replaced (R4, D28).
func TestMiddlewareFlushUnsupported(t *testing.T) {
	t.Parallel()
	h := mwPolicy(t, mwConfig).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.ErrorIs(t, http.NewResponseController(w).Flush(), http.ErrNotSupported)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Max-Age", "1")
		w.WriteHeader(http.StatusOK)
	}))
	for _, tc := range []struct {
		method string
		match  bool
	}{{"PUT", true}, {"DELETE", false}} { // no rule allows DELETE
		rec := httptest.NewRecorder()
		h.ServeHTTP(plainWriter{rec}, mwRequest(tc.method, "/key", "Origin", "https://app.example.com"))
		if tc.match {
			assert.Equal(t, "https://app.example.com", rec.Header().Get("Access-Control-Allow-Origin"))
			assert.Equal(t, "3000", rec.Header().Get("Access-Control-Max-Age"))
		} else {
			assert.Empty(t, rec.Header().Values("Access-Control-Allow-Origin"), "R3: the handler's field removed")
			assert.Empty(t, rec.Header().Values("Access-Control-Max-Age"))
		}
	}
}

// TestMiddlewareValuesOwnMemory checks that every header value the
// middleware sets is a slice of its own, of capacity one: a handler or an
// outer middleware that appends to one field or rewrites its value changes
// no other field, and no other response.
func TestMiddlewareValuesOwnMemory(t *testing.T) {
	h := mwPolicy(t, mwConfig).Handler(mwOK, cors.WithRequestIDs(func(*http.Request) (string, string) { return "REQ", "HOST" }))
	for _, tt := range []struct {
		name string
		req  func() *http.Request
	}{
		{"P6/preflight", func() *http.Request {
			return mwRequest("OPTIONS", "/k", "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT",
				"Access-Control-Request-Headers", "content-type")
		}},
		{"P5/refused-preflight", func() *http.Request {
			return mwRequest("OPTIONS", "/k", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT")
		}},
		{"R4/actual", func() *http.Request { return mwRequest("GET", "/k", "Origin", "https://app.example.com") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			first, second := httptest.NewRecorder(), httptest.NewRecorder()
			h.ServeHTTP(first, tt.req())
			want := first.Header().Clone()
			h.ServeHTTP(second, tt.req())
			got := second.Header()
			for name, vals := range got {
				if cap(vals) != 1 {
					t.Errorf("%s: capacity %d, want 1", name, cap(vals))
				}
				vals[0] = "changed"
				got[name] = append(vals, "appended")
			}
			for name, vals := range first.Header() {
				if !slices.Equal(vals, want[name]) {
					t.Errorf("changing the second response changed the first one's %s: %q, was %q", name, vals, want[name])
				}
			}
		})
	}
}

// TestMiddlewarePreflightOuterHeaders checks that a preflight answer
// replaces the Access-Control-* fields an outer handler put into the header
// map and merges its Vary (P6, H7).
func TestMiddlewarePreflightOuterHeaders(t *testing.T) {
	h := mwPolicy(t, mwConfig).Handler(mwOK)
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Methods", "PATCH")
		w.Header().Set("Vary", "Accept-Encoding")
		w.Header().Set("Strict-Transport-Security", "max-age=63072000")
		h.ServeHTTP(w, r)
	})
	for _, tt := range []struct {
		name string
		req  *http.Request
		want mwWant
	}{
		{"P6/accepted", mwRequest("OPTIONS", "/key", "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET"),
			mwWant{status: 200, headers: map[string]string{
				"Access-Control-Allow-Origin":  "https://app.example.com",
				"Access-Control-Allow-Methods": "GET, PUT, POST",
				"Vary":                         "Accept-Encoding, " + mwVaryS3,
				"Strict-Transport-Security":    "max-age=63072000",
			}}},
		{"P5/refused", mwRequest("OPTIONS", "/key", "Origin", "https://evil.example.org", "Access-Control-Request-Method", "PUT"),
			mwWant{status: 403,
				headers: map[string]string{"Vary": "Accept-Encoding", "Strict-Transport-Security": "max-age=63072000"},
				absent:  []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods"},
				err:     &mwErrorDoc{Code: "AccessForbidden", Message: mwNotAllowed, Method: "PUT", ResourceType: "OBJECT"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := mwServe(outer, tt.req)
			mwCheck(t, resp, body, tt.want)
		})
	}
}

// TestMiddlewareQueryIgnored checks D9 and W2: query parameters, presigned
// signatures and credentials do not change a preflight's answer.
func TestMiddlewareQueryIgnored(t *testing.T) {
	h := mwPolicy(t, mwConfig).Handler(mwOK)
	base := []string{"Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT"}
	want, wantBody := mwServe(h, mwRequest("OPTIONS", "/key", base...))
	for _, target := range []string{
		"/key?versionId=3HL4kqtJlcpXroDTDmJ",
		"/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=bad",
		"/key?uploads",
	} {
		for _, extra := range [][]string{nil, {"Authorization", "AWS4-HMAC-SHA256 Credential=forged"}, {"Cookie", "session=1"}} {
			got, body := mwServe(h, mwRequest("OPTIONS", target, append(append([]string{}, base...), extra...)...))
			if got.StatusCode != want.StatusCode || body != wantBody ||
				got.Header.Get("Access-Control-Allow-Origin") != want.Header.Get("Access-Control-Allow-Origin") ||
				got.Header.Get("Access-Control-Allow-Methods") != want.Header.Get("Access-Control-Allow-Methods") {
				t.Errorf("%s %v: %d %v, want %d %v", target, extra, got.StatusCode, got.Header, want.StatusCode, want.Header)
			}
		}
	}
	if want.StatusCode != http.StatusOK {
		t.Fatalf("baseline preflight: %d", want.StatusCode)
	}
}
