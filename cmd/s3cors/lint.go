package main

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/rule"
)

// lintReport is what lint finds in one file. Its JSON encoding is the
// --format json output for that file.
type lintReport struct {
	File     string        `json:"file"`
	S3       s3Verdict     `json:"s3"`
	Findings []jsonFinding `json:"findings"`
	// Clients is how the client profiles of --client fare, one report per
	// profile and origin; absent without --client, empty when S3 refuses
	// the configuration.
	Clients *[]clientReport `json:"clients,omitempty"`

	config   *rule.Configuration // nil when the document could not be decoded
	problems []*rule.Error
	found    []finding
}

// s3Verdict is whether PutBucketCors would accept the configuration.
type s3Verdict struct {
	Accepted bool        `json:"accepted"`
	Errors   []s3Refusal `json:"errors"`
}

// s3Refusal is one S3 refusal, as S3 reports it.
type s3Refusal struct {
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Rule    *int    `json:"rule"`
	Value   *string `json:"value"`
	// Detail says in plain words what is wrong and how to fix it, such as
	// `unknown key "AllowedOrigin" in rule 0; ... did you mean
	// "AllowedOrigins"?`.
	Detail string `json:"detail"`
}

// jsonFinding is a finding in the JSON output.
type jsonFinding struct {
	ID       string  `json:"id"`
	Severity string  `json:"severity"`
	Rule     *int    `json:"rule"`
	Value    *string `json:"value"`
	Message  string  `json:"message"`
	Fix      string  `json:"fix"`
}

func intPtr(i int) *int {
	if i < 0 {
		return nil
	}
	return &i
}

// lintDocument judges doc, read from the named file.
func lintDocument(name string, doc []byte) *lintReport {
	rep := &lintReport{File: name, S3: s3Verdict{Errors: []s3Refusal{}}, Findings: []jsonFinding{}}
	c, err := decodeConfig(doc)
	if err != nil {
		var re *rule.Error
		if !errors.As(err, &re) {
			re = &rule.Error{Code: rule.CodeMalformedXML, Message: "The XML you provided was not well-formed or did not validate against our published schema", Status: 400, Rule: -1, Detail: err.Error()}
		}
		rep.problems = []*rule.Error{re}
	} else {
		rep.config = c
		rep.problems = c.Problems()
		rep.found = analyse(c)
	}
	rep.S3.Accepted = len(rep.problems) == 0
	for _, p := range rep.problems {
		e := s3Refusal{Code: p.Code, Message: p.Message, Rule: intPtr(p.Rule), Detail: p.Detail}
		if hasValue(p) {
			e.Value = strPtr(p.Value)
		}
		rep.S3.Errors = append(rep.S3.Errors, e)
	}
	for _, f := range rep.found {
		rep.Findings = append(rep.Findings, jsonFinding{
			ID: f.ID, Severity: f.Severity.String(), Rule: intPtr(f.Rule),
			Value: f.Value, Message: f.Message, Fix: f.Fix,
		})
	}
	return rep
}

// hasValue reports whether the S3 error is about a value, rather than a
// missing element or the whole document.
func hasValue(p *rule.Error) bool {
	if p.Value != "" {
		return true
	}
	return p.Element != "" && p.Code != rule.CodeMalformedXML
}

// worst returns the highest severity in the report and whether there is
// anything at all; S3 refusals count as errors.
func (r *lintReport) worst() (severity, bool) {
	if len(r.problems) > 0 {
		return sevError, true
	}
	w, any := sevInfo, false
	for _, f := range r.found {
		if !any || f.Severity > w {
			w, any = f.Severity, true
		}
	}
	return w, any
}

