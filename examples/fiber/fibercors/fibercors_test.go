package fibercors_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/google/go-cmp/cmp"
	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/examples/fiber/fibercors"
	"github.com/s3cors/s3cors/rule"
	"github.com/valyala/fasthttp"
)

const (
	allowed  = "https://app.example.com"
	stranger = "https://other.example.com"
)

// policy allows the origin allowed to GET and PUT with x-* headers.
var policy = cors.MustCompile(&rule.Configuration{Rules: []rule.Rule{{
	AllowedOrigins: []string{allowed},
	AllowedMethods: []string{"GET", "PUT"},
	AllowedHeaders: []string{"x-*"},
	ExposeHeaders:  []string{"ETag"},
}}})

// fixedIDs are the request IDs of every preflight in these tests.
func fixedIDs() (requestID, hostID string) { return "0123456789ABCDEF", "host-id" }

// A route is a behaviour of the application behind the CORS handler,
// written once for Fiber and once for net/http.
type route struct {
	fiber fiber.Handler
	http  http.HandlerFunc
}

// routes are the application's routes, by path.
var routes = map[string]route{
	// plain answers 200 with a body and no header of its own.
	"/plain": {
		fiber: func(c fiber.Ctx) error { return c.SendString("ok") },
		http:  func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") },
	},
	// own sets CORS fields and a Vary of its own.
	"/own": {
		fiber: func(c fiber.Ctx) error {
			c.Set("Access-Control-Allow-Origin", "*")
			c.Set("Access-Control-Expose-Headers", "X-Own")
			c.Set("access-control-max-age", "5")
			c.Set("Vary", "Accept-Encoding")
			return c.SendString("ok")
		},
		http: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Expose-Headers", "X-Own")
			w.Header().Set("access-control-max-age", "5")
			w.Header().Set("Vary", "Accept-Encoding")
			io.WriteString(w, "ok")
		},
	},
	// vary-lines sets two Vary lines.
	"/vary-lines": {
		fiber: func(c fiber.Ctx) error {
			c.Response().Header.Add("Vary", "Accept-Encoding")
			c.Response().Header.Add("Vary", "Cookie, origin")
			return c.SendString("ok")
		},
		http: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Accept-Encoding")
			w.Header().Add("Vary", "Cookie, origin")
			io.WriteString(w, "ok")
		},
	},
	// vary-star varies on everything.
	"/vary-star": {
		fiber: func(c fiber.Ctx) error {
			c.Set("Vary", "*")
			return c.SendString("ok")
		},
		http: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "*")
			io.WriteString(w, "ok")
		},
	},
	// vary-all already lists S3's names, in another case.
	"/vary-all": {
		fiber: func(c fiber.Ctx) error {
			c.Set("Vary", "origin, access-control-request-headers, access-control-request-method")
			return c.SendString("ok")
		},
		http: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "origin, access-control-request-headers, access-control-request-method")
			io.WriteString(w, "ok")
		},
	},
	// fail returns an error, which the error handler answers with CORS
	// fields and a Vary of its own.
	"/fail": {
		fiber: func(c fiber.Ctx) error { return fiber.NewError(fiber.StatusServiceUnavailable, "down") },
		http: func(w http.ResponseWriter, r *http.Request) {
			failure(w.Header())
			w.WriteHeader(fiber.StatusServiceUnavailable)
			io.WriteString(w, "down")
		},
	},
}

// failure sets the header fields the error handler sets.
func failure(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Vary", "Accept-Language")
}

// errorHandler is the Fiber application's error handler.
func errorHandler(c fiber.Ctx, err error) error {
	var fe *fiber.Error
	if !errors.As(err, &fe) {
		return err
	}
	h := http.Header{}
	failure(h)
	for name, values := range h {
		c.Set(name, values[0])
	}
	return c.Status(fe.Code).SendString(fe.Message)
}

// startFiber starts a Fiber application with the routes behind the CORS
// handler on a loopback listener, and returns its base URL and a counter of
// the resolver's calls.
func startFiber(t *testing.T, cfg fibercors.Config) (string, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	app := fiber.New(fiber.Config{ErrorHandler: errorHandler})
	if cfg.Resolve == nil {
		cfg.Resolve = func(c fiber.Ctx) (*cors.Policy, cors.Target) {
			calls.Add(1)
			return policy, cors.TargetObject
		}
	}
	app.Use(fibercors.New(cfg))
	for path, r := range routes {
		app.Get(path, r.fiber)
		app.Put(path, r.fiber)
		// Never reached: the CORS handler answers every OPTIONS request.
		app.Options(path, func(c fiber.Ctx) error { return c.SendString("route") })
	}
	return listen(t, app), &calls
}

