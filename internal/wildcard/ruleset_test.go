package wildcard

import (
	"slices"
	"testing"
)

// members collects the members of s in increasing order using Next.
func members(s RuleSet) []int {
	var out []int
	for i := s.Next(0); i >= 0; i = s.Next(i + 1) {
		out = append(out, i)
	}
	return out
}

func setOf(idx ...int) RuleSet {
	var s RuleSet
	for _, i := range idx {
		s.Add(i)
	}
	return s
}

func TestRuleSetBoundaries(t *testing.T) {
	tests := []struct {
		name string
		idx  []int
	}{
		{"empty", nil},
		{"first", []int{0}},
		{"end of first word", []int{63}},
		{"start of second word", []int{64}},
		{"last", []int{RuleSetCapacity - 1}},
		{"all boundaries", []int{0, 63, 64, 127}},
		{"word edges", []int{62, 63, 64, 65}},
		{"S3 limit", []int{0, 99}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := setOf(tc.idx...)
			if got := members(s); !slices.Equal(got, tc.idx) {
				t.Errorf("members = %v, want %v", got, tc.idx)
			}
			if s.Len() != len(tc.idx) {
				t.Errorf("Len = %d, want %d", s.Len(), len(tc.idx))
			}
			if s.IsEmpty() != (len(tc.idx) == 0) {
				t.Errorf("IsEmpty = %v with members %v", s.IsEmpty(), tc.idx)
			}
			for i := -1; i <= RuleSetCapacity; i++ {
				if got, want := s.Has(i), slices.Contains(tc.idx, i); got != want {
					t.Errorf("Has(%d) = %v, want %v", i, got, want)
				}
				// Next(i) is the first listed index >= i.
				want := -1
				for _, m := range tc.idx {
					if m >= i {
						want = m
						break
					}
				}
				if got := s.Next(i); got != want {
					t.Errorf("Next(%d) = %d, want %d", i, got, want)
				}
			}
		})
	}
}

func TestRuleSetNextOutOfRange(t *testing.T) {
	s := AllRules(RuleSetCapacity)
	for _, tc := range []struct{ i, want int }{
		{-100, 0}, {-1, 0}, {0, 0}, {63, 63}, {64, 64}, {127, 127}, {128, -1}, {1 << 20, -1},
	} {
		if got := s.Next(tc.i); got != tc.want {
			t.Errorf("Next(%d) = %d, want %d", tc.i, got, tc.want)
		}
	}
	if got := (RuleSet{}).Next(0); got != -1 {
		t.Errorf("empty Next(0) = %d, want -1", got)
	}
}

func TestAllRules(t *testing.T) {
	for _, n := range []int{-5, 0, 1, 2, 63, 64, 65, 100, 127, 128, 129, 1000} {
		s := AllRules(n)
		want := min(max(n, 0), RuleSetCapacity)
		if s.Len() != want {
			t.Errorf("AllRules(%d).Len() = %d, want %d", n, s.Len(), want)
		}
		for i := 0; i < RuleSetCapacity; i++ {
			if s.Has(i) != (i < want) {
				t.Errorf("AllRules(%d).Has(%d) = %v", n, i, s.Has(i))
			}
		}
	}
}

func TestRuleSetAndOr(t *testing.T) {
	a := setOf(0, 5, 63, 64, 100)
	b := setOf(5, 64, 99, 127)
	if got, want := members(a.And(b)), []int{5, 64}; !slices.Equal(got, want) {
		t.Errorf("And = %v, want %v", got, want)
	}
	if got, want := members(a.Or(b)), []int{0, 5, 63, 64, 99, 100, 127}; !slices.Equal(got, want) {
		t.Errorf("Or = %v, want %v", got, want)
	}
	if !a.And(RuleSet{}).IsEmpty() {
		t.Error("And with the empty set is not empty")
	}
	if a.Or(RuleSet{}) != a {
		t.Error("Or with the empty set changed the set")
	}
}

func TestRuleSetAddIdempotent(t *testing.T) {
	var s RuleSet
	s.Add(7)
	s.Add(7)
	if s.Len() != 1 || !s.Has(7) {
		t.Errorf("after adding 7 twice: %v", members(s))
	}
}

func TestRuleSetAddPanics(t *testing.T) {
	for _, i := range []int{-1, RuleSetCapacity, RuleSetCapacity + 64} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Add(%d) did not panic", i)
				}
			}()
			var s RuleSet
			s.Add(i)
		}()
	}
}
