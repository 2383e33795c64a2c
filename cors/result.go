package cors

import (
	"iter"
	"strings"

	"github.com/s3cors/s3cors/rule"
)

// Result is S3's answer to a request, as [Policy.Evaluate] returns it. It is
// a plain value: copies are independent, and every string it holds is
// immutable. The zero Result is the answer to a request CORS leaves alone:
// not a preflight, no rule matched, no headers.
type Result struct {
	// Preflight reports that the request was an OPTIONS preflight, which
	// S3 answers itself with Status, the headers and, on refusal, the XML
	// error document of Error; the request never reaches the bucket's
	// normal handling. Otherwise the request proceeds as usual and S3 adds
	// the headers (possibly none) to whatever response it produces, errors
	// included.
	Preflight bool

	// Status is the HTTP status of a preflight's answer: 200, 400 or 403.
	// It is 0 for other requests: CORS never refuses them. For the
	// [Unavailable] policy it is 503 for every request.
	Status int

	// Matched reports that a rule allowed the request, so that the CORS
	// headers are present.
	Matched bool

	// Rule is the zero-based index of the rule that matched. It is 0 when
	// Matched is false.
	Rule int

	// Error is the XML error document of a refused preflight (and of any
	// request to an [Unavailable] bucket), with Code,
	// Message and, for AccessForbidden, Method and ResourceType filled in;
	// its Code is "" otherwise. Set its RequestID and HostID (S3 repeats
	// its x-amz-request-id and x-amz-id-2 headers there) before rendering
	// it with [rule.ErrorDocument.AppendXML].
	Error rule.ErrorDocument

	fields fieldSet
}

// fieldSet holds the header fields of an answer, each in the slot of its
// field, so that they come out in S3's order.
type fieldSet struct {
	vals [fieldCount]string
	set  uint16 // bit f is set when vals[f] is part of the answer
}

// add records the field f with value.
func (s *fieldSet) add(f field, value string) {
	s.vals[f] = value
	s.set |= 1 << f
}

// Headers returns the response header fields of the answer, in the order S3
// writes them: Access-Control-Allow-Origin, -Allow-Methods, -Allow-Headers,
// -Expose-Headers, -Max-Age, -Allow-Credentials and Vary on a match (H1–H8);
// Content-Type on a refused preflight (E2). The iterator yields
// canonical names and values.
//
// S3 also sends Connection: close with every 400 answer to a preflight over
// HTTP/1.1 (D13). That is a property of the connection, not of the answer,
// so it is not among these fields; [Middleware] adds it where it applies.
func (r Result) Headers() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for f := range fieldCount {
			if r.fields.set&(1<<f) != 0 && !yield(fieldNames[f], r.fields.vals[f]) {
				return
			}
		}
		if r.Error.Code != "" {
			yield(headerContentType, xmlContentType)
		}
	}
}

// Get returns the value of the named header field of the answer, or "" when
// the answer has no such field. Like [net/http.Header.Get], it ignores the
// case of name.
func (r Result) Get(name string) string {
	for f := range fieldCount {
		if r.fields.set&(1<<f) != 0 && len(name) == len(fieldNames[f]) && strings.EqualFold(name, fieldNames[f]) {
			return r.fields.vals[f]
		}
	}
	if r.Error.Code != "" && strings.EqualFold(name, headerContentType) {
		return xmlContentType
	}
	return ""
}
