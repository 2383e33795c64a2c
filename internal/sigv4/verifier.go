// Package sigv4 signs requests to an S3 endpoint with AWS Signature Version
// 4, and verifies the signatures of requests as Amazon S3 does, refusing the
// others with S3's errors.
//
// [Sign] signs a request in its Authorization header, as the AWS SDKs sign
// requests to S3.
//
// A [Verifier] holds the access keys, the region and the clock. Its Verify
// method checks one request, in either form S3 accepts: an Authorization
// header such as
//
//	Authorization: AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=…
//
// with X-Amz-Date (or Date) and X-Amz-Content-Sha256, which is the hex
// SHA-256 of the body, UNSIGNED-PAYLOAD, or one of the STREAMING-… values of
// uploads in aws-chunked encoding; or a presigned URL, with the query
// parameters X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders and X-Amz-Signature. Its VerifyPost method verifies
// the third form, an upload from an HTML form (POST Object), whose signed
// POST policy states what the form may hold. With its SignatureV2 field set,
// it also verifies the older Signature Version 2, in the Authorization
// header or a presigned URL.
//
// Its Handler method is net/http middleware that verifies every request
// except OPTIONS. S3 answers preflights without authentication (browsers
// never sign them), so the handler must sit inside the CORS middleware:
//
//	handler := cors.Middleware(resolver)(verifier.Handler(s3API, writeError))
//
// Preflights are then answered before authentication, and the errors of
// authentication get the bucket's CORS headers, without which a web page
// cannot read them.
//
// The canonical request follows S3's rules, which differ from those of other
// AWS services: the path is URI-encoded once and not normalized. Sign and
// the verifier build it with the same code.
//
// The package uses the standard library only.
package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxSkew is how far the time of a request signed in the Authorization
// header may be from the server's clock. A request further off is refused
// with RequestTimeTooSkewed. A presigned URL whose X-Amz-Date is more than
// MaxSkew ahead of the server's clock is refused as not yet valid.
const MaxSkew = 15 * time.Minute

// DefaultRegion is the region of a Verifier whose Region is empty.
const DefaultRegion = "us-east-1"

// A Verifier checks the AWS Signature Version 4 of requests to an S3
// endpoint. Its fields must not change while it is in use; it is then safe
// for concurrent use.
type Verifier struct {
	// Secrets maps each access key ID to its secret access key. A request
	// signed with another access key ID is refused with InvalidAccessKeyId.
	Secrets map[string]string

	// Region is the region requests must be signed for; "" means
	// DefaultRegion. A request signed for another region is refused with
	// AuthorizationHeaderMalformed (presigned: AuthorizationQueryParametersError),
	// as S3 refuses a request sent to the wrong regional endpoint.
	Region string

	// Now returns the current time; nil means time.Now. Tests set it to
	// control the expiry of presigned URLs and the skew of signed requests.
	Now func() time.Time

	// SignatureV2 makes Verify accept requests signed with AWS Signature
	// Version 2 as well, in the Authorization header ("AWS
	// AccessKeyId:Signature") or in a presigned URL (AWSAccessKeyId,
	// Expires, Signature), as S3 still does in the regions that opened
	// before 2014. Signature Version 2 does not sign the body. false, the
	// default, refuses them with InvalidRequest, as the newer regions do.
	SignatureV2 bool
}

func (v *Verifier) region() string {
	if v.Region == "" {
		return DefaultRegion
	}
	return v.Region
}

func (v *Verifier) now() time.Time {
	if v.Now == nil {
		return time.Now()
	}
	return v.Now()
}

// Handler returns a handler that verifies every request except OPTIONS with
// v.Verify before passing it to next. A refused request does not reach next:
// refuse answers it, typically with an S3 XML error document. OPTIONS
// requests pass unverified, since S3 answers preflights without
// authentication.
//
// The body is checked as next reads it (see [Verifier.Verify]). When the
// check has failed by the time next begins its response, or returns
// without one, the response next was about to send is discarded and refuse
// answers with the check's error (XAmzContentSHA256Mismatch,
// SignatureDoesNotMatch for a chunk, IncompleteBody), keeping the response
// headers set before next ran, such as CORS headers. next sees a failed
// check as an error from r.Body.Read.
func (v *Verifier) Handler(next http.Handler, refuse func(http.ResponseWriter, *http.Request, *Error)) http.Handler {
	if next == nil || refuse == nil {
		panic("sigv4: Handler: nil handler or refuse function")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if err := v.Verify(r); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = accessDenied() // not reached: Verify returns *Error values only
			}
			refuse(w, r, e)
			return
		}
		body, ok := r.Body.(*payloadReader)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		pw := &payloadWriter{w: w, r: r, body: body, refuse: refuse, saved: w.Header().Clone()}
		next.ServeHTTP(pw, r)
		pw.begin()
	})
}

