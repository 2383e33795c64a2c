package rule_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3cors/s3cors/rule"
)

// messageMalformedXML is S3's MalformedXML message (V4).
const messageMalformedXML = "The XML you provided was not well-formed or did not validate against our published schema"

// outcome is one entry of testdata/configs/outcomes.json: a document and what
// PutBucketCors answers for it.
type outcome struct {
	File    string          `json:"file"`
	Spec    []string        `json:"spec"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Status  int             `json:"status"`
	Rule    *int            `json:"rule"`
	Notes   string          `json:"notes"`
	CORS    *cliDocument    `json:"cors"`
	Raw     json.RawMessage `json:"-"`
}

// cliDocument mirrors the AWS CLI JSON independently of the parser under
// test, so that expectations do not go through the code they check.
type cliDocument struct {
	CORSRules []struct {
		ID             *string
		AllowedHeaders []string
		AllowedMethods []string
		AllowedOrigins []string
		ExposeHeaders  []string
		MaxAgeSeconds  *int
	}
}

func (d *cliDocument) configuration() *rule.Configuration {
	c := &rule.Configuration{}
	for _, r := range d.CORSRules {
		c.Rules = append(c.Rules, rule.Rule(r))
	}
	return c
}

const configsDir = "../testdata/configs"

func loadOutcomes(t *testing.T) []outcome {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(configsDir, "outcomes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Cases []outcome }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

// TestParseTestdata checks every document of testdata/configs against the
// outcome recorded for it (spec §2 V4–V14, §1 C2–C4, §15 D5).
func TestParseTestdata(t *testing.T) {
	cases := loadOutcomes(t)
	listed := map[string]bool{}
	for _, tc := range cases {
		listed[tc.File] = true
		t.Run(strings.Join(tc.Spec, "+")+"/"+tc.File, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join(configsDir, tc.File))
			if err != nil {
				t.Fatal(err)
			}
			c, err := rule.Parse(doc)
			if tc.Code != "" {
				var e *rule.Error
				if !errors.As(err, &e) {
					t.Fatalf("Parse = %v, %v; want *rule.Error %s", c, err, tc.Code)
				}
				if e.Code != tc.Code || e.Message != tc.Message || e.Status != tc.Status {
					t.Errorf("error = %q %q %d\nwant    %q %q %d", e.Code, e.Message, e.Status, tc.Code, tc.Message, tc.Status)
				}
				if tc.Rule != nil && e.Rule != *tc.Rule {
					t.Errorf("error names rule %d; want %d", e.Rule, *tc.Rule)
				}
				if e.Detail == "" {
					t.Error("error has no Detail explaining the fault")
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tc.CORS.configuration(), c); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
	entries, err := os.ReadDir(configsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if name != "outcomes.json" && !strings.Contains(name, ".golden.") && !listed[name] {
			t.Errorf("%s has no entry in outcomes.json", name)
		}
	}
}

// TestGetBucketCorsXML checks the exact GetBucketCors body (G1, G2, D6).
func TestGetBucketCorsXML(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(configsDir, "valid-any-order.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(configsDir, "valid-any-order.golden.xml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := rule.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustEncode(t, c, rule.FormXML); string(got) != string(want) {
		t.Errorf("Encode(FormXML) =\n%s\nwant\n%s", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// TestParseValues checks details of reading values (C2, C3, V7).
func TestParseValues(t *testing.T) {
	const head = `<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>`
	const tail = `</CORSRule></CORSConfiguration>`
	tests := []struct {
		name string
		doc  string
		want rule.Rule
	}{
		{"C2/whitespace-kept", head + `<AllowedOrigin> https://a.com </AllowedOrigin>` + tail,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{" https://a.com "}}},
		{"C2/entities-and-cdata", head + `<AllowedOrigin>a&amp;b&#x3C;<![CDATA[<c>]]></AllowedOrigin>` + tail,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"a&b<<c>"}}},
		{"C2/comments-ignored", `<?xml version="1.0"?><!-- c --><CORSConfiguration><!-- c --><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>x<!-- c -->y</AllowedOrigin></CORSRule></CORSConfiguration><!-- c -->`,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"xy"}}},
		{"C2/empty-id-present", head + `<AllowedOrigin>*</AllowedOrigin><ID/>` + tail,
			rule.Rule{ID: ptr(""), AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}},
		{"V7/maxage-xsd-int-spaces-and-sign", head + `<AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds> +0030 </MaxAgeSeconds>` + tail,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}, MaxAgeSeconds: ptr(30)}},
		{"V7/maxage-zero", head + `<AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds>0</MaxAgeSeconds>` + tail,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}, MaxAgeSeconds: ptr(0)}},
		{"V7/maxage-int32-min", head + `<AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds>-2147483648</MaxAgeSeconds>` + tail,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}, MaxAgeSeconds: ptr(-2147483648)}},
		{"C3+D17/json-null-means-absent", `[{"ID":null,"AllowedMethods":["GET"],"AllowedOrigins":["*"],"MaxAgeSeconds":null,"ExposeHeaders":null}]`,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}},
		{"C3/json-bom-and-unicode", "\uFEFF" + `{"CORSRules":[{"AllowedMethods":["GET"],"AllowedOrigins":["https://b\u00fccher.example","<&>"]}]}`,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"https://bücher.example", "<&>"}}},
		{"C2/namespaced", `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`,
			rule.Rule{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := rule.Parse([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&rule.Configuration{Rules: []rule.Rule{tc.want}}, c); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			assertRoundTrip(t, c)
		})
	}
}

