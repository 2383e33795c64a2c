package wildcard

// A HeaderIndex answers, for a request header name, which rules of a CORS
// configuration have an AllowedHeader that matches it, ignoring ASCII case
// as [Header] patterns do. It is organised like [OriginIndex], with every
// pattern lower-cased.
//
// S3 allows a request only when every header it names in
// Access-Control-Request-Headers is allowed by the same rule. Checking the
// names one at a time against the set of rules still in the running, with
// [HeaderIndex.Allowing], costs a few map lookups per name whatever the
// number of rules and patterns, and stops as soon as no rule is left.
//
// A HeaderIndex is immutable after construction and safe for concurrent use.
// A nil *HeaderIndex matches nothing.
type HeaderIndex struct {
	x patternIndex
}

// NewHeaderIndex builds an index over the AllowedHeader lists of a
// configuration: headers[i] is the list of rule i. A rule with an empty list
// allows no header.
//
// NewHeaderIndex returns an error if there are more than [RuleSetCapacity]
// rules, and a [*PatternError] for the first pattern, in configuration order,
// that has more than one "*".
func NewHeaderIndex(headers [][]string) (*HeaderIndex, error) {
	x := &HeaderIndex{}
	if err := x.x.build(headers, Header); err != nil {
		return nil, err
	}
	return x, nil
}

// Allowing returns the rules of among that have an AllowedHeader matching
// name, which must have no upper-case ASCII letter (lower-case it first, as
// S3 does with the items of Access-Control-Request-Headers). It stops
// looking as soon as every rule of among is found, and does not allocate.
func (x *HeaderIndex) Allowing(name string, among RuleSet) RuleSet {
	if x == nil || among.IsEmpty() {
		return RuleSet{}
	}
	return x.x.match(name, among)
}
