package emulator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3cors/s3cors/examples/internal/sdktest"
	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

// startEmulator runs an emulator on loopback and returns it, its URL and an
// SDK client for it.
func startEmulator(t *testing.T, opts ...emulator.Option) (*emulator.Emulator, string, *s3.Client) {
	t.Helper()
	e := emulator.New(opts...)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL, newClient(srv.URL)
}

func newClient(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
}

// wire records the requests a client sends.
type wire struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (w *wire) Do(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.reqs = append(w.reqs, r.Clone(context.Background()))
	w.mu.Unlock()
	return http.DefaultClient.Do(r)
}

func TestSDKRoundTrip(t *testing.T) {
	ctx := t.Context()
	_, endpoint, _ := startEmulator(t)
	var rec wire
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   &rec,
	})
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("site")}); err != nil {
		t.Fatal(err)
	}

	// No configuration yet: the SDK sees S3's error code.
	_, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("site")})
	if code := sdktest.ErrorCode(err); code != "NoSuchCORSConfiguration" {
		t.Fatalf("GetBucketCors without configuration: error code %q (%v), want NoSuchCORSConfiguration", code, err)
	}

	rules := []types.CORSRule{
		{
			ID:             aws.String("Uploads"),
			AllowedOrigins: []string{"https://Z.example.com", "https://a.example.com", "http://*.Example.org"},
			AllowedMethods: []string{"PUT", "POST", "GET"},
			AllowedHeaders: []string{"x-AMZ-meta-*", "Content-Type"},
			ExposeHeaders:  []string{"x-amz-version-id", "ETag"},
			MaxAgeSeconds:  aws.Int32(3000),
		},
		{
			AllowedOrigins: []string{"*"},
			AllowedMethods: []string{"HEAD", "GET"},
		},
	}
	_, err = client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket:            aws.String("site"),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: rules},
	})
	if err != nil {
		t.Fatal(err)
	}
	// What the SDK sent: the emulator verified whichever checksum it was.
	put := rec.reqs[len(rec.reqs)-1]
	t.Logf("PutBucketCors: %s %s, Content-MD5 %q, x-amz-checksum-crc32 %q, x-amz-sdk-checksum-algorithm %q",
		put.Method, put.URL.RequestURI(), put.Header.Get("Content-Md5"),
		put.Header.Get("X-Amz-Checksum-Crc32"), put.Header.Get("X-Amz-Sdk-Checksum-Algorithm"))

	got, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("site")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CORSRules) != len(rules) {
		t.Fatalf("got %d rules, want %d", len(got.CORSRules), len(rules))
	}
	for i, want := range rules {
		g := got.CORSRules[i]
		same := func(what string, a, b []string) {
			if strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Errorf("rule %d %s = %q, want %q", i, what, a, b)
			}
		}
		same("AllowedOrigins", g.AllowedOrigins, want.AllowedOrigins)
		same("AllowedMethods", g.AllowedMethods, want.AllowedMethods)
		same("AllowedHeaders", g.AllowedHeaders, want.AllowedHeaders)
		same("ExposeHeaders", g.ExposeHeaders, want.ExposeHeaders)
		if aws.ToString(g.ID) != aws.ToString(want.ID) || (g.ID == nil) != (want.ID == nil) {
			t.Errorf("rule %d ID = %v, want %v", i, g.ID, want.ID)
		}
		if (g.MaxAgeSeconds == nil) != (want.MaxAgeSeconds == nil) || aws.ToInt32(g.MaxAgeSeconds) != aws.ToInt32(want.MaxAgeSeconds) {
			t.Errorf("rule %d MaxAgeSeconds = %v, want %v", i, g.MaxAgeSeconds, want.MaxAgeSeconds)
		}
	}

	// Delete, twice: 204 both times, and the configuration is gone.
	for range 2 {
		if _, err := client.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String("site")}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("site")})
	if code := sdktest.ErrorCode(err); code != "NoSuchCORSConfiguration" {
		t.Fatalf("GetBucketCors after delete: error code %q, want NoSuchCORSConfiguration", code)
	}
	// The bucket survived DeleteBucketCors (gofakes3 alone would delete it).
	if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("site")}); err != nil {
		t.Fatalf("bucket gone after DeleteBucketCors: %v", err)
	}
}

