package cors_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	t.Parallel()
	p := mustParse(t, `[{"AllowedOrigins":["https://*.example.com"],"AllowedMethods":["PUT","GET"],
		"AllowedHeaders":["*"],"ExposeHeaders":["ETag","x-amz-Version-Id"],"MaxAgeSeconds":3000}]`)
	tests := []struct {
		name string
		req  cors.Request
		want []header
	}{
		{"H8+D25/preflight-all-headers", cors.Request{Method: "OPTIONS", Origin: "https://a.example.com", RequestMethod: "PUT", RequestHeaders: []string{"Content-Type,X-Amz-Date"}}, []header{
			{"Access-Control-Allow-Origin", "https://a.example.com"},
			{"Access-Control-Allow-Methods", "PUT, GET"},
			{"Access-Control-Allow-Headers", "content-type, x-amz-date"},
			{"Access-Control-Expose-Headers", "ETag, x-amz-Version-Id"},
			{"Access-Control-Max-Age", "3000"},
			{"Access-Control-Allow-Credentials", "true"},
			{"Vary", varyValue},
		}},
		{"R4/actual-request-same-headers-without-allow-headers", cors.Request{Method: "GET", Origin: "https://a.example.com"}, []header{
			{"Access-Control-Allow-Origin", "https://a.example.com"},
			{"Access-Control-Allow-Methods", "PUT, GET"},
			{"Access-Control-Expose-Headers", "ETag, x-amz-Version-Id"},
			{"Access-Control-Max-Age", "3000"},
			{"Access-Control-Allow-Credentials", "true"},
			{"Vary", varyValue},
		}},
		// D13: Connection: close belongs to the transport, not the answer.
		{"P1/no-origin-error-headers", cors.Request{Method: "OPTIONS", RequestMethod: "PUT"}, []header{
			{"Content-Type", "application/xml"},
		}},
		{"P5/refusal-error-headers", cors.Request{Method: "OPTIONS", Origin: "https://example.com", RequestMethod: "PUT"}, []header{
			{"Content-Type", "application/xml"},
		}},
		{"W1/no-origin-nothing", cors.Request{Method: "GET"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, answerOf(p.Evaluate(tc.req)).Headers); diff != "" {
				t.Errorf("Headers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHeadersStopsEarly checks that the Headers iterator honours a break.
func TestHeadersStopsEarly(t *testing.T) {
	t.Parallel()
	res := mustParse(t, `[{"AllowedOrigins":["https://a.com"],"AllowedMethods":["GET"]}]`).Evaluate(cors.Request{Method: "GET", Origin: "https://a.com"})
	var names []string
	for name := range res.Headers() {
		names = append(names, name)
		if len(names) == 2 {
			break
		}
	}
	assert.Equal(t, []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods"}, names)
}

// TestDecisions checks the behaviours decided where evidence is silent, one
// case per decision.
func TestDecisions(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `[
		{"AllowedOrigins":["https://app.example.com","*"],"AllowedMethods":["GET"],"MaxAgeSeconds":0},
		{"AllowedOrigins":["HTTPS://UPPER.EXAMPLE.COM"],"AllowedMethods":["PUT"],"AllowedHeaders":["x-*"],"MaxAgeSeconds":-10}
	]`)
	tests := []struct {
		name       string
		req        cors.Request
		status     int
		rule       int // -1: no match
		message    string
		method     string
		header     string
		wantHeader string
	}{
		{"D1/origin-case-sensitive", cors.Request{Method: "OPTIONS", Origin: "https://upper.example.com", RequestMethod: "PUT"}, 403, -1, messageNotAllowed, "PUT", "", ""},
		{"D1/origin-exact-case", cors.Request{Method: "OPTIONS", Origin: "HTTPS://UPPER.EXAMPLE.COM", RequestMethod: "PUT"}, 200, 1, "", "", "Access-Control-Max-Age", "-10"},
		{"D2/missing-acrm-null", cors.Request{Method: "OPTIONS", Origin: "https://app.example.com"}, 400, -1, "Invalid Access-Control-Request-Method: null", "", "", ""},
		{"D2/lower-case-acrm", cors.Request{Method: "OPTIONS", Origin: "https://app.example.com", RequestMethod: "get"}, 400, -1, "Invalid Access-Control-Request-Method: get", "", "", ""},
		{"D3/star-beside-exact-origin", cors.Request{Method: "OPTIONS", Origin: "https://app.example.com", RequestMethod: "GET"}, 200, 0, "", "", "Access-Control-Allow-Origin", "*"},
		{"D4/max-age-zero-emitted", cors.Request{Method: "OPTIONS", Origin: "x", RequestMethod: "GET"}, 200, 0, "", "", "Access-Control-Max-Age", "0"},
		{"D7/empty-origin-is-missing", cors.Request{Method: "OPTIONS", Origin: "", RequestMethod: "GET"}, 400, -1, messageNoOrigin, "", "", ""},
		{"D7/blank-acrh-is-absent", cors.Request{Method: "OPTIONS", Origin: "x", RequestMethod: "GET", RequestHeaders: []string{" \t "}}, 200, 0, "", "", "Access-Control-Allow-Headers", ""},
		{"D8/method-element-is-acrm", cors.Request{Method: "OPTIONS", Origin: "https://nowhere.example", RequestMethod: "PUT"}, 403, -1, messageNotAllowed, "PUT", "", ""},
		{"D10/duplicates-kept", cors.Request{Method: "OPTIONS", Origin: "HTTPS://UPPER.EXAMPLE.COM", RequestMethod: "PUT", RequestHeaders: []string{"X-A,x-b", "x-a"}}, 200, 1, "", "", "Access-Control-Allow-Headers", "x-a, x-b, x-a"},
		{"D12/empty-acrm-is-absent-on-actual-request", cors.Request{Method: "GET", Origin: "x", RequestMethod: ""}, 0, 0, "", "", "Access-Control-Allow-Origin", "*"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := p.Evaluate(tc.req)
			assert.Equal(t, tc.status, res.Status, "Status")
			assert.Equal(t, tc.rule >= 0, res.Matched, "Matched")
			if tc.rule >= 0 {
				assert.Equal(t, tc.rule, res.Rule, "Rule")
			}
			assert.Equal(t, tc.message, res.Error.Message, "Error.Message")
			assert.Equal(t, tc.method, res.Error.Method, "Error.Method")
			if tc.header != "" {
				assert.Equal(t, tc.wantHeader, res.Get(tc.header), tc.header)
			}
		})
	}
}

// TestUnusualRequestedNames checks D27 (P7): names with characters that are
// not HTTP token characters are not refused for that; they match patterns
// like any other name.
func TestUnusualRequestedNames(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}]`)
	res := p.Evaluate(cors.Request{Method: "OPTIONS", Origin: "https://x", RequestMethod: "PUT", RequestHeaders: []string{"X Y,x@z"}})
	assert.Equal(t, 200, res.Status)
	assert.Equal(t, "x y, x@z", res.Get("Access-Control-Allow-Headers"))
}

// TestEmptyExposeHeader checks H5 for a rule whose ExposeHeader elements are
// empty: S3 stores them, so the header is sent, with the joined values.
func TestEmptyExposeHeader(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`+
		`<ExposeHeader></ExposeHeader><ExposeHeader/></CORSRule></CORSConfiguration>`)
	res := p.Evaluate(cors.Request{Method: "GET", Origin: "o"})
	assert.Contains(t, answerOf(res).Headers, header{"Access-Control-Expose-Headers", ", "})
}

