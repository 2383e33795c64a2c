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
	// NotJudged: the vector was not played to its end, so nothing is known
	// of the target's conformance from it: the target could not be reached
	// (its endpoint refused or dropped the connection, a request could not
	// be signed) or the run was cancelled. The Result's Diffs say why. It
	// is neither a pass nor a failure, and a run with such vectors is
	// incomplete rather than non-conforming.
	NotJudged Outcome = "not judged"
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
	// failed vector, or why a skipped or not judged one was not played.
	Diffs []string
	// SetUp lists, one line each, how the target's answers to the calls
	// that set the vector's bucket up (CreateBucket, PutBucketCors,
	// DeleteBucketCors) differ from S3's, such as DeleteBucketCors
	// answering 200 where S3 answers 204. The vector is played all the same
	// and its Outcome says only whether the target answered the vector's
	// own request as S3 does; the vectors of those calls judge them.
	SetUp []string
	// Settled is how long the vector's configuration took to take effect
	// when the Target asked the runner to wait for it (Target.Settle).
	Settled time.Duration
}

// Report is the outcome of a run, vector by vector, in the order of the
// files and of the vectors in them. Every vector of the corpus has a
// Result, those of an interrupted run included, and the counts add up to
// len(Results). Only Passed and Failed vectors were judged: a run with
// NotJudged vectors is incomplete, and its counts say nothing of the
// vectors not judged.
type Report struct {
	Results                            []Result
	Passed, Failed, Skipped, NotJudged int

	// Leftovers lists what the run created on the target and could not
	// delete, as paths such as "/s3cors-1a2b3c4d-7" or
	// "/s3cors-1a2b3c4d-7/object.txt"; it is empty when the run cleaned up
	// after itself or Target.Keep kept everything on purpose.
	Leftovers []string
}

// String returns the closing line of a run, as the vector format
// prescribes: "vectors: N passed, N failed, N skipped", followed by
// ", N not judged" when the run is incomplete.
func (r *Report) String() string {
	s := "vectors: " + strconv.Itoa(r.Passed) + " passed, " + strconv.Itoa(r.Failed) + " failed, " +
		strconv.Itoa(r.Skipped) + " skipped"
	if r.NotJudged > 0 {
		s += ", " + strconv.Itoa(r.NotJudged) + " not judged"
	}
	return s
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
	case NotJudged:
		r.NotJudged++
	}
	r.Results = append(r.Results, res)
}
