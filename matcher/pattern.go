package matcher

import "github.com/s3cors/s3cors/internal/wildcard"

// A Pattern is a compiled AllowedOrigin or AllowedHeader value: a literal, or
// a text with exactly one "*" (see the package documentation for the
// language). Create one with [Origin] or [Header].
//
// A Pattern is a small immutable value; copies share nothing mutable and may
// be used concurrently. The zero Pattern is the case-sensitive empty literal:
// it matches only the empty string.
type Pattern struct {
	p wildcard.Pattern
}

// Origin compiles p as an AllowedOrigin pattern. Matching is case-sensitive
// and byte for byte, with no normalisation of scheme, host, port or trailing
// slash.
//
// Origin returns a [*PatternError] if p contains more than one "*", as
// PutBucketCors would refuse it.
func Origin(p string) (Pattern, error) {
	return compile(p, wildcard.Origin)
}

// Header compiles p as an AllowedHeader pattern. Matching ignores the case of
// ASCII letters; all other bytes, including non-ASCII ones, compare exactly.
//
// Header returns a [*PatternError] if p contains more than one "*", as
// PutBucketCors would refuse it.
func Header(p string) (Pattern, error) {
	return compile(p, wildcard.Header)
}

func compile(p string, f func(string) (wildcard.Pattern, error)) (Pattern, error) {
	w, err := f(p)
	if err != nil {
		return Pattern{}, &PatternError{Pattern: p}
	}
	return Pattern{w}, nil
}

// Match reports whether s matches the pattern. It does not allocate.
func (p Pattern) Match(s string) bool {
	return p.p.Match(s)
}

// String returns the pattern's text as given to [Origin] or [Header].
func (p Pattern) String() string {
	return p.p.String()
}

// A PatternError reports a pattern that S3 does not accept because it has
// more than one "*".
type PatternError struct {
	Pattern string // the rejected pattern, as given
}

// Error names the pattern and its number of wildcards, for example
// `matcher: pattern "*.*.example.com" has 2 wildcards; S3 allows at most one "*"`.
func (e *PatternError) Error() string {
	return "matcher: " + (&wildcard.PatternError{Pattern: e.Pattern}).Error()
}
