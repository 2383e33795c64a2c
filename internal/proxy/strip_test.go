package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStripCORS(t *testing.T) {
	tests := []struct {
		name string
		in   http.Header
		want http.Header
	}{
		{"canonical", http.Header{"Access-Control-Allow-Origin": {"*"}, "Etag": {"x"}}, http.Header{"Etag": {"x"}}},
		{"any case", http.Header{"access-control-allow-origin": {"*"}, "ACCESS-CONTROL-EXPOSE-HEADERS": {"a"}, "aCCESS-cONTROL-mAX-aGE": {"1"}}, http.Header{}},
		{"duplicated", http.Header{"Access-Control-Allow-Origin": {"*", "https://a.example"}}, http.Header{}},
		{"unknown Access-Control field", http.Header{"Access-Control-Anything": {"1"}}, http.Header{}},
		{"unannounced trailer", http.Header{http.TrailerPrefix + "Access-Control-Allow-Origin": {"*"}, http.TrailerPrefix + "X-Sum": {"1"}}, http.Header{http.TrailerPrefix + "X-Sum": {"1"}}},
		{"look-alikes kept", http.Header{"Access-Control": {"1"}, "X-Access-Control-Allow-Origin": {"1"}, "Access-Controls-Allow": {"1"}}, http.Header{"Access-Control": {"1"}, "X-Access-Control-Allow-Origin": {"1"}, "Access-Controls-Allow": {"1"}}},
		{"Vary: CORS names go", http.Header{"Vary": {"Origin, Accept-Encoding", "access-control-request-method,ACCESS-CONTROL-REQUEST-HEADERS"}}, http.Header{"Vary": {"Accept-Encoding"}}},
		{"Vary: only CORS names", http.Header{"Vary": {"Origin"}}, http.Header{}},
		{"Vary: any case key", http.Header{"vary": {"origin, X-Y"}}, http.Header{"Vary": {"X-Y"}}},
		{"Vary: others untouched", http.Header{"Vary": {"Accept-Encoding", "X-A,  ,X-B"}}, http.Header{"Vary": {"Accept-Encoding", "X-A,  ,X-B"}}},
		{"Vary: star kept", http.Header{"Vary": {"*, Origin"}}, http.Header{"Vary": {"*"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stripCORS(tt.in)
			if diff := cmp.Diff(tt.want, tt.in); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	clean := http.Header{"Content-Type": {"text/plain"}, "Etag": {`"x"`}, "Vary": {"Accept-Encoding"}, "X-Amz-Request-Id": {"1"}}
	if n := testing.AllocsPerRun(100, func() { stripCORS(clean) }); n != 0 {
		t.Errorf("stripCORS of a header without CORS fields: %v allocations, want 0", n)
	}
}

// rawUpstream is an upstream that answers HEAD bucket with 200 and every
// other request with the raw bytes of respond, then closes the connection:
// it can send what no well-behaved server would.
func rawUpstream(t testing.TB, respond func(r *http.Request) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				br := bufio.NewReader(c)
				for {
					r, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, r.Body)
					if r.Method == http.MethodHead {
						_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
						continue
					}
					_, _ = io.WriteString(c, respond(r))
					return
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// rawRequest sends a request over a fresh connection and returns the raw
// bytes of the whole response, interim responses and trailer included.
func rawRequest(t testing.TB, addr, head string) string {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(addr, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	return string(b)
}

// accessControlLines returns the lines of a raw response that are
// Access-Control-* fields, in any case, wherever they are.
func accessControlLines(raw string) []string {
	var out []string
	for _, line := range strings.Split(raw, "\n") {
		l := strings.TrimLeft(strings.TrimRight(line, "\r"), " \t")
		if len(l) >= len(accessControlPrefix) && strings.EqualFold(l[:len(accessControlPrefix)], accessControlPrefix) {
			out = append(out, l)
		}
	}
	return out
}

// hostileResponse is an upstream's answer with CORS fields everywhere: in
// an interim 103, in odd cases, duplicated, in Vary, announced in the
// trailer and sent there unannounced.
const hostileResponse = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\naccess-control-allow-origin: *\r\n\r\n" +
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Access-Control-Allow-Origin, X-Checksum\r\n" +
	"access-control-allow-origin: *\r\nACCESS-CONTROL-ALLOW-ORIGIN: https://evil.example\r\n" +
	"Access-Control-Allow-Credentials: true\r\nAccess-Control-Expose-Headers: x-secret\r\n" +
	"Vary: origin\r\nVary: Accept-Encoding, ACCESS-CONTROL-REQUEST-METHOD\r\n\r\n" +
	"2\r\nok\r\n0\r\nAccess-Control-Allow-Origin: *\r\naccess-control-allow-methods: DELETE\r\nX-Checksum: abc\r\n\r\n"

// TestNoUpstreamCORSLeaks checks that no Access-Control-* field of the
// upstream reaches the client, wherever the upstream puts it, and that the
// client gets exactly S3's (R1–R5, D28).
func TestNoUpstreamCORSLeaks(t *testing.T) {
	upstream := rawUpstream(t, func(*http.Request) string { return hostileResponse })
	p, srv := newProxy(t, upstream, nil)
	if err := p.Store().Put("photos", mustConfig(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		origin string
		want   []string
		vary   string
	}{
		{"no Origin", "", nil, "Vary: Accept-Encoding"},
		{"refused origin", "https://evil.example", nil, "Vary: Accept-Encoding"},
		{"allowed origin", "https://app.example.com", []string{
			"Access-Control-Allow-Credentials: true",
			"Access-Control-Allow-Methods: GET, PUT",
			"Access-Control-Allow-Origin: https://app.example.com",
			"Access-Control-Expose-Headers: ETag",
		}, "Vary: Accept-Encoding, Origin, Access-Control-Request-Headers, Access-Control-Request-Method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := "GET /photos/x HTTP/1.1\r\nHost: " + strings.TrimPrefix(srv.URL, "http://") + "\r\nConnection: close\r\nTE: trailers\r\n"
			if tt.origin != "" {
				head += "Origin: " + tt.origin + "\r\n"
			}
			raw := rawRequest(t, srv.URL, head+"\r\n")
			got := accessControlLines(raw)
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Access-Control-* lines (-want +got):\n%s\n%s", diff, raw)
			}
			if !strings.Contains(raw, "\r\n"+tt.vary+"\r\n") || strings.Count(raw, "Vary:") != 1 {
				t.Errorf("want one line %q:\n%s", tt.vary, raw)
			}
			if !strings.Contains(raw, "X-Checksum: abc") || !strings.Contains(raw, "Link: </style.css>") {
				t.Errorf("the trailer or the interim response lost what is not CORS:\n%s", raw)
			}
		})
	}
}

// FuzzUpstreamHeaders checks that whatever header or trailer lines the
// upstream sends, no Access-Control-* field reaches a client whose request
// has no Origin, so S3 would send none.
func FuzzUpstreamHeaders(f *testing.F) {
	f.Add("Access-Control-Allow-Origin: *", false)
	f.Add("access-control-allow-origin: *\r\nVary: Origin", false)
	f.Add("X-A: b\r\n Access-Control-Allow-Origin: *", false)
	f.Add("X-A: b\r\n\tAccess-Control-Allow-Origin: *", true)
	f.Add("Access-Control-Allow-Origin : *", false)
	f.Add("Access-Control-Allow-Origin:\t*", true)
	f.Add("X: y\rAccess-Control-Allow-Origin: *", false)
	f.Add("X: y\nAccess-Control-Allow-Origin: *", true)
	f.Add("Trailer: Access-Control-Allow-Origin", false)
	f.Add("Access-Control-Allow-Origin\x00: *", false)
	f.Add("Access-Control-Allow-Orıgin: *", false)
	f.Add("X-Amz-Meta: \xffAccess-Control-Allow-Origin: *", true)
	var upstream string
	lines := make(chan string, 1)
	var trailer bool
	upstream = rawUpstream(f, func(*http.Request) string {
		l := <-lines
		if trailer {
			return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n" + l + "\r\n\r\n"
		}
		return "HTTP/1.1 200 OK\r\n" + l + "\r\nContent-Length: 2\r\n\r\nok"
	})
	p, err := New(Config{Upstream: upstream})
	if err != nil {
		f.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	srv := &http.Server{Handler: p}
	go func() { _ = srv.Serve(ln) }()
	f.Cleanup(func() { srv.Close(); p.Close() })
	base := "http://" + ln.Addr().String()
	f.Fuzz(func(t *testing.T, line string, inTrailer bool) {
		trailer = inTrailer
		lines <- line
		raw := rawRequest(t, base, "GET /photos/x HTTP/1.1\r\nHost: "+ln.Addr().String()+"\r\nTE: trailers\r\nConnection: close\r\n\r\n")
		select {
		case <-lines: // the proxy did not ask: nothing to check
			return
		default:
		}
		if got := accessControlLines(raw); len(got) > 0 {
			t.Errorf("upstream line %q: the client got %q:\n%s", line, got, raw)
		}
	})
}
