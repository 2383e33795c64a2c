package emulator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

const (
	authKey    = "AKIDAUTHTEST"
	authSecret = "auth/secret+key"
	authOrigin = "https://app.example.com"
)

// authEmulator is an emulator with authentication on, whose clock can be
// moved ahead of the real one.
type authEmulator struct {
	*emulator.Emulator
	endpoint string
	ahead    atomic.Int64 // nanoseconds added to the real time
}

func startAuthEmulator(t *testing.T) *authEmulator {
	t.Helper()
	a := &authEmulator{}
	a.Emulator, a.endpoint, _ = startEmulator(t,
		emulator.WithCredentials("", map[string]string{authKey: authSecret}),
		emulator.WithClock(func() time.Time { return time.Now().Add(time.Duration(a.ahead.Load())) }))
	return a
}

// authClient returns an SDK client with the given credentials that sends its
// requests through tamper, if not nil, after signing them. It does not
// retry, so that a refusal is seen once.
func authClient(endpoint, region, key, secret string, tamper func(*http.Request)) *s3.Client {
	return s3.New(s3.Options{
		Region:           region,
		BaseEndpoint:     aws.String(endpoint),
		UsePathStyle:     true,
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		RetryMaxAttempts: 1,
		HTTPClient: doFunc(func(r *http.Request) (*http.Response, error) {
			if tamper != nil {
				tamper(r)
			}
			return http.DefaultClient.Do(r)
		}),
	})
}

type doFunc func(*http.Request) (*http.Response, error)

func (f doFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// apiError returns the code, message and status of an SDK error.
func apiError(err error) (code, message string, status int) {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		if err == nil {
			return "", "", 0
		}
		return "not an API error: " + err.Error(), "", 0
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), ae.ErrorMessage(), status
}

// TestAuthSDK runs the SDK against the emulator with authentication on: the
// right credentials work, wrong ones and tampered requests get S3's errors.
func TestAuthSDK(t *testing.T) {
	ctx := t.Context()
	a := startAuthEmulator(t)
	good := authClient(a.endpoint, "us-east-1", authKey, authSecret, nil)

	if _, err := good.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("private")}); err != nil {
		t.Fatal(err)
	}
	if _, err := good.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("private"), Key: aws.String("dir/a b+c.txt"),
		Body: strings.NewReader("secret data"), ContentType: aws.String("text/plain"),
		Metadata: map[string]string{"color": "blue"},
	}); err != nil {
		t.Fatal(err)
	}
	out, err := good.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("private"), Key: aws.String("dir/a b+c.txt")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(body) != "secret data" || out.Metadata["color"] != "blue" {
		t.Errorf("GetObject: %q %v", body, out.Metadata)
	}
	rules := []types.CORSRule{{AllowedOrigins: []string{authOrigin}, AllowedMethods: []string{"GET", "PUT"}, AllowedHeaders: []string{"*"}}}
	if _, err := good.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String("private"), CORSConfiguration: &types.CORSConfiguration{CORSRules: rules},
	}); err != nil {
		t.Fatal(err)
	}
	cors, err := good.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("private")})
	if err != nil || len(cors.CORSRules) != 1 || cors.CORSRules[0].AllowedOrigins[0] != authOrigin {
		t.Fatalf("GetBucketCors: %+v, %v", cors, err)
	}
	if list, err := good.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil || len(list.Buckets) != 1 {
		t.Errorf("ListBuckets: %+v, %v", list, err)
	}

	get := func(c *s3.Client, in *s3.GetObjectInput) error {
		if in == nil {
			in = &s3.GetObjectInput{Bucket: aws.String("private"), Key: aws.String("dir/a b+c.txt")}
		}
		out, err := c.GetObject(ctx, in)
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	const mismatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	for _, tc := range []struct {
		name   string
		client *s3.Client
		in     *s3.GetObjectInput
		status int
		code   string
		msg    string
	}{
		{"wrong secret", authClient(a.endpoint, "us-east-1", authKey, "not the secret", nil), nil,
			403, "SignatureDoesNotMatch", mismatch},
		{"unknown key", authClient(a.endpoint, "us-east-1", "AKIDUNKNOWN", authSecret, nil), nil,
			403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."},
		{"other region", authClient(a.endpoint, "eu-west-1", authKey, authSecret, nil), nil,
			400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'"},
		{"signature with one hex digit flipped", authClient(a.endpoint, "us-east-1", authKey, authSecret, func(r *http.Request) {
			h := r.Header.Get("Authorization")
			last := "0"
			if strings.HasSuffix(h, "0") {
				last = "1"
			}
			r.Header.Set("Authorization", h[:len(h)-1]+last)
		}), nil, 403, "SignatureDoesNotMatch", mismatch},
		{"signed header changed after signing", authClient(a.endpoint, "us-east-1", authKey, authSecret, func(r *http.Request) {
			r.Header.Set("Range", "bytes=0-5")
		}), &s3.GetObjectInput{Bucket: aws.String("private"), Key: aws.String("dir/a b+c.txt"), Range: aws.String("bytes=0-2")},
			403, "SignatureDoesNotMatch", mismatch},
		{"path changed after signing", authClient(a.endpoint, "us-east-1", authKey, authSecret, func(r *http.Request) {
			r.URL.Path = strings.Replace(r.URL.Path, "a b+c", "other", 1)
			r.URL.RawPath = ""
		}), nil, 403, "SignatureDoesNotMatch", mismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, msg, status := apiError(get(tc.client, tc.in))
			if code != tc.code || msg != tc.msg || status != tc.status {
				t.Errorf("got %d %s %q\nwant %d %s %q", status, code, msg, tc.status, tc.code, tc.msg)
			}
		})
	}

	// A tampered body: the SDK signed the SHA-256 of the original.
	swap := authClient(a.endpoint, "us-east-1", authKey, authSecret, func(r *http.Request) {
		r.Body = io.NopCloser(strings.NewReader("evil data!!"))
	})
	_, err = swap.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("private"), Key: aws.String("swapped"), Body: strings.NewReader("good data!!")})
	if code, _, status := apiError(err); code != "XAmzContentSHA256Mismatch" || status != 400 {
		t.Errorf("body swapped after signing: %d %s", status, code)
	}
	if _, err := good.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("private"), Key: aws.String("swapped")}); err == nil {
		t.Error("the swapped body was stored")
	}

	// The clock 16 minutes ahead: the SDK's requests are too old.
	a.ahead.Store(int64(16 * time.Minute))
	code, msg, status := apiError(get(good, nil))
	a.ahead.Store(0)
	if code != "RequestTimeTooSkewed" || msg != "The difference between the request time and the current time is too large." || status != 403 {
		t.Errorf("skewed: %d %s %q", status, code, msg)
	}
}

