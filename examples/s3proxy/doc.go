// Package s3proxy tests s3cors proxy in front of S3-compatible servers
// that lack S3's bucket CORS: gofakes3, which has no CORS of its own, and
// moto, whose global CORS the proxy must remove. Every conformance vector
// is played through the proxy with every request signed, as an S3 client
// signs them. The s3cors command itself runs as processes: killed and
// started again on its --data, and several sharing their configurations
// through etcd with --etcd. It holds tests only.
package s3proxy
