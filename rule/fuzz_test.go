package rule_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/rule"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, and every
// configuration it accepts must survive writing and reading in every form
// unchanged (G1).
func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir(configsDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if doc, err := os.ReadFile(filepath.Join(configsDir, e.Name())); err == nil && len(doc) < 8<<10 {
			f.Add(doc)
		}
	}
	f.Add([]byte(`<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>a&#xD;b</AllowedOrigin></CORSRule></CORSConfiguration>`))
	f.Add([]byte(`[{"AllowedMethods":["GET"],"AllowedOrigins":["\r\n\t<]]>"],"ID":""}]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := rule.Parse(doc)
		if err != nil {
			if _, ok := err.(*rule.Error); !ok {
				t.Fatalf("Parse returned %T, want *rule.Error", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted what Validate refuses: %v", err)
		}
		assertRoundTrip(t, c)
	})
}

// FuzzRoundTrip builds configurations from arbitrary strings, so that values
// the parsers would rarely produce (carriage returns, markup characters,
// non-ASCII text) are written and read back in every form.
func FuzzRoundTrip(f *testing.F) {
	f.Add("https://*.example.com", "x-amz-*", "ETag", "id", 3000, true)
	f.Add("a\rb<&>\"'", "", "", "\r", -1, false)
	f.Fuzz(func(t *testing.T, origin, header, expose, id string, age int, hasAge bool) {
		r := rule.Rule{
			AllowedMethods: []string{"GET", "PUT"},
			AllowedOrigins: []string{origin, "*"},
			ID:             &id,
		}
		if header != "" {
			r.AllowedHeaders = []string{header}
		}
		if expose != "" {
			r.ExposeHeaders = []string{expose}
		}
		if hasAge {
			age = int(int32(age))
			r.MaxAgeSeconds = &age
		}
		c := &rule.Configuration{Rules: []rule.Rule{r}}
		if c.Validate() != nil {
			return
		}
		doc := mustEncode(t, c, rule.FormJSON)
		back, err := rule.Parse(doc)
		if err != nil {
			// The only valid configurations that cannot be stored are those
			// holding characters that XML cannot carry.
			if !strings.Contains(err.(*rule.Error).Detail, "cannot carry") {
				t.Fatalf("Parse(Encode(FormJSON)): %v\n%s", err, doc)
			}
			return
		}
		assertRoundTrip(t, back)
		if diff := cmp.Diff(c, back); diff != "" {
			t.Fatalf("JSON round trip changed the configuration (-before +after):\n%s", diff)
		}
	})
}
