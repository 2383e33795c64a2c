package main

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/internal/clientreplay"
	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/internal/lint"
)

// lintReport is lint's account of one file: the report of package lint and,
// with --client, how the client profiles fare. Its JSON encoding is the
// --format json output for that file.
type lintReport struct {
	*lint.Report
	// Clients is how the client profiles of --client fare, one report per
	// profile and origin; absent without --client, empty when S3 refuses
	// the configuration.
	Clients *[]clientreplay.Report `json:"clients,omitempty"`
}

// lintDocument judges doc, read from the named file.
func lintDocument(name string, doc []byte) *lintReport {
	c, err := decodeConfig(doc)
	return &lintReport{Report: lint.Document(name, c, err)}
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
		all, err := loadClients()
		if err != nil {
			fmt.Fprintf(e.stderr, "lint: %v\n", err)
			return exitUsage
		}
		clientreplay.WriteList(e.stdout, all)
		return exitOK
	}
	all, err := loadClients()
	if err != nil {
		fmt.Fprintf(e.stderr, "lint: %v\n", err)
		return exitUsage
	}
	profiles, err := clientreplay.Resolve(all, clientArgs)
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
	threshold, _ := lint.ParseSeverity(failOn.value)

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
		if w, any := rep.Worst(); any && w >= threshold && code == exitOK {
			code = exitFindings
		}
		if len(profiles) > 0 {
			clients := []clientreplay.Report{}
			if rep.Config != nil && len(rep.Problems) == 0 {
				clients = clientreplay.Check(rep.Config, profiles, clientreplay.Origins(rep.Config, originArgs))
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
		if rep.Config != nil && i >= 0 && i < len(rep.Config.Rules) {
			return explain.RuleLabel(rep.Config.Rules[i], i)
		}
		if i >= 0 {
			return "rule " + strconv.Itoa(i)
		}
		return "document"
	}

	if len(rep.Problems) == 0 {
		fmt.Fprintf(w, "  %s S3 accepts this configuration (PutBucketCors would answer 200)\n", e.paint(styleGreen, "ok"))
	} else {
		first := rep.Problems[0]
		fmt.Fprintf(w, "  %s S3 refuses this configuration: PutBucketCors answers %d %s\n",
			e.paint(styleRed, "error"), first.Status, e.paint(styleBold, first.Code))
		for i, p := range rep.Problems {
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
			} else if lint.HasValue(p) {
				where += ", " + p.Element + " " + strconv.Quote(p.Value)
			}
			fmt.Fprintf(w, "%s  %s\n", prefix, e.paint(styleDim, where))
		}
	}

	// Group findings by rule, in document order; document-wide ones first.
	last := -2
	counts := map[lint.Severity]int{}
	for _, f := range rep.Found {
		if f.Rule != last {
			fmt.Fprintf(w, "  %s\n", e.paint(styleBold, label(f.Rule)))
			last = f.Rule
		}
		counts[f.Severity]++
		sev := fmt.Sprintf("%-7s", f.Severity)
		fmt.Fprintf(w, "    %s %s %s\n", e.paint(severityStyle(f.Severity), sev), e.paint(styleBold, f.ID), f.Headline())
		fmt.Fprintf(w, "                   why: %s\n", f.Why)
		fmt.Fprintf(w, "                   fix: %s\n", f.Fix)
	}
	defer writeLintClientsText(e, rep)
	if len(rep.Found) == 0 {
		if rep.Config != nil {
			fmt.Fprintln(w, "  no findings")
		}
		return
	}
	var parts []string
	for _, s := range []lint.Severity{lint.Error, lint.Warning, lint.Info} {
		if n := counts[s]; n > 0 {
			word := s.String()
			if n > 1 {
				word += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	fmt.Fprintf(w, "  %d finding%s: %s\n", len(rep.Found), plural(len(rep.Found)), strings.Join(parts, ", "))
}

// writeLintClientsText prints how the client profiles of --client fare.
func writeLintClientsText(e *env, rep *lintReport) {
	if rep.Clients == nil {
		return
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(e.stdout, "  client profiles not checked: S3 refuses this configuration; fix it first")
		return
	}
	if len(*rep.Clients) == 0 {
		fmt.Fprintln(e.stdout, "  client profiles not checked: no AllowedOrigin can be matched; pass the page's origin with --origin")
		return
	}
	writeClientsText(e, e.stdout, *rep.Clients, clientreplay.Fixes(rep.Config, *rep.Clients))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
