package cors

import (
	"github.com/s3cors/s3cors/internal/arena"
	"github.com/s3cors/s3cors/rule"
)

// Header is one response header field.
type Header struct {
	Name  string
	Value string
}

// ErrorInfo is the S3 error of a refused preflight: the elements of its XML
// error document other than RequestId and HostId.
type ErrorInfo struct {
	Code    string // "BadRequest" or "AccessForbidden"
	Message string
	// Method and ResourceType are set for AccessForbidden only: the
	// Access-Control-Request-Method value (or "OPTIONS" without one) and
	// "OBJECT" or "BUCKET".
	Method       string
	ResourceType string
}

// maxHeaders is the most header fields a Result holds: the seven CORS
// headers of a match, or Content-Type and Connection of an error.
const maxHeaders = 7

// Result is S3's answer to a request, filled in by [Policy.Evaluate].
//
// A Result can be reused for many evaluations, one at a time, to avoid
// allocating; strings obtained from it stay valid and unchanged after reuse.
// The zero Result is ready to use.
type Result struct {
	// Preflight reports that the request was an OPTIONS preflight, which
	// S3 answers itself with Status, Headers and, on refusal, an XML error
	// body; the request never reaches the bucket's normal handling.
	// Otherwise the request proceeds as usual and S3 adds Headers (possibly
	// none) to whatever response it produces, errors included.
	Preflight bool

	// Status is the HTTP status of a preflight's answer: 200, 400 or 403.
	// It is 0 for other requests: CORS never refuses them.
	Status int

	// Rule is the zero-based index of the rule that matched, or -1 when
	// none did. Before the first evaluation it is 0; use Matched to tell.
	Rule int

	// Error describes a refused preflight; its Code is "" otherwise.
	Error ErrorInfo

	headers [maxHeaders]Header
	fields  [maxHeaders]field // which field each of headers is
	n       int
	items   []string // parsed Access-Control-Request-Headers, substrings of joined
	joined  string   // items joined with ", ", the Access-Control-Allow-Headers value
	arena   arena.Arena
}

// Headers returns the response header fields to send, in the order S3
// writes them: Access-Control-Allow-Origin, -Allow-Methods, -Allow-Headers,
// -Expose-Headers, -Max-Age, -Allow-Credentials and Vary on a match;
// Content-Type (and Connection: close for 400) on a refused preflight. The
// slice belongs to r and is overwritten by the next evaluation into r.
func (r *Result) Headers() []Header { return r.headers[:r.n] }

// Get returns the value of the named header field of the answer, or "".
// The name must be written as in the Header* constants.
func (r *Result) Get(name string) string {
	for _, h := range r.headers[:r.n] {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

// Matched reports whether a rule matched, so that the CORS headers are
// present. It is false for a Result that has not been evaluated yet.
func (r *Result) Matched() bool {
	return r.Rule >= 0 && r.n > 0 && r.fields[0] == fieldAllowOrigin
}

// ErrorDocument returns the XML error document of a refused preflight, with
// the given request and host IDs (S3 repeats its x-amz-request-id and
// x-amz-id-2 headers there). Render it with [rule.ErrorDocument.AppendXML].
func (r *Result) ErrorDocument(requestID, hostID string) rule.ErrorDocument {
	return rule.ErrorDocument{
		Code:         r.Error.Code,
		Message:      r.Error.Message,
		Method:       r.Error.Method,
		ResourceType: r.Error.ResourceType,
		RequestID:    requestID,
		HostID:       hostID,
	}
}

func (r *Result) reset() {
	r.Preflight = false
	r.Status = 0
	r.Rule = -1
	r.Error = ErrorInfo{}
	r.n = 0
	r.items = r.items[:0]
	r.joined = ""
}

func (r *Result) add(f field, value string) {
	r.headers[r.n] = Header{fieldNames[f], value}
	r.fields[r.n] = f
	r.n++
}
