package testport

import (
	"net"
	"strconv"
	"testing"
)

// TestFree checks that Free gives distinct ports below the ephemeral
// range that can be bound once it returns.
func TestFree(t *testing.T) {
	ports, err := Free(6)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p < lowest || p >= ephemeralLow() {
			t.Errorf("port %d outside [%d, %d)", p, lowest, ephemeralLow())
		}
		if seen[p] {
			t.Errorf("port %d given twice", p)
		}
		seen[p] = true
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			t.Errorf("port %d cannot be bound: %v", p, err)
			continue
		}
		ln.Close()
	}
}

// TestFreeNotEphemeral checks that no port the system gives for port 0
// could be one Free gives.
func TestFreeNotEphemeral(t *testing.T) {
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if port < ephemeralLow() {
			t.Fatalf("the system gave port %d, below the range's start %d that Free stays under", port, ephemeralLow())
		}
	}
}
