package rule_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/rule"
)

// TestParseBoundedMemory checks that the most expensive documents of the
// largest size S3 accepts cost a bounded amount of memory to parse or
// refuse: deep nesting, thousands of tiny elements, long entity-heavy text
// and deeply nested JSON.
func TestParseBoundedMemory(t *testing.T) {
	fill := func(prefix, unit, suffix string) []byte {
		n := (rule.MaxDocumentSize - len(prefix) - len(suffix)) / len(unit)
		return []byte(prefix + strings.Repeat(unit, n) + suffix)
	}
	docs := map[string][]byte{
		"nested-elements":   fill("<CORSConfiguration><CORSRule><AllowedOrigin>", "<a>", ""),
		"tiny-elements":     fill("<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>", "<AllowedOrigin/>", "</CORSRule></CORSConfiguration>"),
		"entities":          fill("<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>", "&amp;", "</AllowedOrigin></CORSRule></CORSConfiguration>"),
		"many-rules":        fill("<CORSConfiguration>", "<CORSRule/>", "</CORSConfiguration>"),
		"nested-json":       fill("", "[", ""),
		"json-many-strings": fill(`[{"AllowedMethods":["GET"],"AllowedOrigins":[`, `"",`, `""]}]`),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, _ = rule.Parse(doc)
			runtime.ReadMemStats(&after)
			t.Logf("%d bytes allocated", after.TotalAlloc-before.TotalAlloc)
			// A 64 KiB document may cost some multiple of its size (at most about
			// 60 times, for thousands of empty rules), never more.
			if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 128*rule.MaxDocumentSize {
				t.Errorf("parsing %d bytes allocated %d bytes", len(doc), allocated)
			}
		})
	}
}
