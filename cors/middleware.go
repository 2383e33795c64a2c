package cors

import (
	"math/bits"
	"net/http"
	"sync"

	"github.com/s3cors/s3cors/internal/requestid"
)

// Option configures [Middleware] and [Policy.Handler].
type Option func(*options)

type options struct {
	requestIDs    func(r *http.Request) (requestID, hostID string)
	observer      func(r *http.Request, res Result)
	cacheSafeVary bool
}

// WithRequestIDs makes the middleware take the request ID and host ID of the
// preflights it answers from f, instead of generating them.
//
// S3 sends an x-amz-request-id and an x-amz-id-2 header with every response
// and repeats them as the RequestId and HostId elements of an error document.
// With this option, every preflight the middleware answers, accepted or
// refused, carries f's IDs as X-Amz-Request-Id and X-Amz-Id-2 headers, and a
// refused preflight's error document repeats them. An S3 emulator passes its
// own ID generator here so that preflights and the requests its handlers
// answer look alike; a test passes a function returning fixed IDs to get
// reproducible error bodies.
//
// Without this option the middleware generates IDs only when it needs them,
// for refused preflights: a request ID of 16 random upper-case hexadecimal
// digits and a host ID of 76 base64 characters, the shapes S3 uses. Accepted
// preflights then carry no ID headers, which keeps them allocation-free
// apart from their header values.
//
// f is called at most once per request, and only for OPTIONS requests; it
// must be safe for concurrent use. A nil f restores the default.
func WithRequestIDs(f func(r *http.Request) (requestID, hostID string)) Option {
	return func(o *options) { o.requestIDs = f }
}

// WithObserver makes the middleware call f with every request it handles
// and the [Result] it answers the request with, so that a server can log or
// count its CORS verdicts: which rule matched, or why a preflight was
// refused (Result.Status and Result.Error). f is called exactly once per
// request: for a preflight, after the answer is decided and before it is
// written; for any other request, before the wrapped handler runs. A
// request CORS leaves alone, one without Origin that is not a preflight,
// is reported with the zero Result. For a refused preflight,
// Result.Error holds the RequestID and HostID that the response carries
// (see [WithRequestIDs]).
//
// f only watches: what it does has no effect on the response. It runs on
// the request's goroutine, so it should be quick, and it must be safe for
// concurrent use. For the rule-by-rule account of a verdict, call
// [Policy.Explain] in f, for the requests worth it: it costs more than the
// evaluation itself.
//
// Without this option (or with a nil f) the middleware reports nothing,
// and pays nothing for it.
func WithObserver(f func(r *http.Request, res Result)) Option {
	return func(o *options) { o.observer = f }
}

// WithCacheSafeVary makes the middleware add "Vary: Origin" to every response
// of a bucket that has a CORS configuration when no rule
// matched the request, including responses to requests without an Origin
// header. Refused preflights of such a bucket get the full
// "Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
// instead, since their answer depends on all three request fields.
//
// S3 sends Vary only when a rule matched (H7). A response to a request
// without Origin therefore carries neither CORS headers nor Vary, and a
// browser's HTTP cache or a CDN may store it and later serve it, unchanged,
// to a cross-origin fetch of the same URL, which the browser then blocks for
// want of Access-Control-Allow-Origin. The classic case is an image first
// loaded by an <img> tag (no Origin) and then fetched by a script or drawn
// into a canvas with crossorigin set. Vary: Origin tells every cache that
// the response depends on the Origin header, so it is not reused across
// origins. The cost is a smaller hit rate for caches that key on Vary.
//
// Responses of buckets without configuration, and of missing buckets, get
// no Vary from the middleware even with this option: their CORS answer does
// not depend on Origin. When the handler sets a Vary of its own, "Origin" is
// merged into it as described at [Middleware].
//
// Without this option, the default, the middleware sends Vary exactly when
// S3 does.
func WithCacheSafeVary() Option {
	return func(o *options) { o.cacheSafeVary = true }
}

