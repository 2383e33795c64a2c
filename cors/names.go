package cors

// Request and response header names that S3 CORS reads and writes.
const (
	HeaderOrigin           = "Origin"
	HeaderRequestMethod    = "Access-Control-Request-Method"
	HeaderRequestHeaders   = "Access-Control-Request-Headers"
	HeaderAllowOrigin      = "Access-Control-Allow-Origin"
	HeaderAllowMethods     = "Access-Control-Allow-Methods"
	HeaderAllowHeaders     = "Access-Control-Allow-Headers"
	HeaderExposeHeaders    = "Access-Control-Expose-Headers"
	HeaderMaxAge           = "Access-Control-Max-Age"
	HeaderAllowCredentials = "Access-Control-Allow-Credentials"
	HeaderVary             = "Vary"
	HeaderContentType      = "Content-Type"
	HeaderConnection       = "Connection"
)

// VaryValue is the Vary header S3 adds to every response whose request
// matched a rule, and only to those.
const VaryValue = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// The S3 error codes and messages of refused preflights, byte for byte.
// "evalution" is S3's spelling.
const (
	CodeBadRequest      = "BadRequest"
	CodeAccessForbidden = "AccessForbidden"

	MessageNoOrigin       = "Insufficient information. Origin request header needed."
	MessageNotEnabled     = "CORSResponse: CORS is not enabled for this bucket."
	MessageBucketNotFound = "CORSResponse: Bucket not found"
	MessageNotAllowed     = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."

	// MessageInvalidRequestMethod is followed by the offending
	// Access-Control-Request-Method value, or by "null" when the header is
	// missing.
	MessageInvalidRequestMethod = "Invalid Access-Control-Request-Method: "
)

// Limits that bound the work spent on Access-Control-Request-Headers, which
// the client controls. When its lines add up to more than
// MaxRequestHeadersLength bytes, or name more than MaxRequestHeaders headers,
// no rule allows the request: a preflight gets 403, another request no CORS
// headers. S3 refuses requests whose header section exceeds 8 KiB before
// evaluating CORS, and browsers name each non-safelisted header once, so
// requests S3 would answer are not affected. Each name then costs a few map
// lookups: one, plus one pair per distinct (prefix length, suffix length)
// shape among the configuration's wildcard AllowedHeaders, and the lookups
// stop as soon as no rule is left or every remaining rule is found. A
// request thus costs at most a few tens of microseconds for any realistic
// configuration; see BENCHMARKS.md for adversarial cases.
const (
	MaxRequestHeadersLength = 8 << 10
	MaxRequestHeaders       = 256
)

// field identifies a header field that a Result may hold, so that the
// middleware can carry fields around as bytes rather than names.
type field uint8

const (
	fieldAllowOrigin field = iota
	fieldAllowMethods
	fieldAllowHeaders
	fieldExposeHeaders
	fieldMaxAge
	fieldAllowCredentials
	fieldVary
	fieldContentType
	fieldConnection
)

// fieldNames maps a field to its canonical name.
var fieldNames = [...]string{
	fieldAllowOrigin:      HeaderAllowOrigin,
	fieldAllowMethods:     HeaderAllowMethods,
	fieldAllowHeaders:     HeaderAllowHeaders,
	fieldExposeHeaders:    HeaderExposeHeaders,
	fieldMaxAge:           HeaderMaxAge,
	fieldAllowCredentials: HeaderAllowCredentials,
	fieldVary:             HeaderVary,
	fieldContentType:      HeaderContentType,
	fieldConnection:       HeaderConnection,
}
