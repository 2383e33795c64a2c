package cors

import (
	"net/http"

	"github.com/s3cors/s3cors/internal/requestheaders"
	"github.com/s3cors/s3cors/internal/wildcard"
)

// Evaluate returns S3's answer to req.
//
// p is the bucket's policy: a compiled configuration, nil for a bucket
// without CORS configuration, or [MissingBucket]. Evaluate is a pure
// function of p and req; it needs no server and is safe to call from many
// goroutines on the same Policy.
//
// For an OPTIONS request S3 answers in this order: without Origin, 400
// BadRequest (P1); for a missing bucket or a bucket without configuration,
// 403 AccessForbidden (P2, P3); with an Access-Control-Request-Method that
// is missing or not one of GET, PUT, HEAD, POST and DELETE, 400 BadRequest
// (D2); then the first rule allowing the origin, that method and every
// header named in Access-Control-Request-Headers gives 200 with the CORS
// headers (P6), and no such rule gives 403 AccessForbidden (P5).
//
// For [Unavailable], every request, preflight or not, gets 503
// ServiceUnavailable, and the Result's Status and Error say so.
//
// Any other request proceeds whatever the outcome. When it carries an Origin
// and the first rule allowing the origin, the method (the
// Access-Control-Request-Method header when present, else the request's
// own) and the requested headers exists, the Result holds the CORS headers
// to add to the response (R4); otherwise it holds none (R1–R3).
//
// Evaluate allocates only for what the answer must contain and the request
// does not: the lower-cased Access-Control-Allow-Headers value when headers
// were requested, and an error message that quotes the request.
func (p *Policy) Evaluate(req Request) Result {
	var res Result
	p.evaluate(&req, &res, res.fields.sink(), nil)
	return res
}

// evaluate is Evaluate into a zero Result that the caller provides, which
// spares the middleware copying Results around, with the values of the
// answer's fields put into fs, which the middleware points at the memory
// it sends them from; fs's set must be res's. A preflight's
// Access-Control-Allow-Headers value is written into the unused capacity of
// scratch when it fits there (see requestheaders.JoinInto).
func (p *Policy) evaluate(req *Request, res *Result, fs fieldSink, scratch []byte) {
	if p.isUnavailable() {
		res.Preflight = req.Method == http.MethodOptions
		refuse(res, http.StatusServiceUnavailable, codeServiceUnavailable, messageServiceUnavailable, "", "")
		return
	}
	if req.Method == http.MethodOptions {
		p.preflight(req, res, fs, scratch)
		return
	}
	if i := p.actual(req, p.originRules(req.Origin), fs); i >= 0 {
		res.Matched, res.Rule = true, i
	}
}

// originRules returns the rules of p whose AllowedOrigins allow origin
// (M4): none without an Origin or without a configuration.
func (p *Policy) originRules(origin string) wildcard.RuleSet {
	if origin == "" || !p.enabled() {
		return wildcard.RuleSet{} // W1, R1, R2, R6
	}
	return p.origins.Match(origin)
}

// actual evaluates a request other than a preflight, given origins, the
// rules allowing its origin (see originRules), putting the CORS headers of a match into fs, and
// returns the index of the matching rule, or -1. The middleware calls it
// with the fields of its response writer, once it knows that some rule
// allows the origin.
func (p *Policy) actual(req *Request, origins wildcard.RuleSet, fs fieldSink) int {
	if origins.IsEmpty() {
		return -1
	}
	i, allowHeaders := p.match(req, req.matchMethod(), origins, nil) // M2
	if i >= 0 {
		p.allow(i, req, allowHeaders, fs)
	}
	return i
}

func (p *Policy) preflight(req *Request, res *Result, fs fieldSink, scratch []byte) {
	res.Preflight = true
	switch {
	case req.Origin == "": // P1, D7
		refuse(res, http.StatusBadRequest, codeBadRequest, messageNoOrigin, "", "")
		return
	case p == nil: // P3: CORS not enabled, whatever the target
		refuse(res, http.StatusForbidden, codeAccessForbidden, messageNotEnabled, methodOrOptions(req.RequestMethod), TargetBucket.resourceType())
		return
	case p.missing: // P2
		refuse(res, http.StatusForbidden, codeAccessForbidden, messageBucketNotFound, methodOrOptions(req.RequestMethod), TargetBucket.resourceType())
		return
	}
	if methodIndex(req.RequestMethod) < 0 { // P4, D2
		m := req.RequestMethod
		if m == "" {
			m = "null"
		}
		refuse(res, http.StatusBadRequest, codeBadRequest, messageInvalidRequestMethod+m, "", "")
		return
	}
	i, allowHeaders := p.match(req, req.RequestMethod, p.origins.Match(req.Origin), scratch)
	if i < 0 { // P5
		refuse(res, http.StatusForbidden, codeAccessForbidden, messageNotAllowed, req.RequestMethod, req.Target.resourceType())
		return
	}
	res.Status, res.Matched, res.Rule = http.StatusOK, true, i // P6
	p.allow(i, req, allowHeaders, fs)
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
	res.Error.Code, res.Error.Message = code, message
	res.Error.Method, res.Error.ResourceType = method, resourceType
}

// match returns the first rule among origins, the rules allowing the
// origin of req, that allows its method and requested headers (M1), or -1, together with the requested header names
// lower-cased and joined with ", " (the Access-Control-Allow-Headers value
// of a match, H4), written into scratch when it fits there.
func (p *Policy) match(req *Request, method string, origins wildcard.RuleSet, scratch []byte) (rule int, allowHeaders string) {
	m := methodIndex(method) // M3: exact comparison
	if m < 0 {
		return -1, ""
	}
	candidates := origins.And(p.methods[m]) // M4, M2
	if candidates.IsEmpty() {
		return -1, ""
	}
	names, ok := requestheaders.JoinInto(scratch, req.RequestHeaders)
	if !ok { // D11
		return -1, ""
	}
	// M5: every requested header must be allowed by the same rule. With a
	// single candidate, its own header set answers fastest.
	if candidates.Len() == 1 {
		i := candidates.Next(0)
		for name, rest := requestheaders.Next(names); name != ""; name, rest = requestheaders.Next(rest) {
			if !p.rules[i].headers.MatchLower(name) {
				return -1, ""
			}
		}
		return i, names
	}
	// With several, checking name by name against the rules still in the
	// running costs a few map lookups per name, however many rules and
	// patterns there are.
	for name, rest := requestheaders.Next(names); name != ""; name, rest = requestheaders.Next(rest) {
		if candidates = p.headers.Allowing(name, candidates); candidates.IsEmpty() {
			return -1, ""
		}
	}
	return candidates.Next(0), names // M1: the first rule allowing everything
}

// allow fills in the headers of rule i for req (H1–H8).
func (p *Policy) allow(i int, req *Request, allowHeaders string, res fieldSink) {
	r := &p.rules[i]
	if r.allowAll { // H1, D3
		res.add(fieldAllowOrigin, "*")
	} else {
		res.add(fieldAllowOrigin, req.Origin)
		res.add(fieldAllowCredentials, "true") // H2
	}
	res.add(fieldAllowMethods, r.allowMethods) // H3
	if allowHeaders != "" {                    // H4
		res.add(fieldAllowHeaders, allowHeaders)
	}
	if r.hasExpose { // H5
		res.add(fieldExposeHeaders, r.exposeHeaders)
	}
	if r.maxAge != "" { // H6, D4
		res.add(fieldMaxAge, r.maxAge)
	}
	res.add(fieldVary, varyValue) // H7
}
