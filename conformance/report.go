package conformance

import (
	"strconv"
	"time"
)

// Outcome is what became of one vector.
type Outcome string

const (
	// Passed: the target answered as S3 does.
	Passed Outcome = "passed"
	// Failed: the target's answer differs; the Result's Diffs say how.
	Failed Outcome = "failed"
	// Skipped: the vector cannot be played against an HTTP target; the
	// Result's Diffs say why.
	Skipped Outcome = "skipped"
)

// Result is the outcome of one vector.
type Result struct {
	// File is the name of the vector file, Name the vector's name in it.
	File, Name string
	// Spec lists the behaviour rules the vector checks, such as "P5".
	Spec []string
	// Outcome says whether the target passed the vector.
	Outcome Outcome
	// Diffs lists, one line each, how the answer differs from S3's for a
	// failed vector, or why a skipped one was skipped.
	Diffs []string
	// Settled is how long the vector's configuration took to take effect
	// when the Target asked the runner to wait for it (Target.Settle).
	Settled time.Duration
}

// Report is the outcome of a run, vector by vector, in the order of the
// files and of the vectors in them.
type Report struct {
	Results                 []Result
	Passed, Failed, Skipped int
}

// String returns the closing line of a run, as the vector format
// prescribes: "vectors: N passed, N failed, N skipped".
func (r *Report) String() string {
	return "vectors: " + strconv.Itoa(r.Passed) + " passed, " + strconv.Itoa(r.Failed) + " failed, " +
		strconv.Itoa(r.Skipped) + " skipped"
}

// add records res.
func (r *Report) add(res Result) {
	switch res.Outcome {
	case Passed:
		r.Passed++
	case Failed:
		r.Failed++
	case Skipped:
		r.Skipped++
	}
	r.Results = append(r.Results, res)
}
