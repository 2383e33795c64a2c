package proxy

import (
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestNoLeakWhenUpstreamDies kills the upstream in the middle of a
// download, checks that the client learns it, restarts the upstream on
// the same address, checks that the proxy serves again, and that no
// goroutine or connection is left behind.
func TestNoLeakWhenUpstreamDies(t *testing.T) {
	before := runtime.NumGoroutine()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	streaming := make(chan struct{}, 3)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/photos/big" {
			chunk := []byte(strings.Repeat("x", 32<<10))
			select {
			case streaming <- struct{}{}:
			default:
			}
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	upstream := &http.Server{Handler: handler}
	go func() { _ = upstream.Serve(ln) }()

	p, err := New(Config{Upstream: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p}
	go func() { _ = srv.Serve(front) }()
	client := &http.Client{Transport: &http.Transport{}}
	base := "http://" + front.Addr().String()

	// Several downloads in flight when the upstream dies.
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			res, err := client.Get(base + "/photos/big")
			if err != nil {
				errs <- err
				return
			}
			_, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			errs <- err
		}()
	}
	for range 3 {
		<-streaming
	}
	time.Sleep(50 * time.Millisecond)
	upstream.Close() // kills every connection, mid-stream
	for range 3 {
		select {
		case err := <-errs:
			if err == nil {
				t.Error("a download cut off mid-stream ended without an error")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a download cut off mid-stream never ended")
		}
	}
	res, err := client.Get(base + "/photos/small")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("with the upstream dead: %d, want 503", res.StatusCode)
	}

	// Restarted on the same address: served again.
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	upstream2 := &http.Server{Handler: handler}
	go func() { _ = upstream2.Serve(ln2) }()
	for i := range 5 {
		res, err := client.Get(base + "/photos/small")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || string(b) != "ok" {
			t.Errorf("request %d after the restart: %d %q", i, res.StatusCode, b)
		}
	}

	upstream2.Close()
	srv.Close()
	p.Close()
	client.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines left behind:\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
}