// TestParseMalformed checks documents that S3 refuses as MalformedXML
// (V4–V8), and that the detail explains why.
func TestParseMalformed(t *testing.T) {
	const rule0 = `<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>`
	tests := []struct {
		name, doc, detail string
	}{
		{"V4/empty", "", "empty"},
		{"V4/not-xml-or-json", "CORSRules: []", "neither XML"},
		{"V4/other-namespace", `<CORSConfiguration xmlns="urn:x">` + rule0 + `</CORSConfiguration>`, "root element"},
		{"V4/child-other-namespace", `<CORSConfiguration><CORSRule><AllowedMethod xmlns="urn:x">GET</AllowedMethod></CORSRule></CORSConfiguration>`, "namespace"},
		{"V4+D20/doctype", `<!DOCTYPE x [<!ENTITY a "b">]><CORSConfiguration>` + rule0 + `</CORSConfiguration>`, "document type"},
		{"V4/second-root", `<CORSConfiguration>` + rule0 + `</CORSConfiguration><CORSConfiguration/>`, "single root"},
		{"V4/text-in-rule", `<CORSConfiguration><CORSRule>GET<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`, "text directly inside CORSRule"},
		{"V4/nested-element", `<CORSConfiguration><CORSRule><AllowedOrigin><b/></AllowedOrigin></CORSRule></CORSConfiguration>`, "holds text only"},
		{"V4/plural-element", `<CORSConfiguration><CORSRule><AllowedMethods>GET</AllowedMethods></CORSRule></CORSConfiguration>`, `did you mean "AllowedMethod"`},
		{"V4+D18/invalid-utf8", "<CORSConfiguration><CORSRule><AllowedOrigin>\xff</AllowedOrigin></CORSRule></CORSConfiguration>", "not well-formed"},
		{"V4/latin1-encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><CORSConfiguration>` + rule0 + `</CORSConfiguration>`, "not well-formed"},
		{"V4/second-xml-declaration", `<?xml version="1.0"?><?xml version="1.0"?><CORSConfiguration>` + rule0 + `</CORSConfiguration>`, "XML declaration"},
		{"V4/declaration-after-space", ` <?xml version="1.0"?><CORSConfiguration>` + rule0 + `</CORSConfiguration>`, "XML declaration"},
		{"V4/declaration-inside", `<CORSConfiguration><?xml version="1.0"?>` + rule0 + `</CORSConfiguration>`, "XML declaration"},
		{"V4/duplicate-attribute", `<CORSConfiguration a="1" a="2">` + rule0 + `</CORSConfiguration>`, "repeats the attribute"},
		{"V7/maxage-float", `<CORSConfiguration><CORSRule><MaxAgeSeconds>1.5</MaxAgeSeconds></CORSRule></CORSConfiguration>`, "not an integer"},
		{"V7+D16/maxage-overflow", `<CORSConfiguration><CORSRule><MaxAgeSeconds>2147483648</MaxAgeSeconds></CORSRule></CORSConfiguration>`, "not an integer"},
		{"V7/maxage-double-sign", `<CORSConfiguration><CORSRule><MaxAgeSeconds>+-1</MaxAgeSeconds></CORSRule></CORSConfiguration>`, "not an integer"},
		{"V7/maxage-empty", `<CORSConfiguration><CORSRule><MaxAgeSeconds/></CORSRule></CORSConfiguration>`, "not an integer"},
		{"V7/json-maxage-float", `[{"AllowedMethods":["GET"],"AllowedOrigins":["*"],"MaxAgeSeconds":3000.0}]`, "not an integer"},
		{"V7/json-maxage-string", `[{"AllowedMethods":["GET"],"AllowedOrigins":["*"],"MaxAgeSeconds":"3000"}]`, "not an integer"},
		{"C3/json-string-for-list", `{"CORSRules":[{"AllowedMethods":"GET","AllowedOrigins":["*"]}]}`, "list of strings"},
		{"C3+D17/json-null-in-list", `[{"AllowedMethods":["GET"],"AllowedOrigins":["*",null]}]`, "holds null"},
		{"C3/json-unknown-top-key", `{"CORSConfiguration":{"CORSRules":[]}}`, "whole put-bucket-cors input"},
		{"C3/json-keys-are-case-sensitive", `{"corsrules":[]}`, "unknown key"},
		{"C3/json-trailing-garbage", `[{"AllowedMethods":["GET"],"AllowedOrigins":["*"]}] x`, "not well-formed"},
		{"C3+D18/json-invalid-utf8", "[{\"AllowedMethods\":[\"GET\"],\"AllowedOrigins\":[\"\xff\"]}]", "UTF-8"},
		{"C3/json-control-character", `[{"AllowedMethods":["GET"],"AllowedOrigins":["a\u0001"]}]`, "cannot carry"},
		{"C3/json-rule-not-object", `[1]`, "not a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := rule.Parse([]byte(tc.doc))
			var e *rule.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse = %v, %v; want MalformedXML", c, err)
			}
			if e.Code != rule.CodeMalformedXML || e.Message != messageMalformedXML || e.Status != 400 {
				t.Errorf("error = %s %q %d", e.Code, e.Message, e.Status)
			}
			if !strings.Contains(e.Detail, tc.detail) {
				t.Errorf("Detail = %q; want it to mention %q", e.Detail, tc.detail)
			}
		})
	}
}

