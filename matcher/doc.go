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
// # Use
//
// Compile a value once with [Origin] or [Header] and call [Pattern.Match]
// as often as needed: a Pattern is an immutable value, safe for concurrent
// use, and matching never allocates. A value with more than one "*" is
// refused with a [*PatternError], as PutBucketCors refuses it.
//
// Package github.com/s3cors/s3cors/cors builds on these patterns: it
// compiles a whole configuration into an index that finds the rules
// allowing a request in a few map lookups, whatever the number of rules.
package matcher
