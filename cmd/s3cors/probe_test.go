package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/internal/fakes3"
	"github.com/s3cors/s3cors/internal/probe"
	"github.com/s3cors/s3cors/internal/s3client"
	"github.com/s3cors/s3cors/internal/s3error"
	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

const (
	testAccessKey = "AKIDPROBETEST"
	testSecret    = "probe-test-secret-do-not-print"
)

// probeServer is a fake S3 endpoint on loopback that checks signatures,
// behind an optional fault-injecting handler.
type probeServer struct {
	fake *fakes3.Server
	srv  *httptest.Server
	// requests counts the requests that reached the front handler.
	requests atomic.Int64
}

// newProbeServer starts a fake S3 that takes requests signed for region
// with the test's key; front, when not nil, sits in front of it and may
// answer instead. baseHost names the virtual-hosted-style host, or "".
func newProbeServer(t *testing.T, region, baseHost string, front func(w http.ResponseWriter, r *http.Request, next http.Handler)) *probeServer {
	t.Helper()
	ps := &probeServer{fake: fakes3.New(baseHost)}
	v := &sigv4.Verifier{Secrets: map[string]string{testAccessKey: testSecret}, Region: region}
	auth := func(next http.Handler) http.Handler {
		return v.Handler(next, func(w http.ResponseWriter, r *http.Request, e *sigv4.Error) {
			s3error.Write(w, r, e.Status, e.Code, e.Message)
		})
	}
	inner := ps.fake.Handler(auth)
	ps.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.requests.Add(1)
		if front != nil {
			front(w, r, inner)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.srv.Close)
	return ps
}

// getCORS returns the fake's answer to GetBucketCors, bypassing the
// network and the signature check.
func (ps *probeServer) getCORS(t *testing.T, name string) (int, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	ps.fake.Handler(nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+name+"?cors", nil))
	return rec.Code, rec.Body.Bytes()
}

// putCORS sets a bucket's configuration in the fake.
func (ps *probeServer) putCORS(t *testing.T, name, doc string) {
	t.Helper()
	c, err := rule.ParseXML([]byte(doc))
	require.NoError(t, err)
	require.NoError(t, ps.fake.Store().Put(name, c))
}

// runProbeTest runs probe in-process with an empty environment.
func runProbeTest(t *testing.T, opts probeOptions, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, dir: "testdata"}
	code := runProbeWith(e, args, opts)
	return result{out.String(), errOut.String(), code}
}

// creds are the flags of the test's credentials.
func creds(endpoint string) []string {
	return []string{"--endpoint", endpoint, "--region", "us-east-1", "--access-key", testAccessKey, "--secret-key", testSecret, "--settle", "5s"}
}

// noSecret checks that the secret appears in neither stream.
func noSecret(t *testing.T, r result) {
	t.Helper()
	assert.NotContains(t, r.stdout, testSecret)
	assert.NotContains(t, r.stderr, testSecret)
}

// failedResults lists the failed vectors of a JSON report.
func failedResults(r result) string {
	var doc probe.Document
	if json.Unmarshal([]byte(r.stdout), &doc) != nil {
		return r.stdout
	}
	var b strings.Builder
	for _, res := range doc.Results {
		if res.Outcome == "failed" {
			b.WriteString(res.Name + ": " + strings.Join(res.Diffs, "; ") + "\n")
		}
	}
	return b.String()
}

func decodeProbeJSON(t *testing.T, r result) probe.Document {
	t.Helper()
	var doc probe.Document
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	return doc
}

// TestProbeScratchBucket plays every vector in a scratch bucket of a
// server faithful to S3 that checks signatures: all pass, and the bucket
// is gone afterwards.
func TestProbeScratchBucket(t *testing.T) {
	t.Parallel()
	ps := newProbeServer(t, "us-east-1", "", nil)
	r := s3cors(t, "", append([]string{"probe"}, creds(ps.srv.URL)...)...)
	r.expect(t, 0, []string{"scratch bucket s3cors-probe-", " 0 failed", "Origin matching", "Preflight answers and errors", "configuration changes took effect in", "cleanup: deleted the scratch bucket s3cors-probe-"}, nil)
	assert.NotContains(t, r.stdout, "FAIL")
	noSecret(t, r)
	assert.Empty(t, ps.fake.BucketNames(), "the scratch bucket is left")
	created := ps.fake.Creations()
	require.Len(t, created, 1)
	assert.Regexp(t, `^s3cors-probe-[0-9a-f]{16} $`, created[0], "CreateBucket in us-east-1 has no LocationConstraint")
}