// Verify checks the signature of r and returns nil when it is valid, or the
// *Error S3 would answer r with:
//
//   - no signature at all: AccessDenied "Access Denied" (403), the answer of
//     a bucket that allows no anonymous access;
//   - both an Authorization header and a presigned URL: InvalidArgument (400);
//   - a malformed Authorization header, a credential scope for another
//     region, service or terminal string, a credential date that is not the
//     date of X-Amz-Date: AuthorizationHeaderMalformed (400); in a presigned
//     URL, AuthorizationQueryParametersError (400), which also answers a
//     missing parameter and an X-Amz-Expires that is not a number from 0 to
//     604800;
//   - no valid X-Amz-Date or Date: AccessDenied (403); no
//     X-Amz-Content-Sha256: InvalidRequest (400); an X-Amz-Content-Sha256
//     that is neither a SHA-256 nor a known keyword: InvalidArgument (400);
//   - a request time more than MaxSkew from the server's clock:
//     RequestTimeTooSkewed (403);
//   - a presigned URL past X-Amz-Date + X-Amz-Expires: AccessDenied "Request
//     has expired" (403); one dated more than MaxSkew in the future:
//     AccessDenied "Request is not yet valid" (403). S3 documents 1 as the
//     smallest X-Amz-Expires; a URL with 0 has always expired;
//   - an unknown access key ID: InvalidAccessKeyId (403);
//   - a wrong signature: SignatureDoesNotMatch (403);
//   - an x-amz-* header that is not signed (x-amz-content-sha256 excepted):
//     AccessDenied (403);
//   - a body whose SHA-256 is not the X-Amz-Content-Sha256 it was signed
//     with: XAmzContentSHA256Mismatch (400); a chunk of a streaming upload
//     with a wrong signature: SignatureDoesNotMatch (403); a streaming
//     upload whose chunk framing is broken: IncompleteBody (400).
//
// The checks run in the order of this list. Verify itself does not read the
// body, whose errors are the last three: when X-Amz-Content-Sha256 is a hash
// or STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER), it replaces r.Body with
// a reader that checks the bytes as they are read, without holding them,
// and passes them on unchanged (streaming uploads keep their aws-chunked
// encoding). The read that would complete a body, or a chunk, that fails
// the check returns the *Error instead of that last byte, as does every
// read after it, so a handler that reads the body to its end never sees a
// tampered one complete, and a handler that reads at most n bytes of a
// large body reads no more than n. An empty body is checked by Verify. With
// UNSIGNED-PAYLOAD and STREAMING-UNSIGNED-PAYLOAD-TRAILER the body is not
// checked; the latter carries no chunk signatures, and its trailing
// checksum is left to the handler. [Verifier.Handler] turns a failed check
// into the refusal of the request.
func (v *Verifier) Verify(r *http.Request) error {
	if e := v.verify(r); e != nil {
		return e
	}
	return nil
}

func (v *Verifier) verify(r *http.Request) *Error {
	q := r.URL.Query()
	auth, header := r.Header["Authorization"]
	presigned := q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature")
	switch {
	case header && presigned:
		return invalidArgument(messageOneMechanism, "Authorization", auth[0])
	case header:
		if v.SignatureV2 && strings.HasPrefix(auth[0], "AWS ") {
			return v.verifyV2Header(r, auth[0])
		}
		return v.verifyHeader(r, auth[0])
	case presigned:
		return v.verifyQuery(r, q)
	case q.Has("AWSAccessKeyId") && q.Has("Signature"):
		// A presigned URL of Signature Version 2.
		if v.SignatureV2 {
			return v.verifyV2Query(r, q)
		}
		return unsupportedMechanism()
	default:
		return accessDenied()
	}
}

