package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3cors/s3cors/conformance"
)

// corpusSize is the number of vectors in the embedded corpus.
func corpusSize(t *testing.T) int {
	t.Helper()
	rep, err := conformance.Check(context.Background(), conformance.Target{Handler: newHost(false)})
	require.NoError(t, err)
	return len(rep.Results)
}

// newCountdown returns a countdown of n requests.
func newCountdown(next http.Handler, n int64, stop func()) *countdown {
	c := &countdown{next: next, stop: stop}
	c.n.Store(n)
	return c
}

// countdown calls stop once, when its n-th request arrives, before passing
// that request on.
type countdown struct {
	next http.Handler
	n    atomic.Int64
	once sync.Once
	stop func()
}

func (c *countdown) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.n.Add(-1) == 0 {
		c.once.Do(c.stop)
	}
	c.next.ServeHTTP(w, r)
}

// assertIncomplete checks the report of a run that ended early: every
// vector has a result, none failed, some passed before the end and the
// others are not judged, and the closing line says so.
func assertIncomplete(t *testing.T, rep *conformance.Report, total int) {
	t.Helper()
	require.NotNil(t, rep)
	assert.Len(t, rep.Results, total, "every vector has a result")
	assert.Zero(t, rep.Failed, "%s", failures(rep))
	assert.Positive(t, rep.Passed)
	assert.Positive(t, rep.NotJudged)
	assert.Equal(t, total, rep.Passed+rep.Failed+rep.Skipped+rep.NotJudged)
	assert.Contains(t, rep.String(), " not judged")
	for _, res := range rep.Results {
		if res.Outcome == conformance.NotJudged {
			assert.NotEmpty(t, res.Diffs, "%s gives no reason", res.Name)
		}
	}
}

// TestCheckCancelled checks that a cancelled run reports the vectors it
// did not judge as such, not as failures, and returns the context's error.
func TestCheckCancelled(t *testing.T) {
	t.Parallel()
	total := corpusSize(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := newHostState(false, false)
	rep, err := conformance.Check(ctx, conformance.Target{Handler: newCountdown(h, 100, cancel)})
	assert.ErrorIs(t, err, context.Canceled)
	assertIncomplete(t, rep, total)
	assert.Zero(t, h.state.bucketCount(), "buckets left behind by the cancelled run")
	assert.Empty(t, rep.Leftovers)
}

// TestCheckEndpointKilled checks a run whose server dies midway: the
// vectors after its death are not judged, not failed, and the report says
// the target did not answer.
func TestCheckEndpointKilled(t *testing.T) {
	t.Parallel()
	total := corpusSize(t)
	c := newCountdown(newHost(false), 150, nil)
	srv := httptest.NewServer(c)
	c.stop = func() {
		// Kill the server as a crash would: drop every connection and stop
		// listening, without answering the request in flight.
		srv.Listener.Close()
		srv.CloseClientConnections()
		panic(http.ErrAbortHandler)
	}
	defer srv.Close()
	client := &http.Client{Timeout: 5 * time.Second}
	rep, err := conformance.Check(context.Background(), conformance.Target{URL: srv.URL, Client: client})
	require.NoError(t, err)
	assertIncomplete(t, rep, total)
	var reasons []string
	for _, res := range rep.Results {
		if res.Outcome == conformance.NotJudged {
			reasons = append(reasons, res.Diffs[0])
		}
	}
	assert.Contains(t, reasons[len(reasons)-1], "the target did not answer")
	assert.NotEmpty(t, rep.Leftovers, "the dead server kept the bucket of the vector it died in")
}

// TestCheckCleansUp checks that a run deletes the buckets it created,
// with their configurations, unless Target.Keep says to keep them.
func TestCheckCleansUp(t *testing.T) {
	t.Parallel()
	h := newHostState(false, false)
	rep, err := conformance.Check(context.Background(), conformance.Target{Handler: h})
	require.NoError(t, err)
	assert.Zero(t, rep.Failed, "%s", failures(rep))
	assert.Zero(t, h.state.bucketCount(), "buckets left behind")
	assert.Empty(t, rep.Leftovers)

	kept := newHostState(false, false)
	rep, err = conformance.Check(context.Background(), conformance.Target{Handler: kept, Keep: true})
	require.NoError(t, err)
	assert.Zero(t, rep.Failed, "%s", failures(rep))
	assert.Greater(t, kept.state.bucketCount(), 100, "Keep kept the buckets")
	assert.Empty(t, rep.Leftovers, "what Keep keeps is not a leftover")
}

// okDelete answers DeleteBucketCors with 200 where S3 answers 204, as
// s3rver does.
type okDelete struct{ http.Handler }

func (o okDelete) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete && r.URL.Query().Has("cors") {
		o.Handler.ServeHTTP(statusRewriter{w}, r)
		return
	}
	o.Handler.ServeHTTP(w, r)
}

type statusRewriter struct{ http.ResponseWriter }

func (s statusRewriter) WriteHeader(code int) {
	if code == http.StatusNoContent {
		code = http.StatusOK
	}
	s.ResponseWriter.WriteHeader(code)
}

// TestCheckSetUpDifference checks that a set-up call answered differently
// from S3 (G4: DeleteBucketCors with 200) is recorded in the vectors it set
// up, which are played all the same, and fails only the vectors of that
// call.
func TestCheckSetUpDifference(t *testing.T) {
	t.Parallel()
	h := okDelete{newHost(false)}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPut, "/shared", nil))
	rep, err := conformance.Check(context.Background(), conformance.Target{Handler: h, Bucket: "shared"})
	require.NoError(t, err)
	recorded := 0
	for _, res := range rep.Results {
		if res.Outcome == conformance.Failed {
			assert.True(t, strings.HasPrefix(res.File, "delete_bucket_cors"), "%s %s failed: %v (set-up: %v)", res.File, res.Name, res.Diffs, res.SetUp)
		}
		if len(res.SetUp) > 0 {
			recorded++
			assert.Contains(t, res.SetUp[0], "DeleteBucketCors: status 200, want 204")
		}
	}
	assert.Positive(t, recorded, "no set-up difference recorded")
	assert.Positive(t, rep.Failed, "the DeleteBucketCors vectors judge the 200")
	assert.Greater(t, rep.Passed, recorded/2)
}
