package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// Target is the S3 server the vectors are played against: an http.Handler
// called in-process, or a server running at a base URL. Either way the
// server must take path-style URLs and the S3 API calls the runner sets
// each vector's bucket up with: CreateBucket (PUT /bucket) and
// PutBucketCors (PUT /bucket?cors); GetBucketCors and DeleteBucketCors for
// the vectors of those calls.
type Target struct {
	// Handler, when set, is called in-process for every request.
	Handler http.Handler

	// URL is the base URL of a running server, such as
	// "http://127.0.0.1:9000", used when Handler is nil.
	URL string

	// Client sends the requests to URL; nil means http.DefaultClient.
	Client *http.Client

	// Sign, when set, signs every request but preflights before it is
	// sent, as an S3 client would: for a server that authenticates
	// requests. Preflights are never signed: browsers do not sign them.
	Sign func(*http.Request) error

	// Vectors holds the vector files to play, at its root; nil means the
	// ones embedded in this package (see Corpus).
	Vectors fs.FS

	// Bucket, when set, names an existing bucket in which every vector
	// whose bucket exists is played, one after another, instead of a
	// bucket created for each: for servers where creating buckets is slow,
	// costly or not allowed, such as a live S3 account. The runner then
	// replaces and deletes the bucket's CORS configuration as the vectors
	// need (saving and restoring the bucket's own is the caller's), keeps
	// the objects it names under a key prefix of its own, and deletes the
	// objects that vectors may have written before it returns.
	Bucket string

	// Keep, when true, leaves on the target what the run created: the
	// buckets, their configurations and the objects that vectors wrote.
	// By default the runner deletes them after each vector, and what an
	// interrupted vector left at the end of the run; what it could not
	// delete is listed in Report.Leftovers.
	Keep bool

	// Settle is the longest the runner waits for a change of a bucket's
	// configuration to take effect, on servers that apply changes
	// eventually, as S3 does. After each PutBucketCors and
	// DeleteBucketCors it sets a bucket up with, it polls GetBucketCors
	// until it answers with the new state, then a preflight until the
	// answer is the new configuration's; each Result records how long
	// that took. Zero means no waiting.
	Settle time.Duration
}

// inProcessBase is the URL of in-process requests.
const inProcessBase = "http://s3.conformance.test"

// response is an answer to one request.
type response struct {
	status     int
	header     http.Header
	body       []byte
	protoMajor int
}

// maxBody bounds what the runner reads of an answer.
const maxBody = 1 << 20

// do sends one request to the target.
func (t *Target) do(ctx context.Context, method, path string, header http.Header, body []byte) (response, error) {
	base := t.URL
	if t.Handler != nil {
		base = inProcessBase
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	if err := ctx.Err(); err != nil {
		return response{}, &unjudged{"the run was cancelled: " + err.Error(), err}
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+path, rd)
	if err != nil {
		return response{}, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if t.Sign != nil && method != http.MethodOptions {
		if err := t.Sign(req); err != nil {
			return response{}, &unjudged{"signing the request: " + err.Error(), err}
		}
	}
	if t.Handler != nil {
		// A handler gets a request as a server makes it.
		req.RemoteAddr = "192.0.2.1:1234"
		req.RequestURI = req.URL.RequestURI()
		if req.Body == nil {
			req.Body = http.NoBody
		}
		rec := &recorder{header: http.Header{}}
		t.Handler.ServeHTTP(rec, req)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		headers := rec.sent
		if headers == nil {
			headers = rec.header
		}
		return response{rec.status, headers, rec.body, 1}, nil
	}
	client := t.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, unreachable(ctx, method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return response{}, unreachable(ctx, method, path, err)
	}
	// net/http moves "Connection: close" into resp.Close; put it back so
	// that vectors can check it.
	if resp.Close && resp.Header.Get("Connection") == "" {
		resp.Header.Set("Connection", "close")
	}
	return response{resp.StatusCode, resp.Header, b, resp.ProtoMajor}, nil
}

// unjudged is an error that keeps a vector from being judged: the target
// gave no answer, or the run was cancelled (NotJudged).
type unjudged struct {
	reason string
	err    error
}

func (e *unjudged) Error() string { return e.reason }
func (e *unjudged) Unwrap() error { return e.err }

// unreachable returns the error of a request that got no complete answer.
func unreachable(ctx context.Context, method, path string, err error) error {
	if ctx.Err() != nil {
		return &unjudged{"the run was cancelled: " + ctx.Err().Error(), err}
	}
	return &unjudged{"the target did not answer " + method + " " + path + ": " + err.Error(), err}
}

// isUnjudged reports whether err keeps a vector from being judged.
func isUnjudged(err error) bool {
	var u *unjudged
	return errors.As(err, &u)
}

// recorder is the ResponseWriter of in-process requests. It keeps the
// header as it was when the status was written, and at most maxBody bytes
// of the body; a handler writing more gets an error.
type recorder struct {
	header http.Header
	sent   http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status != 0 || code < 200 {
		return
	}
	r.status = code
	r.sent = r.header.Clone()
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if len(r.body)+len(b) > maxBody {
		return 0, errors.New("conformance: the answer is larger than 1 MiB")
	}
	r.body = append(r.body, b...)
	return len(b), nil
}

// Flush lets handlers flush, as S3 servers do before an error body.
func (r *recorder) Flush() { r.WriteHeader(http.StatusOK) }
