package bucket_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
)

// A reverse proxy gives S3's bucket CORS to an S3-compatible server that
// has none, or the wrong one: the Store serves ?cors, the middleware answers
// preflights and sets the CORS fields of every other answer, and the
// upstream's own CORS fields are dropped. (s3cors proxy adds SigV4 on the
// ?cors API, a bounded cache of which buckets exist, trailers and timeouts.)
func Example_proxy() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*") // lets every origin in
		if !strings.HasPrefix(r.URL.Path, "/photos") {
			w.WriteHeader(http.StatusNotFound) // the only bucket is photos
		}
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)

	store := bucket.NewStore(func(name string) bool {
		res, err := http.Head(upstream.URL + "/" + name) // HEAD bucket; sign and cache it
		if err != nil {
			return true // unknown: let the upstream's error carry the CORS fields
		}
		res.Body.Close()
		return res.StatusCode != http.StatusNotFound
	})
	upstreamProxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host // a SigV4 signature covers the Host
		},
		ModifyResponse: func(res *http.Response) error {
			for name := range res.Header {
				if strings.HasPrefix(strings.ToLower(name), "access-control-") {
					delete(res.Header, name)
				}
			}
			return nil
		},
	}
	proxy := httptest.NewServer(cors.Middleware(store)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("cors") {
			store.ServeHTTP(w, r) // authenticate it first
			return
		}
		upstreamProxy.ServeHTTP(w, r)
	})))
	defer proxy.Close()

	put, _ := http.NewRequest(http.MethodPut, proxy.URL+"/photos?cors", strings.NewReader(
		`<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin>`+
			`<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`))
	show(put)
	for _, origin := range []string{"https://app.example.com", "https://evil.example", ""} {
		get, _ := http.NewRequest(http.MethodGet, proxy.URL+"/photos/cat.jpg", nil)
		if origin != "" {
			get.Header.Set("Origin", origin)
		}
		show(get)
	}
	preflight, _ := http.NewRequest(http.MethodOptions, proxy.URL+"/photos/cat.jpg", nil)
	preflight.Header.Set("Origin", "https://evil.example")
	preflight.Header.Set("Access-Control-Request-Method", "GET")
	show(preflight)
	// Output:
	// PUT /photos?cors: 200, Access-Control-Allow-Origin: ""
	// GET /photos/cat.jpg from https://app.example.com: 200, Access-Control-Allow-Origin: "https://app.example.com"
	// GET /photos/cat.jpg from https://evil.example: 200, Access-Control-Allow-Origin: ""
	// GET /photos/cat.jpg: 200, Access-Control-Allow-Origin: ""
	// OPTIONS /photos/cat.jpg from https://evil.example: 403, Access-Control-Allow-Origin: ""
}

// show sends r and prints its status and Access-Control-Allow-Origin.
func show(r *http.Request) {
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		panic(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	from := ""
	if o := r.Header.Get("Origin"); o != "" {
		from = " from " + o
	}
	fmt.Printf("%s %s%s: %d, Access-Control-Allow-Origin: %q\n", r.Method, r.URL.RequestURI(), from, res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
}
