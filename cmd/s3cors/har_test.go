package main

import (
	"github.com/s3cors/s3cors/internal/har"

	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestExplainHARFixture explains the hand-written Chromium export
// testdata/har/upload.har with and without the bucket's configuration.
func TestExplainHARFixture(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"explain", "--har", "har/upload.har", "--format", "json"},
		{"explain", "har/cors.json", "--har", "har/upload.har", "--format", "json"},
	} {
		withConfig := len(args) == 6
		// An exchange was refused: explain exits 1, as lint does.
		r := s3cors(t, "", args...)
		if r.code != 1 {
			t.Fatalf("%v: exit %d, want 1\n%s", args, r.code, r.stderr)
		}
		var rep har.Report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Entries != 8 || len(rep.Exchanges) != 4 {
			t.Fatalf("%v: %d entries, %d exchanges:\n%s", args, rep.Entries, len(rep.Exchanges), r.stdout)
		}
		want := []struct {
			method, outcome, kind string
			preflight, actual     int
		}{
			{"GET", har.Allowed, "", -1, 1},
			{"PUT", har.Refused, "preflight-refused", 3, 2},
			{"PUT", har.LookAlike, "redirected-preflight", 5, 4},
			{"PUT", har.LookAlike, "authenticated-preflight", 7, 6},
		}
		if withConfig {
			want[1].kind = "header-not-allowed"
		}
		for i, w := range want {
			x := rep.Exchanges[i]
			kind := ""
			if len(x.Findings) > 0 {
				kind = string(x.Findings[0].Kind)
			}
			pf := -1
			if x.Preflight != nil {
				pf = x.Preflight.Entry
			}
			if x.Method != w.method || x.Outcome != w.outcome || kind != w.kind || pf != w.preflight || x.Actual == nil || x.Actual.Entry != w.actual {
				t.Errorf("%v: exchange %d: %s %s %q preflight %d actual %+v; want %+v", args, i, x.Method, x.Outcome, kind, pf, x.Actual, w)
			}
		}
		up := rep.Exchanges[1]
		if withConfig {
			msg := up.Findings[0].Message
			if !strings.Contains(msg, "x-amz-checksum-crc32") || !strings.Contains(msg, `rule 1 (ID "uploads")`) {
				t.Errorf("upload finding %q", msg)
			}
			if len(up.Preflight.Rules) != 2 || up.Preflight.Rules[1].Matched {
				t.Errorf("upload rules %+v", up.Preflight.Rules)
			}
			if rep.Configuration == nil || *rep.Configuration != "har/cors.json" {
				t.Errorf("configuration %v", rep.Configuration)
			}
		} else if rep.Configuration != nil {
			t.Errorf("configuration %v, want null", *rep.Configuration)
		}
	}

	text := s3cors(t, "", "explain", "har/cors.json", "--har", "har/upload.har")
	text.expect(t, 1, []string{
		"REFUSED by CORS",
		`error header-not-allowed: S3 refuses the preflight: rule 1 (ID "uploads") allows origin https://app.example.com and method PUT, but not the requested header x-amz-checksum-crc32`,
		`fix: add "x-amz-checksum-crc32" to AllowedHeaders of rule 1 (ID "uploads")`,
		"error redirected-preflight: the preflight was answered with a redirect, 307 to https://archive.s3.eu-west-1.amazonaws.com/2025/cat.jpg",
		"error authenticated-preflight: the preflight was refused with 403 SignatureDoesNotMatch",
		"4 CORS exchange(s) among 8 entries of har/upload.har: 1 allowed, 1 refused by CORS, 2 failed for other reasons",
	}, nil)
	data, _ := readTestFile("har/upload.har")
	s3cors(t, data, "explain", "--har", "-").expect(t, 1, []string{"error preflight-refused", "pass the configuration"}, nil)
}

func readTestFile(name string) (string, error) {
	var b strings.Builder
	e := &env{dir: "testdata"}
	data, err := readLimited(e, name, 1<<25)
	b.Write(data)
	return b.String(), err
}

// harDoc builds a HAR document from entries written as JSON objects.
func harDoc(entries ...string) string {
	return `{"log": {"version": "1.2", "entries": [` + strings.Join(entries, ",") + `]}}`
}