// TestProbeJSONAndRegion checks the JSON report, and that a scratch
// bucket outside us-east-1 is created with a LocationConstraint.
func TestProbeJSONAndRegion(t *testing.T) {
	t.Parallel()
	ps := newProbeServer(t, "eu-west-1", "", nil)
	r := runProbeTest(t, probeOptions{getenv: func(k string) string {
		return map[string]string{"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": testAccessKey, "AWS_SECRET_ACCESS_KEY": testSecret}[k]
	}}, "--endpoint", ps.srv.URL, "--format", "json", "--settle", "5s")
	require.Equal(t, 0, r.code, r.stderr)
	noSecret(t, r)
	doc := decodeProbeJSON(t, r)
	assert.Equal(t, "eu-west-1", doc.Region)
	assert.Equal(t, "path-style", doc.Addressing)
	assert.True(t, doc.ScratchBucket)
	assert.True(t, doc.Complete)
	assert.Zero(t, doc.Failed)
	assert.Positive(t, doc.Passed)
	assert.Len(t, doc.Results, doc.Passed+doc.Failed+doc.Skipped)
	assert.True(t, doc.Cleanup.Done)
	assert.Positive(t, doc.Settle.Changes)
	assert.LessOrEqual(t, doc.Settle.MinMS, doc.Settle.MedianMS)
	assert.LessOrEqual(t, doc.Settle.MedianMS, doc.Settle.MaxMS)
	groups := map[string]bool{}
	for _, b := range doc.Behaviours {
		groups[b.Behaviour] = true
	}
	for _, g := range []string{"Origin matching", "Methods", "Request headers", "Credentials and Allow-Origin", "Vary", "Max-Age and Expose-Headers", "Preflight answers and errors", "Actual requests", "Configuration API and validation"} {
		assert.True(t, groups[g], "no %s row", g)
	}
	assert.Equal(t, []string{doc.Bucket + " eu-west-1"}, ps.fake.Creations())
	assert.Empty(t, ps.fake.BucketNames())

	md := runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--region", "eu-west-1", "--format", "markdown")...)
	md.expect(t, 0, []string{"| Behaviour | Rules |", "| Origin matching | D1, M4 | ✅ ", "| **All vectors** |"}, nil)
}

const savedConfig = `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><ID>keep-me</ID><AllowedOrigin>https://saved.example.org</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>7</MaxAgeSeconds></CORSRule></CORSConfiguration>`

// TestProbeExistingBucket plays the vectors in --bucket and restores its
// configuration byte for byte, or its lack of one; its own objects stay.
func TestProbeExistingBucket(t *testing.T) {
	t.Parallel()
	ps := newProbeServer(t, "us-east-1", "", nil)
	ps.fake.AddBucket("with-config")
	ps.fake.AddBucket("without-config")
	ps.fake.AddObject("with-config", "keep/this.txt")
	ps.putCORS(t, "with-config", savedConfig)
	status, before := ps.getCORS(t, "with-config")
	require.Equal(t, http.StatusOK, status)

	r := s3cors(t, "", append([]string{"probe", "--bucket", "with-config"}, creds(ps.srv.URL)...)...)
	r.expect(t, 0, []string{"bucket with-config", "cleanup: restored the CORS configuration of bucket with-config byte for byte"}, nil)
	status, after := ps.getCORS(t, "with-config")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, string(before), string(after))
	assert.Equal(t, []string{"keep/this.txt"}, ps.fake.ObjectKeys("with-config"))

	r = s3cors(t, "", append([]string{"probe", "--bucket", "without-config"}, creds(ps.srv.URL)...)...)
	r.expect(t, 0, []string{"cleanup: deleted the CORS configuration of bucket without-config, which had none"}, nil)
	status, body := ps.getCORS(t, "without-config")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, string(body), "NoSuchCORSConfiguration")
	assert.Empty(t, ps.fake.ObjectKeys("without-config"))
	assert.Empty(t, ps.fake.Creations(), "no bucket is created with --bucket")
}

