package main

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// explainJSON is the documented shape of explain --format json.
type explainJSON struct {
	Kind    string      `json:"kind"`
	Status  *int        `json:"status"`
	Headers [][2]string `json:"headers"`
	Error   *struct {
		Code         string `json:"code"`
		Message      string `json:"message"`
		Method       string `json:"method"`
		ResourceType string `json:"resourceType"`
	} `json:"error"`
	MatchedRule *int `json:"matchedRule"`
	Rules       []struct {
		Index   int     `json:"index"`
		ID      *string `json:"id"`
		Matched bool    `json:"matched"`
		Reason  string  `json:"reason"`
	} `json:"rules"`
}

func explainAsJSON(t *testing.T, stdin string, args ...string) explainJSON {
	t.Helper()
	r := s3cors(t, stdin, append(append([]string{"explain"}, args...), "--format", "json")...)
	if r.code != 0 {
		t.Fatalf("exit code %d\n%s", r.code, r.stderr)
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	var x explainJSON
	if err := dec.Decode(&x); err != nil {
		t.Fatalf("decoding explain JSON: %v\n%s", err, r.stdout)
	}
	return x
}

func headerNames(h [][2]string) []string {
	var n []string
	for _, f := range h {
		n = append(n, f[0])
	}
	return n
}

func TestExplainPreflightAllowed(t *testing.T) {
	t.Parallel()
	x := explainAsJSON(t, "", "explain.json", "--origin", "https://app.example.com",
		"--request-method", "PUT", "--request-header", "Content-Type, X-Amz-Date")
	if x.Kind != "preflight" || x.Status == nil || *x.Status != 200 || x.Error != nil || x.MatchedRule == nil || *x.MatchedRule != 1 {
		t.Fatalf("got %+v", x)
	}
	want := [][2]string{
		{"Access-Control-Allow-Origin", "https://app.example.com"},
		{"Access-Control-Allow-Methods", "PUT, POST"},
		{"Access-Control-Allow-Headers", "content-type, x-amz-date"},
		{"Access-Control-Expose-Headers", "ETag"},
		{"Access-Control-Max-Age", "3000"},
		{"Access-Control-Allow-Credentials", "true"},
		{"Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"},
	}
	assert.Equal(t, want, x.Headers, "headers")
	if len(x.Rules) != 3 {
		t.Fatalf("%d rules", len(x.Rules))
	}
	if r := x.Rules[0]; r.Matched || r.ID == nil || *r.ID != "reads" || r.Reason != "origin matches `*`; method PUT not in [GET, HEAD]" {
		t.Errorf("rule 0: %+v", r)
	}
	if r := x.Rules[1]; !r.Matched || !strings.HasPrefix(r.Reason, "origin matches `https://*.example.com`; method PUT in [PUT, POST]; headers content-type, x-amz-date allowed by [content-type, x-amz-*]") {
		t.Errorf("rule 1: %+v", r)
	}
	if r := x.Rules[2]; r.Matched || r.ID != nil || r.Reason != "origin `https://app.example.com` matches none of [https://admin.example.com]" {
		t.Errorf("rule 2: %+v", r)
	}
}

func TestExplainPreflightRefused(t *testing.T) {
	t.Parallel()
	x := explainAsJSON(t, "", "explain.json", "--origin", "https://app.example.com",
		"--request-method", "DELETE", "--target", "bucket")
	if x.Kind != "preflight" || *x.Status != 403 || x.MatchedRule != nil || x.Error == nil {
		t.Fatalf("got %+v", x)
	}
	if x.Error.Code != "AccessForbidden" || x.Error.Method != "DELETE" || x.Error.ResourceType != "BUCKET" || x.Error.Message != "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec." {
		t.Errorf("error %+v", *x.Error)
	}
	assert.Equal(t, []string{"Content-Type"}, headerNames(x.Headers), "headers")
	if r := x.Rules[1]; r.Reason != "origin matches `https://*.example.com`; method DELETE not in [PUT, POST]" {
		t.Errorf("rule 1: %+v", r)
	}

	// A requested header that the rule does not allow.
	x = explainAsJSON(t, "", "explain.json", "--origin", "https://app.example.com",
		"--request-method", "PUT", "--request-header", "content-type", "--request-header", "authorization")
	if *x.Status != 403 || x.Error.ResourceType != "OBJECT" {
		t.Errorf("got %+v", x)
	}
	if r := x.Rules[1]; r.Matched || !strings.HasSuffix(r.Reason, "header `authorization` not allowed by [content-type, x-amz-*]") {
		t.Errorf("rule 1: %+v", r)
	}

	// Without Access-Control-Request-Method.
	x = explainAsJSON(t, "", "explain.json", "--origin", "https://app.example.com", "--method", "OPTIONS")
	if *x.Status != 400 || x.Error.Code != "BadRequest" || x.Error.Message != "Invalid Access-Control-Request-Method: null" {
		t.Errorf("got %+v", x)
	}
	assert.Equal(t, []string{"Content-Type", "Connection"}, headerNames(x.Headers), "headers")
}

func TestExplainActual(t *testing.T) {
	t.Parallel()
	x := explainAsJSON(t, "", "explain.json", "--origin", "https://app.example.com")
	if x.Kind != "actual" || x.Status != nil || x.Error != nil || x.MatchedRule == nil || *x.MatchedRule != 0 {
		t.Fatalf("got %+v", x)
	}
	want := [][2]string{
		{"Access-Control-Allow-Origin", "*"},
		{"Access-Control-Allow-Methods", "GET, HEAD"},
		{"Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"},
	}
	assert.Equal(t, want, x.Headers, "headers")
	if r := x.Rules[0]; !r.Matched || r.Reason != "origin matches `*`; method GET in [GET, HEAD]: S3 applies this rule" {
		t.Errorf("rule 0: %+v", r)
	}

	// PUT from a page that no rule allows: no headers.
	x = explainAsJSON(t, "", "explain.json", "--origin", "https://other.test", "--method", "PUT")
	if x.Kind != "actual" || x.MatchedRule != nil || len(x.Headers) != 0 {
		t.Errorf("got %+v", x)
	}
	// Without Origin.
	x = explainAsJSON(t, "", "explain.json", "--origin", "")
	if x.Kind != "actual" || x.MatchedRule != nil || len(x.Headers) != 0 || x.Rules[0].Reason != "the request has no Origin, so no rule matches" {
		t.Errorf("got %+v", x)
	}
	// Later matches are reported as such.
	x = explainAsJSON(t, "", "explain.json", "--origin", "https://admin.example.com", "--method", "PUT")
	if *x.MatchedRule != 1 || !x.Rules[2].Matched || !strings.HasSuffix(x.Rules[2].Reason, ": matches too, but rule 1 comes first") {
		t.Errorf("got %+v", x)
	}
}

func TestExplainJSONKeys(t *testing.T) {
	t.Parallel()
	r := s3cors(t, "", "explain", "explain.json", "--origin", "https://app.example.com", "--format", "json")
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"error", "headers", "kind", "matchedRule", "rules", "status"}, keys, "keys")
	if m["status"] != nil || m["error"] != nil {
		t.Errorf("status %v error %v, want null for an actual request", m["status"], m["error"])
	}
	rule0 := m["rules"].([]any)[0].(map[string]any)
	keys = keys[:0]
	for k := range rule0 {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"id", "index", "matched", "reason"}, keys, "rule keys")
	r = s3cors(t, "", "explain", "explain.json", "--origin", "https://x.test", "--request-method", "PUT", "--format", "json")
	m = nil
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	e := m["error"].(map[string]any)
	keys = keys[:0]
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"code", "message", "method", "resourceType"}, keys, "error keys")
}

