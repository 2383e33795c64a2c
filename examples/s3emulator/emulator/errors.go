package emulator

import (
	"net/http"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/rule"
)

// S3's answer to a preflight to a bucket without CORS configuration, which
// the emulator also gives to a preflight to the service endpoint (D22).
const (
	codeAccessForbidden = "AccessForbidden"
	messageNotEnabled   = "CORSResponse: CORS is not enabled for this bucket."
)

// writeError writes an S3 XML error response the way S3 does, as the bucket
// CORS API writes its own: Content-Type application/xml, chunked (no
// Content-Length), RequestId and HostId equal to the x-amz-request-id and
// x-amz-id-2 headers that ServeHTTP set.
func writeError(w http.ResponseWriter, r *http.Request, status int, doc rule.ErrorDocument) {
	bucket.Reply{Status: status, Error: &doc}.ServeHTTP(w, r)
}
