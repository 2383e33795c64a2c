package cors

import "net/http"

// Target tells whether a request addresses an object or the bucket itself.
// It decides the ResourceType of a refused preflight's error (E4). The zero
// Target is [TargetObject].
type Target int

const (
	// TargetObject is a request whose URL names an object key, which need
	// not exist.
	TargetObject Target = iota
	// TargetBucket is a request whose URL names only the bucket.
	TargetBucket
)

// resourceType returns the ResourceType element S3 writes for t in a
// refused preflight's error.
func (t Target) resourceType() string {
	if t == TargetBucket {
		return "BUCKET"
	}
	return "OBJECT"
}

// Request is what S3 looks at when it applies CORS to a request. The zero
// Request is a GET of an object without Origin, which CORS leaves alone.
type Request struct {
	// Method is the request's HTTP method. "OPTIONS" makes the request a
	// preflight, which S3 answers itself; "" means GET, as in net/http.
	Method string

	// Origin is the value of the Origin header; when the request has
	// several Origin lines, the first (D7). Empty means no Origin: the
	// request is not cross-origin, and a preflight without one is refused.
	Origin string

	// RequestMethod is the value of Access-Control-Request-Method, or ""
	// when absent (an empty header counts as absent, D12). S3 matches
	// rules against it instead of Method whenever it is present, also on
	// non-OPTIONS requests (M2).
	RequestMethod string

	// RequestHeaders holds the Access-Control-Request-Headers lines, as
	// http.Header stores them. S3 checks every header named there against
	// the rule's AllowedHeaders, also on non-OPTIONS requests (M5, M6).
	// Evaluate only reads the slice.
	RequestHeaders []string

	// Target tells whether the URL addresses an object or the bucket.
	Target Target
}

// matchMethod is the method rules are matched against (M2):
// Access-Control-Request-Method when present, else the request's own.
func (r *Request) matchMethod() string {
	switch {
	case r.RequestMethod != "":
		return r.RequestMethod
	case r.Method == "":
		return http.MethodGet
	}
	return r.Method
}
