package sigv4

import (
	"strings"
	"time"
)

// An Authorization is the parsed value of an Authorization header of AWS
// Signature Version 4:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc…
type Authorization struct {
	Credential Credential
	// SignedHeaders is the list of signed header names as sent, lower-case
	// and separated by ';'.
	SignedHeaders string
	Signature     string
}

// A Credential is an access key ID and the scope of the signing key: the
// value of Credential= in an Authorization header or of the X-Amz-Credential
// parameter of a presigned URL, AKID/yyyyMMdd/region/service/aws4_request.
type Credential struct {
	AccessKeyID string
	Date        string // yyyyMMdd
	Region      string
	Service     string
	Terminal    string // "aws4_request"
}

// Scope returns the credential scope, the Credential without the access key
// ID: yyyyMMdd/region/service/aws4_request.
func (c Credential) Scope() string {
	return c.Date + "/" + c.Region + "/" + c.Service + "/" + c.Terminal
}

// ParseAuthorization parses the value of an Authorization header. It checks
// the syntax only: the scope and the signature are checked by
// [Verifier.Verify]. A value it refuses gets the error S3 answers it with,
// an *Error:
//
//   - another scheme than AWS4-HMAC-SHA256: InvalidRequest (the AWS scheme of
//     Signature Version 2 and the AWS4-ECDSA-P256-SHA256 scheme of Signature
//     Version 4A, which this package does not verify) or InvalidArgument
//     "Unsupported Authorization Type" (any other scheme);
//   - a missing component, a component that is not Name=Value, or a
//     Credential that does not have five parts: AuthorizationHeaderMalformed.
//
// The components may come in any order, separated by commas and optional
// spaces.
func ParseAuthorization(value string) (Authorization, error) {
	a, err := parseAuthorization(value)
	if err != nil {
		return Authorization{}, err
	}
	return a, nil
}

func parseAuthorization(value string) (Authorization, *Error) {
	scheme, rest, _ := strings.Cut(value, " ")
	switch scheme {
	case algorithm:
	case "AWS", "AWS4-ECDSA-P256-SHA256":
		return Authorization{}, unsupportedMechanism()
	default:
		return Authorization{}, invalidArgument(messageUnsupportedType, "Authorization", value)
	}
	var a Authorization
	var credential string
	var have [3]bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.Trim(part, " ")
		if part == "" {
			continue
		}
		name, v, ok := strings.Cut(part, "=")
		if !ok || v == "" || strings.ContainsAny(v, "= \t") {
			return Authorization{}, malformedComponent(part)
		}
		var i int
		switch name {
		case "Credential":
			i, credential = 0, v
		case "SignedHeaders":
			i, a.SignedHeaders = 1, v
		case "Signature":
			i, a.Signature = 2, v
		default:
			return Authorization{}, malformedComponent(part)
		}
		if have[i] {
			return Authorization{}, malformedComponent(part)
		}
		have[i] = true
	}
	if !have[0] || !have[1] || !have[2] {
		return Authorization{}, malformed(headerForm, messageThreeComponents)
	}
	c, err := parseCredential(credential, headerForm)
	if err != nil {
		return Authorization{}, err
	}
	a.Credential = c
	return a, nil
}

// malformedComponent answers a component of the Authorization header that is
// not Name=Value with a known name and a plain value.
func malformedComponent(part string) *Error {
	return malformed(headerForm, `the authorization component "`+part+`" is malformed.`)
}

// parseCredential splits AKID/date/region/service/terminal.
func parseCredential(s string, f form) (Credential, *Error) {
	parts := strings.Split(s, "/")
	if len(parts) != 5 {
		return Credential{}, malformed(f, messageCredentialMalformed)
	}
	if parts[0] == "" {
		return Credential{}, malformed(f, messageEmptyAccessKey)
	}
	return Credential{parts[0], parts[1], parts[2], parts[3], parts[4]}, nil
}

// checkScope checks a credential's scope against the verifier's region: a
// date in the form yyyyMMdd, the region, the service s3 and the terminal
// string aws4_request.
func checkScope(c Credential, f form, region string) *Error {
	if len(c.Date) != len(credentialDateLayout) {
		return badCredentialDate(f, c.Date)
	}
	if _, err := time.Parse(credentialDateLayout, c.Date); err != nil {
		return badCredentialDate(f, c.Date)
	}
	if c.Region != region {
		return wrongRegion(f, c.Region, region)
	}
	if c.Service != service {
		return wrongService(f, c.Service)
	}
	if c.Terminal != terminal {
		return wrongTerminal(f, c.Terminal)
	}
	return nil
}

// splitSignedHeaders splits the list of signed header names.
func splitSignedHeaders(s string) []string {
	return strings.Split(s, ";")
}
