package main

import (
	"os"
	"testing"

	"github.com/s3cors/s3cors/cors"
)

// FuzzParseCurlCommand checks that no command line makes the curl reader
// fail other than with an error.
func FuzzParseCurlCommand(f *testing.F) {
	f.Add(`curl 'https://h.test/k' -X OPTIONS -H $'origin: https://a.test\x41' --data "a\"b" \` + "\n -I")
	f.Add(`curl "x`)
	f.Add(`curl $'`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseCurlCommand(s)
		if err == nil && (r.Method == "" || r.Path == "") {
			t.Errorf("%q: accepted without method or URL: %+v", s, r)
		}
	})
}

// FuzzParseHAR checks that no document makes the HAR reader or the
// judgement without configuration panic.
func FuzzParseHAR(f *testing.F) {
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"OPTIONS","url":"https://h.test/k","headers":[{"name":"Origin","value":"https://a.test"},{"name":"Access-Control-Request-Method","value":"PUT"}]},"response":{"status":302}}]}}`))
	doc, err := os.ReadFile("testdata/har/cors.json")
	if err != nil {
		f.Fatal(err)
	}
	c, err := parseConfig(doc)
	if err != nil {
		f.Fatal(err)
	}
	p := cors.MustCompile(c)
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseHAR(data)
		if err != nil {
			return
		}
		explainHAR("f.har", entries, nil, nil)
		explainHAR("f.har", entries, p, c)
	})
}
