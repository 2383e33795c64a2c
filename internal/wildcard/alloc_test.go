package wildcard

import (
	"strconv"
	"strings"
	"testing"
)

// sink keeps the results of the calls under measurement alive.
var (
	sinkBool bool
	sinkSet  RuleSet
)

func assertNoAllocs(t *testing.T, name string, f func()) {
	t.Helper()
	if n := testing.AllocsPerRun(100, f); n != 0 {
		t.Errorf("%s: %v allocations per call, want 0", name, n)
	}
}

func mustOrigin(t testing.TB, p string) Pattern {
	t.Helper()
	pat, err := Origin(p)
	if err != nil {
		t.Fatal(err)
	}
	return pat
}

func mustHeader(t testing.TB, p string) Pattern {
	t.Helper()
	pat, err := Header(p)
	if err != nil {
		t.Fatal(err)
	}
	return pat
}

func TestPatternMatchAllocs(t *testing.T) {
	tests := []struct {
		name string
		p    Pattern
		s    string
	}{
		{"origin exact hit", mustOrigin(t, "https://www.example.com"), "https://www.example.com"},
		{"origin exact miss", mustOrigin(t, "https://www.example.com"), "https://www.example.org"},
		{"origin wildcard hit", mustOrigin(t, "https://*.example.com"), "https://a.example.com"},
		{"origin wildcard miss", mustOrigin(t, "https://*.example.com"), "https://a.example.com/"},
		{"origin star", mustOrigin(t, "*"), "anything"},
		{"header exact hit", mustHeader(t, "Content-Type"), "content-TYPE"},
		{"header exact miss", mustHeader(t, "Content-Type"), "content-length"},
		{"header wildcard hit", mustHeader(t, "x-AMZ-*"), "X-amz-date"},
		{"header wildcard miss", mustHeader(t, "x-AMZ-*"), "X-goog-date"},
	}
	for _, tc := range tests {
		assertNoAllocs(t, tc.name, func() { sinkBool = tc.p.Match(tc.s) })
	}
}

func TestOriginIndexMatchAllocs(t *testing.T) {
	config := make([][]string, 100)
	for i := range config {
		n := strconv.Itoa(i)
		config[i] = []string{"https://www.example" + n + ".com", "https://*.example" + n + ".com"}
	}
	config[50] = append(config[50], "*", "null", "start*end", "*suffix", "prefix*")
	x, err := NewOriginIndex(config)
	if err != nil {
		t.Fatal(err)
	}
	for _, origin := range []string{
		"https://www.example7.com",      // exact hit
		"https://x.example99.com",       // wildcard hit
		"startend",                      // zero-length wildcard hit
		"null",                          // literal hit
		"https://x.example100.com",      // miss (only the star rule)
		"",                              // empty origin
		strings.Repeat("https://", 100), // long origin
	} {
		assertNoAllocs(t, "OriginIndex.Match("+strconv.Quote(origin)+")", func() { sinkSet = x.Match(origin) })
	}
}

func TestHeaderSetMatchAllocs(t *testing.T) {
	long := strings.Repeat("x-long-", 30)
	h, err := NewHeaderSet([]string{"content-type", "Authorization", "x-amz-*", "*-MD5", long})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"content-type",              // lower-case exact hit
		"Content-Type",              // upper-case exact hit, via the stack buffer
		"authorization",             // rule written in mixed case
		"x-amz-date",                // wildcard hit
		"X-Amz-Date",                // wildcard hit, mixed case
		"content-md5",               // suffix wildcard hit
		"x-goog-date",               // miss
		"X-Goog-Date",               // miss, mixed case
		strings.ToUpper(long),       // long name, linear scan hit
		strings.ToUpper(long + "y"), // long name miss
	} {
		assertNoAllocs(t, "HeaderSet.Match("+strconv.Quote(name)+")", func() { sinkBool = h.Match(name) })
	}
}
