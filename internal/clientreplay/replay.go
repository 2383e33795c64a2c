package clientreplay

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/clientprofile"
	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/internal/requestheaders"
	"github.com/s3cors/s3cors/matcher"
	"github.com/s3cors/s3cors/rule"
)

// PlaceholderOrigin is the origin lint --client uses for an AllowedOrigin:
// the origin itself, or for a wildcard pattern, an origin it matches, with
// "app" (or port 8080) in place of the "*"; "*" alone becomes
// https://app.example.com. It returns "" for an empty AllowedOrigin, which
// matches nothing.
func PlaceholderOrigin(o string) string {
	if o == "" {
		return ""
	}
	if o == "*" {
		return "https://app.example.com"
	}
	i := strings.IndexByte(o, '*')
	if i < 0 {
		return o
	}
	fill := "app"
	if i > 0 && o[i-1] == ':' && !strings.HasSuffix(o[:i], "://") {
		fill = "8080"
	}
	candidate := o[:i] + fill + o[i+1:]
	if pat, err := matcher.Origin(o); err != nil || !pat.Match(candidate) {
		return ""
	}
	return candidate
}

// Origins returns the origins lint --client tries: those given, or else
// one per distinct AllowedOrigin of c (see PlaceholderOrigin).
func Origins(c *rule.Configuration, given []string) []string {
	if len(given) > 0 {
		return given
	}
	var out []string
	for _, r := range c.Rules {
		for _, o := range r.AllowedOrigins {
			if p := PlaceholderOrigin(o); p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Report is how one client profile fares from one origin, in lint's JSON
// output.
type Report struct {
	Client   string          `json:"client"`
	Origin   string          `json:"origin"`
	Allowed  bool            `json:"allowed"`
	Requests []RequestReport `json:"requests"`
}

// RequestReport is how one recorded request fares.
type RequestReport struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Preflight bool   `json:"preflight"`
	// RequestHeaders are the headers the preflight asks for, lower case.
	RequestHeaders []string `json:"requestHeaders"`
	Allowed        bool     `json:"allowed"`
	// Rule is the rule that allows the request itself (after its
	// preflight), whose ExposeHeaders apply; null when none does.
	Rule     *int      `json:"rule"`
	Problems []Problem `json:"problems"`
}

// Problem is one reason a request fails, with its fix.
type Problem struct {
	// Stage is "preflight" (the browser's OPTIONS request is refused),
	// "request" (the request itself gets no CORS headers, so the browser
	// hides the response) or "expose" (a response header the client
	// needs is not exposed).
	Stage string `json:"stage"`
	// Rule is the rule the fix changes, or null when the fix is a new
	// rule.
	Rule *int `json:"rule"`
	// Header is the requested header that no rule allows, or the response
	// header to expose; null for other problems.
	Header  *string `json:"header"`
	Message string  `json:"message"`
	Fix     string  `json:"fix"`

	// change is the fix as additions to the rule, for Fixes.
	change change
}

// change is what a fix adds to one rule.
type change struct {
	origins, methods, headers, expose []string
}

// merge adds the values of o that c lacks.
func (c *change) merge(o change) {
	for _, p := range []struct {
		to   *[]string
		from []string
	}{
		{&c.origins, o.origins}, {&c.methods, o.methods}, {&c.headers, o.headers}, {&c.expose, o.expose},
	} {
		for _, v := range p.from {
			if !slices.Contains(*p.to, v) {
				*p.to = append(*p.to, v)
			}
		}
	}
}

// Check replays every request of the profiles from each origin through
// the configuration c, compiled once. Each rule is tried on its own to find
// the smallest change that allows a refused request.
func Check(c *rule.Configuration, profiles []*Profile, origins []string) []Report {
	p, err := cors.Compile(c)
	if err != nil {
		return []Report{}
	}
	ck := &checker{c: c, p: p, probes: map[int]probes{}}
	out := []Report{}
	for _, prof := range profiles {
		for _, origin := range origins {
			rep := Report{Client: prof.Name, Origin: origin, Allowed: true, Requests: []RequestReport{}}
			for i := range prof.Op.Requests {
				rr := ck.request(prof, &prof.Op.Requests[i], origin)
				rep.Allowed = rep.Allowed && rr.Allowed
				rep.Requests = append(rep.Requests, rr)
			}
			out = append(out, rep)
		}
	}
	return out
}

// checker replays requests through one configuration.
type checker struct {
	c      *rule.Configuration
	p      *cors.Policy
	probes map[int]probes // by rule index
}

func corsTarget(t string) cors.Target {
	if t == "bucket" {
		return cors.TargetBucket
	}
	return cors.TargetObject
}

func ptr[T any](v T) *T { return &v }

// request replays one recorded request: its preflight, if the browser sent
// one, the request itself, and the headers it must read.
func (ck *checker) request(prof *Profile, r *clientprofile.Request, origin string) RequestReport {
	asked, _ := requestheaders.Names([]string{r.RequestHeaders})
	if asked == nil {
		asked = []string{}
	}
	rr := RequestReport{Operation: r.Operation, Method: r.Method, Preflight: r.Preflight,
		RequestHeaders: asked, Problems: []Problem{}}
	target := corsTarget(r.Target)

	if r.Preflight {
		pre := cors.Request{Method: "OPTIONS", Origin: origin, RequestMethod: r.RequestMethod, Target: target}
		if r.RequestHeaders != "" {
			pre.RequestHeaders = []string{r.RequestHeaders}
		}
		if res := ck.p.Evaluate(pre); !res.Matched {
			// The requested headers are in the report's RequestHeaders.
			what := "the preflight of " + r.Operation + " (OPTIONS for " + r.RequestMethod + ")"
			rr.Problems = append(rr.Problems, ck.refusal("preflight", pre, what,
				fmt.Sprintf("S3 answers %d %s, so the browser does not send the request", res.Status, res.Error.Code)))
			return rr
		}
	}

	act := cors.Request{Method: r.Method, Origin: origin, Target: target}
	res := ck.p.Evaluate(act)
	if !res.Matched {
		rr.Problems = append(rr.Problems, ck.refusal("request", act, r.Operation+" ("+r.Method+")",
			"S3 sends no CORS headers with the response, so the browser hides it from the page"))
		return rr
	}
	rr.Rule = ptr(res.Rule)
	exposed, _ := requestheaders.Names([]string{res.Get("Access-Control-Expose-Headers")})
	label := explain.RuleLabel(ck.c.Rules[res.Rule], res.Rule)
	for _, h := range prof.needsExposed(r) {
		if slices.Contains(exposed, strings.ToLower(h)) {
			continue
		}
		msg := fmt.Sprintf("%s (%s) is allowed by %s, which does not expose %s, so the page cannot read that response header and the operation fails", r.Operation, r.Method, label, h)
		if e := prof.Op.ErrorUnexposed; e != "" {
			msg += ": " + strconv.Quote(e)
		}
		ch := change{expose: []string{h}}
		rr.Problems = append(rr.Problems, Problem{
			Stage: "expose", Rule: ptr(res.Rule), Header: ptr(h), Message: msg,
			Fix: describe(label, ch), change: ch,
		})
	}
	rr.Allowed = len(rr.Problems) == 0
	return rr
}

// maxListed is how many rules a refusal names one by one; beyond it, the
// other rules are counted by reason, so that a message stays readable
// whatever the number of rules.
const maxListed = 3

// refusal describes a request that no rule allows: why the rules refuse
// it, and the smallest change that allows it.
func (ck *checker) refusal(stage string, req cors.Request, what, consequence string) Problem {
	verdicts := ck.p.Explain(req)
	fixRule, ch, found := ck.smallestFix(req, verdicts)
	var header *string
	for _, v := range verdicts {
		if v.Reason == cors.HeaderNotAllowed {
			header = ptr(v.Header)
			break
		}
	}
	// The rule the fix changes first, then the others in order.
	order := make([]int, 0, len(verdicts))
	if found {
		order = append(order, fixRule)
	}
	for i := range verdicts {
		if !found || i != fixRule {
			order = append(order, i)
		}
	}
	var why []string
	others := map[cors.Reason]int{}
	var reasons []cors.Reason
	for k, i := range order {
		v := verdicts[i]
		if k >= maxListed && len(verdicts) > maxListed {
			if others[v.Reason] == 0 {
				reasons = append(reasons, v.Reason)
			}
			others[v.Reason]++
			continue
		}
		s := explain.RuleLabel(ck.c.Rules[v.Rule], v.Rule) + ": " + string(v.Reason)
		switch v.Reason {
		case cors.HeaderNotAllowed:
			s += " (" + v.Header + ")"
		case cors.MethodNotAllowed:
			s += " (" + v.Method + ")"
		case cors.OriginNotAllowed:
			s += " (" + req.Origin + ")"
		}
		why = append(why, s)
	}
	if len(reasons) > 0 {
		var counts []string
		for _, r := range reasons {
			counts = append(counts, fmt.Sprintf("%d %s", others[r], r))
		}
		why = append(why, fmt.Sprintf("%d other rules (%s)", len(verdicts)-maxListed, strings.Join(counts, ", ")))
	}
	prob := Problem{Stage: stage, Header: header,
		Message: fmt.Sprintf("%s from %s is refused: %s; %s", what, req.Origin, strings.Join(why, "; "), consequence)}
	if found {
		prob.Rule = ptr(fixRule)
		prob.change = ch
		prob.Fix = describe(explain.RuleLabel(ck.c.Rules[fixRule], fixRule), ch)
	} else {
		prob.Fix = "add a rule that allows origin " + req.Origin + " and method " + methodOf(req)
	}
	return prob
}

func methodOf(req cors.Request) string {
	if req.RequestMethod != "" {
		return req.RequestMethod
	}
	return req.Method
}
