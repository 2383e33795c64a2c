package lint

import (
	"errors"
	"strings"

	"github.com/s3cors/s3cors/rule"
)

// Report is what lint finds in one file: S3's verdict and the findings. Its
// JSON encoding is lint's --format json output for that file.
type Report struct {
	File     string        `json:"file"`
	S3       Verdict       `json:"s3"`
	Findings []JSONFinding `json:"findings"`

	// Config is the configuration, or nil when the document could not be
	// decoded.
	Config *rule.Configuration `json:"-"`
	// Problems are S3's refusals, first the one S3 answers with.
	Problems []*rule.Error `json:"-"`
	// Found are the findings, grouped by rule in document order.
	Found []Finding `json:"-"`
}

// Verdict is whether PutBucketCors would accept the configuration.
type Verdict struct {
	Accepted bool      `json:"accepted"`
	Errors   []Refusal `json:"errors"`
}

// Refusal is one S3 refusal, as S3 reports it.
type Refusal struct {
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Rule    *int    `json:"rule"`
	Value   *string `json:"value"`
	// Detail says in plain words what is wrong and how to fix it, such as
	// `unknown key "AllowedOrigin" in rule 0; ... did you mean
	// "AllowedOrigins"?`.
	Detail string `json:"detail"`
}

// JSONFinding is a finding in the JSON output.
type JSONFinding struct {
	ID       string  `json:"id"`
	Severity string  `json:"severity"`
	Rule     *int    `json:"rule"`
	Value    *string `json:"value"`
	Message  string  `json:"message"`
	Fix      string  `json:"fix"`
}

// Document judges a configuration read from the named file: c is what
// decoding it gave, and err the decoding error, when there was one.
func Document(name string, c *rule.Configuration, err error) *Report {
	rep := &Report{File: name, S3: Verdict{Errors: []Refusal{}}, Findings: []JSONFinding{}}
	// A document that decodes with faults (rule.Decode joins them) still
	// has a configuration, whose own problems follow: every fault is
	// listed, the one S3 answers with first.
	faults := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		faults = joined.Unwrap()
	}
	// The elements a rule has under a name S3 does not read, such as a
	// misspelt AllowedOrigins: rule index → element, normalised.
	unread := map[int]map[string]bool{}
	for _, f := range faults {
		if f == nil {
			continue
		}
		var re *rule.Error
		if !errors.As(f, &re) {
			re = &rule.Error{Code: rule.CodeMalformedXML, Message: "The XML you provided was not well-formed or did not validate against our published schema", Status: 400, Rule: -1, Detail: f.Error()}
		}
		if name := re.Element; re.Code == rule.CodeMalformedXML {
			if name == "" {
				name = re.Value // JSON names the unknown key as the value
			}
			if unread[re.Rule] == nil {
				unread[re.Rule] = map[string]bool{}
			}
			unread[re.Rule][elementName(name)] = true
		}
		rep.Problems = append(rep.Problems, re)
	}
	if c != nil {
		rep.Config = c
		for _, p := range c.Problems() {
			// A rule whose element could not be read, such as a misspelt
			// AllowedOrigins, would also be said to lack it: that follows
			// from the fault already listed, and goes with it.
			if missing := p.Code == rule.CodeMalformedXML && p.Value == ""; missing && unread[p.Rule][elementName(p.Element)] {
				continue
			}
			rep.Problems = append(rep.Problems, p)
		}
		rep.Found = Analyse(c)
	}
	rep.S3.Accepted = len(rep.Problems) == 0
	for _, p := range rep.Problems {
		e := Refusal{Code: p.Code, Message: p.Message, Rule: index(p.Rule), Detail: p.Detail}
		if HasValue(p) {
			e.Value = ptr(p.Value)
		}
		rep.S3.Errors = append(rep.S3.Errors, e)
	}
	for _, f := range rep.Found {
		rep.Findings = append(rep.Findings, JSONFinding{
			ID: f.ID, Severity: f.Severity.String(), Rule: index(f.Rule),
			Value: f.Value, Message: f.Message, Fix: f.Fix,
		})
	}
	return rep
}

// elementName is the name of an element or key, in any case and number:
// AllowedOrigins, allowedOrigin and AllowedOrigin are one.
func elementName(name string) string {
	return strings.TrimSuffix(strings.ToLower(name), "s")
}

// index is a rule index for JSON: nil for the whole document (-1).
func index(i int) *int {
	if i < 0 {
		return nil
	}
	return &i
}

// HasValue reports whether the S3 error is about a value, rather than a
// missing element or the whole document.
func HasValue(p *rule.Error) bool {
	if p.Value != "" {
		return true
	}
	return p.Element != "" && p.Code != rule.CodeMalformedXML
}

// Worst returns the highest severity in the report and whether there is
// anything at all; S3 refusals count as errors.
func (r *Report) Worst() (Severity, bool) {
	if len(r.Problems) > 0 {
		return Error, true
	}
	w, any := Info, false
	for _, f := range r.Found {
		if !any || f.Severity > w {
			w, any = f.Severity, true
		}
	}
	return w, any
}