// TestGetIgnoresCase checks that Result.Get finds a field whatever the case
// of the name, as http.Header.Get does.
func TestGetIgnoresCase(t *testing.T) {
	t.Parallel()
	res := mustParse(t, `[{"AllowedOrigins":["https://a.com"],"AllowedMethods":["GET"]}]`).Evaluate(cors.Request{Method: "GET", Origin: "https://a.com"})
	for _, name := range []string{"Access-Control-Allow-Origin", "access-control-allow-origin", "ACCESS-CONTROL-ALLOW-ORIGIN"} {
		assert.Equal(t, "https://a.com", res.Get(name), name)
	}
	assert.Empty(t, res.Get("Access-Control-Allow-Headers"))
	assert.Empty(t, res.Get("Connection"))
}

// TestBucketStates checks P2, P3, R2 and R6 through the two policies that
// stand for buckets without configuration.
func TestBucketStates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		p       *cors.Policy
		message string
	}{
		{"P2/missing-bucket", cors.MissingBucket(), messageBucketNotFound},
		{"P3/not-enabled", nil, messageNotEnabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := answer{
				Preflight: true, Status: 403,
				Error:   rule.ErrorDocument{Code: "AccessForbidden", Message: tc.message, Method: "OPTIONS", ResourceType: "BUCKET"},
				Headers: []header{{"Content-Type", "application/xml"}},
			}
			got := answerOf(tc.p.Evaluate(cors.Request{Method: "OPTIONS", Origin: "https://a.com", Target: cors.TargetObject}))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("preflight (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(answer{}, answerOf(tc.p.Evaluate(cors.Request{Method: "GET", Origin: "https://a.com"}))); diff != "" {
				t.Errorf("actual request (-want +got):\n%s", diff)
			}
			assert.Nil(t, tc.p.Configuration())
			assert.Nil(t, tc.p.Explain(cors.Request{}))
		})
	}
}