func TestExplainText(t *testing.T) {
	t.Parallel()
	r := s3cors(t, "", "explain", "explain.json", "--origin", "https://app.example.com", "--request-method", "DELETE")
	r.expect(t, 0, []string{
		"Request: OPTIONS to an object\n  Origin: https://app.example.com\n  Access-Control-Request-Method: DELETE\n",
		"Answer: S3 answers the preflight itself:\n  403 Forbidden\n  Content-Type: application/xml\n",
		"  <?xml version=\"1.0\" encoding=\"UTF-8\"?>\n  <Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.",
		"<Method>DELETE</Method><ResourceType>OBJECT</ResourceType><RequestId></RequestId><HostId></HostId></Error>\n",
		"   rule 0 `reads`: origin matches `*`; method DELETE not in [GET, HEAD]\n",
		"   rule 1 `uploads`: origin matches `https://*.example.com`; method DELETE not in [PUT, POST]\n",
		"   rule 2: origin `https://app.example.com` matches none of [https://admin.example.com]\n",
	}, nil)

	r = s3cors(t, "", "explain", "explain.json", "--origin", "https://app.example.com", "--method", "HEAD")
	r.expect(t, 0, []string{
		"Request: HEAD to an object\n",
		"S3 handles the HEAD request as usual; CORS never refuses it.\n  It adds these headers to the response, error responses included:\n  Access-Control-Allow-Origin: *\n  Access-Control-Allow-Methods: GET, HEAD\n  Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method\n",
		"-> rule 0 `reads`: origin matches `*`; method HEAD in [GET, HEAD]: S3 applies this rule\n",
	}, nil)
}

