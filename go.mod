module github.com/s3cors/s3cors

go 1.26
