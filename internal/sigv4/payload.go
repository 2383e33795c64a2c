package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"strings"
)

// A payloadCheck checks a body against X-Amz-Content-Sha256 as it is read,
// one slice of bytes after another, without keeping them.
type payloadCheck interface {
	// consume checks p, the next bytes of the body. It returns len(p) and
	// nil when they pass, or the index of the byte that made the check
	// fail and the error: the bytes before that index passed.
	consume(p []byte) (int, *Error)
	// end checks that the body may end after the bytes consumed.
	end() *Error
}

// A payloadReader is the body of a request whose signature has been
// verified. It passes the body's bytes through unchanged, checking them as
// they go past, so that a body of any size is verified without being held
// in memory.
//
// The check fails at the latest with the byte that completes what it
// covers (the body, for a hash; each chunk, for a streaming upload). That
// byte is never delivered: the read that would deliver it returns the bytes
// before it and the *Error, and so does every later read. A reader that
// needs the whole body therefore never sees a tampered body complete.
type payloadReader struct {
	body  io.ReadCloser
	check payloadCheck

	// failed is the check's failure, or nil.
	failed *Error
	// err is returned by every read after a failure of the check or of
	// the body's reader.
	err error
}

func (b *payloadReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.body.Read(p)
	passed, e := b.check.consume(p[:n])
	if e == nil && err == io.EOF {
		e = b.check.end()
	}
	if e != nil {
		b.failed, b.err = e, e
		return passed, e
	}
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func (b *payloadReader) Close() error { return b.body.Close() }

// A hashCheck compares the SHA-256 of the body with the value of
// X-Amz-Content-Sha256. With a known length (Content-Length), it compares
// with the read that reaches that length, and withholds that read's last
// byte if they differ; without (a body sent in chunked transfer coding), at
// the end of the body.
type hashCheck struct {
	h        hash.Hash
	claimed  string // lower-case hex
	size     int64  // the body's length; -1: unknown
	read     int64
	compared bool
}

func newHashCheck(claimed string, size int64) *hashCheck {
	return &hashCheck{h: sha256.New(), claimed: strings.ToLower(claimed), size: size}
}

func (c *hashCheck) consume(p []byte) (int, *Error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.h.Write(p)
	c.read += int64(len(p))
	if c.size >= 0 && c.read >= c.size {
		if e := c.compare(); e != nil {
			return len(p) - 1, e
		}
	}
	return len(p), nil
}

func (c *hashCheck) end() *Error {
	if c.compared {
		return nil
	}
	return c.compare()
}

func (c *hashCheck) compare() *Error {
	c.compared = true
	var sum [sha256.Size]byte
	if got := hex.EncodeToString(c.h.Sum(sum[:0])); got != c.claimed {
		return contentSHA256Mismatch(c.claimed, got)
	}
	return nil
}

// A payloadWriter is the ResponseWriter of a handler behind
// [Verifier.Handler]. When the check of the request's body has failed by
// the time the handler begins its response (or returns without one), the
// handler's response is discarded and the request refused with the
// check's error instead: a handler that answers a failed read of the body
// with an error of its own still gives the client S3's
// XAmzContentSHA256Mismatch.
type payloadWriter struct {
	w      http.ResponseWriter
	r      *http.Request
	body   *payloadReader
	refuse func(http.ResponseWriter, *http.Request, *Error)
	// saved holds the response headers set before the handler ran, such
	// as CORS headers, which a refusal keeps.
	saved   http.Header
	begun   bool
	refused bool
}

// begin decides, once, whether the response is the handler's or a refusal.
func (p *payloadWriter) begin() {
	if p.begun {
		return
	}
	p.begun = true
	e := p.body.failed
	if e == nil {
		return
	}
	p.refused = true
	h := p.w.Header()
	clear(h)
	for k, v := range p.saved {
		h[k] = v
	}
	p.refuse(p.w, p.r, e)
}

func (p *payloadWriter) Header() http.Header { return p.w.Header() }

func (p *payloadWriter) WriteHeader(code int) {
	if code < 200 && !p.begun {
		p.w.WriteHeader(code) // informational: the response has not begun
		return
	}
	p.begin()
	if !p.refused {
		p.w.WriteHeader(code)
	}
}

func (p *payloadWriter) Write(b []byte) (int, error) {
	p.begin()
	if p.refused {
		return len(b), nil
	}
	return p.w.Write(b)
}

// Flush begins the response and flushes it.
func (p *payloadWriter) Flush() {
	p.begin()
	_ = http.NewResponseController(p.w).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (p *payloadWriter) Unwrap() http.ResponseWriter { return p.w }