func runLint(e *env, args []string) int {
	flags := newFlagSet("lint")
	format := &choice{"text", []string{"text", "json"}}
	failOn := &choice{"error", []string{"error", "warning", "info"}}
	flags.Var(format, "format", "")
	flags.Var(failOn, "fail-on", "")
	var clientArgs, originArgs stringList
	flags.Var(&clientArgs, "client", "")
	flags.Var(&originArgs, "origin", "")
	files, err := parseArgs(flags, args)
	if err != nil {
		return flagError(e, "lint", err)
	}
	if slices.Contains(clientArgs, "list") {
		if err := writeClientList(e.stdout); err != nil {
			fmt.Fprintf(e.stderr, "lint: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	profiles, err := resolveClients(clientArgs)
	if err != nil {
		return usageError(e, "lint", "--client", err.Error())
	}
	if len(originArgs) > 0 && len(profiles) == 0 {
		return usageError(e, "lint", "--origin is only used with --client", "add --client NAME (see --client list), or drop --origin")
	}
	for _, o := range originArgs {
		if o == "" {
			return usageError(e, "lint", "--origin is empty", "pass the page's origin, such as --origin https://app.example.com")
		}
	}
	if len(files) == 0 {
		return usageError(e, "lint", "no configuration file given", "pass one or more files, such as 's3cors lint cors.json', or - for standard input")
	}
	if code := stdinTwice(e, "lint", files); code != 0 {
		return code
	}
	threshold, _ := parseSeverity(failOn.value)

	code := exitOK
	var reports []*lintReport
	for _, name := range files {
		doc, err := readConfig(e, name)
		if err != nil {
			code = readFailed(e, "lint", "", name, err)
			continue
		}
		rep := lintDocument(displayName(name), doc)
		reports = append(reports, rep)
		if w, any := rep.worst(); any && w >= threshold && code == exitOK {
			code = exitFindings
		}
		if len(profiles) > 0 {
			clients := []clientReport{}
			if rep.config != nil && len(rep.problems) == 0 {
				clients = checkClients(rep.config, profiles, clientOrigins(rep.config, originArgs))
			}
			rep.Clients = &clients
			for _, c := range clients {
				if !c.Allowed && code == exitOK {
					code = exitFindings
				}
			}
		}
	}

	if format.value == "json" {
		out := reports
		if out == nil {
			out = []*lintReport{}
		}
		writeJSON(e.stdout, out)
	} else {
		for i, rep := range reports {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			writeLintText(e, rep)
		}
	}
	return code
}

// unwrapPathError drops the operation and path that the message already
// names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeLintText prints a report for people: S3's verdict, then the findings
// grouped by rule.
func writeLintText(e *env, rep *lintReport) {
	w := e.stdout
	fmt.Fprintln(w, e.paint(styleBold, rep.File))

	label := func(i int) string {
		if rep.config != nil && i >= 0 && i < len(rep.config.Rules) {
			return ruleLabel(rep.config.Rules[i], i)
		}
		if i >= 0 {
			return "rule " + strconv.Itoa(i)
		}
		return "document"
	}

	if len(rep.problems) == 0 {
		fmt.Fprintf(w, "  %s S3 accepts this configuration (PutBucketCors would answer 200)\n", e.paint(styleGreen, "ok"))
	} else {
		first := rep.problems[0]
		fmt.Fprintf(w, "  %s S3 refuses this configuration: PutBucketCors answers %d %s\n",
			e.paint(styleRed, "error"), first.Status, e.paint(styleBold, first.Code))
		for i, p := range rep.problems {
			prefix := "    "
			if i == 1 {
				fmt.Fprintln(w, "  after fixing that, S3 would also refuse:")
			}
			fmt.Fprintf(w, "%s%s: %s\n", prefix, p.Code, p.Message)
			where := label(p.Rule)
			if d := p.Detail; strings.HasPrefix(d, "rule ") {
				where = d // the detail names the rule itself
			} else if d != "" {
				where += ": " + d
			} else if hasValue(p) {
				where += ", " + p.Element + " " + strconv.Quote(p.Value)
			}
			fmt.Fprintf(w, "%s  %s\n", prefix, e.paint(styleDim, where))
		}
	}

	// Group findings by rule, in document order; document-wide ones first.
	last := -2
	counts := map[severity]int{}
	for _, f := range rep.found {
		if f.Rule != last {
			fmt.Fprintf(w, "  %s\n", e.paint(styleBold, label(f.Rule)))
			last = f.Rule
		}
		counts[f.Severity]++
		sev := fmt.Sprintf("%-7s", f.Severity)
		fmt.Fprintf(w, "    %s %s %s\n", e.paint(severityStyle(f.Severity), sev), e.paint(styleBold, f.ID), f.headline())
		fmt.Fprintf(w, "                   why: %s\n", f.Why)
		fmt.Fprintf(w, "                   fix: %s\n", f.Fix)
	}
	defer writeLintClientsText(e, rep)
	if len(rep.found) == 0 {
		if rep.config != nil {
			fmt.Fprintln(w, "  no findings")
		}
		return
	}
	var parts []string
	for _, s := range []severity{sevError, sevWarning, sevInfo} {
		if n := counts[s]; n > 0 {
			word := s.String()
			if n > 1 {
				word += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	fmt.Fprintf(w, "  %d finding%s: %s\n", len(rep.found), plural(len(rep.found)), strings.Join(parts, ", "))
}

// writeLintClientsText prints how the client profiles of --client fare.
func writeLintClientsText(e *env, rep *lintReport) {
	if rep.Clients == nil {
		return
	}
	if len(rep.problems) > 0 {
		fmt.Fprintln(e.stdout, "  client profiles not checked: S3 refuses this configuration; fix it first")
		return
	}
	if len(*rep.Clients) == 0 {
		fmt.Fprintln(e.stdout, "  client profiles not checked: no AllowedOrigin can be matched; pass the page's origin with --origin")
		return
	}
	writeClientsText(e, e.stdout, *rep.Clients)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
