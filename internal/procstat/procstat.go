// Package procstat reads what the running process has used: its processor
// time and its resident memory. The project's benchmarks report them next
// to wall-clock time, which swings when other processes take turns on a
// shared machine's cores, and next to Go's heap figures, which leave out
// memory the runtime has not returned to the system.
package procstat
