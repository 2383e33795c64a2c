// Package fibercors puts Amazon S3's bucket CORS in front of the routes of a
// Fiber application. Every decision is made by [cors.Policy.Evaluate]; the
// handler only reads the request's fields and puts the answer on the wire,
// the way the net/http middleware of package github.com/s3cors/s3cors/cors
// does:
//
//   - Every OPTIONS request is a preflight and is answered by the handler; it
//     never reaches a route. An accepted one gets 200, the CORS headers and an
//     empty body. A refused one gets its status, Content-Type:
//     application/xml, Connection: close for a 400, X-Amz-Request-Id and
//     X-Amz-Id-2 headers and S3's XML error document, sent chunked, whose
//     RequestId and HostId repeat those headers.
//   - Any other request with an Origin goes through the routes, and the
//     evaluated headers are put into whatever response they produce, errors
//     included: the Access-Control-* fields the routes set are removed, and
//     Vary is merged with theirs.
//   - A request without Origin (or with an empty one) is passed on untouched,
//     and the resolver is not called.
//
// Register the handler before every route, and before authentication, since
// browsers never sign preflights:
//
//	app.Use(fibercors.New(fibercors.Config{Resolve: fibercors.FromStore(store)}))
//	app.Use(authenticate)
//	app.Get("/:bucket/+", getObject)
//
// Unlike net/http, fasthttp sends nothing before the whole handler chain has
// returned, so the handler can apply the CORS headers after the routes ran,
// without wrapping a response writer.
package fibercors

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
	"github.com/valyala/fasthttp"
)

// Canonical names of the header fields the handler reads and writes.
const (
	headerOrigin         = "Origin"
	headerRequestMethod  = "Access-Control-Request-Method"
	headerRequestHeaders = "Access-Control-Request-Headers"
	headerVary           = "Vary"
	headerRequestID      = "X-Amz-Request-Id"
	headerHostID         = "X-Amz-Id-2"
	accessControlPrefix  = "Access-Control-"
)

// A Resolver returns the policy of the bucket a request addresses: a compiled
// policy, nil for a bucket without CORS configuration or a request that
// addresses no bucket, or [cors.MissingBucket] for a bucket that does not
// exist; and whether the URL addresses the bucket itself or an object.
//
// The handler calls it once for every OPTIONS request and every other request
// that carries an Origin. It runs before authentication, so it should be
// cheap, and it must be safe for concurrent use.
type Resolver func(c fiber.Ctx) (*cors.Policy, cors.Target)

// Config configures the handler New returns.
type Config struct {
	// Resolve picks the bucket policy of each request. It is required.
	Resolve Resolver

	// RequestIDs, when set, gives the request ID and host ID of every
	// preflight the handler answers, accepted or refused: they are sent as
	// X-Amz-Request-Id and X-Amz-Id-2 and repeated in a refusal's error
	// document. A server that gives every response its IDs passes a
	// function returning them here.
	//
	// When it is nil, IDs are generated for refused preflights only (see
	// NewRequestIDs), and accepted preflights carry none.
	RequestIDs func(c fiber.Ctx) (requestID, hostID string)
}