func harEntryJSON(started, method, url string, reqHeaders [][2]string, status int, resHeaders [][2]string, body string) string {
	hs := func(h [][2]string) string {
		var parts []string
		for _, kv := range h {
			b, _ := json.Marshal(map[string]string{"name": kv[0], "value": kv[1]})
			parts = append(parts, string(b))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	b, _ := json.Marshal(body)
	return fmt.Sprintf(`{"startedDateTime": %q, "request": {"method": %q, "url": %q, "headers": %s}, "response": {"status": %d, "headers": %s, "content": {"text": %s}}}`,
		started, method, url, hs(reqHeaders), status, hs(resHeaders), b)
}

// TestExplainHARRecorded checks the verdicts drawn from recorded
// responses alone, and the look-alikes not in the fixture.
func TestExplainHARRecorded(t *testing.T) {
	t.Parallel()
	const o = "https://app.example.com"
	u := "https://b.s3.us-east-1.amazonaws.com/k"
	origin := [2]string{"Origin", o}
	tests := []struct {
		name, kind string
		entries    []string
	}{
		{"missing allow-origin", "missing-allow-origin", []string{
			harEntryJSON("2025-01-01T00:00:00Z", "GET", u, [][2]string{origin}, 200, nil, "")}},
		{"origin mismatch", "origin-mismatch", []string{
			harEntryJSON("2025-01-01T00:00:00Z", "GET", u, [][2]string{origin}, 200, [][2]string{{"Access-Control-Allow-Origin", "https://other.example.com"}}, "")}},
		{"credentials with star", "credentials-with-wildcard", []string{
			harEntryJSON("2025-01-01T00:00:00Z", "GET", u, [][2]string{origin, {"Cookie", "s=1"}}, 200, [][2]string{{"Access-Control-Allow-Origin", "*"}}, "")}},
		{"header missing from allow-headers", "header-not-allowed", []string{
			harEntryJSON("2025-01-01T00:00:00Z", "OPTIONS", u, [][2]string{origin, {"Access-Control-Request-Method", "PUT"}, {"Access-Control-Request-Headers", "content-type,x-amz-checksum-crc32"}}, 200,
				[][2]string{{"Access-Control-Allow-Origin", o}, {"Access-Control-Allow-Methods", "PUT"}, {"Access-Control-Allow-Headers", "content-type"}}, "")}},
		{"etag not exposed", "header-not-exposed", []string{
			harEntryJSON("2025-01-01T00:00:00Z", "PUT", u, [][2]string{origin}, 200, [][2]string{{"Access-Control-Allow-Origin", o}, {"Access-Control-Allow-Credentials", "true"}, {"ETag", `"abc"`}}, "")}},
		{"expired presigned URL", "expired-presigned-url", []string{
			harEntryJSON("2025-03-14T11:00:00Z", "GET", u+"?X-Amz-Date=20250314T101500Z&X-Amz-Expires=900&X-Amz-Signature=00", [][2]string{origin}, 403,
				[][2]string{{"Access-Control-Allow-Origin", o}}, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>")}},
		{"expired by date alone", "expired-presigned-url", []string{
			harEntryJSON("2025-03-14T11:00:00Z", "GET", u+"?X-Amz-Date=20250314T101500Z&X-Amz-Expires=900&X-Amz-Signature=00", [][2]string{origin}, 0, nil, "")}},
		{"private network access", "private-network-access", []string{
			harEntryJSON("2025-01-01T00:00:00Z", "OPTIONS", "http://192.168.1.20:9000/b/k", [][2]string{origin, {"Access-Control-Request-Method", "GET"}, {"Access-Control-Request-Private-Network", "true"}}, 200,
				[][2]string{{"Access-Control-Allow-Origin", o}, {"Access-Control-Allow-Methods", "GET"}}, "")}},
		{"no configuration", "no-configuration", []string{
			harEntryJSON("2025-01-01T00:00:00Z", "OPTIONS", u, [][2]string{origin, {"Access-Control-Request-Method", "PUT"}}, 403, nil,
				"<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message></Error>")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := s3cors(t, harDoc(tt.entries...), "explain", "--har", "-", "--format", "json")
			var rep har.Report
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("%v\n%s", err, r.stderr)
			}
			if len(rep.Exchanges) != 1 || len(rep.Exchanges[0].Findings) == 0 || string(rep.Exchanges[0].Findings[0].Kind) != tt.kind {
				t.Errorf("got %s", r.stdout)
			}
		})
	}
	// Same-origin requests with Origin and requests without are left out.
	r := s3cors(t, harDoc(harEntryJSON("2025-01-01T00:00:00Z", "POST", o+"/form", [][2]string{origin}, 200, nil, "")), "explain", "--har", "-")
	r.expect(t, 0, []string{"no CORS requests among the 1 entries"}, nil)
}

func TestExplainHARErrors(t *testing.T) {
	t.Parallel()
	s3cors(t, "not json", "explain", "--har", "-").expect(t, 2, nil, []string{"cannot read the HAR file <stdin>: it is not valid JSON", "Save all as HAR"})
	s3cors(t, `{"x": 1}`, "explain", "--har", "-").expect(t, 2, nil, []string{`no "log" object`})
	s3cors(t, "", "explain", "--har", "missing.har").expect(t, 2, nil, []string{"cannot read the HAR export missing.har"})
	s3cors(t, "", "explain", "--har", "har/upload.har", "--origin", "https://a.test").expect(t, 2, nil, []string{"--origin and --har cannot be combined"})
	s3cors(t, "", "explain", "a.json", "b.json", "--har", "har/upload.har").expect(t, 2, nil, []string{"at most one configuration file"})
	s3cors(t, "", "explain", "-", "--har", "-").expect(t, 2, nil, []string{"cannot both come from standard input"})
	s3cors(t, "", "explain", "s3-invalid-method.json", "--har", "har/upload.har").expect(t, 1, nil, []string{"S3 would refuse the configuration"})
	big := strings.NewReader(strings.Repeat(" ", har.MaxSize+10))
	r := s3corsReader(t, big, "explain", "--har", "-")
	r.expect(t, 2, nil, []string{"larger than 32 MiB", "record only the failing requests"})
}

func TestExplainCurlCommand(t *testing.T) {
	t.Parallel()
	// explain --request takes it.
	s3cors(t, "curl 'https://my-bucket.s3.amazonaws.com/uploads/a.jpg' -X OPTIONS -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'",
		"explain", "explain.json", "--request", "-").expect(t, 0, []string{"200 OK", "rule 1 `uploads`"}, nil)
}

// TestExplainHARResponseError checks that the reason of a request without
// response is read where Chromium's devtools write it: response._error.
func TestExplainHARResponseError(t *testing.T) {
	t.Parallel()
	const har = `{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-01-01T00:00:00Z",
		"request":{"method":"GET","url":"http://127.0.0.1:9000/b/k","headers":[{"name":"Origin","value":"http://127.0.0.1:8000"}]},
		"response":{"status":0,"statusText":"","headers":[],"content":{"mimeType":""},"redirectURL":"","_error":"net::ERR_FAILED"}}]}}`
	r := s3cors(t, har, "explain", "--har", "-")
	r.expect(t, 1, []string{"(net::ERR_FAILED)"}, nil)
}
