package har

// Finding is one problem or remark about an exchange.
type Finding struct {
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
}

// Severity ranks a finding: an Error is why the exchange failed, a Note
// is worth knowing but did not make it fail.
type Severity string

// The severities of findings.
const (
	Error Severity = "error"
	Note  Severity = "note"
)

// Kind names what a finding is about. The names are stable: they are part
// of explain --har's JSON output.
type Kind string

// The kinds of findings. A CORS clause refused the request:
const (
	KindOriginNotAllowed        Kind = "origin-not-allowed"
	KindMethodNotAllowed        Kind = "method-not-allowed"
	KindHeaderNotAllowed        Kind = "header-not-allowed"
	KindRequestHeadersTooLarge  Kind = "request-headers-too-large"
	KindBadPreflight            Kind = "bad-preflight"
	KindPreflightRefused        Kind = "preflight-refused"
	KindNoConfiguration         Kind = "no-configuration"
	KindNoBucket                Kind = "no-bucket"
	KindMissingAllowOrigin      Kind = "missing-allow-origin"
	KindOriginMismatch          Kind = "origin-mismatch"
	KindCredentialsWithWildcard Kind = "credentials-with-wildcard"
	KindCredentialsNotAllowed   Kind = "credentials-not-allowed"
	KindNoResponse              Kind = "no-response"
	KindNoOrigin                Kind = "no-origin"
)

// The kinds of failures that look like CORS errors in the browser but that
// no CORS configuration causes or cures:
const (
	KindRedirectedPreflight    Kind = "redirected-preflight"
	KindAuthenticatedPreflight Kind = "authenticated-preflight"
	KindExpiredPresignedURL    Kind = "expired-presigned-url"
	KindPrivateNetworkAccess   Kind = "private-network-access"
)

// The kinds of notes:
const (
	KindHeaderNotExposed Kind = "header-not-exposed"
	KindRecordedDiffers  Kind = "recorded-differs"
)
