package rule

import (
	"slices"
	"strconv"
)

// Configuration is a bucket's CORS configuration: the CORSConfiguration
// document of PutBucketCors and GetBucketCors.
//
// A Configuration holds values exactly as they were written: rule order,
// value order, letter case and surrounding white space are kept, and optional
// members remember whether they were present. It does not validate itself on
// construction; call [Configuration.Validate] (or obtain it from [Parse]) to
// learn whether S3 would accept it.
type Configuration struct {
	// Rules are the CORSRule elements in document order. S3 evaluates them
	// in this order and uses the first one that matches a request.
	Rules []Rule
}

// Rule is one CORSRule element.
//
// A nil slice means the element is absent. An empty, non-nil slice is an
// empty JSON list, such as "ExposeHeaders": [], which the S3 console writes:
// to S3 it means the same as an absent element, since XML cannot show an
// empty list and GetBucketCors never does, but the JSON forms keep it, so
// that a configuration read from JSON is written back without loss (C3).
type Rule struct {
	// ID is the optional rule identifier (at most 255 characters). Nil means
	// the element is absent; a pointer to "" means <ID></ID>.
	ID *string

	// AllowedHeaders lists the header names, each with at most one "*"
	// wildcard, that a preflight may ask for in
	// Access-Control-Request-Headers. Matching ignores ASCII case.
	AllowedHeaders []string

	// AllowedMethods lists the methods the rule allows: each exactly one of
	// GET, PUT, HEAD, POST and DELETE (upper case). At least one is required.
	AllowedMethods []string

	// AllowedOrigins lists the origins the rule allows, each with at most one
	// "*" wildcard. Matching is case-sensitive and byte for byte. At least
	// one is required; the empty string is a valid (if useless) entry.
	AllowedOrigins []string

	// ExposeHeaders lists the response headers a browser script may read,
	// sent as Access-Control-Expose-Headers. Wildcards are not allowed.
	ExposeHeaders []string

	// MaxAgeSeconds is how long a browser may cache a preflight answer,
	// sent as Access-Control-Max-Age. Nil means the element is absent, which
	// differs from zero: S3 sends the header only when the element exists.
	MaxAgeSeconds *int
}

// Clone returns a deep copy of c, sharing no slice or pointer with it, or
// nil for a nil c.
func (c *Configuration) Clone() *Configuration {
	if c == nil {
		return nil
	}
	out := &Configuration{Rules: make([]Rule, len(c.Rules))}
	for i := range c.Rules {
		out.Rules[i] = c.Rules[i].clone()
	}
	return out
}

// clone returns a deep copy of r.
func (r Rule) clone() Rule {
	out := Rule{
		AllowedHeaders: slices.Clone(r.AllowedHeaders),
		AllowedMethods: slices.Clone(r.AllowedMethods),
		AllowedOrigins: slices.Clone(r.AllowedOrigins),
		ExposeHeaders:  slices.Clone(r.ExposeHeaders),
	}
	if r.ID != nil {
		id := *r.ID
		out.ID = &id
	}
	if r.MaxAgeSeconds != nil {
		age := *r.MaxAgeSeconds
		out.MaxAgeSeconds = &age
	}
	return out
}

// label names rule r at index in messages: "rule 2", or "rule 2 (ID
// "uploads")" when it has an ID.
func (r Rule) label(index int) string {
	s := "rule " + strconv.Itoa(index)
	if r.ID != nil {
		s += " (ID " + strconv.Quote(*r.ID) + ")"
	}
	return s
}
