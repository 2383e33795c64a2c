package sigv4

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// An Error is the reason a request is refused: the S3 error it is answered
// with.
type Error struct {
	Status  int    // HTTP status, such as 403
	Code    string // S3 error code, such as "SignatureDoesNotMatch"
	Message string // S3's message for the code

	// Details are the further elements S3 writes into the error body
	// between Message and RequestId, in S3's order, such as AWSAccessKeyId
	// and StringToSign for SignatureDoesNotMatch.
	Details []Detail
}

// A Detail is one further element of an S3 error body.
type Detail struct {
	Name, Value string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Detail returns the value of the named detail, or "" when e has none.
func (e *Error) Detail(name string) string {
	for _, d := range e.Details {
		if d.Name == name {
			return d.Value
		}
	}
	return ""
}

// S3's error codes.
const (
	codeAccessDenied          = "AccessDenied"
	codeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	codeInvalidAccessKeyID    = "InvalidAccessKeyId"
	codeHeaderMalformed       = "AuthorizationHeaderMalformed"
	codeQueryParametersError  = "AuthorizationQueryParametersError"
	codeRequestTimeTooSkewed  = "RequestTimeTooSkewed"
	codeInvalidRequest        = "InvalidRequest"
	codeInvalidArgument       = "InvalidArgument"
	codeContentSHA256Mismatch = "XAmzContentSHA256Mismatch"
	codeIncompleteBody        = "IncompleteBody"
)

// S3's messages. Those marked inferred are not publicly recorded for S3;
// their text follows S3's phrasing of its neighbours.
const (
	messageAccessDenied          = "Access Denied"
	messageExpired               = "Request has expired"
	messageNotYetValid           = "Request is not yet valid"
	messageNoDate                = "AWS authentication requires a valid Date or x-amz-date header"
	messageHeadersNotSigned      = "There were headers present in the request which were not signed"
	messageSignatureDoesNotMatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	messageInvalidAccessKeyID    = "The AWS Access Key Id you provided does not exist in our records."
	messageRequestTimeTooSkewed  = "The difference between the request time and the current time is too large."
	messageMissingContentSHA256  = "Missing required header for this request: x-amz-content-sha256"
	messageInvalidContentSHA256  = "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value."
	messageContentSHA256Mismatch = "The provided 'x-amz-content-sha256' header does not match what was computed."
	messageUnsupportedMechanism  = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
	messageUnsupportedType       = "Unsupported Authorization Type"
	messageOneMechanism          = "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
	messageIncompleteBody        = "You did not provide the number of bytes specified by the Content-Length HTTP header."

	// AuthorizationQueryParametersError
	messageQueryParametersMissing = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
	messageExpiresNotNumber       = "X-Amz-Expires should be a number"
	messageExpiresNegative        = "X-Amz-Expires must be non-negative"
	messageExpiresTooLarge        = "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"
	messageQueryDate              = `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"` // inferred
	messageQueryAlgorithm         = `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`                     // inferred

	// AuthorizationHeaderMalformed, and for the credential of a presigned
	// URL AuthorizationQueryParametersError, whose messages start with the
	// prefixes.
	prefixHeaderMalformed       = "The authorization header is malformed; "
	prefixCredentialParameter   = "Error parsing the X-Amz-Credential parameter; "
	messageThreeComponents      = "the authorization header requires three components: Credential, SignedHeaders, and Signature."
	messageCredentialMalformed  = `the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`
	messageEmptyAccessKey       = "a non-empty Access Key (AKID) must be provided in the credential."
	messageHeaderCredentialDate = "Invalid credential date. Date is not the same as X-Amz-Date."
)

const (
	maxSkewMilliseconds        = "900000" // MaxSkew, as RequestTimeTooSkewed shows it
	maxExpires           int64 = 7 * 24 * 60 * 60
	serverTimeLayout           = "2006-01-02T15:04:05Z"
	amzDateLayout              = "20060102T150405Z"
	credentialDateLayout       = "20060102"
)

// form tells the two forms of authentication apart in messages that differ
// between them.
type form int

const (
	headerForm form = iota // Authorization header
	queryForm              // presigned URL
)

func accessDenied() *Error {
	return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: messageAccessDenied}
}

// malformed is an error in the Authorization header or in the
// X-Amz-Credential parameter of a presigned URL.
func malformed(f form, message string, details ...Detail) *Error {
	if f == queryForm {
		return &Error{Status: http.StatusBadRequest, Code: codeQueryParametersError,
			Message: prefixCredentialParameter + message, Details: details}
	}
	return &Error{Status: http.StatusBadRequest, Code: codeHeaderMalformed,
		Message: prefixHeaderMalformed + message, Details: details}
}

