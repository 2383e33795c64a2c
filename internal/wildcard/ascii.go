package wildcard

// lowerByte returns c lower-cased if it is an upper-case ASCII letter, and c
// unchanged otherwise.
func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}

// hasUpper reports whether s contains an upper-case ASCII letter.
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// toLower returns s with its ASCII letters lower-cased. It returns s itself,
// without allocating, when s has no upper-case ASCII letter.
func toLower(s string) string {
	if !hasUpper(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerByte(c)
	}
	return string(b)
}

// equalFold reports whether s equals lower, which must already be lower-cased,
// ignoring ASCII case.
func equalFold(s, lower string) bool {
	return len(s) == len(lower) && hasPrefixFold(s, lower)
}

// hasPrefixFold reports whether s begins with lower, which must already be
// lower-cased, ignoring ASCII case.
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	s = s[:len(lower)]
	if s == lower {
		return true // the common case: s is already lower-case
	}
	for i := 0; i < len(lower); i++ {
		if lowerByte(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

// hasSuffixFold reports whether s ends with lower, which must already be
// lower-cased, ignoring ASCII case.
func hasSuffixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	return hasPrefixFold(s[len(s)-len(lower):], lower)
}
