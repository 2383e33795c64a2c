module github.com/s3cors/s3cors/benchmarks/rscors

go 1.26

require (
	github.com/rs/cors v1.11.1
	github.com/s3cors/s3cors v0.0.0
)

replace github.com/s3cors/s3cors => ../..
