package proxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// BenchmarkProxy compares the proxy with a plain httputil.ReverseProxy to
// the same upstream, over loopback: GET of 1 KiB and PUT of 1 MiB, with
// and without an Origin, and preflights (answered by the proxy alone).
//
//	go test -run X -bench Proxy -benchmem -count 6 ./internal/proxy | benchstat -col /via -
func BenchmarkProxy(b *testing.B) {
	object := bytes.Repeat([]byte("x"), 1<<10)
	upload := bytes.Repeat([]byte("y"), 1<<20)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodGet {
			_, _ = w.Write(object)
		}
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)
	plain := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target); pr.Out.Host = pr.In.Host }})
	defer plain.Close()
	p, err := New(Config{Upstream: upstream.URL})
	if err != nil {
		b.Fatal(err)
	}
	_ = p.Store().Put("photos", mustConfig(b))
	ours := httptest.NewServer(p)
	defer ours.Close()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	run := func(b *testing.B, base, method string, body []byte, origin string) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest(method, base+"/photos/x", bytes.NewReader(body))
				if origin != "" {
					req.Header.Set("Origin", origin)
				}
				if method == http.MethodOptions {
					req.Header.Set("Access-Control-Request-Method", "PUT")
				}
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		})
	}
	for _, via := range []struct{ name, base string }{{"plain", plain.URL}, {"s3cors", ours.URL}} {
		b.Run("op=GET1KiB/via="+via.name, func(b *testing.B) { run(b, via.base, http.MethodGet, nil, "") })
		b.Run("op=GET1KiBOrigin/via="+via.name, func(b *testing.B) { run(b, via.base, http.MethodGet, nil, "https://app.example.com") })
		b.Run("op=PUT1MiB/via="+via.name, func(b *testing.B) { run(b, via.base, http.MethodPut, upload, "") })
	}
	b.Run("op=Preflight/via=s3cors", func(b *testing.B) { run(b, ours.URL, http.MethodOptions, nil, "https://app.example.com") })
	client.CloseIdleConnections()
	p.Close()
}
