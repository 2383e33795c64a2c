package main

import (
	"github.com/s3cors/s3cors/internal/har"

	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestExplainHARChromium explains testdata/har/chromium-refused-upload.har,
// which headless Chromium recorded (TestBrowserHAR of the examples module
// writes it with HAR_RECORD=1): a page uploads with an x-amz-checksum-crc32
// header that the "uploads" rule does not allow, so the preflight is refused
// with 403 and the upload never leaves the browser, then reads a file, which
// the "reads" rule allows. The addresses are those of the recording; explain
// never connects to them.
func TestExplainHARChromium(t *testing.T) {
	t.Parallel()
	const (
		harFile = "har/chromium-refused-upload.har"
		cfgFile = "har/chromium-refused-upload.cors.json"
	)
	data, err := os.ReadFile("testdata/" + harFile)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := har.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	// Find the recorded requests rather than pin their places, so that a
	// new recording needs no change here.
	put, pre, get := -1, -1, -1
	for i, e := range entries {
		switch {
		case e.Request.Method == "PUT" && strings.HasSuffix(e.Request.URL, "/uploads/cat.txt"):
			put = i
		case e.Request.Method == "OPTIONS" && strings.HasSuffix(e.Request.URL, "/uploads/cat.txt"):
			pre = i
		case e.Request.Method == "GET" && strings.HasSuffix(e.Request.URL, "/assets/hello.txt"):
			get = i
		}
	}
	if put < 0 || pre < 0 || get < 0 {
		t.Fatalf("%s: PUT at %d, OPTIONS at %d, GET at %d; want all three", harFile, put, pre, get)
	}
	// Chromium's shape: the preflight is an entry of its own, initiated by
	// the upload, which has no response.
	if e := entries[pre]; e.ResourceType != "preflight" || e.Initiator == nil || e.Initiator.Type != "preflight" || e.Response.Status != 403 {
		t.Errorf("preflight entry %d: type %q, initiator %+v, status %d; want a preflight answered 403", pre, e.ResourceType, e.Initiator, e.Response.Status)
	}
	if e := entries[put]; e.Response.Status != 0 || e.ResourceType != "fetch" {
		t.Errorf("upload entry %d: type %q, status %d; want a fetch without a response", put, e.ResourceType, e.Response.Status)
	}
	origin := entries[pre].Origin()

	for _, withConfig := range []bool{true, false} {
		args := []string{"explain", "--har", harFile, "--format", "json"}
		if withConfig {
			args = []string{"explain", cfgFile, "--har", harFile, "--format", "json"}
		}
		r := s3cors(t, "", args...)
		if r.code != 1 { // the upload is refused
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		var rep har.Report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Entries != len(entries) || len(rep.Exchanges) != 2 {
			t.Fatalf("%v: %d entries, %d exchanges; want %d, 2:\n%s", args, rep.Entries, len(rep.Exchanges), len(entries), r.stdout)
		}

		// The upload: refused at its preflight, which is paired with it.
		up := rep.Exchanges[0]
		wantKind := har.KindPreflightRefused
		if withConfig {
			wantKind = har.KindHeaderNotAllowed
		}
		if up.Method != "PUT" || up.Outcome != har.Refused || up.Origin != origin || up.Preflight == nil || up.Preflight.Entry != pre ||
			up.Actual == nil || up.Actual.Entry != put || up.Actual.Status != 0 || len(up.Findings) == 0 || up.Findings[0].Kind != wantKind {
			t.Errorf("%v: upload %+v; want PUT refused (%s), preflight entry %d, request entry %d", args, up, wantKind, pre, put)
		} else if h := up.Preflight.RequestHeaders; len(h) != 1 || h[0] != "x-amz-checksum-crc32" {
			t.Errorf("%v: preflight's Access-Control-Request-Headers %q, want x-amz-checksum-crc32", args, h)
		}
		if withConfig && len(up.Findings) > 0 {
			msg := up.Findings[0].Message
			if !strings.Contains(msg, `rule 1 (ID "uploads") allows origin `+origin+` and method PUT, but not the requested header x-amz-checksum-crc32 (AllowedHeaders [content-type])`) {
				t.Errorf("upload finding %q", msg)
			}
		}

		// The read: allowed, with nothing to report.
		rd := rep.Exchanges[1]
		if rd.Method != "GET" || rd.Outcome != har.Allowed || rd.Preflight != nil || rd.Actual == nil || rd.Actual.Entry != get || rd.Actual.Status != 200 || len(rd.Findings) != 0 {
			t.Errorf("%v: read %+v; want GET allowed, request entry %d, no findings", args, rd, get)
		}
	}

	text := s3cors(t, "", "explain", cfgFile, "--har", harFile)
	text.expect(t, 1, []string{
		"1. PUT http://",
		"   REFUSED by CORS\n   error header-not-allowed: S3 refuses the preflight: rule 1 (ID \"uploads\")",
		"but not the requested header x-amz-checksum-crc32",
		`fix: add "x-amz-checksum-crc32" to AllowedHeaders of rule 1 (ID "uploads")`,
		"rule 1 `uploads`: origin matches `" + origin + "`; method PUT in [PUT]; header `x-amz-checksum-crc32` not allowed by [content-type]",
		"/assets/hello.txt\n   from " + origin + "\n",
		"   ALLOWED\n",
		"2 CORS exchange(s) among ",
		": 1 allowed, 1 refused by CORS, 0 failed for other reasons",
	}, nil)
	plain := s3cors(t, "", "explain", "--har", harFile)
	plain.expect(t, 1, []string{
		"error preflight-refused: the preflight was refused with 403",
		": 1 allowed, 1 refused by CORS, 0 failed for other reasons",
		"pass the bucket's configuration first",
	}, nil)
	for _, out := range []string{text.stdout, plain.stdout} {
		if n := strings.Count(out, "REFUSED by CORS"); n != 1 {
			t.Errorf("%d exchanges refused, want the upload only:\n%s", n, out)
		}
	}
}
