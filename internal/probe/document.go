package probe

import "github.com/s3cors/s3cors/internal/s3client"

// Document is the JSON document of probe --format json.
type Document struct {
	Endpoint      string `json:"endpoint"`
	Region        string `json:"region"`
	Addressing    string `json:"addressing"`
	Bucket        string `json:"bucket"`
	ScratchBucket bool   `json:"scratchBucket"`
	// State is "complete" when every vector was played to its end,
	// "cancelled" when the run was stopped (Ctrl-C), "unreachable" when the
	// endpoint stopped answering, and "not started".
	State    string `json:"state"`
	Complete bool   `json:"complete"`
	Error    string `json:"error,omitempty"`
	Passed   int    `json:"passed"`
	Failed   int    `json:"failed"`
	Skipped  int    `json:"skipped"`
	// NotJudged counts the vectors the run did not play to their end;
	// Passed and Failed count the judged ones.
	NotJudged  int              `json:"notJudged"`
	Results    []ResultDocument `json:"results"`
	Behaviours []Behaviour      `json:"behaviours"`
	Settle     SettleStats      `json:"settle"`
	Cleanup    Cleanup          `json:"cleanup"`
	// Leftovers lists what the vectors created and the run could not
	// delete, such as "/bucket/object.txt".
	Leftovers []string                 `json:"leftovers,omitempty"`
	ExitCode  int                      `json:"exitCode"`
	Requests  []s3client.LoggedRequest `json:"requests,omitempty"`
	DryRun    bool                     `json:"dryRun,omitempty"`
}

// ResultDocument is one vector in a Document.
type ResultDocument struct {
	File    string   `json:"file"`
	Name    string   `json:"name"`
	Spec    []string `json:"spec"`
	Outcome string   `json:"outcome"`
	Diffs   []string `json:"diffs,omitempty"`
	// SetUp lists how the answers to the calls that set the vector up
	// differed from S3's; the vector was played all the same.
	SetUp     []string `json:"setUp,omitempty"`
	SettledMS float64  `json:"settledMs"`
}

// Document returns the JSON document of the run, for the endpoint given,
// its region and addressing, and the command's exit code.
func (out Outcome) Document(endpoint, region, addressing string, exitCode int) Document {
	doc := Document{
		Endpoint:      endpoint,
		Region:        region,
		Addressing:    addressing,
		Bucket:        out.Bucket,
		ScratchBucket: out.Scratch,
		State:         out.State(),
		Complete:      out.State() == StateComplete,
		Error:         out.ErrorText(),
		Results:       []ResultDocument{},
		Behaviours:    []Behaviour{},
		Cleanup:       out.Cleanup,
		ExitCode:      exitCode,
	}
	if out.Report != nil {
		doc.Passed, doc.Failed, doc.Skipped, doc.NotJudged = out.Report.Passed, out.Report.Failed, out.Report.Skipped, out.Report.NotJudged
		doc.Leftovers = out.Report.Leftovers
		for _, r := range out.Report.Results {
			doc.Results = append(doc.Results, ResultDocument{
				File: r.File, Name: r.Name, Spec: r.Spec, Outcome: string(r.Outcome),
				Diffs: r.Diffs, SetUp: r.SetUp, SettledMS: MS(r.Settled),
			})
		}
		if rows := Summarize(out.Report.Results); rows != nil {
			doc.Behaviours = rows
		}
		doc.Settle = Settle(out.Report.Results)
	}
	return doc
}

// ErrorText is the sentence that says why a run did not start or finish,
// or "".
func (out Outcome) ErrorText() string {
	if out.StartError != "" {
		return out.StartError
	}
	return out.RunError
}

// The states of a run.
const (
	StateComplete    = "complete"
	StateCancelled   = "cancelled"
	StateUnreachable = "unreachable"
	StateNotStarted  = "not started"
)

// State says whether the run played every vector to its end, and if not,
// why: it was cancelled, the endpoint stopped answering (some vectors
// were not judged), or it did not start.
func (out Outcome) State() string {
	switch {
	case !out.Started:
		return StateNotStarted
	case out.Cancelled:
		return StateCancelled
	case out.Interrupted || out.Report != nil && out.Report.NotJudged > 0:
		return StateUnreachable
	}
	return StateComplete
}
