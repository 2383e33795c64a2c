package proxy

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// presence is what the proxy knows of a bucket's existence.
type presence uint8

const (
	unknown presence = iota // not learned: the upstream could not be asked, or did not answer
	present                 // the bucket exists
	absent                  // the bucket does not exist
	busy                    // unknown, and no look-up was made: too many are in progress
)

// Limits bound what the proxy keeps and asks of the upstream to learn
// which buckets exist. Preflights name buckets from unauthenticated
// origins, so every bound here holds whatever names requests carry.
// A zero field takes the default given beside it.
type Limits struct {
	// Present and Absent are the most buckets remembered as existing
	// (default 100 000) and as missing (default 10 000). Each is a
	// least-recently-used list of its own, so that requests naming random
	// buckets evict only other missing ones.
	Present, Absent int

	// PresentTTL and AbsentTTL are how long an answer of the upstream is
	// trusted before it is asked again (defaults 60 s and 10 s). While the
	// upstream cannot be reached, an older answer is kept and used.
	PresentTTL, AbsentTTL time.Duration

	// Concurrent is the most look-ups in flight at once (default 8), and
	// Rate the most started per second (default 50, with bursts of twice
	// that). A look-up beyond either is not made: the bucket stays
	// unknown for that request.
	Concurrent int
	Rate       float64

	// Timeout bounds one look-up (default 5 s).
	Timeout time.Duration
}

func (l Limits) withDefaults() Limits {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	setD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&l.Present, 100_000)
	set(&l.Absent, 10_000)
	set(&l.Concurrent, 8)
	setD(&l.PresentTTL, 60*time.Second)
	setD(&l.AbsentTTL, 10*time.Second)
	setD(&l.Timeout, 5*time.Second)
	if l.Rate <= 0 {
		l.Rate = 50
	}
	return l
}

// existence remembers which buckets exist, learning it from the upstream
// (ask) on demand. Look-ups for one bucket are coalesced: while one is in
// flight, other requests for that bucket wait for its answer.
type existence struct {
	limits Limits
	ask    func(ctx context.Context, bucket string) presence
	now    func() time.Time
	// gone is called, outside the lock, when a bucket is learned to be
	// missing, so that its configuration goes with it.
	gone func(bucket string)

	mu       sync.Mutex
	entries  map[string]*list.Element // of *entry
	lists    [3]list.List             // by presence: present and absent used
	inflight map[string]*lookup
	tokens   float64
	refilled time.Time
}

type entry struct {
	bucket  string
	state   presence
	learned time.Time
}

type lookup struct {
	done  chan struct{}
	state presence
}

func newExistence(l Limits, ask func(context.Context, string) presence, now func() time.Time, gone func(string)) *existence {
	l = l.withDefaults()
	return &existence{
		limits:   l,
		ask:      ask,
		now:      now,
		gone:     gone,
		entries:  make(map[string]*list.Element),
		inflight: make(map[string]*lookup),
		tokens:   2 * l.Rate,
		refilled: now(),
	}
}

// lookup returns what is known of the bucket, asking the upstream when
// nothing fresh is known and the limits allow it. While the upstream cannot
// answer, the last answer it gave is returned however old.
func (e *existence) lookup(ctx context.Context, bucket string) presence {
	if !plausibleBucket(bucket) {
		return absent // no server names a bucket so: nothing to ask or keep
	}
	e.mu.Lock()
	state, fresh := e.rememberedLocked(bucket)
	if fresh {
		e.mu.Unlock()
		return state
	}
	if l, ok := e.inflight[bucket]; ok {
		e.mu.Unlock()
		select {
		case <-l.done:
			if l.state == unknown {
				return state
			}
			return l.state
		case <-ctx.Done():
			return state
		}
	}
	l := e.startLocked(bucket)
	e.mu.Unlock()
	if l == nil {
		if state == unknown {
			return busy
		}
		return state
	}
	// The look-up is not cancelled with the request that started it: the
	// others waiting for it want the answer.
	e.run(context.WithoutCancel(ctx), bucket, l)
	if l.state == unknown {
		return state
	}
	return l.state
}

