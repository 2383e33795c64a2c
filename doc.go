// Package s3cors reproduces Amazon S3's CORS behaviour exactly, for Go
// servers, S3 emulators and gateways, and for tests that ask "would S3 allow
// this browser request?".
//
// # S3 CORS in brief
//
// A bucket may carry a CORS configuration: an ordered list of at most 100
// rules, each naming allowed origins, methods and request headers, plus the
// response headers scripts may read and how long browsers may cache a
// preflight answer. For a request carrying an Origin header, S3 takes the
// first rule whose origin, method and request headers all match and adds the
// Access-Control-* response headers it derives from that rule. S3 answers
// OPTIONS preflights itself, without authentication: 200 with those headers,
// or an XML error (403 when no rule matches or CORS is not enabled, 400 when
// the preflight lacks an Origin). Other requests are never refused because
// of CORS; they merely lack the headers, and the browser then withholds the
// response from the page.
//
// S3 differs from the W3C Fetch standard and from most CORS middleware in
// ways this module reproduces: "*" rules answer with a literal "*" and no
// credentials header, while every other match echoes the origin and allows
// credentials; Access-Control-Allow-Methods lists all of the rule's methods;
// Access-Control-Allow-Headers echoes the requested headers lower-cased;
// Access-Control-Request-Method and -Headers are honoured on non-OPTIONS
// requests too; and Vary is sent only when a rule matched.
//
// # Packages
//
//   - [github.com/s3cors/s3cors/rule] reads, validates and writes
//     configurations (XML, AWS CLI JSON, S3 console JSON) exactly as
//     PutBucketCors and GetBucketCors do, with S3's error codes and
//     messages, and renders S3's XML error documents.
//   - [github.com/s3cors/s3cors/matcher] is S3's pattern language: the
//     one-"*" wildcards of AllowedOrigin and AllowedHeader values, compiled
//     once and matched without allocating.
//   - [github.com/s3cors/s3cors/cors] compiles a configuration into an
//     immutable policy whose Evaluate method returns S3's exact answer to a
//     request, and provides net/http middleware. A compiled policy finds
//     the rules allowing an origin with a few map lookups, however many
//     rules and patterns there are; that index is internal to the module
//     (internal/wildcard) and not part of the API.
//   - [github.com/s3cors/s3cors/bucket] gives a server per-bucket
//     configurations: a Store that the middleware resolves policies from,
//     and the bucket CORS API (PutBucketCors, GetBucketCors,
//     DeleteBucketCors) with S3's answers.
//   - [github.com/s3cors/s3cors/conformance] plays the project's
//     conformance vectors, S3's recorded answers, against any server, in a
//     test or as a library.
//
// The command-line tool s3cors (lint, explain, convert, serve, probe) is a
// module of its own in cmd/s3cors, so that importing the library stays free
// of its dependencies; the examples (an S3 emulator, a website demo,
// browser tests) are another.
//
// At run time the module needs only the standard library; testify and
// go-cmp serve its tests. It needs Go 1.24.
//
// Identifiers such as P5, H7 or D13 in the packages' documentation name the
// behaviours of Amazon S3 described, with their evidence, in
// docs/behaviour.md in the repository. Behaviour that public evidence does
// not settle is decided once there (the D identifiers), and each package's
// documentation lists the decisions it implements.
package s3cors
