// Package conformance checks an S3 server's CORS against Amazon S3's
// recorded behaviour: it plays the project's conformance vectors (one
// bucket state, one request, S3's answer each) against an http.Handler
// in-process or a server at a base URL, and compares status, headers and
// error documents with S3's.
//
// The vectors cover preflights, CORS headers on other requests, and the
// bucket CORS API (PutBucketCors validation with S3's exact error codes and
// messages, GetBucketCors, DeleteBucketCors). Each vector cites the rules
// of the project's behaviour document it checks (docs/behaviour.md in the
// repository), by the identifiers, such as P5, H7 or D13, that this
// package's documentation uses too. [Corpus] returns them; their file format, s3cors-vectors/1,
// and what a runner checks are described in docs/vectors.md.
//
// # In a test suite
//
// An S3 emulator adds one test:
//
//	func TestS3CORSConformance(t *testing.T) {
//		conformance.Run(t, conformance.Target{Handler: myemulator.New()})
//	}
//
// Each vector becomes a subtest named after its file and name, so
// "go test -run TestS3CORSConformance/preflight" plays the preflight
// vectors only, and a failure lists each difference from S3's answer. A
// server that checks signatures gets a Sign function that signs requests as
// an S3 client does; a running server is a Target with a URL.
//
// # As a library
//
// [Check] returns a [Report] with every vector's outcome and differences,
// for tools that compare servers. Against a live account, where creating a
// bucket per vector is slow or not allowed, Target.Bucket plays the vectors
// in one existing bucket, and Target.Settle waits for each configuration
// change to take effect on servers that apply changes eventually.
//
// # What the server must do
//
// The runner gives each vector a bucket of its own, created with
// CreateBucket (PUT /bucket) and, when the vector's bucket has a
// configuration, PutBucketCors (PUT /bucket?cors) with the configuration
// as XML; it uses path-style URLs throughout. Vectors whose PutBucketCors
// document is JSON are skipped: S3's API takes XML only. Once a vector is
// judged, the runner deletes what it created (objects, configuration,
// bucket: DeleteBucket, DELETE /bucket), unless Target.Keep is set; what it
// could not delete is listed in Report.Leftovers.
//
// # Outcomes
//
// Each [Result] is [Passed], [Failed], [Skipped] or [NotJudged]. Only Passed
// and Failed say something of the target's conformance. A vector is not
// judged when the target gave no answer (the endpoint refused or dropped
// the connection) or the run was cancelled: an interrupted run or a dead
// endpoint reads as an incomplete run, never as failures. A set-up call
// (CreateBucket, PutBucketCors, DeleteBucketCors) that the target answers
// differently from S3 does not decide the vector's outcome: the difference
// is recorded in [Result.SetUp] and the vector is played all the same.
package conformance
