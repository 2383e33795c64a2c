package wildcard

import "math/bits"

// RuleSetCapacity is the number of rule indexes a [RuleSet] can hold: 0 to
// RuleSetCapacity-1. S3 allows at most 100 rules in a bucket CORS
// configuration, so every valid configuration fits.
const RuleSetCapacity = 128

// A RuleSet is a set of rule indexes in the range [0, RuleSetCapacity),
// stored as a bitmap: bit i%64 of word i/64 is set when rule i is a member.
// Rule indexes are positions in the configuration, so iterating with
// [RuleSet.Next] visits rules in configuration order, and the first member
// is the rule S3 applies when it satisfies the remaining conditions.
//
// The zero RuleSet is empty. RuleSet is a value type; the operations that
// combine sets return new sets and never allocate.
type RuleSet [2]uint64

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
	s[i>>6] |= 1 << (uint(i) & 63)
}

// Has reports whether rule index i is in the set. It reports false for an
// index outside [0, RuleSetCapacity).
func (s RuleSet) Has(i int) bool {
	return uint(i) < RuleSetCapacity && s[i>>6]&(1<<(uint(i)&63)) != 0
}

// And returns the intersection of s and o.
func (s RuleSet) And(o RuleSet) RuleSet {
	return RuleSet{s[0] & o[0], s[1] & o[1]}
}

// Or returns the union of s and o.
func (s RuleSet) Or(o RuleSet) RuleSet {
	return RuleSet{s[0] | o[0], s[1] | o[1]}
}

// IsEmpty reports whether the set has no members.
func (s RuleSet) IsEmpty() bool {
	return s[0]|s[1] == 0
}

// Len returns the number of members of the set.
func (s RuleSet) Len() int {
	return bits.OnesCount64(s[0]) + bits.OnesCount64(s[1])
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
	if i >= RuleSetCapacity {
		return -1
	}
	w := i >> 6
	word := s[w] & (^uint64(0) << (uint(i) & 63))
	for {
		if word != 0 {
			return w<<6 + bits.TrailingZeros64(word)
		}
		w++
		if w == len(s) {
			return -1
		}
		word = s[w]
	}
}
