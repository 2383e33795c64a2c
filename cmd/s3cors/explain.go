package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/requestheaders"
	"github.com/s3cors/s3cors/rule"
)

// explanation is explain's answer. Its JSON encoding is the --format json
// output.
type explanation struct {
	Kind        string          `json:"kind"`         // "preflight" or "actual"
	Status      *int            `json:"status"`       // preflight only
	Headers     [][2]string     `json:"headers"`      // in S3's order
	Error       *explainError   `json:"error"`        // a refused preflight
	MatchedRule *int            `json:"matched_rule"` // the rule S3 applies
	Rules       []explainedRule `json:"rules"`        // every rule, in order
	Body        string          `json:"-"`            // a refused preflight's XML body

	request *cors.Request
}

// explainError is the S3 error of a refused preflight.
type explainError struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Method       string `json:"method"`
	ResourceType string `json:"resource_type"`
}

// explainedRule is how one rule fares.
type explainedRule struct {
	Index   int     `json:"index"`
	ID      *string `json:"id"`
	Matched bool    `json:"matched"` // the rule on its own allows the request
	Reason  string  `json:"reason"`
}

func runExplain(e *env, args []string) int {
	fs := newFlagSet("explain")
	origin := fs.String("origin", "", "")
	method := fs.String("method", "", "")
	requestMethod := fs.String("request-method", "", "")
	var requestHeaders stringList
	fs.Var(&requestHeaders, "request-header", "")
	target := &choice{"object", []string{"object", "bucket"}}
	fs.Var(target, "target", "")
	rawFile := fs.String("request", "", "")
	harFile := fs.String("har", "", "")
	format := &choice{"text", []string{"text", "json"}}
	fs.Var(format, "format", "")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(e, "explain", err)
	}
	set := setFlags(fs)
	if set["har"] {
		return runExplainHAR(e, pos, set, *harFile, format.value)
	}
	switch {
	case len(pos) == 0:
		return usageError(e, "explain", "no configuration file given", "pass the file first, such as 's3cors explain cors.json --origin https://app.example.com'")
	case len(pos) > 1:
		return usageError(e, "explain", fmt.Sprintf("one configuration file expected, got %d (%s)", len(pos), strings.Join(pos, " ")), "explain one request against one file at a time")
	}
	if set["request"] && *rawFile == "-" && pos[0] == "-" {
		return usageError(e, "explain", "the configuration and --request cannot both come from standard input", "put one of them in a file")
	}

	// The request: from --request first, then the flags on top.
	req := &cors.Request{Target: cors.TargetObject}
	haveOrigin := false
	if set["request"] {
		data, err := readLimited(e, *rawFile, maxRequestSize+1)
		if err != nil {
			return readFailed(e, "explain", "the request", *rawFile, err)
		}
		if len(data) > maxRequestSize {
			return usageError(e, "explain", fmt.Sprintf("the request in %s is larger than 1 MiB, the most s3cors reads", displayName(*rawFile)),
				`give only the request's head; with curl, leave out the response body with -o /dev/null, as in "curl -sv -o /dev/null URL 2>&1"`)
		}
		raw, err := parseRawRequest(data)
		if err != nil {
			return usageError(e, "explain", fmt.Sprintf("cannot read the request in %s: %v", displayName(*rawFile), err),
				`expected a request as "curl -v" prints it ("> OPTIONS /key HTTP/1.1", "> Origin: ..."), as browser developer tools show it ("Name: value" header lines) or copy it ("Copy as cURL": curl 'URL' -H 'Origin: ...'), saved as UTF-8 text`)
		}
		req.Method = raw.Method
		req.Origin, haveOrigin = raw.Origin, true // a raw request without Origin is a request without Origin
		req.RequestMethod = raw.RequestMethod
		req.RequestHeaders = raw.RequestHeaders
		if t, ok := raw.target(); ok {
			req.Target = t
		}
	}
	if set["origin"] {
		req.Origin, haveOrigin = *origin, true
	}
	if !haveOrigin {
		return usageError(e, "explain", "--origin is required", "pass the page's origin, such as --origin https://app.example.com (or --origin \"\" for a request without Origin)")
	}
	if set["request-method"] {
		req.RequestMethod = *requestMethod
	}
	if set["request-header"] {
		req.RequestHeaders = requestHeaders
	}
	if set["target"] {
		req.Target = cors.TargetObject
		if target.value == "bucket" {
			req.Target = cors.TargetBucket
		}
	}
	switch {
	case set["method"]:
		req.Method = *method
	case req.Method != "":
	case req.RequestMethod != "":
		req.Method = http.MethodOptions
	default:
		req.Method = http.MethodGet
	}
	if req.Method == "" {
		return usageError(e, "explain", "--method is empty", "pass a method such as --method GET, or leave the flag out")
	}

	doc, err := readConfig(e, pos[0])
	if err != nil {
		return readFailed(e, "explain", "", pos[0], err)
	}
	c, err := parseConfig(doc)
	if err != nil {
		return refusedConfig(e, "explain", pos[0], err)
	}
	p, err := cors.Compile(c)
	if err != nil {
		return refusedConfig(e, "explain", pos[0], err)
	}

	x := explainRequest(p, c, req)
	if format.value == "json" {
		writeJSON(e.stdout, x)
		return exitOK
	}
	writeExplainText(e, x)
	return exitOK
}

