package proxy

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/s3cors/s3cors/internal/requestid"
	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

// The proxy's own errors, in S3's XML error form. The codes are those S3
// and its gateways use for the same conditions, so that S3 clients retry
// them (503, 504) or give up (502) as they would against S3.
var (
	errUnreachable = rule.ErrorDocument{
		Code:    "ServiceUnavailable",
		Message: "The upstream S3 server cannot be reached; the request was not sent. Try again once it is up.",
	}
	errBadGateway = rule.ErrorDocument{
		Code:    "BadGateway",
		Message: "The upstream S3 server closed the connection or sent an invalid response.",
	}
	errGatewayTimeout = rule.ErrorDocument{
		Code:    "GatewayTimeout",
		Message: "The upstream S3 server did not answer in time, or the transfer stalled.",
	}
	errExistenceUnknown = rule.ErrorDocument{
		Code:    "ServiceUnavailable",
		Message: "The upstream S3 server did not say whether the bucket exists, so its CORS cannot be applied. Try again once it answers.",
	}
	errSlowDown = rule.ErrorDocument{
		Code:    "SlowDown",
		Message: "Please reduce your request rate.",
	}
)

// errStalled is the cause of the cancellation of a request whose transfer
// made no progress for the idle timeout.
var errStalled = errors.New("proxy: the transfer made no progress within the idle timeout")

// upstreamFailed answers a request that got no response from the
// upstream: 503 when it could not be connected to, 504 when it did not
// answer in time, 502 otherwise. A request whose client went away gets
// nothing.
func (p *Proxy) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	stalled := errors.Is(context.Cause(ctx), errStalled)
	if ctx.Err() != nil && !stalled {
		return // the client is gone
	}
	var ne net.Error
	var oe *net.OpError
	switch {
	case stalled, errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		writeError(w, r, http.StatusGatewayTimeout, errGatewayTimeout)
	case errors.As(err, &oe) && oe.Op == "dial":
		writeError(w, r, http.StatusServiceUnavailable, errUnreachable)
	default:
		writeError(w, r, http.StatusBadGateway, errBadGateway)
	}
}

// refuse answers a ?cors request that failed authentication with S3's
// error.
func refuse(w http.ResponseWriter, r *http.Request, e *sigv4.Error) {
	writeError(w, r, e.Status, rule.ErrorDocument{Code: e.Code, Message: e.Message})
}

// writeError writes an S3 XML error response as S3 does (E1, E2):
// Content-Type application/xml, sent chunked, RequestId and HostId
// repeating the x-amz-request-id and x-amz-id-2 headers. A HEAD request
// gets no body.
func writeError(w http.ResponseWriter, r *http.Request, status int, doc rule.ErrorDocument) {
	doc.RequestID, doc.HostID = requestid.New()
	h := w.Header()
	h.Set("X-Amz-Request-Id", doc.RequestID)
	h.Set("X-Amz-Id-2", doc.HostID)
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	_ = http.NewResponseController(w).Flush()
	_, _ = w.Write(doc.AppendXML(nil))
}
