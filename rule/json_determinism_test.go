package rule_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/rule"
)

// TestJSONUnknownKeyDeterministic checks that a JSON document with several
// unknown keys always gets the same error, naming the first unknown key in
// document order, at the top of the AWS CLI form and in the rule objects of
// both JSON forms (C3).
func TestJSONUnknownKeyDeterministic(t *testing.T) {
	cloudFormation, err := os.ReadFile(filepath.Join(configsDir, "invalid-cloudformation-names.json"))
	if err != nil {
		t.Fatal(err)
	}
	const known = "; known are ID, AllowedHeaders, AllowedMethods, AllowedOrigins, ExposeHeaders and MaxAgeSeconds"
	const ok = `{"AllowedMethods":["GET"],"AllowedOrigins":["*"]}`
	tests := []struct {
		name string
		doc  string
		rule int    // Error.Rule
		key  string // Error.Value: the first unknown key in document order
		// detail, when not empty, is the whole Error.Detail; otherwise it
		// must start with `unknown key "<key>"`.
		detail string
	}{
		{"testdata/invalid-cloudformation-names.json", string(cloudFormation), 0, "ExposedHeaders",
			`unknown key "ExposedHeaders" in rule 0` + known + `; did you mean "ExposeHeaders"? JSON uses plural keys holding lists`},
		{"cli/cloudformation-names-reversed",
			`{"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "MaxAge": 3000, "ExposedHeaders": ["ETag"]}]}`, 0, "MaxAge",
			`unknown key "MaxAge" in rule 0` + known + `; did you mean "MaxAgeSeconds"?`},
		{"cli/unknown-keys-around-known",
			`{"CORSRules":[{"Zeta":1,"AllowedMethods":["GET"],"Alpha":2,"AllowedOrigins":["*"],"Mid":3}]}`, 0, "Zeta", ""},
		{"cli/unknown-keys-in-second-rule",
			`{"CORSRules":[` + ok + `,{"AllowedOrigins":["*"],"b":1,"a":2,"AllowedMethods":["GET"],"c":3}]}`, 1, "b", ""},
		{"cli/singular-names",
			`{"CORSRules":[{"AllowedOrigin":["*"],"AllowedMethod":["GET"],"Id":"x","AllowedHeader":["*"],"ExposeHeader":["ETag"]}]}`, 0, "AllowedOrigin",
			`unknown key "AllowedOrigin" in rule 0` + known + `; did you mean "AllowedOrigins"? JSON uses plural keys holding lists`},
		{"cli/repeated-unknown-key",
			`{"CORSRules":[{"b":1,"a":2,"b":3,"AllowedMethods":["GET"],"AllowedOrigins":["*"]}]}`, 0, "b", ""},
		{"cli/escaped-key",
			`{"CORSRules":[{"AllowedMethods":["GET"],"AllowedOrigins":["*"],"\u005a":1,"A":2}]}`, 0, "Z", ""},
		{"cli/many-unknown-keys",
			`{"CORSRules":[{"k9":0,"k1":0,"k8":0,"k2":0,"k7":0,"k3":0,"k6":0,"k4":0,"k5":0,"k0":0,"AllowedMethods":["GET"],"AllowedOrigins":["*"]}]}`, 0, "k9", ""},
		{"top/two-unknown-keys",
			`{"Bucket":"b","CORSConfiguration":{"CORSRules":[` + ok + `]}}`, -1, "Bucket",
			`unknown key "Bucket" at the top of the document; the AWS CLI form is {"CORSRules": [...]}; pass only the configuration, not the request's bucket name`},
		{"top/two-unknown-keys-reversed",
			`{"CORSConfiguration":{"CORSRules":[` + ok + `]},"Bucket":"b"}`, -1, "CORSConfiguration",
			`unknown key "CORSConfiguration" at the top of the document; the AWS CLI form is {"CORSRules": [...]}; this looks like the whole put-bucket-cors input: use the object inside "CORSConfiguration"`},
		{"top/unknown-keys-around-rules",
			`{"zz":1,"CORSRules":[{"x":1,"y":2}],"aa":2,"Rules":[]}`, -1, "zz", ""},
		{"top/before-bad-rule",
			`{"CORSRules":[{"x":1,"y":2}],"zz":1,"aa":2}`, -1, "zz", ""},
		{"console/unknown-keys",
			`[{"AllowedMethods":["GET"],"Zeta":1,"AllowedOrigins":["*"],"Alpha":2,"Mid":3}]`, 0, "Zeta", ""},
		{"console/cloudformation-names",
			`[` + ok + `,{"MaxAge":1,"Id":"x","ExposedHeaders":["ETag"],"AllowedMethods":["GET"],"AllowedOrigins":["*"]}]`, 1, "MaxAge",
			`unknown key "MaxAge" in rule 1` + known + `; did you mean "MaxAgeSeconds"?`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var first string
			for run := range 50 {
				c, err := rule.Parse([]byte(tc.doc))
				var e *rule.Error
				if !errors.As(err, &e) {
					t.Fatalf("run %d: Parse = %v, %v; want *rule.Error", run, c, err)
				}
				if run == 0 {
					first = e.Error()
					if e.Code != rule.CodeMalformedXML || e.Message != messageMalformedXML || e.Status != 400 {
						t.Errorf("error = %s %q %d; want MalformedXML", e.Code, e.Message, e.Status)
					}
					if e.Rule != tc.rule || e.Element != "" || e.Value != tc.key {
						t.Errorf("error names rule %d, element %q, value %q; want rule %d, element \"\", value %q",
							e.Rule, e.Element, e.Value, tc.rule, tc.key)
					}
					if tc.detail != "" {
						if e.Detail != tc.detail {
							t.Errorf("Detail = %q\nwant     %q", e.Detail, tc.detail)
						}
					} else if want := `unknown key "` + tc.key + `"`; !strings.HasPrefix(e.Detail, want) {
						t.Errorf("Detail = %q; want it to start with %q", e.Detail, want)
					}
					continue
				}
				if got := e.Error(); got != first {
					t.Fatalf("run %d gave a different error:\n%s\nrun 0 gave\n%s", run, got, first)
				}
			}
		})
	}
}

