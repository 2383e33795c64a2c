package sigv4

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseAuthorization(t *testing.T) {
	a, err := ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
	if err != nil {
		t.Fatal(err)
	}
	want := Authorization{
		Credential:    Credential{"AKID", "20130524", "us-east-1", "s3", "aws4_request"},
		SignedHeaders: "host;x-amz-date",
		Signature:     "abc",
	}
	if a != want || a.Credential.Scope() != "20130524/us-east-1/s3/aws4_request" {
		t.Errorf("got %+v", a)
	}
	// Any order, with or without spaces after the commas.
	b, err := ParseAuthorization("AWS4-HMAC-SHA256 Signature=abc,Credential=AKID/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-date")
	if err != nil || b != want {
		t.Errorf("reordered: %+v, %v", b, err)
	}

	const m = "The authorization header is malformed; "
	for value, want := range map[string]string{
		"":                       "InvalidArgument Unsupported Authorization Type",
		"Bearer x":               "InvalidArgument Unsupported Authorization Type",
		"AWS4-HMAC-SHA25 x":      "InvalidArgument Unsupported Authorization Type",
		"AWS AKID:sig":           "InvalidRequest " + messageUnsupportedMechanism,
		"AWS4-ECDSA-P256-SHA256": "InvalidRequest " + messageUnsupportedMechanism,
		"AWS4-HMAC-SHA256":       "AuthorizationHeaderMalformed " + m + messageThreeComponents,
		"AWS4-HMAC-SHA256 Credential=A/20130524/us-east-1/s3/aws4_request, Signature=x":                       "AuthorizationHeaderMalformed " + m + messageThreeComponents,
		"AWS4-HMAC-SHA256 Credential=A/20130524/us-east-1/s3, SignedHeaders=host, Signature=x":                "AuthorizationHeaderMalformed " + m + messageCredentialMalformed,
		"AWS4-HMAC-SHA256 Credential=/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x":    "AuthorizationHeaderMalformed " + m + messageEmptyAccessKey,
		"AWS4-HMAC-SHA256 Credential=A/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature":     "AuthorizationHeaderMalformed " + m + `the authorization component "Signature" is malformed.`,
		"AWS4-HMAC-SHA256 Credential=a=b/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x": "AuthorizationHeaderMalformed " + m + `the authorization component "Credential=a=b/20130524/us-east-1/s3/aws4_request" is malformed.`,
		"AWS4-HMAC-SHA256 Credential=A/1/2/3/4, SignedHeaders=host, Signature=x, Signature=y":                 "AuthorizationHeaderMalformed " + m + `the authorization component "Signature=y" is malformed.`,
		"AWS4-HMAC-SHA256 Credential=A/1/2/3/4, SignedHeaders=host, Signature=x, Extra=y":                     "AuthorizationHeaderMalformed " + m + `the authorization component "Extra=y" is malformed.`,
	} {
		_, err := ParseAuthorization(value)
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("%q: %v, want %s", value, err, want)
			continue
		}
		if got := e.Code + " " + e.Message; got != want || e.Status != http.StatusBadRequest {
			t.Errorf("%q: %d %s\nwant 400 %s", value, e.Status, got, want)
		}
	}
}

// FuzzParseAuthorization checks that the parser never panics, refuses with
// 400 errors only, and accepts only what it can render back.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
		"AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request,SignedHeaders=host,Signature=abc",
		"AWS4-HMAC-SHA256 ,,, Credential=//// ,Signature=x",
		"AWS4-HMAC-SHA256 Credential==, SignedHeaders=;;, Signature= ",
		"AWS AKID:c2ln",
		"Bearer ",
		"",
		"AWS4-HMAC-SHA256\x00Credential=a/b/c/d/e",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		a, err := ParseAuthorization(value)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Status != http.StatusBadRequest || e.Code == "" || e.Message == "" {
				t.Fatalf("%q: error %#v", value, err)
			}
			return
		}
		c := a.Credential
		if c.AccessKeyID == "" || a.SignedHeaders == "" || a.Signature == "" ||
			strings.Contains(c.AccessKeyID+c.Date+c.Region+c.Service+c.Terminal, "/") {
			t.Fatalf("%q: accepted as %+v", value, a)
		}
		again := "AWS4-HMAC-SHA256 Credential=" + c.AccessKeyID + "/" + c.Scope() +
			", SignedHeaders=" + a.SignedHeaders + ", Signature=" + a.Signature
		if b, err := ParseAuthorization(again); err != nil || b != a {
			t.Fatalf("%q: accepted as %+v, which renders as %q and parses as %+v, %v", value, a, again, b, err)
		}
	})
}

// FuzzVerifyChunks checks that the check of aws-chunked bodies never
// panics, accepts no body without the right signatures, and reaches the
// same verdict however the body is split into reads.
func FuzzVerifyChunks(f *testing.F) {
	key := signingKey(exampleSecret, "20130524", "us-east-1")
	newChain := func() *chain {
		return &chain{key: key, timestamp: exampleDate, scope: exampleScope,
			previous: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"}
	}
	f.Add([]byte("0;chunk-signature=x\r\n\r\n"), false, uint8(1))
	f.Add([]byte("4;chunk-signature=x\r\nabcd\r\n0;chunk-signature=y\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:z\r\n\r\n"), true, uint8(3))
	f.Add([]byte("ffffffffffffffff;chunk-signature=x\r\n"), false, uint8(0))
	f.Add([]byte("-1;chunk-signature=\r\n\r\n"), true, uint8(7))
	f.Fuzz(func(t *testing.T, body []byte, trailer bool, split uint8) {
		e := checkChunks(body, newChain(), trailer, int(split))
		if e == nil {
			t.Fatalf("%q accepted", body)
		}
		if e.Code != codeSignatureDoesNotMatch && e.Code != codeIncompleteBody {
			t.Fatalf("%q: %v", body, e)
		}
		if whole := checkChunks(body, newChain(), trailer, 0); whole.Code != e.Code {
			t.Fatalf("%q: %v in reads of %d bytes, %v in one", body, e, split, whole)
		}
	})
}

// checkChunks runs a chunkCheck over body in slices of split bytes (0: the
// whole body at once) and returns its verdict.
func checkChunks(body []byte, c *chain, trailer bool, split int) *Error {
	k := newChunkCheck(c, trailer)
	if split <= 0 {
		split = len(body)
	}
	for len(body) > 0 {
		n := min(split, len(body))
		if _, e := k.consume(body[:n]); e != nil {
			return e
		}
		body = body[n:]
	}
	return k.end()
}
