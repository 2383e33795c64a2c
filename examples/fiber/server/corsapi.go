package server

import (
	"bytes"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/s3cors/s3cors/bucket"
)

// The bucket CORS API is served with the Store's transport-neutral
// PutBucketCors, GetBucketCors and DeleteBucketCors rather than by adapting
// bucket.Store.ServeHTTP, a net/http handler, with Fiber's adaptor. The
// adaptor runs each call on a goroutine of its own and, because ServeHTTP
// flushes its header before an error body, takes its streaming path for
// every error; serving the API natively keeps the whole server on fasthttp.
// The Store does the checks and gives S3's answers; this file only writes
// them. The tests compare these answers with ServeHTTP's.

// putBucketCORS serves PutBucketCors.
func (s *Server) putBucketCORS(c fiber.Ctx, name string) error {
	// fasthttp has read the whole body already, up to BodyLimit, as sent
	// (not decompressed); the Store reads one byte more than the largest
	// document at most.
	body := c.Request().Body()
	return writeReply(c, s.store.PutBucketCors(c.Context(), name, requestHeader(c), bytes.NewReader(body)))
}

// getBucketCORS serves GetBucketCors.
func (s *Server) getBucketCORS(c fiber.Ctx, name string) error {
	return writeReply(c, s.store.GetBucketCors(name))
}

// deleteBucketCORS serves DeleteBucketCors.
func (s *Server) deleteBucketCORS(c fiber.Ctx, name string) error {
	return writeReply(c, s.store.DeleteBucketCors(c.Context(), name))
}

// writeReply writes an answer of the bucket CORS API.
func writeReply(c fiber.Ctx, rep bucket.Reply) error {
	if rep.Error != nil {
		return writeError(c, rep.Status, *rep.Error)
	}
	c.Status(rep.Status)
	if rep.Body == nil {
		return nil
	}
	c.Set(fiber.HeaderContentType, "application/xml")
	return c.Send(rep.Body)
}

// requestHeader returns the request's header fields as an http.Header,
// which the Store reads the digests from.
func requestHeader(c fiber.Ctx) http.Header {
	h := http.Header{}
	for k, v := range c.Request().Header.All() {
		h.Add(string(k), string(v))
	}
	return h
}
