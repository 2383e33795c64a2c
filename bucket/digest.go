package bucket

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"net/http"
	"strings"

	"github.com/s3cors/s3cors/rule"
)

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

// WithOptionalDigests makes the Store accept a PutBucketCors that has
// neither Content-MD5 nor a flexible checksum header, which S3 refuses with
// 400 InvalidRequest, "Missing required header for this request:
// Content-MD5" (V1, D23). It is for servers that want simple clients, such
// as curl without a digest, to work; digests that are present are checked
// all the same.
func WithOptionalDigests() Option {
	return func(s *Store) { s.optionalDigests = true }
}

// hasDigest reports whether h has Content-MD5 or a flexible checksum header
// that PutBucketCors verifies (V1).
func hasDigest(h http.Header) bool {
	if len(h["Content-Md5"]) > 0 {
		return true
	}
	for _, c := range checksums {
		if len(h[c.header]) > 0 {
			return true
		}
	}
	return false
}

// verifyDigests checks Content-MD5 and the flexible checksum headers
// against body, when present. S3 once required Content-MD5 for
// PutBucketCors and now accepts a flexible checksum instead (the SDKs send
// x-amz-checksum-crc32 only, X15); PutBucketCors requires one of them
// before it reads the body (V1, D23).
func verifyDigests(h http.Header, body []byte) (status int, doc rule.ErrorDocument, ok bool) {
	if v := h["Content-Md5"]; len(v) > 0 {
		want, err := base64.StdEncoding.DecodeString(v[0])
		if err != nil || len(want) != md5.Size {
			return http.StatusBadRequest, rule.ErrorDocument{Code: codeInvalidDigest, Message: messageInvalidDigest}, false
		}
		if got := md5.Sum(body); !bytes.Equal(got[:], want) {
			return http.StatusBadRequest, rule.ErrorDocument{Code: codeBadDigest, Message: messageBadContentMD5}, false
		}
	}
	for _, c := range checksums {
		v := h[c.header]
		if len(v) == 0 {
			continue
		}
		want, err := base64.StdEncoding.DecodeString(v[0])
		if err != nil || len(want) != c.size {
			// Inferred: S3's answer to a checksum value that is not the
			// base64 of a digest of the right size is not publicly
			// recorded for PutBucketCors; this is its answer for objects.
			return http.StatusBadRequest, rule.ErrorDocument{
				Code:    rule.CodeInvalidRequest,
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
