package clientreplay

import (
	"fmt"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/internal/clientprofile"
	"github.com/s3cors/s3cors/rule"
)

// upload is a profile of one PUT upload preflighted with the headers of
// the AWS SDK for JavaScript v3.
var upload = &Profile{
	Name: "sdk:put-object",
	File: &clientprofile.File{Client: "sdk"},
	Op: &clientprofile.Operation{Name: "put-object", Requests: []clientprofile.Request{{
		Operation: "PutObject", Method: "PUT", Target: "object", Preflight: true,
		RequestMethod: "PUT", RequestHeaders: "amz-sdk-invocation-id,content-type,x-amz-checksum-crc32,x-amz-date",
	}}},
}

// manyRules returns n rules, each allowing GET from its own origin.
func manyRules(n int) *rule.Configuration {
	c := &rule.Configuration{}
	for i := range n {
		c.Rules = append(c.Rules, rule.Rule{AllowedOrigins: []string{fmt.Sprintf("https://app%d.example.com", i)}, AllowedMethods: []string{"GET"}})
	}
	return c
}

// TestFixPerRule checks that the refusals of many rules (M1: the first
// rule that matches applies) give one fix per change rather than one per
// request, and messages that stay short whatever the number of rules.
func TestFixPerRule(t *testing.T) {
	c := manyRules(100)
	reps := Check(c, []*Profile{upload}, Origins(c, nil))
	if len(reps) != 100 {
		t.Fatalf("%d reports, want 100", len(reps))
	}
	for _, rep := range reps {
		if rep.Allowed || len(rep.Requests) != 1 || len(rep.Requests[0].Problems) != 1 {
			t.Fatalf("%+v", rep)
		}
		p := rep.Requests[0].Problems[0]
		if len(p.Message) > 400 || !strings.Contains(p.Message, "97 other rules (97 origin not allowed)") {
			t.Errorf("message of %d bytes: %s", len(p.Message), p.Message)
		}
	}
	if p := reps[7].Requests[0].Problems[0]; p.Rule == nil || *p.Rule != 7 ||
		p.Fix != `add "PUT" to AllowedMethods, and "amz-sdk-invocation-id", "content-type", "x-amz-checksum-crc32" and "x-amz-date" to AllowedHeaders of rule 7` {
		t.Errorf("fix of origin 7: %+v", p)
	}
	fixes := Fixes(c, reps)
	if len(fixes) != 1 || len(fixes[0].Rules) != 100 ||
		fixes[0].Fix != `add "PUT" to AllowedMethods, and "amz-sdk-invocation-id", "content-type", "x-amz-checksum-crc32" and "x-amz-date" to AllowedHeaders of rule 0, rule 1, rule 2 and 97 more rules (each)` {
		t.Errorf("fixes: %+v", fixes)
	}
}

// TestSmallestFix checks that the rule needing the fewest additions is
// chosen, counting the origin, the method and each refused header (M2,
// M4, M5), and that a pattern in AllowedHeaders is honoured.
func TestSmallestFix(t *testing.T) {
	c := &rule.Configuration{Rules: []rule.Rule{
		{AllowedOrigins: []string{"https://other.example.com"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"*"}},
		{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"x-amz-*", "content-type"}},
	}}
	reps := Check(c, []*Profile{upload}, []string{"https://app.example.com"})
	p := reps[0].Requests[0].Problems[0]
	if p.Rule == nil || *p.Rule != 0 || p.Fix != `add "https://app.example.com" to AllowedOrigins of rule 0` {
		t.Errorf("problem %+v", p)
	}
	c.Rules[0].AllowedHeaders = nil
	reps = Check(c, []*Profile{upload}, []string{"https://app.example.com"})
	p = reps[0].Requests[0].Problems[0]
	if p.Rule == nil || *p.Rule != 1 || p.Fix != `add "amz-sdk-invocation-id" to AllowedHeaders of rule 1` || p.Header == nil || *p.Header != "amz-sdk-invocation-id" {
		t.Errorf("problem %+v", p)
	}
}

func BenchmarkCheck100Rules(b *testing.B) {
	c := manyRules(100)
	origins := Origins(c, nil)
	for b.Loop() {
		Fixes(c, Check(c, []*Profile{upload}, origins))
	}
}
