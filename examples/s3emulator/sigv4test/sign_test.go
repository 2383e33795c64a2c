package sigv4test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/internal/testrequest"
)

// A generator makes random requests whose signatures sigv4.Sign and the
// SDK's signer must agree on. What both define identically bounds it:
//
//   - the URL holds the path escaped as S3 clients escape it (every byte
//     outside A–Z, a–z, 0–9, '-', '.', '_', '~' and '/' as %XY), which is
//     what the SDK's signer signs as is when path escaping is off, as S3's
//     client has it; Sign decodes and encodes the path again, so it also
//     signs other escapings of the path as S3 reads them;
//   - the query is encoded validly, as any client encodes it, with '+' or
//     %20 for a space, with and without '=' after an empty value;
//   - header values are printable ASCII and spaces: the SDK keeps tabs
//     inside a value and trims Unicode white space at its ends, where the
//     package, as net/http servers, trims spaces and tabs only.
type generator struct {
	rng *rand.Rand
}

// text returns up to n runes of letters, digits, spaces, reserved and
// unreserved characters, and non-ASCII letters and symbols.
func (g generator) text(n int) string {
	const chars = "aZ09-._~ !\"#$%&'()*+,/:;<=>?@[\\]^`{|}é€\U0001F600\u00a0"
	rs := []rune(chars)
	var b strings.Builder
	for range g.rng.IntN(n + 1) {
		b.WriteRune(rs[g.rng.IntN(len(rs))])
	}
	return b.String()
}

// headerValue returns a header value of printable ASCII and runs of spaces,
// spaces at either end included.
func (g generator) headerValue() string {
	var b strings.Builder
	for range g.rng.IntN(12) {
		if g.rng.IntN(4) == 0 {
			b.WriteString(strings.Repeat(" ", 1+g.rng.IntN(3)))
		} else {
			b.WriteByte(byte('!' + g.rng.IntN('~'-'!'+1)))
		}
	}
	return b.String()
}

func (g generator) pick(s ...string) string {
	return s[g.rng.IntN(len(s))]
}

