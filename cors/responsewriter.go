package cors

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/s3cors/s3cors/internal/requestheaders"
)

// responseWriter wraps the http.ResponseWriter of an actual (non-OPTIONS)
// request and puts the evaluated CORS header fields into the response just
// before its header is sent: at the first WriteHeader with a final status,
// Write, WriteString, ReadFrom or Flush, or when the wrapped handler returns
// without having written anything. Applying them late, rather than before
// the handler runs, means the handler cannot overwrite or duplicate them
// (R5: error responses get them too).
//
// The wrapper holds every value it puts into the header map, so that one
// allocation serves the whole response: the evaluation writes the fields
// straight into the wrapper (see sink), each field is set to a
// one-element slice of vals, and no two responses ever share a slice.
//
// It offers the optional interfaces [http.Flusher], [http.Hijacker] and
// [io.ReaderFrom] exactly when the writer it wraps does (see wrap), so
// that a handler probing for them learns the truth.
type responseWriter struct {
	http.ResponseWriter
	vals    *[fieldCount]string // the values of the fields to set, or nil
	set     uint16              // bit f is set when vals[f] is to be set
	strip   bool                // delete the Access-Control-* fields the handler set
	applied bool
}

// base returns w; the variants below inherit it, which lets newWriter
// reach the responseWriter inside any of them.
func (w *responseWriter) base() *responseWriter { return w }

// sink returns where the evaluation puts the fields that w applies. Only
// a writer made with room for fields has one.
func (w *responseWriter) sink() fieldSink { return fieldSink{w.vals, &w.set} }

// withFields is a writer variant W and the values of the fields it
// applies, in one allocation.
type withFields[W any] struct {
	w    W
	vals [fieldCount]string
}

// newWriter allocates the variant W for w, with room for the values of
// the fields when fields is true, for the caller to fill in through sink:
// one small allocation without fields, one larger one with them.
func newWriter[W any, PW interface {
	*W
	http.ResponseWriter
	base() *responseWriter
}](w http.ResponseWriter, fields, strip bool) (http.ResponseWriter, *responseWriter) {
	var cw PW
	var b *responseWriter
	if !fields {
		cw = PW(new(W))
		b = cw.base()
	} else {
		x := new(withFields[W])
		cw = PW(&x.w)
		b = cw.base()
		b.vals = &x.vals
	}
	b.ResponseWriter, b.strip = w, strip
	return cw, b
}

// The variants of responseWriter, one per combination of the optional
// interfaces of the wrapped writer.
type (
	flushWriter           struct{ responseWriter }
	hijackWriter          struct{ responseWriter }
	readFromWriter        struct{ responseWriter }
	flushHijackWriter     struct{ responseWriter }
	flushReadFromWriter   struct{ responseWriter }
	hijackReadFromWriter  struct{ responseWriter }
	flushHijackReadWriter struct{ responseWriter }
)

func (w *flushWriter) Flush()                                        { w.flush() }
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) { return w.hijack() }
func (w *readFromWriter) ReadFrom(r io.Reader) (int64, error)        { return w.readFrom(r) }
func (w *flushHijackWriter) Flush()                                  { w.flush() }
func (w *flushHijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.hijack()
}
func (w *flushReadFromWriter) Flush()                               { w.flush() }
func (w *flushReadFromWriter) ReadFrom(r io.Reader) (int64, error)  { return w.readFrom(r) }
func (w *hijackReadFromWriter) ReadFrom(r io.Reader) (int64, error) { return w.readFrom(r) }
func (w *hijackReadFromWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.hijack()
}
func (w *flushHijackReadWriter) Flush()                              { w.flush() }
func (w *flushHijackReadWriter) ReadFrom(r io.Reader) (int64, error) { return w.readFrom(r) }
func (w *flushHijackReadWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.hijack()
}

