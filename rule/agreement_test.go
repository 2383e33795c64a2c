package rule_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/s3cors/s3cors/rule"
)

// Validation, encoding and parsing agree (V7, D16, D18, D24, G1):
//
//   - a configuration that Validate accepts is written by Encode, in every
//     form, as a document that Parse accepts and reads back unchanged;
//   - a document written by Encode that Parse refuses comes from a
//     configuration that Validate refuses, for the same first fault when the
//     form carried every value.
//
// Documents over MaxDocumentSize are left out: the size limit is a property
// of a document's bytes, not of the configuration (C4).

// chooser picks among n alternatives.
type chooser interface{ choose(n int) int }

// bytesChooser picks from the bytes a fuzzer provides, then always the first
// alternative.
type bytesChooser struct{ b []byte }

func (c *bytesChooser) choose(n int) int {
	if len(c.b) == 0 {
		return 0
	}
	v := int(c.b[0])
	c.b = c.b[1:]
	return v % n
}

// randChooser picks at random from a seeded source.
type randChooser struct{ r *rand.Rand }

func (c randChooser) choose(n int) int { return c.r.IntN(n) }

// Values that every part of the agreement must handle: valid ones, each
// fault of V10 to V14, D16 and D18, and characters that XML and JSON write
// specially.
var (
	genMethods = []string{"GET", "PUT", "HEAD", "POST", "DELETE", "get", "PATCH", "", " GET"}
	genOrigins = []string{"*", "https://*.example.com", "http://localhost:3000", "", "a*b*", "x\r\ny",
		"<&>\"'", "]]>", "\u2028\u00e9🚀", "\x01", "\xff", "\uFFFE", "\t "}
	genHeaders = []string{"*", "x-amz-*", "Content-Type", "**", "a b", "x:y", "", "é", "\r"}
	genExposes = []string{"ETag", "x-amz-request-id", "*", "a b", "", "<x>"}
	genIDs     = []string{"", "rule-1", " spaced id ", "<&\r>", strings.Repeat("é", 255), strings.Repeat("x", 256), "\x00"}
	genAges    = []int{0, -1, 3000, math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1, 1 << 40}
)

// pickList returns nil, an empty list or one to three values of pool.
func pickList(c chooser, pool []string) []string {
	switch n := c.choose(5); n {
	case 0:
		return nil
	case 1:
		return []string{}
	default:
		out := make([]string, n-1)
		for i := range out {
			out[i] = pool[c.choose(len(pool))]
		}
		return out
	}
}

// generate builds a configuration of zero to three rules from c's choices.
func generate(c chooser) *rule.Configuration {
	conf := &rule.Configuration{}
	if c.choose(8) == 0 {
		return conf
	}
	for n := c.choose(3) + 1; n > 0; n-- {
		r := rule.Rule{
			AllowedHeaders: pickList(c, genHeaders),
			AllowedMethods: pickList(c, genMethods),
			AllowedOrigins: pickList(c, genOrigins),
			ExposeHeaders:  pickList(c, genExposes),
		}
		if i := c.choose(len(genIDs) + 1); i > 0 {
			id := genIDs[i-1]
			r.ID = &id
		}
		if i := c.choose(len(genAges) + 1); i > 0 {
			age := genAges[i-1]
			r.MaxAgeSeconds = &age
		}
		conf.Rules = append(conf.Rules, r)
	}
	return conf
}

