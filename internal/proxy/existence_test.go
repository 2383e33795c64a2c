package proxy

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable clock for the existence cache.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// answers is an upstream that knows a fixed set of buckets and counts the
// questions it gets.
type answers struct {
	asked   atomic.Int64
	mu      sync.Mutex
	buckets map[string]presence
}

func (a *answers) ask(_ context.Context, name string) presence {
	a.asked.Add(1)
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.buckets[name]; ok {
		return s
	}
	return absent
}

func (a *answers) setState(name string, s presence) {
	a.mu.Lock()
	a.buckets[name] = s
	a.mu.Unlock()
}

func TestExistenceRemembersWithinTTL(t *testing.T) {
	c := newClock()
	up := &answers{buckets: map[string]presence{"photos": present}}
	var gone []string
	e := newExistence(Limits{PresentTTL: time.Minute, AbsentTTL: 10 * time.Second}, up.ask, c.now, func(b string) { gone = append(gone, b) })
	ctx := context.Background()

	steps := []struct {
		name    string
		advance time.Duration
		bucket  string
		want    presence
		asked   int64
	}{
		{"first look-up asks", 0, "photos", present, 1},
		{"within the TTL: remembered", 59 * time.Second, "photos", present, 1},
		{"after the TTL: asked again", 2 * time.Second, "photos", present, 2},
		{"missing: asked", 0, "nothing", absent, 3},
		{"missing within its TTL: remembered", 9 * time.Second, "nothing", absent, 3},
		{"missing after its TTL: asked again", 2 * time.Second, "nothing", absent, 4},
	}
	for _, s := range steps {
		c.advance(s.advance)
		if got := e.lookup(ctx, s.bucket); got != s.want || up.asked.Load() != s.asked {
			t.Errorf("%s: lookup(%q) = %v after %d questions, want %v after %d", s.name, s.bucket, got, up.asked.Load(), s.want, s.asked)
		}
	}
	if len(gone) != 2 || gone[0] != "nothing" {
		t.Errorf("gone = %q, want the missing bucket reported at each answer", gone)
	}
}

func TestExistenceKeepsLastAnswerWhileUpstreamFails(t *testing.T) {
	c := newClock()
	up := &answers{buckets: map[string]presence{"photos": present, "gone": absent}}
	e := newExistence(Limits{}, up.ask, c.now, nil)
	ctx := context.Background()
	e.lookup(ctx, "photos")
	e.lookup(ctx, "gone")
	up.setState("photos", unknown) // the upstream is down
	up.setState("gone", unknown)
	up.setState("never-seen", unknown)
	c.advance(time.Hour)
	if got := e.lookup(ctx, "photos"); got != present {
		t.Errorf("known bucket with the upstream down: %v, want present (the last answer)", got)
	}
	if got := e.lookup(ctx, "gone"); got != absent {
		t.Errorf("known missing bucket with the upstream down: %v, want absent", got)
	}
	if got := e.lookup(ctx, "never-seen"); got != unknown {
		t.Errorf("unknown bucket with the upstream down: %v, want unknown", got)
	}
}

func TestExistenceBounds(t *testing.T) {
	c := newClock()
	up := &answers{buckets: map[string]presence{}}
	for i := range 50 {
		up.buckets["b"+strconv.Itoa(i)] = present
	}
	e := newExistence(Limits{Present: 20, Absent: 10, Rate: 1e9}, up.ask, c.now, nil)
	ctx := context.Background()
	for i := range 50 {
		e.lookup(ctx, "b"+strconv.Itoa(i))
		e.lookup(ctx, "missing"+strconv.Itoa(i))
	}
	if n := e.lists[present].Len(); n != 20 {
		t.Errorf("%d present entries, want the bound, 20", n)
	}
	if n := e.lists[absent].Len(); n != 10 {
		t.Errorf("%d absent entries, want the bound, 10", n)
	}
	if n := e.len(); n != 30 {
		t.Errorf("%d entries, want 30", n)
	}
	// The most recently used are kept; missing names never evict buckets
	// that exist.
	if e.known("b49") != present || e.known("b0") != unknown || e.known("missing49") != absent {
		t.Errorf("eviction is not least-recently-used per kind")
	}
	// Names no server accepts are neither asked nor kept.
	asked := up.asked.Load()
	for _, name := range []string{"a/b", "with space", "%2F", string(make([]byte, 256))} {
		if got := e.lookup(ctx, name); got != absent {
			t.Errorf("lookup(%q) = %v, want absent", name, got)
		}
	}
	if up.asked.Load() != asked {
		t.Errorf("implausible names were asked upstream")
	}
}