// verifyHeader verifies a request signed in its Authorization header.
func (v *Verifier) verifyHeader(r *http.Request, value string) *Error {
	a, e := parseAuthorization(value)
	if e != nil {
		return e
	}
	c := a.Credential
	if e := checkScope(c, headerForm, v.region()); e != nil {
		return e
	}
	timestamp, at, ok := requestTime(r.Header)
	if !ok {
		return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: messageNoDate}
	}
	if c.Date != timestamp[:len(credentialDateLayout)] {
		return credentialDateMismatch(headerForm, c.Date, timestamp)
	}
	values, ok := r.Header["X-Amz-Content-Sha256"]
	if !ok {
		return &Error{Status: http.StatusBadRequest, Code: codeInvalidRequest, Message: messageMissingContentSHA256}
	}
	payload := values[0]
	mode, e := payloadModeOf(payload)
	if e != nil {
		return e
	}
	now := v.now()
	if d := now.Sub(at); d > MaxSkew || d < -MaxSkew {
		return tooSkewed(timestamp, now)
	}
	secret, ok := v.Secrets[c.AccessKeyID]
	if !ok {
		return invalidAccessKeyID(c.AccessKeyID)
	}
	signed := splitSignedHeaders(a.SignedHeaders)
	canonical := canonicalRequest(r.Method, r.URL, signed, a.SignedHeaders, receivedValues(r), payload, false)
	toSign := stringToSign(timestamp, c.Scope(), canonical)
	key := signingKey(secret, c.Date, c.Region)
	computed := signature(key, toSign)
	if !sameSignature(a.Signature, computed) {
		return signatureMismatch(c.AccessKeyID, toSign, a.Signature, canonical)
	}
	if e := checkUnsigned(r.Header, signed); e != nil {
		return e
	}
	return verifyPayload(r, mode, payload, &chain{
		key: key, timestamp: timestamp, scope: c.Scope(), previous: computed, accessKeyID: c.AccessKeyID,
	})
}

// verifyQuery verifies a presigned URL.
func (v *Verifier) verifyQuery(r *http.Request, q url.Values) *Error {
	for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if q.Get(p) == "" {
			return queryParametersError(messageQueryParametersMissing)
		}
	}
	if q.Get("X-Amz-Algorithm") != algorithm {
		return queryParametersError(messageQueryAlgorithm)
	}
	c, e := parseCredential(q.Get("X-Amz-Credential"), queryForm)
	if e != nil {
		return e
	}
	if e := checkScope(c, queryForm, v.region()); e != nil {
		return e
	}
	timestamp := q.Get("X-Amz-Date")
	at, ok := parseAmzDate(timestamp)
	if !ok {
		return queryParametersError(messageQueryDate)
	}
	if c.Date != timestamp[:len(credentialDateLayout)] {
		return credentialDateMismatch(queryForm, c.Date, timestamp)
	}
	expiresText := q.Get("X-Amz-Expires")
	expires, err := strconv.ParseInt(expiresText, 10, 64)
	switch {
	case err != nil && !isDigits(strings.TrimPrefix(expiresText, "-")):
		return queryParametersError(messageExpiresNotNumber)
	case strings.HasPrefix(expiresText, "-"):
		return queryParametersError(messageExpiresNegative)
	case err != nil || expires > maxExpires:
		return queryParametersError(messageExpiresTooLarge)
	}
	now := v.now()
	end := at.Add(time.Duration(expires) * time.Second)
	if at.Sub(now) > MaxSkew {
		return notYetValid(at, end, now)
	}
	if expires == 0 || now.After(end) {
		return expired(expiresText, end, now)
	}
	secret, ok := v.Secrets[c.AccessKeyID]
	if !ok {
		return invalidAccessKeyID(c.AccessKeyID)
	}
	payload := q.Get("X-Amz-Content-Sha256")
	if payload == "" {
		payload = unsignedPayload
	}
	mode, e := payloadModeOf(payload)
	if e != nil {
		return e
	}
	if mode != payloadHashed && mode != payloadUnsigned {
		return invalidArgument(messageInvalidContentSHA256, "x-amz-content-sha256", payload)
	}
	signedHeaders := q.Get("X-Amz-SignedHeaders")
	signed := splitSignedHeaders(signedHeaders)
	canonical := canonicalRequest(r.Method, r.URL, signed, signedHeaders, receivedValues(r), payload, true)
	toSign := stringToSign(timestamp, c.Scope(), canonical)
	provided := q.Get("X-Amz-Signature")
	if !sameSignature(provided, signature(signingKey(secret, c.Date, c.Region), toSign)) {
		return signatureMismatch(c.AccessKeyID, toSign, provided, canonical)
	}
	if e := checkUnsigned(r.Header, signed); e != nil {
		return e
	}
	return verifyPayload(r, mode, payload, nil)
}

