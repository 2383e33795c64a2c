package arena

import (
	"strings"
	"testing"
)

func TestStringsStayImmutable(t *testing.T) {
	var a Arena
	var got []string
	var want []string
	for i := range 3000 {
		w := strings.Repeat(string(rune('a'+i%26)), i%7) + "-" + strings.Repeat("x", i%300)
		a.Begin(3)
		for j := 0; j < len(w); j++ {
			if j%2 == 0 {
				a.AppendByte(w[j])
			} else {
				a.AppendString(w[j : j+1])
			}
		}
		got = append(got, a.End())
		want = append(want, w)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("string %d = %q; want %q", i, got[i], want[i])
		}
	}
}

func TestEmpty(t *testing.T) {
	var a Arena
	a.Begin(0)
	if s := a.End(); s != "" {
		t.Errorf("End() = %q", s)
	}
}

func TestAmortisedAllocations(t *testing.T) {
	var a Arena
	allocs := testing.AllocsPerRun(1000, func() {
		a.Begin(24)
		a.AppendString("content-type, x-amz-date")
		_ = a.End()
	})
	if allocs > 0.05 {
		t.Errorf("%.3f allocations per string; want one per 4 KiB block", allocs)
	}
}

func TestAppendLower(t *testing.T) {
	var a Arena
	a.Begin(1)
	a.AppendLower("Content-Type")
	a.AppendString(", ")
	a.AppendLower(strings.Repeat("X-AMZ-", 1000))
	if got, want := a.End(), "content-type, "+strings.Repeat("x-amz-", 1000); got != want {
		t.Errorf("End() = %.40q…, want %.40q…", got, want)
	}
}