// Middleware returns net/http middleware that applies Amazon S3's CORS
// behaviour to the requests of the handler it wraps. For every request, res
// tells it which bucket policy applies (see [Resolver]); the policy decides
// as [Policy.Evaluate] describes, and the middleware puts the answer on the
// wire as S3 does: same statuses, header values and error bodies. Only the
// order of the header fields differs, since net/http sorts them.
//
// # Authentication must be inside
//
// IMPORTANT: wrap the middleware around authentication, never the other way
// round. Browsers never sign a preflight: an OPTIONS request carries no
// Authorization header, no X-Amz-Security-Token, no presigned-URL signature
// that covers the OPTIONS method, and S3 answers it without authenticating
// it (W2). A server that authenticates before applying CORS refuses every
// preflight with 403, and the browser then never sends the real request.
// This is why presigned uploads from web pages fail their preflight against
// many S3 emulators. The right order is
//
//	handler := cors.Middleware(resolver)(authenticate(s3API))
//
// so that preflights are answered before authentication runs and
// authentication errors of actual requests still get their CORS headers
// (R5), without which the page cannot even read the error.
//
// # Preflights
//
// An OPTIONS request is a preflight (W2) and is answered by the middleware;
// it never reaches the wrapped handler. An accepted preflight gets status
// 200, the CORS headers of the matching rule, no Content-Type and an empty
// body (net/http sends Content-Length: 0), as S3 does (P6). A refused one
// (P1–P5, D2) gets status 400 or 403, Content-Type: application/xml,
// Connection: close for 400 over HTTP/1.x (D13; never over HTTP/2, where
// it would end the whole connection), X-Amz-Request-Id and X-Amz-Id-2 headers (see
// [WithRequestIDs]) and S3's XML error document as the body. S3 sends that
// body chunked, without Content-Length; the middleware flushes the header
// before writing the body so that net/http does the same over HTTP/1.1.
// Access-Control-* fields that an outer handler put into the header map are
// removed from preflight answers, and Vary is merged as described below.
//
// # Actual requests
//
// A preflight, or a request with an Origin, resolved to [Unavailable] gets
// 503 ServiceUnavailable with S3's XML error document, in the form of a
// refused preflight, and never reaches the handler. A request without
// Origin is not a CORS request and reaches the handler as below.
//
// A request other than OPTIONS without an Origin header (or with an empty
// one, D7) is not a CORS request (W1, R1): it is passed to the handler
// untouched, with the original ResponseWriter, and the resolver is not
// called (unless [WithCacheSafeVary] is given).
//
// The middleware reads the request's Origin, Access-Control-Request-Method
// and Access-Control-Request-Headers fields under their canonical names, as
// net/http's servers store them: the first Origin line (D7), the first
// Access-Control-Request-Method line, every Access-Control-Request-Headers
// line. Neither the request nor its header map is modified.
//
// A request with an Origin is evaluated before the handler runs, and the
// handler gets a ResponseWriter that puts the evaluated headers into the
// response just before its header is written: at the first WriteHeader with
// a final status, Write, Flush or ReadFrom, or after the handler returns
// if it wrote nothing. So every response the handler produces carries them,
// error responses included (R4, R5), whatever the handler did to the header
// map before. At that moment the middleware
//
//   - deletes every Access-Control-* header the handler set, whether or not a
//     rule matched: when one matched, S3's headers replace the handler's
//     (never "*, *"); when none matched, S3 sends none (R2, R3), so neither
//     does the middleware;
//   - sets the evaluated headers, each to a value slice of its own;
//   - merges Vary: the field names the handler listed come first, and the
//     names of S3's Vary that the handler did not list (compared without
//     regard to case) follow, all on one line. A handler's
//     "Vary: Accept-Encoding" becomes
//     "Vary: Accept-Encoding, Origin, Access-Control-Request-Headers,
//     Access-Control-Request-Method". A handler's Vary that already lists
//     every name on one line, or that is "*", is kept as it is. Without a
//     rule match (and without [WithCacheSafeVary]) the handler's Vary is
//     left alone.
//
// The wrapper's Unwrap method gives [http.ResponseController] access to the
// original writer (deadlines, full duplex, hijacking). It implements
// [http.Flusher], [http.Hijacker] and [io.ReaderFrom] exactly when the
// original writer does, so a handler that probes for them learns the truth,
// and [io.StringWriter] always. Informational 1xx statuses (except 101)
// pass through without the CORS headers, which go into the final response.
// A hijacked connection gets no headers from the middleware; when hijacking
// fails, the response the handler writes instead gets them as usual.
//
// # Router integration
//
// Wrap the whole router, from outside, as an http.Handler:
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /{bucket}/{key...}", getObject)
//	mux.HandleFunc("PUT /{bucket}/{key...}", putObject)
//	http.ListenAndServe(addr, cors.Middleware(resolver)(mux))
//
// Route-level wrapping does not work for preflights. With Go 1.22 method
// patterns such as "GET /x", [http.ServeMux] answers an OPTIONS request to
// that path with 405 Method Not Allowed, without CORS headers, before any
// handler registered for the route runs. gorilla/mux does the same for
// routes restricted with Methods(...), and runs the middleware added with
// Router.Use only after a route matched, method included, so Router.Use is
// not enough either: wrap the router itself. chi runs the middleware of the
// root router's Use before routing, which works, but route-level
// middleware (Router.With, or Use inside Route or Group) runs after the
// method check, which does not. A CORS wrapper that sits behind the router
// never sees the preflight; one in front of it answers every OPTIONS
// request, whether or not a route would match it. The examples module's
// routers package shows each case with tests.
//
// # Logging verdicts
//
// The middleware never puts its reasons into a response. To learn why a
// request was refused in production, pass [WithObserver]: it shows every
// request and its Result to a function of yours, which can log refusals
// and, for the rule-by-rule account, call [Policy.Explain].
//
// # Cost
//
// With a ResponseWriter whose header map is reused, an accepted preflight
// costs one allocation, which holds the header values and an
// Access-Control-Allow-Headers value of up to 32 bytes, such as
// "content-type, x-amz-date"; a longer one costs a second. A refused
// one also makes its request IDs (unless [WithRequestIDs] supplies them)
// and, for an unsupported Access-Control-Request-Method, the message that
// quotes it. An actual request with an Origin costs one allocation (the
// writer, which holds the header values), plus the Allow-Headers value
// when it carries Access-Control-Request-Headers; a request without Origin
// costs none, or one with [WithCacheSafeVary] on a configured bucket.
//
// Middleware panics if res is nil, and the returned function panics if the
// handler is nil.
func Middleware(res Resolver, opts ...Option) func(http.Handler) http.Handler {
	if res == nil {
		panic("cors: Middleware: nil Resolver")
	}
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("cors: Middleware: nil handler")
		}
		return &handler{resolver: res, next: next, opts: o}
	}
}

