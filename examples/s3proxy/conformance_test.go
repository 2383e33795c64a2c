package s3proxy_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/examples/internal/sdktest"
	"github.com/s3cors/s3cors/internal/proxy"
	"github.com/s3cors/s3cors/internal/sigv4"
)

// vectorsDir is the repository's corpus, vectors added there included.
const vectorsDir = "../../testdata/vectors"

// The access key of the proxy's ?cors API, which also signs every request
// the runner sends.
const accessKey, secretKey = "AKIDPROXYTEST", "proxy-test-secret"

// signer signs a request as the AWS SDK for Go v2 does, with the SHA-256 of
// its body.
func signer() func(*http.Request) error { return sdktest.Signer(accessKey, secretKey) }

// startProxy runs the proxy in front of upstream on loopback.
func startProxy(t *testing.T, upstream string) *httptest.Server {
	t.Helper()
	p, err := proxy.New(proxy.Config{
		Upstream:    upstream,
		Secrets:     map[string]string{accessKey: secretKey},
		Credentials: sigv4.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.Close()
		p.Close()
	})
	return srv
}

// TestConformanceGofakes3 plays every vector through the proxy in front of
// gofakes3, which has no CORS of its own and takes ?cors requests for
// other calls: the proxy gives it S3's.
func TestConformanceGofakes3(t *testing.T) {
	upstream := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer upstream.Close()
	srv := startProxy(t, upstream.URL)
	conformance.Run(t, conformance.Target{URL: srv.URL, Client: srv.Client(), Sign: signer(), Vectors: os.DirFS(vectorsDir)})
}
