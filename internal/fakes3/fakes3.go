// Package fakes3 is a small in-memory S3 server: buckets, object keys
// without content, and per-bucket CORS from package bucket behind S3's CORS
// middleware. probe --dry-run plays its whole flow against one, so that the
// requests it lists are the ones a run sends; the tests of probe use it as
// the endpoint.
package fakes3

import (
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/s3error"
)

// Server is an in-memory S3 server. It takes path-style URLs and, when baseHost is set,
// virtual-hosted-style ones (bucket.baseHost).
type Server struct {
	baseHost string // host name, without port, of virtual-hosted-style URLs

	mu      sync.Mutex
	buckets map[string]map[string]bool // bucket name to its object keys
	created []string                   // "name LocationConstraint" of each CreateBucket that created one
	store   *bucket.Store
}

// New returns a server without buckets; baseHost (a port is ignored) is
// the host of its virtual-hosted-style URLs, or "" for path-style only.
func New(baseHost string) *Server {
	f := &Server{
		baseHost: hostName(baseHost),
		buckets:  map[string]map[string]bool{},
	}
	f.store = bucket.NewStore(f.Exists, bucket.WithLocator(f.locateCORS))
	return f
}

// Handler returns the server: the CORS middleware outside, then auth
// (when not nil, such as a signature check), then the S3 API.
func (f *Server) Handler(auth func(http.Handler) http.Handler) http.Handler {
	var api http.Handler = http.HandlerFunc(f.serveAPI)
	if auth != nil {
		api = auth(api)
	}
	return cors.Middleware(f.store)(api)
}

// Exists reports whether the bucket exists.
func (f *Server) Exists(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.buckets[name]
	return ok
}

// AddBucket creates a bucket, as CreateBucket does.
func (f *Server) AddBucket(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.buckets[name] == nil {
		f.buckets[name] = map[string]bool{}
	}
}

// BucketNames returns the names of the buckets, sorted.
func (f *Server) BucketNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for n := range f.buckets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Creations returns "name LocationConstraint" for each bucket created.
func (f *Server) Creations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.created...)
}

// ObjectKeys returns the keys of a bucket's objects, sorted.
func (f *Server) ObjectKeys(name string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var keys []string
	for k := range f.buckets[name] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// hostName returns host without its port.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// Locate returns the bucket and object key a request addresses; ok is
// false for the service endpoint.
func (f *Server) Locate(r *http.Request) (name, key string, ok bool) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if f.baseHost != "" {
		if b, found := strings.CutSuffix(hostName(r.Host), "."+f.baseHost); found && b != "" {
			return b, path, true
		}
	}
	name, key, _ = strings.Cut(path, "/")
	return name, key, name != ""
}

func (f *Server) locateCORS(r *http.Request) (string, cors.Target, bool) {
	name, key, ok := f.Locate(r)
	if key == "" {
		return name, cors.TargetBucket, ok
	}
	return name, cors.TargetObject, ok
}

// serveAPI answers the S3 calls probe makes: CreateBucket, DeleteBucket,
// ListObjectsV2, PutObject, GetObject, HeadObject, DeleteObject, and the
// ?cors sub-resource.
func (f *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	defer r.Body.Close()
	name, key, ok := f.Locate(r)
	if !ok {
		s3error.Write(w, r, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	if key == "" && r.URL.Query().Has("cors") {
		f.store.ServeHTTP(w, r)
		return
	}
	if key == "" && r.Method == http.MethodPut {
		var conf struct {
			LocationConstraint string
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if len(body) > 0 {
			if err := xml.Unmarshal(body, &conf); err != nil {
				s3error.Write(w, r, http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
				return
			}
		}
		f.mu.Lock()
		_, taken := f.buckets[name]
		if !taken {
			f.buckets[name] = map[string]bool{}
			f.created = append(f.created, name+" "+conf.LocationConstraint)
		}
		f.mu.Unlock()
		if taken {
			s3error.Write(w, r, http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
			return
		}
		w.Header().Set("Location", "/"+name)
		return
	}
	f.mu.Lock()
	objects, exists := f.buckets[name]
	f.mu.Unlock()
	if !exists {
		s3error.Write(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	switch {
	case key == "" && r.Method == http.MethodDelete:
		f.mu.Lock()
		empty := len(objects) == 0
		if empty {
			delete(f.buckets, name)
		}
		f.mu.Unlock()
		if !empty {
			s3error.Write(w, r, http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty")
			return
		}
		f.store.Delete(name)
		w.WriteHeader(http.StatusNoContent)
	case key == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		w.Header().Set("Content-Type", "application/xml")
		if r.Method == http.MethodHead {
			return
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>%s</Name><IsTruncated>false</IsTruncated>`, name)
		for _, k := range f.ObjectKeys(name) {
			fmt.Fprint(w, "<Contents><Key>")
			_ = xml.EscapeText(w, []byte(k))
			fmt.Fprint(w, "</Key></Contents>")
		}
		fmt.Fprint(w, "</ListBucketResult>")
	case key == "":
		s3error.Write(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	case r.Method == http.MethodPut:
		_, _ = io.Copy(io.Discard, r.Body)
		f.mu.Lock()
		objects[key] = true
		f.mu.Unlock()
	case r.Method == http.MethodDelete:
		f.mu.Lock()
		delete(objects, key)
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		f.mu.Lock()
		found := objects[key]
		f.mu.Unlock()
		if !found {
			s3error.Write(w, r, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", "0")
	default:
		s3error.Write(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
}

// Transport is an http.RoundTripper that answers every request with
// a handler, in-process: nothing goes to the network.
type Transport struct{ Handler http.Handler }

// RoundTrip answers r with the handler.
func (t Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	req := r.Clone(r.Context())
	req.Body = r.Body
	if req.Body == nil {
		req.Body = http.NoBody
	}
	if req.Host == "" {
		req.Host = r.URL.Host
	}
	req.RemoteAddr = "192.0.2.1:1234"
	req.RequestURI = (&url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}).RequestURI()
	rec := httptest.NewRecorder()
	t.Handler.ServeHTTP(rec, req)
	_ = req.Body.Close()
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// AddObject records an object key in a bucket, which must exist.
func (f *Server) AddObject(name, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buckets[name][key] = true
}

// Store is the server's per-bucket CORS store.
func (f *Server) Store() *bucket.Store { return f.store }
