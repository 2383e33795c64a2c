package cors_test

import (
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// header is one response header field, as a test writes it down.
type header struct{ Name, Value string }

// answer is everything a Result says, in exported form, so that tests can
// compare whole answers with cmp.Diff.
type answer struct {
	Preflight bool
	Status    int
	Matched   bool
	Rule      int
	Error     rule.ErrorDocument
	Headers   []header
}

// answerOf reads every output of res.
func answerOf(res cors.Result) answer {
	a := answer{Preflight: res.Preflight, Status: res.Status, Matched: res.Matched, Rule: res.Rule, Error: res.Error}
	for name, value := range res.Headers() {
		a.Headers = append(a.Headers, header{name, value})
	}
	return a
}
