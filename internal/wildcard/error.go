package wildcard

import (
	"strconv"
	"strings"
)

// A PatternError reports a pattern that S3 does not accept because it has
// more than one "*".
type PatternError struct {
	Pattern string // the rejected pattern text, as given
}

// Error returns a message naming the pattern and its number of wildcards.
func (e *PatternError) Error() string {
	return "pattern " + strconv.Quote(e.Pattern) + " has " +
		strconv.Itoa(strings.Count(e.Pattern, "*")) + " wildcards; S3 allows at most one \"*\""
}
