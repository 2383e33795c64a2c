package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/internal/probe"
	"github.com/s3cors/s3cors/internal/s3client"
)

// probeExitCode is the exit code of a run.
func probeExitCode(out probe.Outcome) int {
	switch {
	case !out.Cleanup.Done:
		return exitRestore
	case out.StartError != "" || out.State() != probe.StateComplete:
		return exitFindings // a run that did not finish judges nothing
	case out.Report != nil && out.Report.Failed > 0:
		return exitFindings
	case out.Report == nil || out.Report.Passed == 0:
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

func buildProbeJSON(cfg probeConfig, out probe.Outcome) probe.Document {
	return out.Document(cfg.endpoint.String(), cfg.region, addressing(cfg), probeExitCode(out))
}

// printProbeReport writes the report of a run in the chosen format, and
// what is left to do by hand to standard error, and returns the exit code.
func printProbeReport(e *env, cfg probeConfig, out probe.Outcome) int {
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
	if msg := out.ErrorText(); msg != "" {
		fmt.Fprintf(e.stderr, "probe: %s\n", msg)
	}
	writeCleanupProblem(e.stderr, out.Cleanup)
	return code
}

// writeCleanupProblem tells what probe could not undo, and how to undo it.
func writeCleanupProblem(w io.Writer, c probe.Cleanup) {
	if c.Done {
		return
	}
	fmt.Fprintf(w, "probe: could not finish cleaning up: could not %s: %s\n", c.Action, c.Problem)
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

func writeProbeText(w io.Writer, cfg probeConfig, out probe.Outcome) {
	kind := "bucket " + out.Bucket
	if out.Scratch {
		kind = "scratch bucket " + out.Bucket
	}
	fmt.Fprintf(w, "endpoint %s (region %s, %s), %s\n", cfg.endpoint, cfg.region, addressing(cfg), kind)
	if out.Report == nil {
		fmt.Fprintf(w, "not run\ncleanup: %s\n", cleanupText(out.Cleanup))
		return
	}
	fmt.Fprintln(w)
	for _, r := range out.Report.Results {
		mark := "ok  "
		switch r.Outcome {
		case conformance.Failed:
			mark = "FAIL"
		case conformance.Skipped:
			mark = "skip"
		case conformance.NotJudged:
			mark = "----" // neither a pass nor a failure
		}
		fmt.Fprintf(w, "%s %s [%s]\n", mark, r.Name, strings.Join(r.Spec, " "))
		if r.Outcome == conformance.NotJudged {
			fmt.Fprintf(w, "       not judged: %s\n", strings.Join(r.Diffs, "; "))
		} else {
			for _, d := range r.Diffs {
				fmt.Fprintf(w, "       %s\n", strings.ReplaceAll(d, "\n", "\n       "))
			}
		}
		for _, d := range r.SetUp {
			fmt.Fprintf(w, "       set-up differs from S3 (the vector was played all the same): %s\n", d)
		}
	}
	fmt.Fprintln(w)
	rows := probe.Summarize(out.Report.Results)
	width := len("behaviour")
	for _, r := range rows {
		width = max(width, len(r.Behaviour))
	}
	fmt.Fprintf(w, "%-*s  %6s  %6s  %7s  %10s  %s\n", width, "behaviour", "passed", "failed", "skipped", "not judged", "rules")
	for _, r := range rows {
		fmt.Fprintf(w, "%-*s  %6d  %6d  %7d  %10d  %s\n", width, r.Behaviour, r.Passed, r.Failed, r.Skipped, r.NotJudged, strings.Join(r.Spec, " "))
	}
	fmt.Fprintln(w)
	if s := probe.Settle(out.Report.Results); s.Changes > 0 {
		fmt.Fprintf(w, "configuration changes took effect in %s min, %s median, %s max (%d changes)\n",
			fmtMS(s.MinMS), fmtMS(s.MedianMS), fmtMS(s.MaxMS), s.Changes)
	} else if cfg.settle == 0 {
		fmt.Fprintln(w, "configuration changes were not waited for (--settle 0)")
	}
	fmt.Fprintln(w, out.Report.String())
	switch rep := out.Report; out.State() {
	case probe.StateCancelled:
		fmt.Fprintf(w, "the run was cancelled: %d of %d vectors judged; the others say nothing of the endpoint (%s)\n", rep.Passed+rep.Failed, len(rep.Results)-rep.Skipped, out.RunError)
	case probe.StateUnreachable:
		fmt.Fprintf(w, "the endpoint stopped answering: %d of %d vectors judged; the others say nothing of the endpoint", rep.Passed+rep.Failed, len(rep.Results)-rep.Skipped)
		if out.RunError != "" {
			fmt.Fprintf(w, " (%s)", out.RunError)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "cleanup: %s\n", cleanupText(out.Cleanup))
	if len(out.Report.Leftovers) > 0 {
		fmt.Fprintf(w, "left on the endpoint by the vectors: %s\n", strings.Join(out.Report.Leftovers, " "))
	}
}

func cleanupText(c probe.Cleanup) string {
	if c.Done {
		return c.Action
	}
	return "FAILED: could not " + c.Action + ": " + c.Problem
}

func fmtMS(v float64) string {
	d := time.Duration(v * float64(time.Millisecond))
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func writeProbeMarkdown(w io.Writer, cfg probeConfig, out probe.Outcome) {
	fmt.Fprintf(w, "| Behaviour | Rules | %s |\n|---|---|---|\n", mdEscape(cfg.endpoint.Host))
	if out.Report == nil {
		fmt.Fprintf(w, "| (not run) | | %s |\n", mdEscape(out.ErrorText()))
		return
	}
	for _, r := range probe.Summarize(out.Report.Results) {
		cell := fmt.Sprintf("✅ %d/%d", r.Passed, r.Passed+r.Failed)
		if r.Failed > 0 {
			cell = fmt.Sprintf("❌ %d/%d", r.Passed, r.Passed+r.Failed)
		}
		if r.Skipped > 0 {
			cell += fmt.Sprintf(" (%d skipped)", r.Skipped)
		}
		if r.NotJudged > 0 {
			cell += fmt.Sprintf(" (%d not judged)", r.NotJudged)
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", r.Behaviour, strings.Join(r.Spec, ", "), cell)
	}
	total := fmt.Sprintf("%d/%d", out.Report.Passed, out.Report.Passed+out.Report.Failed)
	switch out.State() {
	case probe.StateCancelled:
		total += fmt.Sprintf(" (run cancelled, %d not judged)", out.Report.NotJudged)
	case probe.StateUnreachable:
		total += fmt.Sprintf(" (endpoint stopped answering, %d not judged)", out.Report.NotJudged)
	}
	fmt.Fprintf(w, "| **All vectors** | | **%s** |\n", total)
	if s := probe.Settle(out.Report.Results); s.Changes > 0 {
		fmt.Fprintf(w, "| Configuration change takes effect | | %s median, %s max |\n", fmtMS(s.MedianMS), fmtMS(s.MaxMS))
	}
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// printDryRun lists the requests a run would send, and returns the exit
// code: 0, or 1 when the flow would not run through.
func printDryRun(e *env, cfg probeConfig, reqs []s3client.LoggedRequest, out probe.Outcome) int {
	code := exitOK
	if out.StartError != "" || !out.Cleanup.Done {
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
	if out.Scratch {
		fmt.Fprintf(e.stdout, "(the scratch bucket gets another random name in each run; preflights, OPTIONS, are never signed):\n\n")
	} else {
		fmt.Fprintf(e.stdout, "(with the bucket's configuration read as none; when it has one, the restore is a PutBucketCors of it instead of the DeleteBucketCors; preflights, OPTIONS, are never signed):\n\n")
	}
	for i, r := range reqs {
		fmt.Fprintf(e.stdout, "%4d  %s %s\n      headers: %s\n", i+1, r.Method, r.URL, strings.Join(r.Headers, ", "))
	}
	return code
}
