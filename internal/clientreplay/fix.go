package clientreplay

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/internal/requestheaders"
	"github.com/s3cors/s3cors/rule"
)

// probeOrigin is the origin of the requests that probe a rule's methods
// and headers, through rules that allow every origin.
const probeOrigin = "https://probe.example"

// allMethods are the methods S3 accepts in AllowedMethods.
var allMethods = []string{"GET", "PUT", "HEAD", "POST", "DELETE"}

// probes holds two policies of one rule alone, to ask the engine about its
// methods and its headers separately: which clause a rule fails first
// hides whether it would fail the next.
type probes struct {
	methods *cors.Policy // the rule's methods, every origin, no headers
	headers *cors.Policy // the rule's headers, every origin and method
}

// probesOf returns the probes of rule i, compiled once per configuration.
func (ck *checker) probesOf(i int) (probes, bool) {
	if pr, ok := ck.probes[i]; ok {
		return pr, pr.methods != nil
	}
	r := ck.c.Rules[i]
	var pr probes
	pm, err1 := cors.Compile(&rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: r.AllowedMethods}}})
	ph, err2 := cors.Compile(&rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: allMethods, AllowedHeaders: r.AllowedHeaders}}})
	if err1 == nil && err2 == nil {
		pr = probes{pm, ph}
	}
	ck.probes[i] = pr
	return pr, pr.methods != nil
}

// fixOf returns the additions rule i needs to allow req, whose verdict
// under the whole configuration is v, and whether additions can do it.
func (ck *checker) fixOf(i int, req cors.Request, v cors.Verdict) (change, bool) {
	var ch change
	if v.Reason == cors.OriginNotAllowed {
		ch.origins = []string{req.Origin}
	}
	pr, ok := ck.probesOf(i)
	if !ok {
		return ch, false
	}
	probe := cors.Request{Method: req.Method, Origin: probeOrigin, RequestMethod: req.RequestMethod, Target: req.Target}
	switch mv := pr.methods.Explain(probe)[0]; mv.Reason {
	case cors.Allowed:
	case cors.MethodNotAllowed:
		ch.methods = []string{mv.Method}
	default:
		return ch, false
	}
	if len(req.RequestHeaders) == 0 {
		return ch, true
	}
	names, ok := requestheaders.Names(req.RequestHeaders)
	if !ok {
		return ch, false // no addition makes S3 read so many headers (D11)
	}
	probe.Method, probe.RequestMethod = http.MethodOptions, "GET"
	for _, h := range names {
		probe.RequestHeaders = []string{h}
		switch hv := pr.headers.Explain(probe)[0]; hv.Reason {
		case cors.Allowed:
		case cors.HeaderNotAllowed:
			if !slices.Contains(ch.headers, h) {
				ch.headers = append(ch.headers, h)
			}
		default:
			return ch, false
		}
	}
	return ch, true
}

// smallestFix finds the rule that needs the fewest additions to allow req,
// given the verdicts of the whole configuration, and returns its index and
// the additions: the origin, the method and each refused header. The
// engine judges each clause of a rule on its own (see probes), so that no
// configuration is compiled again for each request.
func (ck *checker) smallestFix(req cors.Request, verdicts []cors.Verdict) (int, change, bool) {
	best, bestCount := -1, 0
	var bestChange change
	for i, v := range verdicts {
		ch, ok := ck.fixOf(i, req, v)
		if !ok {
			continue
		}
		if n := len(ch.origins) + len(ch.methods) + len(ch.headers); best < 0 || n < bestCount {
			best, bestCount, bestChange = i, n, ch
		}
	}
	return best, bestChange, best >= 0
}

// describe says in words what to add to a rule.
func describe(label string, ch change) string {
	var parts []string
	add := func(vals []string, field string) {
		if len(vals) == 0 {
			return
		}
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = strconv.Quote(v)
		}
		parts = append(parts, explain.JoinAnd(q)+" to "+field)
	}
	add(ch.origins, "AllowedOrigins")
	add(ch.methods, "AllowedMethods")
	add(ch.headers, "AllowedHeaders")
	if len(ch.headers) > 1 {
		if prefix := commonPrefix(ch.headers); strings.HasPrefix(prefix, "x-amz-") && len(prefix) > len("x-amz-") {
			parts[len(parts)-1] += " (or the pattern \"" + prefix + "*\")"
		}
	}
	add(ch.expose, "ExposeHeaders")
	return strings.TrimSuffix("add "+strings.Join(parts, ", and ")+" of "+label, " ")
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

// Fix is the change some rules need so that every refused request they
// can allow is allowed.
type Fix struct {
	Rules []int  `json:"rules"`
	Fix   string `json:"fix"`
}

// maxLabels is how many rules a fix names one by one.
const maxLabels = 3

// Fixes merges the fixes of every problem in reports into one per rule,
// and the rules that need the same additions into one fix, in rule order,
// so that a change is named once however many requests, profiles and
// origins need it. Problems whose fix is a new rule are left out: their
// Fix says so.
func Fixes(c *rule.Configuration, reports []Report) []Fix {
	changes := map[int]*change{}
	for _, rep := range reports {
		for _, rr := range rep.Requests {
			for _, p := range rr.Problems {
				if p.Rule == nil {
					continue
				}
				if changes[*p.Rule] == nil {
					changes[*p.Rule] = &change{}
				}
				changes[*p.Rule].merge(p.change)
			}
		}
	}
	out := []Fix{}
	byText := map[string]int{} // the additions in words to their index in out
	for i := range c.Rules {
		ch := changes[i]
		if ch == nil {
			continue
		}
		slices.Sort(ch.headers)
		text := describe("", *ch)
		if k, ok := byText[text]; ok {
			out[k].Rules = append(out[k].Rules, i)
			continue
		}
		byText[text] = len(out)
		out = append(out, Fix{Rules: []int{i}, Fix: text})
	}
	for k := range out {
		var labels []string
		for _, i := range out[k].Rules[:min(len(out[k].Rules), maxLabels)] {
			labels = append(labels, explain.RuleLabel(c.Rules[i], i))
		}
		if n := len(out[k].Rules) - maxLabels; n > 0 {
			labels = append(labels, fmt.Sprintf("%d more rules", n))
		}
		out[k].Fix += " " + explain.JoinAnd(labels)
		if len(out[k].Rules) > 1 {
			out[k].Fix += " (each)"
		}
	}
	return out
}