func TestSDKValidationErrors(t *testing.T) {
	ctx := t.Context()
	e, _, client := startEmulator(t)
	if err := e.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		rules []types.CORSRule
		code  string
		msg   string
	}{
		{"lower-case method", []types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"get"}}},
			"InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is get"},
		// The SDK refuses nil lists itself; empty ones reach the server as
		// rules without the element.
		{"no origin", []types.CORSRule{{AllowedOrigins: []string{}, AllowedMethods: []string{"GET"}}},
			"MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"},
		{"no rules", []types.CORSRule{},
			"MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"},
		{"two wildcards", []types.CORSRule{{AllowedOrigins: []string{"https://*.*.example.com"}, AllowedMethods: []string{"GET"}}},
			"InvalidRequest", `AllowedOrigin "https://*.*.example.com" can not have more than one wildcard.`},
		{"expose wildcard", []types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, ExposeHeaders: []string{"*"}}},
			"InvalidRequest", `ExposeHeader "*" contains wildcard. We currently do not support wildcard for ExposeHeader.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
				Bucket:            aws.String("site"),
				CORSConfiguration: &types.CORSConfiguration{CORSRules: tc.rules},
			})
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v, want an API error", err)
			}
			if ae.ErrorCode() != tc.code || ae.ErrorMessage() != tc.msg {
				t.Errorf("got %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), tc.code, tc.msg)
			}
			var re interface{ HTTPStatusCode() int }
			if errors.As(err, &re) && re.HTTPStatusCode() != http.StatusBadRequest {
				t.Errorf("status %d, want 400", re.HTTPStatusCode())
			}
		})
	}

	_, err := client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String("nonexistent"),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
			{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
		}},
	})
	if code := sdktest.ErrorCode(err); code != "NoSuchBucket" {
		t.Errorf("PutBucketCors on a missing bucket: %q, want NoSuchBucket", code)
	}
	if e.BucketCORS("site") != nil {
		t.Error("a refused configuration was stored")
	}
}

func TestSDKPresignedUpload(t *testing.T) {
	ctx := t.Context()
	e, _, client := startEmulator(t)
	const origin = "https://app.example.com"
	if err := e.CreateBucket("uploads"); err != nil {
		t.Fatal(err)
	}
	_, err := client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String("uploads"),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
			AllowedOrigins: []string{origin},
			AllowedMethods: []string{"PUT"},
			AllowedHeaders: []string{"content-type"},
			ExposeHeaders:  []string{"ETag"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}

	presigned, err := s3.NewPresignClient(client).PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("uploads"),
		Key:    aws.String("photos/cat.txt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if presigned.Method != http.MethodPut {
		t.Fatalf("presigned method %s", presigned.Method)
	}

	// The browser's preflight: no credentials, the presigned query intact.
	pre, _ := http.NewRequestWithContext(ctx, http.MethodOptions, presigned.URL, nil)
	pre.Header.Set("Origin", origin)
	pre.Header.Set("Access-Control-Request-Method", "PUT")
	pre.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	wantHeaders(t, "preflight", resp, map[string]string{
		"Access-Control-Allow-Origin":      origin,
		"Access-Control-Allow-Methods":     "PUT",
		"Access-Control-Allow-Headers":     "content-type",
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Expose-Headers":    "ETag",
		"Vary":                             "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preflight status %d", resp.StatusCode)
	}

	// A preflight from another origin is refused.
	pre.Header.Set("Origin", "https://evil.example.net")
	resp, err = http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" ||
		!strings.Contains(string(body), "<Code>AccessForbidden</Code>") || !strings.Contains(string(body), "<ResourceType>OBJECT</ResourceType>") {
		t.Errorf("preflight from another origin: %d %v %s", resp.StatusCode, resp.Header, body)
	}

	// The upload itself, as the browser sends it.
	req, _ := http.NewRequestWithContext(ctx, presigned.Method, presigned.URL, strings.NewReader("meow"))
	for k, v := range presigned.SignedHeader {
		if k != "Host" {
			req.Header[k] = v
		}
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Content-Type", "text/plain")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned PUT: %d %s", resp.StatusCode, body)
	}
	wantHeaders(t, "presigned PUT", resp, map[string]string{
		"Access-Control-Allow-Origin":      origin,
		"Access-Control-Allow-Methods":     "PUT",
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Expose-Headers":    "ETag",
		"Vary":                             "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
	})
	if resp.Header.Get("ETag") == "" {
		t.Error("presigned PUT: no ETag")
	}

	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String("photos/cat.txt")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(got) != "meow" {
		t.Errorf("object = %q, want meow", got)
	}
}

// TestBackendCORSHeadersRemoved checks that gofakes3's own
// "Access-Control-Allow-Origin: *" never reaches a client.
func TestBackendCORSHeadersRemoved(t *testing.T) {
	e, endpoint, _ := startEmulator(t)
	if err := e.CreateBucket("plain"); err != nil {
		t.Fatal(err)
	}
	if err := e.PutObject("plain", "a.txt", []byte("a"), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, origin string }{
		{"GET", "/plain/a.txt", ""},
		{"GET", "/plain/a.txt", "https://x.example"}, // bucket without CORS
		{"GET", "/plain/missing", "https://x.example"},
		{"GET", "/", "https://x.example"}, // service endpoint
		{"GET", "/", ""},
		{"GET", "/nonexistent/a", "https://x.example"},
	} {
		req, _ := http.NewRequest(tc.method, endpoint+tc.path, nil)
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for k := range resp.Header {
			if strings.HasPrefix(k, "Access-Control-") || k == "Vary" {
				t.Errorf("%s %s (Origin %q): unexpected %s: %s", tc.method, tc.path, tc.origin, k, resp.Header.Get(k))
			}
		}
	}

	// Deleting the bucket drops its configuration; a new bucket of the same
	// name starts without one.
	client := newClient(endpoint)
	ctx := t.Context()
	_, err := client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String("plain"),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
			{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("plain"), Key: aws.String("a.txt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("plain")}); err != nil {
		t.Fatal(err)
	}
	if e.BucketCORS("plain") != nil {
		t.Error("configuration survived DeleteBucket")
	}
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("plain")}); err != nil {
		t.Fatal(err)
	}
	_, err = client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("plain")})
	if code := sdktest.ErrorCode(err); code != "NoSuchCORSConfiguration" {
		t.Errorf("re-created bucket: %q, want NoSuchCORSConfiguration", code)
	}
}

// TestServiceEndpointPreflight checks W3 with P1 first: a preflight to "/"
// without Origin gets S3's 400, with one the emulator's 403 (D22).
func TestServiceEndpointPreflight(t *testing.T) {
	_, endpoint, _ := startEmulator(t)
	tests := []struct {
		origin string
		status int
		body   string
	}{
		{"https://x.example", http.StatusForbidden, "<Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message><Method>GET</Method><ResourceType>SERVICE</ResourceType>"},
		{"", http.StatusBadRequest, "<Code>BadRequest</Code><Message>Insufficient information. Origin request header needed.</Message><RequestId>"},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(http.MethodOptions, endpoint+"/", nil)
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		req.Header.Set("Access-Control-Request-Method", "GET")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Access-Control-Allow-Origin") != "" || !strings.Contains(string(body), tc.body) {
			t.Errorf("OPTIONS / (Origin %q): %d %s", tc.origin, resp.StatusCode, body)
		}
	}
}

func TestDigests(t *testing.T) {
	e, endpoint, _ := startEmulator(t)
	if err := e.CreateBucket("digests"); err != nil {
		t.Fatal(err)
	}
	const doc = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`
	for _, tc := range []struct {
		header, value string
		status        int
		code          string
	}{
		{"Content-MD5", "PlOiWsAGCo1fMYSQa3D0/w==", 400, "BadDigest"}, // a digest of something else
		{"Content-MD5", "not base64!", 400, "InvalidDigest"},
		{"Content-MD5", "AAAA", 400, "InvalidDigest"}, // 3 bytes
		{"x-amz-checksum-crc32", "AAAAAA==", 400, "BadDigest"},
		{"x-amz-checksum-crc32", "?", 400, "InvalidRequest"},
		{"x-amz-checksum-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", 400, "BadDigest"},
		{"Content-MD5", md5Of(doc), 200, ""},
		{"x-amz-checksum-crc32", crc32Of(doc), 200, ""},
		{"x-amz-checksum-crc32c", crc32cOf(doc), 200, ""},
		{"x-amz-checksum-sha1", sha1Of(doc), 200, ""},
		{"x-amz-checksum-sha256", sha256Of(doc), 200, ""},
		{"", "", 400, "InvalidRequest"}, // one of them is required (V1, D23)
	} {
		req, _ := http.NewRequest(http.MethodPut, endpoint+"/digests?cors", strings.NewReader(doc))
		if tc.header != "" {
			req.Header.Set(tc.header, tc.value)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || (tc.code != "" && !strings.Contains(string(body), "<Code>"+tc.code+"</Code>")) {
			t.Errorf("%s: %q: got %d %s, want %d %s", tc.header, tc.value, resp.StatusCode, body, tc.status, tc.code)
		}
	}
}

func wantHeaders(t *testing.T, what string, resp *http.Response, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := strings.Join(resp.Header.Values(k), ", "); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}
