package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/internal/lint"
	"github.com/s3cors/s3cors/internal/rawrequest"
	"github.com/s3cors/s3cors/rule"
)

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
		raw, err := rawrequest.Parse(data)
		if err != nil {
			return usageError(e, "explain", fmt.Sprintf("cannot read the request in %s: %v", displayName(*rawFile), err),
				`expected a request as "curl -v" prints it ("> OPTIONS /key HTTP/1.1", "> Origin: ..."), as browser developer tools show it ("Name: value" header lines) or copy it ("Copy as cURL": curl 'URL' -H 'Origin: ...'), saved as UTF-8 text`)
		}
		req.Method = raw.Method
		req.Origin, haveOrigin = raw.Origin, true // a raw request without Origin is a request without Origin
		req.RequestMethod = raw.RequestMethod
		req.RequestHeaders = raw.RequestHeaders
		if t, ok := raw.Target(); ok {
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

	x := explain.Request(p, c, req)
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
		case re.Rule >= 0 && lint.HasValue(re):
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

// writeExplainText prints an explanation for people.
func writeExplainText(e *env, x *explain.Explanation) {
	w := e.stdout
	req := x.Request
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
