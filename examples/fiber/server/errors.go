package server

import (
	"bytes"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/s3cors/s3cors/examples/fiber/fibercors"
	"github.com/s3cors/s3cors/rule"
)

// Canonical names of S3's ID headers.
const (
	headerRequestID = "X-Amz-Request-Id"
	headerHostID    = "X-Amz-Id-2"
)

// setRequestIDs gives every response S3's ID headers, as S3 does.
func setRequestIDs(c fiber.Ctx) error {
	requestID, hostID := fibercors.NewRequestIDs()
	c.Set(headerRequestID, requestID)
	c.Set(headerHostID, hostID)
	return c.Next()
}

// responseIDs returns the ID headers of the response, setting new ones if
// it has none.
func responseIDs(c fiber.Ctx) (requestID, hostID string) {
	requestID, hostID = c.GetRespHeader(headerRequestID), c.GetRespHeader(headerHostID)
	if requestID == "" || hostID == "" {
		requestID, hostID = fibercors.NewRequestIDs()
		c.Set(headerRequestID, requestID)
		c.Set(headerHostID, hostID)
	}
	return requestID, hostID
}

// writeError answers with an S3 XML error document, as S3 writes one:
// Content-Type application/xml, sent chunked, with RequestId and HostId
// repeating the x-amz-request-id and x-amz-id-2 headers. A HEAD request gets
// no body.
func writeError(c fiber.Ctx, status int, doc rule.ErrorDocument) error {
	doc.RequestID, doc.HostID = responseIDs(c)
	resp := c.Response()
	resp.ResetBody()
	resp.SetStatusCode(status)
	resp.Header.SetContentType("application/xml")
	if c.Method() != fiber.MethodHead {
		resp.SetBodyStream(bytes.NewReader(doc.AppendXML(nil)), -1)
	}
	return nil
}

// noSuchBucket answers for a bucket that does not exist.
func noSuchBucket(c fiber.Ctx, name string) error {
	return writeError(c, fiber.StatusNotFound, rule.ErrorDocument{
		Code: "NoSuchBucket", Message: "The specified bucket does not exist", BucketName: name,
	})
}

// methodNotAllowed answers for a method the resource does not have.
// resourceType is SERVICE, BUCKET or OBJECT.
func methodNotAllowed(c fiber.Ctx, resourceType string) error {
	return writeError(c, fiber.StatusMethodNotAllowed, rule.ErrorDocument{
		Code:         "MethodNotAllowed",
		Message:      "The specified method is not allowed against this resource.",
		Method:       c.Method(),
		ResourceType: resourceType,
	})
}

// invalidURI answers for a URL the server cannot read.
func invalidURI(c fiber.Ctx) error {
	return writeError(c, fiber.StatusBadRequest, rule.ErrorDocument{
		Code: "InvalidURI", Message: "Couldn't parse the specified URI.",
	})
}

// handleError is the application's error handler: it answers the errors of
// routing and of the routes in S3's form.
func (s *Server) handleError(c fiber.Ctx, err error) error {
	var fe *fiber.Error
	if !errors.As(err, &fe) {
		return writeError(c, fiber.StatusInternalServerError, rule.ErrorDocument{
			Code: "InternalError", Message: "We encountered an internal error. Please try again.",
		})
	}
	// Fiber adds an Allow field to its 405s; S3 does not.
	c.Response().Header.Del(fiber.HeaderAllow)
	switch fe.Code {
	case fiber.StatusMethodNotAllowed:
		return methodNotAllowed(c, resourceType(c.Path()))
	case fiber.StatusNotFound:
		return invalidURI(c)
	case fiber.StatusRequestEntityTooLarge:
		return writeError(c, fe.Code, rule.ErrorDocument{
			Code: "EntityTooLarge", Message: "Your proposed upload exceeds the maximum allowed size",
		})
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return writeError(c, fiber.StatusBadRequest, rule.ErrorDocument{
			Code: "RequestHeaderSectionTooLarge", Message: "Your request header section exceeds the maximum allowed size.",
		})
	}
	return writeError(c, fe.Code, rule.ErrorDocument{Code: "InvalidRequest", Message: fe.Message})
}

// resourceType returns the ResourceType of a path-style URL path: SERVICE,
// BUCKET or OBJECT.
func resourceType(path string) string {
	name, key, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	switch {
	case name == "":
		return "SERVICE"
	case key == "":
		return "BUCKET"
	}
	return "OBJECT"
}
