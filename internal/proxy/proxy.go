package proxy

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

// Config is what a [Proxy] is made from. Upstream is required.
type Config struct {
	// Upstream is the base URL of the S3-compatible server, such as
	// http://127.0.0.1:9000; its path must be empty or "/".
	Upstream string

	// Domain, when set, makes the proxy read virtual-hosted-style
	// requests too: a request to bucket.Domain (any port) addresses
	// bucket. Requests to other hosts are read path-style.
	Domain string

	// Region is the region requests to the ?cors API are signed for, and
	// the proxy's own requests to the upstream; "" is us-east-1.
	Region string

	// Secrets maps the access key IDs accepted on the ?cors API to their
	// secret access keys. Without any, every ?cors request is refused.
	Secrets map[string]string

	// Credentials sign the proxy's own requests to the upstream (HEAD
	// bucket, to learn whether a bucket exists). Without an access key,
	// they are sent unsigned.
	Credentials sigv4.Credentials

	// StoreOptions configure the Store of bucket configurations, such as
	// one that keeps them durable.
	StoreOptions []bucket.Option

	// Limits bound the bucket-existence cache and the look-ups behind it.
	Limits Limits

	// Timeouts bound the exchanges with the upstream and the client.
	Timeouts Timeouts

	// Transport, when set, carries every request to the upstream; nil
	// makes one from Timeouts, with keep-alive.
	Transport http.RoundTripper

	// Log, when set, gets one line per request.
	Log io.Writer

	// Now returns the current time; nil is time.Now.
	Now func() time.Time
}

// Timeouts bound the proxy's exchanges. A zero field takes the default
// beside it.
type Timeouts struct {
	// Dial bounds connecting to the upstream (default 10 s).
	Dial time.Duration
	// ResponseHeader bounds the wait for the upstream's response header
	// once the request is sent (default 5 min: some S3 calls answer late).
	ResponseHeader time.Duration
	// Idle is the longest a transfer may make no progress, in either
	// direction, before both sides are cut off (default 2 min).
	Idle time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Dial <= 0 {
		t.Dial = 10 * time.Second
	}
	if t.ResponseHeader <= 0 {
		t.ResponseHeader = 5 * time.Minute
	}
	if t.Idle <= 0 {
		t.Idle = 2 * time.Minute
	}
	return t
}

// Proxy is an http.Handler that puts Amazon S3's bucket CORS in front of
// an S3-compatible server; see the package documentation.
type Proxy struct {
	upstream  *url.URL
	domain    string
	region    string
	creds     sigv4.Credentials
	timeouts  Timeouts
	now       func() time.Time
	transport http.RoundTripper
	client    *http.Client // the proxy's own requests

	store   *bucket.Store
	known   *existence
	handler http.Handler // the CORS middleware around route
	api     http.Handler // the ?cors API behind authentication
	reverse *httputil.ReverseProxy
	log     io.Writer
	logMu   sync.Mutex
	// warnedForbidden is set once the log has said that the upstream
	// refuses the proxy's own requests.
	warnedForbidden atomic.Bool
	ownTrans        *http.Transport // the transport New made, closed by Close
}

