package bucket

import (
	"errors"
	"io"
	"net/http"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// ServeHTTP serves the bucket CORS API on the ?cors sub-resource of a
// bucket's URL, answering as S3 does:
//
//   - PUT (PutBucketCors): reads at most [rule.MaxDocumentSize] + 1 bytes
//     of the body, checks Content-MD5 and x-amz-checksum-crc32, -crc32c,
//     -sha1 and -sha256 when present (neither is required, D23), parses
//     the XML with [rule.ParseXML] and stores the configuration: 200 with
//     an empty body, or S3's error (MaxMessageLengthExceeded,
//     MalformedXML, InvalidRequest, InvalidDigest, BadDigest, and
//     IncompleteBody for a body shorter than its Content-Length).
//   - GET (GetBucketCors): 200 with the stored configuration as S3 writes
//     it (G1, G2), or 404 NoSuchCORSConfiguration (G3).
//   - DELETE (DeleteBucketCors): 204, whether or not there was a
//     configuration (G4).
//
// Any other method gets 405 MethodNotAllowed, and a bucket that does not
// exist 404 NoSuchBucket. With a Backend (see [WithBackend]), every call
// gets 503 ServiceUnavailable until the Store is [Store.Ready], and a
// change the Backend fails to make 500 InternalError. Errors are S3's XML documents, sent chunked,
// whose RequestId and HostId repeat the response's x-amz-request-id and
// x-amz-id-2 headers; when the server has not set those, ServeHTTP sets
// them. The server routes requests here: ServeHTTP does not look at the
// query.
//
// A PutBucketCors that races a deletion of the bucket never leaves a
// configuration behind, provided the server removes the bucket (so that
// exists reports false) before it calls [Store.Delete].
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bucket, target, ok := s.locate(r)
	switch {
	case !ok || target != cors.TargetBucket:
		resourceType := "OBJECT"
		if !ok {
			resourceType = "SERVICE"
		}
		writeError(w, r, http.StatusMethodNotAllowed, rule.ErrorDocument{
			Code: codeMethodNotAllowed, Message: messageMethodNotAllowed,
			Method: r.Method, ResourceType: resourceType,
		})
		return
	case r.Method != http.MethodPut && r.Method != http.MethodGet && r.Method != http.MethodDelete:
		writeError(w, r, http.StatusMethodNotAllowed, rule.ErrorDocument{
			Code: codeMethodNotAllowed, Message: messageMethodNotAllowed,
			Method: r.Method, ResourceType: "BUCKET",
		})
		return
	case !s.ready.Load():
		writeUnavailable(w, r)
		return
	case !s.exists(bucket):
		writeNoSuchBucket(w, r, bucket)
		return
	}
	switch r.Method {
	case http.MethodPut:
		s.putBucketCORS(w, r, bucket)
	case http.MethodGet:
		s.getBucketCORS(w, r, bucket)
	case http.MethodDelete:
		if err := s.DeleteContext(r.Context(), bucket); err != nil {
			writeBackendError(w, r, err)
			return
		}
		setRequestIDs(w)
		w.WriteHeader(http.StatusNoContent)
	}
}

// putBucketCORS serves PutBucketCors for an existing bucket.
func (s *Store) putBucketCORS(w http.ResponseWriter, r *http.Request, bucket string) {
	// One byte more than S3 accepts tells a document that is too large
	// from one at the limit, without holding more of a large body.
	body, err := io.ReadAll(io.LimitReader(r.Body, rule.MaxDocumentSize+1))
	if err != nil {
		writeError(w, r, http.StatusBadRequest, rule.ErrorDocument{Code: codeIncompleteBody, Message: messageIncompleteBody})
		return
	}
	if len(body) <= rule.MaxDocumentSize {
		if status, doc, ok := verifyDigests(r.Header, body); !ok {
			writeError(w, r, status, doc)
			return
		}
	}
	c, err := rule.ParseXML(body)
	if err == nil {
		err = s.PutContext(r.Context(), bucket, c)
	}
	if writeBackendError(w, r, err) {
		return
	}
	if re := (*rule.Error)(nil); errors.As(err, &re) {
		writeError(w, r, re.Status, rule.ErrorDocument{Code: re.Code, Message: re.Message})
		return
	}
	// A deletion of the bucket between the existence check and the store
	// would otherwise leave the configuration behind for a later bucket of
	// that name. Whichever of the two stores last, the configuration goes.
	if !s.exists(bucket) {
		if err := s.DeleteContext(r.Context(), bucket); err != nil {
			writeBackendError(w, r, err)
			return
		}
		writeNoSuchBucket(w, r, bucket)
		return
	}
	setRequestIDs(w)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// getBucketCORS serves GetBucketCors for an existing bucket.
func (s *Store) getBucketCORS(w http.ResponseWriter, r *http.Request, bucket string) {
	c := s.Get(bucket)
	if c == nil {
		writeError(w, r, http.StatusNotFound, rule.ErrorDocument{
			Code: codeNoSuchCORSConfiguration, Message: messageNoSuchCORSConfiguration, BucketName: bucket,
		})
		return
	}
	body, err := c.Encode(rule.FormXML)
	if err != nil { // not reached: FormXML always encodes
		panic("bucket: GetBucketCors: " + err.Error())
	}
	setRequestIDs(w)
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write(body)
}
