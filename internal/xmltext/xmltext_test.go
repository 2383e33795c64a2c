package xmltext

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestAppend(t *testing.T) {
	tests := []struct{ in, want string }{
		{`resource's "x"`, `resource's "x"`},
		{"a<b>&c", "a&lt;b&gt;&amp;c"},
		{"line\r\nnext\ttab", "line&#xD;\nnext\ttab"},
		{"bad\x00\x1f\xff\uFFFE", "bad\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"bücher 🚀", "bücher 🚀"},
	}
	for _, tc := range tests {
		if got := string(Append(nil, tc.in)); got != tc.want {
			t.Errorf("Append(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzAppend checks that whatever Append writes, an XML parser reads back
// the same text when the input was valid XML text.
func FuzzAppend(f *testing.F) {
	f.Add("a\r\nb<&>'\"")
	f.Add("\x00\xff")
	f.Fuzz(func(t *testing.T, s string) {
		doc := "<v>" + string(Append(nil, s)) + "</v>"
		var v struct {
			Text string `xml:",chardata"`
		}
		if err := xml.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatalf("output does not parse: %v\n%q", err, doc)
		}
		if Valid(s) && v.Text != s {
			t.Fatalf("read back %q, want %q", v.Text, s)
		}
		if !Valid(s) && !strings.Contains(v.Text, "\uFFFD") {
			t.Fatalf("invalid input %q was not replaced", s)
		}
	})
}