// New returns a Proxy for cfg, or an error naming what is wrong with it.
func New(cfg Config) (*Proxy, error) {
	u, err := url.Parse(cfg.Upstream)
	switch {
	case cfg.Upstream == "":
		return nil, errors.New("no upstream: give the S3 server's base URL, such as http://127.0.0.1:9000")
	case err != nil:
		return nil, errors.New("the upstream " + cfg.Upstream + " is not a URL: give the S3 server's base URL, such as http://127.0.0.1:9000")
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return nil, errors.New("the upstream " + cfg.Upstream + " is not an http or https URL with a host: give one such as http://127.0.0.1:9000")
	case u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.User != nil:
		return nil, errors.New("the upstream " + cfg.Upstream + " has a path, query or user: give the server's base URL only, such as http://127.0.0.1:9000")
	}
	p := &Proxy{
		upstream: &url.URL{Scheme: u.Scheme, Host: u.Host},
		domain:   strings.ToLower(strings.Trim(cfg.Domain, ".")),
		region:   cfg.Region,
		creds:    cfg.Credentials,
		timeouts: cfg.Timeouts.withDefaults(),
		now:      cfg.Now,
		log:      cfg.Log,
	}
	if p.region == "" {
		p.region = sigv4.DefaultRegion
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.transport = cfg.Transport
	if p.transport == nil {
		p.ownTrans = newTransport(p.timeouts)
		p.transport = p.ownTrans
	}
	p.client = &http.Client{
		Transport:     p.transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	p.known = newExistence(cfg.Limits, p.ask, p.now, func(b string) { p.store.Delete(b) })
	p.store = bucket.NewStore(p.exists, append([]bucket.Option{bucket.WithLocator(p.locate)}, cfg.StoreOptions...)...)
	secrets := make(map[string]string, len(cfg.Secrets))
	for k, v := range cfg.Secrets {
		secrets[k] = v
	}
	verifier := &sigv4.Verifier{Secrets: secrets, Region: p.region, Now: cfg.Now}
	p.api = verifier.Handler(http.HandlerFunc(p.serveStore), refuse)
	p.reverse = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      p.transport,
		FlushInterval:  -1, // stream: never hold back what the upstream sent
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.upstreamFailed,
		ErrorLog:       discardLog,
		BufferPool:     bufferPool{},
	}
	p.handler = cors.Middleware(cors.ResolverFunc(p.resolve))(http.HandlerFunc(p.route))
	return p, nil
}

// newTransport returns the transport to the upstream: keep-alive, no
// proxy from the environment, no compression of its own, HTTP/2 when the
// upstream offers it over TLS.
func newTransport(t Timeouts) *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: t.Dial, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   t.Dial,
		ResponseHeaderTimeout: t.ResponseHeader,
		ExpectContinueTimeout: time.Second,
		// The client's Accept-Encoding, or its absence, goes through as
		// it is, and so do the bytes of an encoded object.
		DisableCompression: true,
	}
}

// Store returns the Store that holds the bucket configurations.
func (p *Proxy) Store() *bucket.Store { return p.store }

// Close closes the idle connections to the upstream.
func (p *Proxy) Close() {
	if p.ownTrans != nil {
		p.ownTrans.CloseIdleConnections()
	}
}

// ServeHTTP serves one request: a preflight or a ?cors call itself, any
// other by the upstream.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.log != nil {
		lw := &logWriter{ResponseWriter: w}
		start := p.now()
		defer p.logRequest(r, lw, start)
		w = lw
	}
	if r.Method == http.MethodOptions {
		// A preflight is answered from what is known of the bucket: when
		// nothing is, it cannot be answered as S3 would. One without
		// Origin is refused whatever the bucket (P1).
		if name, _, ok := p.locate(r); ok && len(r.Header["Origin"]) > 0 && r.Header["Origin"][0] != "" && !p.knowOf(w, r, name) {
			return
		}
		p.handler.ServeHTTP(w, r)
		return
	}
	r, d := p.watch(w, r)
	defer d.stop()
	p.handler.ServeHTTP(w, r)
}

// route serves a request after the CORS middleware: the ?cors API of a
// bucket by the Store, behind authentication, everything else by the
// upstream.
func (p *Proxy) route(w http.ResponseWriter, r *http.Request) {
	if _, target, ok := p.locate(r); ok && target == cors.TargetBucket && hasCORSQuery(r.URL.RawQuery) {
		p.serveAPI(w, r)
		return
	}
	p.reverse.ServeHTTP(&stripWriter{ResponseWriter: w}, r)
}

// maxAPIBody bounds the body of a ?cors request that is read into memory
// to verify its signature: S3's largest document with room for the
// framing of an aws-chunked upload.
const maxAPIBody = 2 * rule.MaxDocumentSize

