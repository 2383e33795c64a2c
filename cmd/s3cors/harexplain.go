package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// harReport is explain --har's answer. Its JSON encoding is the --format
// json output.
type harReport struct {
	File          string       `json:"file"`
	Configuration *string      `json:"configuration"` // the file given, or null
	Entries       int          `json:"entries"`       // entries in the HAR
	Exchanges     []harVerdict `json:"exchanges"`
}

// harVerdict is what explain says about one exchange.
type harVerdict struct {
	Method    string     `json:"method"` // the actual request's method
	URL       string     `json:"url"`
	Origin    string     `json:"origin"`
	Preflight *harCall   `json:"preflight"`
	Actual    *harCall   `json:"actual"`
	Outcome   string     `json:"outcome"` // see the outcome constants
	Findings  []harFound `json:"findings"`
}

// The outcomes of an exchange.
const (
	outcomeAllowed   = "allowed"    // CORS let the page read the response
	outcomeRefused   = "refused"    // a CORS clause refused it
	outcomeLookAlike = "look-alike" // it failed, but not because of CORS rules
	outcomeNoOrigin  = "no-origin"  // CORS headers without Origin: not a CORS request
)

// harCall is one recorded request of an exchange.
type harCall struct {
	Entry          int             `json:"entry"` // zero-based index in log.entries
	Method         string          `json:"method"`
	Status         int             `json:"status"` // 0: no response recorded
	RequestMethod  string          `json:"request_method,omitempty"`
	RequestHeaders []string        `json:"request_headers,omitempty"`
	Rules          []explainedRule `json:"rules,omitempty"` // with a configuration
}

