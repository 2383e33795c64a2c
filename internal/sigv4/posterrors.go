package sigv4

import (
	"net/http"
	"strconv"
)

// S3's error codes of form uploads.
const (
	codePreconditionFailed    = "PreconditionFailed"
	codeMalformedPOSTRequest  = "MalformedPOSTRequest"
	codePreDataLengthExceeded = "MaxPostPreDataLengthExceeded"
	codeInvalidPolicyDocument = "InvalidPolicyDocument"
	codeEntityTooLarge        = "EntityTooLarge"
	codeEntityTooSmall        = "EntityTooSmall"
)

// S3's messages of form uploads. Those marked inferred are not publicly
// recorded for S3; their text follows S3's phrasing of its neighbours.
const (
	messagePreconditionFailed = "At least one of the pre-conditions you specified did not hold"
	conditionNotMultipart     = "Bucket POST must be of the enclosure-type multipart/form-data"
	messageMalformedPOST      = "The body of your POST request is not well-formed multipart/form-data."
	// S3's own spelling.
	messagePreDataTooLarge = "Your POST request fields preceeding the upload file was too large."
	messageNoFile          = "POST requires exactly one file upload per request."
	messageEntityTooLarge  = "Your proposed upload exceeds the maximum allowed size"
	messageEntityTooSmall  = "Your proposed upload is smaller than the minimum allowed size"
	// S3's own spelling.
	messagePostDate      = "X-Amz-Date must be formated via ISO8601 Long format"
	messagePostAlgorithm = `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"` // inferred

	messagePolicyExpired    = "Invalid according to Policy: Policy expired."
	prefixPolicyCondition   = "Invalid according to Policy: Policy Condition failed: "
	prefixPolicyExtraFields = "Invalid according to Policy: Extra input fields: "

	// InvalidPolicyDocument, whose messages start with prefixInvalidPolicy.
	prefixInvalidPolicy          = "Invalid Policy: "
	messagePolicyJSON            = "Invalid JSON."
	messageSimpleConditionCount  = "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
	messageSimpleConditionString = "Invalid Simple-Condition: value must be a string."
	messageNoOperation           = "Invalid Condition: missing operation identifier."
	messagePolicyBase64          = "invalid Base64 encoding."                                   // inferred
	messagePolicyNoExpiration    = "Policy missing expiration."                                 // inferred
	messagePolicyNoConditions    = "Policy missing conditions."                                 // inferred
	messagePolicyConditionsList  = "Invalid 'conditions' value: must be a List."                // inferred
	messageConditionType         = "Invalid condition test: must be a List or Object."          // inferred
	messageLengthNegative        = "Invalid content-length-range: bounds must not be negative." // inferred
)

// notMultipart answers a POST to a bucket whose body is not
// multipart/form-data.
func notMultipart() *Error {
	return &Error{Status: http.StatusPreconditionFailed, Code: codePreconditionFailed, Message: messagePreconditionFailed,
		Details: []Detail{{"Condition", conditionNotMultipart}}}
}

func malformedPost() *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeMalformedPOSTRequest, Message: messageMalformedPOST}
}

func preDataTooLarge() *Error {
	return &Error{Status: http.StatusBadRequest, Code: codePreDataLengthExceeded, Message: messagePreDataTooLarge,
		Details: []Detail{{"MaxPostPreDataLengthBytes", strconv.Itoa(MaxPostPreDataLength)}}}
}

// missingField answers a form without a field it needs, or with the field
// only after the file, where S3 does not read.
func missingField(name string) *Error {
	return invalidArgument("Bucket POST must contain a field named '"+name+"'.  If it is specified, please check the order of the fields.", name, "")
}

func noFile() *Error {
	return invalidArgument(messageNoFile, "file", "0")
}

func invalidPolicy(message string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeInvalidPolicyDocument, Message: prefixInvalidPolicy + message}
}

func policyDenied(message string) *Error {
	return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: message}
}

// conditionFailed repeats the condition as S3 does, an array such as
// ["eq", "$key", "a.txt"].
func conditionFailed(text string) *Error {
	return policyDenied(prefixPolicyCondition + text)
}

func entityTooLarge(size, limit int64) *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeEntityTooLarge, Message: messageEntityTooLarge,
		Details: []Detail{{"ProposedSize", strconv.FormatInt(size, 10)}, {"MaxSizeAllowed", strconv.FormatInt(limit, 10)}}}
}

func entityTooSmall(size, limit int64) *Error {
	return &Error{Status: http.StatusBadRequest, Code: codeEntityTooSmall, Message: messageEntityTooSmall,
		Details: []Detail{{"ProposedSize", strconv.FormatInt(size, 10)}, {"MinSizeAllowed", strconv.FormatInt(limit, 10)}}}
}
