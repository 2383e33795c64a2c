package conformance_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/rule"
)

// eventual is a server that applies bucket CORS changes a while after
// acknowledging them, in the order they came, as S3 does, and keeps the
// objects written to it.
type eventual struct {
	next  http.Handler
	delay time.Duration

	mu      sync.Mutex
	objects map[string]bool
	queue   []*http.Request // changes not yet applied, oldest first
	pending sync.WaitGroup
}

// later applies r after the delay, once every earlier change is applied.
func (e *eventual) later(r *http.Request) {
	e.pending.Add(1)
	e.mu.Lock()
	e.queue = append(e.queue, r)
	e.mu.Unlock()
	time.AfterFunc(e.delay, func() {
		defer e.pending.Done()
		e.mu.Lock()
		defer e.mu.Unlock()
		if len(e.queue) == 0 {
			return
		}
		next := e.queue[0]
		e.queue = e.queue[1:]
		e.next.ServeHTTP(httptest.NewRecorder(), next)
	})
}

func (e *eventual) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case key == "" && r.URL.Query().Has("cors") && (r.Method == http.MethodPut || r.Method == http.MethodDelete):
		body, _ := io.ReadAll(r.Body)
		if _, err := rule.ParseXML(body); r.Method == http.MethodPut && err != nil {
			// Validation is immediate; only the change takes a while.
			r.Body = io.NopCloser(bytes.NewReader(body))
			e.next.ServeHTTP(w, r)
			return
		}
		later := r.Clone(context.Background())
		later.Body = io.NopCloser(bytes.NewReader(body))
		e.later(later)
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusOK)
		} else {
			w.WriteHeader(http.StatusNoContent)
		}
		return
	case key != "" && r.Method == http.MethodPut:
		e.mu.Lock()
		e.objects[name+"/"+key] = true
		e.mu.Unlock()
	case key != "" && r.Method == http.MethodDelete:
		e.mu.Lock()
		delete(e.objects, name+"/"+key)
		e.mu.Unlock()
	}
	e.next.ServeHTTP(w, r)
}

// TestCheckSharedBucketEventual plays the corpus in one existing bucket of
// a server that applies configuration changes 30 ms late: the runner waits
// for each change, records how long it took, and removes the objects the
// vectors wrote.
func TestCheckSharedBucketEventual(t *testing.T) {
	t.Parallel()
	srv := &eventual{next: newHost(false), delay: 30 * time.Millisecond, objects: map[string]bool{}}
	setup := httptest.NewRecorder()
	srv.ServeHTTP(setup, httptest.NewRequest(http.MethodPut, "/shared", nil)) // CreateBucket
	require.Equal(t, http.StatusOK, setup.Code)

	rep, err := conformance.Check(context.Background(), conformance.Target{Handler: srv, Bucket: "shared", Settle: 5 * time.Second})
	require.NoError(t, err)
	srv.pending.Wait()
	assert.Zero(t, rep.Failed, "%s", failures(rep))
	assert.Positive(t, rep.Passed)
	waited := 0
	for _, res := range rep.Results {
		if res.Settled > 0 {
			waited++
		}
	}
	assert.Positive(t, waited, "no vector waited for its configuration")
	srv.mu.Lock()
	assert.Empty(t, srv.objects, "objects left behind")
	srv.mu.Unlock()
}

// TestCheckSharedBucketNoSettle checks that without waiting, the same
// server is caught answering with the previous configuration.
func TestCheckSharedBucketNoSettle(t *testing.T) {
	t.Parallel()
	srv := &eventual{next: newHost(false), delay: 30 * time.Millisecond, objects: map[string]bool{}}
	srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPut, "/shared", nil))
	rep, err := conformance.Check(context.Background(), conformance.Target{Handler: srv, Bucket: "shared"})
	require.NoError(t, err)
	srv.pending.Wait()
	assert.Positive(t, rep.Failed)
}
