package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/s3cors/s3cors/conformance"
)

// behaviourGroup is a set of rules of the behaviour document that probe's
// summary counts together.
type behaviourGroup struct {
	name string
	spec []string // rule IDs, or prefixes ending in "*" for every rule of a section
}

// behaviourGroups are the summary's groups, in order. A vector counts in
// every group one of its rules belongs to; a rule of no group counts in
// "Other rules".
var behaviourGroups = []behaviourGroup{
	{"Origin matching", []string{"M4", "D1"}},
	{"Rule order", []string{"M1"}},
	{"Methods", []string{"M2", "M3", "H3", "D8"}},
	{"Request headers", []string{"M5", "M6", "H4", "P7", "D7", "D10", "D11"}},
	{"Credentials and Allow-Origin", []string{"H1", "H2", "D3"}},
	{"Vary", []string{"H7", "D14"}},
	{"Max-Age and Expose-Headers", []string{"H5", "H6", "D4", "D16"}},
	{"Preflight answers and errors", []string{"P1", "P2", "P3", "P4", "P5", "P6", "D2", "D12", "D13", "D15", "E*"}},
	{"Actual requests", []string{"R*", "W*"}},
	{"Configuration API and validation", []string{"C*", "V*", "G*", "D5", "D6", "D17", "D18", "D19"}},
}

const otherGroup = "Other rules"