// TestSizeLimit checks that the 64 KiB limit applies to the document's bytes
// before anything is parsed (D5).
func TestSizeLimit(t *testing.T) {
	pad := func(n int) []byte {
		doc := `<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`
		return []byte(doc + strings.Repeat(" ", n-len(doc)))
	}
	if _, err := rule.Parse(pad(rule.MaxDocumentSize)); err != nil {
		t.Errorf("document of exactly 64 KiB: %v", err)
	}
	_, err := rule.Parse(pad(rule.MaxDocumentSize + 1))
	var e *rule.Error
	if !errors.As(err, &e) || e.Code != "MaxMessageLengthExceeded" || e.Message != "Your request was too big." || e.Status != 400 {
		t.Errorf("document of 64 KiB + 1: %v", err)
	}
	// Even garbage is refused for its size first.
	if _, err := rule.Parse(make([]byte, rule.MaxDocumentSize+1)); !errors.As(err, &e) || e.Code != "MaxMessageLengthExceeded" {
		t.Errorf("oversized garbage: %v", err)
	}
}

// TestProblems checks that every fault is listed in S3's order while
// Validate returns the first (V5–V14): structure before values, rules in
// document order (D24), an ID measured in characters (D19).
func TestProblems(t *testing.T) {
	c := &rule.Configuration{Rules: []rule.Rule{
		{AllowedMethods: []string{"get", "PATCH"}, AllowedOrigins: []string{"a**"}, AllowedHeaders: []string{"x y", "a*b*"}, ExposeHeaders: []string{"*", "a:b"}},
		{AllowedOrigins: []string{"*"}, ID: ptr(strings.Repeat("é", 256))},
	}}
	type fault struct{ Code, Element, Value string }
	want := []fault{
		{"MalformedXML", "AllowedMethod", ""},
		{"MalformedXML", "ID", strings.Repeat("é", 256)},
		{"InvalidRequest", "AllowedMethod", "get"},
		{"InvalidRequest", "AllowedMethod", "PATCH"},
		{"InvalidRequest", "AllowedOrigin", "a**"},
		{"InvalidRequest", "AllowedHeader", "x y"},
		{"InvalidRequest", "AllowedHeader", "a*b*"},
		{"InvalidRequest", "ExposeHeader", "*"},
		{"InvalidRequest", "ExposeHeader", "a:b"},
	}
	var got []fault
	for _, e := range c.Problems() {
		got = append(got, fault{e.Code, e.Element, e.Value})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
	if err := c.Validate(); err == nil || err.(*rule.Error).Element != "AllowedMethod" || err.(*rule.Error).Rule != 1 {
		t.Errorf("Validate = %v; want the missing AllowedMethod of rule 1", err)
	}
	if p := (&rule.Configuration{Rules: []rule.Rule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{""}}}}).Problems(); p != nil {
		t.Errorf("Problems of a valid configuration = %v", p)
	}
}