func TestExplainInvalidConfig(t *testing.T) {
	t.Parallel()
	r := s3cors(t, "", "explain", "s3-invalid-method.json", "--origin", "https://app.example.com")
	r.expect(t, 1, nil, []string{
		"explain: S3 would refuse the configuration in s3-invalid-method.json: 400 InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is get",
		"'s3cors lint s3-invalid-method.json' lists every problem",
	})
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
}

func TestExplainRawRequest(t *testing.T) {
	t.Parallel()
	curl := mustRead(t, "testdata/request-curl.txt")
	x := explainAsJSON(t, curl, "explain.json", "--request", "-")
	if x.Kind != "preflight" || *x.Status != 200 || *x.MatchedRule != 1 {
		t.Fatalf("curl: %+v", x)
	}
	if x.Headers[2] != [2]string{"Access-Control-Allow-Headers", "content-type, x-amz-date"} {
		t.Errorf("curl: headers %v", x.Headers)
	}

	// Flags override the raw request.
	x = explainAsJSON(t, curl, "explain.json", "--request", "-", "--request-method", "DELETE")
	if *x.Status != 403 || x.Error.Method != "DELETE" || x.Error.ResourceType != "OBJECT" {
		t.Errorf("override: %+v", x)
	}
	x = explainAsJSON(t, curl, "explain.json", "--request", "-", "--origin", "https://admin.example.com", "--request-header", "x-amz-date", "--request-method", "DELETE")
	if *x.Status != 403 {
		t.Errorf("override: %+v", x) // rule 2 allows no headers
	}

	// Developer tools, path-style bucket URL: the bucket itself.
	x = explainAsJSON(t, "", "explain.json", "--request", "request-devtools.txt")
	if *x.Status != 403 || x.Error.ResourceType != "BUCKET" || x.Error.Method != "DELETE" {
		t.Errorf("devtools: %+v", x)
	}
	if r := x.Rules[2]; !strings.HasSuffix(r.Reason, "header `x-amz-date` requested but the rule allows no headers") {
		t.Errorf("devtools rule 2: %+v", r)
	}

	// Headers only, no request line, from standard input; no "> " prefix.
	x = explainAsJSON(t, "Origin: https://app.example.com\nAccess-Control-Request-Method: POST\n", "explain.json", "--request", "-")
	if *x.Status != 200 || *x.MatchedRule != 1 {
		t.Errorf("headers only: %+v", x)
	}
	// Without Origin the request is explained as such.
	x = explainAsJSON(t, "GET /key HTTP/1.1\nHost: localhost:9000\n", "explain.json", "--request", "-")
	if x.Kind != "actual" || len(x.Headers) != 0 || x.MatchedRule != nil {
		t.Errorf("no origin: %+v", x)
	}
	s3cors(t, "\n\n", "explain", "explain.json", "--request", "-").expect(t, 2, nil, []string{"explain: cannot read the request in <stdin>"})
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExplainReadsRequestHeadersAsTheEngine checks that explain describes
// Access-Control-Request-Headers with the names the engine judged (M5,
// D11): only spaces and tabs are trimmed, so a vertical tab stays part of
// the name, and past the engine's limits no name is listed as allowed.
func TestExplainReadsRequestHeadersAsTheEngine(t *testing.T) {
	t.Parallel()
	const config = `[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}]`
	r := s3cors(t, config, "explain", "-", "--origin", "https://a.example", "--request-method", "PUT", "--request-header", "X-A,\vX-B")
	r.expect(t, 0, []string{"Access-Control-Allow-Headers: x-a, \vx-b", "headers x-a, \vx-b allowed by [*]"}, nil)

	many := strings.Repeat("a,", 257)
	r = s3cors(t, config, "explain", "-", "--origin", "https://a.example", "--request-method", "PUT", "--request-header", many)
	r.expect(t, 0, []string{"403 Forbidden", "Access-Control-Request-Headers too large"}, nil)
	if strings.Contains(r.stdout, "allowed by") {
		t.Errorf("explain lists names the engine never judged:\n%s", r.stdout)
	}
}
