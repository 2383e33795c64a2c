package main

import (
	"encoding/json"
	"regexp"
	"testing"
)

// camelCase is the style of every key of the JSON output, as in AWS's JSON.
var camelCase = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// TestJSONKeysOneStyle checks that lint, explain, explain --har and probe
// write their JSON keys in one style.
func TestJSONKeysOneStyle(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"lint", "s3c104-no-dot.json", "--client", "aws-sdk-js-v3", "--origin", "https://a.example.com"},
		{"explain", "explain.json", "--origin", "https://evil.example.net", "--request-method", "PUT", "--target", "bucket"},
		{"explain", "har/cors.json", "--har", "har/upload.har"},
		{"explain", "--har", "har/upload.har"},
		{"probe", "--endpoint", "http://127.0.0.1:1", "--dry-run"},
	} {
		r := s3cors(t, "", append(args, "--format", "json")...)
		var doc any
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Errorf("%v: %v\n%s%s", args, err, r.stdout, r.stderr)
			continue
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					if !camelCase.MatchString(k) {
						t.Errorf("%v: key %q is not camelCase", args, k)
					}
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(doc)
	}
}
