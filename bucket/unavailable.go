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

// unavailable is the answer to a call the Store cannot serve yet, before
// its first load from the Backend: 503 ServiceUnavailable, which clients
// retry, rather than anything that would say the bucket has no
// configuration.
func unavailable() Reply {
	return failed(http.StatusServiceUnavailable, rule.ErrorDocument{
		Code: codeServiceUnavailable, Message: messageServiceUnavailable,
	})
}

// backendFailed reports whether err is a change the Backend failed to make
// and, if so, returns S3's answer to it: 500 InternalError, since the
// change may or may not have been made, and clients retry.
func backendFailed(err error) (Reply, bool) {
	if be := (*BackendError)(nil); !errors.As(err, &be) {
		return Reply{}, false
	}
	return failed(http.StatusInternalServerError, rule.ErrorDocument{
		Code: codeInternalError, Message: messageInternalError,
	}), true
}
