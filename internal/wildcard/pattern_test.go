package wildcard

import (
	"errors"
	"fmt"
	"testing"

	"github.com/s3cors/s3cors/internal/naive"
)

type matchCase struct {
	name    string
	pattern string
	s       string
	want    bool
}

var originCases = []matchCase{
	// M4: "*" alone matches everything, including non-URLs and the empty string.
	{"M4 star matches empty", "*", "", true},
	{"M4 star matches URL", "*", "https://example.com", true},
	{"M4 star matches non-URL", "*", "localhost:4566", true},
	{"M4 star matches whatever", "*", "whatever", true},
	{"M4 star matches null", "*", "null", true},

	// M4: one "*" between a prefix and a suffix.
	{"M4 subdomain", "http://*.origin.com", "http://test.origin.com", true},
	{"M4 star crosses dots", "http://*.origin.com", "http://a.b.origin.com", true},
	{"M4 star crosses slash and colon", "http://*.origin.com", "http://x/y:1.origin.com", true},
	{"M4 trailing slash fails", "http://*.origin.com", "http://test.origin.com/", false},
	{"M4 empty label", "http://*.origin.com", "http://.origin.com", true},
	{"M4 missing dot", "http://*.origin.com", "http://origin.com", false},
	{"M4 other scheme", "http://*.origin.com", "https://test.origin.com", false},
	{"M4 zero-length match", "start*end", "startend", true},
	{"M4 start*end longer", "start*end", "start-middle-end", true},
	{"M4 start*end too short", "start*end", "starten", false},
	{"M4 non-overlap ab*ba vs aba", "ab*ba", "aba", false},
	{"M4 non-overlap ab*ba vs abba", "ab*ba", "abba", true},
	{"M4 non-overlap ab*ba vs abxba", "ab*ba", "abxba", true},
	{"M4 non-overlap a*a vs a", "a*a", "a", false},
	{"M4 prefix* vs prefix", "prefix*", "prefix", true},
	{"M4 prefix* vs prefix.suffix", "prefix*", "prefix.suffix", true},
	{"M4 prefix* vs pre", "prefix*", "pre", false},
	{"M4 *suffix vs foo.suffix", "*suffix", "foo.suffix", true},
	{"M4 *suffix vs suffix", "*suffix", "suffix", true},
	{"M4 *suffix vs foo.suffix.get", "*suffix", "foo.suffix.get", false},
	{"M4 *.get vs localhost", "*.get", "localhost", false},
	{"M4 *.get vs a.get", "*.get", "a.get", true},

	// M4: otherwise exact equality with no normalisation.
	{"M4 exact", "http://www.example.com", "http://www.example.com", true},
	{"M4 exact default port differs", "http://www.example.com:80", "http://www.example.com", false},
	{"M4 exact trailing slash differs", "http://www.example.com", "http://www.example.com/", false},
	{"M4 exact prefix only", "http://www.example.com", "http://www.example.co", false},
	{"M4 null literal", "null", "null", true},
	{"M4 null literal vs Null", "null", "Null", false},
	{"M4 null literal vs other", "null", "http://null", false},
	{"M4 empty pattern vs empty", "", "", true},
	{"M4 empty pattern vs text", "", "a", false},
	{"M4 star as a byte in origin", "a*", "a*", true},

	// D1: origins are case-sensitive, byte for byte.
	{"D1 upper-case origin", "https://a.com", "HTTPS://A.COM", false},
	{"D1 upper-case pattern", "HTTPS://A.COM", "https://a.com", false},
	{"D1 wildcard prefix case", "https://*.a.com", "HTTPS://x.a.com", false},
	{"D1 wildcard suffix case", "https://*.a.com", "https://x.A.com", false},
	{"D1 wildcard middle case kept", "https://*.a.com", "https://X.a.com", true},
	{"D1 non-ASCII bytes", "https://\u00e9.com", "https://\u00e9.com", true},
	{"D1 non-ASCII case", "https://\u00e9.com", "https://\u00c9.com", false},
}

var headerCases = []matchCase{
	// M5: header names compare ASCII case-insensitively with the M4 glob.
	{"M5 star matches empty", "*", "", true},
	{"M5 star matches anything", "*", "x-anything", true},
	{"M5 prefix wildcard mixed case", "x-AMZ-*", "X-amz-date", true},
	{"M5 prefix wildcard lower", "x-amz-*", "x-amz-date", true},
	{"M5 prefix wildcard zero-length", "x-amz-*", "x-amz-", true},
	{"M5 prefix wildcard miss", "x-amz-*", "x-am", false},
	{"M5 prefix wildcard other", "x-amz-*", "content-type", false},
	{"M5 suffix wildcard", "*-TYPE", "content-type", true},
	{"M5 suffix wildcard miss", "*-type", "content-types", false},
	{"M5 non-overlap", "ab*BA", "aba", false},
	{"M5 non-overlap fits", "ab*BA", "ABBA", true},
	{"M5 exact rule casing", "x-AMZ-server-SIDE-encryption", "x-amz-server-side-encryption", true},
	{"M5 exact request casing", "x-amz-expected-bucket-owner", "x-AMZ-expected-BUCKET-owner", true},
	{"M5 exact miss", "content-type", "content-length", false},
	{"M5 exact length differs", "content-type", "content-type2", false},
	{"M5 empty pattern vs empty", "", "", true},
	{"M5 empty pattern vs text", "", "a", false},
	{"M5 non-letters are not folded", "x-a[", "x-a{", false},
	{"M5 at sign vs backquote", "@", "`", false},
	{"M5 non-ASCII compares exactly", "x-\u00e9", "x-\u00e9", true},
	{"M5 no Unicode folding", "x-\u00e9", "X-\u00c9", false},
	{"M5 no Kelvin folding", "k", "\u212a", false},
	{"M5 high bytes not folded", "\xc1", "\xe1", false},
}

