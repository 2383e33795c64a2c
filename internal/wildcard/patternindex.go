package wildcard

import (
	"slices"
	"strconv"
)

// patternIndex maps the patterns of every rule of a configuration to the
// rules that list them, so that the rules having a pattern that matches a
// given string are found with a few map lookups. OriginIndex and HeaderIndex
// are built on it; they differ only in comparing case-sensitively or not.
//
// The patterns are sorted into three kinds:
//
//   - literals, kept in one hash map from text to the rules that list it;
//   - the bare "*", kept as one precomputed RuleSet;
//   - patterns "pre*suf", grouped by the pair (len(pre), len(suf)). Within a
//     group, the rules are found by looking up the first len(pre) bytes of
//     the string and then its last len(suf) bytes in a two-level hash map.
//
// Groups are sorted by len(pre)+len(suf), so a lookup stops at the first
// group longer than the string.
type patternIndex struct {
	exact  map[string]RuleSet
	all    RuleSet
	groups []patternGroup
}

// A patternGroup holds the patterns "pre*suf" that share len(pre) and
// len(suf).
type patternGroup struct {
	preLen, sufLen int
	rules          map[string]map[string]RuleSet // pre -> suf -> rules
}

// build compiles the pattern lists of every rule, patterns[i] being rule
// i's, with compile (Origin or Header).
func (x *patternIndex) build(patterns [][]string, compile func(string) (Pattern, error)) error {
	if len(patterns) > RuleSetCapacity {
		return errTooManyRules(len(patterns))
	}
	for i, list := range patterns {
		for _, text := range list {
			p, err := compile(text)
			if err != nil {
				return err
			}
			x.add(i, p)
		}
	}
	slices.SortFunc(x.groups, func(a, b patternGroup) int {
		return (a.preLen + a.sufLen) - (b.preLen + b.sufLen)
	})
	return nil
}

// add records that rule i lists the compiled pattern p. For case-insensitive
// patterns p's texts are already lower-cased.
func (x *patternIndex) add(i int, p Pattern) {
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
func (x *patternIndex) group(preLen, sufLen int) *patternGroup {
	for i := range x.groups {
		if g := &x.groups[i]; g.preLen == preLen && g.sufLen == sufLen {
			return g
		}
	}
	x.groups = append(x.groups, patternGroup{
		preLen: preLen,
		sufLen: sufLen,
		rules:  make(map[string]map[string]RuleSet),
	})
	return &x.groups[len(x.groups)-1]
}

// match returns the rules of among that have a pattern matching s exactly
// (for case-insensitive indexes, s must be lower-case). It stops looking as
// soon as every rule of among is found.
func (x *patternIndex) match(s string, among RuleSet) RuleSet {
	found := x.all.And(among)
	if found == among {
		return found
	}
	if r, ok := x.exact[s]; ok {
		if found = found.Or(r.And(among)); found == among {
			return found
		}
	}
	for i := range x.groups {
		g := &x.groups[i]
		if g.preLen+g.sufLen > len(s) {
			break // the groups that follow are at least as long
		}
		sufs, ok := g.rules[s[:g.preLen]]
		if !ok {
			continue
		}
		if r, ok := sufs[s[len(s)-g.sufLen:]]; ok {
			if found = found.Or(r.And(among)); found == among {
				return found
			}
		}
	}
	return found
}

// matchAll returns every rule that has a pattern matching s: match without
// the bookkeeping that lets it stop early.
func (x *patternIndex) matchAll(s string) RuleSet {
	found := x.all
	if r, ok := x.exact[s]; ok {
		found = found.Or(r)
	}
	for i := range x.groups {
		g := &x.groups[i]
		if g.preLen+g.sufLen > len(s) {
			break // the groups that follow are at least as long
		}
		if sufs, ok := g.rules[s[:g.preLen]]; ok {
			if r, ok := sufs[s[len(s)-g.sufLen:]]; ok {
				found = found.Or(r)
			}
		}
	}
	return found
}

// errTooManyRules is the error for a configuration with n rules, more than
// a RuleSet holds.
type errTooManyRules int

func (n errTooManyRules) Error() string {
	return "matcher: " + strconv.Itoa(int(n)) + " rules exceed the limit of " +
		strconv.Itoa(RuleSetCapacity)
}