// TestJSONRepeatedKnownKey pins what a repeated known key means: the last
// value is used, as json.Unmarshal, the AWS CLI (Python's json) and the
// console (JavaScript's JSON.parse) take it, and the repetition itself is not
// an error.
func TestJSONRepeatedKnownKey(t *testing.T) {
	for _, doc := range []string{
		`[{"ID":1,"AllowedMethods":["get"],"AllowedOrigins":["*"],"AllowedMethods":["GET"],"ID":"last"}]`,
		`{"CORSRules":[{"x":1}],"CORSRules":[{"ID":"last","AllowedMethods":["GET"],"AllowedOrigins":["*"]}]}`,
	} {
		for range 50 {
			c, err := rule.Parse([]byte(doc))
			if err != nil {
				t.Fatalf("Parse(%s): %v", doc, err)
			}
			want := rule.Rule{ID: ptr("last"), AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}
			if diff := cmp.Diff(&rule.Configuration{Rules: []rule.Rule{want}}, c); diff != "" {
				t.Fatalf("Parse(%s) (-want +got):\n%s", doc, diff)
			}
		}
	}
}

// TestJSONKeepsEmptyLists checks that converting between the JSON forms
// loses nothing: empty lists, which the console writes (C3), are written
// back as read, null stays absent (D17), and the JSON ends in a newline like
// the text file it becomes. The XML form, GetBucketCors's body byte for byte
// (G2), has no empty list and no final newline.
func TestJSONKeepsEmptyLists(t *testing.T) {
	const console = `[{"AllowedHeaders": [], "AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "ExposeHeaders": null}]`
	c, err := rule.Parse([]byte(console))
	if err != nil {
		t.Fatal(err)
	}
	want := map[rule.Form]string{
		rule.FormConsole: "[\n    {\n        \"AllowedHeaders\": [],\n        \"AllowedMethods\": [\n            \"GET\"\n        ],\n        \"AllowedOrigins\": [\n            \"*\"\n        ]\n    }\n]\n",
		rule.FormJSON:    "{\n    \"CORSRules\": [\n        {\n            \"AllowedHeaders\": [],\n            \"AllowedMethods\": [\n                \"GET\"\n            ],\n            \"AllowedOrigins\": [\n                \"*\"\n            ]\n        }\n    ]\n}\n",
		rule.FormXML:     `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`,
	}
	for f, w := range want {
		if got := string(mustEncode(t, c, f)); got != w {
			t.Errorf("Encode(%v) =\n%s\nwant\n%s", f, got, w)
		}
	}
}
