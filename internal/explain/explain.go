// Package explain says how S3 answers one CORS request under a
// configuration, and why each rule does or does not match it, in the words
// that s3cors's commands print. The behaviour IDs cited (D13, M5 …) are
// defined in docs/behaviour.md.
package explain

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/requestheaders"
	"github.com/s3cors/s3cors/rule"
)

// Explanation is S3's answer to one request and the account of every rule.
// Its JSON encoding is explain's --format json output.
type Explanation struct {
	Kind        string      `json:"kind"`        // "preflight" or "actual"
	Status      *int        `json:"status"`      // preflight only
	Headers     [][2]string `json:"headers"`     // in S3's order
	Error       *Error      `json:"error"`       // a refused preflight
	MatchedRule *int        `json:"matchedRule"` // the rule S3 applies
	Rules       []Rule      `json:"rules"`       // every rule, in order
	Body        string      `json:"-"`           // a refused preflight's XML body

	// Request is the request explained.
	Request *cors.Request `json:"-"`
}

// Error is the S3 error of a refused preflight.
type Error struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Method       string `json:"method"`
	ResourceType string `json:"resourceType"`
}

// Rule is how one rule fares.
type Rule struct {
	Index   int     `json:"index"`
	ID      *string `json:"id"`
	Matched bool    `json:"matched"` // the rule on its own allows the request
	Reason  string  `json:"reason"`
}

// Request evaluates req under p (compiled from c) and explains every
// rule.
func Request(p *cors.Policy, c *rule.Configuration, req *cors.Request) *Explanation {
	res := p.Evaluate(*req)
	x := &Explanation{Kind: "actual", Headers: [][2]string{}, Rules: []Rule{}, Request: req}
	if res.Preflight {
		x.Kind = "preflight"
		st := res.Status
		x.Status = &st
	}
	for name, value := range res.Headers() {
		x.Headers = append(x.Headers, [2]string{name, value})
	}
	if res.Status == http.StatusBadRequest {
		// S3 closes the connection after a 400 over HTTP/1.1 (D13).
		x.Headers = append(x.Headers, [2]string{"Connection", "close"})
	}
	if res.Error.Code != "" {
		x.Error = &Error{res.Error.Code, res.Error.Message, res.Error.Method, res.Error.ResourceType}
		x.Body = string(res.Error.AppendXML(nil))
	}
	applied := -1
	if res.Matched {
		applied = res.Rule
		x.MatchedRule = &applied
	}
	items := RequestedHeaders(req.RequestHeaders)
	for _, v := range p.Explain(*req) {
		r := c.Rules[v.Rule]
		x.Rules = append(x.Rules, Rule{
			Index:   v.Rule,
			ID:      r.ID,
			Matched: v.Reason == cors.Allowed,
			Reason:  reasonText(r, v, req, items, applied),
		})
	}
	return x
}

// RequestedHeaders lists the names of Access-Control-Request-Headers as the
// engine reads them, or nil when the lines exceed its limits (D11), which
// the rules' verdicts then report.
func RequestedHeaders(lines []string) []string {
	names, ok := requestheaders.Names(lines)
	if !ok || len(names) == 0 {
		return nil
	}
	return names
}

// List formats values as "[a, b]".
func List(values []string) string {
	return "[" + strings.Join(values, ", ") + "]"
}

// reasonText says why rule r (verdict v) does or does not match req.
// applied is the rule S3 applies, or -1.
func reasonText(r rule.Rule, v cors.Verdict, req *cors.Request, items []string, applied int) string {
	if v.Reason == cors.OriginNotAllowed {
		if req.Origin == "" {
			return "the request has no Origin, so no rule matches"
		}
		return fmt.Sprintf("origin `%s` matches none of %s", req.Origin, List(r.AllowedOrigins))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "origin matches `%s`", v.Origin)
	if v.Reason == cors.MethodNotAllowed {
		m := v.Method
		if m == "" {
			m = `""`
		}
		fmt.Fprintf(&b, "; method %s not in %s", m, List(r.AllowedMethods))
		if req.Method == http.MethodOptions && req.RequestMethod == "" {
			b.WriteString(" (a preflight without Access-Control-Request-Method)")
		}
		return b.String()
	}
	fmt.Fprintf(&b, "; method %s in %s", v.Method, List(r.AllowedMethods))
	switch v.Reason {
	case cors.HeaderNotAllowed:
		if len(r.AllowedHeaders) == 0 {
			fmt.Fprintf(&b, "; header `%s` requested but the rule allows no headers", v.Header)
		} else {
			fmt.Fprintf(&b, "; header `%s` not allowed by %s", v.Header, List(r.AllowedHeaders))
		}
		return b.String()
	case cors.Allowed:
	default:
		// Access-Control-Request-Headers too large to evaluate.
		fmt.Fprintf(&b, "; %s", v.Reason)
		return b.String()
	}
	if len(items) > 0 {
		fmt.Fprintf(&b, "; headers %s allowed by %s", strings.Join(items, ", "), List(r.AllowedHeaders))
	}
	switch {
	case v.Rule == applied:
		b.WriteString(": S3 applies this rule")
	case applied >= 0 && v.Rule > applied:
		fmt.Fprintf(&b, ": matches too, but rule %d comes first", applied)
	}
	return b.String()
}

// RuleLabel names rule r at index i in messages: "rule 2", or
// `rule 2 (ID "uploads")` when it has an ID, as the library's errors do.
func RuleLabel(r rule.Rule, i int) string {
	s := "rule " + strconv.Itoa(i)
	if r.ID != nil {
		s += " (ID " + strconv.Quote(*r.ID) + ")"
	}
	return s
}

// JoinAnd joins items as "a", "a and b" or "a, b and c".
func JoinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
