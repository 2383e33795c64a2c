package wildcard

import (
	"strconv"
	"testing"
)

func BenchmarkPatternMatch(b *testing.B) {
	benchmarks := []struct {
		name string
		p    Pattern
		s    string
	}{
		{"OriginExact", mustOrigin(b, "https://www.example.com"), "https://www.example.com"},
		{"OriginWildcard", mustOrigin(b, "https://*.example.com"), "https://www.example.com"},
		{"OriginWildcardMiss", mustOrigin(b, "https://*.example.com"), "https://www.example.org"},
		{"HeaderExact", mustHeader(b, "Content-Type"), "content-type"},
		{"HeaderWildcard", mustHeader(b, "x-amz-*"), "x-amz-server-side-encryption"},
		{"HeaderWildcardMixedCase", mustHeader(b, "x-amz-*"), "X-Amz-Server-Side-Encryption"},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = bm.p.Match(bm.s)
			}
		})
	}
}

// hundredRules is the largest configuration S3 accepts: 100 rules, rule N
// allowing "https://www.exampleN.com" and "https://*.exampleN.com".
func hundredRules(tb testing.TB) *OriginIndex {
	config := make([][]string, 100)
	for i := range config {
		n := strconv.Itoa(i)
		config[i] = []string{"https://www.example" + n + ".com", "https://*.example" + n + ".com"}
	}
	x, err := NewOriginIndex(config)
	if err != nil {
		tb.Fatal(err)
	}
	return x
}

func BenchmarkOriginIndexMatch(b *testing.B) {
	one, err := NewOriginIndex([][]string{{"https://www.example.com"}})
	if err != nil {
		b.Fatal(err)
	}
	hundred := hundredRules(b)
	benchmarks := []struct {
		name   string
		x      *OriginIndex
		origin string
		want   int
	}{
		{"OneExact", one, "https://www.example.com", 0},
		{"HundredRulesLastWildcard", hundred, "https://x.example99.com", 99},
		{"HundredRulesMiss", hundred, "https://x.example.org", -1},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			if got := bm.x.Match(bm.origin).Next(0); got != bm.want {
				b.Fatalf("Match(%q) first rule = %d, want %d", bm.origin, got, bm.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkSet = bm.x.Match(bm.origin)
			}
		})
	}
}

func BenchmarkHeaderSetMatch(b *testing.B) {
	h, err := NewHeaderSet([]string{"content-type", "content-md5", "authorization", "x-amz-*"})
	if err != nil {
		b.Fatal(err)
	}
	benchmarks := []struct {
		name, header string
		want         bool
	}{
		{"ExactLower", "content-md5", true},
		{"ExactMixedCase", "Content-MD5", true},
		{"Wildcard", "x-amz-date", true},
		{"Miss", "x-goog-date", false},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			if h.Match(bm.header) != bm.want {
				b.Fatalf("Match(%q) != %v", bm.header, bm.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = h.Match(bm.header)
			}
		})
	}
}
