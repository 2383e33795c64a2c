// Package rscors compares the cost of the s3cors net/http middleware with
// that of github.com/rs/cors, a widely used general-purpose CORS middleware,
// on the same requests and equivalent configurations.
//
// It is a module of its own so that the s3cors module does not require
// rs/cors: the library's packages import only the standard library. It
// holds only benchmarks; run them with
//
//	go test -run '^$' -bench . -benchmem -count 6 > new.txt
//	benchstat -col /impl new.txt
//
// Each scenario runs as BenchmarkMiddleware/scenario=X/impl=s3cors and
// .../impl=rscors:
//
//   - a: preflight from an allowed origin for PUT with the requested headers
//     "content-type,x-amz-date";
//   - b: GET from an allowed origin;
//   - c: GET from an origin that is not allowed;
//   - d: preflight from an origin matching the last of 100 "https://*.exampleN.com"
//     patterns, in a list that also holds 100 exact origins;
//   - e: GET without Origin.
//
// Both middlewares answer preflights themselves with 200 and let actual
// requests through to a handler that writes status 200. The answers are
// not identical, which is the point of s3cors: rs/cors follows the Fetch
// standard, S3 does not (it lists every allowed method, echoes requested
// headers in lower case, sends Vary only on a match). Each benchmark checks
// once, before measuring, that both allow and refuse the same requests.
//
// Every request is served twice per scenario: with a ResponseWriter whose
// header map is cleared and reused, which shows the middleware's own
// allocations, and with a fresh httptest.ResponseRecorder.
package rscors
