package proxy

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// watchdog cuts a request off when its transfer stalls: when neither the
// client's body nor the upstream's makes progress for the idle timeout,
// the request to the upstream is cancelled and the client connection's
// pending reads and writes are made to fail. The wait for the upstream's
// response header, once the request is sent, is not a stall: the
// transport's ResponseHeader timeout bounds it. It costs one timer per
// request and one atomic add per read.
type watchdog struct {
	progress atomic.Uint64
	waiting  atomic.Bool // the request is sent, the response header not yet here
	seen     uint64      // progress at the last tick
	idle     time.Duration
	timer    *time.Timer
	cancel   context.CancelCauseFunc
	w        http.ResponseWriter // the client's, for its deadlines

	mu      sync.Mutex // orders a tick that cuts off with stop
	stopped bool       // the request is answered
}

// watchdogKey is the context key of a request's watchdog.
type watchdogKey struct{}

// watchdogOf returns the watchdog of a request, or nil.
func watchdogOf(ctx context.Context) *watchdog {
	d, _ := ctx.Value(watchdogKey{}).(*watchdog)
	return d
}

// responded tells the watchdog that the response header arrived. Its
// arrival is progress: a tick between it and the first read of the body
// must not take the wait that just ended for a stall.
func (d *watchdog) responded() {
	d.progress.Add(1)
	d.waiting.Store(false)
}

// moved counts one read of either body as progress.
func (d *watchdog) moved() { d.progress.Add(1) }

// watch starts a watchdog for r and returns r with its context and body,
// and the watchdog, to be stopped when the request is answered.
func (p *Proxy) watch(w http.ResponseWriter, r *http.Request) (*http.Request, *watchdog) {
	d := &watchdog{idle: p.timeouts.Idle, w: w}
	ctx, cancel := context.WithCancelCause(context.WithValue(r.Context(), watchdogKey{}, d))
	d.cancel = cancel
	r = r.WithContext(ctx)
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &countingBody{ReadCloser: r.Body, d: d}
	} else {
		d.waiting.Store(true)
	}
	d.timer = time.AfterFunc(d.idle, d.tick)
	return r, d
}

// stop stops the watchdog and releases the request's context. A tick
// running at the same moment neither cuts off nor arms another tick, which
// would otherwise set deadlines on a connection that has moved on to the
// client's next request.
func (d *watchdog) stop() {
	d.mu.Lock()
	d.stopped = true
	d.mu.Unlock()
	d.timer.Stop()
	d.cancel(context.Canceled)
}

// tick runs every idle period: it cuts the request off when nothing moved
// since the last one. Once the request is answered it does nothing, and
// arms no further tick: the client's connection may already carry the
// client's next request.
func (d *watchdog) tick() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	if n := d.progress.Load(); n != d.seen || d.waiting.Load() {
		d.seen = n
		d.timer.Reset(d.idle)
		return
	}
	d.cancel(errStalled)
	now := time.Now()
	rc := http.NewResponseController(d.w)
	_ = rc.SetReadDeadline(now)
	// Time to write the answer that says so, and no more.
	_ = rc.SetWriteDeadline(now.Add(5 * time.Second))
}

// countingBody counts the reads of the client's body as progress; at its
// end, the request is sent.
type countingBody struct {
	io.ReadCloser
	d *watchdog
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.d.moved()
	}
	if err == io.EOF {
		b.d.waiting.Store(true)
	}
	return n, err
}

// requestTrailer copies the trailer of the client's request to the
// request to the upstream when the body ends, which is when the server has
// read it and before the transport sends it.
type requestTrailer struct {
	io.ReadCloser
	in, out *http.Request
}

func (b *requestTrailer) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		for k, v := range b.in.Trailer {
			if v != nil {
				b.out.Trailer[k] = v
			}
		}
	}
	return n, err
}