// request returns a random request and the credentials, region, time and
// payload hash to sign it with.
func (g generator) request(t *testing.T) (*http.Request, aws.Credentials, string, time.Time, string) {
	t.Helper()
	scheme := g.pick("http", "https")
	host := g.pick("s3.amazonaws.com", "bucket.s3.eu-west-1.amazonaws.com", "127.0.0.1", "localhost")
	if g.rng.IntN(2) == 0 {
		host += ":" + g.pick("80", "443", "9000")
	}
	path := ""
	for range g.rng.IntN(5) {
		path += "/" + g.text(6)
	}
	var query []string
	for range g.rng.IntN(6) {
		name := url.QueryEscape(g.pick("prefix", "x-id", "uploads", "partNumber", g.text(4)))
		value := url.QueryEscape(g.text(8))
		if g.rng.IntN(2) == 0 {
			value = strings.ReplaceAll(value, "+", "%20")
		}
		switch {
		case value == "" && g.rng.IntN(2) == 0:
			query = append(query, name)
		default:
			query = append(query, name+"="+value)
		}
		if g.rng.IntN(4) == 0 { // a repeated name
			query = append(query, name+"="+url.QueryEscape(g.text(3)))
		}
	}
	method := g.pick("GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH")
	req, err := http.NewRequest(method, scheme+"://"+host+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Path = path
	req.URL.RawPath = testrequest.EscapePath(path)
	req.URL.RawQuery = strings.Join(query, "&")
	if g.rng.IntN(3) == 0 {
		req.ContentLength = g.rng.Int64N(1 << 20)
	}
	for range g.rng.IntN(5) {
		req.Header.Add("X-Amz-Meta-"+g.pick("a", "B", "color", "x-y", "Long-Name-1"), g.headerValue())
	}
	for _, name := range []string{"Content-Type", "Range", "Cache-Control", "If-Match", "X-Amz-Acl",
		"X-Amz-Storage-Class", "Origin", "User-Agent", "X-Amzn-Trace-Id", "Expect", "Content-Length"} {
		if g.rng.IntN(5) == 0 {
			req.Header.Set(name, g.headerValue())
		}
	}
	c := aws.Credentials{
		AccessKeyID:     "AKID" + fmt.Sprint(g.rng.IntN(1000)),
		SecretAccessKey: g.pick("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "se/cr+et", "s"),
	}
	if g.rng.IntN(2) == 0 {
		c.SessionToken = g.pick("FwoGZXIvYXdzE//////////wEaDK+token=", "token")
	}
	region := g.pick("us-east-1", "eu-west-1", "ap-southeast-2", "auto")
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(g.rng.IntN(1e6)) * time.Second)
	hash := g.pick(sigv4.UnsignedPayload, emptyHash, sigv4.PayloadHash([]byte(g.text(20))),
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", streamingUnsignedTrailer)
	return req, c, region, at, hash
}

// TestSignMatchesSDK signs random requests with sigv4.Sign and with the
// SDK's signer, as S3's client configures it, and compares the headers
// they set.
func TestSignMatchesSDK(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 500
	}
	g := generator{rand.New(rand.NewPCG(20260501, 4))}
	for i := range n {
		ours, c, region, at, hash := g.request(t)
		sdk := ours.Clone(context.Background())
		sdk.Header.Set("X-Amz-Content-Sha256", hash)
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		if err := signer.SignHTTP(context.Background(), c, sdk, hash, "s3", region, at); err != nil {
			t.Fatal(err)
		}
		err := sigv4.Sign(ours, sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
			region, at, hash)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"} {
			if got, want := ours.Header.Values(name), sdk.Header.Values(name); !slicesEqual(got, want) {
				t.Fatalf("request %d: %s %s (Host %q)\nheaders %q\n%s: %q\nthe SDK's: %q",
					i, ours.Method, ours.URL, ours.Host, ours.Header, name, got, want)
			}
		}
		if ours.Host != sdk.Host {
			t.Fatalf("request %d: Host %q, the SDK's %q", i, ours.Host, sdk.Host)
		}
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSignPathAsS3Reads shows where the SDK's signer and S3 part: with
// path escaping off, the SDK signs the escaped path of the URL as it is,
// and relies on its S3 client to escape the path as S3 encodes it. A path
// escaped otherwise, such as net/http's escaping of "/test$file.text",
// which keeps '$', is signed by the SDK as "/test$file.text", where S3's
// canonical URI is "/test%24file.text". Sign signs the canonical URI S3
// computes, whatever the escaping, as the SDK does for S3's escaping.
func TestSignPathAsS3Reads(t *testing.T) {
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c := aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "se/cr+et"}
	sign := func(rawPath string) (ours, sdk string) {
		req, err := http.NewRequest("GET", "http://s3.test.example/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Path, req.URL.RawPath = "/bucket/test$file.text", rawPath
		clone := req.Clone(context.Background())
		clone.Header.Set("X-Amz-Content-Sha256", emptyHash)
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		if err := signer.SignHTTP(context.Background(), c, clone, emptyHash, "s3", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
		if err := sigv4.Sign(req, sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}, "us-east-1", at, emptyHash); err != nil {
			t.Fatal(err)
		}
		return req.Header.Get("Authorization"), clone.Header.Get("Authorization")
	}
	oursS3, sdkS3 := sign("/bucket/test%24file.text")
	oursGo, sdkGo := sign("")
	if oursS3 != sdkS3 || oursGo != oursS3 {
		t.Errorf("Sign: %s with S3's escaping, %s with net/http's; the SDK with S3's escaping: %s", oursS3, oursGo, sdkS3)
	}
	if sdkGo == sdkS3 {
		t.Errorf("the SDK signs both escapings alike: %s", sdkGo)
	}
}
