package fleet_test

import (
	"net"
	"sync"
	"testing"
)

// A proxy forwards TCP connections from a loopback port to a target, and
// can be cut: while cut, it accepts connections and reads what is sent but
// delivers nothing in either direction, as a network that drops packets;
// when restored, it delivers again.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	open   chan struct{}         // closed while not cut
	conns  map[net.Conn]struct{} // both ends of every connection
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, open: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	close(p.open)
	t.Cleanup(func() { ln.Close() })
	go p.serve()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

// setCut cuts or restores the proxy.
func (p *proxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if cut == p.cut {
		return
	}
	p.cut = cut
	if cut {
		p.open = make(chan struct{})
	} else {
		close(p.open)
	}
}

// drop closes every connection, as a network that resets them.
func (p *proxy) drop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

// track records a connection until it is closed.
func (p *proxy) track(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[c] = struct{}{}
}

func (p *proxy) forget(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

// gate returns a channel that is closed while the proxy is not cut.
func (p *proxy) gate() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.track(c)
		go func() {
			<-p.gate()
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				return
			}
			p.track(u)
			go p.pipe(u, c)
			p.pipe(c, u)
		}()
	}
}

// pipe copies from src to dst, holding what it read while the proxy is
// cut, and closes both when either side ends.
func (p *proxy) pipe(dst, src net.Conn) {
	defer func() {
		dst.Close()
		src.Close()
		p.forget(dst)
		p.forget(src)
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			<-p.gate()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
