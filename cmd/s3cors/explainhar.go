package main

import (
	"fmt"
	"strings"

	"github.com/s3cors/s3cors/cors"
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
	data, err := readLimited(e, harFile, maxHARSize+1)
	if err != nil {
		return readFailed(e, "explain", "the HAR export", harFile, err)
	}
	if len(data) > maxHARSize {
		return usageError(e, "explain", fmt.Sprintf("the HAR file %s is larger than 32 MiB, the most s3cors reads", displayName(harFile)),
			"record only the failing requests (clear the Network panel, then reproduce), or export without response bodies (\"Save all as HAR (sanitized)\" in Chromium)")
	}
	entries, err := parseHAR(data)
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
	r := explainHAR(displayName(harFile), entries, p, c)
	r.Configuration = config
	if format == "json" {
		writeJSON(e.stdout, r)
		return exitOK
	}
	if len(r.Exchanges) == 0 {
		fmt.Fprintf(e.stdout, "no CORS requests among the %d entries of %s: no request carries a cross-origin Origin, no OPTIONS carries Access-Control-Request-Method, and no response carries Access-Control-* headers\n", r.Entries, displayName(harFile))
		return exitOK
	}
	writeHARText(e, r)
	return exitOK
}
