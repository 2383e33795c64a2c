package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/clientprofile"
	"github.com/s3cors/s3cors/matcher"
	"github.com/s3cors/s3cors/rule"
)

// Client profiles are recordings of what a real S3 client sends from a
// browser: for each operation, every request, whether the browser
// preflighted it and with which Access-Control-Request-Method and
// -Headers, and the response headers the operation cannot do without. lint
// --client replays them through the configuration being linted, with the
// same engine as explain, and reports the requests the configuration would
// refuse and the smallest change that allows them.
//
// The profiles of the AWS SDK for JavaScript v3 are recorded by
// examples/website/sdkprofile, which runs the SDK in headless Chromium
// against the S3 emulator of the examples.
//
//go:embed clients/*.json
var clientFiles embed.FS

// clientProfile is one operation of a client, as lint --client names it:
// "aws-sdk-js-v3:put-object".
type clientProfile struct {
	Name string
	File *clientprofile.File
	Op   *clientprofile.Operation
}

// versions names the client's packages and their versions, for messages.
func (p *clientProfile) versions() string {
	names := make([]string, 0, len(p.File.Packages))
	for n := range p.File.Packages {
		names = append(names, n)
	}
	slices.Sort(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, n+" "+p.File.Packages[n])
	}
	return strings.Join(parts, ", ")
}

// needsExposed returns the headers that request r of the profile must have
// exposed: those the operation cannot do without, among the headers its
// response carried during the recording.
func (p *clientProfile) needsExposed(r *clientprofile.Request) []string {
	var out []string
	for _, h := range p.Op.NeedsExposed {
		for _, e := range r.Exposed {
			if strings.EqualFold(h, e) {
				out = append(out, h)
				break
			}
		}
	}
	return out
}

// loadClients returns every recorded profile, in file and recording order.
var loadClients = sync.OnceValues(func() ([]*clientProfile, error) {
	entries, err := clientFiles.ReadDir("clients")
	if err != nil {
		return nil, err
	}
	var out []*clientProfile
	for _, e := range entries {
		data, err := clientFiles.ReadFile(path.Join("clients", e.Name()))
		if err != nil {
			return nil, err
		}
		f := new(clientprofile.File)
		if err := json.Unmarshal(data, f); err != nil {
			return nil, fmt.Errorf("client profile %s: %v", e.Name(), err)
		}
		for i := range f.Operations {
			op := &f.Operations[i]
			op.Requests = distinctRequests(op.Requests)
			out = append(out, &clientProfile{Name: f.Client + ":" + op.Name, File: f, Op: op})
		}
	}
	return out, nil
})

// distinctRequests drops the requests that repeat an earlier one as far as
// CORS is concerned, such as the second UploadPart of a multipart upload.
func distinctRequests(rs []clientprofile.Request) []clientprofile.Request {
	var out []clientprofile.Request
	seen := map[string]bool{}
	for _, r := range rs {
		key := strings.Join([]string{r.Operation, r.Method, r.Target, strconv.FormatBool(r.Preflight), r.RequestMethod, r.RequestHeaders, strings.Join(r.Exposed, ",")}, "\x00")
		if !seen[key] {
			seen[key] = true
			out = append(out, r)
		}
	}
	return out
}

// clientNames returns the names lint --client accepts for whole profiles.
func clientNames(all []*clientProfile) []string {
	names := make([]string, len(all))
	for i, p := range all {
		names[i] = p.Name
	}
	return names
}

// resolveClients returns the profiles named by the --client values, each a
// comma-separated list of names. A name is a profile ("aws-sdk-js-v3:
// put-object"), a client ("aws-sdk-js-v3", all its profiles) or an
// operation ("put-object") that only one client has.
func resolveClients(values []string) ([]*clientProfile, error) {
	all, err := loadClients()
	if err != nil {
		return nil, err
	}
	var out []*clientProfile
	add := func(p *clientProfile) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			var match []*clientProfile
			for _, p := range all {
				if p.Name == name || p.File.Client == name || p.Op.Name == name {
					match = append(match, p)
				}
			}
			clients := map[string]bool{}
			for _, p := range match {
				clients[p.File.Client] = true
			}
			switch {
			case len(match) == 0:
				return nil, fmt.Errorf("unknown client %q: use one of %s, or a client's name for all its operations (see --client list)", name, strings.Join(clientNames(all), ", "))
			case len(clients) > 1:
				return nil, fmt.Errorf("client %q is ambiguous: write it with the client's name, such as %s", name, match[0].Name)
			}
			for _, p := range match {
				add(p)
			}
		}
	}
	return out, nil
}