// serveAPI serves PutBucketCors, GetBucketCors and DeleteBucketCors.
func (p *Proxy) serveAPI(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > maxAPIBody {
		writeError(w, r, http.StatusBadRequest, rule.ErrorDocument{Code: rule.CodeMaxMessageLengthExceeded, Message: "Your request was too big."})
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
	}
	p.api.ServeHTTP(w, r)
}

// serveStore serves an authenticated ?cors request from the Store, once
// the bucket's existence is known.
func (p *Proxy) serveStore(w http.ResponseWriter, r *http.Request) {
	if name, _, _ := p.locate(r); !p.knowOf(w, r, name) {
		return
	}
	p.store.ServeHTTP(w, r)
}

// knowOf learns whether a bucket exists, and answers the request with 503
// and returns false when that cannot be learned.
func (p *Proxy) knowOf(w http.ResponseWriter, r *http.Request, name string) bool {
	switch p.known.lookup(r.Context(), name) {
	case unknown:
		writeError(w, r, http.StatusServiceUnavailable, errExistenceUnknown)
		return false
	case busy:
		writeError(w, r, http.StatusServiceUnavailable, errSlowDown)
		return false
	}
	return true
}

// rewrite makes the request to the upstream: the same method, path, raw
// query, Host and end-to-end header fields as received.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.Out.URL.Scheme = p.upstream.Scheme
	pr.Out.URL.Host = p.upstream.Host
	pr.Out.Host = pr.In.Host
	// ReverseProxy re-encodes a query it cannot parse (one with ";" or a
	// bad escape); the upstream, and the signature, need the query sent.
	pr.Out.URL.RawQuery = pr.In.URL.RawQuery
	// And net/url re-escapes a path with bytes it would have escaped
	// itself, such as "{": send the path as received.
	if raw, _, _ := strings.Cut(pr.In.RequestURI, "?"); strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") && raw != pr.Out.URL.EscapedPath() {
		pr.Out.URL.Opaque = raw
	}
	// ReverseProxy drops these before calling Rewrite; the client's own
	// pass through unchanged, and no others are added.
	for _, k := range [...]string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
		if v, ok := pr.In.Header[k]; ok {
			pr.Out.Header[k] = v
		}
	}
	if len(pr.In.Trailer) > 0 && pr.Out.Body != nil {
		// The trailer of the request arrives with the end of its body:
		// copy it over then, before the transport sends the trailer on.
		pr.Out.Body = &requestTrailer{ReadCloser: pr.Out.Body, in: pr.In, out: pr.Out}
	}
}

// modifyResponse learns from CreateBucket and DeleteBucket, and arranges
// for the upstream's CORS fields in the trailer to be dropped.
func (p *Proxy) modifyResponse(res *http.Response) error {
	req := res.Request
	if name, target, ok := p.locate(req); ok && target == cors.TargetBucket && !hasSubresource(req.URL.RawQuery) {
		switch {
		case req.Method == http.MethodPut && res.StatusCode == http.StatusOK:
			// CreateBucket. A bucket new to the proxy starts without CORS,
			// as on S3, whatever a bucket of that name had; one it knows
			// keeps its configuration (S3 answers 200 when the owner
			// creates a bucket it has, in us-east-1).
			if p.known.known(name) != present {
				p.store.Delete(name)
			}
			p.known.set(name, present)
		case req.Method == http.MethodPut && res.StatusCode == http.StatusConflict:
			p.known.set(name, present) // the bucket exists already
		case req.Method == http.MethodDelete && (res.StatusCode == http.StatusNoContent || res.StatusCode == http.StatusNotFound):
			p.known.set(name, absent)
			p.store.Delete(name)
		}
	}
	d := watchdogOf(req.Context())
	if d != nil {
		d.responded()
	}
	stripTrailer(res, d)
	return nil
}