// TestProbeRefusesUnreadableConfiguration checks that probe does not
// start when it could not restore the bucket's configuration.
func TestProbeRefusesUnreadableConfiguration(t *testing.T) {
	t.Parallel()
	var changes atomic.Int64
	ps := newProbeServer(t, "us-east-1", "", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.URL.Query().Has("cors") && r.Method != http.MethodGet {
			changes.Add(1)
		}
		if r.URL.Query().Has("cors") && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/forbidden") {
			s3error.Write(w, r, http.StatusForbidden, "AccessDenied", "Access Denied")
			return
		}
		next.ServeHTTP(w, r)
	})
	ps.fake.AddBucket("forbidden")
	r := s3cors(t, "", append([]string{"probe", "--bucket", "forbidden"}, creds(ps.srv.URL)...)...)
	r.expect(t, 1, []string{"not run"}, []string{"403 AccessDenied", "could not restore it, so it did not start"})
	r = s3cors(t, "", append([]string{"probe", "--bucket", "no-such-bucket"}, creds(ps.srv.URL)...)...)
	r.expect(t, 1, nil, []string{"404 NoSuchBucket", "did not start"})
	assert.Zero(t, changes.Load(), "a configuration was changed")
}

// dropEvery returns a front handler that closes the connection of every
// nth request without an answer.
func dropEvery(n int64) func(http.ResponseWriter, *http.Request, http.Handler) {
	var count atomic.Int64
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if count.Add(1)%n == 0 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
				return
			}
		}
		next.ServeHTTP(w, r)
	}
}

// TestProbeFaults runs probe against endpoints that drop connections or
// fail requests: the run reports errors, and the scratch bucket or the
// configuration is cleaned up all the same.
func TestProbeFaults(t *testing.T) {
	t.Parallel()
	var n500 atomic.Int64
	fail500 := func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if n500.Add(1)%23 == 0 {
			s3error.Write(w, r, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
			return
		}
		next.ServeHTTP(w, r)
	}
	for _, tc := range []struct {
		name  string
		front func(http.ResponseWriter, *http.Request, http.Handler)
	}{
		{"dropped connections", dropEvery(29)},
		{"500 answers", fail500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ps := newProbeServer(t, "us-east-1", "", tc.front)
			r := runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--format", "json", "--settle", "0")...)
			assert.Equal(t, 1, r.code, r.stderr)
			doc := decodeProbeJSON(t, r)
			// A dropped connection leaves a vector not judged; a 500 is an
			// answer, which fails it.
			assert.Positive(t, doc.Failed+doc.NotJudged)
			assert.True(t, doc.Cleanup.Done, "%+v", doc.Cleanup)
			assert.Empty(t, ps.fake.BucketNames(), "the scratch bucket is left")

			ps.fake.AddBucket("mine")
			ps.putCORS(t, "mine", savedConfig)
			_, before := ps.getCORS(t, "mine")
			r = runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--bucket", "mine", "--format", "json", "--settle", "0")...)
			assert.Equal(t, 1, r.code, r.stderr)
			doc = decodeProbeJSON(t, r)
			assert.Positive(t, doc.Failed+doc.NotJudged)
			assert.True(t, doc.Cleanup.Done, "%+v", doc.Cleanup)
			_, after := ps.getCORS(t, "mine")
			assert.Equal(t, string(before), string(after))
			assert.Empty(t, ps.fake.ObjectKeys("mine"))
		})
	}
}

// delayed is a front handler that applies configuration changes only
// after a delay, as S3 does eventually, while answering them at once.
type delayed struct {
	fake  *fakes3.Server
	delay time.Duration

	mu        sync.Mutex
	scheduled int // changes answered so far
	applied   int // the latest change applied
}

func (d *delayed) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	name, key, _ := d.fake.Locate(r)
	if key != "" || !r.URL.Query().Has("cors") || (r.Method != http.MethodPut && r.Method != http.MethodDelete) || !d.fake.Exists(name) {
		next.ServeHTTP(w, r)
		return
	}
	// Validate the call against a store of its own, answer it, and
	// apply it later.
	check := bucket.NewStore(func(string) bool { return true })
	rec := httptest.NewRecorder()
	check.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	if rec.Code >= 300 {
		return
	}
	c := check.Get(name)
	d.mu.Lock()
	d.scheduled++
	seq := d.scheduled
	d.mu.Unlock()
	time.AfterFunc(d.delay, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		// The last change wins, whichever timer runs first.
		if seq < d.applied {
			return
		}
		d.applied = seq
		if c == nil {
			d.fake.Store().Delete(name)
		} else {
			_ = d.fake.Store().Put(name, c)
		}
	})
}

