package lint

import (
	"testing"

	"github.com/s3cors/s3cors/matcher"
)

func TestClassifyOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		kind    originKind
		example string
	}{
		{"https://app.example.com", originLiteral, ""},
		{"*", originAny, ""},
		{"https://**.example.com", originInvalid, ""},
		{"https://*.example.com", originNarrow, ""},
		{"https://*.example.co.uk", originNarrow, ""},
		{"https://app-*.example.com", originNarrow, ""},
		{"https://*-app.example.com", originNarrow, ""},
		{"https://app*.example.com", originNarrow, ""},
		{"http://localhost:*", originNarrow, ""},
		{"https://example.com:*", originNarrow, ""},
		{"*://example.com", originNarrow, ""},
		{"http*://example.com", originNarrow, ""},
		{"*.example.com", originNarrow, ""},
		{"https://*", originAnyHost, "https://attacker.example"},
		{"http://*", originAnyHost, "http://attacker.example"},
		{"https://*:8443", originAnyHost, "https://attacker.example:8443"},
		{"http*", originAnyHost, "https://attacker.example"},
		{"https://*example.com", originNoDot, "https://attackerexample.com"},
		{"*example.com", originNoDot, "https://attackerexample.com"},
		{"https://*example.co.uk", originNoDot, "https://attackerexample.co.uk"},
		{"https://*com", originNoDot, "https://attacker.com"},
		{"https://app.*.com", originRegistrable, "https://app.attacker.com"},
		{"https://*.com", originRegistrable, "https://attacker.com"},
		{"https://*.co.uk", originRegistrable, "https://attacker.co.uk"},
		{"https://*.github.io", originRegistrable, "https://attacker.github.io"},
		{"https://myapp-*.vercel.app", originRegistrable, "https://myapp-attacker.vercel.app"},
		{"https://www.ex*ample.com", originRegistrable, "https://www.exattackerample.com"},
		{"https://example.com*", originOpenEnd, "https://example.com.attacker.example"},
		{"https://example.*", originOpenEnd, "https://example.attacker.example"},
		{"http://localhost*", originOpenEnd, "http://localhost.attacker.example"},
		{"https://app-*", originOpenEnd, "https://app-x.attacker.example"},
	}
	for _, tt := range tests {
		got := classifyOrigin(tt.pattern)
		if got.kind != tt.kind || got.example != tt.example {
			t.Errorf("classifyOrigin(%q) = %v %q, want %v %q", tt.pattern, got.kind, got.example, tt.kind, tt.example)
		}
		// The example really is admitted.
		if got.example != "" {
			if p, err := matcher.Origin(tt.pattern); err != nil || !p.Match(got.example) {
				t.Errorf("%q does not match its example %q", tt.pattern, got.example)
			}
		}
	}
}

func TestAdmitsPlainHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		want    bool
	}{
		{"http://app.example.com", true},
		{"http://app.example.com:8080", true},
		{"http://*.example.com", true},
		{"*.example.com", true},
		{"*://example.com", true},
		{"http*://example.com", true},
		{"http://*", true},
		{"http://localhost*", true},
		{"http://localhost", false},
		{"http://localhost:3000", false},
		{"http://localhost:*", false},
		{"http://127.0.0.1", false},
		{"http://127.0.0.1:8080", false},
		{"http://[::1]", false},
		{"http://[::1]:5173", false},
		{"http://[::1", false}, // not an origin: S3C110 reports it
		{"http://app.localhost:3000", false},
		{"https://app.example.com", false},
		{"https://*", false},
		{"https*://example.com", false},
		{"*", false},
		{"null", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := admitsPlainHTTP(tt.pattern); got != tt.want {
			t.Errorf("admitsPlainHTTP(%q) = %v, want %v", tt.pattern, got, tt.want)
		}
	}
}

func TestMatchesNoBrowserOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		want    bool
	}{
		{"https://app.example.com", false},
		{"https://app.example.com:8443", false},
		{"https://*.example.com", false},
		{"*.example.com", false},
		{"*://example.com", false},
		{"chrome-extension://abcdef", false},
		{"*", false},
		{"null", false},
		{"", false},
		{"https://app.example.com/", true},
		{"https://app.example.com/path", true},
		{"https://*.example.com/", true},
		{"https://example.com/*", true},
		{"*://example.com/", true},
		{"app.example.com", true},
		{"www.*.com", true},
		{"://example.com", true},
	}
	for _, tt := range tests {
		if got := matchesNoBrowserOrigin(tt.pattern); got != tt.want {
			t.Errorf("matchesNoBrowserOrigin(%q) = %v, want %v", tt.pattern, got, tt.want)
		}
	}
}

func TestBrowserOriginProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, want string
	}{
		{"https://app.example.com", ""},
		{"https://*.example.com", ""},
		{"https://app.example.com:8443", ""},
		{"http://localhost:80", "it names the default port, which browsers leave out"},
		{"https://app.example.com:443", "it names the default port, which browsers leave out"},
		{"https://App.example.com", "it has upper-case letters, and browsers send the scheme and host in lower case"},
		{"HTTPS://*.example.com", "it has upper-case letters, and browsers send the scheme and host in lower case"},
		{"https://app.example.com/", "it has a path or a trailing slash"},
		{"app.example.com", "it has no scheme"},
		{"http://[::1", `it is not a valid origin (missing ']' in host)`},
		{"https://a.com:99999", "its port 99999 is outside 1 to 65535"},
		{"https://user@a.com", "it has user information, a query or a fragment, which an origin never has"},
		{"null", ""},
		{"*", ""},
	}
	for _, tt := range tests {
		if got := browserOriginProblem(tt.pattern); got != tt.want {
			t.Errorf("browserOriginProblem(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}