// requestTime returns the time of a request signed in the Authorization
// header: X-Amz-Date, or else the Date header, formatted yyyyMMdd'T'HHmmss'Z'
// as the string to sign has it.
func requestTime(h http.Header) (timestamp string, t time.Time, ok bool) {
	if vs, present := h["X-Amz-Date"]; present {
		t, ok = parseAmzDate(vs[0])
		return vs[0], t, ok
	}
	d := h.Get("Date")
	if d == "" {
		return "", time.Time{}, false
	}
	t, err := http.ParseTime(d)
	if err != nil {
		return "", time.Time{}, false
	}
	t = t.UTC()
	return t.Format(amzDateLayout), t, true
}

func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != len(amzDateLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(amzDateLayout, s)
	return t, err == nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkUnsigned refuses a request with an x-amz-* header that its signature
// does not cover. S3 tolerates an unsigned x-amz-content-sha256.
func checkUnsigned(h http.Header, signed []string) *Error {
	var missing []string
	for name := range h {
		l := strings.ToLower(name)
		if !strings.HasPrefix(l, "x-amz-") || l == "x-amz-content-sha256" || slices.Contains(signed, l) {
			continue
		}
		missing = append(missing, l)
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return headersNotSigned(missing)
}

// payloadMode is what X-Amz-Content-Sha256 says about the body.
type payloadMode int

const (
	payloadHashed                   payloadMode = iota // hex SHA-256 of the body
	payloadUnsigned                                    // UNSIGNED-PAYLOAD
	payloadStreamingSigned                             // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
	payloadStreamingSignedTrailer                      // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
	payloadStreamingUnsignedTrailer                    // STREAMING-UNSIGNED-PAYLOAD-TRAILER
)

func payloadModeOf(v string) (payloadMode, *Error) {
	switch v {
	case unsignedPayload:
		return payloadUnsigned, nil
	case streamingSigned:
		return payloadStreamingSigned, nil
	case streamingSignedTrailer:
		return payloadStreamingSignedTrailer, nil
	case streamingUnsignedTrailer:
		return payloadStreamingUnsignedTrailer, nil
	case streamingECDSA, streamingECDSATrailer:
		// Chunks signed with Signature Version 4A (ECDSA), which this
		// package does not verify.
		return 0, unsupportedMechanism()
	}
	if len(v) == 64 && isHex(v) {
		return payloadHashed, nil
	}
	return 0, invalidArgument(messageInvalidContentSHA256, "x-amz-content-sha256", v)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// verifyPayload prepares the check of the body against
// X-Amz-Content-Sha256: for a hash, the SHA-256 of the body; for
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD and its -TRAILER variant, every
// chunk's signature, chained from the seed signature (the request's), and
// the trailer's signature. r.Body becomes a *payloadReader that checks the
// body as it is read. An empty body is checked at once. UNSIGNED-PAYLOAD and
// STREAMING-UNSIGNED-PAYLOAD-TRAILER have nothing beyond the seed signature
// to verify.
func verifyPayload(r *http.Request, mode payloadMode, claimed string, c *chain) *Error {
	var check payloadCheck
	switch mode {
	case payloadUnsigned, payloadStreamingUnsignedTrailer:
		return nil
	case payloadHashed:
		check = newHashCheck(claimed, r.ContentLength)
	case payloadStreamingSigned:
		check = newChunkCheck(c, false)
	default: // payloadStreamingSignedTrailer
		check = newChunkCheck(c, true)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return check.end()
	}
	r.Body = &payloadReader{body: r.Body, check: check}
	return nil
}
