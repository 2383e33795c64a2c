package matcher_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/internal/naive"
	"github.com/s3cors/s3cors/matcher"
)

// TestPattern checks the pattern language through the public API: M4 (one
// "*", any run of bytes), D1 (origins case-sensitive) and M5 (headers
// ASCII case-insensitive). The exhaustive tables and the differential fuzz
// against a naive matcher live with the implementation.
func TestPattern(t *testing.T) {
	tests := []struct {
		name    string
		compile func(string) (matcher.Pattern, error)
		pattern string
		s       string
		want    bool
	}{
		{"M4/literal", matcher.Origin, "https://a.com", "https://a.com", true},
		{"M4/star-matches-all", matcher.Origin, "*", "null", true},
		{"M4/star-matches-empty", matcher.Origin, "*", "", true},
		{"M4/star-crosses-dots", matcher.Origin, "http://*.example.com", "http://a.b.example.com", true},
		{"M4/no-overlap", matcher.Origin, "ab*ba", "aba", false},
		{"M4/empty-run", matcher.Origin, "start*end", "startend", true},
		{"D1/case-sensitive", matcher.Origin, "https://a.com", "HTTPS://A.COM", false},
		{"D1/no-normalisation", matcher.Origin, "https://a.com", "https://a.com/", false},
		{"M5/case-insensitive-literal", matcher.Header, "Content-Type", "content-TYPE", true},
		{"M5/case-insensitive-wildcard", matcher.Header, "x-AMZ-*", "X-amz-date", true},
		{"M5+D26/non-ascii-exact", matcher.Header, "x-é", "X-É", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.compile(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Match(tc.s); got != tc.want {
				t.Errorf("%q.Match(%q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
			}
			if p.String() != tc.pattern {
				t.Errorf("String() = %q, want %q", p.String(), tc.pattern)
			}
		})
	}
}

func TestZeroPattern(t *testing.T) {
	var p matcher.Pattern
	if !p.Match("") || p.Match("a") || p.String() != "" {
		t.Error("the zero Pattern must be the empty literal")
	}
}

// TestPatternError checks V11 and V12: more than one "*" is refused, with the
// pattern named.
func TestPatternError(t *testing.T) {
	for _, compile := range []func(string) (matcher.Pattern, error){matcher.Origin, matcher.Header} {
		for _, pattern := range []string{"**", "a*b*", "*a*b*c*"} {
			p, err := compile(pattern)
			var pe *matcher.PatternError
			if !errors.As(err, &pe) || pe.Pattern != pattern {
				t.Fatalf("%q: error %v, want a *PatternError naming the pattern", pattern, err)
			}
			if p != (matcher.Pattern{}) {
				t.Errorf("%q: non-zero Pattern returned with the error", pattern)
			}
			n := strings.Count(pattern, "*")
			if !strings.HasPrefix(err.Error(), "matcher: pattern ") || !strings.Contains(err.Error(), " has "+string(rune('0'+n))+" wildcards") {
				t.Errorf("%q: message %q", pattern, err)
			}
		}
	}
}

// FuzzPattern checks that a compiled Pattern agrees with a matcher written
// straight from the pattern language, and that compiling never panics.
func FuzzPattern(f *testing.F) {
	f.Add("http://*.example.com", "http://a.example.com", false)
	f.Add("x-amz-*", "X-Amz-Date", true)
	f.Add("ab*ba", "aba", false)
	f.Add("**", "", true)
	f.Fuzz(func(t *testing.T, pattern, s string, header bool) {
		compile := matcher.Origin
		if header {
			compile = matcher.Header
		}
		p, err := compile(pattern)
		if strings.Count(pattern, "*") > 1 {
			if err == nil {
				t.Fatalf("%q compiled", pattern)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: %v", pattern, err)
		}
		if got, want := p.Match(s), naive.Match(pattern, s, header); got != want {
			t.Fatalf("%q.Match(%q) = %v, want %v", pattern, s, got, want)
		}
	})
}