// listen serves app on a new loopback listener until the test ends, and
// returns its base URL.
func listen(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() {
		if err := app.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// startNetHTTP starts the same routes behind the net/http middleware.
func startNetHTTP(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	for path, r := range routes {
		mux.HandleFunc(path, r.http)
	}
	res := cors.ResolverFunc(func(*http.Request) (*cors.Policy, cors.Target) { return policy, cors.TargetObject })
	srv := httptest.NewServer(cors.Middleware(res, cors.WithRequestIDs(func(*http.Request) (string, string) {
		return fixedIDs()
	}))(mux))
	t.Cleanup(srv.Close)
	return srv.URL
}

// answer is what the tests compare of a response.
type answer struct {
	Status int
	Header http.Header // the fields of interest only
	Close  bool
	Body   string
}

// interesting reports whether the tests compare the header field name.
func interesting(name string, preflight bool) bool {
	return strings.HasPrefix(name, "Access-Control-") || name == "Vary" ||
		name == "X-Amz-Request-Id" || name == "X-Amz-Id-2" || preflight && name == "Content-Type"
}

// do sends a request with the given header lines and returns the answer.
func do(t *testing.T, client *http.Client, method, url string, header http.Header) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{Status: resp.StatusCode, Header: http.Header{}, Close: resp.Close, Body: string(body)}
	for name, values := range resp.Header {
		if interesting(name, method == http.MethodOptions) {
			a.Header[name] = values
		}
	}
	return a
}

// newClient returns a client of its own for a test.
func newClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// cases are the requests played against both servers.
var cases = []struct {
	name   string
	method string
	path   string
	header http.Header
}{
	{"no origin, own fields", "GET", "/own", http.Header{}},
	{"no origin, plain", "GET", "/plain", http.Header{}},
	{"empty origin, own fields", "GET", "/own", http.Header{"Origin": {""}}},
	{"match, plain", "GET", "/plain", http.Header{"Origin": {allowed}}},
	{"match, own fields replaced", "GET", "/own", http.Header{"Origin": {allowed}}},
	{"no match, own fields removed", "GET", "/own", http.Header{"Origin": {stranger}}},
	{"method not allowed, own fields removed", "GET", "/own", http.Header{"Origin": {allowed}, "Access-Control-Request-Method": {"DELETE"}}},
	{"match, two Vary lines merged", "GET", "/vary-lines", http.Header{"Origin": {allowed}}},
	{"no match, two Vary lines kept", "GET", "/vary-lines", http.Header{"Origin": {stranger}}},
	{"match, Vary star kept", "GET", "/vary-star", http.Header{"Origin": {allowed}}},
	{"match, Vary listing all kept", "GET", "/vary-all", http.Header{"Origin": {allowed}}},
	{"match, error response", "GET", "/fail", http.Header{"Origin": {allowed}}},
	{"no match, error response", "PUT", "/fail", http.Header{"Origin": {stranger}}},
	{"no origin, error response", "GET", "/fail", http.Header{}},
	{"several Origin lines, first matches", "GET", "/plain", http.Header{"Origin": {allowed, stranger}}},
	{"several Origin lines, first does not match", "GET", "/plain", http.Header{"Origin": {stranger, allowed}}},
	{"request headers on two lines", "PUT", "/own", http.Header{
		"Origin": {allowed}, "Access-Control-Request-Headers": {"X-A", "x-b, X-C"},
	}},
	{"request headers on two lines, second refused", "PUT", "/own", http.Header{
		"Origin": {allowed}, "Access-Control-Request-Headers": {"x-a", "content-type"},
	}},
	{"preflight accepted", "OPTIONS", "/own", http.Header{
		"Origin": {allowed}, "Access-Control-Request-Method": {"PUT"},
	}},
	{"preflight, request headers on three lines", "OPTIONS", "/own", http.Header{
		"Origin": {allowed}, "Access-Control-Request-Method": {"PUT"},
		"Access-Control-Request-Headers": {"X-A", "", "x-b,x-c"},
	}},
	{"preflight, request headers on two lines, second refused", "OPTIONS", "/own", http.Header{
		"Origin": {allowed}, "Access-Control-Request-Method": {"PUT"},
		"Access-Control-Request-Headers": {"x-a", "authorization"},
	}},
	{"preflight, first request method line counts", "OPTIONS", "/own", http.Header{
		"Origin": {allowed}, "Access-Control-Request-Method": {"GET", "PATCH"},
	}},
	{"preflight refused", "OPTIONS", "/own", http.Header{
		"Origin": {stranger}, "Access-Control-Request-Method": {"GET"},
	}},
	{"preflight without request method", "OPTIONS", "/own", http.Header{"Origin": {allowed}}},
	{"preflight with unsupported request method", "OPTIONS", "/plain", http.Header{
		"Origin": {allowed}, "Access-Control-Request-Method": {"PATCH"},
	}},
	{"preflight without origin", "OPTIONS", "/plain", http.Header{"Access-Control-Request-Method": {"GET"}}},
	{"preflight to a path without route", "OPTIONS", "/nowhere", http.Header{
		"Origin": {allowed}, "Access-Control-Request-Method": {"GET"},
	}},
}

// TestSameAsNetHTTPMiddleware plays every case against the Fiber handler
// and the net/http middleware in front of the same routes: the statuses,
// CORS fields, Vary, ID headers, connection closing and preflight bodies
// must be the same.
func TestSameAsNetHTTPMiddleware(t *testing.T) {
	fiberURL, _ := startFiber(t, fibercors.Config{RequestIDs: func(fiber.Ctx) (string, string) { return fixedIDs() }})
	netURL := startNetHTTP(t)
	fc, nc := newClient(t), newClient(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := do(t, fc, tc.method, fiberURL+tc.path, tc.header)
			want := do(t, nc, tc.method, netURL+tc.path, tc.header)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Fiber answer differs from net/http middleware (-net/http +fiber):\n%s", diff)
			}
		})
	}
}

