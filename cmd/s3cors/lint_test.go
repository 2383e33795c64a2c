package main

import (
	"github.com/s3cors/s3cors/internal/lint"

	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
)

// lintJSON is the documented shape of lint --format json, decoded strictly.
type lintJSON struct {
	File string `json:"file"`
	S3   struct {
		Accepted bool `json:"accepted"`
		Errors   []struct {
			Code    string  `json:"code"`
			Message string  `json:"message"`
			Rule    *int    `json:"rule"`
			Value   *string `json:"value"`
			Detail  string  `json:"detail"`
		} `json:"errors"`
	} `json:"s3"`
	Findings []struct {
		ID       string  `json:"id"`
		Severity string  `json:"severity"`
		Rule     *int    `json:"rule"`
		Value    *string `json:"value"`
		Message  string  `json:"message"`
		Fix      string  `json:"fix"`
	} `json:"findings"`
}

func lintAsJSON(t *testing.T, files ...string) ([]lintJSON, result) {
	t.Helper()
	r := s3cors(t, "", append([]string{"lint", "--format", "json", "--fail-on", "info"}, files...)...)
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	var out []lintJSON
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("decoding lint JSON: %v\n%s", err, r.stdout)
	}
	return out, r
}

// TestLintFindings lints one fixture per finding ID and checks the exact
// set of findings.
func TestLintFindings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want []string // "ID@rule"
	}{
		{"clean.json", nil},
		{"s3c101-any-origin.json", []string{"S3C101@0"}},
		{"s3c102-any-with-others.json", []string{"S3C101@0", "S3C102@0"}},
		{"s3c103-any-host.xml", []string{"S3C103@0"}},
		{"s3c104-no-dot.json", []string{"S3C104@0"}},
		{"s3c105-registrable.json", []string{"S3C105@0"}},
		{"s3c106-open-end.json", []string{"S3C106@0"}},
		{"s3c107-plain-http.json", []string{"S3C107@0"}},
		{"s3c108-null.json", []string{"S3C108@0"}},
		{"s3c109-empty-origin.json", []string{"S3C109@0"}},
		{"s3c110-not-an-origin.json", []string{"S3C110@0"}},
		{"s3c201-any-header-broad.json", []string{"S3C101@0", "S3C201@0"}},
		{"s3c301-shadowed.xml", []string{"S3C301@1"}},
		{"s3c302-duplicate.json", []string{"S3C302@1"}},
		{"s3c401-no-etag.json", []string{"S3C401@0"}},
		{"s3c501-maxage-chromium.json", []string{"S3C501@0"}},
		{"s3c502-maxage-firefox.json", []string{"S3C502@0"}},
		{"s3c503-maxage-negative.json", []string{"S3C503@0"}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			reports, _ := lintAsJSON(t, tt.file)
			if len(reports) != 1 {
				t.Fatalf("got %d reports, want 1", len(reports))
			}
			rep := reports[0]
			if rep.File != tt.file || !rep.S3.Accepted || len(rep.S3.Errors) != 0 {
				t.Errorf("file %q accepted %v errors %v; want %q accepted with no errors", rep.File, rep.S3.Accepted, rep.S3.Errors, tt.file)
			}
			var got []string
			for _, f := range rep.Findings {
				if f.Rule == nil {
					t.Errorf("%s: rule is null", f.ID)
					continue
				}
				got = append(got, f.ID+"@"+itoa(*f.Rule))
				covered[f.ID] = true
				if f.Message == "" || f.Fix == "" {
					t.Errorf("%s: empty message or fix", f.ID)
				}
				if want := severityOf(f.ID); f.Severity != want {
					t.Errorf("%s: severity %q, want %q", f.ID, f.Severity, want)
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
	for _, c := range lint.Checks {
		if !covered[c.ID] {
			t.Errorf("no fixture produces %s", c.ID)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func severityOf(id string) string {
	for _, c := range lint.Checks {
		if c.ID == id {
			return c.Severity.String()
		}
	}
	return "?"
}

func TestLintExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"clean.json"}, 0},
		{[]string{"s3c101-any-origin.json"}, 0},                           // info < error
		{[]string{"--fail-on", "info", "s3c101-any-origin.json"}, 1},      // info >= info
		{[]string{"--fail-on", "warning", "s3c101-any-origin.json"}, 0},   // info < warning
		{[]string{"--fail-on", "warning", "s3c107-plain-http.json"}, 1},   // warning >= warning
		{[]string{"s3c107-plain-http.json"}, 0},                           // warning < error
		{[]string{"s3c104-no-dot.json"}, 1},                               // error
		{[]string{"s3-invalid-method.json"}, 1},                           // S3 refuses: error
		{[]string{"s3-not-well-formed.xml"}, 1},                           // S3 refuses: error
		{[]string{"clean.json", "s3c104-no-dot.json"}, 1},                 // any file
		{[]string{"clean.json", "missing.json", "s3c104-no-dot.json"}, 2}, // unreadable wins
		{[]string{"--fail-on", "info", "clean.json"}, 0},
		{[]string{"../../../testdata/configs/valid-minimal.xml"}, 0},
		{[]string{"../../../testdata/configs/invalid-no-rules.json"}, 1},
		{[]string{"s3c104-no-dot.json", "--fail-on", "info"}, 1}, // flags after files
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := s3cors(t, "", append([]string{"lint"}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestLintS3Errors(t *testing.T) {
	t.Parallel()
	reports, r := lintAsJSON(t, "s3-invalid-method.json", "s3-not-well-formed.xml", "s3c104-no-dot.json")
	if r.code != 1 || len(reports) != 3 {
		t.Fatalf("exit %d, %d reports; want 1 and 3", r.code, len(reports))
	}
	rep := reports[0]
	if rep.S3.Accepted || len(rep.S3.Errors) != 2 {
		t.Fatalf("S3 verdict %+v, want refused with two errors", rep.S3)
	}
	first := rep.S3.Errors[0]
	if first.Code != "InvalidRequest" || first.Message != "Found unsupported HTTP method in CORS config. Unsupported method is get" ||
		first.Rule == nil || *first.Rule != 0 || first.Value == nil || *first.Value != "get" {
		t.Errorf("first error %+v", first)
	}
	second := rep.S3.Errors[1]
	if second.Code != "InvalidRequest" || second.Message != `AllowedOrigin "https://**.example.com" can not have more than one wildcard.` ||
		second.Rule == nil || *second.Rule != 1 {
		t.Errorf("second error %+v", second)
	}

	bad := reports[1]
	if bad.S3.Accepted || len(bad.S3.Errors) != 1 || bad.S3.Errors[0].Code != "MalformedXML" ||
		bad.S3.Errors[0].Message != "The XML you provided was not well-formed or did not validate against our published schema" ||
		bad.S3.Errors[0].Rule != nil || bad.S3.Errors[0].Value != nil || len(bad.Findings) != 0 {
		t.Errorf("not well-formed: %+v", bad)
	}
	if !reports[2].S3.Accepted || reports[2].Findings[0].ID != "S3C104" {
		t.Errorf("third report %+v", reports[2])
	}
}

// TestLintJSONKeys checks the key names of the JSON output, null included.
func TestLintJSONKeys(t *testing.T) {
	t.Parallel()
	r := s3cors(t, "", "lint", "--format", "json", "s3-not-well-formed.xml", "s3c301-shadowed.xml")
	var raw []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		sort.Strings(k)
		return k
	}
	assert.Equal(t, []string{"file", "findings", "s3"}, keys(raw[0]), "top-level keys")
	s3 := raw[0]["s3"].(map[string]any)
	assert.Equal(t, []string{"accepted", "errors"}, keys(s3), "s3 keys")
	e := s3["errors"].([]any)[0].(map[string]any)
	assert.Equal(t, []string{"code", "detail", "message", "rule", "value"}, keys(e), "error keys")
	if e["rule"] != nil {
		t.Errorf("document-level error has rule %v, want null", e["rule"])
	}
	if fs, ok := raw[0]["findings"].([]any); !ok || len(fs) != 0 {
		t.Errorf("findings of an undecodable file: %v, want []", raw[0]["findings"])
	}
	f := raw[1]["findings"].([]any)[0].(map[string]any)
	assert.Equal(t, []string{"fix", "id", "message", "rule", "severity", "value"}, keys(f), "finding keys")
	if f["rule"] != 1.0 || f["severity"] != "warning" || f["id"] != "S3C301" {
		t.Errorf("finding %v", f)
	}
	if errs := raw[1]["s3"].(map[string]any)["errors"].([]any); len(errs) != 0 {
		t.Errorf("errors of an accepted file: %v, want []", errs)
	}
}

func TestLintText(t *testing.T) {
	t.Parallel()
	r := s3cors(t, "", "lint", "s3c301-shadowed.xml", "s3-invalid-method.json", "clean.json")
	r.expect(t, 1, []string{
		"s3c301-shadowed.xml\n  ok S3 accepts this configuration (PutBucketCors would answer 200)\n",
		"  rule 1 (ID \"app\")\n    warning S3C301 rule never applies: every origin and method it allows is taken by rule 0 (ID \"all-subdomains\")\n",
		"                   why: S3 uses the first rule that allows a request",
		"                   fix: remove the rule, or move it before the rules that take its requests\n",
		"  1 finding: 1 warning\n",
		"s3-invalid-method.json\n  error S3 refuses this configuration: PutBucketCors answers 400 InvalidRequest\n",
		"    InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is get\n      rule 0 (ID \"reads\"): ",
		"  after fixing that, S3 would also refuse:\n    InvalidRequest: AllowedOrigin \"https://**.example.com\" can not have more than one wildcard.\n",
		"clean.json\n  ok S3 accepts this configuration (PutBucketCors would answer 200)\n  no findings\n",
	}, nil)
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour codes in output that is not a terminal")
	}

	r = s3cors(t, "", "lint", "s3c104-no-dot.json")
	r.expect(t, 1, []string{
		`    error   S3C104 wildcard starts the host without a dot boundary: "https://*example.com" admits https://attackerexample.com`,
		"(a credentialed wildcard)",
	}, nil)
}

func TestLintStdin(t *testing.T) {
	t.Parallel()
	doc := `[{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://*.vercel.app"]}]`
	s3cors(t, doc, "lint", "-").expect(t, 1, []string{"<stdin>", "S3C105", "https://attacker.vercel.app"}, nil)
}
