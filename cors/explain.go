package cors

import "github.com/s3cors/s3cors/matcher"

// Reason tells why a rule did or did not match a request.
type Reason int

const (
	// Allowed: the rule allows the origin, the method and every requested
	// header.
	Allowed Reason = iota
	// OriginNotAllowed: no AllowedOrigin of the rule matches the Origin
	// (or the request has none).
	OriginNotAllowed
	// MethodNotAllowed: the method is not among the rule's AllowedMethods.
	MethodNotAllowed
	// HeaderNotAllowed: a requested header matches no AllowedHeader.
	HeaderNotAllowed
	// RequestHeadersTooLarge: Access-Control-Request-Headers is longer than
	// MaxRequestHeadersLength bytes or names more than MaxRequestHeaders
	// headers.
	RequestHeadersTooLarge
)

// String returns a short phrase such as "origin not allowed".
func (r Reason) String() string {
	switch r {
	case Allowed:
		return "allowed"
	case OriginNotAllowed:
		return "origin not allowed"
	case MethodNotAllowed:
		return "method not allowed"
	case HeaderNotAllowed:
		return "header not allowed"
	case RequestHeadersTooLarge:
		return "Access-Control-Request-Headers too large"
	}
	return "unknown reason"
}

// Verdict is how one rule fares against a request.
type Verdict struct {
	// Rule is the zero-based index of the rule.
	Rule int
	// Reason is Allowed, or the first condition the rule fails, checked in
	// the order origin, method, headers.
	Reason Reason
	// Origin is the first AllowedOrigin that matches the request's Origin,
	// or "" when none does.
	Origin string
	// Method is the method the rule was matched against: the
	// Access-Control-Request-Method when present, else the request's own.
	Method string
	// Header is the first requested header (lower-cased) that no
	// AllowedHeader matches, when Reason is HeaderNotAllowed.
	Header string
}

// Explain reports, rule by rule, whether each rule of p allows req and if
// not, why. Unlike [Policy.Evaluate] it judges every rule on its own, so it
// also explains the rules after the first match; S3 applies the first rule
// whose Reason is Allowed. It returns nil for a nil Policy and for
// [MissingBucket], which have no rules.
//
// Explain is meant for tools and debugging: it allocates.
func (p *Policy) Explain(req *Request) []Verdict {
	if !p.Enabled() {
		return nil
	}
	method := req.matchMethod()
	var res Result
	res.reset()
	tooLarge := !parseRequestHeaders(req.RequestHeaders, &res)
	m := methodIndex(method)
	var origins matcher.RuleSet
	if req.Origin != "" {
		origins = p.origins.Match(req.Origin)
	}
	verdicts := make([]Verdict, len(p.rules))
	for i := range p.rules {
		v := Verdict{Rule: i, Method: method}
		originAllowed := origins.Has(i)
		if originAllowed {
			v.Origin = firstMatch(p.config.Rules[i].AllowedOrigins, req.Origin)
		}
		switch {
		case !originAllowed:
			v.Reason = OriginNotAllowed
		case m < 0 || !p.methods[m].Has(i):
			v.Reason = MethodNotAllowed
		case tooLarge:
			v.Reason = RequestHeadersTooLarge
		default:
			for _, item := range res.items {
				if !p.rules[i].headers.MatchLower(item) {
					v.Reason, v.Header = HeaderNotAllowed, item
					break
				}
			}
		}
		verdicts[i] = v
	}
	return verdicts
}

// firstMatch returns the first of patterns that matches origin.
func firstMatch(patterns []string, origin string) string {
	for _, o := range patterns {
		if pat, err := matcher.Origin(o); err == nil && pat.Match(origin) {
			return o
		}
	}
	return ""
}
