// Package sdkprofile records what the AWS SDK for JavaScript v3 asks of a
// bucket's CORS configuration when it runs in a browser: for each operation,
// every request it sends, whether the browser preflights it, with which
// Access-Control-Request-Method and Access-Control-Request-Headers, and
// which response headers the operation cannot do without.
//
// The recording runs the real SDK, bundled from npm, in headless Chromium
// against the S3 emulator of this repository with authentication on, and
// writes the profiles that "s3cors lint --client" replays to
// cmd/s3cors/clients/aws-sdk-js-v3.json. It needs npm and Chromium, so it
// does not run with the other tests; record.sh runs it:
//
//	./record.sh
//
// which installs the exact package versions of js/package-lock.json
// (npm ci), bundles js/entry.js with esbuild and runs
//
//	SDKPROFILE_RECORD=1 go test ./sdkprofile -run Record
//
// Each operation runs twice: once with a configuration that allows every
// request and exposes ETag, once exposing nothing. An operation that fails
// only in the second run needs ETag exposed.
package sdkprofile