// TestProbeSettlesDelayedChanges checks that --settle absorbs
// configuration changes that take effect late.
func TestProbeSettlesDelayedChanges(t *testing.T) {
	t.Parallel()
	d := &delayed{delay: 30 * time.Millisecond}
	ps := newProbeServer(t, "us-east-1", "", d.serve)
	d.fake = ps.fake
	r := runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--format", "json")...)
	require.Equal(t, 0, r.code, "%s\n%s", r.stderr, failedResults(r))
	doc := decodeProbeJSON(t, r)
	assert.Zero(t, doc.Failed)
	// A change to the configuration already in effect settles at once.
	assert.GreaterOrEqual(t, doc.Settle.MedianMS, 30.0)
	assert.Empty(t, ps.fake.BucketNames())

	// Without waiting, the same endpoint differs from S3.
	r = runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--settle", "0", "--format", "json")...)
	assert.Equal(t, 1, r.code)
}

// TestProbeRestoreRefused checks that a restore the endpoint refuses ends
// with the saved configuration, the command that restores it, and exit
// code 3.
func TestProbeRestoreRefused(t *testing.T) {
	t.Parallel()
	var refused atomic.Pointer[[]byte]
	ps := newProbeServer(t, "us-east-1", "", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if saved := refused.Load(); saved != nil && r.Method == http.MethodPut && r.URL.Query().Has("cors") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if bytes.Equal(body, *saved) {
				s3error.Write(w, r, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	ps.fake.AddBucket("refusing")
	ps.putCORS(t, "refusing", savedConfig)
	_, saved := ps.getCORS(t, "refusing")
	refused.Store(&saved)
	r := s3cors(t, "", append([]string{"probe", "--bucket", "refusing"}, creds(ps.srv.URL)...)...)
	// The cleanup line says what could not be done, not what was done.
	r.expect(t, 3, []string{"cleanup: FAILED: could not restore the CORS configuration of bucket refusing: "}, []string{
		"probe: could not finish cleaning up: could not restore the CORS configuration of bucket refusing: ",
		"the CORS configuration of bucket refusing is NOT restored; it was, byte for byte:\n" + strings.TrimRight(string(saved), "\n"),
		"aws s3api put-bucket-cors --bucket refusing --endpoint-url " + ps.srv.URL + " --cors-configuration \"$(s3cors convert ",
		"500 InternalError",
	})
	assert.NotContains(t, r.stdout, "FAILED (restored")
	noSecret(t, r)
	m := regexp.MustCompile(`it is saved in (\S+)`).FindStringSubmatch(r.stderr)
	require.NotNil(t, m, r.stderr)
	file, err := os.ReadFile(m[1])
	require.NoError(t, err)
	assert.Equal(t, string(saved), string(file))
	require.NoError(t, os.Remove(m[1]))
}

// TestProbeCleanupFailure checks that a scratch bucket probe cannot
// delete is named, with the command that deletes it.
func TestProbeCleanupFailure(t *testing.T) {
	t.Parallel()
	ps := newProbeServer(t, "us-east-1", "", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Method == http.MethodDelete && strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0 && !r.URL.Query().Has("cors") {
			s3error.Write(w, r, http.StatusForbidden, "AccessDenied", "Access Denied")
			return
		}
		next.ServeHTTP(w, r)
	})
	r := runProbeTest(t, probeOptions{}, creds(ps.srv.URL)...)
	require.Equal(t, 3, r.code, r.stderr)
	names := ps.fake.BucketNames()
	require.Len(t, names, 1)
	assert.Contains(t, r.stderr, "left behind: bucket "+names[0])
	assert.Contains(t, r.stderr, "aws s3 rb s3://"+names[0]+" --force --endpoint-url "+ps.srv.URL)
	assert.Contains(t, r.stderr, "403 AccessDenied")
}

// TestProbeInterrupted checks that Ctrl-C in the middle of a run still
// deletes the scratch bucket and restores a bucket's configuration.
func TestProbeInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var count atomic.Int64
	ps := newProbeServer(t, "us-east-1", "", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if count.Add(1) == 100 {
			cancel()
		}
		next.ServeHTTP(w, r)
	})
	ps.fake.AddBucket("mine")
	ps.putCORS(t, "mine", savedConfig)
	_, before := ps.getCORS(t, "mine")
	stop := func() (context.Context, context.CancelFunc) { return ctx, func() {} }
	r := runProbeTest(t, probeOptions{stop: stop}, append(creds(ps.srv.URL), "--bucket", "mine")...)
	r.expect(t, 1, []string{"the run was cancelled: ", "vectors judged; the others say nothing of the endpoint", "\n---- ", "not judged: the run was cancelled",
		"cleanup: restored the CORS configuration of bucket mine byte for byte"}, nil)
	_, after := ps.getCORS(t, "mine")
	assert.Equal(t, string(before), string(after))

	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	var count2 atomic.Int64
	ps2 := newProbeServer(t, "us-east-1", "", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if count2.Add(1) == 100 {
			cancel2()
		}
		next.ServeHTTP(w, r)
	})
	stop2 := func() (context.Context, context.CancelFunc) { return ctx2, func() {} }
	r = runProbeTest(t, probeOptions{stop: stop2}, creds(ps2.srv.URL)...)
	r.expect(t, 1, []string{"the run was cancelled: ", "cleanup: deleted the scratch bucket"}, nil)
	assert.Empty(t, ps2.fake.BucketNames())
}

