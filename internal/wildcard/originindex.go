package wildcard

// An OriginIndex answers, for a request Origin, which rules of a CORS
// configuration have an AllowedOrigin that matches it (case-sensitively, as
// [Origin] patterns do).
//
// Literal origins are kept in one hash map, the bare "*" as one precomputed
// [RuleSet], and the patterns "pre*suf" grouped by the pair (len(pre),
// len(suf)): within a group, the rules are found by looking up the first
// len(pre) bytes of the origin and then its last len(suf) bytes in a
// two-level hash map.
//
// A call to [OriginIndex.Match] therefore costs one lookup for the literals
// plus at most one pair of lookups per distinct (prefix length, suffix
// length) pair in the configuration, each hashing at most len(origin) bytes.
// Groups whose prefix and suffix together are longer than the origin are
// skipped. The number of groups is bounded by the configuration, never by the
// request, and is independent of how many rules share a shape: a hundred
// rules allowing "https://*.example0.com" through "https://*.example99.com"
// form only two groups.
//
// An OriginIndex is immutable after construction and safe for concurrent
// use. A nil *OriginIndex matches nothing.
type OriginIndex struct {
	x patternIndex
}

// NewOriginIndex builds an index over the AllowedOrigin lists of a
// configuration: origins[i] is the list of rule i. A rule with an empty list
// matches nothing.
//
// NewOriginIndex returns an error if there are more than [RuleSetCapacity]
// rules, and a [*PatternError] for the first origin, in configuration order,
// that has more than one "*".
func NewOriginIndex(origins [][]string) (*OriginIndex, error) {
	x := &OriginIndex{}
	if err := x.x.build(origins, Origin); err != nil {
		return nil, err
	}
	return x, nil
}

// Match returns the set of rules that have at least one AllowedOrigin
// matching origin. The comparison is case-sensitive and byte for byte. Match
// does not allocate.
func (x *OriginIndex) Match(origin string) RuleSet {
	if x == nil {
		return RuleSet{}
	}
	return x.x.matchAll(origin)
}

// MatchesAll returns the set of rules that list the bare "*" among their
// AllowedOrigins. Those rules match every origin.
func (x *OriginIndex) MatchesAll() RuleSet {
	if x == nil {
		return RuleSet{}
	}
	return x.x.all
}
