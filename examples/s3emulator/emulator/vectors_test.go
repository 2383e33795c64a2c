package emulator_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

// vectorsDir is the repository's corpus, vectors added there included.
const vectorsDir = "../../../testdata/vectors"

// TestConformance plays every conformance vector against a running
// emulator, over HTTP: each vector gets a fresh bucket, set up with the S3
// API (CreateBucket, PutBucketCors), then the vector's request. Requests
// other than OPTIONS reach gofakes3 (an object that does not exist gives
// 404 NoSuchKey); their CORS headers are compared all the same.
func TestConformance(t *testing.T) {
	srv := httptest.NewServer(emulator.New())
	defer srv.Close()
	conformance.Run(t, conformance.Target{URL: srv.URL, Client: srv.Client(), Vectors: os.DirFS(vectorsDir)})
}

// TestConformanceInProcess plays the embedded corpus against the
// emulator's handler directly.
func TestConformanceInProcess(t *testing.T) {
	conformance.Run(t, conformance.Target{Handler: emulator.New()})
}

// TestConformanceWithAuth plays every vector against the emulator with
// authentication on: the runner signs its S3 calls and the vectors'
// requests with the AWS SDK's Signature Version 4 signer, and sends
// preflights unsigned, as browsers do. The answers must not change.
func TestConformanceWithAuth(t *testing.T) {
	const key, secret = "AKIDCONFORMANCE", "conformance-secret"
	e := emulator.New(emulator.WithCredentials("", map[string]string{key: secret}))
	srv := httptest.NewServer(e)
	defer srv.Close()
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}
	sign := func(r *http.Request) error {
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
		return signer.SignHTTP(r.Context(), creds, r, payload, "s3", "us-east-1", time.Now())
	}
	conformance.Run(t, conformance.Target{URL: srv.URL, Client: srv.Client(), Sign: sign, Vectors: os.DirFS(vectorsDir)})

	// Unsigned, the same calls are refused: the run above proves signing,
	// not an open door.
	resp, err := srv.Client().Post(srv.URL+"/unsigned", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned request: status %d, want 403", resp.StatusCode)
	}
}