// writeClientList prints the recorded profiles, for --client list.
func writeClientList(w io.Writer) error {
	all, err := loadClients()
	if err != nil {
		return err
	}
	var last *clientprofile.File
	for _, p := range all {
		if p.File != last {
			if last != nil {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s: %s\n  recorded with %s in %s\n", p.File.Client, p.File.Title, p.versions(), p.File.Browser)
			last = p.File
		}
		fmt.Fprintf(w, "  %-32s %s\n", p.Name, p.Op.Title)
	}
	return nil
}

// placeholderOrigin is the origin lint --client uses for an AllowedOrigin:
// the origin itself, or for a wildcard pattern, an origin it matches, with
// "app" (or port 8080) in place of the "*"; "*" alone becomes
// https://app.example.com. It returns "" for an empty AllowedOrigin, which
// matches nothing.
func placeholderOrigin(o string) string {
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

// clientOrigins returns the origins lint --client tries: those given, or
// else one per distinct AllowedOrigin of c (see placeholderOrigin).
func clientOrigins(c *rule.Configuration, given []string) []string {
	if len(given) > 0 {
		return given
	}
	var out []string
	for _, r := range c.Rules {
		for _, o := range r.AllowedOrigins {
			if p := placeholderOrigin(o); p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// clientReport is how one client profile fares from one origin, in lint's
// JSON output.
type clientReport struct {
	Client   string                `json:"client"`
	Origin   string                `json:"origin"`
	Allowed  bool                  `json:"allowed"`
	Requests []clientRequestReport `json:"requests"`

	profile *clientProfile
}

// clientRequestReport is how one recorded request fares.
type clientRequestReport struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Preflight bool   `json:"preflight"`
	// RequestHeaders are the headers the preflight asks for, lower case.
	RequestHeaders []string `json:"requestHeaders"`
	Allowed        bool     `json:"allowed"`
	// Rule is the rule that allows the request itself (after its
	// preflight), whose ExposeHeaders apply; null when none does.
	Rule     *int            `json:"rule"`
	Problems []clientProblem `json:"problems"`
}

// clientProblem is one reason a request fails, with its fix.
type clientProblem struct {
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
}

// splitHeaderList splits an Access-Control-Request-Headers value.
func splitHeaderList(v string) []string {
	out := []string{}
	for h := range strings.SplitSeq(v, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// checkClients replays every request of the profiles from each origin
// through the compiled configuration.
func checkClients(c *rule.Configuration, profiles []*clientProfile, origins []string) []clientReport {
	p, err := cors.Compile(c)
	if err != nil {
		return []clientReport{}
	}
	out := []clientReport{}
	for _, prof := range profiles {
		for _, origin := range origins {
			rep := clientReport{Client: prof.Name, Origin: origin, Allowed: true, Requests: []clientRequestReport{}, profile: prof}
			for i := range prof.Op.Requests {
				rr := checkClientRequest(c, p, prof, &prof.Op.Requests[i], origin)
				rep.Allowed = rep.Allowed && rr.Allowed
				rep.Requests = append(rep.Requests, rr)
			}
			out = append(out, rep)
		}
	}
	return out
}

func corsTarget(t string) cors.Target {
	if t == "bucket" {
		return cors.TargetBucket
	}
	return cors.TargetObject
}

// checkClientRequest replays one recorded request: its preflight, if the
// browser sent one, the request itself, and the headers it must read.
func checkClientRequest(c *rule.Configuration, p *cors.Policy, prof *clientProfile, r *clientprofile.Request, origin string) clientRequestReport {
	rr := clientRequestReport{Operation: r.Operation, Method: r.Method, Preflight: r.Preflight,
		RequestHeaders: splitHeaderList(r.RequestHeaders), Problems: []clientProblem{}}
	target := corsTarget(r.Target)

	if r.Preflight {
		pre := cors.Request{Method: "OPTIONS", Origin: origin, RequestMethod: r.RequestMethod, Target: target}
		if r.RequestHeaders != "" {
			pre.RequestHeaders = []string{r.RequestHeaders}
		}
		if res := p.Evaluate(pre); !res.Matched {
			what := "the preflight of " + r.Operation + " (OPTIONS, Access-Control-Request-Method " + r.RequestMethod
			if r.RequestHeaders != "" {
				what += ", Access-Control-Request-Headers " + r.RequestHeaders
			}
			what += ")"
			rr.Problems = append(rr.Problems, refusal(c, p, "preflight", pre, what,
				fmt.Sprintf("S3 answers %d %s, so the browser does not send the request", res.Status, res.Error.Code)))
			return rr
		}
	}

	act := cors.Request{Method: r.Method, Origin: origin, Target: target}
	res := p.Evaluate(act)
	if !res.Matched {
		rr.Problems = append(rr.Problems, refusal(c, p, "request", act, r.Operation+" ("+r.Method+")",
			"S3 sends no CORS headers with the response, so the browser hides it from the page"))
		return rr
	}
	rr.Rule = intPtr(res.Rule)
	exposed := splitHeaderList(res.Get("Access-Control-Expose-Headers"))
	label := ruleLabel(c.Rules[res.Rule], res.Rule)
	for _, h := range prof.needsExposed(r) {
		if slices.Contains(exposed, strings.ToLower(h)) {
			continue
		}
		msg := fmt.Sprintf("%s (%s) is allowed by %s, which does not expose %s, so the page cannot read that response header and the operation fails", r.Operation, r.Method, label, h)
		if e := prof.Op.ErrorUnexposed; e != "" {
			msg += ": " + strconv.Quote(e)
		}
		rr.Problems = append(rr.Problems, clientProblem{
			Stage: "expose", Rule: intPtr(res.Rule), Header: strPtr(h), Message: msg,
			Fix: fmt.Sprintf("add %q to ExposeHeaders of %s", h, label),
		})
	}
	rr.Allowed = len(rr.Problems) == 0
	return rr
}

// refusal describes a request that no rule allows: why each rule refuses
// it, and the smallest change that allows it.
func refusal(c *rule.Configuration, p *cors.Policy, stage string, req cors.Request, what, consequence string) clientProblem {
	var why []string
	var header *string
	for _, v := range p.Explain(req) {
		s := ruleLabel(c.Rules[v.Rule], v.Rule) + ": " + string(v.Reason)
		switch v.Reason {
		case cors.HeaderNotAllowed:
			s += " (" + v.Header + ")"
			if header == nil {
				header = strPtr(v.Header)
			}
		case cors.MethodNotAllowed:
			s += " (" + v.Method + ")"
		case cors.OriginNotAllowed:
			s += " (" + req.Origin + ")"
		}
		why = append(why, s)
	}
	prob := clientProblem{Stage: stage, Header: header,
		Message: fmt.Sprintf("%s from %s is refused: %s; %s", what, req.Origin, strings.Join(why, "; "), consequence)}
	if i, fix := smallestFix(c, req); i >= 0 {
		prob.Rule = intPtr(i)
		prob.Fix = fix
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

// smallestFix finds the rule that needs the fewest additions to allow req,
// and returns its index and the additions in words, or -1. It asks the
// engine which condition a rule fails, adds what is missing (the origin,
// the method, each refused header in turn) to a copy of the configuration
// and asks again, until the rule allows the request.
func smallestFix(c *rule.Configuration, req cors.Request) (int, string) {
	best, bestFix, bestCount := -1, "", 0
	for i := range c.Rules {
		trial := c.Clone()
		var origins, methods, headers []string
		for step := 0; ; step++ {
			p, err := cors.Compile(trial)
			if err != nil || step > 300 {
				break
			}
			v := p.Explain(req)[i]
			r := &trial.Rules[i]
			switch v.Reason {
			case cors.OriginNotAllowed:
				r.AllowedOrigins = append(r.AllowedOrigins, req.Origin)
				origins = append(origins, req.Origin)
				continue
			case cors.MethodNotAllowed:
				r.AllowedMethods = append(r.AllowedMethods, v.Method)
				methods = append(methods, v.Method)
				continue
			case cors.HeaderNotAllowed:
				r.AllowedHeaders = append(r.AllowedHeaders, v.Header)
				headers = append(headers, v.Header)
				continue
			case cors.Allowed:
				n := len(origins) + len(methods) + len(headers)
				if best < 0 || n < bestCount {
					best, bestCount = i, n
					bestFix = describeFix(ruleLabel(c.Rules[i], i), origins, methods, headers)
				}
			}
			break
		}
	}
	return best, bestFix
}

// describeFix says in words what to add to a rule.
func describeFix(label string, origins, methods, headers []string) string {
	var parts []string
	add := func(vals []string, field string) {
		if len(vals) == 0 {
			return
		}
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = strconv.Quote(v)
		}
		parts = append(parts, joinAnd(q)+" to "+field)
	}
	add(origins, "AllowedOrigins")
	add(methods, "AllowedMethods")
	add(headers, "AllowedHeaders")
	if len(headers) > 1 {
		if prefix := commonPrefix(headers); strings.HasPrefix(prefix, "x-amz-") && len(prefix) > len("x-amz-") {
			parts[len(parts)-1] += " (or the pattern \"" + prefix + "*\")"
		}
	}
	return "add " + strings.Join(parts, ", and ") + " of " + label
}

// commonPrefix returns the longest prefix of the names that ends with "-".
func commonPrefix(names []string) string {
	p := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, p) {
			p = p[:len(p)-1]
		}
	}
	if i := strings.LastIndexByte(p, '-'); i >= 0 {
		return p[:i+1]
	}
	return ""
}

// writeClientsText prints the client section of a lint report.
func writeClientsText(e *env, w io.Writer, reports []clientReport) {
	for _, cr := range reports {
		status := e.paint(styleGreen, "ok")
		if !cr.Allowed {
			status = e.paint(styleRed, "refused")
		}
		fmt.Fprintf(w, "  %s %s from %s\n", status, e.paint(styleBold, "client "+cr.Client), cr.Origin)
		for _, rr := range cr.Requests {
			for _, pr := range rr.Problems {
				fmt.Fprintf(w, "    %s %s: %s\n", e.paint(styleRed, "error  "), pr.Stage, pr.Message)
				fmt.Fprintf(w, "                   fix: %s\n", pr.Fix)
			}
		}
	}
}
