package wildcard

import (
	"strings"
	"testing"

	"github.com/s3cors/s3cors/internal/naive"
)

// TestHeaderIndex checks M5: header names match AllowedHeaders ignoring
// ASCII case, with one "*" matching any run of characters.
func TestHeaderIndex(t *testing.T) {
	x, err := NewHeaderIndex([][]string{
		{"Content-Type", "x-amz-*"},
		{"*"},
		{},
		{"X-*-Date", "expires"},
	})
	if err != nil {
		t.Fatal(err)
	}
	all := AllRules(4)
	tests := []struct {
		name string
		want []int
	}{
		{"content-type", []int{0, 1}},
		{"x-amz-date", []int{0, 1, 3}},
		{"x-amz-", []int{0, 1}},
		{"x--date", []int{1, 3}},
		{"expires", []int{1, 3}},
		{"authorization", []int{1}},
	}
	for _, tc := range tests {
		t.Run("M5/"+tc.name, func(t *testing.T) {
			var want RuleSet
			for _, i := range tc.want {
				want.Add(i)
			}
			if got := x.Allowing(tc.name, all); got != want {
				t.Errorf("Allowing(%q) = %v, want %v", tc.name, got, want)
			}
			// Restricting the candidates restricts the answer.
			among := AllRules(2)
			if got := x.Allowing(tc.name, among); got != want.And(among) {
				t.Errorf("Allowing(%q, rules 0-1) = %v, want %v", tc.name, got, want.And(among))
			}
		})
	}
	if got := x.Allowing("content-type", RuleSet{}); !got.IsEmpty() {
		t.Errorf("Allowing among no rules = %v", got)
	}
	var nilIndex *HeaderIndex
	if got := nilIndex.Allowing("a", all); !got.IsEmpty() {
		t.Errorf("nil index allows %v", got)
	}
	if _, err := NewHeaderIndex([][]string{{"a*b*"}}); err == nil {
		t.Error("two wildcards accepted")
	}
	if _, err := NewHeaderIndex(make([][]string, RuleSetCapacity+1)); err == nil {
		t.Error("too many rules accepted")
	}
}

func TestHeaderIndexAllocations(t *testing.T) {
	x, _ := NewHeaderIndex([][]string{{"content-type", "x-amz-*"}, {"*"}})
	all := AllRules(2)
	if n := testing.AllocsPerRun(100, func() { x.Allowing("x-amz-date", all) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// FuzzHeaderIndex compares HeaderIndex with the naive matcher, rule by rule.
func FuzzHeaderIndex(f *testing.F) {
	f.Add("Content-Type,x-amz-*", "*", "X-*-date,a", "x-amz-date", uint64(7))
	f.Add("", "a*", "*b", "ab", uint64(5))
	f.Fuzz(func(t *testing.T, r0, r1, r2, name string, mask uint64) {
		if len(r0)+len(r1)+len(r2)+len(name) > 512 {
			return
		}
		var rules [][]string
		for _, r := range []string{r0, r1, r2} {
			var list []string
			if r != "" {
				list = strings.Split(r, ",")
			}
			rules = append(rules, list)
		}
		x, err := NewHeaderIndex(rules)
		if err != nil {
			return
		}
		name = toLower(name)
		among := RuleSet{lo: mask & 7}
		var want RuleSet
		for i, list := range rules {
			for _, p := range list {
				if among.Has(i) && naive.Match(p, name, true) {
					want.Add(i)
				}
			}
		}
		if got := x.Allowing(name, among); got != want {
			t.Fatalf("Allowing(%q, %v) over %q = %v, want %v", name, among, rules, got, want)
		}
	})
}