// TestExistenceCoalesces checks that concurrent look-ups of one bucket
// make one question.
func TestExistenceCoalesces(t *testing.T) {
	release := make(chan struct{})
	var asked atomic.Int64
	ask := func(context.Context, string) presence {
		asked.Add(1)
		<-release
		return present
	}
	e := newExistence(Limits{}, ask, time.Now, nil)
	const n = 50
	var wg sync.WaitGroup
	results := make(chan presence, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- e.lookup(context.Background(), "photos")
		}()
	}
	// Let every goroutine reach the look-up before it is answered.
	for deadline := time.Now().Add(5 * time.Second); asked.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(results)
	for r := range results {
		if r != present {
			t.Errorf("a waiter got %v, want present", r)
		}
	}
	if got := asked.Load(); got != 1 {
		t.Errorf("%d questions for %d concurrent look-ups of one bucket, want 1", got, n)
	}
}

// TestExistenceLimitsQuestions checks the bounds on questions: at most
// Concurrent in flight, at most Rate a second after a burst of 2×Rate.
func TestExistenceLimitsQuestions(t *testing.T) {
	t.Run("concurrent", func(t *testing.T) {
		release := make(chan struct{})
		var inFlight sync.WaitGroup
		inFlight.Add(2)
		ask := func(context.Context, string) presence {
			inFlight.Done()
			<-release
			return present
		}
		e := newExistence(Limits{Concurrent: 2}, ask, time.Now, nil)
		done := make(chan struct{})
		for _, b := range []string{"one", "two"} {
			go func() { e.lookup(context.Background(), b); done <- struct{}{} }()
		}
		inFlight.Wait()
		if got := e.lookup(context.Background(), "three"); got != busy {
			t.Errorf("third look-up with 2 in flight: %v, want busy", got)
		}
		close(release)
		<-done
		<-done
	})
	t.Run("rate", func(t *testing.T) {
		c := newClock()
		up := &answers{buckets: map[string]presence{}}
		e := newExistence(Limits{Rate: 5}, up.ask, c.now, nil)
		ctx := context.Background()
		busyCount := 0
		for i := range 100 {
			if e.lookup(ctx, "r"+strconv.Itoa(i)) == busy {
				busyCount++
			}
		}
		if got := up.asked.Load(); got != 10 {
			t.Errorf("%d questions in a burst of 100 names, want 2×Rate = 10", got)
		}
		if busyCount != 90 {
			t.Errorf("%d busy answers, want 90", busyCount)
		}
		c.advance(time.Second)
		for i := range 100 {
			e.lookup(ctx, "s"+strconv.Itoa(i))
		}
		if got := up.asked.Load(); got != 15 {
			t.Errorf("%d questions after one more second, want 15", got)
		}
	})
}

// TestExistenceSet checks what CreateBucket and DeleteBucket teach.
func TestExistenceSet(t *testing.T) {
	up := &answers{buckets: map[string]presence{}}
	e := newExistence(Limits{}, up.ask, time.Now, nil)
	ctx := context.Background()
	if e.lookup(ctx, "new") != absent {
		t.Fatal("setup: new exists")
	}
	e.set("new", present)
	if got := e.lookup(ctx, "new"); got != present {
		t.Errorf("after CreateBucket: %v, want present at once", got)
	}
	e.set("new", absent)
	if got := e.lookup(ctx, "new"); got != absent {
		t.Errorf("after DeleteBucket: %v, want absent at once", got)
	}
	if up.asked.Load() != 1 {
		t.Errorf("%d questions, want 1", up.asked.Load())
	}
}

// TestExistencePeek checks the look-up of requests that must not wait: it
// answers at once with what is remembered and learns in the background,
// within the same limits.
func TestExistencePeek(t *testing.T) {
	c := newClock()
	release := make(chan struct{})
	var asked atomic.Int64
	ask := func(context.Context, string) presence {
		asked.Add(1)
		<-release
		return present
	}
	e := newExistence(Limits{Concurrent: 2, PresentTTL: time.Minute}, ask, c.now, nil)
	for range 10 {
		if got := e.peek("photos"); got != unknown {
			t.Fatalf("peek before any answer: %v, want unknown at once", got)
		}
	}
	e.peek("other")
	e.peek("third") // beyond Concurrent: not asked
	close(release)
	for deadline := time.Now().Add(5 * time.Second); (e.known("photos") == unknown || e.known("other") == unknown) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if got := e.peek("photos"); got != present {
		t.Errorf("peek after the background answer: %v, want present", got)
	}
	if got := asked.Load(); got != 2 {
		t.Errorf("%d questions, want 2: one per bucket, within Concurrent", got)
	}
	// Old, it is still used, and refreshed in the background.
	c.advance(2 * time.Minute)
	if got := e.peek("photos"); got != present {
		t.Errorf("peek of an old answer: %v, want it used", got)
	}
	if got := e.peek("a/b"); got != absent {
		t.Errorf("peek of an implausible name: %v", got)
	}
}
