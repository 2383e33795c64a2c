package cors_test

// S3's strings, written down independently of the implementation so that a
// typo in either shows up as a failing test.
const (
	varyValue = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method" // H7

	messageNoOrigin             = "Insufficient information. Origin request header needed."                                                                                                                                                                            // P1
	messageNotEnabled           = "CORSResponse: CORS is not enabled for this bucket."                                                                                                                                                                                 // P3
	messageBucketNotFound       = "CORSResponse: Bucket not found"                                                                                                                                                                                                     // P2
	messageNotAllowed           = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec." // P5
	messageInvalidRequestMethod = "Invalid Access-Control-Request-Method: "                                                                                                                                                                                            // D2

	// The limits of D11.
	maxRequestHeadersLength = 8 << 10
	maxRequestHeaders       = 256
)
