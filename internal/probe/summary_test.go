package probe

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/conformance"
)

func TestSummarize(t *testing.T) {
	results := []conformance.Result{
		{Spec: []string{"P5", "H4"}, Outcome: conformance.Passed},
		{Spec: []string{"M4"}, Outcome: conformance.Failed},
		{Spec: []string{"E1", "V10", "V9"}, Outcome: conformance.Passed},
		{Spec: []string{"Z9"}, Outcome: conformance.Skipped},
	}
	want := []Behaviour{
		{Behaviour: "Origin matching", Spec: []string{"M4"}, Failed: 1},
		{Behaviour: "Request headers", Spec: []string{"H4"}, Passed: 1},
		{Behaviour: "Preflight answers and errors", Spec: []string{"E1", "P5"}, Passed: 2},
		{Behaviour: "Configuration API and validation", Spec: []string{"V9", "V10"}, Passed: 1},
		{Behaviour: "Other rules", Spec: []string{"Z9"}, Skipped: 1},
	}
	if diff := cmp.Diff(want, Summarize(results)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
