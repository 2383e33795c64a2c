package httpserver_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3cors/s3cors/examples/internal/httpserver"
)

// TestIdleAndStalledConnectionsClosed checks that the server closes an
// idle keep-alive connection and one whose request body never comes.
func TestIdleAndStalledConnectionsClosed(t *testing.T) {
	t.Parallel()
	short := httpserver.Timeouts{ReadHeader: 200 * time.Millisecond, Read: 300 * time.Millisecond, Write: time.Second, Idle: 300 * time.Millisecond}
	ln, err := httpserver.Listen("127.0.0.1:0", "addr")
	if err != nil {
		t.Fatal(err)
	}
	srv := httpserver.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}), short)
	go srv.Serve(ln)
	defer srv.Close()

	for _, tc := range []struct{ name, request string }{
		{"idle keep-alive", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"body never comes", "PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial"},
		{"head never ends", "GET / HTTP/1.1\r\nHost: x\r\n"},
	} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, tc.request)
		r := bufio.NewReader(conn)
		if strings.HasPrefix(tc.name, "idle") {
			resp, err := http.ReadResponse(r, nil)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		start := time.Now()
		_, err = io.Copy(io.Discard, r) // returns when the server closes
		if err != nil {
			t.Errorf("%s: the server did not close the connection: %v", tc.name, err)
		} else if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: closed after %v", tc.name, d)
		}
		conn.Close()
	}
}

func TestListenNamesTheFlag(t *testing.T) {
	t.Parallel()
	ln, err := httpserver.Listen("127.0.0.1:0", "addr")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = httpserver.Listen(ln.Addr().String(), "assets-addr")
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "-assets-addr") {
		t.Errorf("error %v: want it to say the address is in use and name -assets-addr", err)
	}
}
