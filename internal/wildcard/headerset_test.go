package wildcard

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/internal/naive"
)

// refHeaderMatch is the reference answer for HeaderSet.Match: whether name
// matches at least one pattern under M5.
func refHeaderMatch(patterns []string, name string) bool {
	for _, p := range patterns {
		if naive.Match(p, name, true) {
			return true
		}
	}
	return false
}

func TestHeaderSet(t *testing.T) {
	long := "x-" + strings.Repeat("long-", 40) + "Header" // longer than the stack buffer
	tests := []struct {
		name     string
		patterns []string
		header   string
		want     bool
	}{
		{"M5 no patterns match nothing", nil, "content-type", false},
		{"M5 no patterns vs empty name", nil, "", false},
		{"M5 star", []string{"*"}, "anything", true},
		{"M5 star vs empty", []string{"*"}, "", true},
		{"M5 star with others", []string{"content-type", "*"}, "x-other", true},
		{"M5 exact lower", []string{"content-type"}, "content-type", true},
		{"M5 exact request upper", []string{"content-type"}, "Content-Type", true},
		{"M5 exact rule mixed case", []string{"x-AMZ-server-SIDE-encryption"}, "x-amz-server-side-encryption", true},
		{"M5 exact both mixed", []string{"x-amz-expected-bucket-owner"}, "x-AMZ-expected-BUCKET-owner", true},
		{"M5 exact miss", []string{"content-type", "expires"}, "content-length", false},
		{"M5 exact miss upper", []string{"content-type", "expires"}, "CONTENT-LENGTH", false},
		{"M5 second of several", []string{"content-type", "expires", "authorization"}, "Authorization", true},
		{"M5 wildcard", []string{"x-amz-*"}, "x-amz-date", true},
		{"M5 wildcard mixed case", []string{"x-AMZ-*"}, "X-amz-date", true},
		{"M5 wildcard zero-length", []string{"amz-*"}, "amz-", true},
		{"M5 wildcard miss", []string{"amz-*"}, "x-amz-date", false},
		{"M5 suffix wildcard", []string{"*-md5"}, "Content-MD5", true},
		{"M5 wildcard non-overlap", []string{"ab*ba"}, "aba", false},
		{"M5 exact and wildcard", []string{"content-type", "x-amz-*"}, "X-Amz-Meta-Foo", true},
		{"M5 empty pattern", []string{""}, "", true},
		{"M5 empty pattern vs name", []string{""}, "a", false},
		{"M5 non-ASCII exact", []string{"x-\u00e9"}, "X-\u00e9", true},
		{"M5 no Unicode folding", []string{"x-\u00e9"}, "x-\u00c9", false},
		{"M5 long name lower", []string{strings.ToLower(long)}, strings.ToLower(long), true},
		{"M5 long name upper", []string{strings.ToLower(long)}, long, true},
		{"M5 long pattern upper", []string{long}, strings.ToUpper(long), true},
		{"M5 long name miss", []string{strings.ToLower(long)}, long + "x", false},
		{"M5 long name vs short literal", []string{"content-type"}, long, false},
		{"M5 name at buffer size", []string{strings.Repeat("a", lowerBufSize)}, strings.Repeat("A", lowerBufSize), true},
		{"M5 name over buffer size", []string{strings.Repeat("a", lowerBufSize+1)}, strings.Repeat("A", lowerBufSize+1), true},
		{"M5 duplicate patterns", []string{"Expires", "expires", "EXPIRES"}, "eXpires", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewHeaderSet(tc.patterns)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.Match(tc.header); got != tc.want {
				t.Errorf("%q.Match(%q) = %v, want %v", tc.patterns, tc.header, got, tc.want)
			}
			if ref := refHeaderMatch(tc.patterns, tc.header); ref != tc.want {
				t.Errorf("reference disagrees with the table: %v", ref)
			}
		})
	}
}

func TestHeaderSetFlags(t *testing.T) {
	tests := []struct {
		patterns   []string
		matchesAll bool
		isEmpty    bool
	}{
		{nil, false, true},
		{[]string{}, false, true},
		{[]string{""}, false, false},
		{[]string{"*"}, true, false},
		{[]string{"x-amz-*", "*"}, true, false},
		{[]string{"x-amz-*"}, false, false},
		{[]string{"content-type"}, false, false},
	}
	for _, tc := range tests {
		h, err := NewHeaderSet(tc.patterns)
		if err != nil {
			t.Fatal(err)
		}
		if h.MatchesAll() != tc.matchesAll || h.IsEmpty() != tc.isEmpty {
			t.Errorf("%q: MatchesAll=%v IsEmpty=%v, want %v %v",
				tc.patterns, h.MatchesAll(), h.IsEmpty(), tc.matchesAll, tc.isEmpty)
		}
	}
	var nilSet *HeaderSet
	if nilSet.Match("") || nilSet.MatchesAll() || !nilSet.IsEmpty() {
		t.Error("a nil HeaderSet should be empty and match nothing")
	}
}

func TestHeaderSetBadPattern(t *testing.T) {
	h, err := NewHeaderSet([]string{"content-type", "x-*-*"})
	if h != nil || err == nil {
		t.Fatalf("got %v, %v; want a PatternError", h, err)
	}
	var pe *PatternError
	if !errors.As(err, &pe) || pe.Pattern != "x-*-*" {
		t.Errorf("error = %#v, want the offending pattern", err)
	}
}
