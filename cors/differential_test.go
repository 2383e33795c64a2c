package cors_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// fuzzConfig builds a configuration from a compact description: rules
// separated by "\n", each "origins;methods;headers;expose;maxage" with
// values separated by ",". Methods are letters: g=GET p=PUT h=HEAD o=POST
// d=DELETE. It returns nil when the description is not a valid
// configuration.
func fuzzConfig(desc string) *rule.Configuration {
	c := &rule.Configuration{}
	for _, line := range strings.Split(desc, "\n") {
		f := strings.Split(line, ";")
		for len(f) < 5 {
			f = append(f, "")
		}
		r := rule.Rule{AllowedOrigins: strings.Split(f[0], ",")}
		for _, m := range f[1] {
			switch m {
			case 'g':
				r.AllowedMethods = append(r.AllowedMethods, "GET")
			case 'p':
				r.AllowedMethods = append(r.AllowedMethods, "PUT")
			case 'h':
				r.AllowedMethods = append(r.AllowedMethods, "HEAD")
			case 'o':
				r.AllowedMethods = append(r.AllowedMethods, "POST")
			case 'd':
				r.AllowedMethods = append(r.AllowedMethods, "DELETE")
			}
		}
		if f[2] != "" {
			r.AllowedHeaders = strings.Split(f[2], ",")
		}
		if f[3] != "" {
			r.ExposeHeaders = strings.Split(f[3], ",")
		}
		if n, err := strconv.Atoi(f[4]); err == nil {
			r.MaxAgeSeconds = &n
		}
		c.Rules = append(c.Rules, r)
	}
	if c.Validate() != nil {
		return nil
	}
	return c
}

// FuzzEvaluate checks that the compiled engine and the naive reference
// agree on every output field, for arbitrary configurations and requests.
func FuzzEvaluate(f *testing.F) {
	f.Add("https://*.example.com,http://a.com;gp;x-amz-*,content-type;ETag;3000\n*;g;;;", uint8(0), "OPTIONS", "https://img.example.com", "PUT", "Content-Type, X-Amz-Date", false)
	f.Add("*;gh;*;;", uint8(0), "GET", "null", "", "a,,b", true)
	f.Add("http://a.com;d;;;0", uint8(1), "OPTIONS", "", "DELETE", "", false)
	f.Add("a*;p;b*;;-1\na*b;p;*;;", uint8(2), "OPTIONS", "ab", "PUT", "bX", true)
	f.Add("x;g;;;", uint8(0), "PUT", "x", "GET", " ,\t, ", false)
	f.Add("start*end;g;;;", uint8(0), "OPTIONS", "startend", "get", "", false)
	f.Fuzz(func(t *testing.T, desc string, state uint8, method, origin, acrm, acrh string, bucket bool) {
		b := refBucket{}
		var p *cors.Policy
		switch state % 3 {
		case 0:
			b.config = fuzzConfig(desc)
			if b.config == nil {
				return
			}
			var err error
			if p, err = cors.Compile(b.config); err != nil {
				t.Fatalf("Compile refused a valid configuration: %v", err)
			}
		case 1:
			b.missing = true
			p = cors.MissingBucket()
		}
		req := cors.Request{Method: method, Origin: origin, RequestMethod: acrm}
		if acrh != "" {
			req.RequestHeaders = strings.Split(acrh, "\n")
		}
		if bucket {
			req.Target = cors.TargetBucket
		}
		want := refEvaluate(b, req)
		res := p.Evaluate(req)
		if diff := cmp.Diff(want.answer, answerOf(res)); diff != "" {
			t.Fatalf("Evaluate differs from the reference (-want +got):\n%s", diff)
		}
		var reasons []cors.Reason
		for _, v := range p.Explain(req) {
			reasons = append(reasons, v.Reason)
		}
		if diff := cmp.Diff(want.reasons, reasons); diff != "" {
			t.Fatalf("Explain differs from the reference (-want +got):\n%s", diff)
		}
		if want.Matched && (want.reasons[want.Rule] != cors.Allowed) {
			t.Fatalf("rule %d matched but Explain says %v", want.Rule, want.reasons[want.Rule])
		}
	})
}

// FuzzRequestHeaders checks the Access-Control-Request-Headers parser
// against the reference through the Allow-Headers value of a rule that
// allows every header.
func FuzzRequestHeaders(f *testing.F) {
	f.Add("Content-Type,X-Amz-Date", "x-custom")
	f.Add(" ,\t,,", "")
	f.Add(strings.Repeat(",", 100), "A")
	f.Add("a, b , c", "A,a")
	p := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"*"},
	}}})
	f.Fuzz(func(t *testing.T, line1, line2 string) {
		req := cors.Request{Method: "OPTIONS", Origin: "o", RequestMethod: "PUT", RequestHeaders: []string{line1, line2}}
		res := p.Evaluate(req)
		items, tooLong := refRequestHeaders(req.RequestHeaders)
		switch {
		case tooLong:
			if res.Status != 403 {
				t.Fatalf("oversized Access-Control-Request-Headers: status %d, want 403", res.Status)
			}
		case len(items) == 0:
			if res.Get("access-control-allow-headers") != "" || res.Status != 200 {
				t.Fatalf("no items: status %d, Allow-Headers %q", res.Status, res.Get("access-control-allow-headers"))
			}
		default:
			if got, want := res.Get("access-control-allow-headers"), strings.Join(items, ", "); got != want {
				t.Fatalf("Allow-Headers = %q, want %q", got, want)
			}
		}
	})
}
