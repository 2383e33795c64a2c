package bucket

import (
	"net/http"

	"github.com/s3cors/s3cors/internal/requestid"
	"github.com/s3cors/s3cors/rule"
)

// S3's errors for the bucket CORS API besides those of package rule.
const (
	codeNoSuchBucket    = "NoSuchBucket"
	messageNoSuchBucket = "The specified bucket does not exist"

	codeNoSuchCORSConfiguration    = "NoSuchCORSConfiguration"
	messageNoSuchCORSConfiguration = "The CORS configuration does not exist"

	codeMethodNotAllowed    = "MethodNotAllowed"
	messageMethodNotAllowed = "The specified method is not allowed against this resource."

	codeIncompleteBody    = "IncompleteBody"
	messageIncompleteBody = "You did not provide the number of bytes specified by the Content-Length HTTP header."

	messageMissingContentMD5 = "Missing required header for this request: Content-MD5"

	codeBadDigest        = "BadDigest"
	messageBadContentMD5 = "The Content-MD5 you specified did not match what we received."
	codeInvalidDigest    = "InvalidDigest"
	messageInvalidDigest = "The Content-MD5 you specified was invalid."
)

// Canonical names of S3's ID headers.
const (
	headerRequestID = "X-Amz-Request-Id"
	headerHostID    = "X-Amz-Id-2"
)

// setRequestIDs gives the response the S3 ID headers the server has not
// set, and returns both.
func setRequestIDs(w http.ResponseWriter) (requestID, hostID string) {
	h := w.Header()
	requestID, hostID = h.Get(headerRequestID), h.Get(headerHostID)
	if requestID == "" || hostID == "" {
		newRequestID, newHostID := requestid.New()
		if requestID == "" {
			requestID = newRequestID
			h.Set(headerRequestID, requestID)
		}
		if hostID == "" {
			hostID = newHostID
			h.Set(headerHostID, hostID)
		}
	}
	return requestID, hostID
}

// writeError writes an S3 XML error response the way S3 does (E1, E2):
// Content-Type application/xml, chunked (no Content-Length), RequestId and
// HostId equal to the x-amz-request-id and x-amz-id-2 headers. A HEAD
// request gets no body.
func writeError(w http.ResponseWriter, r *http.Request, status int, doc rule.ErrorDocument) {
	doc.RequestID, doc.HostID = setRequestIDs(w)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	// Flushing the header before the body makes net/http send the body
	// chunked, as S3 does.
	_ = http.NewResponseController(w).Flush()
	_, _ = w.Write(doc.AppendXML(nil))
}