func TestErrorString(t *testing.T) {
	_, err := rule.Parse([]byte(`{"CORSRules":[{"ID":"up","AllowedMethods":["get"],"AllowedOrigins":["*"]}]}`))
	want := `InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is get (rule 0 (ID "up"): AllowedMethod "get" must be written exactly "GET": methods are case-sensitive and take no spaces)`
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v\nwant      %s", err, want)
	}
}

func TestForm(t *testing.T) {
	t.Parallel()
	for f, name := range map[rule.Form]string{rule.FormXML: "xml", rule.FormJSON: "json", rule.FormConsole: "console", rule.Form(7): "Form(7)"} {
		assert.Equal(t, name, f.String())
	}
	c := &rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}}}
	doc, err := c.Encode(rule.Form(7))
	assert.Nil(t, doc)
	require.Error(t, err, "Encode of an unknown Form must not fall back to a form silently")
	assert.Contains(t, err.Error(), "Form(7)")
}

// TestNilConfiguration checks that a nil *Configuration is a configuration
// without rules for every method, never a panic (V5).
func TestNilConfiguration(t *testing.T) {
	t.Parallel()
	var c *rule.Configuration
	var e *rule.Error
	require.ErrorAs(t, c.Validate(), &e)
	assert.Equal(t, rule.CodeMalformedXML, e.Code)
	assert.Len(t, c.Problems(), 1)
	assert.Nil(t, c.Clone())
	doc, err := c.Encode(rule.FormXML)
	require.NoError(t, err)
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></CORSConfiguration>`, string(doc))
}

// TestParseXML checks that PutBucketCors bodies must be XML: the JSON forms
// get the MalformedXML S3 answers, with a Detail naming the fix.
func TestParseXML(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}`,
		` [{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`,
	} {
		_, err := rule.ParseXML([]byte(doc))
		var e *rule.Error
		require.ErrorAs(t, err, &e, doc)
		assert.Equal(t, rule.CodeMalformedXML, e.Code)
		assert.Contains(t, e.Detail, "s3cors convert")
	}
	c, err := rule.ParseXML([]byte(`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`))
	require.NoError(t, err)
	assert.Equal(t, []string{"GET"}, c.Rules[0].AllowedMethods)
	_, err = rule.ParseXML(make([]byte, rule.MaxDocumentSize+1))
	var e *rule.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, rule.CodeMaxMessageLengthExceeded, e.Code, "size is checked first (C4)")
}

// mustEncode writes c in form f.
func mustEncode(t testing.TB, c *rule.Configuration, f rule.Form) []byte {
	t.Helper()
	doc, err := c.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// assertRoundTrip checks that c survives writing and reading in every form
// (G1).
func assertRoundTrip(t *testing.T, c *rule.Configuration) {
	t.Helper()
	for _, f := range []rule.Form{rule.FormXML, rule.FormJSON, rule.FormConsole} {
		doc := mustEncode(t, c, f)
		back, err := rule.Decode(doc)
		if err != nil {
			t.Errorf("Decode(Encode(%v)): %v\n%s", f, err, doc)
			continue
		}
		// XML has no empty list: an empty one reads back as absent (C3).
		var opts []cmp.Option
		if f == rule.FormXML {
			opts = append(opts, cmpopts.EquateEmpty())
		}
		if diff := cmp.Diff(c, back, opts...); diff != "" {
			t.Errorf("%v round trip changed the configuration (-before +after):\n%s", f, diff)
		}
	}
}
