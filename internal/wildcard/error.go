package matcher

import (
	"errors"
	"strconv"
)

// ErrTooManyWildcards is the sentinel for a pattern with more than one "*".
// Every [*PatternError] matches it with [errors.Is].
var ErrTooManyWildcards = errors.New("matcher: more than one wildcard in pattern")

// A PatternError reports a pattern that S3 does not accept because it has
// more than one "*".
type PatternError struct {
	Pattern   string // the rejected pattern text, as given
	Wildcards int    // the number of "*" in Pattern, at least 2
}

// Error returns a message naming the pattern and its number of wildcards.
func (e *PatternError) Error() string {
	return "matcher: pattern " + strconv.Quote(e.Pattern) + " has " +
		strconv.Itoa(e.Wildcards) + " wildcards; S3 allows at most one \"*\""
}

// Is reports whether target is [ErrTooManyWildcards], so that
// errors.Is(err, ErrTooManyWildcards) holds for every PatternError.
func (e *PatternError) Is(target error) bool {
	return target == ErrTooManyWildcards
}