// wrap returns a writer for w that will apply the fields put into the
// sink of the responseWriter inside it, which it has when fields is true
// (and, with strip, remove the handler's own Access-Control-* fields),
// offering the optional interfaces w offers, and that responseWriter.
func wrap(w http.ResponseWriter, fields, strip bool) (http.ResponseWriter, *responseWriter) {
	_, f := w.(http.Flusher)
	_, h := w.(http.Hijacker)
	_, rf := w.(io.ReaderFrom)
	switch {
	case f && h && rf:
		return newWriter[flushHijackReadWriter](w, fields, strip)
	case f && h:
		return newWriter[flushHijackWriter](w, fields, strip)
	case f && rf:
		return newWriter[flushReadFromWriter](w, fields, strip)
	case h && rf:
		return newWriter[hijackReadFromWriter](w, fields, strip)
	case f:
		return newWriter[flushWriter](w, fields, strip)
	case h:
		return newWriter[hijackWriter](w, fields, strip)
	case rf:
		return newWriter[readFromWriter](w, fields, strip)
	}
	return newWriter[responseWriter](w, fields, strip)
}

// apply puts the CORS fields into the header map, once. Each field is set
// to its own one-element slice of vals.
func (w *responseWriter) apply() {
	if w.applied {
		return
	}
	w.applied = true
	h := w.ResponseWriter.Header()
	if w.strip && len(h) != 0 {
		stripAccessControl(h)
	}
	if w.vals != nil {
		setFields(h, w.vals, w.set)
	}
}

