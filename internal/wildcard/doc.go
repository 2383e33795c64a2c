// Package matcher implements the wildcard patterns that Amazon S3 accepts in a
// bucket CORS configuration, compiled once into fast matchers that do not
// allocate when they are used.
//
// # Pattern language
//
// An AllowedOrigin or AllowedHeader value is either a literal or a pattern
// containing exactly one "*". S3 rejects values with two or more wildcards;
// [Origin] and [Header] report them with a [*PatternError].
//
//   - A literal matches only the identical string.
//   - "*" on its own matches every string, including the empty string and
//     strings that are not URLs at all, such as "localhost:4566" or "null".
//   - "pre*suf" matches a string that starts with pre and ends with suf, where
//     the start and the end do not overlap. The "*" stands for any run of
//     bytes, including none, and including ".", "/" and ":".
//
// Some consequences, for origin patterns:
//
//	pattern               string                     match
//	*                     ""                         yes
//	*                     "null"                     yes
//	http://*.example.com  "http://a.example.com"     yes
//	http://*.example.com  "http://a.b.example.com"   yes ("*" crosses ".")
//	http://*.example.com  "http://a.example.com/"    no  (trailing "/" is not ".example.com")
//	start*end             "startend"                 yes ("*" matches nothing)
//	prefix*               "prefix.suffix"            yes
//	*suffix               "foo.suffix.get"           no
//	ab*ba                 "aba"                      no  ("ab" and "ba" would overlap)
//	null                  "null"                     yes (the opaque origin is an ordinary string)
//	""                    ""                         yes (the empty pattern matches only "")
//
// # Case
//
// Origin patterns compare byte for byte: scheme, host, port and trailing
// slash are never normalised, and "HTTPS://A.COM" does not match
// "https://a.com". Header patterns compare ASCII case-insensitively, so
// "x-AMZ-*" matches "X-amz-date"; bytes outside ASCII compare exactly, and no
// Unicode case folding is applied.
//
// # Matchers
//
// A [Pattern] matches one string against one pattern. An [OriginIndex] answers,
// for a request Origin, which rules of a configuration allow it, as a
// [RuleSet]; its cost depends on the shape of the configuration, not on the
// number of rules. A [HeaderSet] answers whether one rule's AllowedHeader list
// allows a request header name. All Match methods are safe for concurrent use
// and perform no allocations.
package matcher