// TestHeaders checks the main rules directly.
func TestHeaders(t *testing.T) {
	base, calls := startFiber(t, fibercors.Config{})
	client := newClient(t)
	vary := "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

	t.Run("own Access-Control-Allow-Origin replaced", func(t *testing.T) {
		a := do(t, client, "GET", base+"/own", http.Header{"Origin": {allowed}})
		want := http.Header{
			"Access-Control-Allow-Origin":      {allowed},
			"Access-Control-Allow-Methods":     {"GET, PUT"},
			"Access-Control-Expose-Headers":    {"ETag"},
			"Access-Control-Allow-Credentials": {"true"},
			"Vary":                             {"Accept-Encoding, " + vary},
		}
		if diff := cmp.Diff(want, a.Header); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
	})

	t.Run("Vary merged", func(t *testing.T) {
		a := do(t, client, "GET", base+"/vary-lines", http.Header{"Origin": {allowed}})
		want := []string{"Accept-Encoding, Cookie, origin, Access-Control-Request-Headers, Access-Control-Request-Method"}
		if diff := cmp.Diff(want, a.Header["Vary"]); diff != "" {
			t.Errorf("Vary (-want +got):\n%s", diff)
		}
	})

	t.Run("Access-Control-Request-Headers lines", func(t *testing.T) {
		a := do(t, client, "OPTIONS", base+"/plain", http.Header{
			"Origin":                         {allowed},
			"Access-Control-Request-Method":  {"PUT"},
			"Access-Control-Request-Headers": {"X-A", "x-b, X-C"},
		})
		if a.Status != http.StatusOK || a.Header.Get("Access-Control-Allow-Headers") != "x-a, x-b, x-c" {
			t.Errorf("got %d with Access-Control-Allow-Headers %q, want 200 with %q",
				a.Status, a.Header.Get("Access-Control-Allow-Headers"), "x-a, x-b, x-c")
		}
		a = do(t, client, "OPTIONS", base+"/plain", http.Header{
			"Origin":                         {allowed},
			"Access-Control-Request-Method":  {"PUT"},
			"Access-Control-Request-Headers": {"x-a", "authorization"},
		})
		if a.Status != http.StatusForbidden {
			t.Errorf("second line not allowed: got %d, want 403", a.Status)
		}
	})

	t.Run("no Origin untouched", func(t *testing.T) {
		before := calls.Load()
		a := do(t, client, "GET", base+"/own", http.Header{})
		want := http.Header{
			"Access-Control-Allow-Origin":   {"*"},
			"Access-Control-Expose-Headers": {"X-Own"},
			"Access-Control-Max-Age":        {"5"},
			"Vary":                          {"Accept-Encoding"},
		}
		if diff := cmp.Diff(want, a.Header); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		if n := calls.Load() - before; n != 0 {
			t.Errorf("resolver called %d times for a request without Origin", n)
		}
	})

	t.Run("refused preflight", func(t *testing.T) {
		a := do(t, client, "OPTIONS", base+"/own", http.Header{"Origin": {allowed}})
		id := a.Header.Get("X-Amz-Request-Id")
		if a.Status != http.StatusBadRequest || !a.Close || a.Header.Get("Content-Type") != "application/xml" ||
			len(id) != 16 || len(a.Header.Get("X-Amz-Id-2")) != 76 ||
			!strings.Contains(a.Body, "<RequestId>"+id+"</RequestId>") {
			t.Errorf("got %+v", a)
		}
	})

	t.Run("accepted preflight without IDs", func(t *testing.T) {
		a := do(t, client, "OPTIONS", base+"/own", http.Header{
			"Origin": {allowed}, "Access-Control-Request-Method": {"GET"},
		})
		if a.Status != http.StatusOK || a.Body != "" || a.Header.Get("X-Amz-Request-Id") != "" ||
			a.Header.Get("Content-Type") != "" {
			t.Errorf("got %+v", a)
		}
	})
}

