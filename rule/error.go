package rule

import (
	"net/http"
	"strconv"
	"strings"
)

// The codes of the errors PutBucketCors answers for a configuration it
// refuses, as found in [Error.Code] (V4–V14, D5).
const (
	CodeMalformedXML             = "MalformedXML"
	CodeInvalidRequest           = "InvalidRequest"
	CodeMaxMessageLengthExceeded = "MaxMessageLengthExceeded"
)

// S3's messages for the codes whose message does not depend on the fault.
const (
	messageMalformedXML             = "The XML you provided was not well-formed or did not validate against our published schema"
	messageMaxMessageLengthExceeded = "Your request was too big."
)

// MaxDocumentSize is the largest PutBucketCors body S3 accepts, in bytes
// (C4). A server reading a request body needs to read at most one byte more
// to tell that a body is too large.
const MaxDocumentSize = 64 << 10

// Limits that S3 enforces on the content of a configuration (C4, D5).
const (
	maxRules    = 100 // CORSRule elements in a configuration
	maxIDLength = 255 // characters of a rule ID
)

// Error is a configuration that S3's PutBucketCors would refuse.
//
// Code, Message and Status are exactly what S3 answers, so an S3 emulator can
// send them unchanged in an [ErrorDocument]. The other fields say, for
// people, where the problem is and how to fix it; S3 does not send them.
type Error struct {
	// Code is S3's error code, such as "MalformedXML" or "InvalidRequest".
	Code string
	// Message is S3's error message, byte for byte.
	Message string
	// Status is the HTTP status S3 answers with (400 for every CORS
	// configuration error).
	Status int

	// Rule is the zero-based index of the rule at fault, or -1 when the
	// problem concerns the whole document.
	Rule int
	// Element is the name of the XML element at fault (such as
	// "AllowedOrigin"), or "" when the problem concerns a whole rule or the
	// document.
	Element string
	// Value is the offending value, when there is one.
	Value string
	// Detail explains the problem and its fix in plain words.
	Detail string
}

// Error returns S3's code and message followed by the detail, for example
// `InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported
// method is get (rule 0: AllowedMethod "get" must be written exactly "GET":
// methods are case-sensitive and take no spaces)`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Detail != "" {
		b.WriteString(" (")
		b.WriteString(e.Detail)
		b.WriteString(")")
	}
	return b.String()
}

// malformed returns S3's MalformedXML error with a human explanation.
func malformed(rule int, element, value, detail string) *Error {
	return &Error{
		Code:    CodeMalformedXML,
		Message: messageMalformedXML,
		Status:  http.StatusBadRequest,
		Rule:    rule,
		Element: element,
		Value:   value,
		Detail:  detail,
	}
}

// invalid returns S3's InvalidRequest error with the given S3 message.
func invalid(rule int, element, value, message, detail string) *Error {
	return &Error{
		Code:    CodeInvalidRequest,
		Message: message,
		Status:  http.StatusBadRequest,
		Rule:    rule,
		Element: element,
		Value:   value,
		Detail:  detail,
	}
}

func tooBig(size int) *Error {
	return &Error{
		Code:    CodeMaxMessageLengthExceeded,
		Message: messageMaxMessageLengthExceeded,
		Status:  http.StatusBadRequest,
		Rule:    -1,
		Detail: "the document is " + strconv.Itoa(size) + " bytes; S3 accepts at most " +
			strconv.Itoa(MaxDocumentSize) + ": merge rules that share methods and headers, or use wildcard origins",
	}
}