// harFound is one problem or remark about an exchange.
type harFound struct {
	Kind     string `json:"kind"`
	Severity string `json:"severity"` // "error" or "note"
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

// explainHAR judges every CORS exchange in entries. p and c, the
// configuration, may be nil: then the recorded response headers are judged.
func explainHAR(file string, entries []harEntry, p *cors.Policy, c *rule.Configuration) *harReport {
	r := &harReport{File: file, Entries: len(entries), Exchanges: []harVerdict{}}
	for _, x := range pairExchanges(entries) {
		r.Exchanges = append(r.Exchanges, judgeExchange(x, p, c))
	}
	return r
}

func judgeExchange(x harExchange, p *cors.Policy, c *rule.Configuration) harVerdict {
	v := harVerdict{Findings: []harFound{}}
	first := x.actual
	if x.preflight != nil {
		first = x.preflight
		m, _ := harGet(x.preflight.Request.Headers, "Access-Control-Request-Method")
		v.Method = m
		v.Preflight = &harCall{
			Entry: x.preflightIndex, Method: x.preflight.Request.Method, Status: x.preflight.Response.Status,
			RequestMethod: m, RequestHeaders: harAll(x.preflight.Request.Headers, "Access-Control-Request-Headers"),
		}
	}
	if x.actual != nil {
		v.Method = x.actual.Request.Method
		v.Actual = &harCall{Entry: x.actualIndex, Method: x.actual.Request.Method, Status: x.actual.Response.Status}
	}
	v.URL = first.Request.URL
	v.Origin = first.origin()
	add := func(kind, severity, message, fix string) {
		v.Findings = append(v.Findings, harFound{kind, severity, message, fix})
	}

	if v.Origin == "" && x.preflight == nil {
		v.Outcome = outcomeNoOrigin
		add("no-origin", "note", "the request has no Origin, so it is not a CORS request, yet the response carries Access-Control-* headers",
			"nothing to fix here; if the same URL is later fetched cross-origin, a cache may reuse this response: see serve's --cache-safe or WithCacheSafeVary")
		return v
	}
	if lookAlikes(x, add) {
		v.Outcome = outcomeLookAlike
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
		v.Outcome = outcomeRefused
	} else {
		v.Outcome = outcomeAllowed
	}
	return v
}

// lookAlikes reports, through add, the failures that look like CORS errors
// in the browser but that no CORS configuration causes or cures. It
// returns whether there was one.
func lookAlikes(x harExchange, add func(kind, severity, message, fix string)) bool {
	found := false
	if pf := x.preflight; pf != nil {
		st := pf.Response.Status
		code, msg := s3ErrorCode(pf.body())
		switch {
		case st >= 300 && st < 400:
			to := pf.Response.RedirectURL
			if to == "" {
				to, _ = harGet(pf.Response.Headers, "Location")
			}
			where := ""
			if to != "" {
				where = " to " + to
			}
			if code != "" {
				where += fmt.Sprintf(" (S3 error %s: %s)", code, msg)
			}
			add("redirected-preflight", "error",
				fmt.Sprintf("the preflight was answered with a redirect, %d%s; browsers refuse a redirected preflight whatever the CORS rules say", st, where),
				"request the final URL directly: for S3, the bucket's regional endpoint (https://BUCKET.s3.REGION.amazonaws.com/KEY), not the global or website endpoint, and no redirect to add a trailing slash or index.html")
			found = true
		case st == http.StatusUnauthorized || authErrorCodes[code]:
			what := fmt.Sprintf("%d", st)
			if code != "" {
				what = fmt.Sprintf("%d %s (%s)", st, code, msg)
			}
			add("authenticated-preflight", "error",
				"the preflight was refused with "+what+": the server checks credentials on OPTIONS, which browsers never sign and S3 answers unauthenticated",
				"answer preflights before authentication: put the CORS middleware outside the authentication layer (S3 itself does this), or allow unauthenticated OPTIONS in the proxy in front of the bucket")
			found = true
		}
		if v, ok := harGet(pf.Request.Headers, "Access-Control-Request-Private-Network"); ok && strings.EqualFold(v, "true") {
			if _, answered := harGet(pf.Response.Headers, "Access-Control-Allow-Private-Network"); !answered {
				add("private-network-access", "error",
					"the preflight asks for Private Network Access (Access-Control-Request-Private-Network: true), which S3 never answers: no CORS configuration sends Access-Control-Allow-Private-Network",
					"this happens when a public page calls a server on a private or local address; load the page from the same network (or from localhost) or put the server behind a public address")
				found = true
			}
		}
	}
	if a := x.actual; a != nil {
		code, msg := s3ErrorCode(a.body())
		expired := a.Response.Status == http.StatusForbidden && code == "AccessDenied" && strings.Contains(msg, "expired")
		until, presigned := presignedExpiry(a.Request.URL)
		at, known := a.started()
		// The clocks of the browser and of the signer may differ: judge by
		// them only when the request did fail.
		failed := a.Response.Status == 0 || a.Response.Status == http.StatusForbidden
		if !expired && failed && presigned && known && at.After(until) {
			expired = true
		}
		if expired {
			detail := "403 AccessDenied (Request has expired)"
			if presigned {
				detail = fmt.Sprintf("the URL expired at %s", until.UTC().Format("2006-01-02 15:04:05 UTC"))
				if known {
					detail += fmt.Sprintf(", %s before the request", at.Sub(until).Round(1e9))
				}
			}
			add("expired-presigned-url", "error",
				"the presigned URL had expired: "+detail+"; S3 refuses it whatever the CORS rules say",
				"presign the URL just before the request, or with a longer expiry (X-Amz-Expires)")
			found = true
		}
	}
	return found
}

// authErrorCodes are S3's error codes for requests whose authentication
// failed: S3 never answers a preflight with them.
var authErrorCodes = map[string]bool{
	"SignatureDoesNotMatch": true, "InvalidAccessKeyId": true, "MissingSecurityHeader": true,
	"AuthorizationHeaderMalformed": true, "InvalidToken": true, "ExpiredToken": true,
	"AccessDenied": true, "InvalidSecurity": true,
}

// harCORSRequest is the cors.Request of a recorded request.
func harCORSRequest(e *harEntry) *cors.Request {
	req := &cors.Request{Method: e.Request.Method, Origin: e.origin(), Target: cors.TargetObject}
	req.RequestMethod, _ = harGet(e.Request.Headers, "Access-Control-Request-Method")
	req.RequestHeaders = harAll(e.Request.Headers, "Access-Control-Request-Headers")
	host, _ := harGet(e.Request.Headers, "Host")
	if host == "" {
		host, _ = harGet(e.Request.Headers, ":authority")
	}
	raw := rawRequest{Path: e.Request.URL, Host: host}
	if t, ok := raw.target(); ok {
		req.Target = t
	}
	return req
}

// judgePreflightWithConfig evaluates the preflight under the configuration
// and reports whether S3 would allow it.
func judgePreflightWithConfig(e *harEntry, call *harCall, p *cors.Policy, c *rule.Configuration, add func(kind, severity, message, fix string)) bool {
	req := harCORSRequest(e)
	x := explainRequest(p, c, req)
	call.Rules = x.Rules
	rec := e.Response.Status
	if *x.Status == http.StatusOK {
		if rec != 0 && rec != http.StatusOK {
			add("recorded-differs", "note", fmt.Sprintf("this configuration allows the preflight, but the recorded answer was %d", rec),
				"the bucket's configuration is not the one given: compare it with 'aws s3api get-bucket-cors --bucket BUCKET'")
		}
		return true
	}
	if x.MatchedRule == nil && x.Error != nil && x.Error.Code == "BadRequest" {
		add("bad-preflight", "error", fmt.Sprintf("S3 refuses the preflight before looking at the rules: %d %s (%s)", *x.Status, x.Error.Code, x.Error.Message),
			"send Access-Control-Request-Method with one of GET, PUT, HEAD, POST, DELETE; browsers do so for those methods only")
	} else {
		clauseFinding(p, c, req, true, add)
	}
	if rec == http.StatusOK {
		add("recorded-differs", "note", "this configuration refuses the preflight, but the recorded answer was 200",
			"the bucket's configuration is not the one given: compare it with 'aws s3api get-bucket-cors --bucket BUCKET'")
	}
	return false
}

// judgeActualWithConfig evaluates the actual request under the
// configuration and reports whether the page may read the response.
func judgeActualWithConfig(e *harEntry, call *harCall, p *cors.Policy, c *rule.Configuration, add func(kind, severity, message, fix string)) bool {
	req := harCORSRequest(e)
	x := explainRequest(p, c, req)
	call.Rules = x.Rules
	if x.MatchedRule == nil {
		clauseFinding(p, c, req, false, add)
		return false
	}
	res := p.Evaluate(*req)
	return checkAllowed(e, res.Get("Access-Control-Allow-Origin"), res.Get("Access-Control-Allow-Credentials"), res.Get("Access-Control-Expose-Headers"), add)
}

// checkAllowed reports the problems that remain once CORS headers are
// present: credentials with "*", or a response header the page may want but
// cannot read.
func checkAllowed(e *harEntry, allowOrigin, allowCredentials, expose string, add func(kind, severity, message, fix string)) bool {
	if credentialed(e) {
		if allowOrigin == "*" {
			add("credentials-with-wildcard", "error",
				`the request carries credentials (cookies or Authorization), but the answer is Access-Control-Allow-Origin: "*", which browsers refuse for such requests`,
				`list the page's origin in AllowedOrigins of a rule without "*" (S3 then echoes it with Access-Control-Allow-Credentials: true), or send the request without credentials`)
			return false
		}
		if !strings.EqualFold(allowCredentials, "true") {
			add("credentials-not-allowed", "error", "the request carries credentials, but the answer lacks Access-Control-Allow-Credentials: true",
				"S3 sends it for every rule without \"*\" among its origins; check that such a rule matches")
			return false
		}
	}
	if m := e.Request.Method; (m == http.MethodPut || m == http.MethodPost) && e.Response.Status/100 == 2 {
		if _, has := harGet(e.Response.Headers, "ETag"); has && !listHas(expose, "etag") {
			add("header-not-exposed", "note",
				"the response has an ETag, which the page cannot read: it is not in Access-Control-Expose-Headers (multipart uploads need it)",
				`add "ETag" to ExposeHeaders of the rule for this origin`)
		}
	}
	return true
}

// credentialed reports whether the browser sent e with credentials.
func credentialed(e *harEntry) bool {
	_, cookie := harGet(e.Request.Headers, "Cookie")
	return cookie
}

// listHas reports whether the comma-separated list holds name (ignoring
// case) or "*".
func listHas(list, name string) bool {
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if strings.EqualFold(item, name) || item == "*" {
			return true
		}
	}
	return false
}