// TestProbeUnreachable checks that vectors an endpoint that died did not
// answer are reported as not judged, not as failed, and that the counts
// and the markdown table say so.
func TestProbeUnreachable(t *testing.T) {
	t.Parallel()
	var count atomic.Int64
	dead := func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if count.Add(1) > 60 {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		next.ServeHTTP(w, r)
	}
	ps := newProbeServer(t, "us-east-1", "", dead)
	r := runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--format", "json", "--settle", "0")...)
	doc := decodeProbeJSON(t, r)
	assert.Equal(t, "unreachable", doc.State)
	assert.False(t, doc.Complete)
	assert.Positive(t, doc.NotJudged)
	assert.Equal(t, 0, doc.Failed, failedResults(r))
	assert.NotEqual(t, 0, r.code)
	total := 0
	for _, b := range doc.Behaviours {
		total += b.NotJudged
	}
	assert.Positive(t, total)

	count.Store(0)
	md := runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--format", "markdown", "--settle", "0")...)
	md.expect(t, md.code, []string{"not judged)", "(endpoint stopped answering, "}, nil)
	assert.NotContains(t, md.stdout, "❌")
}

// TestProbeDryRun checks that a dry run sends nothing and lists the
// requests of a run.
func TestProbeDryRun(t *testing.T) {
	t.Parallel()
	ps := newProbeServer(t, "us-east-1", "", nil)
	r := runProbeTest(t, probeOptions{}, "--endpoint", ps.srv.URL, "--dry-run")
	r.expect(t, 0, []string{"dry run: nothing was sent to " + ps.srv.URL, "   1  PUT " + ps.srv.URL + "/s3cors-probe-", "OPTIONS " + ps.srv.URL + "/s3cors-probe-", "headers: Authorization, X-Amz-Content-Sha256, X-Amz-Date", "headers: Authorization, Content-Length, Content-Md5, X-Amz-Content-Sha256, X-Amz-Date"}, nil)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	assert.Regexp(t, `^ *\d+  DELETE `+regexp.QuoteMeta(ps.srv.URL)+`/s3cors-probe-[0-9a-f]{16}$`, lines[len(lines)-2], "the last request deletes the scratch bucket")

	r = runProbeTest(t, probeOptions{}, "--endpoint", ps.srv.URL, "--dry-run", "--bucket", "mine", "--format", "json")
	require.Equal(t, 0, r.code, r.stderr)
	doc := decodeProbeJSON(t, r)
	assert.True(t, doc.DryRun)
	require.NotEmpty(t, doc.Requests)
	assert.Equal(t, s3client.LoggedRequest{Method: "GET", URL: ps.srv.URL + "/mine?cors", Headers: []string{"Authorization", "X-Amz-Content-Sha256", "X-Amz-Date"}}, doc.Requests[0])
	last := doc.Requests[len(doc.Requests)-1]
	assert.Equal(t, "GET", last.Method, "the restore is checked last")
	assert.Zero(t, ps.requests.Load(), "a dry run sent requests")
}

