package conformance_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/cors"
)

// testdataVectors is the repository's corpus, which the embedded one
// copies, and where vectors recorded elsewhere may be added.
const testdataVectors = "../testdata/vectors"

// TestCorpusIsTheRepositoryCorpus checks that the embedded vectors are the
// repository's, byte for byte.
func TestCorpusIsTheRepositoryCorpus(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(conformance.Corpus(), "*.json")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(names), 8)
	for _, name := range names {
		embedded, err := fs.ReadFile(conformance.Corpus(), name)
		require.NoError(t, err)
		original, err := os.ReadFile(testdataVectors + "/" + name)
		require.NoError(t, err, "%s is embedded but not in %s", name, testdataVectors)
		assert.True(t, bytes.Equal(embedded, original), "%s differs from %s/%s: run 'go generate ./conformance'", name, testdataVectors, name)
	}
}

// host is a small S3 server: buckets without objects, per-bucket CORS from
// package bucket, the CORS middleware outside everything. signed, when
// set, refuses requests other than preflights that lack the test's
// signature header.
type host struct {
	buckets sync.Map
	store   *bucket.Store
	signed  bool
	v1      bool // refuse PutBucketCors without Content-MD5, as S3 does (V1)
}

func newHost(signed bool) http.Handler {
	return newHostV1(signed, false)
}

func newHostV1(signed, v1 bool) http.Handler {
	return newHostState(signed, v1).Handler
}

// hostHandler is a host with the CORS middleware around it.
type hostHandler struct {
	http.Handler
	state *host
}

func newHostState(signed, v1 bool) hostHandler {
	h := &host{signed: signed, v1: v1}
	h.store = bucket.NewStore(func(name string) bool { _, ok := h.buckets.Load(name); return ok })
	return hostHandler{cors.Middleware(h.store)(h), h}
}

// bucketCount returns how many buckets exist.
func (h *host) bucketCount() int {
	n := 0
	h.buckets.Range(func(any, any) bool { n++; return true })
	return n
}

func (h *host) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer r.Body.Close() // as servers may: the runner's requests have a Body
	if h.v1 && r.URL.Query().Has("cors") && r.Method == http.MethodPut && r.Header.Get("Content-MD5") == "" {
		http.Error(w, "Missing required header for this request: Content-MD5", http.StatusBadRequest)
		return
	}
	if h.signed && r.Header.Get("X-Test-Signature") != "ok" {
		http.Error(w, "unsigned", http.StatusForbidden)
		return
	}
	name, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case key == "" && r.URL.Query().Has("cors"):
		h.store.ServeHTTP(w, r)
	case key == "" && r.Method == http.MethodPut:
		h.buckets.Store(name, true)
	case key == "" && r.Method == http.MethodDelete && r.Header.Get("Origin") == "":
		// DeleteBucket, as the runner cleans up; with Origin it is a
		// vector's request, answered as before.
		h.buckets.Delete(name)
		h.store.Delete(name)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<Error><Code>NoSuchKey</Code></Error>")
	}
}

// TestRun plays the repository's corpus, vectors recorded elsewhere
// included, against a server built on package bucket, in-process.
func TestRun(t *testing.T) {
	conformance.Run(t, conformance.Target{Handler: newHost(false), Vectors: os.DirFS(testdataVectors)})
}

// TestCheckOverHTTP plays the embedded corpus against the same server on
// loopback, signing every request but preflights.
func TestCheckOverHTTP(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newHost(true))
	defer srv.Close()
	sign := func(r *http.Request) error {
		assert.NotEqual(t, http.MethodOptions, r.Method, "a preflight was signed")
		r.Header.Set("X-Test-Signature", "ok")
		return nil
	}
	rep, err := conformance.Check(context.Background(), conformance.Target{URL: srv.URL, Client: srv.Client(), Sign: sign})
	require.NoError(t, err)
	assert.Zero(t, rep.Failed, "%s", failures(rep))
	assert.Positive(t, rep.Passed)
	assert.Equal(t, len(rep.Results), rep.Passed+rep.Failed+rep.Skipped)
	for _, res := range rep.Results {
		if res.Outcome == conformance.Skipped {
			assert.Contains(t, res.Diffs[0], "XML only", res.Name)
		}
	}
}

// drifting is a server that answers like many S3 look-alikes: it sends
// Allow-Credentials: false with "*", and no Vary.
type drifting struct{ http.Handler }

func (d drifting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.Handler.ServeHTTP(&driftWriter{ResponseWriter: w}, r)
}

type driftWriter struct {
	http.ResponseWriter
	done bool
}

func (w *driftWriter) drift() {
	if w.done {
		return
	}
	w.done = true
	h := w.Header()
	h.Del("Vary")
	if h.Get("Access-Control-Allow-Origin") == "*" {
		h.Set("Access-Control-Allow-Credentials", "false")
	}
}

func (w *driftWriter) WriteHeader(code int)        { w.drift(); w.ResponseWriter.WriteHeader(code) }
func (w *driftWriter) Write(b []byte) (int, error) { w.drift(); return w.ResponseWriter.Write(b) }

// TestCheckFindsDifferences checks that the runner reports a server that
// departs from S3, with the difference named.
func TestCheckFindsDifferences(t *testing.T) {
	t.Parallel()
	rep, err := conformance.Check(context.Background(), conformance.Target{Handler: drifting{newHost(false)}})
	require.NoError(t, err)
	assert.Positive(t, rep.Failed)
	all := failures(rep)
	assert.Contains(t, all, "header Vary missing")
	assert.Contains(t, all, `header Access-Control-Allow-Credentials = "false", want it absent`)
	assert.Contains(t, rep.String(), " failed, ")
}

// TestCheckHTTP2AndV1 plays the corpus against a server that speaks
// HTTP/2, where no answer has a Connection field (D13), and that refuses
// PutBucketCors without Content-MD5 (V1): a server faithful to S3 in both.
func TestCheckHTTP2AndV1(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(newHostV1(false, true))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	rep, err := conformance.Check(context.Background(), conformance.Target{URL: srv.URL, Client: srv.Client()})
	require.NoError(t, err)
	assert.Zero(t, rep.Failed, "%s", failures(rep))
	assert.Positive(t, rep.Passed)
}

// mangled is a server whose error documents depart from S3's form: text
// around the document, and IDs that do not repeat the headers.
type mangled struct{ http.Handler }

func (m mangled) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	m.Handler.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	body := rec.Body.String()
	if strings.Contains(body, "<Error>") {
		body = strings.Replace(body, "<RequestId>", "<RequestId>X", 1) + " and text after"
	}
	io.WriteString(w, body)
}

// TestCheckFindsMangledErrors checks that error documents are held to
// S3's form (E1) and their IDs to the headers.
func TestCheckFindsMangledErrors(t *testing.T) {
	t.Parallel()
	rep, err := conformance.Check(context.Background(), conformance.Target{Handler: mangled{newHost(false)}})
	require.NoError(t, err)
	all := failures(rep)
	assert.Contains(t, all, "error body is not in S3's form")
	assert.Contains(t, all, "want the X-Amz-Request-Id header")
}

func TestCheckNeedsATarget(t *testing.T) {
	t.Parallel()
	_, err := conformance.Check(context.Background(), conformance.Target{})
	assert.ErrorContains(t, err, "neither a Handler nor a URL")
}

func failures(rep *conformance.Report) string {
	var b strings.Builder
	for _, res := range rep.Results {
		if res.Outcome == conformance.Failed {
			b.WriteString(res.File + " " + res.Name + ": " + strings.Join(res.Diffs, "; ") + "\n")
		}
	}
	return b.String()
}