// peek returns what is known of the bucket without waiting: the last
// answer, however old, or unknown. When that answer is not fresh, it
// starts a look-up in the background, within the same limits, so that a
// later request knows.
func (e *existence) peek(bucket string) presence {
	if !plausibleBucket(bucket) {
		return absent
	}
	e.mu.Lock()
	state, fresh := e.rememberedLocked(bucket)
	if fresh {
		e.mu.Unlock()
		return state
	}
	var l *lookup
	if _, ok := e.inflight[bucket]; !ok {
		l = e.startLocked(bucket)
	}
	e.mu.Unlock()
	if l != nil {
		go e.run(context.Background(), bucket, l)
	}
	return state
}

// rememberedLocked returns the remembered state of the bucket, unknown if
// none, and whether it is fresh; a fresh entry becomes the most recently
// used.
func (e *existence) rememberedLocked(bucket string) (presence, bool) {
	el, ok := e.entries[bucket]
	if !ok {
		return unknown, false
	}
	en := el.Value.(*entry)
	if e.now().Sub(en.learned) < e.ttl(en.state) {
		e.lists[en.state].MoveToFront(el)
		return en.state, true
	}
	return en.state, false
}

// startLocked reserves a look-up of the bucket, or returns nil when the
// limits forbid one now.
func (e *existence) startLocked(bucket string) *lookup {
	if len(e.inflight) >= e.limits.Concurrent || !e.take(e.now()) {
		return nil
	}
	l := &lookup{done: make(chan struct{})}
	e.inflight[bucket] = l
	return l
}

// run asks the upstream, records the answer and wakes those waiting for
// it.
func (e *existence) run(ctx context.Context, bucket string, l *lookup) {
	ctx, cancel := context.WithTimeout(ctx, e.limits.Timeout)
	l.state = e.ask(ctx, bucket)
	cancel()
	e.mu.Lock()
	delete(e.inflight, bucket)
	if l.state != unknown {
		e.storeLocked(bucket, l.state, e.now())
	}
	e.mu.Unlock()
	close(l.done)
	if l.state == absent && e.gone != nil {
		e.gone(bucket)
	}
}

// known returns what is remembered of the bucket without asking anyone.
func (e *existence) known(bucket string) presence {
	e.mu.Lock()
	defer e.mu.Unlock()
	if el, ok := e.entries[bucket]; ok {
		return el.Value.(*entry).state
	}
	return unknown
}

// set records what a request that passed through taught: a bucket created
// (present) or deleted (absent).
func (e *existence) set(bucket string, state presence) {
	e.mu.Lock()
	e.storeLocked(bucket, state, e.now())
	e.mu.Unlock()
}

// len returns the number of buckets remembered.
func (e *existence) len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.entries)
}

func (e *existence) ttl(s presence) time.Duration {
	if s == present {
		return e.limits.PresentTTL
	}
	return e.limits.AbsentTTL
}

// storeLocked records state for bucket, evicting the least recently used
// entry of the same kind when its list is full.
func (e *existence) storeLocked(bucket string, state presence, now time.Time) {
	if el, ok := e.entries[bucket]; ok {
		en := el.Value.(*entry)
		e.lists[en.state].Remove(el)
		delete(e.entries, bucket)
	}
	limit := e.limits.Present
	if state == absent {
		limit = e.limits.Absent
	}
	l := &e.lists[state]
	for l.Len() >= limit {
		oldest := l.Back()
		delete(e.entries, oldest.Value.(*entry).bucket)
		l.Remove(oldest)
	}
	e.entries[bucket] = l.PushFront(&entry{bucket: bucket, state: state, learned: now})
}

// take takes one token of the look-up rate, refilling the bucket of
// tokens for the time elapsed.
func (e *existence) take(now time.Time) bool {
	if d := now.Sub(e.refilled); d > 0 {
		e.tokens = min(2*e.limits.Rate, e.tokens+d.Seconds()*e.limits.Rate)
		e.refilled = now
	}
	if e.tokens < 1 {
		return false
	}
	e.tokens--
	return true
}

// plausibleBucket reports whether a name could be a bucket's on some S3
// server: 1 to 255 letters, digits, dots, hyphens and underscores (S3's
// own names are stricter; legacy buckets and other servers allow these).
func plausibleBucket(name string) bool {
	if name == "" || len(name) > 255 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