func TestOriginPattern(t *testing.T) {
	for _, tc := range originCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Origin(tc.pattern)
			if err != nil {
				t.Fatalf("Origin(%q): %v", tc.pattern, err)
			}
			if got := p.Match(tc.s); got != tc.want {
				t.Errorf("Origin(%q).Match(%q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
			}
			if ref := naive.Match(tc.pattern, tc.s, false); ref != tc.want {
				t.Errorf("reference disagrees with the table for %q vs %q: %v", tc.pattern, tc.s, ref)
			}
		})
	}
}

func TestHeaderPattern(t *testing.T) {
	for _, tc := range headerCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Header(tc.pattern)
			if err != nil {
				t.Fatalf("Header(%q): %v", tc.pattern, err)
			}
			if got := p.Match(tc.s); got != tc.want {
				t.Errorf("Header(%q).Match(%q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
			}
			if ref := naive.Match(tc.pattern, tc.s, true); ref != tc.want {
				t.Errorf("reference disagrees with the table for %q vs %q: %v", tc.pattern, tc.s, ref)
			}
		})
	}
}

// TestOriginVersusHeaderCase checks that the same text is case-sensitive as
// an origin pattern (D1) and case-insensitive as a header pattern (M5).
func TestOriginVersusHeaderCase(t *testing.T) {
	o, _ := Origin("x-AMZ-*")
	h, _ := Header("x-AMZ-*")
	if o.Match("x-amz-date") {
		t.Error(`D1: Origin("x-AMZ-*") matched "x-amz-date"`)
	}
	if !h.Match("x-amz-date") {
		t.Error(`M5: Header("x-AMZ-*") did not match "x-amz-date"`)
	}
}

func TestPatternAccessors(t *testing.T) {
	tests := []struct {
		pattern     string
		header      bool
		matchesAll  bool
		hasWildcard bool
	}{
		{"*", false, true, true},
		{"*", true, true, true},
		{"http://*.a.com", false, false, true},
		{"X-Amz-*", true, false, true},
		{"*x", false, false, true},
		{"x*", true, false, true},
		{"https://a.com", false, false, false},
		{"Content-Type", true, false, false},
		{"", false, false, false},
	}
	for _, tc := range tests {
		compile := Origin
		if tc.header {
			compile = Header
		}
		p, err := compile(tc.pattern)
		if err != nil {
			t.Fatalf("compile(%q): %v", tc.pattern, err)
		}
		if got := p.String(); got != tc.pattern {
			t.Errorf("String() = %q, want the original text %q", got, tc.pattern)
		}
		if got := p.MatchesAll(); got != tc.matchesAll {
			t.Errorf("%q.MatchesAll() = %v, want %v", tc.pattern, got, tc.matchesAll)
		}
		if got := p.HasWildcard(); got != tc.hasWildcard {
			t.Errorf("%q.HasWildcard() = %v, want %v", tc.pattern, got, tc.hasWildcard)
		}
	}
}

func TestZeroPattern(t *testing.T) {
	var p Pattern
	if !p.Match("") || p.Match("a") || p.MatchesAll() || p.HasWildcard() || p.String() != "" {
		t.Error("the zero Pattern should be the empty literal")
	}
}

func TestPatternTooManyWildcards(t *testing.T) {
	tests := []struct {
		pattern string
		n       int
	}{
		{"**", 2},
		{"a*b*", 2},
		{"*.*", 2},
		{"http://*.*.com", 2},
		{"***", 3},
		{"*a*b*c*", 4},
	}
	for _, tc := range tests {
		for _, c := range []struct {
			kind    string
			compile func(string) (Pattern, error)
		}{{"Origin", Origin}, {"Header", Header}} {
			p, err := c.compile(tc.pattern)
			if err == nil {
				t.Errorf("%s(%q) = %v, want an error", c.kind, tc.pattern, p)
				continue
			}
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("%s(%q): error %T is not a *PatternError", c.kind, tc.pattern, err)
			}
			if pe.Pattern != tc.pattern {
				t.Errorf("%s(%q): PatternError.Pattern = %q", c.kind, tc.pattern, pe.Pattern)
			}
			if want := fmt.Sprintf("pattern %q has %d wildcards; S3 allows at most one \"*\"", tc.pattern, tc.n); err.Error() != want {
				t.Errorf("%s(%q): error %q, want %q", c.kind, tc.pattern, err, want)
			}
			if p != (Pattern{}) {
				t.Errorf("%s(%q) returned a non-zero Pattern with its error", c.kind, tc.pattern)
			}
		}
	}
}
