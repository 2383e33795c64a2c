package cors

import (
	"github.com/s3cors/s3cors/internal/requestheaders"
	"github.com/s3cors/s3cors/internal/wildcard"
	"github.com/s3cors/s3cors/matcher"
)

// Reason tells why a rule did or did not match a request. Its value is a
// short lower-case phrase, fit for messages.
type Reason string

const (
	// Allowed: the rule allows the origin, the method and every requested
	// header.
	Allowed Reason = "allowed"
	// OriginNotAllowed: no AllowedOrigin of the rule matches the Origin
	// (or the request has none).
	OriginNotAllowed Reason = "origin not allowed"
	// MethodNotAllowed: the method is not among the rule's AllowedMethods.
	MethodNotAllowed Reason = "method not allowed"
	// HeaderNotAllowed: a requested header matches no AllowedHeader.
	HeaderNotAllowed Reason = "header not allowed"
	// RequestHeadersTooLarge: Access-Control-Request-Headers is longer than
	// 8 KiB or names more than 256 headers, which no rule allows (D11).
	RequestHeadersTooLarge Reason = "Access-Control-Request-Headers too large"
)

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
	// Access-Control-Request-Method when present, else the request's own
	// (M2).
	Method string
	// Header is the first requested header (lower-cased) that no
	// AllowedHeader matches, when Reason is HeaderNotAllowed.
	Header string
}

// Explain reports, rule by rule, whether each rule of p allows req and if
// not, why. It reads req exactly as [Policy.Evaluate] does, but judges every
// rule on its own, so it also explains the rules after the first match; S3
// applies the first rule whose Reason is Allowed, which is the Rule of
// Evaluate's Result. Explain returns nil for a nil Policy and for
// [MissingBucket], which have no rules.
//
// Explain is meant for tools and debugging: it allocates.
func (p *Policy) Explain(req Request) []Verdict {
	if !p.enabled() {
		return nil
	}
	method := req.matchMethod()
	names, ok := requestheaders.Join(req.RequestHeaders)
	m := methodIndex(method)
	var origins wildcard.RuleSet
	if req.Origin != "" {
		origins = p.origins.Match(req.Origin)
	}
	verdicts := make([]Verdict, len(p.rules))
	for i := range p.rules {
		v := Verdict{Rule: i, Reason: Allowed, Method: method}
		originAllowed := origins.Has(i)
		if originAllowed {
			v.Origin = firstMatch(p.config.Rules[i].AllowedOrigins, req.Origin)
		}
		switch {
		case !originAllowed:
			v.Reason = OriginNotAllowed
		case m < 0 || !p.methods[m].Has(i):
			v.Reason = MethodNotAllowed
		case !ok:
			v.Reason = RequestHeadersTooLarge
		default:
			for name, rest := requestheaders.Next(names); name != ""; name, rest = requestheaders.Next(rest) {
				if !p.rules[i].headers.MatchLower(name) {
					v.Reason, v.Header = HeaderNotAllowed, name
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
