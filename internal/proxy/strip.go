package proxy

import (
	"io"
	"net/http"
	"strings"

	"github.com/s3cors/s3cors/internal/requestheaders"
)

// accessControlPrefix starts the names of the CORS protocol's response
// fields.
const accessControlPrefix = "access-control-"

// isAccessControl reports whether name is an Access-Control-* field name,
// whatever its letter case. A trailer that the server sends unannounced
// is held under http.TrailerPrefix + its name: that prefix is looked
// through.
func isAccessControl(name string) bool {
	name = strings.TrimPrefix(name, http.TrailerPrefix)
	return len(name) >= len(accessControlPrefix) && strings.EqualFold(name[:len(accessControlPrefix)], accessControlPrefix)
}

// corsVary reports whether a Vary element names a request field of the
// CORS protocol, which S3 lists in Vary when a rule matched (H7) and the
// middleware puts there itself.
func corsVary(tok string) bool {
	return strings.EqualFold(tok, "Origin") ||
		strings.EqualFold(tok, "Access-Control-Request-Method") ||
		strings.EqualFold(tok, "Access-Control-Request-Headers")
}

// stripCORS removes from h what the upstream said about CORS: every
// Access-Control-* field, whatever its letter case, and the CORS request
// fields named in Vary (a Vary left empty goes). What S3 would send is
// added afterwards by the CORS middleware, which merges its Vary into the
// canonical "Vary" key: a Vary under another spelling, which a transport
// never produces but a handler may, is moved there. h is left untouched,
// and nothing is allocated, when it holds none of these.
func stripCORS(h http.Header) {
	vary := false
	for k, vs := range h {
		switch {
		case isAccessControl(k):
			delete(h, k)
		case len(k) == len("Vary") && strings.EqualFold(k, "Vary"):
			vary = true
			if k != "Vary" {
				delete(h, k)
				h["Vary"] = append(h["Vary"], vs...)
			}
		}
	}
	if !vary {
		return
	}
	if v, changed := stripVary(h["Vary"]); changed {
		if v == "" {
			delete(h, "Vary")
		} else {
			h["Vary"] = []string{v}
		}
	}
}

// stripVary returns the elements of the Vary lines that are not CORS
// request fields, as one line, and whether any was removed.
func stripVary(lines []string) (string, bool) {
	found := false
	for _, line := range lines {
		for rest := line; rest != "" && !found; {
			var tok string
			tok, rest = nextElement(rest)
			found = corsVary(tok)
		}
	}
	if !found {
		return "", false
	}
	var b strings.Builder
	for _, line := range lines {
		for rest := line; rest != ""; {
			var tok string
			tok, rest = nextElement(rest)
			if tok == "" || corsVary(tok) {
				continue
			}
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tok)
		}
	}
	return b.String(), true
}

// stripTrailer removes the Access-Control-* fields from a response's
// trailer map: the ones announced before the body, and, through
// trailerBody, the ones the upstream sends at its end.
// Its reads count as progress for the request's watchdog d, if any.
func stripTrailer(res *http.Response, d *watchdog) {
	if len(res.Trailer) > 0 {
		stripCORS(res.Trailer)
	}
	res.Body = &trailerBody{ReadCloser: res.Body, res: res, d: d}
}

// trailerBody is a response body that strips the Access-Control-* fields
// of the response's trailer once the transport has read it, at the end of
// the body and before the proxy copies it out.
type trailerBody struct {
	io.ReadCloser
	res *http.Response
	d   *watchdog // or nil
}

func (b *trailerBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && b.d != nil {
		b.d.moved()
	}
	if err != nil && len(b.res.Trailer) > 0 {
		stripCORS(b.res.Trailer)
	}
	return n, err
}

func (b *trailerBody) Close() error {
	err := b.ReadCloser.Close()
	if len(b.res.Trailer) > 0 {
		stripCORS(b.res.Trailer)
	}
	return err
}

// stripWriter removes the upstream's CORS fields from every response
// header the reverse proxy writes, interim (1xx) ones included, before the
// CORS middleware's writer puts S3's fields in.
type stripWriter struct {
	http.ResponseWriter
}

func (w *stripWriter) WriteHeader(code int) {
	stripCORS(w.ResponseWriter.Header())
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the writer beneath, for flushing.
func (w *stripWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// nextElement splits a list field's value at its first comma and returns
// the element before it, trimmed of spaces and tabs, and the rest.
func nextElement(s string) (elem, rest string) {
	if i := strings.IndexByte(s, ','); i >= 0 {
		return requestheaders.TrimOWS(s[:i]), s[i+1:]
	}
	return requestheaders.TrimOWS(s), ""
}
