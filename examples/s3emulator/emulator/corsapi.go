package emulator

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"strings"

	"github.com/s3cors/s3cors/rule"
)

// S3 errors the configuration API answers with besides those of package rule.
const (
	codeNoSuchBucket    = "NoSuchBucket"
	messageNoSuchBucket = "The specified bucket does not exist"

	codeBadDigest           = "BadDigest"
	messageBadContentMD5    = "The Content-MD5 you specified did not match what we received."
	codeInvalidDigest       = "InvalidDigest"
	messageInvalidDigest    = "The Content-MD5 you specified was invalid."
	codeInvalidRequest      = "InvalidRequest"
	codeMethodNotAllowed    = "MethodNotAllowed"
	messageMethodNotAllowed = "The specified method is not allowed against this resource."
	codeIncompleteBody      = "IncompleteBody"
	messageIncompleteBody   = "You did not provide the number of bytes specified by the Content-Length HTTP header."

	codeNoSuchCORSConfiguration    = "NoSuchCORSConfiguration"
	messageNoSuchCORSConfiguration = "The CORS configuration does not exist"

	// S3's answer to a preflight to a bucket without CORS configuration,
	// which the emulator also gives to a preflight to the service endpoint.
	codeAccessForbidden = "AccessForbidden"
	messageNotEnabled   = "CORSResponse: CORS is not enabled for this bucket."
)

// serveCORSAPI serves PutBucketCors, GetBucketCors and DeleteBucketCors.
func (e *Emulator) serveCORSAPI(w http.ResponseWriter, r *http.Request, bucket string) {
	switch r.Method {
	case http.MethodPut, http.MethodGet, http.MethodDelete:
	default:
		writeError(w, r, http.StatusMethodNotAllowed, rule.ErrorDocument{
			Code: codeMethodNotAllowed, Message: messageMethodNotAllowed,
			Method: r.Method, ResourceType: "BUCKET",
		})
		return
	}
	if !e.bucketExists(bucket) {
		writeError(w, r, http.StatusNotFound, rule.ErrorDocument{
			Code: codeNoSuchBucket, Message: messageNoSuchBucket, BucketName: bucket,
		})
		return
	}
	switch r.Method {
	case http.MethodPut:
		e.putBucketCORS(w, r, bucket)
	case http.MethodGet:
		b := (*e.policies.Load())[bucket]
		if b == nil {
			writeError(w, r, http.StatusNotFound, rule.ErrorDocument{
				Code:       codeNoSuchCORSConfiguration,
				Message:    messageNoSuchCORSConfiguration,
				BucketName: bucket,
			})
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(b.xml)
	case http.MethodDelete:
		e.storeCORS(bucket, nil)
		w.WriteHeader(http.StatusNoContent)
	}
}

// putBucketCORS serves PutBucketCors.
func (e *Emulator) putBucketCORS(w http.ResponseWriter, r *http.Request, bucket string) {
	// Read one byte more than S3 accepts, so that rule.ParseXML can report
	// MaxMessageLengthExceeded without the emulator holding a huge body.
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
	// PutBucketCors takes XML only: rule.ParseXML refuses the JSON forms,
	// which the AWS CLI and the S3 console turn into XML, with MalformedXML
	// as S3 does.
	c, err := rule.ParseXML(body)
	if err == nil {
		err = e.SetBucketCORS(bucket, c)
	}
	var re *rule.Error
	switch {
	case errors.As(err, &re):
		writeError(w, r, re.Status, rule.ErrorDocument{Code: re.Code, Message: re.Message})
		return
	case err != nil: // the bucket was deleted meanwhile
		writeError(w, r, http.StatusNotFound, rule.ErrorDocument{
			Code: codeNoSuchBucket, Message: messageNoSuchBucket, BucketName: bucket,
		})
		return
	}
	// A DeleteBucket that ran between the existence check and the store
	// would leave the configuration behind for a later bucket of that name.
	if !e.bucketExists(bucket) {
		e.storeCORS(bucket, nil)
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// checksums are the flexible checksum headers PutBucketCors verifies, with
// the algorithm name S3 puts in its messages.
var checksums = []struct {
	header string
	name   string
	size   int
	hash   func() hash.Hash
}{
	{"X-Amz-Checksum-Crc32", "CRC32", 4, func() hash.Hash { return crc32.NewIEEE() }},
	{"X-Amz-Checksum-Crc32c", "CRC32C", 4, func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
	{"X-Amz-Checksum-Sha1", "SHA1", sha1.Size, sha1.New},
	{"X-Amz-Checksum-Sha256", "SHA256", sha256.Size, sha256.New},
}

// verifyDigests checks Content-MD5 and the flexible checksum headers
// against body, when present. S3 once required Content-MD5 for
// PutBucketCors and now accepts a flexible checksum instead (the SDKs send
// x-amz-checksum-crc32 only); the emulator requires neither.
func verifyDigests(h http.Header, body []byte) (status int, doc rule.ErrorDocument, ok bool) {
	if v, present := h["Content-Md5"]; present {
		want, err := base64.StdEncoding.DecodeString(firstOf(v))
		if err != nil || len(want) != md5.Size {
			return http.StatusBadRequest, rule.ErrorDocument{Code: codeInvalidDigest, Message: messageInvalidDigest}, false
		}
		if got := md5.Sum(body); !bytes.Equal(got[:], want) {
			return http.StatusBadRequest, rule.ErrorDocument{Code: codeBadDigest, Message: messageBadContentMD5}, false
		}
	}
	for _, c := range checksums {
		v, present := h[c.header]
		if !present {
			continue
		}
		want, err := base64.StdEncoding.DecodeString(firstOf(v))
		if err != nil || len(want) != c.size {
			// Inferred: S3's answer to a checksum value that is not the
			// base64 of a digest of the right size is not publicly
			// recorded for PutBucketCors; this is its answer for objects.
			return http.StatusBadRequest, rule.ErrorDocument{
				Code:    codeInvalidRequest,
				Message: "Value for " + strings.ToLower(c.header) + " header is invalid.",
			}, false
		}
		hh := c.hash()
		hh.Write(body)
		if got := hh.Sum(nil); !bytes.Equal(got, want) { // CRC32 sums are big-endian, as S3 writes them
			// Inferred: S3 answers a checksum mismatch with BadDigest, as it
			// does for a Content-MD5 mismatch; the message is the one S3
			// uses for objects.
			return http.StatusBadRequest, rule.ErrorDocument{
				Code:    codeBadDigest,
				Message: "The " + c.name + " you specified did not match the calculated checksum.",
			}, false
		}
	}
	return 0, rule.ErrorDocument{}, true
}

func firstOf(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// writeError writes an S3 XML error response the way S3 does: Content-Type
// application/xml, chunked (no Content-Length), RequestId and HostId equal
// to the x-amz-request-id and x-amz-id-2 headers.
func writeError(w http.ResponseWriter, r *http.Request, status int, doc rule.ErrorDocument) {
	doc.RequestID, doc.HostID = requestIDs(r)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	// Flushing before the body makes net/http send it chunked, as S3 does.
	_ = http.NewResponseController(w).Flush()
	_, _ = w.Write(doc.AppendXML(nil))
}
