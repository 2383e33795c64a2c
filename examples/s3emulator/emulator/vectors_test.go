package emulator_test

import (
	"net/http/httptest"
	"os"
	"testing"

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