// clauseFinding names the clause that refused req: of the rules that get
// furthest (origin, then method, then headers), the first.
func clauseFinding(p *cors.Policy, c *rule.Configuration, req *cors.Request, preflight bool, add func(kind, severity, message, fix string)) {
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
			add("no-origin", "error", what+": the request has no Origin", "browsers always send Origin on cross-origin requests: check how the request was made")
			return
		}
		add("origin-not-allowed", "error", fmt.Sprintf("%s: origin %s matches no rule's AllowedOrigins", what, req.Origin),
			fmt.Sprintf("add %q to AllowedOrigins of the rule for these requests", req.Origin))
		return
	}
	v := verdicts[best]
	r := c.Rules[v.Rule]
	label := harRuleLabel(r, v.Rule)
	switch v.Reason {
	case cors.MethodNotAllowed:
		add("method-not-allowed", "error", fmt.Sprintf("%s: %s allows origin %s, but not method %s (AllowedMethods %s)", what, label, req.Origin, method, list(r.AllowedMethods)),
			fmt.Sprintf("add %s to AllowedMethods of %s", method, label))
	case cors.HeaderNotAllowed:
		allowed := "it allows no headers"
		if len(r.AllowedHeaders) > 0 {
			allowed = "AllowedHeaders " + list(r.AllowedHeaders)
		}
		add("header-not-allowed", "error", fmt.Sprintf("%s: %s allows origin %s and method %s, but not the requested header %s (%s)", what, label, req.Origin, method, v.Header, allowed),
			fmt.Sprintf("add %q to AllowedHeaders of %s", v.Header, label))
	default:
		add("request-headers-too-large", "error", fmt.Sprintf("%s: %s", what, v.Reason), "request fewer headers")
	}
}

