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
//   - [github.com/s3cors/s3cors/matcher] holds S3's one-"*" wildcard
//     patterns and an index that finds the rules allowing an origin in
//     constant time.
//   - [github.com/s3cors/s3cors/cors] compiles a configuration into an
//     immutable policy whose Evaluate method returns S3's exact answer to a
//     request, and provides net/http middleware.
//
// Behaviour that public evidence does not settle is decided once and
// documented where it is implemented; the package documentation of each
// package lists those decisions.
package s3cors
