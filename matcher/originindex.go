package matcher

import (
	"slices"
	"strconv"
)

// An OriginIndex answers, for a request Origin, which rules of a CORS
// configuration have an AllowedOrigin that matches it (case-sensitively, as
// [Origin] patterns do).
//
// The patterns are sorted at construction into three kinds:
//
//   - literals, kept in one hash map from origin to the rules that list it;
//   - the bare "*", kept as one precomputed [RuleSet];
//   - patterns "pre*suf", grouped by the pair (len(pre), len(suf)). Within a
//     group, the rules are found by looking up the first len(pre) bytes of
//     the origin and then its last len(suf) bytes in a two-level hash map.
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
	exact  map[string]RuleSet
	all    RuleSet
	groups []originGroup // sorted by preLen+sufLen, ascending
}

// An originGroup holds the patterns "pre*suf" that share len(pre) and
// len(suf).
type originGroup struct {
	preLen, sufLen int
	rules          map[string]map[string]RuleSet // pre -> suf -> rules
}

// NewOriginIndex builds an index over the AllowedOrigin lists of a
// configuration: origins[i] is the list of rule i. A rule with an empty list
// matches nothing.
//
// NewOriginIndex returns an error if there are more than [MaxRules] rules,
// and a [*PatternError] for the first origin, in configuration order, that
// has more than one "*".
func NewOriginIndex(origins [][]string) (*OriginIndex, error) {
	if len(origins) > MaxRules {
		return nil, errTooManyRules(len(origins))
	}
	x := &OriginIndex{}
	for i, list := range origins {
		for _, text := range list {
			p, err := Origin(text)
			if err != nil {
				return nil, err
			}
			x.add(i, p)
		}
	}
	slices.SortFunc(x.groups, func(a, b originGroup) int {
		return (a.preLen + a.sufLen) - (b.preLen + b.sufLen)
	})
	return x, nil
}

// add records that rule i lists the compiled origin pattern p.
func (x *OriginIndex) add(i int, p Pattern) {
	switch {
	case !p.wild:
		if x.exact == nil {
			x.exact = make(map[string]RuleSet)
		}
		rs := x.exact[p.pre]
		rs.Add(i)
		x.exact[p.pre] = rs
	case p.MatchesAll():
		x.all.Add(i)
	default:
		g := x.group(len(p.pre), len(p.suf))
		sufs := g.rules[p.pre]
		if sufs == nil {
			sufs = make(map[string]RuleSet)
			g.rules[p.pre] = sufs
		}
		rs := sufs[p.suf]
		rs.Add(i)
		sufs[p.suf] = rs
	}
}

// group returns the group for the given prefix and suffix lengths, creating
// it if needed.
func (x *OriginIndex) group(preLen, sufLen int) *originGroup {
	for i := range x.groups {
		if g := &x.groups[i]; g.preLen == preLen && g.sufLen == sufLen {
			return g
		}
	}
	x.groups = append(x.groups, originGroup{
		preLen: preLen,
		sufLen: sufLen,
		rules:  make(map[string]map[string]RuleSet),
	})
	return &x.groups[len(x.groups)-1]
}

// Match returns the set of rules that have at least one AllowedOrigin
// matching origin. The comparison is case-sensitive and byte for byte. Match
// does not allocate.
func (x *OriginIndex) Match(origin string) RuleSet {
	if x == nil {
		return RuleSet{}
	}
	rs := x.all
	if r, ok := x.exact[origin]; ok {
		rs = rs.Or(r)
	}
	for i := range x.groups {
		g := &x.groups[i]
		if g.preLen+g.sufLen > len(origin) {
			break // the groups that follow are at least as long
		}
		sufs, ok := g.rules[origin[:g.preLen]]
		if !ok {
			continue
		}
		if r, ok := sufs[origin[len(origin)-g.sufLen:]]; ok {
			rs = rs.Or(r)
		}
	}
	return rs
}

// MatchesAll returns the set of rules that list the bare "*" among their
// AllowedOrigins. Those rules match every origin.
func (x *OriginIndex) MatchesAll() RuleSet {
	if x == nil {
		return RuleSet{}
	}
	return x.all
}

// errTooManyRules is the error for a configuration with n > MaxRules rules.
type errTooManyRules int

func (n errTooManyRules) Error() string {
	return "matcher: " + strconv.Itoa(int(n)) + " rules exceed the limit of " +
		strconv.Itoa(MaxRules)
}
