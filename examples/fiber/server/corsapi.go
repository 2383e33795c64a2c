package server

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"hash/crc32"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/s3cors/s3cors/rule"
	"github.com/valyala/fasthttp"
)

// The bucket CORS API is served here with the Store's Put, Get and Delete
// rather than by adapting bucket.Store.ServeHTTP, a net/http handler, with
// Fiber's adaptor. The adaptor runs each call on a goroutine of its own and,
// because ServeHTTP flushes its header before an error body, takes its
// streaming path for every error; serving the API natively keeps the whole
// server on fasthttp, at the price of repeating S3's digest checks and
// messages, which package bucket does not export. The tests compare these
// answers with ServeHTTP's.

// putBucketCORS serves PutBucketCors.
func (s *Server) putBucketCORS(c fiber.Ctx, name string) error {
	if !s.exists(name) {
		return noSuchBucket(c, name)
	}
	// fasthttp has read the whole body already, up to BodyLimit; as S3
	// does, only one byte more than the largest document is looked at, which
	// tells a document that is too large from one at the limit.
	body := c.Request().Body() // as sent: not decompressed
	if len(body) > rule.MaxDocumentSize+1 {
		body = body[:rule.MaxDocumentSize+1]
	}
	if len(body) <= rule.MaxDocumentSize {
		if status, doc, ok := verifyDigests(&c.Request().Header, body); !ok {
			return writeError(c, status, doc)
		}
	}
	conf, err := rule.ParseXML(body)
	if err == nil {
		err = s.store.Put(name, conf)
	}
	if re := (*rule.Error)(nil); errors.As(err, &re) {
		return writeError(c, re.Status, rule.ErrorDocument{Code: re.Code, Message: re.Message})
	} else if err != nil {
		return err
	}
	// A DeleteBucket between the check above and Put would leave the
	// configuration behind for a later bucket of that name.
	if !s.exists(name) {
		s.store.Delete(name)
		return noSuchBucket(c, name)
	}
	c.Status(fiber.StatusOK)
	return nil
}

// getBucketCORS serves GetBucketCors.
func (s *Server) getBucketCORS(c fiber.Ctx, name string) error {
	if !s.exists(name) {
		return noSuchBucket(c, name)
	}
	conf := s.store.Get(name)
	if conf == nil {
		return writeError(c, fiber.StatusNotFound, rule.ErrorDocument{
			Code: "NoSuchCORSConfiguration", Message: "The CORS configuration does not exist", BucketName: name,
		})
	}
	body, err := conf.Encode(rule.FormXML)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml")
	return c.Send(body)
}

// deleteBucketCORS serves DeleteBucketCors: 204, whether or not the bucket
// had a configuration.
func (s *Server) deleteBucketCORS(c fiber.Ctx, name string) error {
	if !s.exists(name) {
		return noSuchBucket(c, name)
	}
	s.store.Delete(name)
	c.Status(fiber.StatusNoContent)
	return nil
}

// checksums are the flexible checksum headers PutBucketCors verifies, with
// the algorithm name S3 puts in its messages.
var checksums = []struct {
	header string
	name   string
	size   int
	hash   func() hash.Hash
}{
	{"X-Amz-Checksum-Crc32", "CRC32", crc32.Size, func() hash.Hash { return crc32.NewIEEE() }},
	{"X-Amz-Checksum-Crc32c", "CRC32C", crc32.Size, func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
	{"X-Amz-Checksum-Sha1", "SHA1", sha1.Size, sha1.New},
	{"X-Amz-Checksum-Sha256", "SHA256", sha256.Size, sha256.New},
}

// verifyDigests checks Content-MD5 and the flexible checksum headers
// against body when they are present; neither is required.
func verifyDigests(h *fasthttp.RequestHeader, body []byte) (status int, doc rule.ErrorDocument, ok bool) {
	if v, present := headerValue(h, "Content-Md5"); present {
		want, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(want) != md5.Size {
			return fiber.StatusBadRequest, rule.ErrorDocument{
				Code: "InvalidDigest", Message: "The Content-MD5 you specified was invalid.",
			}, false
		}
		if got := md5.Sum(body); !bytes.Equal(got[:], want) {
			return fiber.StatusBadRequest, rule.ErrorDocument{
				Code: "BadDigest", Message: "The Content-MD5 you specified did not match what we received.",
			}, false
		}
	}
	for _, c := range checksums {
		v, present := headerValue(h, c.header)
		if !present {
			continue
		}
		want, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(want) != c.size {
			return fiber.StatusBadRequest, rule.ErrorDocument{
				Code:    rule.CodeInvalidRequest,
				Message: "Value for " + strings.ToLower(c.header) + " header is invalid.",
			}, false
		}
		sum := c.hash()
		sum.Write(body)
		if !bytes.Equal(sum.Sum(nil), want) {
			return fiber.StatusBadRequest, rule.ErrorDocument{
				Code:    "BadDigest",
				Message: "The " + c.name + " you specified did not match the calculated checksum.",
			}, false
		}
	}
	return 0, rule.ErrorDocument{}, true
}

// headerValue returns the first line of the named request header and
// whether there is one, so that an empty line counts as present, as it does
// for net/http.
func headerValue(h *fasthttp.RequestHeader, name string) (string, bool) {
	lines := h.PeekAll(name)
	if len(lines) == 0 {
		return "", false
	}
	return string(lines[0]), true
}
