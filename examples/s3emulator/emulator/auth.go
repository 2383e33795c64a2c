package emulator

import (
	"net/http"
	"time"

	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

// WithCredentials makes the emulator authenticate requests as S3 does:
// every request except a preflight must be signed with AWS Signature
// Version 4, in its Authorization header, as a presigned URL or, for an
// upload from an HTML form (POST Object), by the form's POST policy, with
// one of the access keys of secrets (access key ID → secret access key) and
// for region ("" is us-east-1). Given more than once, the last one counts.
// secrets is copied.
//
// A refused request gets S3's XML error (AccessDenied, SignatureDoesNotMatch,
// InvalidAccessKeyId, AuthorizationHeaderMalformed, RequestTimeTooSkewed,
// XAmzContentSHA256Mismatch …) with the RequestId and HostId of the
// emulator's other errors. S3 also writes elements such as StringToSign
// and CanonicalRequest into some of these errors; the emulator writes Code
// and Message only. A signed body is checked as it is read, so a large one
// is never held in memory to be verified.
//
// Authentication runs inside the CORS middleware: preflights are answered
// without it, as on S3, and its errors to a request from an allowed origin
// carry the bucket's CORS headers, so that a web page can read them.
//
// Without this option, the default, the emulator does not authenticate: any
// credentials, or none, are accepted.
func WithCredentials(region string, secrets map[string]string) Option {
	keys := make(map[string]string, len(secrets))
	for id, secret := range secrets {
		keys[id] = secret
	}
	return func(s *settings) { s.secrets, s.region = keys, region }
}

// WithClock sets the clock authentication reads (see [WithCredentials]):
// the time a signed request may be 15 minutes off, and the expiry of
// presigned URLs and POST policies. nil, the default, is time.Now. Tests
// use it to check expiry without waiting.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.now = now }
}

// WithSignatureV2 makes the emulator, when it authenticates (see
// [WithCredentials]), accept requests signed with AWS Signature Version 2
// as well, in the Authorization header or as a presigned URL, as S3 still
// does in the regions that opened before 2014. Without it they are refused
// with InvalidRequest, as in the newer regions.
func WithSignatureV2() Option {
	return func(s *settings) { s.signatureV2 = true }
}

// verifier returns the verifier of the settings' credentials, or nil when
// the emulator does not authenticate.
func (s *settings) verifier() *sigv4.Verifier {
	if s.secrets == nil {
		return nil
	}
	return &sigv4.Verifier{Secrets: s.secrets, Region: s.region, Now: s.now, SignatureV2: s.signatureV2}
}

// authenticate returns h behind the emulator's verifier, or h itself when
// the emulator does not authenticate. A read of a public-read bucket
// without any signature passes unverified, as on S3.
func (e *Emulator) authenticate(h http.Handler) http.Handler {
	if e.auth == nil {
		return h
	}
	verified := e.auth.Handler(h, refuse)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isFormUpload(r) || e.anonymousRead(r) {
			// A form's signature is in the form: servePost verifies it.
			h.ServeHTTP(w, r)
			return
		}
		verified.ServeHTTP(w, r)
	})
}

// refuse answers a request that failed authentication.
func refuse(w http.ResponseWriter, r *http.Request, e *sigv4.Error) {
	writeError(w, r, e.Status, rule.ErrorDocument{Code: e.Code, Message: e.Message})
}