func harRuleLabel(r rule.Rule, i int) string {
	if r.ID != nil {
		return fmt.Sprintf("rule %d (ID %q)", i, *r.ID)
	}
	return fmt.Sprintf("rule %d", i)
}

// judgePreflightRecorded judges a preflight by its recorded answer and
// reports whether the browser accepted it.
func judgePreflightRecorded(e *harEntry, method string, add func(kind, severity, message, fix string)) bool {
	st := e.Response.Status
	origin := e.origin()
	asked := requestedHeaders(harAll(e.Request.Headers, "Access-Control-Request-Headers"))
	if st == 0 {
		why := ""
		if f := e.failure(); f != "" {
			why = " (" + f + ")"
		}
		add("no-response", "error", "the preflight got no response"+why, "check that the server is reachable from the page, and look at the browser's console for the reason")
		return false
	}
	if st/100 != 2 {
		code, msg := s3ErrorCode(e.body())
		switch {
		case msg == "CORSResponse: CORS is not enabled for this bucket.":
			add("no-configuration", "error", fmt.Sprintf("the preflight was refused with %d %s: the bucket has no CORS configuration", st, code),
				"put one with 'aws s3api put-bucket-cors'; 's3cors lint' checks it first")
		case msg == "CORSResponse: Bucket not found":
			add("no-bucket", "error", fmt.Sprintf("the preflight was refused with %d %s: the bucket does not exist", st, code), "check the bucket name in the URL")
		case code != "":
			add("preflight-refused", "error", fmt.Sprintf("the preflight was refused with %d %s: %s", st, code, msg),
				fmt.Sprintf("no rule allows origin %s, method %s and headers %s together; pass the configuration (s3cors explain cors.json --har FILE) to learn which clause refused it", origin, method, list(asked)))
		default:
			add("preflight-refused", "error", fmt.Sprintf("the preflight was refused with %d", st),
				"browsers accept only a 2xx answer to a preflight; pass the configuration (s3cors explain cors.json --har FILE) to learn what S3 would answer")
		}
		return false
	}
	if !checkOrigin(e, "preflight", add) {
		return false
	}
	allowCred, _ := harGet(e.Response.Headers, "Access-Control-Allow-Credentials")
	wildcardOK := !strings.EqualFold(allowCred, "true")
	if m := method; m != "" && m != "GET" && m != "HEAD" && m != "POST" {
		methods, _ := harGet(e.Response.Headers, "Access-Control-Allow-Methods")
		if !listHasExact(methods, m, wildcardOK) {
			add("method-not-allowed", "error", fmt.Sprintf("the preflight's answer does not list method %s in Access-Control-Allow-Methods (%q)", m, methods),
				fmt.Sprintf("add %s to AllowedMethods of the rule for origin %s", m, origin))
			return false
		}
	}
	allowHeaders, _ := harGet(e.Response.Headers, "Access-Control-Allow-Headers")
	for _, h := range asked {
		if !listHas(allowHeaders, h) || (strings.TrimSpace(allowHeaders) == "*" && !wildcardOK) {
			add("header-not-allowed", "error", fmt.Sprintf("the preflight asks for header %s, which the answer's Access-Control-Allow-Headers (%q) does not list", h, allowHeaders),
				fmt.Sprintf("add %q to AllowedHeaders of the rule for origin %s", h, origin))
			return false
		}
	}
	return true
}

