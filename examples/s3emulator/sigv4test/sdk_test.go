package sigv4test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/internal/testrequest"
)

// Values of X-Amz-Content-Sha256.
const (
	emptyHash                = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	streamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// The requests of these tests are signed by the AWS SDK for Go v2's signer,
// the one its S3 client uses, and verified on a loopback server.
var (
	signTime = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	creds    = aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "se/cr+et"}
)

func testVerifier(now time.Time) *sigv4.Verifier {
	return &sigv4.Verifier{
		Secrets: map[string]string{creds.AccessKeyID: creds.SecretAccessKey},
		Now:     func() time.Time { return now },
	}
}

// s3Signer signs as the SDK's S3 client does: the path is escaped once, by
// the caller (URL.RawPath), and not again by the signer.
var s3Signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })

// newRequest returns a request for path (unescaped) and rawQuery, with the
// path escaped as S3 clients escape it.
func newRequest(t *testing.T, method, path, rawQuery, body string) *http.Request {
	t.Helper()
	return testrequest.New(t, method, path, rawQuery, body)
}

func signHeader(t *testing.T, req *http.Request, payloadHash string) {
	t.Helper()
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	if err := s3Signer.SignHTTP(context.Background(), creds, req, payloadHash, "s3", "us-east-1", signTime); err != nil {
		t.Fatal(err)
	}
}

