//go:build !unix

package procstat

import "time"

// CPUTime returns 0: the processor time of the process is read on Unix
// systems only.
func CPUTime() time.Duration { return 0 }

// ResidentBytes returns 0: the resident set size is read on Linux only.
func ResidentBytes() int64 { return 0 }