// listHasExact reports whether the comma-separated list holds name, case
// sensitively as browsers compare methods, or "*" when wildcardOK.
func listHasExact(list, name string, wildcardOK bool) bool {
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == name || item == "*" && wildcardOK {
			return true
		}
	}
	return false
}

// checkOrigin checks the recorded Access-Control-Allow-Origin of e.
func checkOrigin(e *harEntry, what string, add func(kind, severity, message, fix string)) bool {
	origin := e.origin()
	allow, ok := harGet(e.Response.Headers, "Access-Control-Allow-Origin")
	switch {
	case !ok:
		add("missing-allow-origin", "error", fmt.Sprintf("the %s's answer has no Access-Control-Allow-Origin, so the browser hides it from the page", what),
			fmt.Sprintf("S3 sends it only when a rule allows origin %s and method %s (and every requested header): pass the configuration (s3cors explain cors.json --har FILE) to learn which clause fails", origin, e.Request.Method))
		return false
	case allow != "*" && allow != origin:
		add("origin-mismatch", "error", fmt.Sprintf("the %s's answer allows origin %s, not the page's origin %s", what, allow, origin),
			"a cache or proxy may have served an answer made for another origin (S3 echoes the request's Origin); see serve's --cache-safe and WithCacheSafeVary, or check the CDN's cache key")
		return false
	}
	return true
}

// judgeActualRecorded judges an actual request by its recorded answer and
// reports whether the page could read it.
func judgeActualRecorded(e *harEntry, add func(kind, severity, message, fix string)) bool {
	if e.Response.Status == 0 {
		why := ""
		if f := e.failure(); f != "" {
			why = " (" + f + ")"
		}
		add("no-response", "error", "the request got no response the page could read"+why,
			"browsers record a request blocked by CORS without a response: look at the browser's console for the reason, or pass the configuration (s3cors explain cors.json --har FILE)")
		return false
	}
	if !checkOrigin(e, "request", add) {
		return false
	}
	allow, _ := harGet(e.Response.Headers, "Access-Control-Allow-Origin")
	cred, _ := harGet(e.Response.Headers, "Access-Control-Allow-Credentials")
	expose, _ := harGet(e.Response.Headers, "Access-Control-Expose-Headers")
	return checkAllowed(e, allow, cred, expose, add)
}

