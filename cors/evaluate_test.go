package cors_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

func mustParse(t testing.TB, doc string) *cors.Policy {
	t.Helper()
	c, err := rule.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return cors.MustCompile(c)
}

// TestHeaderOrder checks the full header list of a match in S3's wire order
// (H1–H8), which the vector format cannot express.
func TestHeaderOrder(t *testing.T) {
	p := mustParse(t, `[{"AllowedOrigins":["https://*.example.com"],"AllowedMethods":["PUT","GET"],
		"AllowedHeaders":["*"],"ExposeHeaders":["ETag","x-amz-Version-Id"],"MaxAgeSeconds":3000}]`)
	tests := []struct {
		name string
		req  cors.Request
		want []cors.Header
	}{
		{"H8/preflight-all-headers", cors.Request{Method: "OPTIONS", Origin: "https://a.example.com", RequestMethod: "PUT", RequestHeaders: []string{"Content-Type,X-Amz-Date"}}, []cors.Header{
			{Name: "Access-Control-Allow-Origin", Value: "https://a.example.com"},
			{Name: "Access-Control-Allow-Methods", Value: "PUT, GET"},
			{Name: "Access-Control-Allow-Headers", Value: "content-type, x-amz-date"},
			{Name: "Access-Control-Expose-Headers", Value: "ETag, x-amz-Version-Id"},
			{Name: "Access-Control-Max-Age", Value: "3000"},
			{Name: "Access-Control-Allow-Credentials", Value: "true"},
			{Name: "Vary", Value: cors.VaryValue},
		}},
		{"R4/actual-request-same-headers-without-allow-headers", cors.Request{Method: "GET", Origin: "https://a.example.com"}, []cors.Header{
			{Name: "Access-Control-Allow-Origin", Value: "https://a.example.com"},
			{Name: "Access-Control-Allow-Methods", Value: "PUT, GET"},
			{Name: "Access-Control-Expose-Headers", Value: "ETag, x-amz-Version-Id"},
			{Name: "Access-Control-Max-Age", Value: "3000"},
			{Name: "Access-Control-Allow-Credentials", Value: "true"},
			{Name: "Vary", Value: cors.VaryValue},
		}},
		{"P1/no-origin-error-headers", cors.Request{Method: "OPTIONS", RequestMethod: "PUT"}, []cors.Header{
			{Name: "Content-Type", Value: "application/xml"},
			{Name: "Connection", Value: "close"},
		}},
		{"P5/refusal-error-headers", cors.Request{Method: "OPTIONS", Origin: "https://example.com", RequestMethod: "PUT"}, []cors.Header{
			{Name: "Content-Type", Value: "application/xml"},
		}},
		{"W1/no-origin-nothing", cors.Request{Method: "GET"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var res cors.Result
			p.Evaluate(&tc.req, &res)
			if got := res.Headers(); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("Headers =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// TestDecisions checks the behaviours decided in spec section 15 where
// evidence is silent, one case per decision.
func TestDecisions(t *testing.T) {
	p := mustParse(t, `[
		{"AllowedOrigins":["https://app.example.com","*"],"AllowedMethods":["GET"],"MaxAgeSeconds":0},
		{"AllowedOrigins":["HTTPS://UPPER.EXAMPLE.COM"],"AllowedMethods":["PUT"],"AllowedHeaders":["x-*"],"MaxAgeSeconds":-10}
	]`)
	tests := []struct {
		name       string
		req        cors.Request
		status     int
		rule       int
		message    string
		method     string
		header     string
		wantHeader string
	}{
		{"D1/origin-case-sensitive", cors.Request{Method: "OPTIONS", Origin: "https://upper.example.com", RequestMethod: "PUT"}, 403, -1, cors.MessageNotAllowed, "PUT", "", ""},
		{"D1/origin-exact-case", cors.Request{Method: "OPTIONS", Origin: "HTTPS://UPPER.EXAMPLE.COM", RequestMethod: "PUT"}, 200, 1, "", "", cors.HeaderMaxAge, "-10"},
		{"D2/missing-acrm-null", cors.Request{Method: "OPTIONS", Origin: "https://app.example.com"}, 400, -1, "Invalid Access-Control-Request-Method: null", "", "", ""},
		{"D2/lower-case-acrm", cors.Request{Method: "OPTIONS", Origin: "https://app.example.com", RequestMethod: "get"}, 400, -1, "Invalid Access-Control-Request-Method: get", "", "", ""},
		{"D3/star-beside-exact-origin", cors.Request{Method: "OPTIONS", Origin: "https://app.example.com", RequestMethod: "GET"}, 200, 0, "", "", cors.HeaderAllowOrigin, "*"},
		{"D4/max-age-zero-emitted", cors.Request{Method: "OPTIONS", Origin: "x", RequestMethod: "GET"}, 200, 0, "", "", cors.HeaderMaxAge, "0"},
		{"D7/empty-origin-is-missing", cors.Request{Method: "OPTIONS", Origin: "", RequestMethod: "GET"}, 400, -1, cors.MessageNoOrigin, "", "", ""},
		{"D7/blank-acrh-is-absent", cors.Request{Method: "OPTIONS", Origin: "x", RequestMethod: "GET", RequestHeaders: []string{" \t "}}, 200, 0, "", "", cors.HeaderAllowHeaders, ""},
		{"D8/duplicates-kept", cors.Request{Method: "OPTIONS", Origin: "HTTPS://UPPER.EXAMPLE.COM", RequestMethod: "PUT", RequestHeaders: []string{"X-A,x-b", "x-a"}}, 200, 1, "", "", cors.HeaderAllowHeaders, "x-a, x-b, x-a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var res cors.Result
			p.Evaluate(&tc.req, &res)
			if res.Status != tc.status || res.Rule != tc.rule || res.Error.Message != tc.message || res.Error.Method != tc.method {
				t.Errorf("Evaluate = %d rule %d %+v", res.Status, res.Rule, res.Error)
			}
			if tc.header != "" && res.Get(tc.header) != tc.wantHeader {
				t.Errorf("%s = %q, want %q", tc.header, res.Get(tc.header), tc.wantHeader)
			}
		})
	}
}

// TestEmptyExposeHeader checks H5 for a rule whose ExposeHeader elements are
// empty: S3 stores them, so the header is sent, with the joined values.
func TestEmptyExposeHeader(t *testing.T) {
	p := mustParse(t, `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`+
		`<ExposeHeader></ExposeHeader><ExposeHeader/></CORSRule></CORSConfiguration>`)
	var res cors.Result
	p.Evaluate(&cors.Request{Method: "GET", Origin: "o"}, &res)
	found := false
	for _, h := range res.Headers() {
		if h.Name == cors.HeaderExposeHeaders {
			found = h.Value == ", "
		}
	}
	if !found {
		t.Errorf("Headers = %q; want Access-Control-Expose-Headers: \", \"", res.Headers())
	}
}

// TestBucketStates checks P2, P3, R2 and R6 through the two policies that
// stand for buckets without configuration.
func TestBucketStates(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       *cors.Policy
		message string
	}{
		{"P2/missing-bucket", cors.MissingBucket(), cors.MessageBucketNotFound},
		{"P3/not-enabled", nil, cors.MessageNotEnabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var res cors.Result
			tc.p.Evaluate(&cors.Request{Method: "OPTIONS", Origin: "https://a.com", Target: cors.TargetObject}, &res)
			want := cors.ErrorInfo{Code: "AccessForbidden", Message: tc.message, Method: "OPTIONS", ResourceType: "BUCKET"}
			if res.Status != 403 || res.Error != want || !res.Preflight {
				t.Errorf("preflight = %d %+v", res.Status, res.Error)
			}
			tc.p.Evaluate(&cors.Request{Method: "GET", Origin: "https://a.com"}, &res)
			if res.Preflight || res.Status != 0 || len(res.Headers()) != 0 || res.Matched() {
				t.Errorf("actual request = %+v", res)
			}
			if tc.p.Enabled() || tc.p.Configuration() != nil || tc.p.Explain(&cors.Request{}) != nil {
				t.Error("a policy without configuration claims rules")
			}
		})
	}
}

func TestErrorDocument(t *testing.T) {
	p := mustParse(t, `[{"AllowedOrigins":["https://a.com"],"AllowedMethods":["GET"]}]`)
	var res cors.Result
	p.Evaluate(&cors.Request{Method: "OPTIONS", Origin: "https://b.com", RequestMethod: "PUT", Target: cors.TargetBucket}, &res)
	doc := res.ErrorDocument("RID", "HID")
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>AccessForbidden</Code><Message>` + cors.MessageNotAllowed +
		`</Message><Method>PUT</Method><ResourceType>BUCKET</ResourceType><RequestId>RID</RequestId><HostId>HID</HostId></Error>`
	if got := string(doc.AppendXML(nil)); got != want {
		t.Errorf("body =\n%s\nwant\n%s", got, want)
	}
}

// TestResultReuse checks that strings taken from a Result survive its reuse.
func TestResultReuse(t *testing.T) {
	p := mustParse(t, `[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}]`)
	var res cors.Result
	var kept []string
	for i := range 2000 {
		h := strings.Repeat("X", i%50) + "-A,B"
		p.Evaluate(&cors.Request{Method: "OPTIONS", Origin: "o", RequestMethod: "PUT", RequestHeaders: []string{h}}, &res)
		kept = append(kept, res.Get(cors.HeaderAllowHeaders))
	}
	for i, got := range kept {
		if want := strings.Repeat("x", i%50) + "-a, b"; got != want {
			t.Fatalf("value %d changed to %q, want %q", i, got, want)
		}
	}
}

// TestRequestHeadersBound checks that an oversized
// Access-Control-Request-Headers is refused rather than processed.
func TestRequestHeadersBound(t *testing.T) {
	p := mustParse(t, `[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}]`)
	names := func(n int) string { return strings.Repeat("a,", n) }
	tests := []struct {
		name   string
		lines  []string
		status int
	}{
		{"at-item-limit", []string{names(cors.MaxRequestHeaders)}, 200},
		{"over-item-limit", []string{names(cors.MaxRequestHeaders), "b"}, 403},
		{"at-length-limit", []string{"a" + strings.Repeat(" ", cors.MaxRequestHeadersLength-1)}, 200},
		{"over-length-limit-across-lines", []string{"a" + strings.Repeat(" ", cors.MaxRequestHeadersLength-1), "b"}, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := cors.Request{Method: "OPTIONS", Origin: "o", RequestMethod: "PUT", RequestHeaders: tc.lines}
			var res cors.Result
			p.Evaluate(&req, &res)
			if res.Status != tc.status {
				t.Errorf("status %d, want %d", res.Status, tc.status)
			}
			if v := p.Explain(&req); (v[0].Reason == cors.RequestHeadersTooLarge) != (tc.status == 403) {
				t.Errorf("Explain reason = %v", v[0].Reason)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	p := mustParse(t, `[
		{"ID":"reads","AllowedOrigins":["https://*.example.com"],"AllowedMethods":["GET","HEAD"]},
		{"AllowedOrigins":["https://other.com"],"AllowedMethods":["PUT"]},
		{"AllowedOrigins":["https://a.example.com","*"],"AllowedMethods":["PUT"],"AllowedHeaders":["content-*"]},
		{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}
	]`)
	got := p.Explain(&cors.Request{Method: "OPTIONS", Origin: "https://a.example.com", RequestMethod: "PUT", RequestHeaders: []string{"Content-Type, X-Amz-Date"}})
	want := []cors.Verdict{
		{Rule: 0, Reason: cors.MethodNotAllowed, Origin: "https://*.example.com", Method: "PUT"},
		{Rule: 1, Reason: cors.OriginNotAllowed, Method: "PUT"},
		{Rule: 2, Reason: cors.HeaderNotAllowed, Origin: "https://a.example.com", Method: "PUT", Header: "x-amz-date"},
		{Rule: 3, Reason: cors.Allowed, Origin: "*", Method: "PUT"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Explain =\n%+v\nwant\n%+v", got, want)
	}
	for r, s := range map[cors.Reason]string{cors.Allowed: "allowed", cors.HeaderNotAllowed: "header not allowed", cors.Reason(99): "unknown reason"} {
		if r.String() != s {
			t.Errorf("%d.String() = %q, want %q", r, r.String(), s)
		}
	}
}

func TestCompile(t *testing.T) {
	if _, err := cors.Compile(nil); !errors.Is(err, cors.ErrNilConfiguration) {
		t.Errorf("Compile(nil) = %v", err)
	}
	var zero cors.Result
	if zero.Matched() {
		t.Error("a Result never evaluated claims a match")
	}
	c := &rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}}}
	_, err := cors.Compile(c)
	var e *rule.Error
	if !errors.As(err, &e) || e.Code != "InvalidRequest" {
		t.Fatalf("Compile = %v, want the InvalidRequest S3 answers", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustCompile did not panic")
		}
	}()
	cors.MustCompile(c)
}

// TestPolicyOwnsItsConfiguration checks that a Policy is immutable.
func TestPolicyOwnsItsConfiguration(t *testing.T) {
	c := &rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"GET"}}}}
	p := cors.MustCompile(c)
	c.Rules[0].AllowedOrigins[0] = "https://b.com"
	p.Configuration().Rules[0].AllowedMethods[0] = "PUT"
	if got := p.Configuration().Rules[0]; got.AllowedOrigins[0] != "https://a.com" || got.AllowedMethods[0] != "GET" {
		t.Errorf("policy configuration changed: %+v", got)
	}
	if cors.TargetBucket.String() != "bucket" || cors.TargetObject.ResourceType() != "OBJECT" {
		t.Error("Target names")
	}
}
