//go:build !unix

package proxybench

import "time"

// cpuTime is 0: the CPU time of the process is read on Unix systems only.
func cpuTime() time.Duration { return 0 }
