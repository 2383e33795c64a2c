package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

// Authentication on, for two users, with the package's API alone: each
// user's SDK client is accepted, a wrong secret and an unsigned request are
// refused with S3's errors.
func ExampleWithCredentials() {
	srv := httptest.NewServer(emulator.New(emulator.WithCredentials("eu-west-1", map[string]string{
		"AKIDALICE": "alice-secret",
		"AKIDBOB":   "bob-secret",
	})))
	defer srv.Close()
	client := func(key, secret string) *s3.Client {
		return s3.New(s3.Options{
			Region:           "eu-west-1",
			BaseEndpoint:     aws.String(srv.URL),
			UsePathStyle:     true,
			Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
			RetryMaxAttempts: 1,
		})
	}
	ctx := context.Background()
	report := func(who string, err error) {
		var ae smithy.APIError
		switch {
		case err == nil:
			fmt.Println(who+":", "ok")
		case errors.As(err, &ae):
			fmt.Println(who+":", ae.ErrorCode())
		default:
			fmt.Println(who+":", err)
		}
	}

	_, err := client("AKIDALICE", "alice-secret").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared")})
	report("alice creates a bucket", err)
	_, err = client("AKIDBOB", "bob-secret").HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("shared")})
	report("bob reads it", err)
	_, err = client("AKIDBOB", "not-bob-secret").ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")})
	report("a wrong secret", err)
	resp, err := http.Get(srv.URL + "/shared")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("unsigned:", resp.Status)
	// Output:
	// alice creates a bucket: ok
	// bob reads it: ok
	// a wrong secret: SignatureDoesNotMatch
	// unsigned: 403 Forbidden
}
