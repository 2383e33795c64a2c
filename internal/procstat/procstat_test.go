package procstat

import (
	"runtime"
	"testing"
	"time"
)

// TestCPUTimeGrows checks that work done shows in CPUTime on the systems
// that report it.
func TestCPUTimeGrows(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("CPUTime is 0 here")
	}
	start := CPUTime()
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); {
	}
	if used := CPUTime() - start; used < 10*time.Millisecond {
		t.Errorf("50 ms of busy work showed as %v of processor time", used)
	}
}

// TestResidentBytes checks that Linux reports a plausible resident size:
// at least the 16 MiB this test touches.
func TestResidentBytes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ResidentBytes is 0 here")
	}
	b := make([]byte, 16<<20)
	for i := range b {
		b[i] = 1
	}
	if got := ResidentBytes(); got < int64(len(b)) {
		t.Errorf("ResidentBytes() = %d with %d bytes in use", got, len(b))
	}
	runtime.KeepAlive(b)
}
