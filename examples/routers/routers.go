// Package routers shows how to put the s3cors middleware in front of a
// router so that it sees every preflight.
//
// Browsers send a preflight as an OPTIONS request to the URL of the real
// request. A router that matches methods answers an OPTIONS request that no
// route registers with 405 Method Not Allowed, without CORS headers, and
// the browser blocks the real request. The middleware must therefore run
// before the router decides anything about the method:
//
//   - net/http's ServeMux with method patterns ("GET /{bucket}/{key...}"):
//     wrap the whole mux, as [ServeMux] does. Wrapping a route's handler is
//     too late: ServeMux answers OPTIONS with 405 itself.
//   - chi: wrap the router, or register the middleware with Router.Use on
//     the root router, as [Chi] does; chi runs Use middleware before
//     routing. Route-level middleware (Router.With, or Use inside a Route
//     or Group) runs only after a route matched, method included, and is
//     too late.
//   - gorilla/mux: Router.Use middleware runs only after a route matched,
//     method included; wrap the router itself.
//
// Keep the middleware outside authentication as well: browsers never sign
// preflights.
package routers

import (
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/s3cors/s3cors/cors"
)

// ServeMux returns an S3-like API on net/http's ServeMux with method
// patterns, wrapped from outside by the CORS middleware with the given
// policy.
func ServeMux(policy *cors.Policy) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{bucket}/{key...}", getObject)
	mux.HandleFunc("PUT /{bucket}/{key...}", putObject)
	return policy.Handler(mux)
}

// Chi returns the same API on a chi router, with the CORS middleware
// registered on the root router.
func Chi(policy *cors.Policy) http.Handler {
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler { return policy.Handler(next) })
	r.Get("/{bucket}/*", getObject)
	r.Put("/{bucket}/*", putObject)
	return r
}

func getObject(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "object body\n")
}

func putObject(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
	w.WriteHeader(http.StatusOK)
}
