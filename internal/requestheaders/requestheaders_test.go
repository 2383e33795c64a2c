package requestheaders

import (
	"slices"
	"strings"
	"testing"
)

// TestJoin checks M5, D7, D10 and D11 on the reader itself; FuzzRequestHeaders
// in package cors compares it with a naive reader through Evaluate.
func TestJoin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		want  string
		ok    bool
	}{
		{"M5/split-trim-lower", []string{"Content-Type, X-Amz-Date"}, "content-type, x-amz-date", true},
		{"M5/as-browsers-send", []string{"content-type,x-amz-date,x-amz-user-agent"}, "content-type, x-amz-date, x-amz-user-agent", true},
		{"M5/one-name", []string{"x-a"}, "x-a", true},
		{"M5/empty-items-dropped", []string{",a,,b,"}, "a, b", true},
		{"M5/several-lines", []string{"a", "B,c"}, "a, b, c", true},
		{"M5+D26/only-spaces-and-tabs-trimmed", []string{" \ta\v ,b"}, "a\v, b", true},
		{"D7/blank-is-absent", []string{" , \t,"}, "", true},
		{"D7/none", nil, "", true},
		{"D10/duplicates-kept", []string{"x,X, x"}, "x, x, x", true},
		{"D11/at-count-limit", []string{strings.Repeat("a,", MaxCount)}, strings.TrimSuffix(strings.Repeat("a, ", MaxCount), ", "), true},
		{"D11/over-count-limit", []string{strings.Repeat("a,", MaxCount+1)}, "", false},
		{"D11/over-length-limit", []string{strings.Repeat(" ", MaxLength), "a"}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Join(tc.lines)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("Join(%q) = %q, %v; want %q, %v", tc.lines, got, ok, tc.want, tc.ok)
			}
			var names []string
			for name, rest := Next(got); name != ""; name, rest = Next(rest) {
				names = append(names, name)
			}
			if strings.Join(names, ", ") != got {
				t.Errorf("Next splits %q into %q", got, names)
			}
		})
	}
}

// FuzzJoin checks Join against a reader written straight from M5 and D11.
// TestJoinInto checks that JoinInto writes into the scratch memory when the
// names fit there (M5), and allocates otherwise, with the same result.
func TestJoinInto(t *testing.T) {
	t.Parallel()
	for _, lines := range [][]string{
		{"content-type,x-amz-date"},     // the browser's form
		{"Content-Type", " x-amz-date"}, // the general way
	} {
		var scratch [32]byte
		got, ok := JoinInto(scratch[:0], lines)
		if want := "content-type, x-amz-date"; got != want || !ok {
			t.Fatalf("JoinInto(%q) = %q, %v; want %q, true", lines, got, ok, want)
		}
		if string(scratch[:len(got)]) != got {
			t.Errorf("JoinInto(%q) did not use the scratch memory", lines)
		}
		small := make([]byte, 0, 4)
		if got, ok := JoinInto(small, lines); got != "content-type, x-amz-date" || !ok || string(small[:4]) == "cont" {
			t.Errorf("JoinInto(%q) with a small scratch = %q, %v, and wrote into it", lines, got, ok)
		}
	}
}

// TestJoinIntoAllocations checks that JoinInto allocates nothing when the
// names fit into scratch, and once when they do not, even for a line that
// the plain reading gives up on half-way (upper case after a first name),
// or whose plain form would not fit where the joined names do (a space
// after each comma already).
func TestJoinIntoAllocations(t *testing.T) {
	for _, line := range []string{"content-type,x-amz-date", "content-type,X-Amz-Date", "a, b", "Content-Type, X-Amz-Date, Range"} {
		var scratch [32]byte
		if n := testing.AllocsPerRun(100, func() { JoinInto(scratch[:0], []string{line}) }); n != 0 {
			t.Errorf("JoinInto(32 bytes, %q): %v allocations, want 0", line, n)
		}
		if n := testing.AllocsPerRun(100, func() { JoinInto(nil, []string{line}) }); n != 1 {
			t.Errorf("JoinInto(nil, %q): %v allocations, want 1", line, n)
		}
	}
}

func FuzzJoin(f *testing.F) {
	f.Add("content-type,x-amz-date", "")
	f.Add("A, b ,,\t", "c")
	f.Add(strings.Repeat("a,", MaxCount), "")
	f.Fuzz(func(t *testing.T, line1, line2 string) {
		lines := []string{line1}
		if line2 != "" {
			lines = append(lines, line2)
		}
		var names []string
		for _, item := range strings.Split(strings.Join(lines, ","), ",") {
			if item = strings.Trim(item, " \t"); item != "" {
				b := []byte(item)
				for i, c := range b {
					if 'A' <= c && c <= 'Z' {
						b[i] = c + 'a' - 'A'
					}
				}
				names = append(names, string(b))
			}
		}
		want, wantOK := strings.Join(names, ", "), true
		if len(line1)+len(line2) > MaxLength || len(names) > MaxCount {
			want, wantOK = "", false
		}
		if got, ok := Join(lines); got != want || ok != wantOK {
			t.Fatalf("Join(%q) = %q, %v; want %q, %v", lines, got, ok, want, wantOK)
		}
		var scratch [32]byte
		if got, ok := JoinInto(scratch[:0], lines); got != want || ok != wantOK {
			t.Fatalf("JoinInto(32 bytes, %q) = %q, %v; want %q, %v", lines, got, ok, want, wantOK)
		}
	})
}

// TestNames checks that Names lists what Join reads (M5, D10) and refuses
// what exceeds the limits (D11).
func TestNames(t *testing.T) {
	tests := []struct {
		lines []string
		want  []string
		ok    bool
	}{
		{nil, []string{}, true},
		{[]string{"Content-Type, X-Amz-Date", " ,x-amz-date"}, []string{"content-type", "x-amz-date", "x-amz-date"}, true},
		{[]string{"etag"}, []string{"etag"}, true},
		{[]string{strings.Repeat("a,", MaxCount) + "a"}, nil, false},
	}
	for _, tt := range tests {
		got, ok := Names(tt.lines)
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("Names(%q) = %q, %v; want %q, %v", tt.lines, got, ok, tt.want, tt.ok)
		}
	}
}