// New returns a Fiber handler applying S3's bucket CORS, as the package
// documentation describes. It panics if cfg.Resolve is nil.
//
// The handler hands an error returned by the routes to the application's
// error handler itself, so that the error response exists when the CORS
// headers are applied; handlers registered before it see no error.
func New(cfg Config) fiber.Handler {
	if cfg.Resolve == nil {
		panic("fibercors: New: nil Resolve")
	}
	return func(c fiber.Ctx) error {
		if c.Method() == fiber.MethodOptions {
			preflight(c, &cfg)
			return nil
		}
		if !hasOrigin(&c.Request().Header) {
			return c.Next()
		}
		p, target := cfg.Resolve(c)
		res := p.Evaluate(request(c, target))
		if err := c.Next(); err != nil {
			if err := c.App().ErrorHandler(c, err); err != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		apply(&c.Response().Header, &res)
		return nil
	}
}

// preflight answers an OPTIONS request.
func preflight(c fiber.Ctx, cfg *Config) {
	p, target := cfg.Resolve(c)
	res := p.Evaluate(request(c, target))
	resp := c.Response()
	apply(&resp.Header, &res)
	if res.Status == fiber.StatusBadRequest {
		// S3 closes the connection after a 400. fasthttp speaks HTTP/1.x
		// only, where Connection: close concerns this exchange alone.
		resp.SetConnectionClose()
	}
	if res.Status != fiber.StatusOK || cfg.RequestIDs != nil {
		if cfg.RequestIDs != nil {
			res.Error.RequestID, res.Error.HostID = cfg.RequestIDs(c)
		} else {
			res.Error.RequestID, res.Error.HostID = NewRequestIDs()
		}
		resp.Header.Set(headerRequestID, res.Error.RequestID)
		resp.Header.Set(headerHostID, res.Error.HostID)
	}
	resp.SetStatusCode(res.Status)
	resp.ResetBody()
	if res.Error.Code != "" {
		// S3 sends error documents chunked, without Content-Length; a body
		// stream of unknown size makes fasthttp do the same.
		resp.SetBodyStream(bytes.NewReader(res.Error.AppendXML(nil)), -1)
	}
}

// request reads what S3 looks at from c's request: the first Origin line,
// the first Access-Control-Request-Method line and every
// Access-Control-Request-Headers line. fasthttp keeps each header line as it
// came, in order, so repeated lines are seen one by one; names are compared
// without regard to case, which also covers applications that turn header
// normalizing off. The values are copied: the routes that run before the
// Result is used may change the request.
func request(c fiber.Ctx, target cors.Target) cors.Request {
	req := cors.Request{Method: c.Method(), Target: target}
	var origin, method bool
	for name, value := range c.Request().Header.All() {
		switch {
		case !origin && equalFold(name, headerOrigin):
			req.Origin, origin = string(value), true
		case !method && equalFold(name, headerRequestMethod):
			req.RequestMethod, method = string(value), true
		case equalFold(name, headerRequestHeaders):
			req.RequestHeaders = append(req.RequestHeaders, string(value))
		}
	}
	return req
}

// hasOrigin reports whether the first Origin line of h is not empty.
func hasOrigin(h *fasthttp.RequestHeader) bool {
	for name, value := range h.All() {
		if equalFold(name, headerOrigin) {
			return len(value) > 0
		}
	}
	return false
}

// apply puts the answer's header fields into h: it removes every
// Access-Control-* field, whether or not a rule matched, then sets the
// answer's fields in S3's order, merging Vary with the one h holds.
func apply(h *fasthttp.ResponseHeader, res *cors.Result) {
	stripAccessControl(h)
	for name, value := range res.Headers() {
		if name == headerVary {
			mergeVary(h, value)
			continue
		}
		h.Set(name, value)
	}
}

// stripAccessControl deletes every Access-Control-* field of h, whatever
// the case of its name.
func stripAccessControl(h *fasthttp.ResponseHeader) {
	for {
		var name []byte
		for k := range h.All() {
			if len(k) >= len(accessControlPrefix) && equalFold(k[:len(accessControlPrefix)], accessControlPrefix) {
				name = k
				break
			}
		}
		if name == nil {
			return
		}
		n := h.Len()
		h.DelBytes(name) // copies name before deleting
		if h.Len() == n {
			return // a name stored raw with SetCanonical, which Del cannot reach
		}
	}
}

// mergeVary adds the comma-separated field names of value to the Vary field
// of h. Without a Vary in h, it becomes value. Otherwise the names h already
// lists (compared without regard to case) are not repeated, and h ends up
// with one Vary line: its own names, empty elements dropped, then the
// missing ones in the order of value. A single line that already lists
// every name, or any Vary listing "*", is left as it is.
func mergeVary(h *fasthttp.ResponseHeader, value string) {
	old := h.PeekAll(headerVary)
	if len(old) == 0 {
		h.Set(headerVary, value)
		return
	}
	if listsToken(old, "*") {
		return
	}
	var b strings.Builder
	for _, line := range old {
		for elem := range strings.SplitSeq(string(line), ",") {
			if elem = strings.Trim(elem, " \t"); elem != "" {
				if b.Len() > 0 {
					b.WriteString(", ")
				}
				b.WriteString(elem)
			}
		}
	}
	missing := false
	for elem := range strings.SplitSeq(value, ",") {
		if elem = strings.Trim(elem, " \t"); elem != "" && !listsToken(old, elem) {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(elem)
			missing = true
		}
	}
	if !missing && len(old) == 1 {
		return
	}
	merged := b.String()
	h.Del(headerVary)
	h.Set(headerVary, merged)
}

// listsToken reports whether one of the comma-separated elements of lines
// is tok, compared without regard to ASCII case.
func listsToken(lines [][]byte, tok string) bool {
	for _, line := range lines {
		for elem := range bytes.SplitSeq(line, []byte(",")) {
			if equalFold(bytes.Trim(elem, " \t"), tok) {
				return true
			}
		}
	}
	return false
}

// equalFold reports whether b and s are equal without regard to ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// NewRequestIDs returns a new request ID and host ID in the shapes S3 uses:
// 16 upper-case hexadecimal digits and 76 base64 characters.
func NewRequestIDs() (requestID, hostID string) {
	var b [8 + 57]byte
	_, _ = rand.Read(b[:]) // never fails
	return strings.ToUpper(hex.EncodeToString(b[:8])), base64.StdEncoding.EncodeToString(b[8:])
}

// FromStore returns a Resolver that takes the policies from s for
// path-style URLs: "/bucket" and "/bucket/" address the bucket,
// "/bucket/key" an object, "/" no bucket (no CORS, as on S3's service
// endpoint). It asks s for the bucket's policy with [bucket.Store.Policy],
// which checks that the bucket exists, and costs no allocation. A server
// with virtual-hosted-style URLs writes its own Resolver the same way,
// taking the bucket from the Host.
func FromStore(s *bucket.Store) Resolver {
	if s == nil {
		panic("fibercors: FromStore: nil Store")
	}
	return func(c fiber.Ctx) (*cors.Policy, cors.Target) {
		name, key, _ := strings.Cut(strings.TrimPrefix(c.Path(), "/"), "/")
		switch {
		case name == "":
			return nil, cors.TargetBucket
		case key == "":
			return s.Policy(name), cors.TargetBucket
		}
		return s.Policy(name), cors.TargetObject
	}
}
