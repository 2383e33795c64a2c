package lint

import (
	"slices"
	"strings"

	"github.com/s3cors/s3cors/rule"
)

// Shadowing: S3 applies the first rule that allows a request, so a rule that
// every request it allows is also allowed by an earlier rule never applies.
// The prover below reports a rule only when it can show this from the
// patterns alone; when in doubt it says nothing.

// patternCovers reports whether every string that the one-"*" glob b matches
// is also matched by the glob a (language containment). For AllowedHeader
// values the caller lower-cases both first.
//
//   - "*" covers everything.
//   - A literal covers only the identical literal.
//   - "pre1*suf1" covers the literal s iff it matches s, and covers
//     "pre2*suf2" iff pre2 starts with pre1 and suf2 ends with suf1.
//
// Patterns with more than one "*" (which S3 refuses) are never covered and
// cover nothing.
func patternCovers(a, b string) bool {
	na, nb := strings.Count(a, "*"), strings.Count(b, "*")
	if na > 1 || nb > 1 {
		return false
	}
	if a == "*" {
		return true
	}
	if na == 0 {
		return nb == 0 && a == b
	}
	i := strings.IndexByte(a, '*')
	pre1, suf1 := a[:i], a[i+1:]
	if nb == 0 {
		return len(b) >= len(pre1)+len(suf1) && strings.HasPrefix(b, pre1) && strings.HasSuffix(b, suf1)
	}
	j := strings.IndexByte(b, '*')
	pre2, suf2 := b[:j], b[j+1:]
	return strings.HasPrefix(pre2, pre1) && strings.HasSuffix(suf2, suf1)
}

// anyCovers reports whether some pattern of as covers b.
func anyCovers(as []string, b string) bool {
	for _, a := range as {
		if patternCovers(a, b) {
			return true
		}
	}
	return false
}

// headersCover reports whether every request header that rule j's
// AllowedHeaders admit is also admitted by rule i's, comparing without
// regard to case: i allows "*", or each of j's patterns is covered by one
// of i's. A rule without AllowedHeaders admits only requests that ask for no
// header, which every rule admits.
func headersCover(i, j []string) bool {
	li := lowerAll(i)
	for _, h := range j {
		if !anyCovers(li, strings.ToLower(h)) {
			return false
		}
	}
	return true
}

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for k, s := range ss {
		out[k] = strings.ToLower(s)
	}
	return out
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// shadowing is the proof that rule Rule never applies: for each of its
// (origin, method) pairs, the earlier rule By[k] allows a superset.
type shadowing struct {
	Rule int
	By   []int // earlier rules that take its requests, in increasing order
}

// findShadowed returns the rules of c that never apply because earlier rules
// take every request they allow. Rule j is shadowed when, for every
// AllowedOrigin o and AllowedMethod m of j, some earlier rule i has an
// AllowedOrigin covering o, lists m, and has AllowedHeaders covering all of
// j's. Empty AllowedOrigin values never match a request (an empty Origin
// counts as none) and need no cover, but at least one origin must be covered.
// Rules that duplicate an earlier rule are left to findDuplicates.
func findShadowed(c *rule.Configuration, duplicates map[int]int) []shadowing {
	var out []shadowing
	for j := range c.Rules {
		if _, dup := duplicates[j]; dup {
			continue
		}
		if by, ok := proveShadowed(c.Rules, j); ok {
			out = append(out, shadowing{Rule: j, By: by})
		}
	}
	return out
}

// proveShadowed reports whether rules[j] is shadowed by earlier rules and
// which ones take its requests.
func proveShadowed(rules []rule.Rule, j int) ([]int, bool) {
	rj := rules[j]
	if len(rj.AllowedMethods) == 0 {
		return nil, false
	}
	used := map[int]bool{}
	covered := 0
	for _, o := range rj.AllowedOrigins {
		if o == "" {
			continue
		}
		for _, m := range rj.AllowedMethods {
			found := false
			for i := 0; i < j && !found; i++ {
				ri := rules[i]
				if hasString(ri.AllowedMethods, m) && anyCovers(ri.AllowedOrigins, o) && headersCover(ri.AllowedHeaders, rj.AllowedHeaders) {
					used[i] = true
					found = true
				}
			}
			if !found {
				return nil, false
			}
		}
		covered++
	}
	if covered == 0 {
		return nil, false
	}
	by := make([]int, 0, len(used))
	for i := 0; i < j; i++ {
		if used[i] {
			by = append(by, i)
		}
	}
	return by, true
}

// findDuplicates maps each rule that repeats an earlier rule (every element
// equal, ignoring the ID) to the first such earlier rule.
func findDuplicates(c *rule.Configuration) map[int]int {
	dups := map[int]int{}
	for j := range c.Rules {
		a := c.Rules[j]
		for i := 0; i < j; i++ {
			if sameElements(a, c.Rules[i]) {
				dups[j] = i
				break
			}
		}
	}
	return dups
}

// sameElements reports whether a and b have the same values in every
// element but the ID. An absent list equals an empty one.
func sameElements(a, b rule.Rule) bool {
	sameAge := a.MaxAgeSeconds == nil && b.MaxAgeSeconds == nil ||
		a.MaxAgeSeconds != nil && b.MaxAgeSeconds != nil && *a.MaxAgeSeconds == *b.MaxAgeSeconds
	return sameAge &&
		slices.Equal(a.AllowedHeaders, b.AllowedHeaders) &&
		slices.Equal(a.AllowedMethods, b.AllowedMethods) &&
		slices.Equal(a.AllowedOrigins, b.AllowedOrigins) &&
		slices.Equal(a.ExposeHeaders, b.ExposeHeaders)
}
