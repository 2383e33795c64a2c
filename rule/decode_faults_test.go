package rule_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/rule"
)

// allFaults is what a linter lists: the faults Decode found while reading,
// then the Configuration's Problems (D24).
func allFaults(t *testing.T, doc string) (faults []*rule.Error, first error) {
	t.Helper()
	c, err := rule.Decode([]byte(doc))
	if err != nil {
		var joined interface{ Unwrap() []error }
		if errors.As(err, &joined) {
			for _, e := range joined.Unwrap() {
				faults = append(faults, e.(*rule.Error))
			}
		} else {
			faults = append(faults, err.(*rule.Error))
		}
	}
	if c != nil {
		faults = append(faults, c.Problems()...)
	}
	_, first = rule.Parse([]byte(doc))
	return faults, first
}

// TestDecodeListsEveryFault checks that a fault found while reading (V7, V8,
// D16, D20, D21) does not hide the faults after it: Decode reads on, and
// together with Problems every fault is listed in S3's order (D24), the
// first being what Parse, and S3, answer.
func TestDecodeListsEveryFault(t *testing.T) {
	type fault struct {
		Code    string
		Rule    int
		Element string
		Value   string
	}
	tests := []struct {
		name string
		doc  string
		want []fault
	}{
		{"V7+V10+V11+V12/xml-maxage-hides-nothing", `<CORSConfiguration>
<CORSRule><AllowedMethod>get</AllowedMethod><AllowedOrigin>https://*.*.example.com</AllowedOrigin><AllowedHeader>x-*-*</AllowedHeader><MaxAgeSeconds>1099511627776</MaxAgeSeconds></CORSRule>
<CORSRule><AllowedMethod>PATCH</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>
</CORSConfiguration>`, []fault{
			{"MalformedXML", 0, "MaxAgeSeconds", "1099511627776"},
			{"InvalidRequest", 0, "AllowedMethod", "get"},
			{"InvalidRequest", 0, "AllowedOrigin", "https://*.*.example.com"},
			{"InvalidRequest", 0, "AllowedHeader", "x-*-*"},
			{"InvalidRequest", 1, "AllowedMethod", "PATCH"},
		}},
		{"V8+D20+V6/xml-duplicates-and-unknown-elements", `<CORSConfiguration>
<CORSRule><ID>a</ID><ID>b</ID><MaxAge>3</MaxAge><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>
<CORSRule><MaxAgeSeconds>x</MaxAgeSeconds><MaxAgeSeconds>1</MaxAgeSeconds><AllowedOrigin>*</AllowedOrigin></CORSRule>
</CORSConfiguration>`, []fault{
			{"MalformedXML", 0, "ID", "b"},
			{"MalformedXML", 0, "MaxAge", ""},
			{"MalformedXML", 1, "MaxAgeSeconds", "x"},
			{"MalformedXML", 1, "MaxAgeSeconds", "1"},
			{"MalformedXML", 1, "AllowedMethod", ""},
		}},
		{"V7+D21+V10+V13/json-maxage-and-unknown-key", `{"CORSRules": [
{"AllowedMethods": ["get"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 3000.5, "MaxAge": 3},
{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "ExposeHeaders": ["*"]}]}`, []fault{
			{"MalformedXML", 0, "", "MaxAge"},
			{"MalformedXML", 0, "MaxAgeSeconds", "3000.5"},
			{"InvalidRequest", 0, "AllowedMethod", "get"},
			{"InvalidRequest", 1, "ExposeHeader", "*"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			faults, first := allFaults(t, tc.doc)
			var got []fault
			for _, e := range faults {
				got = append(got, fault{e.Code, e.Rule, e.Element, e.Value})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("faults (-want +got):\n%s", diff)
			}
			if len(faults) > 0 && (first == nil || first.Error() != faults[0].Error()) {
				t.Errorf("Parse = %v, want the first fault %v", first, faults[0])
			}
		})
	}
}

// TestJSONSyntaxFaultPosition checks that JSON that is not well-formed is
// reported as S3's MalformedXML (D21) with a detail that says it is JSON and
// gives the line and column of the fault.
func TestJSONSyntaxFaultPosition(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"D21/trailing-comma", "{\n  \"CORSRules\": [\n    {\"AllowedMethods\": [\"GET\"],}\n  ]\n}", "JSON is not well-formed: line 3, column 32:"},
		{"D21/cut-short", "[\n  {\"AllowedMethods\": [\"GÉT\"", "JSON is not well-formed: line 2, column 28:"},
		{"D21/first-character", "{]", "JSON is not well-formed: line 1, column 2:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rule.Parse([]byte(tc.doc))
			e, ok := err.(*rule.Error)
			if !ok || e.Code != rule.CodeMalformedXML {
				t.Fatalf("Parse = %v, want MalformedXML", err)
			}
			if !strings.Contains(e.Detail, tc.want) || strings.Contains(e.Detail, "byte") {
				t.Errorf("Detail = %q, want it to contain %q", e.Detail, tc.want)
			}
		})
	}
}