// TestAuthUnsigned checks requests without credentials: refused with
// AccessDenied, with S3's XML body, except preflights.
func TestAuthUnsigned(t *testing.T) {
	a := startAuthEmulator(t)
	if err := a.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	if err := a.PutObject("site", "a.txt", []byte("a"), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/site/a.txt"},
		{"PUT", "/site/b.txt"},
		{"GET", "/site?cors"},
		{"GET", "/"},
		{"HEAD", "/site/a.txt"},
	} {
		req, _ := http.NewRequest(tc.method, a.endpoint+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>` + resp.Header.Get("x-amz-request-id") +
			`</RequestId><HostId>` + resp.Header.Get("x-amz-id-2") + `</HostId></Error>`
		if tc.method == "HEAD" {
			want = ""
		}
		if resp.StatusCode != 403 || string(body) != want || resp.Header.Get("Content-Type") != "application/xml" {
			t.Errorf("%s %s: %d %q\n%s\nwant\n%s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
		}
	}
	// The unsigned PUT stored nothing.
	c := authClient(a.endpoint, "us-east-1", authKey, authSecret, nil)
	_, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String("b.txt")})
	if code, _, status := apiError(err); status != http.StatusNotFound {
		t.Errorf("HeadObject b.txt after the unsigned PUT: %d %s, want 404", status, code)
	}
}

// TestAuthPresigned checks URLs made with the SDK's presigner, their expiry
// and their preflights, and that every refusal to an allowed origin carries
// the bucket's CORS headers.
func TestAuthPresigned(t *testing.T) {
	ctx := t.Context()
	a := startAuthEmulator(t)
	client := authClient(a.endpoint, "us-east-1", authKey, authSecret, nil)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("uploads")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String("uploads"),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
			AllowedOrigins: []string{authOrigin},
			AllowedMethods: []string{"GET", "PUT"},
			AllowedHeaders: []string{"content-type"},
			ExposeHeaders:  []string{"ETag"},
		}}},
	}); err != nil {
		t.Fatal(err)
	}
	presigner := s3.NewPresignClient(client)
	put, err := presigner.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("photos/cat.txt")},
		s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}

	send := func(method, u, origin, body string, header http.Header) (*http.Response, string) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequestWithContext(ctx, method, u, rd)
		for k, v := range header {
			req.Header[k] = v
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}

	// The preflight: no credentials, answered 200 from the configuration.
	resp, body := send("OPTIONS", put.URL, authOrigin, "", http.Header{
		"Access-Control-Request-Method":  {"PUT"},
		"Access-Control-Request-Headers": {"content-type"},
	})
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != authOrigin {
		t.Fatalf("preflight: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// The same preflight without the presigned query, and to a key that
	// does not exist: authentication plays no part.
	resp, _ = send("OPTIONS", a.endpoint+"/uploads/anything", authOrigin, "", http.Header{"Access-Control-Request-Method": {"PUT"}})
	if resp.StatusCode != 200 {
		t.Errorf("preflight without query: %d", resp.StatusCode)
	}

	// A tampered signature, sent from the allowed origin: refused, with the
	// bucket's CORS headers, so that the page can read the error.
	sig := put.URL[strings.Index(put.URL, "X-Amz-Signature=")+len("X-Amz-Signature="):][:64]
	tampered := strings.Replace(put.URL, sig, sig[:63]+flipHex(sig[63]), 1)
	resp, body = send("PUT", tampered, authOrigin, "meow", http.Header{"Content-Type": {"text/plain"}})
	if resp.StatusCode != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("tampered presigned PUT: %d %s", resp.StatusCode, body)
	}
	wantHeaders(t, "tampered presigned PUT", resp, map[string]string{
		"Access-Control-Allow-Origin":   authOrigin,
		"Access-Control-Expose-Headers": "ETag",
		"Vary":                          "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
	})
	// An unsigned GET from the allowed origin: AccessDenied, readable too.
	resp, body = send("GET", a.endpoint+"/uploads/photos/cat.txt", authOrigin, "", nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "<Code>AccessDenied</Code><Message>Access Denied</Message>") ||
		resp.Header.Get("Access-Control-Allow-Origin") != authOrigin {
		t.Errorf("unsigned GET from the allowed origin: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// From another origin: refused all the same, without CORS headers.
	resp, _ = send("PUT", tampered, "https://evil.example.net", "meow", nil)
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("tampered PUT from another origin: %d %v", resp.StatusCode, resp.Header)
	}

	// The untampered URL works, as the browser sends it.
	resp, body = send("PUT", put.URL, authOrigin, "meow", http.Header{"Content-Type": {"text/plain"}})
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" || resp.Header.Get("Access-Control-Allow-Origin") != authOrigin {
		t.Fatalf("presigned PUT: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	get, err := presigner.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String("photos/cat.txt")},
		s3.WithPresignExpires(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	resp, body = send("GET", get.URL, authOrigin, "", nil)
	if resp.StatusCode != 200 || body != "meow" {
		t.Errorf("presigned GET: %d %s", resp.StatusCode, body)
	}
	// A presigned URL is for its method only.
	resp, body = send("DELETE", get.URL, "", "", nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("presigned GET used for DELETE: %d %s", resp.StatusCode, body)
	}

	// Two seconds later the one-second URL has expired; the one-minute
	// URL has not.
	a.ahead.Store(int64(2 * time.Second))
	resp, body = send("GET", get.URL, authOrigin, "", nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "<Code>AccessDenied</Code><Message>Request has expired</Message>") ||
		resp.Header.Get("Access-Control-Allow-Origin") != authOrigin {
		t.Errorf("expired presigned GET: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	resp, _ = send("PUT", put.URL, "", "purr", nil)
	if resp.StatusCode != 200 {
		t.Errorf("presigned PUT within its minute: %d", resp.StatusCode)
	}
	a.ahead.Store(int64(2 * time.Minute))
	resp, body = send("PUT", put.URL, "", "hiss", nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "<Message>Request has expired</Message>") {
		t.Errorf("expired presigned PUT: %d %s", resp.StatusCode, body)
	}
	a.ahead.Store(0)

	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String("photos/cat.txt")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "purr" {
		t.Errorf("object = %q, want purr (the refused uploads must not land)", b)
	}
}

func flipHex(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

// TestAuthOff checks the default: no authentication, any credentials or
// none accepted.
func TestAuthOff(t *testing.T) {
	e, endpoint, _ := startEmulator(t)
	if err := e.CreateBucket("open"); err != nil {
		t.Fatal(err)
	}
	c := authClient(endpoint, "eu-west-1", "ANYKEY", "any secret", nil)
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("open"), Key: aws.String("y"), Body: strings.NewReader("y")}); err != nil {
		t.Errorf("PutObject with unknown credentials: %v", err)
	}
	resp, err := http.Get(endpoint + "/open/y")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "y" {
		t.Errorf("unsigned GET: %d %s", resp.StatusCode, b)
	}
}

// TestWithCredentials checks the option code outside the repository uses.
func TestWithCredentials(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(emulator.New(emulator.WithCredentials("", map[string]string{"AKIDOUTSIDE": "outside-secret"})))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/any/key")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned request: %d, want 403", resp.StatusCode)
	}
}
