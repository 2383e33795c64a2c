package sigv4

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3cors/s3cors/internal/testrequest"
)

// The examples of AWS's documentation of Signature Version 4 for S3
// ("Signature calculations for the Authorization header", "Authenticating
// requests: using query parameters", "Signature calculation: transfer
// payload in multiple chunks"), all signed on 24 May 2013 for us-east-1
// with this key pair.
const (
	exampleAccessKey = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	exampleDate      = "20130524T000000Z"
	exampleScope     = "20130524/us-east-1/s3/aws4_request"
)

func exampleVerifier() *Verifier {
	at, _ := time.Parse(amzDateLayout, exampleDate)
	return &Verifier{
		Secrets: map[string]string{exampleAccessKey: exampleSecret},
		Now:     func() time.Time { return at.Add(time.Minute) },
	}
}

// verifyOverHTTP is v.Verify on req as a loopback server receives it.
func verifyOverHTTP(t *testing.T, v *Verifier, req *http.Request) error {
	t.Helper()
	return testrequest.VerifyOverHTTP(t, v.Verify, req)
}

func exampleRequest(t *testing.T, method, target, host string, body string, headers ...string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://"+host+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for i := 0; i < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// TestDocumentedExamples verifies AWS's published requests and signatures.
func TestDocumentedExamples(t *testing.T) {
	const auth = "AWS4-HMAC-SHA256 Credential=" + exampleAccessKey + "/" + exampleScope + ","
	tests := []struct {
		name string
		req  *http.Request
	}{
		{"GET object", exampleRequest(t, "GET", "/test.txt", "examplebucket.s3.amazonaws.com", "",
			"Range", "bytes=0-9",
			"X-Amz-Content-Sha256", emptyHash,
			"X-Amz-Date", exampleDate,
			"Authorization", auth+"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")},
		{"PUT object", exampleRequest(t, "PUT", "/test$file.text", "examplebucket.s3.amazonaws.com", "Welcome to Amazon S3.",
			"Date", "Fri, 24 May 2013 00:00:00 GMT",
			"X-Amz-Date", exampleDate,
			"X-Amz-Storage-Class", "REDUCED_REDUNDANCY",
			"X-Amz-Content-Sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
			"Authorization", auth+"SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")},
		{"GET bucket lifecycle", exampleRequest(t, "GET", "/?lifecycle", "examplebucket.s3.amazonaws.com", "",
			"X-Amz-Date", exampleDate,
			"X-Amz-Content-Sha256", emptyHash,
			"Authorization", auth+"SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")},
		{"list objects", exampleRequest(t, "GET", "/?max-keys=2&prefix=J", "examplebucket.s3.amazonaws.com", "",
			"X-Amz-Date", exampleDate,
			"X-Amz-Content-Sha256", emptyHash,
			"Authorization", auth+"SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")},
		{"presigned GET", exampleRequest(t, "GET", "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			"examplebucket.s3.amazonaws.com", "")},
		{"chunked upload", chunkedExample(t, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := verifyOverHTTP(t, exampleVerifier(), tc.req); err != nil {
				t.Errorf("Verify: %v (%v)", err, details(err))
			}
		})
	}
}

// chunkedExample is the documented streaming upload: 64 KiB and 1 KiB of
// 'a' in two signed chunks, then the final chunk. chunk1 is the first
// chunk's signature.
func chunkedExample(t *testing.T, chunk1 string) *http.Request {
	body := "10000;chunk-signature=" + chunk1 + "\r\n" + strings.Repeat("a", 65536) + "\r\n" +
		"400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" + strings.Repeat("a", 1024) + "\r\n" +
		"0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"
	req := exampleRequest(t, "PUT", "/examplebucket/chunkObject.txt", "s3.amazonaws.com", body,
		"X-Amz-Date", exampleDate,
		"X-Amz-Storage-Class", "REDUCED_REDUNDANCY",
		"X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
		"Content-Encoding", "aws-chunked",
		"X-Amz-Decoded-Content-Length", "66560",
		"Authorization", "AWS4-HMAC-SHA256 Credential="+exampleAccessKey+"/"+exampleScope+
			",SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class"+
			",Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
	if req.ContentLength != 66824 {
		t.Fatalf("chunked example body: %d bytes, documented 66824", req.ContentLength)
	}
	return req
}

// TestDocumentedCanonicalRequest checks the intermediate results of the
// documented GET object example.
func TestDocumentedCanonicalRequest(t *testing.T) {
	req := exampleRequest(t, "GET", "/test.txt", "examplebucket.s3.amazonaws.com", "",
		"Range", "bytes=0-9", "X-Amz-Content-Sha256", emptyHash, "X-Amz-Date", exampleDate)
	const signed = "host;range;x-amz-content-sha256;x-amz-date"
	canonical := canonicalRequest(req.Method, req.URL, splitSignedHeaders(signed), signed, receivedValues(req), emptyHash, false)
	const wantCanonical = "GET\n/test.txt\n\n" +
		"host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n" +
		"x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
		"x-amz-date:20130524T000000Z\n\n" +
		"host;range;x-amz-content-sha256;x-amz-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if canonical != wantCanonical {
		t.Errorf("canonical request:\n%s\nwant:\n%s", canonical, wantCanonical)
	}
	toSign := stringToSign(exampleDate, exampleScope, canonical)
	const wantToSign = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" +
		"7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
	if toSign != wantToSign {
		t.Errorf("string to sign:\n%s\nwant:\n%s", toSign, wantToSign)
	}
	if got := signature(signingKey(exampleSecret, "20130524", "us-east-1"), toSign); got != "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41" {
		t.Errorf("signature %s", got)
	}
}

// TestDocumentedChunkTampered changes one chunk signature of the documented
// streaming upload, and one byte of its data.
func TestDocumentedChunkTampered(t *testing.T) {
	err := verifyOverHTTP(t, exampleVerifier(), chunkedExample(t, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288649"))
	if code(err) != codeSignatureDoesNotMatch {
		t.Errorf("tampered chunk signature: %v", err)
	}
	req := chunkedExample(t, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648")
	body, _ := io.ReadAll(req.Body)
	body[200] = 'b'
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	if err := verifyOverHTTP(t, exampleVerifier(), req); code(err) != codeSignatureDoesNotMatch {
		t.Errorf("tampered chunk data: %v", err)
	}
}

func code(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return "not an *Error: " + err.Error()
}

func details(err error) []Detail {
	if e, ok := err.(*Error); ok {
		return e.Details
	}
	return nil
}