// groupsOf returns the names of the groups a rule ID belongs to.
func groupsOf(id string) []string {
	var names []string
	for _, g := range behaviourGroups {
		for _, s := range g.spec {
			if s == id || (strings.HasSuffix(s, "*") && strings.HasPrefix(id, strings.TrimSuffix(s, "*")) && len(id) > len(s)-1 && isDigits(id[len(s)-1:])) {
				names = append(names, g.name)
				break
			}
		}
	}
	if len(names) == 0 {
		names = []string{otherGroup}
	}
	return names
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// probeBehaviour is one row of the summary.
type probeBehaviour struct {
	Behaviour string   `json:"behaviour"`
	Spec      []string `json:"spec"`
	Passed    int      `json:"passed"`
	Failed    int      `json:"failed"`
	Skipped   int      `json:"skipped"`
}

// summarize counts the results by behaviour group, in the groups' order;
// groups no vector played are left out.
func summarize(results []conformance.Result) []probeBehaviour {
	rows := map[string]*probeBehaviour{}
	specs := map[string]map[string]bool{}
	for _, r := range results {
		seen := map[string]bool{}
		for _, id := range r.Spec {
			for _, g := range groupsOf(id) {
				if specs[g] == nil {
					specs[g] = map[string]bool{}
					rows[g] = &probeBehaviour{Behaviour: g}
				}
				specs[g][id] = true
				if seen[g] {
					continue
				}
				seen[g] = true
				switch r.Outcome {
				case conformance.Passed:
					rows[g].Passed++
				case conformance.Failed:
					rows[g].Failed++
				default:
					rows[g].Skipped++
				}
			}
		}
	}
	var out []probeBehaviour
	for _, name := range append(groupNames(), otherGroup) {
		row, ok := rows[name]
		if !ok {
			continue
		}
		for id := range specs[name] {
			row.Spec = append(row.Spec, id)
		}
		sort.Slice(row.Spec, func(i, j int) bool { return specLess(row.Spec[i], row.Spec[j]) })
		out = append(out, *row)
	}
	return out
}

func groupNames() []string {
	var names []string
	for _, g := range behaviourGroups {
		names = append(names, g.name)
	}
	return names
}

// specLess orders rule IDs by letter, then by number, so that a one-digit
// number comes before a two-digit one.
func specLess(a, b string) bool {
	la, na := splitSpec(a)
	lb, nb := splitSpec(b)
	if la != lb {
		return la < lb
	}
	if len(na) != len(nb) {
		return len(na) < len(nb)
	}
	return na < nb
}

func splitSpec(id string) (letters, digits string) {
	i := strings.IndexAny(id, "0123456789")
	if i < 0 {
		return id, ""
	}
	return id[:i], id[i:]
}

// settleStats is how long the configuration changes took to take effect.
type settleStats struct {
	Changes  int     `json:"changes"`
	MinMS    float64 `json:"min_ms"`
	MedianMS float64 `json:"median_ms"`
	MaxMS    float64 `json:"max_ms"`
}

func settleOf(results []conformance.Result) settleStats {
	var ds []time.Duration
	for _, r := range results {
		if r.Settled > 0 {
			ds = append(ds, r.Settled)
		}
	}
	if len(ds) == 0 {
		return settleStats{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	med := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		med = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return settleStats{Changes: len(ds), MinMS: ms(ds[0]), MedianMS: ms(med), MaxMS: ms(ds[len(ds)-1])}
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// probeJSON is the document of --format json.
type probeJSON struct {
	Endpoint      string            `json:"endpoint"`
	Region        string            `json:"region"`
	Addressing    string            `json:"addressing"`
	Bucket        string            `json:"bucket"`
	ScratchBucket bool              `json:"scratch_bucket"`
	Complete      bool              `json:"complete"`
	Error         string            `json:"error,omitempty"`
	Passed        int               `json:"passed"`
	Failed        int               `json:"failed"`
	Skipped       int               `json:"skipped"`
	Results       []probeResultJSON `json:"results"`
	Behaviours    []probeBehaviour  `json:"behaviours"`
	Settle        settleStats       `json:"settle"`
	Cleanup       cleanupOutcome    `json:"cleanup"`
	ExitCode      int               `json:"exit_code"`
	Requests      []loggedRequest   `json:"requests,omitempty"`
	DryRun        bool              `json:"dry_run,omitempty"`
}

type probeResultJSON struct {
	File      string   `json:"file"`
	Name      string   `json:"name"`
	Spec      []string `json:"spec"`
	Outcome   string   `json:"outcome"`
	Diffs     []string `json:"diffs,omitempty"`
	SettledMS float64  `json:"settled_ms"`
}

// probeExitCode is the exit code of a run.
func probeExitCode(out probeOutcome) int {
	switch {
	case !out.cleanup.Done:
		return exitRestore
	case out.startError != "" || out.interrupted:
		return exitFindings
	case out.report != nil && out.report.Failed > 0:
		return exitFindings
	case out.report == nil || out.report.Passed == 0:
		return exitFindings
	}
	return exitOK
}

func addressing(cfg probeConfig) string {
	if cfg.virtual {
		return "virtual-host"
	}
	return "path-style"
}

// runErrorText is the sentence that says why a run did not start or finish,
// or "".
func (out probeOutcome) runErrorText() string {
	if out.startError != "" {
		return out.startError
	}
	return out.runError
}

func buildProbeJSON(cfg probeConfig, out probeOutcome) probeJSON {
	doc := probeJSON{
		Endpoint:      cfg.endpoint.String(),
		Region:        cfg.region,
		Addressing:    addressing(cfg),
		Bucket:        out.bucket,
		ScratchBucket: out.scratch,
		Complete:      out.started && !out.interrupted,
		Error:         out.runErrorText(),
		Results:       []probeResultJSON{},
		Behaviours:    []probeBehaviour{},
		Cleanup:       out.cleanup,
		ExitCode:      probeExitCode(out),
	}
	if out.report != nil {
		doc.Passed, doc.Failed, doc.Skipped = out.report.Passed, out.report.Failed, out.report.Skipped
		for _, r := range out.report.Results {
			doc.Results = append(doc.Results, probeResultJSON{
				File: r.File, Name: r.Name, Spec: r.Spec, Outcome: string(r.Outcome),
				Diffs: r.Diffs, SettledMS: ms(r.Settled),
			})
		}
		if rows := summarize(out.report.Results); rows != nil {
			doc.Behaviours = rows
		}
		doc.Settle = settleOf(out.report.Results)
	}
	return doc
}

// printProbeReport writes the report of a run in the chosen format, and
// what is left to do by hand to standard error, and returns the exit code.
func printProbeReport(e *env, cfg probeConfig, out probeOutcome) int {
	code := probeExitCode(out)
	switch cfg.format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(buildProbeJSON(cfg, out))
	case "markdown":
		writeProbeMarkdown(e.stdout, cfg, out)
	default:
		writeProbeText(e.stdout, cfg, out)
	}
	if msg := out.runErrorText(); msg != "" {
		fmt.Fprintf(e.stderr, "probe: %s\n", msg)
	}
	writeCleanupProblem(e.stderr, out.cleanup)
	return code
}

// writeCleanupProblem tells what probe could not undo, and how to undo it.
func writeCleanupProblem(w io.Writer, c cleanupOutcome) {
	if c.Done {
		return
	}
	fmt.Fprintf(w, "probe: could not finish cleaning up: %s: %s\n", c.Action, c.Problem)
	if c.Saved != "" {
		fmt.Fprintf(w, "probe: the CORS configuration of bucket %s is NOT restored; it was, byte for byte:\n%s\n", c.Left, strings.TrimRight(c.Saved, "\n"))
		if c.SavedFile != "" {
			fmt.Fprintf(w, "probe: it is saved in %s\n", c.SavedFile)
		}
	} else {
		fmt.Fprintf(w, "probe: left behind: bucket %s\n", c.Left)
	}
	fmt.Fprintf(w, "probe: to finish by hand, run:\n  %s\n", c.Remedy)
}

func writeProbeText(w io.Writer, cfg probeConfig, out probeOutcome) {
	kind := "bucket " + out.bucket
	if out.scratch {
		kind = "scratch bucket " + out.bucket
	}
	fmt.Fprintf(w, "endpoint %s (region %s, %s), %s\n", cfg.endpoint, cfg.region, addressing(cfg), kind)
	if out.report == nil {
		fmt.Fprintf(w, "not run\ncleanup: %s\n", cleanupText(out.cleanup))
		return
	}
	fmt.Fprintln(w)
	for _, r := range out.report.Results {
		mark := "ok  "
		switch r.Outcome {
		case conformance.Failed:
			mark = "FAIL"
		case conformance.Skipped:
			mark = "skip"
		}
		fmt.Fprintf(w, "%s %s [%s]\n", mark, r.Name, strings.Join(r.Spec, " "))
		for _, d := range r.Diffs {
			fmt.Fprintf(w, "       %s\n", strings.ReplaceAll(d, "\n", "\n       "))
		}
	}
	fmt.Fprintln(w)
	rows := summarize(out.report.Results)
	width := len("behaviour")
	for _, r := range rows {
		width = max(width, len(r.Behaviour))
	}
	fmt.Fprintf(w, "%-*s  %6s  %6s  %7s  %s\n", width, "behaviour", "passed", "failed", "skipped", "rules")
	for _, r := range rows {
		fmt.Fprintf(w, "%-*s  %6d  %6d  %7d  %s\n", width, r.Behaviour, r.Passed, r.Failed, r.Skipped, strings.Join(r.Spec, " "))
	}
	fmt.Fprintln(w)
	if s := settleOf(out.report.Results); s.Changes > 0 {
		fmt.Fprintf(w, "configuration changes took effect in %s min, %s median, %s max (%d changes)\n",
			fmtMS(s.MinMS), fmtMS(s.MedianMS), fmtMS(s.MaxMS), s.Changes)
	} else if cfg.settle == 0 {
		fmt.Fprintln(w, "configuration changes were not waited for (--settle 0)")
	}
	fmt.Fprintln(w, out.report.String())
	if out.interrupted {
		fmt.Fprintf(w, "the run did not finish: %s\n", out.runError)
	}
	fmt.Fprintf(w, "cleanup: %s\n", cleanupText(out.cleanup))
}

func cleanupText(c cleanupOutcome) string {
	if c.Done {
		return c.Action
	}
	return "FAILED (" + c.Action + "): " + c.Problem
}

func fmtMS(v float64) string {
	d := time.Duration(v * float64(time.Millisecond))
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func writeProbeMarkdown(w io.Writer, cfg probeConfig, out probeOutcome) {
	fmt.Fprintf(w, "| Behaviour | Rules | %s |\n|---|---|---|\n", mdEscape(cfg.endpoint.Host))
	if out.report == nil {
		fmt.Fprintf(w, "| (not run) | | %s |\n", mdEscape(out.runErrorText()))
		return
	}
	for _, r := range summarize(out.report.Results) {
		cell := fmt.Sprintf("✅ %d/%d", r.Passed, r.Passed+r.Failed)
		if r.Failed > 0 {
			cell = fmt.Sprintf("❌ %d/%d", r.Passed, r.Passed+r.Failed)
		}
		if r.Skipped > 0 {
			cell += fmt.Sprintf(" (%d skipped)", r.Skipped)
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", r.Behaviour, strings.Join(r.Spec, ", "), cell)
	}
	total := fmt.Sprintf("%d/%d", out.report.Passed, out.report.Passed+out.report.Failed)
	if out.interrupted {
		total += " (run did not finish)"
	}
	fmt.Fprintf(w, "| **All vectors** | | **%s** |\n", total)
	if s := settleOf(out.report.Results); s.Changes > 0 {
		fmt.Fprintf(w, "| Configuration change takes effect | | %s median, %s max |\n", fmtMS(s.MedianMS), fmtMS(s.MaxMS))
	}
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// printDryRun lists the requests a run would send, and returns the exit
// code: 0, or 1 when the flow would not run through.
func printDryRun(e *env, cfg probeConfig, reqs []loggedRequest, out probeOutcome) int {
	code := exitOK
	if out.startError != "" || !out.cleanup.Done {
		code = exitFindings
	}
	if cfg.format == "json" {
		doc := buildProbeJSON(cfg, out)
		doc.DryRun, doc.Requests, doc.ExitCode = true, reqs, code
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(doc)
		return code
	}
	fmt.Fprintf(e.stdout, "dry run: nothing was sent to %s. A run would send these %d requests, in this order\n", cfg.endpoint, len(reqs))
	if out.scratch {
		fmt.Fprintf(e.stdout, "(the scratch bucket gets another random name in each run; preflights, OPTIONS, are never signed):\n\n")
	} else {
		fmt.Fprintf(e.stdout, "(with the bucket's configuration read as none; when it has one, the restore is a PutBucketCors of it instead of the DeleteBucketCors; preflights, OPTIONS, are never signed):\n\n")
	}
	for i, r := range reqs {
		fmt.Fprintf(e.stdout, "%4d  %s %s\n      headers: %s\n", i+1, r.Method, r.URL, strings.Join(r.Headers, ", "))
	}
	return code
}
