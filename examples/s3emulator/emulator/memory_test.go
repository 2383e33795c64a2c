package emulator_test

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

// largeCORSBody returns a reader of a PutBucketCors body of size bytes,
// far larger than S3 accepts, made as it is read: an opening tag and
// spaces.
func largeCORSBody(size int64) io.Reader {
	return io.MultiReader(strings.NewReader("<CORSConfiguration>"), io.LimitReader(spaces{}, size-int64(len("<CORSConfiguration>"))))
}

type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

type counted struct {
	r io.Reader
	n int64
}

func (c *counted) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestLargeSignedBodyBounded sends a signed PutBucketCors of 64 MiB, with
// the right SHA-256 and Content-MD5, to an emulator with authentication on:
// it is refused for its size (MaxMessageLengthExceeded, V5) after reading
// no more than the limit, rule.MaxDocumentSize + 1 bytes, and the heap does
// not grow by anything like the body's size while it is refused.
func TestLargeSignedBodyBounded(t *testing.T) {
	const size = 64 << 20
	const key, secret = "AKIDLARGE", "large-secret"
	e := emulator.New(emulator.WithCredentials("", map[string]string{key: secret}))
	if err := e.CreateBucket("big"); err != nil {
		t.Fatal(err)
	}
	sha, md := sha256.New(), md5.New()
	if _, err := io.Copy(io.MultiWriter(sha, md), largeCORSBody(size)); err != nil {
		t.Fatal(err)
	}

	body := &counted{r: largeCORSBody(size)}
	req := httptest.NewRequest(http.MethodPut, "http://127.0.0.1/big?cors", body)
	req.ContentLength = size
	req.Header.Set("Content-Length", strconv.Itoa(size))
	req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(md.Sum(nil)))
	if err := sigv4.Sign(req, sigv4.Credentials{AccessKeyID: key, SecretAccessKey: secret}, "us-east-1", time.Now(), hex.EncodeToString(sha.Sum(nil))); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	e.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)

	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("64 MiB signed PutBucketCors: %d bytes of the body read, %d bytes allocated, heap in use %+d bytes",
		body.n, allocated, int64(after.HeapInuse)-int64(before.HeapInuse))
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "<Code>MaxMessageLengthExceeded</Code>") {
		t.Errorf("got %d %s, want 400 MaxMessageLengthExceeded", rec.Code, rec.Body)
	}
	if body.n > rule.MaxDocumentSize+1 {
		t.Errorf("read %d bytes of the body, want at most %d", body.n, rule.MaxDocumentSize+1)
	}
	if allocated > 8<<20 {
		t.Errorf("allocated %d bytes while refusing a body of %d", allocated, size)
	}
}

// TestSignedBodyMismatch checks that a body whose SHA-256 is not the one
// it was signed with is refused with S3's XAmzContentSHA256Mismatch (400),
// with CORS headers for an allowed origin, whether the handler behind
// authentication is the ?cors API or gofakes3, and that nothing is stored.
func TestSignedBodyMismatch(t *testing.T) {
	const key, secret = "AKIDMISMATCH", "mismatch-secret"
	e := emulator.New(emulator.WithCredentials("", map[string]string{key: secret}))
	if err := e.CreateBucket("mismatch"); err != nil {
		t.Fatal(err)
	}
	doc := `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`
	if err := e.SetBucketCORS("mismatch", &rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"PUT"}}}}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/mismatch?cors", "/mismatch/object"} {
		signed := strings.Replace(doc, "PUT", "GET", 1)
		req := httptest.NewRequest(http.MethodPut, "http://127.0.0.1"+target, strings.NewReader(doc))
		req.Header.Set("Content-Length", strconv.Itoa(len(doc)))
		req.Header.Set("Origin", "https://app.example.com")
		digest := md5.Sum([]byte(doc)) // PutBucketCors requires it (V1); it matches the body sent
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(digest[:]))
		sum := sha256.Sum256([]byte(signed))
		if err := sigv4.Sign(req, sigv4.Credentials{AccessKeyID: key, SecretAccessKey: secret}, "us-east-1", time.Now(), hex.EncodeToString(sum[:])); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "<Code>XAmzContentSHA256Mismatch</Code>") ||
			rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Errorf("PUT %s: %d %v %s", target, rec.Code, rec.Header(), rec.Body)
		}
	}
	if c := e.BucketCORS("mismatch"); c == nil || c.Rules[0].AllowedMethods[0] != "PUT" {
		t.Errorf("configuration after the refused PutBucketCors: %+v", c)
	}
}
