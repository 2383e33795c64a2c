package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3cors/s3cors/internal/testrequest"
)

// The requests of these tests are signed with Sign, or presigned by
// presign, as of signTime.
var (
	signTime = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	creds    = Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "se/cr+et"}
)

func testVerifier(now time.Time) *Verifier {
	return &Verifier{
		Secrets: map[string]string{creds.AccessKeyID: creds.SecretAccessKey},
		Now:     func() time.Time { return now },
	}
}

// newRequest returns a request for path (unescaped) and rawQuery, with the
// path escaped as S3 clients escape it.
func newRequest(t *testing.T, method, path, rawQuery, body string) *http.Request {
	t.Helper()
	return testrequest.New(t, method, path, rawQuery, body)
}

func signHeader(t *testing.T, req *http.Request, payloadHash string) {
	t.Helper()
	if err := Sign(req, creds, "us-east-1", signTime, payloadHash); err != nil {
		t.Fatal(err)
	}
}

// presign returns req presigned for expires with host as its only signed
// header. It is written here from AWS's documentation of presigned URLs,
// not with the package's code, for paths that need no encoding and queries
// without spaces.
func presign(t *testing.T, req *http.Request, expires time.Duration) *http.Request {
	t.Helper()
	const date, scope = "20260501T120000Z", "20260501/us-east-1/s3/aws4_request"
	if signTime.Format("20060102T150405Z") != date {
		t.Fatal("signTime is not", date)
	}
	q := req.URL.Query()
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", creds.AccessKeyID+"/"+scope)
	q.Set("X-Amz-Date", date)
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	q.Set("X-Amz-SignedHeaders", "host")
	query := q.Encode() // sorted, and encoded as S3 encodes these values
	canonical := req.Method + "\n" + req.URL.EscapedPath() + "\n" + query + "\nhost:" + req.Host + "\n\nhost\nUNSIGNED-PAYLOAD"
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + sha(canonical)
	key := []byte("AWS4" + creds.SecretAccessKey)
	for _, s := range []string{"20260501", "us-east-1", "s3", "aws4_request"} {
		key = testHMAC(key, s)
	}
	req.URL.RawQuery = query + "&X-Amz-Signature=" + hex.EncodeToString(testHMAC(key, toSign))
	return req
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestRefusals checks every refusal: code, status and message.
func TestRefusals(t *testing.T) {
	signed := func(t *testing.T) *http.Request {
		req := newRequest(t, "GET", "/bucket/key.txt", "", "")
		signHeader(t, req, emptyHash)
		return req
	}
	setAuth := func(t *testing.T, f func(string) string) *http.Request {
		req := signed(t)
		req.Header.Set("Authorization", f(req.Header.Get("Authorization")))
		return req
	}
	presigned := func(t *testing.T, expires time.Duration) *http.Request {
		return presign(t, newRequest(t, "GET", "/bucket/key.txt", "", ""), expires)
	}
	setQuery := func(t *testing.T, name, value string) *http.Request {
		req := presigned(t, time.Hour)
		q := req.URL.Query()
		if value == "" {
			q.Del(name)
		} else {
			q.Set(name, value)
		}
		req.URL.RawQuery = q.Encode()
		return req
	}
	const malformed = "The authorization header is malformed; "
	tests := []struct {
		name   string
		req    func(t *testing.T) *http.Request
		now    time.Duration // after signTime
		status int
		code   string
		msg    string
		detail Detail
	}{
		{"anonymous", func(t *testing.T) *http.Request { return newRequest(t, "GET", "/bucket/key.txt", "", "") },
			0, 403, "AccessDenied", "Access Denied", Detail{}},
		{"two mechanisms", func(t *testing.T) *http.Request {
			req := presigned(t, time.Hour)
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 x")
			return req
		}, 0, 400, "InvalidArgument", messageOneMechanism, Detail{"ArgumentName", "Authorization"}},
		{"signature version 2", func(t *testing.T) *http.Request {
			return setAuth(t, func(string) string { return "AWS AKIDTEST:c2lnbmF0dXJl" })
		}, 0, 400, "InvalidRequest", messageUnsupportedMechanism, Detail{}},
		{"presigned signature version 2", func(t *testing.T) *http.Request {
			return newRequest(t, "GET", "/bucket/key.txt", "AWSAccessKeyId=AKIDTEST&Expires=1&Signature=x", "")
		}, 0, 400, "InvalidRequest", messageUnsupportedMechanism, Detail{}},
		{"other scheme", func(t *testing.T) *http.Request {
			return setAuth(t, func(string) string { return "Bearer abc" })
		}, 0, 400, "InvalidArgument", "Unsupported Authorization Type", Detail{"ArgumentValue", "Bearer abc"}},
		{"no signature component", func(t *testing.T) *http.Request {
			return setAuth(t, func(a string) string { return a[:strings.Index(a, ", Signature=")] })
		}, 0, 400, "AuthorizationHeaderMalformed", malformed + messageThreeComponents, Detail{}},
		{"short credential", func(t *testing.T) *http.Request {
			return setAuth(t, func(a string) string { return strings.Replace(a, "/us-east-1/s3", "/us-east-1", 1) })
		}, 0, 400, "AuthorizationHeaderMalformed", malformed + messageCredentialMalformed, Detail{}},
		{"other region", func(t *testing.T) *http.Request {
			return setAuth(t, func(a string) string { return strings.Replace(a, "/us-east-1/", "/eu-west-1/", 1) })
		}, 0, 400, "AuthorizationHeaderMalformed", malformed + "the region 'eu-west-1' is wrong; expecting 'us-east-1'", Detail{"Region", "us-east-1"}},
		{"other service", func(t *testing.T) *http.Request {
			return setAuth(t, func(a string) string { return strings.Replace(a, "/s3/", "/ec2/", 1) })
		}, 0, 400, "AuthorizationHeaderMalformed", malformed + "incorrect service 'ec2'. This endpoint belongs to 's3'.", Detail{}},
		{"no date", func(t *testing.T) *http.Request {
			req := signed(t)
			req.Header.Del("X-Amz-Date")
			return req
		}, 0, 403, "AccessDenied", messageNoDate, Detail{}},
		{"credential of another day", func(t *testing.T) *http.Request {
			return setAuth(t, func(a string) string { return strings.Replace(a, "/20260501/", "/20260502/", 1) })
		}, 0, 400, "AuthorizationHeaderMalformed", malformed + messageHeaderCredentialDate, Detail{}},
		{"no content hash", func(t *testing.T) *http.Request {
			req := signed(t)
			req.Header.Del("X-Amz-Content-Sha256")
			return req
		}, 0, 400, "InvalidRequest", messageMissingContentSHA256, Detail{}},
		{"bad content hash", func(t *testing.T) *http.Request {
			req := signed(t)
			req.Header.Set("X-Amz-Content-Sha256", "abc")
			return req
		}, 0, 400, "InvalidArgument", messageInvalidContentSHA256, Detail{"ArgumentValue", "abc"}},
		{"16 minutes late", signed, 16 * time.Minute, 403, "RequestTimeTooSkewed", messageRequestTimeTooSkewed, Detail{"RequestTime", "20260501T120000Z"}},
		{"16 minutes early", signed, -16 * time.Minute, 403, "RequestTimeTooSkewed", messageRequestTimeTooSkewed, Detail{"MaxAllowedSkewMilliseconds", "900000"}},
		{"unknown key", func(t *testing.T) *http.Request {
			return setAuth(t, func(a string) string { return strings.Replace(a, "AKIDTEST", "AKIDOTHER", 1) })
		}, 0, 403, "InvalidAccessKeyId", messageInvalidAccessKeyID, Detail{"AWSAccessKeyId", "AKIDOTHER"}},
		{"flipped signature digit", func(t *testing.T) *http.Request {
			return setAuth(t, func(a string) string { return a[:len(a)-1] + flip(a[len(a)-1:]) })
		}, 0, 403, "SignatureDoesNotMatch", messageSignatureDoesNotMatch, Detail{"AWSAccessKeyId", "AKIDTEST"}},
		{"path changed after signing", func(t *testing.T) *http.Request {
			req := signed(t)
			req.URL.Path, req.URL.RawPath = "/bucket/other.txt", ""
			return req
		}, 0, 403, "SignatureDoesNotMatch", messageSignatureDoesNotMatch, Detail{}},
		{"signed header changed after signing", func(t *testing.T) *http.Request {
			req := newRequest(t, "GET", "/bucket/key.txt", "", "")
			req.Header.Set("X-Amz-Meta-Color", "blue")
			signHeader(t, req, emptyHash)
			req.Header.Set("X-Amz-Meta-Color", "red")
			return req
		}, 0, 403, "SignatureDoesNotMatch", messageSignatureDoesNotMatch, Detail{}},
		{"unsigned x-amz header", func(t *testing.T) *http.Request {
			req := signed(t)
			req.Header.Set("X-Amz-Meta-Extra", "1")
			req.Header.Set("X-Amz-Acl", "public-read")
			return req
		}, 0, 403, "AccessDenied", messageHeadersNotSigned, Detail{"HeadersNotSigned", "x-amz-acl, x-amz-meta-extra"}},

		{"presigned without X-Amz-Expires", func(t *testing.T) *http.Request { return setQuery(t, "X-Amz-Expires", "") },
			0, 400, "AuthorizationQueryParametersError", messageQueryParametersMissing, Detail{}},
		{"presigned with another algorithm", func(t *testing.T) *http.Request { return setQuery(t, "X-Amz-Algorithm", "AWS4-HMAC-SHA512") },
			0, 400, "AuthorizationQueryParametersError", messageQueryAlgorithm, Detail{}},
		{"presigned for another region", func(t *testing.T) *http.Request {
			return setQuery(t, "X-Amz-Credential", "AKIDTEST/20260501/eu-west-1/s3/aws4_request")
		}, 0, 400, "AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'", Detail{"Region", "us-east-1"}},
		{"presigned with a bad date", func(t *testing.T) *http.Request { return setQuery(t, "X-Amz-Date", "2026-05-01T12:00:00Z") },
			0, 400, "AuthorizationQueryParametersError", messageQueryDate, Detail{}},
		{"presigned with X-Amz-Expires=abc", func(t *testing.T) *http.Request { return setQuery(t, "X-Amz-Expires", "abc") },
			0, 400, "AuthorizationQueryParametersError", messageExpiresNotNumber, Detail{}},
		{"presigned with X-Amz-Expires=-1", func(t *testing.T) *http.Request { return setQuery(t, "X-Amz-Expires", "-1") },
			0, 400, "AuthorizationQueryParametersError", messageExpiresNegative, Detail{}},
		{"presigned with X-Amz-Expires=604801", func(t *testing.T) *http.Request { return setQuery(t, "X-Amz-Expires", "604801") },
			0, 400, "AuthorizationQueryParametersError", messageExpiresTooLarge, Detail{}},
		{"presigned with X-Amz-Expires=0", func(t *testing.T) *http.Request { return presigned(t, 0) },
			0, 403, "AccessDenied", messageExpired, Detail{"X-Amz-Expires", "0"}},
		{"presigned URL used 2 seconds after its expiry", func(t *testing.T) *http.Request { return presigned(t, time.Minute) },
			62 * time.Second, 403, "AccessDenied", messageExpired, Detail{"Expires", "2026-05-01T12:01:00Z"}},
		{"presigned URL from the future", func(t *testing.T) *http.Request { return presigned(t, time.Hour) },
			-16 * time.Minute, 403, "AccessDenied", messageNotYetValid, Detail{"X-Amz-Date", "1777636800000"}},
		{"presigned with an unknown key", func(t *testing.T) *http.Request {
			return setQuery(t, "X-Amz-Credential", "AKIDOTHER/20260501/us-east-1/s3/aws4_request")
		}, 0, 403, "InvalidAccessKeyId", messageInvalidAccessKeyID, Detail{}},
		{"presigned with a flipped signature digit", func(t *testing.T) *http.Request {
			req := presigned(t, time.Hour)
			s := req.URL.Query().Get("X-Amz-Signature")
			return setQueryOn(req, "X-Amz-Signature", s[:10]+flip(s[10:11])+s[11:])
		}, 0, 403, "SignatureDoesNotMatch", messageSignatureDoesNotMatch, Detail{}},
		{"presigned URL with a longer expiry", func(t *testing.T) *http.Request { return setQuery(t, "X-Amz-Expires", "7200") },
			0, 403, "SignatureDoesNotMatch", messageSignatureDoesNotMatch, Detail{}},
		{"presigned GET used for a PUT", func(t *testing.T) *http.Request {
			req := presigned(t, time.Hour)
			req.Method = "PUT"
			return req
		}, 0, 403, "SignatureDoesNotMatch", messageSignatureDoesNotMatch, Detail{}},
		{"presigned with an unsigned x-amz header", func(t *testing.T) *http.Request {
			req := presigned(t, time.Hour)
			req.Header.Set("X-Amz-Meta-Color", "blue")
			return req
		}, 0, 403, "AccessDenied", messageHeadersNotSigned, Detail{"HeadersNotSigned", "x-amz-meta-color"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := verifyOverHTTP(t, testVerifier(signTime.Add(tc.now)), tc.req(t))
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if e.Status != tc.status || e.Code != tc.code || e.Message != tc.msg {
				t.Errorf("got %d %s %q\nwant %d %s %q", e.Status, e.Code, e.Message, tc.status, tc.code, tc.msg)
			}
			if tc.detail.Name != "" && e.Detail(tc.detail.Name) != tc.detail.Value {
				t.Errorf("%s = %q, want %q (details %v)", tc.detail.Name, e.Detail(tc.detail.Name), tc.detail.Value, e.Details)
			}
		})
	}
}

func setQueryOn(req *http.Request, name, value string) *http.Request {
	q := req.URL.Query()
	q.Set(name, value)
	req.URL.RawQuery = q.Encode()
	return req
}

// flip changes one hexadecimal digit.
func flip(d string) string {
	if d == "0" {
		return "1"
	}
	return "0"
}

// TestSignatureMismatchDetails checks what SignatureDoesNotMatch shows: the
// string to sign and canonical request S3 computed, as text and bytes.
func TestSignatureMismatchDetails(t *testing.T) {
	req := newRequest(t, "GET", "/bucket/key.txt", "", "")
	wrong := creds
	wrong.SecretAccessKey = "wrong"
	if err := Sign(req, wrong, "us-east-1", signTime, emptyHash); err != nil {
		t.Fatal(err)
	}
	err := verifyOverHTTP(t, testVerifier(signTime), req)
	e, ok := err.(*Error)
	if !ok || e.Code != codeSignatureDoesNotMatch {
		t.Fatalf("wrong secret: %v", err)
	}
	toSign := e.Detail("StringToSign")
	if !strings.HasPrefix(toSign, "AWS4-HMAC-SHA256\n20260501T120000Z\n20260501/us-east-1/s3/aws4_request\n") ||
		e.Detail("StringToSignBytes") != spacedHex(toSign) ||
		!strings.HasPrefix(e.Detail("CanonicalRequest"), "GET\n/bucket/key.txt\n\n") ||
		!strings.HasPrefix(e.Detail("StringToSignBytes"), "41 57 53 34 2d") {
		t.Errorf("details: %q", e.Details)
	}
}

// TestHandler checks the middleware: OPTIONS passes without credentials,
// a refused request never reaches the handler.
func TestHandler(t *testing.T) {
	var reached []string
	var refused []string
	v := testVerifier(signTime)
	h := v.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = append(reached, r.Method)
	}), func(w http.ResponseWriter, r *http.Request, e *Error) {
		refused = append(refused, r.Method+" "+e.Code)
		w.WriteHeader(e.Status)
	})
	for _, m := range []string{"OPTIONS", "GET", "PUT"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(m, "/bucket/key", nil))
	}
	req := newRequest(t, "GET", "/bucket/key", "", "")
	signHeader(t, req, emptyHash)
	h.ServeHTTP(httptest.NewRecorder(), req)
	if strings.Join(reached, ",") != "OPTIONS,GET" || strings.Join(refused, ",") != "GET AccessDenied,PUT AccessDenied" {
		t.Errorf("reached %v, refused %v", reached, refused)
	}
}