// Handler returns next wrapped in [Middleware] with p as the policy of every
// request: for a server, or a route, that serves one bucket at the root of
// its URL space. The Target is [TargetBucket] when the URL path is "" or "/",
// and [TargetObject] otherwise. p may be nil (CORS not enabled: preflights
// are refused with 403 and actual responses get no CORS headers) or
// [MissingBucket].
//
// To serve several buckets, or to replace a policy while the server runs,
// use Middleware with a [Resolver].
func (p *Policy) Handler(next http.Handler, opts ...Option) http.Handler {
	return Middleware(staticResolver{p}, opts...)(next)
}

// handler is the http.Handler that Middleware returns.
type handler struct {
	resolver Resolver
	next     http.Handler
	opts     options
}

// preflightValues holds, in one allocation, the header values of a
// preflight's answer and room for its Access-Control-Allow-Headers value,
// so that the lists browsers usually send cost no allocation of their own.
// The evaluation writes an accepted preflight's fields straight into vals,
// field f into vals[f]; a refusal, which has none, uses vals for its other
// fields. Each value is set to a one-element slice of vals, and no two
// answers share a preflightValues. The sizes make one 144-byte allocation,
// the same as the values alone would take with a separate small string.
type preflightValues struct {
	vals  [fieldCount]string
	names [32]byte
}