func queryParametersError(message string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeQueryParametersError, Message: message}
}

func wrongRegion(f form, got, want string) *Error {
	return malformed(f, "the region '"+got+"' is wrong; expecting '"+want+"'", Detail{"Region", want})
}

// wrongService is inferred: S3's message is not publicly recorded.
func wrongService(f form, got string) *Error {
	return malformed(f, "incorrect service '"+got+"'. This endpoint belongs to '"+service+"'.")
}

// wrongTerminal is inferred: S3's message is not publicly recorded.
func wrongTerminal(f form, got string) *Error {
	return malformed(f, "incorrect terminal '"+got+"'. This endpoint uses '"+terminal+"'.")
}

// badCredentialDate is inferred: S3's message is not publicly recorded.
func badCredentialDate(f form, got string) *Error {
	return malformed(f, `incorrect date format "`+got+`". This date in the credential must be in the format "yyyyMMdd".`)
}

// credentialDateMismatch is the answer to a credential scope whose date is
// not the date of the request time. The presigned form's message is
// inferred.
func credentialDateMismatch(f form, scopeDate, timestamp string) *Error {
	if f == queryForm {
		return queryParametersError(`Invalid credential date "` + scopeDate +
			`". This date is not the same as X-Amz-Date: "` + timestamp[:8] + `".`)
	}
	return malformed(f, messageHeaderCredentialDate)
}

func unsupportedMechanism() *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeInvalidRequest, Message: messageUnsupportedMechanism}
}

func invalidArgument(message, name, value string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeInvalidArgument, Message: message,
		Details: []Detail{{"ArgumentName", name}, {"ArgumentValue", value}}}
}

func invalidAccessKeyID(id string) *Error {
	return &Error{Status: http.StatusForbidden, Code: codeInvalidAccessKeyID, Message: messageInvalidAccessKeyID,
		Details: []Detail{{"AWSAccessKeyId", id}}}
}

// signatureMismatch carries what S3 shows of its computation: the string to
// sign and the canonical request, as text and as bytes.
func signatureMismatch(id, toSign, provided, canonical string) *Error {
	d := []Detail{
		{"AWSAccessKeyId", id},
		{"StringToSign", toSign},
		{"SignatureProvided", provided},
		{"StringToSignBytes", spacedHex(toSign)},
	}
	if canonical != "" {
		d = append(d, Detail{"CanonicalRequest", canonical}, Detail{"CanonicalRequestBytes", spacedHex(canonical)})
	}
	return &Error{Status: http.StatusForbidden, Code: codeSignatureDoesNotMatch, Message: messageSignatureDoesNotMatch, Details: d}
}

func tooSkewed(timestamp string, now time.Time) *Error {
	return &Error{Status: http.StatusForbidden, Code: codeRequestTimeTooSkewed, Message: messageRequestTimeTooSkewed,
		Details: []Detail{
			{"RequestTime", timestamp},
			{"ServerTime", now.UTC().Format(serverTimeLayout)},
			{"MaxAllowedSkewMilliseconds", maxSkewMilliseconds},
		}}
}

func expired(expires string, at, now time.Time) *Error {
	return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: messageExpired,
		Details: []Detail{
			{"X-Amz-Expires", expires},
			{"Expires", at.UTC().Format(serverTimeLayout)},
			{"ServerTime", now.UTC().Format(serverTimeLayout)},
		}}
}

// notYetValid repeats X-Amz-Date in milliseconds since 1970, as S3 does.
func notYetValid(date, at, now time.Time) *Error {
	return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: messageNotYetValid,
		Details: []Detail{
			{"X-Amz-Date", strconv.FormatInt(date.UnixMilli(), 10)},
			{"Expires", at.UTC().Format(serverTimeLayout)},
			{"ServerTime", now.UTC().Format(serverTimeLayout)},
		}}
}

func headersNotSigned(names []string) *Error {
	return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: messageHeadersNotSigned,
		Details: []Detail{{"HeadersNotSigned", strings.Join(names, ", ")}}}
}

func contentSHA256Mismatch(client, computed string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeContentSHA256Mismatch, Message: messageContentSHA256Mismatch,
		Details: []Detail{{"ClientComputedContentSHA256", client}, {"S3ComputedContentSHA256", computed}}}
}

// incompleteBody answers a streaming body whose chunk framing is broken.
// Inferred: S3's answer to such a body is not publicly recorded.
func incompleteBody() *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeIncompleteBody, Message: messageIncompleteBody}
}

// spacedHex writes s as S3 does in StringToSignBytes: two lower-case hex
// digits per byte, separated by spaces.
func spacedHex(s string) string {
	var b strings.Builder
	b.Grow(3 * len(s))
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02x", s[i])
	}
	return b.String()
}
