package cors_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// mwPrintResponse prints the status, the given header fields and the body of
// a recorded response.
func mwPrintResponse(rec *httptest.ResponseRecorder, names ...string) {
	resp := rec.Result()
	fmt.Println(resp.Status)
	for _, name := range names {
		if v := resp.Header.Values(name); v != nil {
			fmt.Printf("%s: %s\n", name, strings.Join(v, ", "))
		}
	}
	if body, _ := io.ReadAll(resp.Body); len(body) > 0 {
		fmt.Printf("%s\n", body)
	}
	fmt.Println()
}

// An S3-style server with path-style URLs (/bucket/key) and one policy per
// bucket. The resolver reads the bucket name from the path; the middleware
// wraps the whole API, including authentication, so that preflights are
// answered before anything asks for credentials.
func ExampleMiddleware() {
	photos := cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{"GET", "PUT"},
		AllowedHeaders: []string{"content-type", "x-amz-*"},
		ExposeHeaders:  []string{"ETag"},
	}}})
	buckets := map[string]*cors.Policy{
		"photos":  photos,
		"private": nil, // exists, no CORS configuration
	}
	resolver := cors.ResolverFunc(func(r *http.Request) (*cors.Policy, cors.Target) {
		bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		p, ok := buckets[bucket]
		if !ok {
			p = cors.MissingBucket()
		}
		if key == "" {
			return p, cors.TargetBucket
		}
		return p, cors.TargetObject
	})

	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, "AccessDenied", http.StatusForbidden)
			return
		}
		io.WriteString(w, "object data")
	})
	handler := cors.Middleware(resolver, cors.WithRequestIDs(func(*http.Request) (string, string) {
		return "4442587FB7D0A2F9", "host-id"
	}))(api)

	send := func(method, path string, header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "http://s3.example"+path, nil)
		for i := 0; i < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, r)
		return rec
	}

	// A browser's preflight for a PUT with two extra headers: no credentials,
	// answered by the middleware.
	mwPrintResponse(send("OPTIONS", "/photos/cat.jpg",
		"Origin", "https://app.example.com",
		"Access-Control-Request-Method", "PUT",
		"Access-Control-Request-Headers", "Content-Type, X-Amz-Date"),
		"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
		"Access-Control-Allow-Credentials", "Vary")

	// The same preflight to a bucket without CORS configuration.
	mwPrintResponse(send("OPTIONS", "/private/cat.jpg",
		"Origin", "https://app.example.com",
		"Access-Control-Request-Method", "PUT"),
		"Content-Type")

	// An unauthenticated GET: the error still carries the CORS headers, so
	// the page can read it.
	mwPrintResponse(send("GET", "/photos/cat.jpg", "Origin", "https://app.example.com"),
		"Access-Control-Allow-Origin", "Access-Control-Expose-Headers")

	// Output:
	// 200 OK
	// Access-Control-Allow-Origin: https://app.example.com
	// Access-Control-Allow-Methods: GET, PUT
	// Access-Control-Allow-Headers: content-type, x-amz-date
	// Access-Control-Allow-Credentials: true
	// Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method
	//
	// 403 Forbidden
	// Content-Type: application/xml
	// <?xml version="1.0" encoding="UTF-8"?>
	// <Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message><Method>PUT</Method><ResourceType>BUCKET</ResourceType><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></Error>
	//
	// 403 Forbidden
	// Access-Control-Allow-Origin: https://app.example.com
	// Access-Control-Expose-Headers: ETag
	// AccessDenied
}

// A server for a single bucket, such as a static site or a test double,
// uses one policy for every request. The URL path "/" addresses the bucket,
// any other path an object.
func ExamplePolicy_Handler() {
	c, err := rule.Parse([]byte(`<CORSConfiguration>
		<CORSRule>
			<AllowedOrigin>*</AllowedOrigin>
			<AllowedMethod>GET</AllowedMethod>
			<AllowedMethod>HEAD</AllowedMethod>
			<MaxAgeSeconds>3600</MaxAgeSeconds>
		</CORSRule>
	</CORSConfiguration>`))
	if err != nil {
		fmt.Println(err)
		return
	}
	policy, err := cors.Compile(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	})
	handler := policy.Handler(site)

	send := func(method, origin, acrm string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/index.txt", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if acrm != "" {
			r.Header.Set("Access-Control-Request-Method", acrm)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, r)
		return rec
	}
	names := []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Max-Age"}

	mwPrintResponse(send("GET", "", ""), names...) // not a CORS request
	mwPrintResponse(send("GET", "https://anywhere.example", ""), names...)
	mwPrintResponse(send("OPTIONS", "https://anywhere.example", "HEAD"), names...)
	fmt.Println(send("OPTIONS", "https://anywhere.example", "DELETE").Code)

	// Output:
	// 200 OK
	// hello
	//
	// 200 OK
	// Access-Control-Allow-Origin: *
	// Access-Control-Allow-Methods: GET, HEAD
	// Access-Control-Max-Age: 3600
	// hello
	//
	// 200 OK
	// Access-Control-Allow-Origin: *
	// Access-Control-Allow-Methods: GET, HEAD
	// Access-Control-Max-Age: 3600
	//
	// 403
}

// A resolver backed by an atomic.Pointer lets the configuration be replaced
// while the server runs, as PutBucketCors and DeleteBucketCors do, without a
// lock on the request path: requests in flight finish with the policy they
// started with, later ones see the new one.
func ExampleResolverFunc_atomicSwap() {
	var current atomic.Pointer[cors.Policy] // nil: no CORS configuration yet
	handler := cors.Middleware(cors.ResolverFunc(func(r *http.Request) (*cors.Policy, cors.Target) {
		return current.Load(), cors.TargetObject
	}))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))

	get := func() {
		r := httptest.NewRequest("GET", "/report.pdf", nil)
		r.Header.Set("Origin", "https://app.example.com")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, r)
		fmt.Printf("Access-Control-Allow-Origin: %q\n", rec.Header().Get("Access-Control-Allow-Origin"))
	}

	get()

	// PutBucketCors: validate, compile, publish.
	c, err := rule.Parse([]byte(`{"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET"]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := cors.Compile(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	current.Store(p)
	get()

	// DeleteBucketCors.
	current.Store(nil)
	get()

	// Output:
	// Access-Control-Allow-Origin: ""
	// Access-Control-Allow-Origin: "https://app.example.com"
	// Access-Control-Allow-Origin: ""
}
