package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/rule"
)

func TestConvert(t *testing.T) {
	t.Parallel()
	src := "../../../testdata/configs/valid-any-order.xml"
	golden, err := os.ReadFile("../../testdata/configs/valid-any-order.golden.xml")
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join("testdata", src))
	if err != nil {
		t.Fatal(err)
	}
	want, err := rule.Parse(orig)
	if err != nil {
		t.Fatal(err)
	}

	// XML is exactly what GetBucketCors returns, as a text file: with a
	// final newline.
	golden = append(golden, '\n')
	xml := s3cors(t, "", "convert", src, "--to", "xml")
	xml.expect(t, 0, nil, nil)
	if xml.stdout != string(golden) {
		t.Errorf("XML\n%s\nwant\n%s", xml.stdout, golden)
	}

	for _, to := range []string{"xml", "json", "console"} {
		t.Run(to, func(t *testing.T) {
			r := s3cors(t, "", "convert", "--to", to, src)
			r.expect(t, 0, nil, nil)
			if first := map[string]byte{"xml": '<', "json": '{', "console": '['}[to]; !strings.HasPrefix(r.stdout, string(first)) {
				t.Errorf("output is not %s:\n%s", to, r.stdout)
			}
			got, err := rule.Parse([]byte(r.stdout))
			if err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, r.stdout)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("conversion lost information (-want +got):\n%s", diff)
			}
			// Round trip through standard input and back to XML.
			back := s3cors(t, r.stdout, "convert", "-", "--to", "xml")
			back.expect(t, 0, nil, nil)
			if back.stdout != string(golden) {
				t.Errorf("round trip\n%s\nwant\n%s", back.stdout, golden)
			}
		})
	}

	console := s3cors(t, "", "convert", "explain.json", "--to", "console")
	if !strings.HasPrefix(console.stdout, "[") || !strings.Contains(console.stdout, `"ID": "uploads"`) {
		t.Errorf("console output:\n%s", console.stdout)
	}
}

// TestConvertKeepsEverything checks that convert loses nothing (C3): an
// empty list read from JSON is written back in both JSON forms, and every
// output, piped rather than on a terminal, ends with a newline.
func TestConvertKeepsEverything(t *testing.T) {
	t.Parallel()
	in := `{"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET"], "AllowedHeaders": [], "ExposeHeaders": []}]}`
	for _, to := range []string{"xml", "json", "console"} {
		r := s3cors(t, in, "convert", "-", "--to", to)
		r.expect(t, 0, nil, nil)
		if !strings.HasSuffix(r.stdout, "\n") {
			t.Errorf("--to %s: output does not end with a newline: %q", to, r.stdout)
		}
		if to != "xml" && (!strings.Contains(r.stdout, `"AllowedHeaders": []`) || !strings.Contains(r.stdout, `"ExposeHeaders": []`)) {
			t.Errorf("--to %s lost the empty lists:\n%s", to, r.stdout)
		}
	}
}

func TestConvertRefused(t *testing.T) {
	t.Parallel()
	r := s3cors(t, "", "convert", "s3-not-well-formed.xml", "--to", "json")
	r.expect(t, 1, nil, []string{"convert: S3 would refuse the configuration in s3-not-well-formed.xml: 400 MalformedXML: The XML you provided was not well-formed"})
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
	s3cors(t, "", "convert", "../../../testdata/configs/invalid-origin-two-wildcards.xml", "--to", "json").expect(t, 1, nil, []string{"InvalidRequest: AllowedOrigin"})
}
