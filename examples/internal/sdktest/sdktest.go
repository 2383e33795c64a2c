// Package sdktest holds what the examples' tests need of the AWS SDK for Go
// v2 in more than one place: a request signer for the conformance runner,
// and the S3 error code of an SDK error.
package sdktest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
)

// Signer returns a function that signs a request as the AWS SDK for Go v2
// does, for S3 in us-east-1, with the SHA-256 of its body in
// X-Amz-Content-Sha256: the Sign of a conformance.Target.
func Signer(accessKey, secretKey string) func(*http.Request) error {
	s := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
	return func(r *http.Request) error {
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return err
			}
			body = b
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		sum := sha256.Sum256(body)
		payload := hex.EncodeToString(sum[:])
		r.Header.Set("X-Amz-Content-Sha256", payload)
		return s.SignHTTP(r.Context(), creds, r, payload, "s3", "us-east-1", time.Now())
	}
}

// ErrorCode returns the S3 error code of an SDK error, "" for nil, or a
// description of an error that is not an S3 answer.
func ErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}