// TestCanonicalQuery checks the encoding and order of the canonical query
// string: sorted after encoding, '+' and %20 both a space.
func TestCanonicalQuery(t *testing.T) {
	for raw, want := range map[string]string{
		"":                        "",
		"cors":                    "cors=",
		"cors=":                   "cors=",
		"b=2&a=1&a=0":             "a=0&a=1&b=2",
		"v=a/b&v=a-b":             "v=a%2Fb&v=a-b",
		"s=a+b&t=a%20b":           "s=a%20b&t=a%20b",
		"k=%7E~&u=%C3%A9":         "k=~~&u=%C3%A9",
		"X-Amz-Signature=abc&x=1": "x=1",
		"bad=%zz":                 "bad=%25zz",
		"&&x=1&":                  "x=1",
	} {
		if got := canonicalQuery(raw, true); got != want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestCanonicalURI checks S3's single encoding of the path.
func TestCanonicalURI(t *testing.T) {
	for raw, want := range map[string]string{
		"":                   "/",
		"/":                  "/",
		"/b/k":               "/b/k",
		"/b/a%20b":           "/b/a%20b",
		"/b/a+b":             "/b/a%2Bb",
		"/b/a%2Fb":           "/b/a%2Fb",
		"/b/%7Etilde":        "/b/~tilde",
		"/b/test$file.text":  "/b/test%24file.text",
		"/b/./../x//y":       "/b/./../x//y",
		"/b/%C3%A9t%C3%A9":   "/b/%C3%A9t%C3%A9",
		"/b/%2541-not-twice": "/b/%2541-not-twice",
	} {
		u, err := url.ParseRequestURI(raw)
		if raw == "" {
			u, err = &url.URL{}, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := canonicalURI(u); got != want {
			t.Errorf("canonicalURI(%q) = %q, want %q", raw, got, want)
		}
	}
}