// bodyPool holds buffers for the error documents of refused preflights.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooledBody is the largest error-document buffer kept for reuse; the
// rare larger ones, which quote a long Access-Control-Request-Method, are
// left to the garbage collector.
const maxPooledBody = 4 << 10

func (m *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin := first(r.Header[headerOrigin]) // D7: the first line; "" is none
	if r.Method == http.MethodOptions {
		m.preflight(w, r, origin) // W2
		return
	}
	if origin == "" { // W1, R1
		if m.opts.cacheSafeVary {
			// A bucket whose configuration is not known yet may have
			// one: its answers vary by Origin too. The request is not a
			// CORS request, so it goes to the handler all the same.
			if p, _ := m.resolver.ResolveCORS(r); p.enabled() || p.isUnavailable() {
				cw, base := wrap(w, true, false) // not a CORS request: nothing to strip
				base.sink().add(fieldVary, headerOrigin)
				m.observe(r, &Result{fields: fieldSet{vals: *base.vals, set: base.set}})
				m.next.ServeHTTP(cw, r)
				base.apply()
				return
			}
		}
		m.observe(r, &Result{})
		m.next.ServeHTTP(w, r)
		return
	}
	p, target := m.resolver.ResolveCORS(r)
	if p.isUnavailable() {
		m.unavailable(w, r, p)
		return
	}
	// The request's other fields are read only when a rule allows the
	// origin, and the answer's fields go straight into the writer, which
	// has room for them only when there can be any.
	origins := p.originRules(origin)
	vary := m.opts.cacheSafeVary && p.enabled()
	// R2, R3: without a match only the handler's own CORS fields go; R4:
	// with one, S3's replace them.
	cw, base := wrap(w, vary || !origins.IsEmpty(), true)
	i := -1
	if !origins.IsEmpty() {
		req := requestOf(r, origin, target)
		i = p.actual(&req, origins, base.sink())
	}
	if i < 0 && vary {
		base.sink().add(fieldVary, headerOrigin)
	}
	if m.opts.observer != nil {
		res := Result{Matched: i >= 0, Rule: max(i, 0)}
		if base.vals != nil {
			res.fields = fieldSet{vals: *base.vals, set: base.set}
		}
		m.opts.observer(r, res)
	}
	m.next.ServeHTTP(cw, r)
	base.apply()
}

// observe shows res to the observer, if any (see [WithObserver]).
func (m *handler) observe(r *http.Request, res *Result) {
	if m.opts.observer != nil {
		m.opts.observer(r, *res)
	}
}

// preflight answers an OPTIONS request (P1–P6, D2).
func (m *handler) preflight(w http.ResponseWriter, r *http.Request, origin string) {
	p, target := m.resolver.ResolveCORS(r)
	req := requestOf(r, origin, target)
	pv := new(preflightValues)
	var res Result
	p.evaluate(&req, &res, fieldSink{&pv.vals, &res.fields.set}, pv.names[:0])
	m.answer(w, r, p, &res, pv)
}

// unavailable answers a request other than a preflight to an [Unavailable]
// bucket, which never reaches the handler.
func (m *handler) unavailable(w http.ResponseWriter, r *http.Request, p *Policy) {
	pv := new(preflightValues)
	var res Result
	p.evaluate(&Request{Method: r.Method}, &res, fieldSink{&pv.vals, &res.fields.set}, nil)
	m.answer(w, r, p, &res, pv)
}

