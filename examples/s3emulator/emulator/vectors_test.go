package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/examples/internal/sdktest"
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
	sign := sdktest.Signer(key, secret)
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
