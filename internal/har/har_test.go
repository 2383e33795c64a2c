package har

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// testConfig is the bucket configuration the tests judge under.
const testConfig = `{"CORSRules": [
  {"ID": "reads", "AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["https://app.example.com"], "MaxAgeSeconds": 3000},
  {"ID": "uploads", "AllowedHeaders": ["content-type", "x-amz-date"], "AllowedMethods": ["PUT"], "AllowedOrigins": ["https://app.example.com"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000}
]}`

// FuzzParseHAR checks that no document makes the HAR reader or the
// judgement, with the configuration or without, panic.
func FuzzParseHAR(f *testing.F) {
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"OPTIONS","url":"https://h.test/k","headers":[{"name":"Origin","value":"https://a.test"},{"name":"Access-Control-Request-Method","value":"PUT"}]},"response":{"status":302}}]}}`))
	c, err := rule.Parse([]byte(testConfig))
	if err != nil {
		f.Fatal(err)
	}
	p := cors.MustCompile(c)
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(data)
		if err != nil {
			return
		}
		Explain("f.har", entries, nil, nil)
		Explain("f.har", entries, p, c)
	})
}

// entry builds a recorded GET from https://app.example.com answered 200
// with the given request and response headers.
func entry(t *testing.T, reqHeaders, resHeaders [][2]string, cookies int) Entry {
	t.Helper()
	e := Entry{Request: Request{Method: "GET", URL: "https://b.s3.amazonaws.com/k"}, Response: Response{Status: 200}}
	e.Request.Headers = append(e.Request.Headers, Header{"Origin", "https://app.example.com"})
	for _, h := range reqHeaders {
		e.Request.Headers = append(e.Request.Headers, Header{h[0], h[1]})
	}
	for _, h := range resHeaders {
		e.Response.Headers = append(e.Response.Headers, Header{h[0], h[1]})
	}
	for range cookies {
		e.Request.Cookies = append(e.Request.Cookies, struct {
			Name string `json:"name"`
		}{"s"})
	}
	return e
}

// TestCredentials checks which recorded requests count as credentialed
// against an answer of "*" (H1: S3 sends "*" without credentials): cookies,
// in a header or in the HAR's list, do; an Authorization header set by a
// script, such as a signature, does not, since it does not make the
// request credentialed.
func TestCredentials(t *testing.T) {
	star := [][2]string{{"Access-Control-Allow-Origin", "*"}}
	tests := []struct {
		name    string
		e       Entry
		outcome string
	}{
		{"Cookie header", entry(t, [][2]string{{"Cookie", "s=1"}}, star, 0), Refused},
		{"HAR cookies", entry(t, nil, star, 1), Refused},
		{"signature", entry(t, [][2]string{{"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/s3/aws4_request"}}, star, 0), Allowed},
		{"none", entry(t, nil, star, 0), Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Explain("t.har", []Entry{tt.e}, nil, nil)
			if len(r.Exchanges) != 1 {
				t.Fatalf("%d exchanges", len(r.Exchanges))
			}
			x := r.Exchanges[0]
			if x.Outcome != tt.outcome {
				b, _ := json.Marshal(x)
				t.Fatalf("outcome %s, want %s: %s", x.Outcome, tt.outcome, b)
			}
			if tt.outcome == Refused {
				if f := x.Findings[0]; f.Kind != KindCredentialsWithWildcard || f.Severity != Error {
					t.Errorf("finding %+v", f)
				}
			}
		})
	}
}

// TestListHas checks that recorded header lists are read as S3 reads
// Access-Control-Request-Headers (M5): commas, white space, case, and "*".
func TestListHas(t *testing.T) {
	tests := []struct {
		list, name string
		want       bool
	}{
		{"ETag", "etag", true},
		{" content-type ,\tETag ", "ETag", true},
		{"x-amz-date", "etag", false},
		{"*", "etag", true},
		{"", "etag", false},
		{",,", "etag", false},
	}
	for _, tt := range tests {
		if got := listHas(tt.list, tt.name); got != tt.want {
			t.Errorf("listHas(%q, %q) = %v, want %v", tt.list, tt.name, got, tt.want)
		}
	}
}

// BenchmarkPairMany explains n recorded preflights without their requests,
// for n and 4n: the ratio of the two shows that pairing is linear, not
// quadratic.
func BenchmarkPairMany(b *testing.B) {
	for _, n := range []int{5000, 20000} {
		entries := make([]Entry, n)
		for i := range entries {
			entries[i] = Entry{
				Request: Request{Method: "OPTIONS", URL: "http://127.0.0.1:9000/b/k", Headers: []Header{
					{"Origin", "http://127.0.0.1:8000"}, {"Access-Control-Request-Method", "PUT"}}},
				Response: Response{Status: 200, Headers: []Header{
					{"Access-Control-Allow-Origin", "http://127.0.0.1:8000"}, {"Access-Control-Allow-Methods", "PUT"}}},
			}
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				Explain("many.har", entries, nil, nil)
			}
		})
	}
}