// TestProbeVirtualHost checks that --virtual-host moves the bucket into
// the host name of every request, signed as sent.
func TestProbeVirtualHost(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bad []string
	ps := newProbeServer(t, "us-east-1", "s3.probe.test", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		name, _, ok := strings.Cut(hostName(r.Host), ".s3.probe.test")
		if !ok || name == "" || strings.HasPrefix(r.URL.Path, "/"+name) {
			mu.Lock()
			bad = append(bad, r.Method+" "+r.Host+r.URL.String())
			mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
	addr := ps.srv.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	endpoint := "http://s3.probe.test:" + port
	ps.fake.AddBucket("mine")
	r := runProbeTest(t, probeOptions{dial: dial}, append(creds(endpoint), "--virtual-host", "--bucket", "mine")...)
	r.expect(t, 0, []string{"virtual-host", " 0 failed"}, nil)
	r = runProbeTest(t, probeOptions{dial: dial}, append(creds(endpoint), "--virtual-host")...)
	r.expect(t, 0, []string{" 0 failed", "cleanup: deleted the scratch bucket"}, nil)
	assert.Empty(t, bad, "requests not in virtual-hosted style")
	assert.Equal(t, []string{"mine"}, ps.fake.BucketNames())
	assert.Positive(t, ps.requests.Load())
}

func TestProbeUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{}, "probe: --endpoint is required: pass the base URL"},
		{[]string{"--endpoint", "s3.example.com", "--dry-run"}, `probe: --endpoint "s3.example.com" is not an http or https URL`},
		{[]string{"--endpoint", "https://s3.example.com/bucket", "--dry-run"}, "has more than a scheme, host and port"},
		{[]string{"--endpoint", "https://s3.example.com"}, "probe: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
		{[]string{"--endpoint", "https://s3.example.com", "--access-key", "AKID"}, "an access key ID without a secret access key"},
		{[]string{"--endpoint", "https://s3.example.com", "--dry-run", "--path-style", "--virtual-host"}, "--path-style and --virtual-host are both given"},
		{[]string{"--endpoint", "https://s3.example.com", "--dry-run", "--format", "yaml"}, `"yaml" is not one of text, json, markdown`},
		{[]string{"--endpoint", "https://s3.example.com", "--dry-run", "--bucket", "Bad_Name"}, `--bucket "Bad_Name" is not a bucket name`},
		{[]string{"--endpoint", "https://s3.example.com", "--dry-run", "--settle", "-1s"}, "--settle is negative"},
		{[]string{"--endpoint", "https://s3.example.com", "--dry-run", "extra"}, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			runProbeTest(t, probeOptions{}, tt.args...).expect(t, 2, nil, []string{tt.stderr})
		})
	}
	s3cors(t, "", "probe", "--help").expect(t, 0, []string{"Usage: s3cors probe", "--endpoint"}, nil)
}

// hostName returns host without its port.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// TestProbeSetUpDifferences checks that a set-up call answered differently
// from S3 (DeleteBucketCors answering 200 where S3 answers 204, as some
// servers do) is reported with the vectors it set up, which are played all
// the same.
func TestProbeSetUpDifferences(t *testing.T) {
	t.Parallel()
	ps := newProbeServer(t, "us-east-1", "", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Method != http.MethodDelete || !r.URL.Query().Has("cors") {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if rec.Code == http.StatusNoContent {
			rec.Code = http.StatusOK
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
	r := runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--format", "json", "--settle", "0")...)
	doc := decodeProbeJSON(t, r)
	withSetUp := 0
	for _, res := range doc.Results {
		if len(res.SetUp) > 0 {
			withSetUp++
		}
	}
	assert.Positive(t, withSetUp, "no vector reports its set-up")
	assert.Equal(t, "complete", doc.State)

	text := runProbeTest(t, probeOptions{}, append(creds(ps.srv.URL), "--settle", "0")...)
	text.expect(t, text.code, []string{"set-up differs from S3 (the vector was played all the same): "}, nil)
}
