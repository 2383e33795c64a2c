// Package proxy is the reverse proxy of "s3cors proxy": it puts Amazon
// S3's bucket CORS in front of any S3-compatible server, whatever CORS that
// server has of its own.
//
// Everything but preflights and the ?cors API passes through to the
// upstream server untouched: method, path, raw query, the Host as received
// (so that a SigV4 signature made for the address the client called still
// verifies there), end-to-end header fields and trailers, and bodies
// streamed both ways. The upstream authenticates those requests as before.
//
// The proxy itself
//
//   - answers preflights (OPTIONS) from the bucket's configuration, as S3
//     does, without authentication and without asking the upstream more
//     than whether the bucket exists (W2, P1–P6);
//   - serves PutBucketCors, GetBucketCors and DeleteBucketCors from a
//     [bucket.Store], behind SigV4 authentication with its own keys;
//   - removes whatever Access-Control-* fields and CORS elements of Vary
//     the upstream sent, in the header, the trailer and interim responses,
//     and puts S3's in their place (R2–R5, D28);
//   - answers for an upstream that is down or slow with 503, 504 or 502
//     in S3's XML error form, with the bucket's CORS fields.
//
// Which buckets exist is learned from the upstream with HEAD bucket and
// remembered within the bounds of [Limits] (D29).
package proxy