// resolve is the CORS middleware's resolver: the Store's, except for
// preflights without Origin, which are refused whatever the bucket (P1),
// so that they never make the proxy ask the upstream anything.
func (p *Proxy) resolve(r *http.Request) (*cors.Policy, cors.Target) {
	if r.Method == http.MethodOptions && (len(r.Header["Origin"]) == 0 || r.Header["Origin"][0] == "") {
		_, target, _ := p.locate(r)
		return nil, target
	}
	return p.store.ResolveCORS(r)
}

// exists is the Store's view of the buckets. Preflights and ?cors calls
// have learned the bucket's existence before they get here (knowOf), so
// what is remembered is fresh for them. Other requests never wait for the
// upstream: a bucket counts as existing unless it is known to be missing,
// so that the answers of the upstream, errors included, carry its CORS
// fields; when what is known is old, it is asked again in the background.
func (p *Proxy) exists(name string) bool {
	return p.known.peek(name) != absent
}

// ask asks the upstream whether a bucket exists, with HEAD bucket signed
// with the proxy's credentials.
func (p *Proxy) ask(ctx context.Context, name string) presence {
	u := *p.upstream
	u.Path = "/" + name
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return unknown
	}
	if p.creds.AccessKeyID != "" {
		if err := sigv4.Sign(req, p.creds, p.region, p.now(), sigv4.PayloadHash(nil)); err != nil {
			return unknown
		}
	}
	res, err := p.client.Do(req)
	if err != nil {
		return unknown
	}
	res.Body.Close()
	switch {
	case res.StatusCode == http.StatusNotFound:
		return absent
	case res.StatusCode == http.StatusForbidden:
		// The bucket exists, but the proxy's key may not read it; or the
		// key is not valid there at all, which the log should say once.
		if p.log != nil && !p.warnedForbidden.Swap(true) {
			p.logLine("s3cors: warning: the upstream answered the proxy's HEAD /" + name + " with 403 Forbidden: if the proxy's access key is not valid there, every bucket is taken to exist and preflights to missing buckets are refused as if the bucket had no CORS configuration")
		}
		return present
	case res.StatusCode < 400:
		return present // 3xx: the bucket lives in another region
	case res.StatusCode == http.StatusBadRequest && res.Header.Get("X-Amz-Bucket-Region") != "":
		return present
	case res.StatusCode == http.StatusBadRequest:
		return absent // a name the upstream refuses cannot be a bucket
	}
	return unknown
}

// locate finds the bucket a request addresses: from the Host for
// bucket.Domain, else from the path.
func (p *Proxy) locate(r *http.Request) (name string, target cors.Target, ok bool) {
	if p.domain != "" {
		if b, ok := p.virtualHost(r.Host); ok {
			if r.URL.Path == "" || r.URL.Path == "/" {
				return b, cors.TargetBucket, true
			}
			return b, cors.TargetObject, true
		}
	}
	name, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if name == "" {
		return "", cors.TargetBucket, false
	}
	if key == "" {
		return name, cors.TargetBucket, true
	}
	return name, cors.TargetObject, true
}

// virtualHost returns the bucket of a host bucket.Domain[:port].
func (p *Proxy) virtualHost(host string) (string, bool) {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	n := len(host) - len(p.domain) - 1
	if n <= 0 || host[n] != '.' || !strings.EqualFold(host[n+1:], p.domain) {
		return "", false
	}
	return strings.ToLower(host[:n]), true
}

// hasCORSQuery reports whether a raw query names the cors sub-resource:
// "cors" or "cors=" with any value, as SDKs and browsers write it.
func hasCORSQuery(raw string) bool {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, _, _ := strings.Cut(kv, "=")
		if k == "cors" {
			return true
		}
	}
	return false
}

// hasSubresource reports whether a raw query holds anything besides the
// parameters of a presigned URL (X-Amz-*): a bucket call without one is
// CreateBucket (PUT) or DeleteBucket (DELETE).
func hasSubresource(raw string) bool {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, _, _ := strings.Cut(kv, "=")
		if k != "" && !(len(k) > 6 && strings.EqualFold(k[:6], "x-amz-")) {
			return true
		}
	}
	return false
}
