package wildcard

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/internal/naive"
)

// maxFuzzLen bounds the inputs the fuzz targets check, keeping the naive
// reference matcher (quadratic in the input length) fast.
const maxFuzzLen = 512

// checkCompileError checks the error a pattern with n > 1 wildcards yields.
func checkCompileError(t *testing.T, pattern string, err error) {
	t.Helper()
	n := strings.Count(pattern, "*")
	if n <= 1 {
		if err != nil {
			t.Fatalf("pattern %q with %d wildcards: unexpected error %v", pattern, n, err)
		}
		return
	}
	var pe *PatternError
	if !errors.As(err, &pe) {
		t.Fatalf("pattern %q with %d wildcards: error %v, want a *PatternError", pattern, n, err)
	}
	if pe.Pattern != pattern {
		t.Fatalf("pattern %q: PatternError.Pattern = %q", pattern, pe.Pattern)
	}
}

func FuzzPatternMatch(f *testing.F) {
	for _, tc := range originCases {
		f.Add(tc.pattern, tc.s, false)
	}
	for _, tc := range headerCases {
		f.Add(tc.pattern, tc.s, true)
	}
	f.Add("a*b*", "ab", false)
	f.Add("x-*-*", "x-a-b", true)
	f.Add("*Z", "\xffz", true)
	f.Fuzz(func(t *testing.T, pattern, s string, header bool) {
		if len(pattern) > maxFuzzLen || len(s) > maxFuzzLen {
			t.Skip()
		}
		compile := Origin
		if header {
			compile = Header
		}
		p, err := compile(pattern)
		checkCompileError(t, pattern, err)
		if err != nil {
			return
		}
		if got, want := p.Match(s), naive.Match(pattern, s, header); got != want {
			t.Fatalf("header=%v: %q.Match(%q) = %v, reference %v", header, pattern, s, got, want)
		}
		if p.String() != pattern {
			t.Fatalf("String() = %q, want %q", p.String(), pattern)
		}
		if p.MatchesAll() != (pattern == "*") {
			t.Fatalf("%q.MatchesAll() = %v", pattern, p.MatchesAll())
		}
		if p.HasWildcard() != strings.Contains(pattern, "*") {
			t.Fatalf("%q.HasWildcard() = %v", pattern, p.HasWildcard())
		}
	})
}

// parseOriginConfig splits a fuzz input into rules separated by "\n", each a
// list of AllowedOrigins separated by "|".
func parseOriginConfig(config string) [][]string {
	if config == "" {
		return nil
	}
	var rules [][]string
	for _, line := range strings.Split(config, "\n") {
		if line == "" {
			rules = append(rules, nil)
			continue
		}
		rules = append(rules, strings.Split(line, "|"))
	}
	return rules
}

func FuzzOriginIndex(f *testing.F) {
	f.Add("https://www.example.com\nhttp://*.origin.com|https://www.example.com\n*", "http://test.origin.com")
	f.Add("http://*.origin.com", "http://test.origin.com/")
	f.Add("start*end\nab*ba\nnull", "startend")
	f.Add("ab*ba|a*a\n\nprefix*|*suffix", "aba")
	f.Add("*|x\n*.get\n", "localhost:4566")
	f.Add("https://*.example0.com\nhttps://*.example99.com|https://www.example99.com", "https://x.example99.com")
	f.Add("|\n*", "")
	f.Add("HTTPS://A.COM\nhttps://a.com", "https://a.com")
	f.Add("a*b*\nx", "ab")
	f.Add(strings.Repeat("x\n", RuleSetCapacity), "x")
	f.Fuzz(func(t *testing.T, config, origin string) {
		if len(config) > 4*maxFuzzLen || len(origin) > maxFuzzLen {
			t.Skip()
		}
		rules := parseOriginConfig(config)
		x, err := NewOriginIndex(rules)
		if len(rules) > RuleSetCapacity {
			if err == nil {
				t.Fatalf("%d rules accepted", len(rules))
			}
			return
		}
		if !checkPatternError(t, err, slices.Concat(rules...)) {
			return
		}
		if got, want := x.Match(origin), refOriginRules(rules, origin); got != want {
			t.Fatalf("Match(%q) = %v, reference %v", origin, members(got), members(want))
		}
		var all RuleSet
		for i, list := range rules {
			for _, p := range list {
				if p == "*" {
					all.Add(i)
				}
			}
		}
		if got := x.MatchesAll(); got != all {
			t.Fatalf("MatchesAll() = %v, want %v", members(got), members(all))
		}
	})
}

func FuzzHeaderSet(f *testing.F) {
	f.Add("content-type,x-amz-*", "X-Amz-Date")
	f.Add("x-AMZ-server-SIDE-encryption", "x-amz-server-side-encryption")
	f.Add("*", "")
	f.Add("", "content-type")
	f.Add(",", "")
	f.Add("ab*ba,expires", "aba")
	f.Add("*-md5,authorization", "Content-MD5")
	f.Add(strings.Repeat("a", 130), strings.Repeat("A", 130))
	f.Add(strings.Repeat("b", 128)+",x", strings.Repeat("B", 128))
	f.Add("x-\u00e9", "X-\u00c9")
	f.Add("x-*-*", "x-a-b")
	f.Fuzz(func(t *testing.T, config, name string) {
		if len(config) > 4*maxFuzzLen || len(name) > maxFuzzLen {
			t.Skip()
		}
		var patterns []string
		if config != "" {
			patterns = strings.Split(config, ",")
		}
		h, err := NewHeaderSet(patterns)
		if !checkPatternError(t, err, patterns) {
			return
		}
		if got, want := h.Match(name), refHeaderMatch(patterns, name); got != want {
			t.Fatalf("%q.Match(%q) = %v, reference %v", patterns, name, got, want)
		}
		// Header names reach the matcher lower-cased in practice; the
		// lower-cased and upper-cased forms must agree with each other.
		lower, upper := strings.ToLower(name), strings.ToUpper(name)
		if isASCII(name) && h.Match(lower) != h.Match(upper) {
			t.Fatalf("%q: Match(%q) != Match(%q)", patterns, lower, upper)
		}
		if h.MatchesAll() != strings.Contains(","+config+",", ",*,") {
			t.Fatalf("%q.MatchesAll() = %v", patterns, h.MatchesAll())
		}
		if h.IsEmpty() != (len(patterns) == 0) {
			t.Fatalf("%q.IsEmpty() = %v", patterns, h.IsEmpty())
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkPatternError checks the error of compiling patterns, in order: a
// *PatternError naming the first pattern with two or more wildcards, or nil
// when there is none. It reports whether compiling succeeded.
func checkPatternError(t *testing.T, err error, patterns []string) bool {
	t.Helper()
	for _, p := range patterns {
		if strings.Count(p, "*") > 1 {
			var pe *PatternError
			if !errors.As(err, &pe) || pe.Pattern != p {
				t.Fatalf("error %v, want a *PatternError for %q", err, p)
			}
			return false
		}
	}
	if err != nil {
		t.Fatalf("unexpected error %v", err)
	}
	return true
}
