package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/internal/har"
	"github.com/s3cors/s3cors/rule"
)

// runExplainHAR is explain --har: every CORS exchange of a HAR file,
// judged under the configuration in pos[0] when there is one, else by the
// recorded responses.
func runExplainHAR(e *env, pos []string, set map[string]bool, harFile, format string) int {
	for _, f := range []string{"origin", "method", "request-method", "request-header", "target", "request"} {
		if set[f] {
			return usageError(e, "explain", fmt.Sprintf("--%s and --har cannot be combined", f), "--har explains the requests recorded in the file; leave out --"+f+", or leave out --har to explain one request")
		}
	}
	if len(pos) > 1 {
		return usageError(e, "explain", fmt.Sprintf("at most one configuration file expected with --har, got %d (%s)", len(pos), strings.Join(pos, " ")), "pass the bucket's configuration once, or none to judge the recorded responses")
	}
	if len(pos) == 1 && pos[0] == "-" && harFile == "-" {
		return usageError(e, "explain", "the configuration and --har cannot both come from standard input", "put one of them in a file")
	}
	data, err := readLimited(e, harFile, har.MaxSize+1)
	if err != nil {
		return readFailed(e, "explain", "the HAR export", harFile, err)
	}
	if len(data) > har.MaxSize {
		return usageError(e, "explain", fmt.Sprintf("the HAR file %s is larger than 32 MiB, the most s3cors reads", displayName(harFile)),
			"record only the failing requests (clear the Network panel, then reproduce), or export without response bodies (\"Save all as HAR (sanitized)\" in Chromium)")
	}
	entries, err := har.Parse(data)
	if err != nil {
		return usageError(e, "explain", fmt.Sprintf("cannot read the HAR file %s: %v", displayName(harFile), err),
			`export it from the browser's developer tools: Network panel, "Save all as HAR" (Chromium) or "Save All As HAR" (Firefox)`)
	}
	var p *cors.Policy
	var c *rule.Configuration
	var config *string
	if len(pos) == 1 {
		doc, err := readConfig(e, pos[0])
		if err != nil {
			return readFailed(e, "explain", "", pos[0], err)
		}
		if c, err = parseConfig(doc); err != nil {
			return refusedConfig(e, "explain", pos[0], err)
		}
		if p, err = cors.Compile(c); err != nil {
			return refusedConfig(e, "explain", pos[0], err)
		}
		name := displayName(pos[0])
		config = &name
	}
	r := har.Explain(displayName(harFile), entries, p, c)
	r.Configuration = config
	// An exchange that failed makes explain exit 1, as lint does for its
	// findings, so that it can gate a build.
	code := exitOK
	for _, x := range r.Exchanges {
		if x.Outcome == har.Refused || x.Outcome == har.LookAlike {
			code = exitFindings
		}
	}
	switch {
	case format == "json":
		writeJSON(e.stdout, r)
	case len(r.Exchanges) == 0:
		fmt.Fprintf(e.stdout, "no CORS requests among the %d entries of %s: no request carries a cross-origin Origin, no OPTIONS carries Access-Control-Request-Method, and no response carries Access-Control-* headers\n", r.Entries, displayName(harFile))
	default:
		writeHARText(e, r)
	}
	return code
}

// writeHARText prints a Report for people.
func writeHARText(e *env, r *har.Report) {
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
		} else if x.Preflight != nil && x.Outcome == har.Refused {
			fmt.Fprintln(w, "   request: not recorded (browsers do not send it after a refused preflight)")
		} else if x.Preflight != nil {
			fmt.Fprintln(w, "   request: not recorded")
		}
		label, style := "ALLOWED", styleGreen
		switch x.Outcome {
		case har.Refused:
			label, style = "REFUSED by CORS", styleRed
		case har.LookAlike:
			label, style = "FAILED, but not because of CORS rules", styleRed
		case har.NoOrigin:
			label, style = "NOT A CORS REQUEST", styleDim
		}
		fmt.Fprintf(w, "   %s\n", e.paint(style, label))
		for _, f := range x.Findings {
			fmt.Fprintf(w, "   %s %s: %s\n", f.Severity, f.Kind, f.Message)
			fmt.Fprintf(w, "     fix: %s\n", f.Fix)
		}
		if x.Outcome == har.Refused {
			for _, call := range []*har.Call{x.Preflight, x.Actual} {
				if call == nil || len(call.Rules) == 0 || !hasError(x.Findings) {
					continue
				}
				if slices.ContainsFunc(call.Rules, func(r explain.Rule) bool { return r.Matched }) {
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
		len(r.Exchanges), r.Entries, displayName(r.File), counts[har.Allowed], counts[har.Refused], counts[har.LookAlike])
	if n := counts[har.NoOrigin]; n > 0 {
		fmt.Fprintf(w, ", %d not CORS requests", n)
	}
	fmt.Fprintln(w)
	if r.Configuration == nil && counts[har.Refused] > 0 {
		fmt.Fprintf(w, "%s\n", e.paint(styleDim, "Judged from the recorded responses; pass the bucket's configuration first (s3cors explain cors.json --har FILE) to see which rule clause refused each request."))
	}
}

func hasError(fs []har.Finding) bool {
	return slices.ContainsFunc(fs, func(f har.Finding) bool { return f.Severity == har.Error })
}

func callWord(c *har.Call) string {
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