// TestErrorDocument checks that a Result's Error renders S3's document
// (E1, E3, E4) once the IDs are set, straight from the returned value.
func TestErrorDocument(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `[{"AllowedOrigins":["https://a.com"],"AllowedMethods":["GET"]}]`)
	doc := p.Evaluate(cors.Request{Method: "OPTIONS", Origin: "https://b.com", RequestMethod: "PUT", Target: cors.TargetBucket}).Error
	doc.RequestID, doc.HostID = "RID", "HID"
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>AccessForbidden</Code><Message>` + messageNotAllowed +
		`</Message><Method>PUT</Method><ResourceType>BUCKET</ResourceType><RequestId>RID</RequestId><HostId>HID</HostId></Error>`
	assert.Equal(t, want, string(doc.AppendXML(nil)))
}

// TestResultIsAValue checks that a Result shares nothing with the next
// evaluation: a copy, and every string taken from it, stay as they were.
func TestResultIsAValue(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}]`)
	eval := func(h string) cors.Result {
		return p.Evaluate(cors.Request{Method: "OPTIONS", Origin: "o", RequestMethod: "PUT", RequestHeaders: []string{h}})
	}
	a := eval("X-A")
	b := a
	kept := a.Get("Access-Control-Allow-Headers")
	for i := range 2000 {
		b = eval(strings.Repeat("Y", i%50) + "-B")
	}
	assert.Equal(t, "x-a", kept)
	assert.Equal(t, "x-a", a.Get("Access-Control-Allow-Headers"))
	assert.Equal(t, strings.Repeat("y", 1999%50)+"-b", b.Get("Access-Control-Allow-Headers"))
}

// TestEmptyMethodIsGET checks that a Request without Method is a GET, as
// an http.Request without one is.
func TestEmptyMethodIsGET(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `[{"AllowedOrigins":["https://a.example"],"AllowedMethods":["GET"]}]`)
	res := p.Evaluate(cors.Request{Origin: "https://a.example"})
	assert.True(t, res.Matched)
	assert.False(t, res.Preflight)
	assert.Equal(t, "https://a.example", res.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, cors.MethodNotAllowed, mustParse(t, `[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"]}]`).Explain(cors.Request{Origin: "o"})[0].Reason)
}

