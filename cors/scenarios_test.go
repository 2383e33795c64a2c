package cors_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// scenario is one benchmark case: a policy and a request.
type scenario struct {
	name   string
	policy *cors.Policy
	req    cors.Request
	// status and rule are the expected answer, checked before measuring.
	status, rule int
}

func scenarios() []scenario {
	simple := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{"GET", "PUT"},
		AllowedHeaders: []string{"content-type", "x-amz-date"},
		ExposeHeaders:  []string{"ETag"},
	}}})

	var many rule.Rule
	many.AllowedMethods = []string{"GET", "PUT"}
	many.AllowedHeaders = []string{"content-type", "x-amz-date"}
	for i := range 100 {
		n := strconv.Itoa(i)
		many.AllowedOrigins = append(many.AllowedOrigins, "https://app"+n+".example.com", "https://*.example"+n+".com")
	}
	manyOrigins := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{many}})

	var hundred rule.Configuration
	for i := range 100 {
		r := rule.Rule{AllowedMethods: []string{"GET", "PUT"}, AllowedHeaders: []string{"content-type", "x-amz-date"}}
		for j := range 10 {
			r.AllowedOrigins = append(r.AllowedOrigins, "https://app"+strconv.Itoa(i*10+j)+".example.com")
		}
		hundred.Rules = append(hundred.Rules, r)
	}
	hundredRules := cors.MustCompile(&hundred)

	allHeaders := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{"PUT"},
		AllowedHeaders: []string{"a", "x-*"},
	}}})

	// A configuration built to make header matching expensive: 100 rules
	// that allow every origin, each with 16 wildcard AllowedHeaders of
	// different shapes, so that every rule stays a candidate until the last
	// requested name fails.
	var costly rule.Configuration
	for i := range 100 {
		r := rule.Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PUT"}}
		for j := range 15 {
			r.AllowedHeaders = append(r.AllowedHeaders, "q"+strings.Repeat("x", j)+strconv.Itoa(i)+"*")
		}
		r.AllowedHeaders = append(r.AllowedHeaders, "a*")
		costly.Rules = append(costly.Rules, r)
	}
	costlyHeaders := cors.MustCompile(&costly)
	costlyNames := strings.Repeat("a"+strings.Repeat("x", 28)+",", maxRequestHeaders-1) + "zz"

	preflight := func(origin string, headers ...string) cors.Request {
		return cors.Request{Method: "OPTIONS", Origin: origin, RequestMethod: "PUT", RequestHeaders: headers}
	}
	return []scenario{
		{"a-preflight", simple, preflight("https://app.example.com", "content-type,x-amz-date"), 200, 0},
		{"b-get-allowed", simple, cors.Request{Method: "GET", Origin: "https://app.example.com"}, 0, 0},
		{"c-get-disallowed", simple, cors.Request{Method: "GET", Origin: "https://evil.example.com"}, 0, -1},
		{"d-preflight-200-origins-last-pattern", manyOrigins, preflight("https://x.example99.com", "content-type,x-amz-date"), 200, 0},
		{"e-no-origin", simple, cors.Request{Method: "GET"}, 0, -1},
		{"f-preflight-100-rules-last-matches", hundredRules, preflight("https://app999.example.com", "content-type,x-amz-date"), 200, 99},
		{"g-acrh-1MiB-commas", allHeaders, preflight("https://app.example.com", strings.Repeat(",", 1<<20)), 403, -1},
		{"g-acrh-100000-names", allHeaders, preflight("https://app.example.com", strings.Repeat("x-a,", 100000)), 403, -1},
		{"g-acrh-257-names", allHeaders, preflight("https://app.example.com", strings.Repeat("a,", maxRequestHeaders+1)), 403, -1},
		{"g-acrh-256-names-at-limit", allHeaders, preflight("https://app.example.com", strings.Repeat("a,", maxRequestHeaders)), 200, 0},
		{"g-acrh-256-names-100-costly-rules", costlyHeaders, preflight("https://app.example.com", costlyNames), 403, -1},
		{"g-acrh-256-wildcard-names-8KiB-at-limit", allHeaders, preflight("https://app.example.com", strings.Repeat("x-"+strings.Repeat("b", 29)+",", maxRequestHeaders)), 200, 0},
	}
}

func checkScenario(t testing.TB, s scenario) {
	t.Helper()
	res := s.policy.Evaluate(s.req)
	rule := -1
	if res.Matched {
		rule = res.Rule
	}
	if res.Status != s.status || rule != s.rule {
		t.Fatalf("%s: status %d rule %d, want %d %d", s.name, res.Status, rule, s.status, s.rule)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	for _, s := range scenarios() {
		b.Run(s.name, func(b *testing.B) {
			checkScenario(b, s)
			b.ReportAllocs()
			for b.Loop() {
				sinkResult = s.policy.Evaluate(s.req)
			}
		})
	}
}

// sinkResult keeps benchmark results alive.
var sinkResult cors.Result

// TestEvaluateAllocations checks that Evaluate allocates only the
// Access-Control-Allow-Headers value, when headers are requested, in
// scenarios (a) to (f).
func TestEvaluateAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts need a full run")
	}
	for _, s := range scenarios() {
		if strings.HasPrefix(s.name, "g-") {
			continue
		}
		checkScenario(t, s)
		want := 0.0
		if s.policy.Evaluate(s.req).Get("Access-Control-Allow-Headers") != "" {
			want = 1
		}
		if n := testing.AllocsPerRun(1000, func() { sinkResult = s.policy.Evaluate(s.req) }); n != want {
			t.Errorf("%s: %v allocations per Evaluate, want %v", s.name, n, want)
		}
	}
}
