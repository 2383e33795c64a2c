package probe

import "github.com/s3cors/s3cors/internal/s3client"

// Document is the JSON document of probe --format json.
type Document struct {
	Endpoint      string                   `json:"endpoint"`
	Region        string                   `json:"region"`
	Addressing    string                   `json:"addressing"`
	Bucket        string                   `json:"bucket"`
	ScratchBucket bool                     `json:"scratchBucket"`
	Complete      bool                     `json:"complete"`
	Error         string                   `json:"error,omitempty"`
	Passed        int                      `json:"passed"`
	Failed        int                      `json:"failed"`
	Skipped       int                      `json:"skipped"`
	Results       []ResultDocument         `json:"results"`
	Behaviours    []Behaviour              `json:"behaviours"`
	Settle        SettleStats              `json:"settle"`
	Cleanup       Cleanup                  `json:"cleanup"`
	ExitCode      int                      `json:"exitCode"`
	Requests      []s3client.LoggedRequest `json:"requests,omitempty"`
	DryRun        bool                     `json:"dryRun,omitempty"`
}

// ResultDocument is one vector in a Document.
type ResultDocument struct {
	File      string   `json:"file"`
	Name      string   `json:"name"`
	Spec      []string `json:"spec"`
	Outcome   string   `json:"outcome"`
	Diffs     []string `json:"diffs,omitempty"`
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
		Complete:      out.Started && !out.Interrupted,
		Error:         out.ErrorText(),
		Results:       []ResultDocument{},
		Behaviours:    []Behaviour{},
		Cleanup:       out.Cleanup,
		ExitCode:      exitCode,
	}
	if out.Report != nil {
		doc.Passed, doc.Failed, doc.Skipped = out.Report.Passed, out.Report.Failed, out.Report.Skipped
		for _, r := range out.Report.Results {
			doc.Results = append(doc.Results, ResultDocument{
				File: r.File, Name: r.Name, Spec: r.Spec, Outcome: string(r.Outcome),
				Diffs: r.Diffs, SettledMS: MS(r.Settled),
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
