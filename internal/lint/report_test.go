package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/rule"
)

// TestDocumentListsEveryFault checks that a fault at the schema level (a
// MaxAgeSeconds that is not a number, V7) does not hide the faults of
// content that follow it (V10 method case and PATCH, V11 two wildcards):
// lint lists them all, the one S3 answers with first.
func TestDocumentListsEveryFault(t *testing.T) {
	doc := `<CORSConfiguration>
<CORSRule><AllowedOrigin>https://*.a.*.example</AllowedOrigin><AllowedMethod>get</AllowedMethod><MaxAgeSeconds>abc</MaxAgeSeconds></CORSRule>
<CORSRule><AllowedOrigin>https://b.example</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>
</CORSConfiguration>`
	c, err := rule.Decode([]byte(doc))
	rep := Document("cors.xml", c, err)
	type fault struct{ Code, Element, Value string }
	var got []fault
	for _, p := range rep.Problems {
		got = append(got, fault{p.Code, p.Element, p.Value})
	}
	want := []fault{
		{rule.CodeMalformedXML, "MaxAgeSeconds", "abc"},
		{rule.CodeInvalidRequest, "AllowedMethod", "get"},
		{rule.CodeInvalidRequest, "AllowedOrigin", "https://*.a.*.example"},
		{rule.CodeInvalidRequest, "AllowedMethod", "PATCH"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("faults (-want +got):\n%s", diff)
	}
	if rep.S3.Accepted || len(rep.S3.Errors) != len(want) {
		t.Errorf("verdict %+v, want refused with %d errors", rep.S3, len(want))
	}
}

// TestDocumentMisspeltElement checks that a misspelt required element
// (a JSON key or an XML element that S3's schema does not know, V4) is
// listed once, not again as the element the rule then lacks (V6).
func TestDocumentMisspeltElement(t *testing.T) {
	for _, doc := range []string{
		`[{"AllowedMethods": ["GET"], "AllowedOrigin": ["https://a.example.com"]}]`,
		`<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigins>https://a.example.com</AllowedOrigins></CORSRule></CORSConfiguration>`,
	} {
		c, err := rule.Decode([]byte(doc))
		rep := Document("cors", c, err)
		if len(rep.Problems) != 1 || rep.Problems[0].Code != rule.CodeMalformedXML {
			for _, p := range rep.Problems {
				t.Logf("%+v", *p)
			}
			t.Errorf("%s: %d faults, want the misspelt element alone", doc, len(rep.Problems))
		}
	}
}

// TestDocumentMisspeltElementHidesNothingElse checks that a fault in a
// rule hides only the "missing" problem of the element it misspells: a
// rule that also lacks AllowedMethod is still said to (V6).
func TestDocumentMisspeltElementHidesNothingElse(t *testing.T) {
	for _, doc := range []string{
		`{"CORSRules":[{"AllowedOrigins":["https://a.example"],"ExposeHeader":["ETag"]}]}`,
		`{"CORSRules":[{"AllowedOrigins":["https://a.example"],"MaxAgeSeconds":"abc"}]}`,
		`<CORSConfiguration><CORSRule><AllowedOrigin>https://a.example</AllowedOrigin><ExposeHeadr>ETag</ExposeHeadr></CORSRule></CORSConfiguration>`,
	} {
		c, err := rule.Decode([]byte(doc))
		rep := Document("cors", c, err)
		found := false
		for _, p := range rep.Problems {
			found = found || p.Element == "AllowedMethod" && p.Value == ""
		}
		if !found || len(rep.Problems) != 2 {
			for _, p := range rep.Problems {
				t.Logf("%+v", *p)
			}
			t.Errorf("%s: %d faults, want the fault and the missing AllowedMethod", doc, len(rep.Problems))
		}
	}
}
