module github.com/s3cors/s3cors/cmd/s3cors

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/s3cors/s3cors v0.0.0
	github.com/stretchr/testify v1.12.1
	go.etcd.io/etcd/client/v3 v3.7.4
)

require (
	github.com/coreos/go-semver v0.3.1 // indirect
	github.com/coreos/go-systemd/v22 v22.7.0 // indirect
	github.com/golang/protobuf v1.5.4 // indirect
	github.com/grpc-ecosystem/grpc-gateway/v2 v2.29.0 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	go.etcd.io/etcd/api/v3 v3.7.4 // indirect
	go.etcd.io/etcd/client/pkg/v3 v3.7.4 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.uber.org/zap v1.27.1 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20260803160001-6ac0973c030d // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260803160001-6ac0973c030d // indirect
	google.golang.org/grpc v1.83.2 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

require (
	github.com/s3cors/s3cors/bucket/boltstore v0.0.0
	github.com/s3cors/s3cors/bucket/etcdstore v0.0.0
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace github.com/s3cors/s3cors => ../..

replace github.com/s3cors/s3cors/bucket/boltstore => ../../bucket/boltstore

replace github.com/s3cors/s3cors/bucket/etcdstore => ../../bucket/etcdstore
