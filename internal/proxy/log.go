package proxy

import (
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// discardLog is the ReverseProxy's error log: its errors are answered to
// the client and logged with the request instead.
var discardLog = log.New(discardWriter{}, "", 0)

type discardWriter struct{}

func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// bufferPool lends the reverse proxy its copy buffers.
type bufferPool struct{}

var buffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte  { return *buffers.Get().(*[]byte) }
func (bufferPool) Put(b []byte) { buffers.Put(&b) }

// logWriter records the status and size of a response for the log.
type logWriter struct {
	http.ResponseWriter
	status int
	size   int64
}

func (w *logWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController the writer beneath.
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequest writes one line for a request: time, client, method, host,
// path and query parameter names,
// status (499: the client went away first), bytes sent and duration.
func (p *Proxy) logRequest(r *http.Request, w *logWriter, start time.Time) {
	status := w.status
	if status == 0 {
		status = 499
	}
	b := make([]byte, 0, 128+len(r.RequestURI))
	b = start.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, ' ')
	b = append(b, r.RemoteAddr...)
	b = append(b, ' ')
	b = append(b, r.Method...)
	b = append(b, ' ')
	b = append(b, r.Host...)
	b = append(b, r.URL.EscapedPath()...)
	// Query values are left out: a presigned URL's signature is a
	// credential while it is valid.
	sep := byte('?')
	for q := r.URL.RawQuery; q != ""; {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		k, _, _ := strings.Cut(kv, "=")
		b = append(b, sep)
		b = append(b, k...)
		sep = '&'
	}
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, w.size, 10)
	b = append(b, ' ')
	b = append(b, p.now().Sub(start).Round(time.Microsecond).String()...)
	b = append(b, '\n')
	p.logMu.Lock()
	_, _ = p.log.Write(b)
	p.logMu.Unlock()
}

// logLine writes one line to the log.
func (p *Proxy) logLine(line string) {
	p.logMu.Lock()
	_, _ = io.WriteString(p.log, line+"\n")
	p.logMu.Unlock()
}
