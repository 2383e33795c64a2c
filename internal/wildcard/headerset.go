package wildcard

// lowerBufSize is the size of the stack buffer [HeaderSet.Match] lower-cases
// a request header name into before looking it up among the literal
// patterns. Longer names are compared by a linear case-insensitive scan.
const lowerBufSize = 128

// A HeaderSet holds one rule's AllowedHeader patterns and answers whether a
// request header name is allowed by at least one of them, comparing ASCII
// case-insensitively as [Header] patterns do.
//
// Literal patterns are kept lower-cased in a hash map, so a name is checked
// against all of them with one lookup; a bare "*" is recorded as a flag; the
// remaining wildcard patterns are tried one by one.
//
// A HeaderSet is immutable after construction and safe for concurrent use. A
// nil *HeaderSet, like a HeaderSet built from no patterns, matches nothing.
type HeaderSet struct {
	exact    map[string]struct{} // lower-cased literal patterns
	literals []string            // the keys of exact, for names too long for the buffer
	maxLit   int                 // length of the longest literal pattern
	all      bool                // a pattern is exactly "*"
	wild     []Pattern           // the other wildcard patterns
	n        int                 // number of patterns given
}

// NewHeaderSet compiles the AllowedHeader patterns of one rule. It returns a
// [*PatternError] for the first pattern that has more than one "*".
func NewHeaderSet(patterns []string) (*HeaderSet, error) {
	h := &HeaderSet{n: len(patterns)}
	for _, text := range patterns {
		p, err := Header(text)
		if err != nil {
			return nil, err
		}
		switch {
		case !p.wild:
			if h.exact == nil {
				h.exact = make(map[string]struct{})
			}
			if _, dup := h.exact[p.pre]; !dup {
				h.exact[p.pre] = struct{}{}
				h.literals = append(h.literals, p.pre)
				h.maxLit = max(h.maxLit, len(p.pre))
			}
		case p.MatchesAll():
			h.all = true
		default:
			h.wild = append(h.wild, p)
		}
	}
	return h, nil
}

// Match reports whether name matches at least one of the patterns, ignoring
// the case of ASCII letters. Match does not allocate. It is fastest when name
// is already lower-case, as header names are once the request has been
// parsed.
func (h *HeaderSet) Match(name string) bool {
	if h == nil {
		return false
	}
	if h.all {
		return true
	}
	if len(h.exact) > 0 && len(name) <= h.maxLit && h.matchLiteral(name) {
		return true
	}
	for i := range h.wild {
		if h.wild[i].Match(name) {
			return true
		}
	}
	return false
}

// MatchLower is like [HeaderSet.Match] for a name that has no upper-case
// ASCII letter, such as the lower-cased items of a parsed
// Access-Control-Request-Headers; it skips lower-casing. For a name with
// upper-case letters its answer is unspecified.
func (h *HeaderSet) MatchLower(name string) bool {
	if h == nil {
		return false
	}
	if h.all {
		return true
	}
	if len(name) <= h.maxLit {
		if _, ok := h.exact[name]; ok {
			return true
		}
	}
	for i := range h.wild {
		if h.wild[i].Match(name) {
			return true
		}
	}
	return false
}

// matchLiteral reports whether name equals one of the literal patterns,
// ignoring ASCII case.
func (h *HeaderSet) matchLiteral(name string) bool {
	if !hasUpper(name) {
		_, ok := h.exact[name]
		return ok
	}
	if len(name) <= lowerBufSize {
		var buf [lowerBufSize]byte
		b := buf[:len(name)]
		for i := 0; i < len(name); i++ {
			b[i] = lowerByte(name[i])
		}
		_, ok := h.exact[string(b)] // the conversion does not allocate
		return ok
	}
	for _, lit := range h.literals {
		if equalFold(name, lit) {
			return true
		}
	}
	return false
}

// MatchesAll reports whether one of the patterns is exactly "*", so that
// every header name matches.
func (h *HeaderSet) MatchesAll() bool {
	return h != nil && h.all
}

// IsEmpty reports whether the set was built from no patterns. An empty set
// matches nothing: S3 refuses a preflight that requests any header from a
// rule without AllowedHeader elements.
func (h *HeaderSet) IsEmpty() bool {
	return h == nil || h.n == 0
}
