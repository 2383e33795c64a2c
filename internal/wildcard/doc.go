// Package wildcard implements S3's one-star patterns and the indexes that
// the engine builds from a configuration's AllowedOrigin and AllowedHeader
// lists: [OriginIndex] finds every rule allowing an origin, [HeaderIndex]
// narrows a set of rules to those allowing a header name, and [HeaderSet]
// answers for one rule. Rules are named by their index in a [RuleSet].
//
// The public face of the pattern language is package
// github.com/s3cors/s3cors/matcher; this package holds what only the engine
// needs. Every Match method is safe for concurrent use and does not allocate.
package wildcard
