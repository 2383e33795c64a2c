// Package testport finds loopback ports for the servers of the project's
// tests that must keep their ports across a restart, such as etcd members
// brought down and up again, or that are started in another process.
//
// A port found by listening on port 0 comes from the system's ephemeral
// range, the one it also gives the local end of every outgoing connection.
// Between the moment such a port is found and the moment its server binds
// it, and again while the server is down, any connection the tests open
// may take it, and the server then fails with "address already in use".
// The ports Free gives lie below that range, which the system never hands
// out by itself.
package testport

import (
	"errors"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// lowest is the lowest port Free gives: below it lie the ports that
// well-known services use.
const lowest = 10000

// Free returns n distinct loopback ports, below the system's ephemeral
// range, that were free a moment ago: each was bound by a listener, and the
// listeners are closed only once all n are found.
func Free(n int) ([]int, error) {
	highest := ephemeralLow() - 1
	if highest < lowest+n {
		return nil, errors.New("testport: no room below the ephemeral port range")
	}
	ports := make([]int, 0, n)
	for tries := 0; len(ports) < n; tries++ {
		if tries == 1000 {
			return nil, errors.New("testport: no free loopback port found below the ephemeral range in 1000 tries")
		}
		port := lowest + rand.IntN(highest-lowest+1)
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue // in use, or taken by another test
		}
		defer ln.Close()
		ports = append(ports, port)
	}
	return ports, nil
}

// ephemeralLow returns the lowest port of the system's ephemeral range:
// Linux says it in /proc; elsewhere it is taken to be 32768, Linux's
// default, at or below the other systems' (49152 on the BSDs, macOS and
// Windows).
func ephemeralLow() int {
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if p, err := strconv.Atoi(f[0]); err == nil && p > lowest {
				return p
			}
		}
	}
	return 32768
}