// answer sends res, the answer to a request that does not reach the
// handler: an accepted or refused preflight, or a request to an
// unavailable bucket. The values of res's fields are in pv.vals (see
// preflightValues), which holds the other values it sets too when there
// is room.
func (m *handler) answer(w http.ResponseWriter, r *http.Request, p *Policy, res *Result, pv *preflightValues) {
	status := res.Status
	h := w.Header()
	if len(h) != 0 {
		stripAccessControl(h)
	}
	if res.fields.set != 0 && m.opts.observer != nil {
		res.fields.vals = pv.vals // S3's answer, before a Vary merge rewrites its value
	}
	setFields(h, &pv.vals, res.fields.set)

	vary := status != http.StatusOK && m.opts.cacheSafeVary && p.enabled()
	// D13: S3 closes the connection after a 400. Only HTTP/1 has a
	// Connection header; over HTTP/2 Go's server would take it as a request
	// to shut the whole connection, with every other stream on it, down.
	closeConn := status == http.StatusBadRequest && r.ProtoMajor == 1
	ids := status != http.StatusOK || m.opts.requestIDs != nil
	n := 0
	if res.Error.Code != "" {
		n++
	}
	if vary {
		n++
	}
	if closeConn {
		n++
	}
	if ids {
		n += 2
	}
	var vals []string // one backing array for the other values
	switch {
	case n == 0:
	case res.fields.set == 0: // a refusal: pv.vals holds no field
		vals = pv.vals[:0]
	case bits.OnesCount16(res.fields.set) > int(fieldCount)-2:
		// An accepted preflight with request IDs, without the slots of
		// two fields it does not send to hold them (see below).
		vals = make([]string, 0, n)
	}
	if res.Error.Code != "" {
		vals = append(vals, xmlContentType)
		h[headerContentType] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	if vary {
		vals = append(vals, varyValue)
		setField(h, headerVary, vals[len(vals)-1:len(vals):len(vals)])
	}
	if closeConn {
		vals = append(vals, "close")
		h[headerConnection] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	if ids {
		var requestID, hostID string
		if m.opts.requestIDs != nil {
			requestID, hostID = m.opts.requestIDs(r)
		} else {
			requestID, hostID = requestid.New()
		}
		if vals == nil {
			// An accepted preflight: the IDs take the slots of pv.vals
			// of two fields it does not send.
			free := ^res.fields.set
			i := bits.TrailingZeros16(free)
			j := bits.TrailingZeros16(free &^ (1 << i))
			pv.vals[i], pv.vals[j] = requestID, hostID
			h[headerRequestID] = pv.vals[i : i+1 : i+1]
			h[headerHostID] = pv.vals[j : j+1 : j+1]
		} else {
			vals = append(vals, requestID, hostID)
			h[headerRequestID] = vals[len(vals)-2 : len(vals)-1 : len(vals)-1]
			h[headerHostID] = vals[len(vals)-1 : len(vals) : len(vals)]
		}
		if res.Error.Code != "" { // the error document repeats them
			res.Error.RequestID, res.Error.HostID = requestID, hostID
		}
	}
	m.observe(r, res)

	if status == http.StatusOK { // P6: empty body, no Content-Type
		w.WriteHeader(status)
		return
	}
	w.WriteHeader(status)
	// E2: S3 sends error bodies chunked. Sending the header before the body
	// keeps net/http from computing a Content-Length for the short body.
	_ = http.NewResponseController(w).Flush()
	bp := bodyPool.Get().(*[]byte)
	*bp = res.Error.AppendXML((*bp)[:0])
	_, _ = w.Write(*bp)
	if cap(*bp) <= maxPooledBody {
		bodyPool.Put(bp)
	}
}

// requestOf reads what S3 looks at from r: the first Origin line (D7), the
// first Access-Control-Request-Method line (M2) and every
// Access-Control-Request-Headers line (M6), under their canonical names.
func requestOf(r *http.Request, origin string, target Target) Request {
	return Request{
		Method:         r.Method,
		Origin:         origin,
		RequestMethod:  first(r.Header[headerRequestMethod]),
		RequestHeaders: r.Header[headerRequestHeaders],
		Target:         target,
	}
}

// first returns the first of a header's lines, or "".
func first(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}
