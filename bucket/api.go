package bucket

import (
	"net/http"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// ServeHTTP serves the bucket CORS API on the ?cors sub-resource of a
// bucket's URL, answering as S3 does:
//
//   - PUT: [Store.PutBucketCors], which requires Content-MD5 or a flexible
//     checksum (V1) unless the Store was made [WithOptionalDigests];
//   - GET: [Store.GetBucketCors];
//   - DELETE: [Store.DeleteBucketCors].
//
// Any other method gets 405 MethodNotAllowed, and a bucket that does not
// exist 404 NoSuchBucket. With a Backend (see [WithBackend]), every call
// gets 503 ServiceUnavailable until the Store is [Store.Ready], and a
// change the Backend fails to make 500 InternalError. Errors are S3's XML
// documents, sent chunked,
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
	}
	switch r.Method {
	case http.MethodPut:
		s.PutBucketCors(r.Context(), bucket, r.Header, r.Body).ServeHTTP(w, r)
	case http.MethodGet:
		s.GetBucketCors(bucket).ServeHTTP(w, r)
	case http.MethodDelete:
		s.DeleteBucketCors(r.Context(), bucket).ServeHTTP(w, r)
	}
}