// writeHARText prints a harReport for people.
func writeHARText(e *env, r *harReport) {
	w := e.stdout
	counts := map[string]int{}
	for i, x := range r.Exchanges {
		counts[x.Outcome]++
		fmt.Fprintf(w, "%s %s %s\n", e.paint(styleBold, fmt.Sprintf("%d.", i+1)), x.Method, x.URL)
		if x.Origin != "" {
			fmt.Fprintf(w, "   from %s\n", x.Origin)
		}
		if pf := x.Preflight; pf != nil {
			fmt.Fprintf(w, "   preflight (entry %d): %s", pf.Entry, statusWord(pf.Status))
			if pf.RequestMethod != "" {
				fmt.Fprintf(w, ", Access-Control-Request-Method: %s", pf.RequestMethod)
			}
			for _, h := range pf.RequestHeaders {
				fmt.Fprintf(w, ", Access-Control-Request-Headers: %s", h)
			}
			fmt.Fprintln(w)
		}
		if a := x.Actual; a != nil {
			fmt.Fprintf(w, "   request (entry %d): %s %s\n", a.Entry, a.Method, statusWord(a.Status))
		} else if x.Preflight != nil && x.Outcome == outcomeRefused {
			fmt.Fprintln(w, "   request: not recorded (browsers do not send it after a refused preflight)")
		} else if x.Preflight != nil {
			fmt.Fprintln(w, "   request: not recorded")
		}
		label, style := "ALLOWED", styleGreen
		switch x.Outcome {
		case outcomeRefused:
			label, style = "REFUSED by CORS", styleRed
		case outcomeLookAlike:
			label, style = "FAILED, but not because of CORS rules", styleRed
		case outcomeNoOrigin:
			label, style = "NOT A CORS REQUEST", styleDim
		}
		fmt.Fprintf(w, "   %s\n", e.paint(style, label))
		for _, f := range x.Findings {
			fmt.Fprintf(w, "   %s %s: %s\n", f.Severity, f.Kind, f.Message)
			fmt.Fprintf(w, "     fix: %s\n", f.Fix)
		}
		if x.Outcome == outcomeRefused {
			for _, call := range []*harCall{x.Preflight, x.Actual} {
				if call == nil || len(call.Rules) == 0 || !hasError(x.Findings) {
					continue
				}
				if slices.ContainsFunc(call.Rules, func(r explainedRule) bool { return r.Matched }) {
					continue
				}
				fmt.Fprintf(w, "   %s\n", e.paint(styleDim, fmt.Sprintf("rules for the %s:", callWord(call))))
				for _, rr := range call.Rules {
					label := fmt.Sprintf("rule %d", rr.Index)
					if rr.ID != nil {
						label += fmt.Sprintf(" `%s`", *rr.ID)
					}
					fmt.Fprintf(w, "     %s: %s\n", label, rr.Reason)
				}
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d CORS exchange(s) among %d entries of %s: %d allowed, %d refused by CORS, %d failed for other reasons",
		len(r.Exchanges), r.Entries, displayName(r.File), counts[outcomeAllowed], counts[outcomeRefused], counts[outcomeLookAlike])
	if n := counts[outcomeNoOrigin]; n > 0 {
		fmt.Fprintf(w, ", %d not CORS requests", n)
	}
	fmt.Fprintln(w)
	if r.Configuration == nil && counts[outcomeRefused] > 0 {
		fmt.Fprintf(w, "%s\n", e.paint(styleDim, "Judged from the recorded responses; pass the bucket's configuration first (s3cors explain cors.json --har FILE) to see which rule clause refused each request."))
	}
}

func hasError(fs []harFound) bool {
	return slices.ContainsFunc(fs, func(f harFound) bool { return f.Severity == "error" })
}

func callWord(c *harCall) string {
	if c.RequestMethod != "" {
		return "preflight"
	}
	return "request"
}

func statusWord(st int) string {
	if st == 0 {
		return "no response"
	}
	if t := http.StatusText(st); t != "" {
		return fmt.Sprintf("%d %s", st, t)
	}
	return fmt.Sprint(st)
}
