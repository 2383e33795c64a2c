package cors

// Request and response header names that S3 CORS reads and writes, in the
// canonical form net/http stores them under.
const (
	headerOrigin         = "Origin"
	headerRequestMethod  = "Access-Control-Request-Method"
	headerRequestHeaders = "Access-Control-Request-Headers"
	headerVary           = "Vary"
	headerConnection     = "Connection"
	headerRequestID      = "X-Amz-Request-Id"
	headerHostID         = "X-Amz-Id-2"
)

// varyValue is the Vary header S3 adds to every response whose request
// matched a rule, and only to those (H7).
const varyValue = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// The S3 error codes and messages of refused preflights, byte for byte
// (P1–P5, D2). "evalution" is S3's spelling.
const (
	codeBadRequest      = "BadRequest"
	codeAccessForbidden = "AccessForbidden"

	messageNoOrigin       = "Insufficient information. Origin request header needed."
	messageNotEnabled     = "CORSResponse: CORS is not enabled for this bucket."
	messageBucketNotFound = "CORSResponse: Bucket not found"
	messageNotAllowed     = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."

	// Inferred: S3's answer when it cannot serve a request; the code and
	// status are in its list of error responses, the message is the one
	// its responses carry.
	codeServiceUnavailable    = "ServiceUnavailable"
	messageServiceUnavailable = "Service is unable to handle request."

	// messageInvalidRequestMethod is followed by the offending
	// Access-Control-Request-Method value, or by "null" when the header is
	// missing.
	messageInvalidRequestMethod = "Invalid Access-Control-Request-Method: "
)

// field identifies a header field that a Result may hold. The order is the
// order in which S3 writes them (H8).
type field uint8

const (
	fieldAllowOrigin field = iota
	fieldAllowMethods
	fieldAllowHeaders
	fieldExposeHeaders
	fieldMaxAge
	fieldAllowCredentials
	fieldVary
	fieldCount
)

// A refused preflight's body is S3's XML error document (E2).
const (
	headerContentType = "Content-Type"
	xmlContentType    = "application/xml"
)

// The canonical names of the CORS response fields.
const (
	headerAllowOrigin      = "Access-Control-Allow-Origin"
	headerAllowMethods     = "Access-Control-Allow-Methods"
	headerAllowHeaders     = "Access-Control-Allow-Headers"
	headerExposeHeaders    = "Access-Control-Expose-Headers"
	headerMaxAge           = "Access-Control-Max-Age"
	headerAllowCredentials = "Access-Control-Allow-Credentials"
)

// fieldNames maps a field to its canonical name.
var fieldNames = [fieldCount]string{
	fieldAllowOrigin:      headerAllowOrigin,
	fieldAllowMethods:     headerAllowMethods,
	fieldAllowHeaders:     headerAllowHeaders,
	fieldExposeHeaders:    headerExposeHeaders,
	fieldMaxAge:           headerMaxAge,
	fieldAllowCredentials: headerAllowCredentials,
	fieldVary:             headerVary,
}
