package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/matcher"
	"github.com/s3cors/s3cors/rule"
)

func TestPatternCovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"*", "*", true},
		{"*", "https://a.example.com", true},
		{"*", "https://*.example.com", true},
		{"*", "", true},
		{"https://a.example.com", "https://a.example.com", true},
		{"https://a.example.com", "https://b.example.com", false},
		{"https://a.example.com", "*", false},
		{"https://a.example.com", "https://*.example.com", false},
		{"https://*.example.com", "https://a.example.com", true},
		{"https://*.example.com", "https://a.b.example.com", true},
		{"https://*.example.com", "https://example.com", false},
		{"https://*.example.com", "http://a.example.com", false},
		{"https://*.example.com", "https://*.example.com", true},
		{"https://*.example.com", "https://app-*.example.com", true},
		{"https://*.example.com", "https://*.app.example.com", true},
		{"https://*.example.com", "https://*example.com", false},
		{"https://*.example.com", "*", false},
		{"https://*", "https://*.example.com", true},
		{"https://*", "https://*", true},
		{"https://*", "http://*", false},
		{"*.example.com", "https://*.example.com", true},
		{"https://app*", "https://app.example.com", true},
		{"https://app*", "https://*.example.com", false},
		{"ab*ba", "aba", false}, // the prefix and suffix may not overlap
		{"ab*ba", "abba", true},
		{"ab*ba", "ab*ba", true},
		{"a*", "a**", false}, // invalid patterns are never covered
		{"a**", "a", false},
		{"x-amz-*", "x-amz-date", true},
		{"x-amz-*", "x-amz-meta-*", true},
		{"x-amz-meta-*", "x-amz-*", false},
	}
	for _, tt := range tests {
		if got := patternCovers(tt.a, tt.b); got != tt.want {
			t.Errorf("patternCovers(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		// Containment agrees with the matcher on literals.
		if tt.want && !containsStar(tt.b) {
			if p, err := matcher.Origin(tt.a); err == nil && !p.Match(tt.b) {
				t.Errorf("%q covers %q but does not match it", tt.a, tt.b)
			}
		}
	}
}

func containsStar(s string) bool {
	for i := range len(s) {
		if s[i] == '*' {
			return true
		}
	}
	return false
}

func TestHeadersCover(t *testing.T) {
	t.Parallel()
	tests := []struct {
		i, j []string
		want bool
	}{
		{nil, nil, true},
		{[]string{"*"}, nil, true},
		{nil, []string{"content-type"}, false},
		{[]string{"*"}, []string{"content-type", "x-amz-*"}, true},
		{[]string{"Content-Type"}, []string{"content-type"}, true},
		{[]string{"content-type"}, []string{"Content-Type", "x-amz-date"}, false},
		{[]string{"content-type", "X-AMZ-*"}, []string{"Content-Type", "x-amz-date", "x-amz-meta-*"}, true},
		{[]string{"x-amz-date"}, []string{"x-amz-*"}, false},
	}
	for _, tt := range tests {
		if got := headersCover(tt.i, tt.j); got != tt.want {
			t.Errorf("headersCover(%q, %q) = %v, want %v", tt.i, tt.j, got, tt.want)
		}
	}
}

// r builds a rule: origins, methods and headers.
func r(origins, methods, headers []string) rule.Rule {
	return rule.Rule{AllowedOrigins: origins, AllowedMethods: methods, AllowedHeaders: headers}
}

func ss(s ...string) []string { return s }

func TestFindShadowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules []rule.Rule
		want  []shadowing
	}{
		{"wildcard origin takes a literal",
			[]rule.Rule{r(ss("*"), ss("GET"), nil), r(ss("https://a.example.com"), ss("GET"), nil)},
			[]shadowing{{1, []int{0}}}},
		{"method missing from the earlier rule",
			[]rule.Rule{r(ss("*"), ss("GET"), nil), r(ss("https://a.example.com"), ss("GET", "PUT"), nil)},
			nil},
		{"methods covered by two earlier rules",
			[]rule.Rule{r(ss("*"), ss("GET"), nil), r(ss("https://*.example.com"), ss("PUT"), nil), r(ss("https://a.example.com"), ss("GET", "PUT"), nil)},
			[]shadowing{{2, []int{0, 1}}}},
		{"origins covered by two earlier rules",
			[]rule.Rule{r(ss("https://a.test"), ss("GET"), nil), r(ss("https://b.test"), ss("GET"), nil), r(ss("https://b.test", "https://a.test"), ss("GET"), nil)},
			[]shadowing{{2, []int{0, 1}}}},
		{"one origin not covered",
			[]rule.Rule{r(ss("https://a.test"), ss("GET"), nil), r(ss("https://a.test", "https://c.test"), ss("GET"), nil)},
			nil},
		{"headers not covered: the later rule allows more headers",
			[]rule.Rule{r(ss("*"), ss("GET"), nil), r(ss("https://a.test"), ss("GET"), ss("content-type"))},
			nil},
		{"headers covered by a wildcard",
			[]rule.Rule{r(ss("*"), ss("GET"), ss("*")), r(ss("https://a.test"), ss("GET"), ss("content-type"))},
			[]shadowing{{1, []int{0}}}},
		{"headers covered case-insensitively by a prefix pattern",
			[]rule.Rule{r(ss("https://*.test"), ss("GET"), ss("X-Amz-*", "content-type")), r(ss("https://a.test"), ss("GET"), ss("x-amz-date", "Content-Type"))},
			[]shadowing{{1, []int{0}}}},
		{"a later rule is not shadowed by a later rule",
			[]rule.Rule{r(ss("https://a.test"), ss("GET"), nil), r(ss("*"), ss("GET"), nil)},
			nil},
		{"subdomain pattern does not cover the apex",
			[]rule.Rule{r(ss("https://*.example.com"), ss("GET"), nil), r(ss("https://example.com"), ss("GET"), nil)},
			nil},
		{"narrower wildcard is covered",
			[]rule.Rule{r(ss("https://*.example.com"), ss("GET"), nil), r(ss("https://*.app.example.com"), ss("GET"), nil)},
			[]shadowing{{1, []int{0}}}},
		{"no joint cover from two patterns of one rule is claimed",
			[]rule.Rule{r(ss("https://a*", "https://b*"), ss("GET"), nil), r(ss("https://*"), ss("GET"), nil)},
			nil},
		{"empty origins need no cover but one origin must be covered",
			[]rule.Rule{r(ss("*"), ss("GET"), nil), r(ss(""), ss("GET"), nil), r(ss("", "https://a.test"), ss("GET"), nil)},
			[]shadowing{{2, []int{0}}}},
		{"invalid pattern is never proven",
			[]rule.Rule{r(ss("*"), ss("GET"), nil), r(ss("https://**"), ss("GET"), nil)},
			nil},
		{"invalid pattern in the earlier rule covers nothing",
			[]rule.Rule{r(ss("https://**"), ss("GET"), nil), r(ss("https://a.test"), ss("GET"), nil)},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &rule.Configuration{Rules: tt.rules}
			got := findShadowed(c, findDuplicates(c))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("shadowed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindDuplicates(t *testing.T) {
	t.Parallel()
	id := func(s string) *string { return &s }
	a := r(ss("https://a.test"), ss("GET"), nil)
	b := r(ss("https://a.test"), ss("GET"), nil)
	b.ID = id("copy")
	other := r(ss("https://a.test"), ss("GET", "HEAD"), nil)
	c := &rule.Configuration{Rules: []rule.Rule{a, other, b, a}}
	got := findDuplicates(c)
	want := map[int]int{2: 0, 3: 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("duplicates (-want +got):\n%s", diff)
	}
	// Duplicates are reported as such, not as shadowed.
	if s := findShadowed(c, got); len(s) != 0 {
		t.Errorf("shadowed %v, want none", s)
	}
}
