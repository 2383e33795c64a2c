package cors

import "net/http"

// Resolver tells the middleware, per request, which bucket policy applies.
//
// The middleware calls ResolveCORS once for every request it evaluates: every
// OPTIONS request and every other request that carries an Origin header
// (and, with [WithCacheSafeVary], requests without Origin too). Because it is
// called per request, a Resolver may return a different policy from one
// request to the next; this is how a bucket's configuration is replaced at
// run time without restarting the server. A Resolver that keeps the current
// policy in a [sync/atomic.Pointer] needs no lock on the request path.
//
// ResolveCORS must be safe for concurrent use, and should be cheap: it runs
// before authentication, on requests that browsers send without
// credentials.
type Resolver interface {
	// ResolveCORS returns the policy of the bucket r addresses — a
	// compiled policy, nil when the bucket has no CORS configuration, or
	// MissingBucket() when it does not exist — and whether r's URL
	// addresses the bucket itself or an object.
	//
	// For a request that addresses no bucket at all, such as S3's service
	// endpoint "/", return nil: S3 supports no CORS there (W3), so
	// preflights with an Origin are refused with 403 (without one, with
	// 400, as everywhere) and other responses get no CORS headers.
	ResolveCORS(r *http.Request) (*Policy, Target)
}

// ResolverFunc is an ordinary function used as a [Resolver].
type ResolverFunc func(r *http.Request) (*Policy, Target)

// ResolveCORS calls f(r).
func (f ResolverFunc) ResolveCORS(r *http.Request) (*Policy, Target) { return f(r) }

// staticResolver is the Resolver of [Policy.Handler]: one policy for every
// request, the target taken from the URL path.
type staticResolver struct{ p *Policy }

func (s staticResolver) ResolveCORS(r *http.Request) (*Policy, Target) {
	return s.p, targetOfPath(r.URL.Path)
}

// targetOfPath is the Target of a request to a server that serves one
// bucket at its root: the bucket itself for "" and "/", an object otherwise.
func targetOfPath(path string) Target {
	if path == "" || path == "/" {
		return TargetBucket
	}
	return TargetObject
}
