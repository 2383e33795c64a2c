//go:build !race

package cors_test

// mwRace reports whether the race detector is on; it makes sync.Pool drop
// items at random, so allocation counts are meaningless.
const mwRace = false