func presign(t *testing.T, req *http.Request, expires time.Duration) *http.Request {
	t.Helper()
	q := req.URL.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	req.URL.RawQuery = q.Encode()
	u, h, err := s3Signer.PresignHTTP(context.Background(), creds, req, sigv4.UnsignedPayload, "s3", "us-east-1", signTime)
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(req.Method, u, req.Body)
	if err != nil {
		t.Fatal(err)
	}
	out.ContentLength = req.ContentLength
	for k, v := range h {
		if k != "Host" {
			out.Header[k] = v
		}
	}
	return out
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestSDKSigned verifies requests signed by the SDK: awkward paths, queries
// and header values, every payload mode.
func TestSDKSigned(t *testing.T) {
	v := testVerifier(signTime.Add(30 * time.Second))
	t.Run("GET with awkward path, query and headers", func(t *testing.T) {
		req := newRequest(t, "GET", "/bucket/dir/a b+c!~'(x)*,;=é/%41/.././/end",
			"b=2&a=1&a=0&empty&sp=a%20b&slash=x%2Fy&plus=1%2B1&uni=%C3%A9&star=*&tilde=~", "")
		req.Header.Set("X-Amz-Meta-Spaces", "  two   inner  spaces ")
		req.Header.Add("X-Amz-Meta-Multi", "one")
		req.Header.Add("X-Amz-Meta-Multi", " two ")
		req.Header.Set("Range", "bytes=0-9")
		signHeader(t, req, emptyHash)
		if err := verifyOverHTTP(t, v, req); err != nil {
			t.Errorf("%v %v", err, details(err))
		}
	})
	t.Run("service endpoint", func(t *testing.T) {
		req := newRequest(t, "GET", "/", "x-id=ListBuckets", "")
		signHeader(t, req, emptyHash)
		if err := verifyOverHTTP(t, v, req); err != nil {
			t.Errorf("%v %v", err, details(err))
		}
	})
	t.Run("PUT with a hashed payload", func(t *testing.T) {
		req := newRequest(t, "PUT", "/bucket/key", "", "hello")
		req.Header.Set("Content-Type", "text/plain")
		signHeader(t, req, sha("hello"))
		if err := verifyOverHTTP(t, v, req); err != nil {
			t.Errorf("%v %v", err, details(err))
		}
	})
	t.Run("PUT with a hashed payload, other body", func(t *testing.T) {
		req := newRequest(t, "PUT", "/bucket/key", "", "hellO")
		signHeader(t, req, sha("hello"))
		err := verifyOverHTTP(t, v, req)
		if code(err) != "XAmzContentSHA256Mismatch" || err.(*sigv4.Error).Detail("S3ComputedContentSHA256") != sha("hellO") {
			t.Errorf("%v %v", err, details(err))
		}
	})
	t.Run("PUT with UNSIGNED-PAYLOAD", func(t *testing.T) {
		req := newRequest(t, "PUT", "/bucket/key", "", "anything")
		signHeader(t, req, sigv4.UnsignedPayload)
		if err := verifyOverHTTP(t, v, req); err != nil {
			t.Errorf("%v %v", err, details(err))
		}
	})
	t.Run("presigned GET", func(t *testing.T) {
		req := presign(t, newRequest(t, "GET", "/bucket/photos/cat 1.png", "response-content-type=image%2Fpng", ""), time.Hour)
		if err := verifyOverHTTP(t, v, req); err != nil {
			t.Errorf("%v %v", err, details(err))
		}
	})
	t.Run("presigned PUT with signed headers", func(t *testing.T) {
		req := newRequest(t, "PUT", "/bucket/up.txt", "", "data")
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set("X-Amz-Meta-Color", "blue")
		if err := verifyOverHTTP(t, v, presign(t, req, 5*time.Minute)); err != nil {
			t.Errorf("%v %v", err, details(err))
		}
	})
}

// TestStreaming verifies uploads in aws-chunked encoding with trailers: the
// chunks are signed with the SDK's stream signer, the trailer by hand.
func TestStreaming(t *testing.T) {
	v := testVerifier(signTime.Add(30 * time.Second))
	build := func(t *testing.T, mode string, tamperTrailer bool) *http.Request {
		chunks := []string{strings.Repeat("x", 8192), "tail"}
		trailer := "x-amz-checksum-crc32:AAAAAA==\n"
		req := newRequest(t, "PUT", "/bucket/streamed", "", "")
		req.Header.Set("Content-Encoding", "aws-chunked")
		req.Header.Set("X-Amz-Decoded-Content-Length", "8196")
		req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		signHeader(t, req, mode)
		seed := req.Header.Get("Authorization")
		seed = seed[strings.LastIndex(seed, "=")+1:]
		var body strings.Builder
		if mode == streamingUnsignedTrailer {
			for _, c := range chunks {
				body.WriteString(strings.ToLower(hexLen(len(c))) + "\r\n" + c + "\r\n")
			}
			body.WriteString("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")
		} else {
			seedBytes, _ := hex.DecodeString(seed)
			ss := v4.NewStreamSigner(creds, "s3", "us-east-1", seedBytes)
			var prev []byte
			for _, c := range append(chunks, "") {
				sig, err := ss.GetSignature(context.Background(), nil, []byte(c), signTime)
				if err != nil {
					t.Fatal(err)
				}
				prev = sig
				body.WriteString(hexLen(len(c)) + ";chunk-signature=" + hex.EncodeToString(sig) + "\r\n" + c)
				if c != "" {
					body.WriteString("\r\n")
				}
			}
			// The trailer's string to sign, computed independently of the
			// package.
			h := sha256.Sum256([]byte(trailer))
			toSign := "AWS4-HMAC-SHA256-TRAILER\n" + signTime.Format("20060102T150405Z") + "\n20260501/us-east-1/s3/aws4_request\n" +
				hex.EncodeToString(prev) + "\n" + hex.EncodeToString(h[:])
			key := []byte("AWS4" + creds.SecretAccessKey)
			for _, s := range []string{"20260501", "us-east-1", "s3", "aws4_request", toSign} {
				m := hmac.New(sha256.New, key)
				m.Write([]byte(s))
				key = m.Sum(nil)
			}
			if tamperTrailer {
				key[0] ^= 1
			}
			body.WriteString("x-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:" + hex.EncodeToString(key) + "\r\n\r\n")
		}
		req.Body = io.NopCloser(strings.NewReader(body.String()))
		req.ContentLength = int64(body.Len())
		return req
	}
	for _, tc := range []struct {
		name, mode string
		tamper     bool
		want       string
	}{
		{"signed chunks with a signed trailer", streamingSignedTrailer, false, ""},
		{"signed chunks with a tampered trailer", streamingSignedTrailer, true, "SignatureDoesNotMatch"},
		{"unsigned chunks with a trailer", streamingUnsignedTrailer, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := verifyOverHTTP(t, v, build(t, tc.mode, tc.tamper)); code(err) != tc.want {
				t.Errorf("got %v %v, want %q", err, details(err), tc.want)
			}
		})
	}
}

func hexLen(n int) string {
	const digits = "0123456789abcdef"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n >>= 4 {
		b = append([]byte{digits[n&15]}, b...)
	}
	return string(b)
}

// verifyOverHTTP is v.Verify on req as a loopback server receives it.
func verifyOverHTTP(t *testing.T, v *sigv4.Verifier, req *http.Request) error {
	t.Helper()
	return testrequest.VerifyOverHTTP(t, v.Verify, req)
}

func code(err error) string {
	if e, ok := err.(*sigv4.Error); ok {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return "not an *Error: " + err.Error()
}

func details(err error) []sigv4.Detail {
	if e, ok := err.(*sigv4.Error); ok {
		return e.Details
	}
	return nil
}
