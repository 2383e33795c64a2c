// Package testrequest makes the requests that the SigV4 tests sign and
// verify: paths escaped as S3 clients escape them, and delivery through a
// real loopback server, so that the verifier sees a request exactly as
// net/http parses it. Only tests import it.
package testrequest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// New returns a request to http://s3.test.example for path (unescaped) and
// rawQuery, with the path escaped as S3 clients escape it (see EscapePath)
// and body, if any.
func New(t testing.TB, method, path, rawQuery, body string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://s3.test.example/", rd)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Path = path
	req.URL.RawPath = EscapePath(path)
	req.URL.RawQuery = rawQuery
	return req
}

// EscapePath escapes every byte of p outside A–Z, a–z, 0–9, '-', '.', '_',
// '~' and '/' as %XY, as S3 clients escape a path.
func EscapePath(p string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// VerifyOverHTTP sends req to a loopback server whose handler calls verify
// on the request as net/http parsed it, and returns verify's outcome. When
// verify accepts the request, the body must still be readable, intact.
func VerifyOverHTTP(t testing.TB, verify func(*http.Request) error, req *http.Request) error {
	t.Helper()
	got := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := verify(r)
		if err == nil {
			if _, rerr := io.Copy(io.Discard, r.Body); rerr != nil {
				err = rerr
			}
		}
		got <- err
	}))
	defer srv.Close()
	out, err := http.NewRequest(req.Method, srv.URL+req.URL.RequestURI(), req.Body)
	if err != nil {
		t.Fatal(err)
	}
	out.Header = req.Header
	out.Host = req.Host
	out.ContentLength = req.ContentLength
	resp, err := http.DefaultClient.Do(out)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return <-got
}
