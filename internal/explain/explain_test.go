package explain

import (
	"testing"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// TestRequest checks the account of each rule: the first rule that
// matches is the one S3 applies (M1), and the reasons name the clause a
// rule fails: origin (M4), method (M2) or a requested header (M5).
func TestRequest(t *testing.T) {
	id := "uploads"
	c := &rule.Configuration{Rules: []rule.Rule{
		{AllowedOrigins: []string{"https://a.example.com"}, AllowedMethods: []string{"GET"}},
		{ID: &id, AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"content-type"}},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"*"}},
	}}
	p := cors.MustCompile(c)
	x := Request(p, c, &cors.Request{Method: "OPTIONS", Origin: "https://b.example.com", RequestMethod: "PUT", RequestHeaders: []string{"Content-Type, X-Amz-Date"}})
	if x.Kind != "preflight" || x.MatchedRule == nil || *x.MatchedRule != 2 || *x.Status != 200 {
		t.Fatalf("%+v", x)
	}
	want := []string{
		"origin `https://b.example.com` matches none of [https://a.example.com]",
		"origin matches `https://*.example.com`; method PUT in [PUT]; header `x-amz-date` not allowed by [content-type]",
		"origin matches `*`; method PUT in [PUT]; headers content-type, x-amz-date allowed by [*]: S3 applies this rule",
	}
	for i, r := range x.Rules {
		if r.Reason != want[i] {
			t.Errorf("rule %d: %q, want %q", i, r.Reason, want[i])
		}
	}
	if got := RuleLabel(c.Rules[1], 1); got != `rule 1 (ID "uploads")` {
		t.Errorf("RuleLabel: %s", got)
	}
	if got := JoinAnd([]string{"a", "b", "c"}); got != "a, b and c" {
		t.Errorf("JoinAnd: %s", got)
	}
}
