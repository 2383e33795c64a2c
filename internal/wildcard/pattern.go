package wildcard

import "strings"

// A Pattern is a compiled AllowedOrigin or AllowedHeader value: a literal, or
// a text with exactly one "*" (see the package documentation for the
// language). Create one with [Origin] or [Header].
//
// A Pattern is a small immutable value; copies share nothing mutable and may
// be used concurrently. The zero Pattern is the case-sensitive empty literal:
// it matches only the empty string.
type Pattern struct {
	text string // original text, returned by String
	pre  string // literal: the text to compare; wildcard: the part before "*"
	suf  string // wildcard: the part after "*"
	wild bool   // the pattern has one "*"
	fold bool   // compare ASCII case-insensitively; pre and suf are lower-cased
}

// Origin compiles p as an AllowedOrigin pattern. Matching is case-sensitive
// and byte for byte, with no normalisation of scheme, host, port or trailing
// slash.
//
// Origin returns a [*PatternError] if p contains more than one "*".
func Origin(p string) (Pattern, error) {
	return compile(p, false)
}

// Header compiles p as an AllowedHeader pattern. Matching ignores the case of
// ASCII letters; all other bytes, including non-ASCII ones, compare exactly.
//
// Header returns a [*PatternError] if p contains more than one "*".
func Header(p string) (Pattern, error) {
	return compile(p, true)
}

func compile(p string, fold bool) (Pattern, error) {
	star := strings.IndexByte(p, '*')
	if star < 0 {
		pre := p
		if fold {
			pre = toLower(p)
		}
		return Pattern{text: p, pre: pre, fold: fold}, nil
	}
	if strings.Count(p, "*") > 1 {
		return Pattern{}, &PatternError{Pattern: p}
	}
	pre, suf := p[:star], p[star+1:]
	if fold {
		pre, suf = toLower(pre), toLower(suf)
	}
	return Pattern{text: p, pre: pre, suf: suf, wild: true, fold: fold}, nil
}

// Match reports whether s matches the pattern. A wildcard pattern "pre*suf"
// matches when s starts with pre and ends with suf and the two do not overlap,
// that is, when len(s) >= len(pre)+len(suf). Match does not allocate.
func (p Pattern) Match(s string) bool {
	if !p.wild {
		if p.fold {
			return equalFold(s, p.pre)
		}
		return s == p.pre
	}
	if len(s) < len(p.pre)+len(p.suf) {
		return false
	}
	if p.fold {
		return hasPrefixFold(s, p.pre) && hasSuffixFold(s, p.suf)
	}
	return strings.HasPrefix(s, p.pre) && strings.HasSuffix(s, p.suf)
}

// String returns the pattern text exactly as it was compiled, with its
// original case.
func (p Pattern) String() string {
	return p.text
}

// MatchesAll reports whether the pattern is exactly "*", which matches every
// string.
func (p Pattern) MatchesAll() bool {
	return p.wild && p.pre == "" && p.suf == ""
}

// HasWildcard reports whether the pattern contains a "*". A pattern without
// one matches only the literal text.
func (p Pattern) HasWildcard() bool {
	return p.wild
}
