package emulator

import (
	"net/http"

	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

// WithAuth makes the emulator authenticate requests as S3 does: every
// request except a preflight must be signed with AWS Signature Version 4,
// in its Authorization header, as a presigned URL or, for an upload from an
// HTML form (POST Object), by the form's POST policy, with one of v's access
// keys and for v's region. v's fields must not change once the emulator is
// in use.
//
// A refused request gets S3's XML error (AccessDenied, SignatureDoesNotMatch,
// InvalidAccessKeyId, AuthorizationHeaderMalformed …, see
// [sigv4.Verifier.Verify]) with the RequestId and HostId of the emulator's
// other errors. S3 also writes elements such as StringToSign and
// CanonicalRequest into some of these errors; the emulator writes Code and
// Message only.
//
// Authentication runs inside the CORS middleware: preflights are answered
// without it, as on S3, and its errors to a request from an allowed origin
// carry the bucket's CORS headers, so that a web page can read them.
//
// Without this option, the default, the emulator does not authenticate: any
// credentials, or none, are accepted. Code outside this repository, which
// cannot name the verifier's package, uses [WithCredentials].
func WithAuth(v *sigv4.Verifier) Option {
	return func(s *settings) { s.auth = v }
}

// WithCredentials is [WithAuth] for a verifier that accepts the access
// keys of secrets (access key ID → secret access key) for region ("" is
// us-east-1), at the current time.
func WithCredentials(region string, secrets map[string]string) Option {
	keys := make(map[string]string, len(secrets))
	for id, secret := range secrets {
		keys[id] = secret
	}
	return WithAuth(&sigv4.Verifier{Secrets: keys, Region: region})
}

// authenticate returns h behind the settings' verifier, or h itself when
// the emulator does not authenticate.
func (s *settings) authenticate(h http.Handler) http.Handler {
	if s.auth == nil {
		return h
	}
	verified := s.auth.Handler(h, refuse)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isFormUpload(r) {
			// Its signature is in the form: servePost verifies it.
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