// TestRawHeaderLines sends header lines exactly as written, names in
// lower case included, and checks that repeated lines are read one by one.
func TestRawHeaderLines(t *testing.T) {
	base, _ := startFiber(t, fibercors.Config{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const request = "OPTIONS /plain HTTP/1.1\r\n" +
		"Host: example\r\n" +
		"origin: " + allowed + "\r\n" +
		"Origin: " + stranger + "\r\n" +
		"access-control-request-method: PUT\r\n" +
		"Access-Control-Request-Headers: X-A\r\n" +
		"ACCESS-CONTROL-REQUEST-HEADERS:   \r\n" +
		"access-control-request-headers: x-b ,x-c\r\n" +
		"\r\n"
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	for name, want := range map[string]string{
		"Access-Control-Allow-Origin":  allowed,
		"Access-Control-Allow-Headers": "x-a, x-b, x-c",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestFromStore checks the Resolver of a Store and what it costs.
func TestFromStore(t *testing.T) {
	buckets := map[string]bool{"demo": true, "bare": true}
	store := bucket.NewStore(func(name string) bool { return buckets[name] })
	if err := store.Put("demo", &rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"},
	}}}); err != nil {
		t.Fatal(err)
	}
	resolve := fibercors.FromStore(store)
	app := fiber.New()
	for _, tc := range []struct {
		uri        string
		configured bool
		missing    bool
		target     cors.Target
	}{
		{"/demo", true, false, cors.TargetBucket},
		{"/demo/", true, false, cors.TargetBucket},
		{"/demo/a/b.txt", true, false, cors.TargetObject},
		{"/bare/key", false, false, cors.TargetObject},
		{"/gone/key", false, true, cors.TargetObject},
		{"/", false, false, cors.TargetBucket},
	} {
		var fctx fasthttp.RequestCtx
		fctx.Request.SetRequestURI(tc.uri)
		fctx.Request.Header.SetMethod(http.MethodGet)
		c := app.AcquireCtx(&fctx)
		p, target := resolve(c)
		res := p.Evaluate(cors.Request{Method: "GET", Origin: allowed, Target: target})
		missing := p == cors.MissingBucket()
		if res.Matched != tc.configured || missing != tc.missing || target != tc.target {
			t.Errorf("%s: matched %v, missing bucket %v, target %v; want %v, %v, %v",
				tc.uri, res.Matched, missing, target, tc.configured, tc.missing, tc.target)
		}
		if tc.uri == "/demo/a/b.txt" {
			allocs := testing.AllocsPerRun(1000, func() { resolve(c) })
			if allocs != 0 {
				t.Errorf("FromStore: %.0f allocations per call, want none", allocs)
			}
		}
		app.ReleaseCtx(c)
	}
}

// TestErrorFromRoute checks that an error a route returns is answered by
// the application's error handler before the CORS fields are applied, and
// that handlers registered before the CORS handler see no error.
func TestErrorFromRoute(t *testing.T) {
	outer := make(chan error, 1)
	app := fiber.New(fiber.Config{ErrorHandler: errorHandler})
	app.Use(func(c fiber.Ctx) error {
		err := c.Next()
		outer <- err
		return err
	})
	app.Use(fibercors.New(fibercors.Config{Resolve: func(fiber.Ctx) (*cors.Policy, cors.Target) {
		return policy, cors.TargetObject
	}}))
	app.Get("/fail", routes["/fail"].fiber)
	base := listen(t, app)
	a := do(t, newClient(t), "GET", base+"/fail", http.Header{"Origin": {allowed}})
	if a.Status != fiber.StatusServiceUnavailable || a.Body != "down" ||
		a.Header.Get("Access-Control-Allow-Origin") != allowed ||
		!slices.Equal(a.Header["Vary"], []string{"Accept-Language, Origin, Access-Control-Request-Headers, Access-Control-Request-Method"}) {
		t.Errorf("got %+v", a)
	}
	if err := <-outer; err != nil {
		t.Errorf("outer handler saw %v, want nil", err)
	}
}