// refusedConfig reports a configuration S3 would refuse and returns 1.
func refusedConfig(e *env, cmd, name string, err error) int {
	var re *rule.Error
	if errors.As(err, &re) {
		fmt.Fprintf(e.stderr, "%s: S3 would refuse the configuration in %s: %d %s: %s\n", cmd, displayName(name), re.Status, re.Code, re.Message)
		switch {
		case re.Detail != "":
			fmt.Fprintf(e.stderr, "  %s\n", re.Detail)
		case re.Rule >= 0 && hasValue(re):
			fmt.Fprintf(e.stderr, "  rule %d, %s %q\n", re.Rule, re.Element, re.Value)
		case re.Rule >= 0:
			fmt.Fprintf(e.stderr, "  rule %d\n", re.Rule)
		}
	} else { // unreachable: rule.Parse and cors.Compile report *rule.Error
		fmt.Fprintf(e.stderr, "%s: S3 would refuse the configuration in %s\n", cmd, displayName(name))
	}
	fmt.Fprintf(e.stderr, "  fix it first; 's3cors lint %s' lists every problem\n", name)
	return exitFindings
}

// explainRequest evaluates req under p (compiled from c) and explains every
// rule.
func explainRequest(p *cors.Policy, c *rule.Configuration, req *cors.Request) *explanation {
	res := p.Evaluate(*req)
	x := &explanation{Kind: "actual", Headers: [][2]string{}, Rules: []explainedRule{}, request: req}
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
		x.Error = &explainError{res.Error.Code, res.Error.Message, res.Error.Method, res.Error.ResourceType}
		x.Body = string(res.Error.AppendXML(nil))
	}
	applied := -1
	if res.Matched {
		applied = res.Rule
		x.MatchedRule = &applied
	}
	items := requestedHeaders(req.RequestHeaders)
	for _, v := range p.Explain(*req) {
		r := c.Rules[v.Rule]
		x.Rules = append(x.Rules, explainedRule{
			Index:   v.Rule,
			ID:      r.ID,
			Matched: v.Reason == cors.Allowed,
			Reason:  reasonText(r, v, req, items, applied),
		})
	}
	return x
}

// requestedHeaders lists the names of Access-Control-Request-Headers as the
// engine reads them, or nil when the lines exceed its limits (D11), which
// the rules' verdicts then report.
func requestedHeaders(lines []string) []string {
	names, ok := requestheaders.Join(lines)
	if !ok {
		return nil
	}
	var items []string
	for name, rest := requestheaders.Next(names); name != ""; name, rest = requestheaders.Next(rest) {
		items = append(items, name)
	}
	return items
}

// list formats values as "[a, b]".
func list(values []string) string {
	return "[" + strings.Join(values, ", ") + "]"
}

// reasonText says why rule r (verdict v) does or does not match req.
// applied is the rule S3 applies, or -1.
func reasonText(r rule.Rule, v cors.Verdict, req *cors.Request, items []string, applied int) string {
	if v.Reason == cors.OriginNotAllowed {
		if req.Origin == "" {
			return "the request has no Origin, so no rule matches"
		}
		return fmt.Sprintf("origin `%s` matches none of %s", req.Origin, list(r.AllowedOrigins))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "origin matches `%s`", v.Origin)
	if v.Reason == cors.MethodNotAllowed {
		m := v.Method
		if m == "" {
			m = `""`
		}
		fmt.Fprintf(&b, "; method %s not in %s", m, list(r.AllowedMethods))
		if req.Method == http.MethodOptions && req.RequestMethod == "" {
			b.WriteString(" (a preflight without Access-Control-Request-Method)")
		}
		return b.String()
	}
	fmt.Fprintf(&b, "; method %s in %s", v.Method, list(r.AllowedMethods))
	switch v.Reason {
	case cors.HeaderNotAllowed:
		if len(r.AllowedHeaders) == 0 {
			fmt.Fprintf(&b, "; header `%s` requested but the rule allows no headers", v.Header)
		} else {
			fmt.Fprintf(&b, "; header `%s` not allowed by %s", v.Header, list(r.AllowedHeaders))
		}
		return b.String()
	case cors.Allowed:
	default:
		// Access-Control-Request-Headers too large to evaluate.
		fmt.Fprintf(&b, "; %s", v.Reason)
		return b.String()
	}
	if len(items) > 0 {
		fmt.Fprintf(&b, "; headers %s allowed by %s", strings.Join(items, ", "), list(r.AllowedHeaders))
	}
	switch {
	case v.Rule == applied:
		b.WriteString(": S3 applies this rule")
	case applied >= 0 && v.Rule > applied:
		fmt.Fprintf(&b, ": matches too, but rule %d comes first", applied)
	}
	return b.String()
}

