package har

import (
	"fmt"
	"net/http"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/internal/rawrequest"
	"github.com/s3cors/s3cors/rule"
)

// Report is explain --har's answer. Its JSON encoding is the --format
// json output.
type Report struct {
	File          string    `json:"file"`
	Configuration *string   `json:"configuration"` // the file given, or null
	Entries       int       `json:"entries"`       // entries in the HAR
	Exchanges     []Verdict `json:"exchanges"`
}

// Verdict is what explain says about one exchange.
type Verdict struct {
	Method    string    `json:"method"` // the actual request's method
	URL       string    `json:"url"`
	Origin    string    `json:"origin"`
	Preflight *Call     `json:"preflight"`
	Actual    *Call     `json:"actual"`
	Outcome   string    `json:"outcome"` // see the outcome constants
	Findings  []Finding `json:"findings"`
}

// The outcomes of an exchange.
const (
	Allowed   = "allowed"    // CORS let the page read the response
	Refused   = "refused"    // a CORS clause refused it
	LookAlike = "look-alike" // it failed, but not because of CORS rules
	NoOrigin  = "no-origin"  // CORS headers without Origin: not a CORS request
)

// Call is one recorded request of an exchange.
type Call struct {
	Entry          int            `json:"entry"` // zero-based index in log.entries
	Method         string         `json:"method"`
	Status         int            `json:"status"` // 0: no response recorded
	RequestMethod  string         `json:"requestMethod,omitempty"`
	RequestHeaders []string       `json:"requestHeaders,omitempty"`
	Rules          []explain.Rule `json:"rules,omitempty"` // with a configuration
}

// Explain judges every CORS exchange in entries. p and c, the
// configuration, may be nil: then the recorded response headers are judged.
func Explain(file string, entries []Entry, p *cors.Policy, c *rule.Configuration) *Report {
	r := &Report{File: file, Entries: len(entries), Exchanges: []Verdict{}}
	for _, x := range pairExchanges(entries) {
		r.Exchanges = append(r.Exchanges, judgeExchange(x, p, c))
	}
	return r
}

func judgeExchange(x exchange, p *cors.Policy, c *rule.Configuration) Verdict {
	v := Verdict{Findings: []Finding{}}
	first := x.actual
	if x.preflight != nil {
		first = x.preflight
		m, _ := get(x.preflight.Request.Headers, "Access-Control-Request-Method")
		v.Method = m
		v.Preflight = &Call{
			Entry: x.preflightIndex, Method: x.preflight.Request.Method, Status: x.preflight.Response.Status,
			RequestMethod: m, RequestHeaders: all(x.preflight.Request.Headers, "Access-Control-Request-Headers"),
		}
	}
	if x.actual != nil {
		v.Method = x.actual.Request.Method
		v.Actual = &Call{Entry: x.actualIndex, Method: x.actual.Request.Method, Status: x.actual.Response.Status}
	}
	v.URL = first.Request.URL
	v.Origin = first.Origin()
	add := func(f Finding) { v.Findings = append(v.Findings, f) }

	if v.Origin == "" && x.preflight == nil {
		v.Outcome = NoOrigin
		add(Finding{Kind: KindNoOrigin, Severity: Note, Message: "the request has no Origin, so it is not a CORS request, yet the response carries Access-Control-* headers",
			Fix: "nothing to fix here; if the same URL is later fetched cross-origin, a cache may reuse this response: see serve's --cache-safe-vary (cors.WithCacheSafeVary)"})
		return v
	}
	if lookAlikes(x, add) {
		v.Outcome = LookAlike
		return v
	}

	refused := false
	if x.preflight != nil {
		var ok bool
		if p != nil {
			ok = judgePreflightWithConfig(x.preflight, v.Preflight, p, c, add)
		} else {
			ok = judgePreflightRecorded(x.preflight, v.Method, add)
		}
		refused = !ok
	}
	if !refused && x.actual != nil {
		if p != nil {
			refused = !judgeActualWithConfig(x.actual, v.Actual, p, c, add)
		} else {
			refused = !judgeActualRecorded(x.actual, add)
		}
	}
	if refused {
		v.Outcome = Refused
	} else {
		v.Outcome = Allowed
	}
	return v
}

// harCORSRequest is the cors.Request of a recorded request.
func harCORSRequest(e *Entry) *cors.Request {
	req := &cors.Request{Method: e.Request.Method, Origin: e.Origin(), Target: cors.TargetObject}
	req.RequestMethod, _ = get(e.Request.Headers, "Access-Control-Request-Method")
	req.RequestHeaders = all(e.Request.Headers, "Access-Control-Request-Headers")
	host, _ := get(e.Request.Headers, "Host")
	if host == "" {
		host, _ = get(e.Request.Headers, ":authority")
	}
	raw := rawrequest.Request{Path: e.Request.URL, Host: host}
	if t, ok := raw.Target(); ok {
		req.Target = t
	}
	return req
}

