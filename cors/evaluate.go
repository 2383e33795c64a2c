package cors

import (
	"net/http"

	"github.com/s3cors/s3cors/rule"
)

// Evaluate computes S3's answer to req into res, which it resets first.
//
// p is the bucket's policy: a compiled configuration, nil for a bucket
// without CORS configuration, or [MissingBucket]. Evaluate is a pure
// function of p and req; it needs no server and is safe to call from many
// goroutines on the same Policy, each with its own Result.
//
// For an OPTIONS request S3 answers in this order: without Origin, 400
// BadRequest; for a missing bucket or a bucket without configuration, 403
// AccessForbidden; with an Access-Control-Request-Method that is missing or
// not one of GET, PUT, HEAD, POST and DELETE, 400 BadRequest; then the first
// rule allowing the origin, that method and every header named in
// Access-Control-Request-Headers gives 200 with the CORS headers, and no
// such rule gives 403 AccessForbidden.
//
// Any other request proceeds whatever the outcome. When it carries an Origin
// and the first rule allowing the origin, the method (the
// Access-Control-Request-Method header when present, else the request's
// own) and the requested headers exists, res holds the CORS headers to add
// to the response; otherwise it holds none.
//
// With a reused res, Evaluate does not allocate, except for error messages
// that quote the request and, about once per 4 KiB of output, for the
// lower-cased Access-Control-Allow-Headers value.
func (p *Policy) Evaluate(req *Request, res *Result) {
	res.reset()
	if req.Method == http.MethodOptions {
		p.preflight(req, res)
		return
	}
	if req.Origin == "" || !p.Enabled() {
		return // W1, R1, R2, R6
	}
	if i := p.match(req, req.matchMethod(), res); i >= 0 { // M2
		p.allow(i, req, res)
	}
}

func (p *Policy) preflight(req *Request, res *Result) {
	res.Preflight = true
	switch {
	case req.Origin == "": // P1, D7
		refuse(res, http.StatusBadRequest, CodeBadRequest, MessageNoOrigin, "", "")
		return
	case p == nil: // P3: CORS not enabled, whatever the target
		refuse(res, http.StatusForbidden, CodeAccessForbidden, MessageNotEnabled, methodOrOptions(req.RequestMethod), TargetBucket.ResourceType())
		return
	case p.missing: // P2
		refuse(res, http.StatusForbidden, CodeAccessForbidden, MessageBucketNotFound, methodOrOptions(req.RequestMethod), TargetBucket.ResourceType())
		return
	}
	if !rule.IsMethod(req.RequestMethod) { // P4, D2
		res.arena.Begin(len(MessageInvalidRequestMethod) + len(req.RequestMethod) + 4)
		res.arena.AppendString(MessageInvalidRequestMethod)
		if req.RequestMethod == "" {
			res.arena.AppendString("null")
		} else {
			res.arena.AppendString(req.RequestMethod)
		}
		refuse(res, http.StatusBadRequest, CodeBadRequest, res.arena.End(), "", "")
		return
	}
	i := p.match(req, req.RequestMethod, res)
	if i < 0 { // P5
		refuse(res, http.StatusForbidden, CodeAccessForbidden, MessageNotAllowed, req.RequestMethod, req.Target.ResourceType())
		return
	}
	res.Status = http.StatusOK // P6
	p.allow(i, req, res)
}

// methodOrOptions is the Method element of a 403 refusal (D8).
func methodOrOptions(m string) string {
	if m == "" {
		return http.MethodOptions
	}
	return m
}

// refuse records a refused preflight: its status, S3 error and headers.
func refuse(res *Result, status int, code, message, method, resourceType string) {
	res.Status = status
	res.Error = ErrorInfo{Code: code, Message: message, Method: method, ResourceType: resourceType}
	res.add(fieldContentType, "application/xml")
	if status == http.StatusBadRequest { // E2
		res.add(fieldConnection, "close")
	}
}

// match returns the first rule allowing the origin, method and requested
// headers of req (M1), or -1. It leaves the parsed request headers in
// res.items.
func (p *Policy) match(req *Request, method string, res *Result) int {
	m := methodIndex(method) // M3: exact comparison
	if m < 0 {
		return -1
	}
	candidates := p.origins.Match(req.Origin).And(p.methods[m]) // M4, M2
	if candidates.IsEmpty() {
		return -1
	}
	if !parseRequestHeaders(req.RequestHeaders, res) {
		return -1
	}
	// M5: every requested header must be allowed by the same rule. With a
	// single candidate, its own header set answers fastest.
	if candidates.Len() == 1 {
		i := candidates.Next(0)
		for _, item := range res.items {
			if !p.rules[i].headers.MatchLower(item) {
				return -1
			}
		}
		return i
	}
	// With several, checking name by name against the rules still in the
	// running costs a few map lookups per name, however many rules and
	// patterns there are.
	for _, item := range res.items {
		if candidates = p.headers.Allowing(item, candidates); candidates.IsEmpty() {
			return -1
		}
	}
	return candidates.Next(0) // M1: the first rule allowing everything
}

// allow fills in the headers of rule i for req, in S3's order (H1–H8).
func (p *Policy) allow(i int, req *Request, res *Result) {
	res.Rule = i
	r := &p.rules[i]
	if r.allowAll {
		res.add(fieldAllowOrigin, "*")
	} else {
		res.add(fieldAllowOrigin, req.Origin)
	}
	res.add(fieldAllowMethods, r.allowMethods)
	if len(res.items) > 0 {
		res.add(fieldAllowHeaders, res.joined)
	}
	if r.hasExpose {
		res.add(fieldExposeHeaders, r.exposeHeaders)
	}
	if r.maxAge != "" {
		res.add(fieldMaxAge, r.maxAge)
	}
	if !r.allowAll {
		res.add(fieldAllowCredentials, "true")
	}
	res.add(fieldVary, VaryValue)
}
