package cors

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
)

// responseWriter wraps the http.ResponseWriter of an actual (non-OPTIONS)
// request and puts the evaluated CORS header fields into the response just
// before its header is sent: at the first WriteHeader with a final status,
// Write, WriteString, ReadFrom or Flush, or when the wrapped handler returns
// without having written anything. Applying them late, rather than before
// the handler runs, means the handler cannot overwrite or duplicate them
// (R5: error responses get them too).
//
// The wrapper and every value it puts into the header map live in one
// allocation: each field is set to a one-element slice of vals, so no two
// responses ever share a slice.
type responseWriter struct {
	http.ResponseWriter
	fields  *fieldSet // the fields to set; nil when there are none
	strip   bool      // delete the Access-Control-* fields the handler set
	applied bool
}

// fieldSet holds the header fields a responseWriter sets. Fields are named
// by bytes rather than strings, which keeps the allocation small.
type fieldSet struct {
	vals   [maxHeaders]string
	fields [maxHeaders]field
	n      uint8
}

// writerWithFields is a responseWriter and its fields in one allocation.
type writerWithFields struct {
	responseWriter
	set fieldSet
}

// newWriterWithFields returns a responseWriter for w with room for fields.
func newWriterWithFields(w http.ResponseWriter, strip bool) *responseWriter {
	wf := &writerWithFields{}
	wf.responseWriter = responseWriter{ResponseWriter: w, fields: &wf.set, strip: strip}
	return &wf.responseWriter
}

// add records the field f with value.
func (s *fieldSet) add(f field, value string) {
	s.fields[s.n], s.vals[s.n] = f, value
	s.n++
}

// addResult records the fields of res.
func (s *fieldSet) addResult(res *Result) {
	s.n = uint8(res.n)
	s.fields = res.fields
	for i := range res.n {
		s.vals[i] = res.headers[i].Value
	}
}

// apply puts the CORS fields into the header map, once.
func (w *responseWriter) apply() {
	if w.applied {
		return
	}
	w.applied = true
	h := w.ResponseWriter.Header()
	if w.fields == nil {
		setHeaders(h, nil, nil, w.strip)
		return
	}
	f := w.fields
	var names [maxHeaders]string
	for i, j := range f.fields[:f.n] {
		names[i] = fieldNames[j]
	}
	setHeaders(h, names[:f.n], f.vals[:f.n], w.strip)
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
		setHeaders(w.ResponseWriter.Header(), nil, nil, true)
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

// ReadFrom applies the CORS fields and copies src into the response, using
// the underlying writer's [io.ReaderFrom] (such as net/http's sendfile path)
// when it has one.
func (w *responseWriter) ReadFrom(src io.Reader) (int64, error) {
	w.apply()
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(w.ResponseWriter, src)
}

// Flush applies the CORS fields and flushes the underlying writer if it
// can be flushed; see [http.Flusher].
func (w *responseWriter) Flush() {
	_ = w.FlushError()
}

// FlushError is like Flush but reports the error of the underlying writer,
// or [http.ErrNotSupported] when it cannot be flushed. It is the method that
// [http.ResponseController.Flush] calls.
func (w *responseWriter) FlushError() error {
	w.apply()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if fe, ok := w.ResponseWriter.(interface{ FlushError() error }); ok {
			return fe.FlushError()
		}
		f.Flush()
		return nil
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over to the caller through the underlying
// writer, as [http.ResponseController.Hijack] does; see [http.Hijacker]. A
// hijacked connection gets no CORS fields from the middleware: the caller
// writes the response itself. The error is [http.ErrNotSupported] when the
// underlying writer cannot be hijacked (HTTP/2, for one).
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.applied = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the wrapped writer, for [http.ResponseController].
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessControlPrefix starts the names of the CORS protocol's header fields.
const accessControlPrefix = "Access-Control-"

// setHeaders puts the fields names[i]: vals[i] into h. With strip, it first
// deletes every Access-Control-* field h holds, whatever the case of its
// name. Each field is set to vals[i:i+1:i+1], so vals must be a slice no
// other response uses. A Vary field is merged with the Vary h holds (see
// mergeVary); every other field replaces what h holds.
func setHeaders(h http.Header, names, vals []string, strip bool) {
	if len(h) == 0 { // nothing to strip or merge with
		for i, name := range names {
			h[name] = vals[i : i+1 : i+1]
		}
		return
	}
	if strip {
		for k := range h {
			if len(k) >= len(accessControlPrefix) && (k[0] == 'A' || k[0] == 'a') &&
				strings.EqualFold(k[:len(accessControlPrefix)], accessControlPrefix) {
				delete(h, k)
			}
		}
	}
	for i, name := range names {
		if name == HeaderVary {
			mergeVary(h, vals[i:i+1:i+1])
			continue
		}
		h[name] = vals[i : i+1 : i+1]
	}
}

// mergeVary adds the comma-separated field names of slot[0] to the Vary
// field of h. Without a Vary in h, h["Vary"] becomes slot. Otherwise the
// names already present (compared without regard to case) are not repeated,
// and the result is one line: the handler's lines joined with ", ", followed
// by the missing names in the order of slot[0]; it is stored in slot[0] and
// h["Vary"] set to slot. When h's Vary is already a single line naming every
// field, or contains "*" (which says the response varies on everything),
// it is left as it is.
func mergeVary(h http.Header, slot []string) {
	old := h[HeaderVary]
	if len(old) == 0 {
		h[HeaderVary] = slot
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
		if line = trimOWS(line); line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(line)
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
	h[HeaderVary] = slot
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
		return trimOWS(s[:i]), s[i+1:]
	}
	return trimOWS(s), ""
}

// trimOWS trims HTTP's optional white space (spaces and tabs) from both ends
// of s.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
