// Package httpserver starts the example servers with the limits a server
// facing browsers needs, and with listen errors that say which flag to
// change.
package httpserver

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"
)

// Timeouts bound how long a connection may hold the server. Without them,
// an idle keep-alive connection, a PUT whose body never comes or a
// PutBucketCors body cut short would stay open for as long as the client
// likes.
type Timeouts struct {
	ReadHeader time.Duration // to read a request's head
	Read       time.Duration // to read a whole request, body included
	Write      time.Duration // to write a response, from the end of the request's head
	Idle       time.Duration // for a keep-alive connection to wait for its next request
}

// Default is what the example servers use: enough for uploads of a few
// hundred megabytes on loopback, short enough that abandoned connections
// go.
var Default = Timeouts{ReadHeader: 10 * time.Second, Read: 5 * time.Minute, Write: 5 * time.Minute, Idle: 60 * time.Second}

// New returns a server for h with the timeouts t.
func New(h http.Handler, t Timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
	}
}

// Listen listens on addr, which the flag named flagName gave. When the
// address is in use, the error says so and names the flag to change.
func Listen(addr, flagName string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("%s is already in use, perhaps by another example server: pick another address with -%s, such as -%s 127.0.0.1:0 for any free port", addr, flagName, flagName)
	case err != nil:
		return nil, fmt.Errorf("cannot listen on %s: %w: pick another address with -%s", addr, err, flagName)
	}
	return ln, nil
}