// WriteHeader applies the CORS fields and forwards code. Informational
// statuses (1xx other than 101 Switching Protocols) are forwarded without
// them: those are interim responses, and the fields go into the final one.
// The handler's own Access-Control-* fields are removed from interim
// responses too, since net/http sends the header map with them.
func (w *responseWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols || code < 100 {
		w.apply()
	} else if w.strip && !w.applied {
		stripAccessControl(w.ResponseWriter.Header())
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write applies the CORS fields and forwards b.
func (w *responseWriter) Write(b []byte) (int, error) {
	w.apply()
	return w.ResponseWriter.Write(b)
}

// WriteString applies the CORS fields and forwards s without copying it when
// the underlying writer implements [io.StringWriter].
func (w *responseWriter) WriteString(s string) (int, error) {
	w.apply()
	return io.WriteString(w.ResponseWriter, s)
}

// readFrom applies the CORS fields and copies src into the response, using
// the underlying writer's [io.ReaderFrom] (such as net/http's sendfile
// path).
func (w *responseWriter) readFrom(src io.Reader) (int64, error) {
	w.apply()
	return w.ResponseWriter.(io.ReaderFrom).ReadFrom(src)
}

// flush applies the CORS fields and flushes the underlying writer.
func (w *responseWriter) flush() {
	w.apply()
	w.ResponseWriter.(http.Flusher).Flush()
}

// FlushError applies the CORS fields and flushes the underlying writer,
// reporting its error, or [http.ErrNotSupported] when it cannot be flushed.
// It is the method that [http.ResponseController.Flush] calls.
func (w *responseWriter) FlushError() error {
	applied := w.applied
	w.apply()
	err := http.NewResponseController(w.ResponseWriter).Flush()
	if errors.Is(err, http.ErrNotSupported) {
		// Nothing was sent: fields the handler sets from now on must
		// still be replaced when the response goes out.
		w.applied = applied
	}
	return err
}

// hijack hands the connection over to the caller through the underlying
// writer. A hijacked connection gets no CORS fields from the middleware:
// the caller writes the response itself. When hijacking fails, nothing
// changes, and the response the handler writes instead gets the fields.
func (w *responseWriter) hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := w.ResponseWriter.(http.Hijacker).Hijack()
	if err == nil {
		w.applied = true
	}
	return c, rw, err
}

// Unwrap returns the wrapped writer, for [http.ResponseController].
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessControlPrefix starts the names of the CORS protocol's header fields.
const accessControlPrefix = "Access-Control-"

// stripAccessControl deletes every Access-Control-* field of h, whatever
// the case of its name.
func stripAccessControl(h http.Header) {
	for k := range h {
		if len(k) >= len(accessControlPrefix) && (k[0] == 'A' || k[0] == 'a') &&
			strings.EqualFold(k[:len(accessControlPrefix)], accessControlPrefix) {
			delete(h, k)
		}
	}
}

// setFields sets the fields of set in h, field f to vals[f:f+1], a
// one-element slice that no other response uses (see setField). Into an
// empty header map, where there is nothing to merge with, it writes them
// one after the other, which is most of its calls and measurably faster
// than a loop over the fields.
func setFields(h http.Header, vals *[fieldCount]string, set uint16) {
	if len(h) != 0 {
		for f := range fieldCount {
			if set&(1<<f) != 0 {
				setField(h, fieldNames[f], vals[f:f+1:f+1])
			}
		}
		return
	}
	if set&(1<<fieldAllowOrigin) != 0 {
		h[headerAllowOrigin] = vals[fieldAllowOrigin : fieldAllowOrigin+1 : fieldAllowOrigin+1]
	}
	if set&(1<<fieldAllowMethods) != 0 {
		h[headerAllowMethods] = vals[fieldAllowMethods : fieldAllowMethods+1 : fieldAllowMethods+1]
	}
	if set&(1<<fieldAllowHeaders) != 0 {
		h[headerAllowHeaders] = vals[fieldAllowHeaders : fieldAllowHeaders+1 : fieldAllowHeaders+1]
	}
	if set&(1<<fieldExposeHeaders) != 0 {
		h[headerExposeHeaders] = vals[fieldExposeHeaders : fieldExposeHeaders+1 : fieldExposeHeaders+1]
	}
	if set&(1<<fieldMaxAge) != 0 {
		h[headerMaxAge] = vals[fieldMaxAge : fieldMaxAge+1 : fieldMaxAge+1]
	}
	if set&(1<<fieldAllowCredentials) != 0 {
		h[headerAllowCredentials] = vals[fieldAllowCredentials : fieldAllowCredentials+1 : fieldAllowCredentials+1]
	}
	if set&(1<<fieldVary) != 0 {
		h[headerVary] = vals[fieldVary : fieldVary+1 : fieldVary+1]
	}
}

// setField sets the field name of h to slot, a one-element slice that no
// other response uses. A Vary field is merged with the Vary h holds (see
// mergeVary); any other field replaces what h holds.
func setField(h http.Header, name string, slot []string) {
	if name == headerVary {
		mergeVary(h, slot)
		return
	}
	h[name] = slot
}

// mergeVary adds the comma-separated field names of slot[0] to the Vary
// field of h. Without a Vary in h, h["Vary"] becomes slot. Otherwise the
// names already present (compared without regard to case) are not repeated,
// and the result is one line: the elements of the handler's lines, empty
// ones dropped, joined with ", ", followed by the missing names in the order
// of slot[0]; it is stored in slot[0] and
// h["Vary"] set to slot. When h's Vary is already a single line naming every
// field, or contains "*" (which says the response varies on everything),
// it is left as it is.
func mergeVary(h http.Header, slot []string) {
	old := h[headerVary]
	if len(old) == 0 {
		h[headerVary] = slot
		return
	}
	if hasToken(old, "*") {
		return
	}
	add := slot[0]
	missing, size := 0, 0
	for rest := add; rest != ""; {
		var tok string
		tok, rest = nextToken(rest)
		if tok != "" && !hasToken(old, tok) {
			missing++
			size += len(tok) + 2
		}
	}
	if missing == 0 && len(old) == 1 {
		return
	}
	for _, line := range old {
		size += len(line) + 2
	}
	var b strings.Builder
	b.Grow(size)
	for _, line := range old {
		for rest := line; rest != ""; {
			var tok string
			if tok, rest = nextToken(rest); tok != "" {
				if b.Len() > 0 {
					b.WriteString(", ")
				}
				b.WriteString(tok)
			}
		}
	}
	for rest := add; rest != ""; {
		var tok string
		tok, rest = nextToken(rest)
		if tok != "" && !hasToken(old, tok) {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tok)
		}
	}
	slot[0] = b.String()
	h[headerVary] = slot
}

// hasToken reports whether one of the comma-separated elements of lines is
// tok, compared without regard to ASCII case.
func hasToken(lines []string, tok string) bool {
	for _, line := range lines {
		for rest := line; rest != ""; {
			var t string
			t, rest = nextToken(rest)
			if len(t) == len(tok) && strings.EqualFold(t, tok) {
				return true
			}
		}
	}
	return false
}

// nextToken splits s at its first comma and returns the element before it,
// trimmed of spaces and tabs, and the rest after the comma.
func nextToken(s string) (tok, rest string) {
	if i := strings.IndexByte(s, ','); i >= 0 {
		return requestheaders.TrimOWS(s[:i]), s[i+1:]
	}
	return requestheaders.TrimOWS(s), ""
}
