package s3proxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3cors/s3cors/examples/internal/sdktest"
	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

// TestSDKThroughProxy drives the proxy with the AWS SDK for Go v2 in front
// of an upstream that verifies every signature (the example emulator with
// authentication on): requests signed for the proxy's address verify
// upstream, uploads included, and the ?cors calls are the proxy's.
func TestSDKThroughProxy(t *testing.T) {
	ctx := t.Context()
	upstream := httptest.NewServer(emulator.New(emulator.WithCredentials("", map[string]string{accessKey: secretKey})))
	defer upstream.Close()
	srv := startProxy(t, upstream.URL)
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
	})
	bucket := aws.String("uploads")
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket}); sdktest.ErrorCode(err) != "NoSuchCORSConfiguration" {
		t.Fatalf("GetBucketCors before any: %v", err)
	}
	rules := []types.CORSRule{{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{"PUT", "GET"},
		AllowedHeaders: []string{"*"},
		ExposeHeaders:  []string{"ETag"},
	}}
	if _, err := client.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: bucket, CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}}); err != nil {
		t.Fatal(err)
	}
	got, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket})
	if err != nil || len(got.CORSRules) != 1 || got.CORSRules[0].AllowedOrigins[0] != "https://app.example.com" {
		t.Fatalf("GetBucketCors: %+v, %v", got, err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("a/cat.txt"), Body: strings.NewReader("meow")}); err != nil {
		t.Fatalf("PutObject through the proxy, verified upstream: %v", err)
	}
	obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("a/cat.txt")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(body) != "meow" {
		t.Errorf("GetObject: %q", body)
	}

	// A page's presigned upload: preflight, then PUT with the Origin.
	presigned, err := s3.NewPresignClient(client).PresignPutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("a/dog.txt")}, s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	pre, _ := http.NewRequest(http.MethodOptions, presigned.URL, nil)
	pre.Header.Set("Origin", "https://app.example.com")
	pre.Header.Set("Access-Control-Request-Method", "PUT")
	res, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("preflight of the presigned upload: %d %v", res.StatusCode, res.Header)
	}
	put, _ := http.NewRequest(http.MethodPut, presigned.URL, strings.NewReader("woof"))
	put.Header.Set("Origin", "https://app.example.com")
	res, err = http.DefaultClient.Do(put)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || res.Header.Get("Access-Control-Expose-Headers") != "ETag" || res.Header.Get("ETag") == "" {
		t.Errorf("presigned PUT from the page: %d %v", res.StatusCode, res.Header)
	}

	if _, err := client.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket}); sdktest.ErrorCode(err) != "NoSuchCORSConfiguration" {
		t.Errorf("GetBucketCors after DeleteBucketCors: %v", err)
	}
	// A wrong secret is refused by the proxy on ?cors, by the upstream
	// elsewhere.
	wrong := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(accessKey, "wrong", "")})
	if _, err := wrong.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket}); sdktest.ErrorCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("GetBucketCors with a wrong secret: %v", err)
	}
	if _, err := wrong.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("a/cat.txt")}); sdktest.ErrorCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("GetObject with a wrong secret: %v", err)
	}
}
