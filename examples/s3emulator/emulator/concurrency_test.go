package emulator_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/s3cors/s3cors/rule"
)

// TestPreflightIgnoresCredentials checks that a preflight is answered from
// the bucket's configuration whatever credentials it carries (S3 never
// authenticates preflights).
func TestPreflightIgnoresCredentials(t *testing.T) {
	e, endpoint, _ := startEmulator(t)
	if err := e.CreateBucket("auth"); err != nil {
		t.Fatal(err)
	}
	c, _ := rule.Parse([]byte(`<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`))
	if err := e.SetBucketCORS("auth", c); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, auth string }{
		{"", ""},
		{"", "AWS4-HMAC-SHA256 Credential=NOPE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"},
		{"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=NOPE&X-Amz-Signature=00", ""},
	} {
		req, _ := http.NewRequest(http.MethodOptions, endpoint+"/auth/k"+tc.query, nil)
		req.Header.Set("Origin", "https://app.example.com")
		req.Header.Set("Access-Control-Request-Method", "PUT")
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Errorf("query %q, auth %q: %d %v", tc.query, tc.auth, resp.StatusCode, resp.Header)
		}
	}
}

// TestConcurrentConfigurationChanges replaces configurations while
// preflights run, for the race detector.
func TestConcurrentConfigurationChanges(t *testing.T) {
	e, endpoint, _ := startEmulator(t)
	const buckets = 4
	for i := range buckets {
		if err := e.CreateBucket(fmt.Sprintf("race-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := range buckets {
		wg.Go(func() {
			for j := range 20 {
				doc := fmt.Sprintf(`<CORSConfiguration><CORSRule><AllowedOrigin>https://%d.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`, j)
				req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/race-%d?cors", endpoint, i), strings.NewReader(doc))
				req.Header.Set("Content-MD5", md5Of(doc))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("PutBucketCors: %d", resp.StatusCode)
				}
			}
		})
		wg.Go(func() {
			for j := range 20 {
				req, _ := http.NewRequest(http.MethodOptions, fmt.Sprintf("%s/race-%d/k", endpoint, i), nil)
				req.Header.Set("Origin", fmt.Sprintf("https://%d.example", j))
				req.Header.Set("Access-Control-Request-Method", "GET")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 && resp.StatusCode != 403 {
					t.Errorf("preflight: %d", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	for i := range buckets {
		c := e.BucketCORS(fmt.Sprintf("race-%d", i))
		if c == nil || c.Rules[0].AllowedOrigins[0] != "https://19.example" {
			t.Errorf("race-%d: final configuration %v", i, c)
		}
	}
}