// judgePreflightWithConfig evaluates the preflight under the configuration
// and reports whether S3 would allow it.
func judgePreflightWithConfig(e *Entry, call *Call, p *cors.Policy, c *rule.Configuration, add func(Finding)) bool {
	req := harCORSRequest(e)
	x := explain.Request(p, c, req)
	call.Rules = x.Rules
	rec := e.Response.Status
	if *x.Status == http.StatusOK {
		if rec != 0 && rec != http.StatusOK {
			add(Finding{Kind: KindRecordedDiffers, Severity: Note, Message: fmt.Sprintf("this configuration allows the preflight, but the recorded answer was %d", rec),
				Fix: "the bucket's configuration is not the one given: compare it with 'aws s3api get-bucket-cors --bucket BUCKET'"})
		}
		return true
	}
	if x.MatchedRule == nil && x.Error != nil && x.Error.Code == "BadRequest" {
		add(Finding{Kind: KindBadPreflight, Severity: Error, Message: fmt.Sprintf("S3 refuses the preflight before looking at the rules: %d %s (%s)", *x.Status, x.Error.Code, x.Error.Message),
			Fix: "send Access-Control-Request-Method with one of GET, PUT, HEAD, POST, DELETE; browsers do so for those methods only"})
	} else {
		clauseFinding(p, c, req, true, add)
	}
	if rec == http.StatusOK {
		add(Finding{Kind: KindRecordedDiffers, Severity: Note, Message: "this configuration refuses the preflight, but the recorded answer was 200",
			Fix: "the bucket's configuration is not the one given: compare it with 'aws s3api get-bucket-cors --bucket BUCKET'"})
	}
	return false
}

// judgeActualWithConfig evaluates the actual request under the
// configuration and reports whether the page may read the response.
func judgeActualWithConfig(e *Entry, call *Call, p *cors.Policy, c *rule.Configuration, add func(Finding)) bool {
	req := harCORSRequest(e)
	x := explain.Request(p, c, req)
	call.Rules = x.Rules
	if x.MatchedRule == nil {
		clauseFinding(p, c, req, false, add)
		return false
	}
	res := p.Evaluate(*req)
	return checkAllowed(e, res.Get("Access-Control-Allow-Origin"), res.Get("Access-Control-Allow-Credentials"), res.Get("Access-Control-Expose-Headers"), add)
}

// clauseFinding names the clause that refused req: of the rules that get
// furthest (origin, then method, then headers), the first.
func clauseFinding(p *cors.Policy, c *rule.Configuration, req *cors.Request, preflight bool, add func(Finding)) {
	rank := map[cors.Reason]int{cors.OriginNotAllowed: 0, cors.MethodNotAllowed: 1, cors.RequestHeadersTooLarge: 2, cors.HeaderNotAllowed: 3}
	verdicts := p.Explain(*req)
	best := -1
	for i, v := range verdicts {
		if best < 0 || rank[v.Reason] > rank[verdicts[best].Reason] {
			best = i
		}
	}
	what := "S3 refuses the preflight"
	if !preflight {
		what = "S3 adds no CORS headers to the response, so the browser hides it from the page"
	}
	method := req.RequestMethod
	if method == "" {
		method = req.Method
	}
	if best < 0 || verdicts[best].Reason == cors.OriginNotAllowed {
		if req.Origin == "" {
			add(Finding{Kind: KindNoOrigin, Severity: Error, Message: what + ": the request has no Origin", Fix: "browsers always send Origin on cross-origin requests: check how the request was made"})
			return
		}
		add(Finding{Kind: KindOriginNotAllowed, Severity: Error, Message: fmt.Sprintf("%s: origin %s matches no rule's AllowedOrigins", what, req.Origin),
			Fix: fmt.Sprintf("add %q to AllowedOrigins of the rule for these requests", req.Origin)})
		return
	}
	v := verdicts[best]
	r := c.Rules[v.Rule]
	label := explain.RuleLabel(r, v.Rule)
	switch v.Reason {
	case cors.MethodNotAllowed:
		add(Finding{Kind: KindMethodNotAllowed, Severity: Error, Message: fmt.Sprintf("%s: %s allows origin %s, but not method %s (AllowedMethods %s)", what, label, req.Origin, method, explain.List(r.AllowedMethods)),
			Fix: fmt.Sprintf("add %s to AllowedMethods of %s", method, label)})
	case cors.HeaderNotAllowed:
		allowed := "it allows no headers"
		if len(r.AllowedHeaders) > 0 {
			allowed = "AllowedHeaders " + explain.List(r.AllowedHeaders)
		}
		add(Finding{Kind: KindHeaderNotAllowed, Severity: Error, Message: fmt.Sprintf("%s: %s allows origin %s and method %s, but not the requested header %s (%s)", what, label, req.Origin, method, v.Header, allowed),
			Fix: fmt.Sprintf("add %q to AllowedHeaders of %s", v.Header, label)})
	default:
		add(Finding{Kind: KindRequestHeadersTooLarge, Severity: Error, Message: fmt.Sprintf("%s: %s", what, v.Reason), Fix: "request fewer headers"})
	}
}
