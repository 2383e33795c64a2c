package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The algorithm names of AWS Signature Version 4 with HMAC-SHA256.
const (
	algorithm        = "AWS4-HMAC-SHA256"
	chunkAlgorithm   = "AWS4-HMAC-SHA256-PAYLOAD" // string to sign of a chunk
	trailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER" // string to sign of a trailer
	terminal         = "aws4_request"
	service          = "s3"
)

// emptyHash is the hex SHA-256 of no bytes.
const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// canonicalRequest returns the canonical request of a request, as S3 builds
// it:
//
//	method
//	canonical URI
//	canonical query string
//	canonical headers (one "name:value\n" line each)
//	signed headers
//	payload hash
//
// signed lists the lower-case names of the signed headers in the order of
// signedHeaders, their list as the Authorization header or the
// X-Amz-SignedHeaders parameter has it; values returns the values of a
// signed header. In a presigned request, the X-Amz-Signature parameter is
// not part of the canonical query string (skipSignature). The signer and the
// verifier both build their canonical requests here.
func canonicalRequest(method string, u *url.URL, signed []string, signedHeaders string, values func(name string) []string, payloadHash string, skipSignature bool) string {
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(u))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(u.RawQuery, skipSignature))
	b.WriteByte('\n')
	writeCanonicalHeaders(&b, signed, values)
	b.WriteByte('\n')
	b.WriteString(signedHeaders)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// canonicalURI returns the URI-encoded path of u. S3 encodes the path once
// and does not normalize it: each segment between slashes is decoded, then
// encoded with every byte outside A–Z, a–z, 0–9, '-', '.', '_' and '~' as
// %XY (upper-case hexadecimal). A slash encoded as %2F inside a segment stays
// encoded; "." and ".." segments and repeated slashes are kept. Other AWS
// services encode the path twice; S3 does not.
func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	var b strings.Builder
	for i, seg := range strings.Split(p, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		if dec, err := url.PathUnescape(seg); err == nil {
			seg = dec
		}
		appendEscaped(&b, seg)
	}
	return b.String()
}

// canonicalQuery returns the canonical query string of rawQuery: every
// parameter name and value decoded, then URI-encoded as canonicalURI encodes
// a segment ('/' included), the pairs sorted by encoded name and then by
// encoded value, and joined as name=value with '&'. A parameter without '='
// has the empty value. With skipSignature, X-Amz-Signature is left out.
func canonicalQuery(rawQuery string, skipSignature bool) string {
	if rawQuery == "" {
		return ""
	}
	type param struct{ name, value string }
	var params []param
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		name, value = queryUnescape(name), queryUnescape(value)
		if skipSignature && name == "X-Amz-Signature" {
			continue
		}
		params = append(params, param{escape(name), escape(value)})
	}
	slices.SortFunc(params, func(a, b param) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// queryUnescape decodes a query component as HTML forms encode it ('+' is a
// space). A component that is not validly encoded is taken as it is.
func queryUnescape(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// writeCanonicalHeaders writes one "name:value\n" line for each signed
// header. The value is every value values gives for the name, each with
// leading and trailing white space removed and runs of spaces collapsed to
// one, joined with ','. A signed header without values gets an empty value.
func writeCanonicalHeaders(b *strings.Builder, signed []string, values func(name string) []string) {
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range values(name) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeTrimmed(b, v)
		}
		b.WriteByte('\n')
	}
}

// receivedValues returns the header values of a request a server received,
// by lower-case name. net/http keeps Host and Transfer-Encoding out of the
// header map; they are taken from the request's fields.
func receivedValues(r *http.Request) func(name string) []string {
	return func(name string) []string {
		switch name {
		case "host":
			return []string{r.Host}
		case "transfer-encoding":
			if len(r.TransferEncoding) > 0 {
				return r.TransferEncoding
			}
		}
		return r.Header.Values(name)
	}
}

// writeTrimmed writes v without leading and trailing spaces and tabs, with
// every run of spaces and tabs inside written as one space.
func writeTrimmed(b *strings.Builder, v string) {
	v = strings.Trim(v, " \t")
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' || c == '\t' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
}

// stringToSign returns the string to sign of a request: the algorithm, the
// request time (yyyyMMdd'T'HHmmss'Z'), the credential scope and the hex
// SHA-256 of the canonical request, on four lines.
func stringToSign(timestamp, scope, canonical string) string {
	return algorithm + "\n" + timestamp + "\n" + scope + "\n" + hashHex([]byte(canonical))
}

// signingKey derives the key of a credential scope from the secret access
// key: HMAC-SHA256 chained over the date, the region, the service and the
// terminal string, starting from "AWS4" + secret.
func signingKey(secret, date, region string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, terminal)
}

// signature returns the hex HMAC-SHA256 of s with key.
func signature(key []byte, s string) string {
	return hex.EncodeToString(hmacSHA256(key, s))
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func hashHex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// sameSignature reports whether the signature a client provided equals the
// one computed, in time that does not depend on where they differ.
func sameSignature(provided, computed string) bool {
	return hmac.Equal([]byte(provided), []byte(computed))
}

// escape returns s URI-encoded as a query component or a path segment.
func escape(s string) string {
	var b strings.Builder
	appendEscaped(&b, s)
	return b.String()
}

func appendEscaped(b *strings.Builder, s string) {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
