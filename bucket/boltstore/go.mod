module github.com/s3cors/s3cors/bucket/boltstore

go 1.25.0

replace github.com/s3cors/s3cors => ../..

require (
	github.com/s3cors/s3cors v0.0.0
	go.etcd.io/bbolt v1.5.0
)

require golang.org/x/sys v0.45.0 // indirect
