package wildcard

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/s3cors/s3cors/internal/naive"
)

// refOriginRules is the reference answer for OriginIndex.Match: the rules
// with at least one AllowedOrigin that matches origin under M4 and D1.
func refOriginRules(origins [][]string, origin string) RuleSet {
	var s RuleSet
	for i, list := range origins {
		for _, p := range list {
			if naive.Match(p, origin, false) {
				s.Add(i)
				break
			}
		}
	}
	return s
}

func TestOriginIndex(t *testing.T) {
	config := [][]string{
		0: {"https://www.example.com"},
		1: {"http://*.origin.com", "https://www.example.com"},
		2: {"*"},
		3: {"null"},
		4: {"start*end", "prefix*", "*suffix"},
		5: {"ab*ba"},
		6: {},
		7: {"http://*.other.com", "http://*.origin.com"},
		8: {""},
		9: {"*", "https://www.example.com"},
	}
	x, err := NewOriginIndex(config)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		origin string
		want   []int
	}{
		{"M4 exact in two rules plus star rules", "https://www.example.com", []int{0, 1, 2, 9}},
		{"M4 wildcard in two rules", "http://test.origin.com", []int{1, 2, 7, 9}},
		{"M4 trailing slash matches only star", "http://test.origin.com/", []int{2, 9}},
		{"M4 other wildcard", "http://a.other.com", []int{2, 7, 9}},
		{"M4 null literal", "null", []int{2, 3, 9}},
		{"M4 zero-length start*end", "startend", []int{2, 4, 9}},
		{"M4 prefix*", "prefix", []int{2, 4, 9}},
		{"M4 *suffix", "foo.suffix", []int{2, 4, 9}},
		{"M4 *suffix not at end", "foo.suffix.get", []int{2, 9}},
		{"M4 non-overlap ab*ba vs aba", "aba", []int{2, 9}},
		{"M4 ab*ba vs abba", "abba", []int{2, 5, 9}},
		{"M4 empty origin vs empty pattern", "", []int{2, 8, 9}},
		{"M4 non-URL matches only star", "localhost:4566", []int{2, 9}},
		{"M4 default port is not normalised", "https://www.example.com:443", []int{2, 9}},
		{"D1 case-sensitive exact", "HTTPS://WWW.EXAMPLE.COM", []int{2, 9}},
		{"D1 case-sensitive wildcard", "http://test.ORIGIN.com", []int{2, 9}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := x.Match(tc.origin)
			if m := members(got); !slices.Equal(m, tc.want) {
				t.Errorf("Match(%q) = %v, want %v", tc.origin, m, tc.want)
			}
			if ref := refOriginRules(config, tc.origin); ref != got {
				t.Errorf("Match(%q) = %v, reference %v", tc.origin, members(got), members(ref))
			}
		})
	}
	if got, want := members(x.MatchesAll()), []int{2, 9}; !slices.Equal(got, want) {
		t.Errorf("MatchesAll = %v, want %v", got, want)
	}
}

func TestOriginIndexManyRules(t *testing.T) {
	x := hundredRules(t)
	if got := len(x.x.groups); got != 2 {
		t.Errorf("100 wildcards of two shapes formed %d groups, want 2", got)
	}
	for _, i := range []int{0, 9, 10, 63, 64, 99} {
		n := strconv.Itoa(i)
		// "https://www.exampleN.com" is both the exact origin and a
		// subdomain match of rule N.
		for _, origin := range []string{"https://www.example" + n + ".com", "https://x.example" + n + ".com"} {
			if got := members(x.Match(origin)); !slices.Equal(got, []int{i}) {
				t.Errorf("Match(%q) = %v, want [%d]", origin, got, i)
			}
		}
	}
	if got := x.Match("https://x.example100.com"); !got.IsEmpty() {
		t.Errorf("Match of an unknown origin = %v, want none", members(got))
	}
}

func TestOriginIndexTooManyRules(t *testing.T) {
	if _, err := NewOriginIndex(make([][]string, RuleSetCapacity)); err != nil {
		t.Errorf("%d rules: %v", RuleSetCapacity, err)
	}
	x, err := NewOriginIndex(make([][]string, RuleSetCapacity+1))
	if err == nil || x != nil {
		t.Fatalf("%d rules: got %v, %v; want an error", RuleSetCapacity+1, x, err)
	}
	if want := "matcher: 129 rules exceed the limit of 128"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestOriginIndexBadPattern(t *testing.T) {
	x, err := NewOriginIndex([][]string{{"https://a.com"}, {"https://*.b.com", "http://*.*.com"}})
	if x != nil || err == nil {
		t.Fatalf("got %v, %v; want a PatternError", x, err)
	}
	var pe *PatternError
	if !errors.As(err, &pe) || pe.Pattern != "http://*.*.com" {
		t.Errorf("error = %#v, want the offending pattern", err)
	}
}

func TestOriginIndexEmpty(t *testing.T) {
	var nilIndex *OriginIndex
	empty, err := NewOriginIndex(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []*OriginIndex{nilIndex, empty} {
		if !x.Match("https://a.com").IsEmpty() || !x.Match("").IsEmpty() || !x.MatchesAll().IsEmpty() {
			t.Errorf("index %v matched something", x)
		}
	}
}