// checkAgreement checks the agreement for one configuration.
func checkAgreement(t *testing.T, c *rule.Configuration) {
	t.Helper()
	verr := c.Validate()
	for _, f := range []rule.Form{rule.FormXML, rule.FormJSON, rule.FormConsole} {
		doc := mustEncode(t, c, f)
		if len(doc) > rule.MaxDocumentSize {
			continue
		}
		back, perr := rule.Parse(doc)
		if verr == nil {
			if perr != nil {
				t.Fatalf("Validate accepts, Parse(Encode(%v)) refuses: %v\n%s", f, perr, doc)
			}
			// XML has no empty list: an empty one reads back as absent (C3).
			var opts []cmp.Option
			if f == rule.FormXML {
				opts = append(opts, cmpopts.EquateEmpty())
			}
			if diff := cmp.Diff(c, back, opts...); diff != "" {
				t.Fatalf("%v round trip changed the configuration (-before +after):\n%s\n%s", f, diff, doc)
			}
			continue
		}
		if perr == nil {
			// Encode writes in XML what XML cannot carry as U+FFFD, and in
			// JSON invalid UTF-8 the same way (D18): the document then holds
			// other values than c, which Validate refused for them.
			if e := verr.(*rule.Error); !strings.Contains(e.Detail, "cannot carry") {
				t.Fatalf("Validate refuses (%v), Parse(Encode(%v)) accepts:\n%s", verr, f, doc)
			}
			continue
		}
		if f == rule.FormXML || !validUTF8(c) {
			continue // values replaced by U+FFFD may fault elsewhere first
		}
		ve, pe := verr.(*rule.Error), perr.(*rule.Error)
		if ve.Code != pe.Code || ve.Message != pe.Message || ve.Rule != pe.Rule || ve.Element != pe.Element {
			t.Fatalf("Validate and Parse(Encode(%v)) disagree on the first fault:\nValidate: %v\nParse:    %v\n%s", f, verr, perr, doc)
		}
	}
}

// validUTF8 reports whether every value of c is valid UTF-8, which JSON
// carries unchanged.
func validUTF8(c *rule.Configuration) bool {
	for _, r := range c.Rules {
		if r.ID != nil && !utf8.ValidString(*r.ID) {
			return false
		}
		for _, l := range [][]string{r.AllowedHeaders, r.AllowedMethods, r.AllowedOrigins, r.ExposeHeaders} {
			for _, v := range l {
				if !utf8.ValidString(v) {
					return false
				}
			}
		}
	}
	return true
}

// TestValidateEncodeParseAgree plays the agreement on seeded random
// configurations, the same ones on every run.
func TestValidateEncodeParseAgree(t *testing.T) {
	c := randChooser{rand.New(rand.NewPCG(17, 1))}
	for range 1000 {
		checkAgreement(t, generate(c))
	}
}

// TestValidateMaxAgeRange checks that a MaxAgeSeconds that S3 cannot read as
// a 32-bit integer is refused by Validate as by Parse (V7, D16), so that
// Compile and a Store refuse what PutBucketCors would refuse.
func TestValidateMaxAgeRange(t *testing.T) {
	for _, age := range []int{math.MaxInt32 + 1, math.MinInt32 - 1, 1 << 40} {
		c := &rule.Configuration{Rules: []rule.Rule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}, MaxAgeSeconds: &age}}}
		err := c.Validate()
		e, ok := err.(*rule.Error)
		if !ok || e.Code != rule.CodeMalformedXML || e.Element != "MaxAgeSeconds" || e.Rule != 0 {
			t.Errorf("MaxAgeSeconds %d: Validate = %v, want MalformedXML on rule 0's MaxAgeSeconds", age, err)
		}
	}
	for _, age := range []int{math.MaxInt32, math.MinInt32, 0, -1} {
		c := &rule.Configuration{Rules: []rule.Rule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}, MaxAgeSeconds: &age}}}
		if err := c.Validate(); err != nil {
			t.Errorf("MaxAgeSeconds %d: Validate = %v, want nil (V15, D16)", age, err)
		}
	}
}

// FuzzValidateEncodeParse plays the agreement on configurations that the
// fuzzer's bytes choose.
func FuzzValidateEncodeParse(f *testing.F) {
	f.Add([]byte{1, 0, 2, 1, 2, 3, 2, 0, 1, 0, 8})
	f.Add([]byte{7, 2, 4, 3, 3, 1, 1, 0, 4, 5, 2, 2, 6, 7})
	f.Fuzz(func(t *testing.T, b []byte) {
		checkAgreement(t, generate(&bytesChooser{b}))
	})
}
