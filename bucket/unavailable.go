package bucket

import (
	"errors"
	"net/http"

	"github.com/s3cors/s3cors/rule"
)

// S3's answers when it cannot serve a request. Inferred: S3 documents these
// codes and statuses in its list of error responses; the messages are the
// ones its responses carry.
const (
	codeServiceUnavailable    = "ServiceUnavailable"
	messageServiceUnavailable = "Service is unable to handle request."

	codeInternalError    = "InternalError"
	messageInternalError = "We encountered an internal error. Please try again."
)

// writeUnavailable answers a request the Store cannot serve yet, before its
// first load from the Backend: 503 ServiceUnavailable, which clients retry,
// rather than anything that would say the bucket has no configuration.
func writeUnavailable(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, http.StatusServiceUnavailable, rule.ErrorDocument{
		Code: codeServiceUnavailable, Message: messageServiceUnavailable,
	})
}

// writeBackendError answers a change the Backend failed to make with 500
// InternalError: the change may or may not have been made, and clients
// retry.
func writeBackendError(w http.ResponseWriter, r *http.Request, err error) bool {
	if be := (*BackendError)(nil); !errors.As(err, &be) {
		return false
	}
	writeError(w, r, http.StatusInternalServerError, rule.ErrorDocument{
		Code: codeInternalError, Message: messageInternalError,
	})
	return true
}
