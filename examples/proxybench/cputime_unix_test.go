//go:build unix

package proxybench

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used, user and system, 0 where
// the system does not say. Client, proxy and upstream all run in the
// process, and the client and upstream do the same work whichever proxy
// is measured, so the CPU time per request compares the proxies' costs
// even when other processes take turns on the machine's cores, which
// makes wall-clock rates swing.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
