module github.com/s3cors/s3cors/cmd/s3cors

go 1.25

require (
	github.com/google/go-cmp v0.7.0
	github.com/s3cors/s3cors v0.0.0
	github.com/stretchr/testify v1.12.1
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect

replace github.com/s3cors/s3cors => ../..