// TestZeroResult checks that a Result nobody evaluated claims nothing.
func TestZeroResult(t *testing.T) {
	t.Parallel()
	var zero cors.Result
	assert.False(t, zero.Matched)
	assert.False(t, zero.Preflight)
	assert.Zero(t, zero.Status)
	assert.Empty(t, answerOf(zero).Headers)
}

// TestRequestHeadersBound checks D11: an oversized
// Access-Control-Request-Headers is refused rather than processed.
func TestRequestHeadersBound(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `[{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}]`)
	names := func(n int) string { return strings.Repeat("a,", n) }
	tests := []struct {
		name   string
		lines  []string
		status int
	}{
		{"D11/at-item-limit", []string{names(maxRequestHeaders)}, 200},
		{"D11/over-item-limit", []string{names(maxRequestHeaders), "b"}, 403},
		{"D11/at-length-limit", []string{"a" + strings.Repeat(" ", maxRequestHeadersLength-1)}, 200},
		{"D11/over-length-limit-across-lines", []string{"a" + strings.Repeat(" ", maxRequestHeadersLength-1), "b"}, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := cors.Request{Method: "OPTIONS", Origin: "o", RequestMethod: "PUT", RequestHeaders: tc.lines}
			assert.Equal(t, tc.status, p.Evaluate(req).Status)
			v := p.Explain(req)
			assert.Equal(t, tc.status == 403, v[0].Reason == cors.RequestHeadersTooLarge, "Explain reason %v", v[0].Reason)
		})
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `[
		{"ID":"reads","AllowedOrigins":["https://*.example.com"],"AllowedMethods":["GET","HEAD"]},
		{"AllowedOrigins":["https://other.com"],"AllowedMethods":["PUT"]},
		{"AllowedOrigins":["https://a.example.com","*"],"AllowedMethods":["PUT"],"AllowedHeaders":["content-*"]},
		{"AllowedOrigins":["*"],"AllowedMethods":["PUT"],"AllowedHeaders":["*"]}
	]`)
	req := cors.Request{Method: "OPTIONS", Origin: "https://a.example.com", RequestMethod: "PUT", RequestHeaders: []string{"Content-Type, X-Amz-Date"}}
	want := []cors.Verdict{
		{Rule: 0, Reason: cors.MethodNotAllowed, Origin: "https://*.example.com", Method: "PUT"},
		{Rule: 1, Reason: cors.OriginNotAllowed, Method: "PUT"},
		{Rule: 2, Reason: cors.HeaderNotAllowed, Origin: "https://a.example.com", Method: "PUT", Header: "x-amz-date"},
		{Rule: 3, Reason: cors.Allowed, Origin: "*", Method: "PUT"},
	}
	if diff := cmp.Diff(want, p.Explain(req)); diff != "" {
		t.Errorf("Explain (-want +got):\n%s", diff)
	}
	assert.Equal(t, 3, p.Evaluate(req).Rule, "Evaluate applies the first Allowed verdict")
}

func TestCompile(t *testing.T) {
	t.Parallel()
	_, err := cors.Compile(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nil *Policy", "the error says how to stand for a bucket without configuration")

	c := &rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}}}
	_, err = cors.Compile(c)
	var e *rule.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "InvalidRequest", e.Code, "Compile answers as PutBucketCors (V10)")
	assert.Panics(t, func() { cors.MustCompile(c) })
}

// TestPolicyOwnsItsConfiguration checks that a Policy is immutable.
func TestPolicyOwnsItsConfiguration(t *testing.T) {
	t.Parallel()
	c := &rule.Configuration{Rules: []rule.Rule{{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"GET"}}}}
	p := cors.MustCompile(c)
	c.Rules[0].AllowedOrigins[0] = "https://b.com"
	p.Configuration().Rules[0].AllowedMethods[0] = "PUT"
	got := p.Configuration().Rules[0]
	assert.Equal(t, "https://a.com", got.AllowedOrigins[0])
	assert.Equal(t, "GET", got.AllowedMethods[0])
}
