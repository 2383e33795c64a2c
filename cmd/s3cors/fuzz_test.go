package main

import (
	"strings"
	"testing"

	"github.com/s3cors/s3cors/matcher"
)

// FuzzParseRawRequest feeds arbitrary text to the raw request parser behind
// "explain --request": it must never panic, whatever a user pastes.
func FuzzParseRawRequest(f *testing.F) {
	f.Add([]byte("> OPTIONS /bucket/key HTTP/1.1\n> Host: s3.amazonaws.com\n> Origin: https://a.com\n> Access-Control-Request-Method: PUT\n"))
	f.Add([]byte(":method: OPTIONS\n:path: /\norigin\nhttps://a.com\n"))
	f.Add([]byte("Origin: \x00\xff\r\n\r\n< HTTP/1.1 200 OK\n* note"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := parseRawRequest(data)
		if err == nil && r != nil {
			r.target()
		}
	})
}

// FuzzPatternCovers checks the soundness of the shadowing prover's pattern
// containment: whenever it claims that pattern a covers pattern b, every
// origin that b matches must be matched by a.
func FuzzPatternCovers(f *testing.F) {
	f.Add("https://*.example.com", "https://*.app.example.com", "https://x.app.example.com")
	f.Add("*", "https://a.com", "https://a.com")
	f.Add("a*", "ab*ba", "aba")
	f.Add("https://a.com", "https://a.com", "https://a.com")
	f.Fuzz(func(t *testing.T, a, b, origin string) {
		if !patternCovers(a, b) {
			return
		}
		pa, errA := matcher.Origin(a)
		pb, errB := matcher.Origin(b)
		if errA != nil || errB != nil {
			t.Fatalf("patternCovers(%q, %q) is true for an invalid pattern", a, b)
		}
		if pb.Match(origin) && !pa.Match(origin) {
			t.Fatalf("patternCovers(%q, %q), yet %q matches only the second", a, b, origin)
		}
		// Also try the origins that b's own text suggests.
		for _, s := range []string{strings.ReplaceAll(b, "*", ""), strings.ReplaceAll(b, "*", "x.y"), origin + b} {
			if pb.Match(s) && !pa.Match(s) {
				t.Fatalf("patternCovers(%q, %q), yet %q matches only the second", a, b, s)
			}
		}
	})
}
