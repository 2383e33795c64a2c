package wildcard

import "math/bits"

// RuleSetCapacity is the number of rule indexes a [RuleSet] can hold: 0 to
// RuleSetCapacity-1. S3 allows at most 100 rules in a bucket CORS
// configuration, so every valid configuration fits.
const RuleSetCapacity = 128

// A RuleSet is a set of rule indexes in the range [0, RuleSetCapacity),
// stored as a bitmap: bit i%64 of lo (i < 64) or hi (i >= 64) is set when
// rule i is a member.
// Rule indexes are positions in the configuration, so iterating with
// [RuleSet.Next] visits rules in configuration order, and the first member
// is the rule S3 applies when it satisfies the remaining conditions.
//
// The zero RuleSet is empty. RuleSet is a value type; the operations that
// combine sets return new sets and never allocate.
//
// It is a struct of two words rather than an array of two so that the
// compiler keeps it in registers: an array of more than one element lives
// in memory, and every set returned or combined then pays for a store and
// a reload that the processor cannot forward.
type RuleSet struct{ lo, hi uint64 }

// AllRules returns the set of rule indexes 0 to n-1. It returns the empty set
// when n <= 0 and every index when n >= RuleSetCapacity.
func AllRules(n int) RuleSet {
	switch {
	case n <= 0:
		return RuleSet{}
	case n >= RuleSetCapacity:
		return RuleSet{^uint64(0), ^uint64(0)}
	case n <= 64:
		return RuleSet{^uint64(0) >> (64 - uint(n)), 0}
	default:
		return RuleSet{^uint64(0), ^uint64(0) >> (128 - uint(n))}
	}
}

// Add adds rule index i to the set. It panics if i is outside [0, RuleSetCapacity).
func (s *RuleSet) Add(i int) {
	if uint(i) >= RuleSetCapacity {
		panic("matcher: rule index out of range")
	}
	if i < 64 {
		s.lo |= 1 << uint(i)
	} else {
		s.hi |= 1 << (uint(i) - 64)
	}
}

// Has reports whether rule index i is in the set. It reports false for an
// index outside [0, RuleSetCapacity).
func (s RuleSet) Has(i int) bool {
	switch {
	case uint(i) < 64:
		return s.lo&(1<<uint(i)) != 0
	case uint(i) < RuleSetCapacity:
		return s.hi&(1<<(uint(i)-64)) != 0
	}
	return false
}

// And returns the intersection of s and o.
func (s RuleSet) And(o RuleSet) RuleSet {
	return RuleSet{s.lo & o.lo, s.hi & o.hi}
}

// Or returns the union of s and o.
func (s RuleSet) Or(o RuleSet) RuleSet {
	return RuleSet{s.lo | o.lo, s.hi | o.hi}
}

// IsEmpty reports whether the set has no members.
func (s RuleSet) IsEmpty() bool {
	return s.lo|s.hi == 0
}

// Len returns the number of members of the set.
func (s RuleSet) Len() int {
	return bits.OnesCount64(s.lo) + bits.OnesCount64(s.hi)
}

// Next returns the smallest member of the set that is greater than or equal
// to i, or -1 if there is none. A negative i is treated as 0. To visit every
// member in increasing order:
//
//	for i := s.Next(0); i >= 0; i = s.Next(i + 1) {
//		// use rule i
//	}
func (s RuleSet) Next(i int) int {
	if i < 0 {
		i = 0
	}
	if i < 64 {
		if word := s.lo & (^uint64(0) << uint(i)); word != 0 {
			return bits.TrailingZeros64(word)
		}
		i = 64
	}
	if i < RuleSetCapacity {
		if word := s.hi & (^uint64(0) << (uint(i) - 64)); word != 0 {
			return 64 + bits.TrailingZeros64(word)
		}
	}
	return -1
}
