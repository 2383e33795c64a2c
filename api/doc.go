// Package api holds the contract of the s3cors module's public API: the
// baseline s3cors.export that api/check compares the packages rule,
// matcher, cors, bucket and conformance with, and the pinned apidiff tool
// that does it. It has no code; see README.md in this folder.
package api
