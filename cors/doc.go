// Package cors applies an S3 bucket's CORS configuration to requests exactly
// as Amazon S3 does.
//
// [Compile] turns a [rule.Configuration] into an immutable [Policy].
// [Policy.Evaluate] is a pure function from a [Request] (method, Origin,
// Access-Control-Request-Method, Access-Control-Request-Headers, and whether
// the URL addresses the bucket or an object) to a [Result]: whether S3
// answers the request itself as a preflight, with which status, headers and
// XML error, or lets it proceed with CORS headers added. No server is
// needed, so a unit test can ask "would S3 allow this browser request?".
//
// # How S3 evaluates CORS
//
// A request without an Origin header is not a CORS request: S3 adds nothing.
// Otherwise S3 walks the rules in order and uses the first whose
// AllowedOrigins, AllowedMethods and AllowedHeaders all match:
//
//   - origin: an AllowedOrigin equal to the Origin, byte for byte and
//     case-sensitively, or a pattern with one "*" matching any run of
//     characters, including none (see package
//     [github.com/s3cors/s3cors/matcher]);
//   - method: the Access-Control-Request-Method header when present, on any
//     request and not only preflights, else the request's own method;
//   - headers: every name listed in Access-Control-Request-Headers (split on
//     commas, trimmed, lower-cased, empty items dropped) matches an
//     AllowedHeader, case-insensitively; again on any request that carries
//     the header. A rule without AllowedHeader allows no requested header.
//
// On a match S3 sends, in this order: Access-Control-Allow-Origin ("*" when
// the rule lists "*" among its origins, else the Origin echoed),
// Access-Control-Allow-Methods (all of the rule's methods, joined by ", "),
// Access-Control-Allow-Headers (the requested names, lower-cased, when any
// were requested), Access-Control-Expose-Headers and Access-Control-Max-Age
// (when the rule has them), Access-Control-Allow-Credentials: true (only
// when the origin was echoed), and Vary: Origin,
// Access-Control-Request-Headers, Access-Control-Request-Method. Without a
// match S3 sends none of these, not even Vary.
//
// S3 answers every OPTIONS request itself, unauthenticated: 400 BadRequest
// without Origin; 403 AccessForbidden when the bucket does not exist or has
// no CORS configuration; 400 BadRequest when Access-Control-Request-Method
// is missing or not one of GET, PUT, HEAD, POST, DELETE; 200 with the
// headers above on a match; 403 AccessForbidden otherwise. Other requests
// are never refused because of CORS: they only lack the headers, and the
// browser then hides the response from the page.
//
// # Serving requests
//
// [Middleware] applies a policy to a net/http server: it answers
// preflights itself and adds the CORS headers to every response of the
// wrapped handler, errors included. A [Resolver] picks the policy per
// request, for servers with many buckets whose configurations change at run
// time; [Policy.Handler] serves one bucket. Put the middleware outside
// authentication: browsers never sign preflights, and S3 answers them
// unauthenticated, so a server that authenticates first refuses every
// preflight, and presigned uploads from web pages fail.
//
// S3 sends Vary only when a rule matched, so caches may serve a response
// fetched without Origin to a later cross-origin request, which the browser
// then blocks. [WithCacheSafeVary] adds "Vary: Origin" to every response of
// a configured bucket to prevent that, at the price of departing from S3.
//
// The middleware never explains a refusal in its response, as S3 does not.
// [WithObserver] shows each request and its [Result] to a function of
// yours, for logging why a request was refused in production;
// [Policy.Explain] gives the rule-by-rule account.
//
// # Behaviour IDs
//
// Identifiers such as P5, H7 or D13 in this package's documentation name
// the behaviours of Amazon S3 described, with their evidence, in
// docs/behaviour.md in the repository: C for the configuration document, V
// for PutBucketCors validation, G for GetBucketCors and DeleteBucketCors,
// W for when CORS applies, M for matching, P for preflights, H for the
// response headers, R for other requests, E for error documents, and D for
// the decisions below.
//
// # Decisions where S3's behaviour is not publicly recorded
//
// Each has a D identifier in docs/behaviour.md, where the evidence around
// it is discussed.
//
//   - Origins compare case-sensitively, without normalising scheme, host,
//     port or trailing slash (D1).
//   - A preflight to a configured bucket without
//     Access-Control-Request-Method gets 400 BadRequest "Invalid
//     Access-Control-Request-Method: null"; with an unsupported value, the
//     same with the value in place of "null". The bucket checks come first
//     (D2).
//   - A rule listing "*" and other origins answers "*" (without
//     credentials) even when the Origin equals one of the others (D3).
//   - Access-Control-Max-Age carries MaxAgeSeconds as stored whenever the
//     element exists, 0 and negative values included (D4).
//   - An empty Origin counts as none; of several Origin lines the first
//     counts. An empty or blank Access-Control-Request-Headers counts as
//     absent (D7); duplicates in it are kept, in request order (D10).
//   - The Method element of a 403 carries Access-Control-Request-Method,
//     or "OPTIONS" when absent, also for a missing bucket (D8). An empty
//     Access-Control-Request-Method counts as absent (D12).
//   - Query parameters do not change a preflight's evaluation (D9).
//   - Access-Control-Request-Headers longer than 8 KiB in total or naming
//     more than 256 headers is allowed by no rule, which bounds the work an
//     attacker can cause (D11). S3 refuses requests whose header section
//     exceeds 8 KiB before evaluating CORS, and browsers name each header
//     once, so requests S3 would answer are not affected.
//   - Every 400 answer to a preflight closes an HTTP/1.1 connection, as the
//     recorded one for a missing Origin does. Connection is a property of
//     the transport, so a [Result] does not carry it; [Middleware] sends
//     "Connection: close" over HTTP/1.x only, since over HTTP/2 Go's server
//     would take it as an order to end every stream of the connection
//     (D13).
//
// # Performance
//
// Compile precomputes every header value that depends only on the rule, an
// index that finds the rules allowing an origin with a few map lookups
// however many rules and patterns there are, and per-method rule sets.
// Evaluate returns its Result by value and allocates only for what the
// answer holds and the request does not: the lower-cased
// Access-Control-Allow-Headers value when headers are requested, and the
// message of a refusal that quotes the request. Each requested name costs
// a few map lookups. See BENCHMARKS.md in the
// repository for measurements.
package cors