// writeExplainText prints an explanation for people.
func writeExplainText(e *env, x *explanation) {
	w := e.stdout
	req := x.request
	fmt.Fprintf(w, "%s %s to %s\n", e.paint(styleBold, "Request:"), req.Method, targetWord(req.Target))
	if req.Origin != "" {
		fmt.Fprintf(w, "  Origin: %s\n", req.Origin)
	} else {
		fmt.Fprintln(w, "  (no Origin)")
	}
	if req.RequestMethod != "" {
		fmt.Fprintf(w, "  Access-Control-Request-Method: %s\n", req.RequestMethod)
	}
	for _, h := range req.RequestHeaders {
		fmt.Fprintf(w, "  Access-Control-Request-Headers: %s\n", h)
	}
	fmt.Fprintln(w)

	if x.Kind == "preflight" {
		st := *x.Status
		style := styleGreen
		if st != http.StatusOK {
			style = styleRed
		}
		fmt.Fprintf(w, "%s S3 answers the preflight itself:\n", e.paint(styleBold, "Answer:"))
		fmt.Fprintf(w, "  %s\n", e.paint(style, fmt.Sprintf("%d %s", st, http.StatusText(st))))
		for _, h := range x.Headers {
			fmt.Fprintf(w, "  %s: %s\n", h[0], h[1])
		}
		if x.Error != nil {
			fmt.Fprintf(w, "  %s\n", e.paint(styleDim, "(body; S3 fills in RequestId and HostId)"))
			for _, line := range strings.Split(strings.TrimRight(x.Body, "\n"), "\n") {
				fmt.Fprintf(w, "  %s\n", line)
			}
		}
	} else {
		fmt.Fprintf(w, "%s S3 handles the %s request as usual; CORS never refuses it.\n", e.paint(styleBold, "Answer:"), req.Method)
		switch {
		case len(x.Headers) > 0:
			fmt.Fprintln(w, "  It adds these headers to the response, error responses included:")
			for _, h := range x.Headers {
				fmt.Fprintf(w, "  %s: %s\n", h[0], h[1])
			}
		case req.Origin == "":
			fmt.Fprintln(w, "  It adds no CORS headers: without Origin the request is not cross-origin.")
		default:
			fmt.Fprintln(w, "  It adds no CORS headers, so the browser will not let the page read the response.")
		}
	}
	for _, h := range x.Headers {
		if h[0] == "Access-Control-Allow-Origin" && h[1] == "*" && req.Origin != "*" {
			fmt.Fprintf(w, "  %s\n", e.paint(styleDim, `Note: "*" comes without Access-Control-Allow-Credentials, so a request with credentials (fetch's credentials: "include", XHR's withCredentials) fails.`))
		}
	}
	if x.Error != nil && x.MatchedRule == nil && x.Error.Code == "BadRequest" {
		fmt.Fprintf(w, "  %s\n", e.paint(styleDim, "S3 refuses this preflight before looking at the rules."))
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "%s in order; S3 applies the first that matches:\n", e.paint(styleBold, "Rules"))
	for _, r := range x.Rules {
		label := fmt.Sprintf("rule %d", r.Index)
		if r.ID != nil {
			label += fmt.Sprintf(" `%s`", *r.ID)
		}
		mark, style := "  ", styleDim
		if x.MatchedRule != nil && *x.MatchedRule == r.Index {
			mark, style = "->", styleGreen
		} else if r.Matched {
			style = ""
		}
		line := label + ": " + r.Reason
		if style != "" {
			line = e.paint(style, line)
		}
		fmt.Fprintf(w, "%s %s\n", mark, line)
	}
}

func targetWord(t cors.Target) string {
	if t == cors.TargetBucket {
		return "the bucket"
	}
	return "an object"
}
