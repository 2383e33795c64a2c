package sigv4

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// UnsignedPayload is the X-Amz-Content-Sha256 of a request whose body is
// not part of its signature.
const UnsignedPayload = unsignedPayload

// Credentials are the keys a request is signed with.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is the token of temporary credentials, sent in
	// X-Amz-Security-Token; "" for long-term keys.
	SessionToken string
}

// ignoredHeaders are the headers Sign leaves unsigned, by lower-case name:
// the Authorization header itself and headers that clients, proxies and
// transports add or change after signing. They are those the AWS SDKs leave
// unsigned.
var ignoredHeaders = map[string]bool{
	"authorization":     true,
	"user-agent":        true,
	"x-amzn-trace-id":   true,
	"expect":            true,
	"transfer-encoding": true,
}

// PayloadHash returns the hex SHA-256 of body: the X-Amz-Content-Sha256 of
// a request with that body, signed with it.
func PayloadHash(body []byte) string {
	return hashHex(body)
}

// Sign signs r for S3 in region with AWS Signature Version 4, in the
// Authorization header, as of now. It sets X-Amz-Date to now (in UTC),
// X-Amz-Content-Sha256 to payloadHash, X-Amz-Security-Token to the session
// token of c if it has one, and Authorization, replacing their values.
//
// payloadHash is the hex SHA-256 of the body (see [PayloadHash]),
// [UnsignedPayload], or, for an upload in aws-chunked encoding whose chunks
// the caller signs, one of the STREAMING-… values S3 defines; "" means
// UnsignedPayload. Sign neither reads nor checks the body.
//
// The signed headers are host and every header of r but Authorization,
// User-Agent, X-Amzn-Trace-Id, Expect and Transfer-Encoding, which may change
// on the way to S3; content-length is signed when r.ContentLength is
// positive, as net/http sends it then. The host is r.Host, or else
// r.URL.Host; a port that is the default of the URL's scheme (80 for http,
// 443 for https) is removed, and r.Host set to the host signed, so that the
// Host header sent is the one signed. S3 refuses the request if a signed
// header changes after Sign, or an x-amz-* header is added.
//
// The canonical request follows S3's rules: the path, from r.URL's escaped
// path, is decoded and encoded once, segment by segment, not normalized;
// the query parameters are decoded, encoded and sorted. r.URL is not
// changed: S3 computes the same canonical request from the path and query r
// sends.
//
// Sign returns an error, and leaves r unchanged, when c lacks an access key
// ID or a secret access key, when the access key ID or region cannot appear
// in a credential scope, when payloadHash is not one of the values above,
// or when r has no URL or no host.
func Sign(r *http.Request, c Credentials, region string, now time.Time, payloadHash string) error {
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return errors.New("sigv4: Sign: no access key ID or secret access key")
	}
	if !scopePart(c.AccessKeyID) || !scopePart(region) {
		return errors.New("sigv4: Sign: the access key ID or the region is empty or has a character that cannot appear in a credential scope")
	}
	if payloadHash == "" {
		payloadHash = unsignedPayload
	}
	if _, e := payloadModeOf(payloadHash); e != nil {
		return errors.New("sigv4: Sign: invalid payload hash " + strconv.Quote(payloadHash))
	}
	if r.URL == nil {
		return errors.New("sigv4: Sign: the request has no URL")
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	if host == "" {
		return errors.New("sigv4: Sign: the request has no host")
	}
	host = withoutDefaultPort(host, r.URL.Scheme)

	now = now.UTC()
	timestamp := now.Format(amzDateLayout)
	r.Host = host
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.Header.Set("X-Amz-Date", timestamp)
	r.Header.Set("X-Amz-Content-Sha256", payloadHash)
	if c.SessionToken != "" {
		r.Header.Set("X-Amz-Security-Token", c.SessionToken)
	}

	values := map[string][]string{"host": {host}}
	if r.ContentLength > 0 {
		values["content-length"] = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	for name, vs := range r.Header {
		l := strings.ToLower(name)
		if ignoredHeaders[l] || l == "host" || l == "content-length" {
			continue
		}
		values[l] = append(values[l], vs...)
	}
	signed := make([]string, 0, len(values))
	for name := range values {
		signed = append(signed, name)
	}
	slices.Sort(signed)
	signedHeaders := strings.Join(signed, ";")

	cred := Credential{c.AccessKeyID, now.Format(credentialDateLayout), region, service, terminal}
	canonical := canonicalRequest(r.Method, r.URL, signed, signedHeaders,
		func(name string) []string { return values[name] }, payloadHash, false)
	toSign := stringToSign(timestamp, cred.Scope(), canonical)
	sig := signature(signingKey(c.SecretAccessKey, cred.Date, region), toSign)
	r.Header.Set("Authorization", algorithm+" Credential="+c.AccessKeyID+"/"+cred.Scope()+
		", SignedHeaders="+signedHeaders+", Signature="+sig)
	return nil
}

// scopePart reports whether s can be a part of a credential scope in an
// Authorization header: not empty, without '/', ',', '=' and white space or
// other control characters.
func scopePart(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == '/' || c == ',' || c == '=' {
			return false
		}
	}
	return true
}

// withoutDefaultPort returns host without its port if the port is the
// default of scheme.
func withoutDefaultPort(host, scheme string) string {
	i := strings.LastIndexByte(host, ':')
	if i < 0 || strings.Contains(host[i:], "]") {
		return host // no port, or an IPv6 address without one
	}
	port := host[i+1:]
	switch {
	case port == "":
	case strings.EqualFold(scheme, "http") && port == "80":
	case strings.EqualFold(scheme, "https") && port == "443":
	default:
		return host
	}
	return host[:i] // an IPv6 address keeps its brackets, as Host needs them
}
