// Package naive holds matchers written straight from the behaviour rules,
// deliberately simple and slow: the oracles that tests and fuzz targets
// compare the fast implementations with. Only tests import it.
//
//   - M4: "*" alone matches everything; a pattern with one "*" matches iff
//     the string starts with the text before "*" and ends with the text
//     after it, the two not overlapping, "*" matching zero or more of any
//     bytes; otherwise exact equality.
//   - D1: origins compare case-sensitively, byte for byte.
//   - M5: header names use the same glob, compared ASCII case-insensitively.
//
// Identifiers such as P5, H7 or D13 in this package's documentation name
// the behaviours of Amazon S3 described, with their evidence, in
// docs/behaviour.md in the repository.
package naive

import "strings"

// equal compares a and b exactly, or ignoring ASCII case when fold is set.
func equal(a, b string, fold bool) bool {
	if !fold {
		return a == b
	}
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		// Letters differ in case exactly by bit 0x20.
		lx := x | 0x20
		if x^y != 0x20 || lx < 'a' || lx > 'z' {
			return false
		}
	}
	return true
}

// Match reports whether s matches pattern (ignoring ASCII case when fold
// is set) by trying every way to split s
// into a part equal to the text before "*", a middle part the "*" absorbs,
// and a part equal to the text after "*". It panics on more than one "*";
// callers check that first.
func Match(pattern, s string, fold bool) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return equal(pattern, s, fold)
	}
	if strings.Count(pattern, "*") > 1 {
		panic("naive.Match: more than one wildcard")
	}
	pre, suf := pattern[:star], pattern[star+1:]
	for i := 0; i <= len(s); i++ {
		for j := i; j <= len(s); j++ {
			if equal(s[:i], pre, fold) && equal(s[j:], suf, fold) {
				return true
			}
		}
	}
	return false
}

// Lower lower-cases the ASCII letters of s, leaving every other byte as it
// is, as S3 does with requested header names.
func Lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
