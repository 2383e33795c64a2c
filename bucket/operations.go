package bucket

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/s3cors/s3cors/rule"
)

// Reply is the answer of one call of the bucket CORS API, independent of any
// transport, for servers that do not use net/http (fasthttp, Fiber, gRPC
// gateways): they write Status, then Body or Error in their own way.
// [Reply.ServeHTTP] writes it for net/http.
type Reply struct {
	// Status is the HTTP status: 200 or 204 on success, or the status of
	// S3's error.
	Status int
	// Body is the body of a successful answer: the configuration as
	// GetBucketCors writes it (G2, Content-Type application/xml), or nil
	// for the answers that have none.
	Body []byte
	// Error is S3's error document when the call failed, nil otherwise. Its
	// RequestID and HostID are empty: the server sets them to its own
	// x-amz-request-id and x-amz-id-2 (E1) before writing the document with
	// [rule.ErrorDocument.AppendXML].
	Error *rule.ErrorDocument
}

// ServeHTTP writes the reply as S3 writes its answers, for net/http
// servers: a success with the x-amz-request-id and x-amz-id-2 headers (set
// when the server has not set them), and Content-Type application/xml for a
// body or Content-Length 0 for an empty 200; an error as S3's XML document,
// sent chunked, whose RequestId and HostId repeat those headers (E1, E2),
// without a body for a HEAD request. A server can thus send any S3 error
// the way the bucket CORS API does:
//
//	bucket.Reply{Status: http.StatusForbidden, Error: &rule.ErrorDocument{Code: "AccessDenied", Message: "Access Denied"}}.ServeHTTP(w, r)
func (rep Reply) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rep.Error != nil {
		writeError(w, r, rep.Status, *rep.Error)
		return
	}
	setRequestIDs(w)
	if rep.Body != nil {
		w.Header().Set("Content-Type", "application/xml")
	} else if rep.Status == http.StatusOK {
		w.Header().Set("Content-Length", "0")
	}
	w.WriteHeader(rep.Status)
	_, _ = w.Write(rep.Body)
}

// failed returns the Reply of an error.
func failed(status int, doc rule.ErrorDocument) Reply {
	return Reply{Status: status, Error: &doc}
}

// noSuchBucket returns S3's answer for a bucket that does not exist.
func noSuchBucket(bucket string) Reply {
	return failed(http.StatusNotFound, rule.ErrorDocument{Code: codeNoSuchBucket, Message: messageNoSuchBucket, BucketName: bucket})
}

// PutBucketCors performs PutBucketCors on the bucket, as S3 does (C1, V1–V15),
// for a request whose header is header (keyed as net/http keys it; only
// Content-MD5 and the x-amz-checksum-* fields are read) and whose body is
// body:
//
//   - 404 NoSuchBucket when the bucket does not exist;
//   - 400 InvalidRequest, "Missing required header for this request:
//     Content-MD5", when the request has neither Content-MD5 nor a flexible
//     checksum (V1), unless the Store was made [WithOptionalDigests];
//   - 400 IncompleteBody when reading body fails;
//   - 400 InvalidDigest or BadDigest for a Content-MD5 that is not a digest
//     or does not match, and S3's answers for a checksum that is not one or
//     does not match (V2, V3, D23);
//   - the error of [rule.ParseXML] or [Store.Put] for a configuration S3
//     refuses (MaxMessageLengthExceeded, MalformedXML, InvalidRequest);
//   - 500 InternalError when the Store's [Backend] fails to make the
//     change, and 503 ServiceUnavailable, for every call, until a Store
//     with a Backend is [Store.Ready];
//   - otherwise 200 with no body, the configuration stored.
//
// PutBucketCors reads at most [rule.MaxDocumentSize] + 1 bytes of body. A
// PutBucketCors that races a deletion of the bucket never leaves a
// configuration behind, provided the server removes the bucket (so that
// exists reports false) before it calls [Store.Delete]. ctx is the
// request's context, passed to the Backend (see [Store.PutContext]); a
// Store that keeps its configurations in memory only never waits.
func (s *Store) PutBucketCors(ctx context.Context, bucket string, header http.Header, body io.Reader) Reply {
	if !s.Ready() {
		return unavailable()
	}
	if !s.exists(bucket) {
		return noSuchBucket(bucket)
	}
	if !s.optionalDigests && !hasDigest(header) {
		return failed(http.StatusBadRequest, rule.ErrorDocument{Code: rule.CodeInvalidRequest, Message: messageMissingContentMD5})
	}
	// One byte more than S3 accepts tells a document that is too large
	// from one at the limit, without holding more of a large body.
	doc, err := io.ReadAll(io.LimitReader(body, rule.MaxDocumentSize+1))
	if err != nil {
		return failed(http.StatusBadRequest, rule.ErrorDocument{Code: codeIncompleteBody, Message: messageIncompleteBody})
	}
	if len(doc) <= rule.MaxDocumentSize {
		if status, e, ok := verifyDigests(header, doc); !ok {
			return failed(status, e)
		}
	}
	c, err := rule.ParseXML(doc)
	if err == nil {
		err = s.PutContext(ctx, bucket, c)
	}
	if re := (*rule.Error)(nil); errors.As(err, &re) {
		return failed(re.Status, rule.ErrorDocument{Code: re.Code, Message: re.Message})
	}
	if err != nil {
		// The Backend may have made the change all the same: a bucket
		// deleted meanwhile must not keep it, as below.
		if !s.exists(bucket) {
			_ = s.DeleteContext(ctx, bucket)
		}
		return failed(http.StatusInternalServerError, rule.ErrorDocument{Code: codeInternalError, Message: messageInternalError})
	}
	// A deletion of the bucket between the existence check and the store
	// would otherwise leave the configuration behind for a later bucket of
	// that name. Whichever of the two stores last, the configuration goes.
	if !s.exists(bucket) {
		if rep, ok := backendFailed(s.DeleteContext(ctx, bucket)); ok {
			return rep
		}
		return noSuchBucket(bucket)
	}
	return Reply{Status: http.StatusOK}
}

// GetBucketCors performs GetBucketCors on the bucket, as S3 does: 200 with
// the configuration in S3's XML (G1, G2), 404 NoSuchCORSConfiguration when
// the bucket has none (G3), or 404 NoSuchBucket.
func (s *Store) GetBucketCors(bucket string) Reply {
	if !s.Ready() {
		return unavailable()
	}
	if !s.exists(bucket) {
		return noSuchBucket(bucket)
	}
	c := s.Get(bucket)
	if c == nil {
		return failed(http.StatusNotFound, rule.ErrorDocument{
			Code: codeNoSuchCORSConfiguration, Message: messageNoSuchCORSConfiguration, BucketName: bucket,
		})
	}
	body, err := c.Encode(rule.FormXML)
	if err != nil { // not reached: FormXML always encodes
		panic("bucket: GetBucketCors: " + err.Error())
	}
	return Reply{Status: http.StatusOK, Body: body}
}

// DeleteBucketCors performs DeleteBucketCors on the bucket, as S3 does: 204
// whether or not the bucket had a configuration (G4), or 404 NoSuchBucket.
// ctx is as for [Store.PutBucketCors].
func (s *Store) DeleteBucketCors(ctx context.Context, bucket string) Reply {
	if !s.Ready() {
		return unavailable()
	}
	if !s.exists(bucket) {
		return noSuchBucket(bucket)
	}
	if rep, ok := backendFailed(s.DeleteContext(ctx, bucket)); ok {
		return rep
	}
	return Reply{Status: http.StatusNoContent}
}
