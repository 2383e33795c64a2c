// Package s3proxy tests s3cors proxy in front of S3-compatible servers
// that lack S3's bucket CORS: gofakes3, which has no CORS of its own, and
// moto, whose global CORS the proxy must remove. Every conformance vector
// is played through the proxy with every request signed, as an S3 client
// signs them. It holds tests only.
package s3proxy
