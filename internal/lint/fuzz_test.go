package lint

import (
	"strings"
	"testing"

	"github.com/s3cors/s3cors/matcher"
)

// FuzzPatternCovers checks the soundness of the shadowing prover's pattern
// containment: whenever it claims that pattern a covers pattern b, every
// origin that b matches must be matched by a.
func FuzzPatternCovers(f *testing.F) {
	f.Add("https://*.example.com", "https://*.app.example.com", "https://x.app.example.com")
	f.Add("*", "https://a.com", "https://a.com")
	f.Add("a*", "ab*ba", "aba")
	f.Add("https://a.com", "https://a.com", "https://a.com")
	f.Fuzz(func(t *testing.T, a, b, origin string) {
		if !patternCovers(a, b) {
			return
		}
		pa, errA := matcher.Origin(a)
		pb, errB := matcher.Origin(b)
		if errA != nil || errB != nil {
			t.Fatalf("patternCovers(%q, %q) is true for an invalid pattern", a, b)
		}
		if pb.Match(origin) && !pa.Match(origin) {
			t.Fatalf("patternCovers(%q, %q), yet %q matches only the second", a, b, origin)
		}
		// Also try the origins that b's own text suggests.
		for _, s := range []string{strings.ReplaceAll(b, "*", ""), strings.ReplaceAll(b, "*", "x.y"), origin + b} {
			if pb.Match(s) && !pa.Match(s) {
				t.Fatalf("patternCovers(%q, %q), yet %q matches only the second", a, b, s)
			}
		}
	})
}
