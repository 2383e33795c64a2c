package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/internal/sigv4"
)

// exitRestore is probe's exit code when the bucket's CORS configuration
// could not be restored or the scratch bucket could not be deleted.
const exitRestore = 3

const (
	// probeCleanupTimeout bounds the cleanup after a run (deleting the
	// scratch bucket, or restoring the bucket's configuration), on top of
	// --settle, whether the run ended, failed or was interrupted.
	probeCleanupTimeout = 2 * time.Minute
	// probeAttempts is how many times a cleanup or restore call is sent
	// before probe gives up on it.
	probeAttempts = 4
)

// probeOptions are what runProbe fixes and tests change.
type probeOptions struct {
	// getenv reads the environment (credentials, region).
	getenv func(string) string
	// stop returns a context that is done when the run must stop (Ctrl-C),
	// and its release.
	stop func() (context.Context, context.CancelFunc)
	// dial, when not nil, opens every connection to the endpoint, whatever
	// host the URL names: tests route virtual-hosted names to loopback.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// now is the clock requests are signed with.
	now func() time.Time
}

func runProbe(e *env, args []string) int {
	return probe(e, args, probeOptions{
		getenv: os.Getenv,
		stop: func() (context.Context, context.CancelFunc) {
			return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		},
	})
}

// probeConfig is the parsed command line of probe.
type probeConfig struct {
	endpoint *url.URL
	region   string
	bucket   string // --bucket; "" for a scratch bucket
	virtual  bool
	creds    sigv4.Credentials
	settle   time.Duration
	timeout  time.Duration
	format   string
	dryRun   bool
}

func probe(e *env, args []string, opts probeOptions) int {
	if opts.getenv == nil {
		opts.getenv = func(string) string { return "" }
	}
	if opts.stop == nil {
		opts.stop = func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	cfg, code, ok := parseProbeArgs(e, args, opts)
	if !ok {
		return code
	}

	var rec *requestLog
	var fake *fakeS3
	var base http.RoundTripper
	if cfg.dryRun {
		fake = newFakeS3(cfg.endpoint.Host)
		if cfg.bucket != "" {
			fake.addBucket(cfg.bucket)
		}
		rec = &requestLog{}
		base = rec.wrap(handlerTransport{fake.handler(nil)})
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if opts.dial != nil {
			tr.DialContext = opts.dial
		}
		base = tr
	}
	p := &prober{
		cfg: cfg,
		client: &http.Client{
			Transport: &signingTransport{
				base:    base,
				creds:   cfg.creds,
				region:  cfg.region,
				virtual: cfg.virtual,
				host:    cfg.endpoint.Host,
				now:     opts.now,
			},
			Timeout: cfg.timeout,
			// S3 answers a request sent to the wrong region with a
			// redirect; probe reports it rather than following it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		stderr: e.stderr,
	}

	ctx, stop := opts.stop()
	defer stop()
	out := p.run(ctx)

	if cfg.dryRun {
		return printDryRun(e, cfg, rec.entries(), out)
	}
	return printProbeReport(e, cfg, out)
}

// parseProbeArgs parses probe's command line; ok is false when the
// command must exit with code.
func parseProbeArgs(e *env, args []string, opts probeOptions) (cfg probeConfig, code int, ok bool) {
	flags := newFlagSet("probe")
	endpoint := flags.String("endpoint", "", "")
	region := flags.String("region", "", "")
	bucketName := flags.String("bucket", "", "")
	var pathStyle, virtualHost, dryRun boolFlag
	flags.Var(&pathStyle, "path-style", "")
	flags.Var(&virtualHost, "virtual-host", "")
	flags.Var(&dryRun, "dry-run", "")
	accessKey := flags.String("access-key", "", "")
	secretKey := flags.String("secret-key", "", "")
	sessionToken := flags.String("session-token", "", "")
	settle := flags.Duration("settle", 60*time.Second, "")
	timeout := flags.Duration("timeout", 30*time.Second, "")
	format := &choice{"text", []string{"text", "json", "markdown"}}
	flags.Var(format, "format", "")
	rest, err := parseArgs(flags, args)
	if err != nil {
		return cfg, flagError(e, "probe", err), false
	}
	fail := func(problem, fix string) (probeConfig, int, bool) {
		return cfg, usageError(e, "probe", problem, fix), false
	}
	if len(rest) > 0 {
		return fail(fmt.Sprintf("unexpected argument %q", rest[0]), "probe takes flags only, such as 's3cors probe --endpoint https://s3.example.com'")
	}
	if *endpoint == "" {
		return fail("--endpoint is required", "pass the base URL of the S3 endpoint to test, such as --endpoint https://s3.eu-west-1.amazonaws.com")
	}
	u, err := url.Parse(*endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail(fmt.Sprintf("--endpoint %q is not an http or https URL", *endpoint), "pass a base URL such as https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fail(fmt.Sprintf("--endpoint %q has more than a scheme, host and port", *endpoint), "pass the endpoint without a path, query or user, such as https://s3.eu-west-1.amazonaws.com; name the bucket with --bucket")
	}
	u.Path = ""
	cfg.endpoint = u
	if pathStyle && virtualHost {
		return fail("--path-style and --virtual-host are both given", "pass one of them: --path-style (the default) or --virtual-host")
	}
	cfg.virtual = bool(virtualHost)
	cfg.region = *region
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if cfg.region == "" {
			cfg.region = opts.getenv(name)
		}
	}
	if cfg.region == "" {
		cfg.region = sigv4.DefaultRegion
	}
	if strings.ContainsAny(cfg.region, "/ \t\r\n") {
		return fail(fmt.Sprintf("--region %q is not a region name", cfg.region), "pass a region such as us-east-1 or eu-west-1")
	}
	cfg.bucket = *bucketName
	if setFlags(flags)["bucket"] && !validBucketName(cfg.bucket) {
		return fail(fmt.Sprintf("--bucket %q is not a bucket name", cfg.bucket), "pass the name of an existing bucket: 3 to 63 lower-case letters, digits, dots and hyphens")
	}
	if *settle < 0 {
		return fail("--settle is negative", "pass a duration such as 60s, or 0 not to wait for configuration changes")
	}
	if *timeout <= 0 {
		return fail("--timeout is not positive", "pass a duration such as 30s")
	}
	cfg.settle, cfg.timeout = *settle, *timeout
	cfg.format = format.value
	cfg.dryRun = bool(dryRun)

	cfg.creds = sigv4.Credentials{AccessKeyID: *accessKey, SecretAccessKey: *secretKey, SessionToken: *sessionToken}
	if cfg.creds.AccessKeyID == "" && cfg.creds.SecretAccessKey == "" {
		cfg.creds = sigv4.Credentials{
			AccessKeyID:     opts.getenv("AWS_ACCESS_KEY_ID"),
			SecretAccessKey: opts.getenv("AWS_SECRET_ACCESS_KEY"),
			SessionToken:    opts.getenv("AWS_SESSION_TOKEN"),
		}
		if *sessionToken != "" {
			cfg.creds.SessionToken = *sessionToken
		}
	}
	switch {
	case cfg.creds.AccessKeyID != "" && cfg.creds.SecretAccessKey != "":
	case cfg.dryRun:
		// A dry run sends nothing: it signs with placeholder keys, so
		// that the listing shows the headers a signed run sends.
		cfg.creds = sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "dry-run"}
	case cfg.creds.AccessKeyID == "" && cfg.creds.SecretAccessKey == "":
		return fail("no credentials", "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or pass --access-key and --secret-key")
	case cfg.creds.AccessKeyID == "":
		return fail("a secret access key without an access key ID", "set AWS_ACCESS_KEY_ID or pass --access-key with the key ID of the secret")
	default:
		return fail("an access key ID without a secret access key", "set AWS_SECRET_ACCESS_KEY or pass --secret-key with the secret of the key")
	}
	if strings.ContainsAny(cfg.creds.AccessKeyID, "/ \t\r\n") {
		return fail("the access key ID holds a slash or white space", "check AWS_ACCESS_KEY_ID or --access-key: key IDs are letters and digits")
	}
	return cfg, 0, true
}

// validBucketName reports whether name can be a bucket name in a URL.
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// probeOutcome is what a run did: the report of the vectors, and how the
// bucket was left.
type probeOutcome struct {
	bucket  string // the bucket played in: the scratch bucket or --bucket
	scratch bool

	started     bool   // the vectors were played, or begun
	startError  string // why the run did not start
	report      *conformance.Report
	interrupted bool   // Ctrl-C, or a run error that ended it early
	runError    string // the error the runner ended with

	// saved is the bucket's configuration before the run (--bucket):
	// GetBucketCors's body, or nil for none.
	saved    []byte
	hadSaved bool

	cleanup cleanupOutcome
}

// cleanupOutcome is how the bucket was left after the run.
type cleanupOutcome struct {
	Done    bool   `json:"done"`              // everything probe changed is undone
	Action  string `json:"action"`            // what probe did, or tried
	Problem string `json:"problem,omitempty"` // why it failed
	Remedy  string `json:"remedy,omitempty"`  // how to finish by hand
	// Left names what remains: the scratch bucket, or the bucket whose
	// configuration is not restored.
	Left string `json:"left,omitempty"`
	// Saved is the configuration to restore by hand when the restore
	// failed, as GetBucketCors returned it.
	Saved string `json:"saved_configuration,omitempty"`
	// SavedFile is where Saved was written, when it could be.
	SavedFile string `json:"saved_file,omitempty"`
}

// prober runs probe against one endpoint.
type prober struct {
	cfg    probeConfig
	client *http.Client
	stderr io.Writer
}

// run plays the vectors in a scratch bucket or in --bucket, and leaves the
// endpoint as it found it.
func (p *prober) run(ctx context.Context) probeOutcome {
	out := probeOutcome{bucket: p.cfg.bucket, scratch: p.cfg.bucket == ""}
	if out.scratch {
		var b [8]byte
		_, _ = rand.Read(b[:])
		out.bucket = "s3cors-probe-" + hex.EncodeToString(b[:])
		if err := p.createBucket(ctx, out.bucket); err != nil {
			out.startError = fmt.Sprintf("creating the scratch bucket %s: %v", out.bucket, err)
			// The bucket may exist nonetheless (a dropped answer):
			// delete it if so.
			out.cleanup = p.deleteScratch(ctx, out.bucket, true)
			return out
		}
	} else {
		saved, none, err := p.readCORS(ctx, out.bucket)
		if err != nil {
			out.startError = fmt.Sprintf("reading the CORS configuration of bucket %s: %v; probe would replace it and could not restore it, so it did not start: check the bucket name and that the credentials may call GetBucketCors, PutBucketCors and DeleteBucketCors on it", out.bucket, err)
			out.cleanup = cleanupOutcome{Done: true, Action: "nothing was changed"}
			return out
		}
		out.saved, out.hadSaved = saved, !none
	}

	out.started = true
	rep, err := conformance.Check(ctx, conformance.Target{
		URL:    p.cfg.endpoint.String(),
		Client: p.client,
		Bucket: out.bucket,
		Settle: p.cfg.settle,
	})
	if rep == nil {
		rep = &conformance.Report{}
	}
	out.report = rep
	if err != nil {
		out.interrupted = true
		out.runError = err.Error()
		if ctx.Err() != nil {
			out.runError = "interrupted: " + err.Error()
		}
	}

	if out.scratch {
		out.cleanup = p.deleteScratch(ctx, out.bucket, false)
	} else {
		out.cleanup = p.restore(ctx, out.bucket, out.saved, out.hadSaved)
	}
	return out
}

// cleanupContext is the context of the work after a run: not cancelled by
// Ctrl-C, bounded in time.
func (p *prober) cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), probeCleanupTimeout+p.cfg.settle)
}

// s3Response is an answer to one call.
type s3Response struct {
	status int
	header http.Header
	body   []byte
}

// code returns the S3 error code of an error answer, or "".
func (r s3Response) code() string {
	var doc struct{ Code string }
	if xml.Unmarshal(r.body, &doc) != nil {
		return ""
	}
	return doc.Code
}

func (r s3Response) String() string {
	if c := r.code(); c != "" {
		return fmt.Sprintf("%d %s", r.status, c)
	}
	return fmt.Sprintf("%d %s", r.status, http.StatusText(r.status))
}

// call sends one S3 API call, path-style (the transport rewrites it for
// --virtual-host and signs it).
func (p *prober) call(ctx context.Context, method, path string, header http.Header, body []byte) (s3Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.cfg.endpoint.String()+path, rd)
	if err != nil {
		return s3Response{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return s3Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return s3Response{resp.StatusCode, resp.Header, b}, err
}

// retry sends a call up to probeAttempts times while it fails with a
// network error or a 5xx answer, and returns the last answer.
func (p *prober) retry(ctx context.Context, method, path string, header http.Header, body []byte) (s3Response, error) {
	var resp s3Response
	var err error
	wait := 200 * time.Millisecond
	for i := 0; i < probeAttempts; i++ {
		resp, err = p.call(ctx, method, path, header, body)
		if err == nil && resp.status < 500 {
			return resp, nil
		}
		if ctx.Err() != nil || i == probeAttempts-1 {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait *= 2
	}
	if err != nil {
		return resp, err
	}
	return resp, fmt.Errorf("%s %s: %v", method, path, resp)
}

// createBucket creates the scratch bucket, in the region.
func (p *prober) createBucket(ctx context.Context, name string) error {
	var body []byte
	if p.cfg.region != sigv4.DefaultRegion {
		body = []byte(`<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>` + p.cfg.region + `</LocationConstraint></CreateBucketConfiguration>`)
	}
	resp, err := p.call(ctx, http.MethodPut, "/"+name, nil, body)
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return fmt.Errorf("CreateBucket answered %v: check that the credentials may create buckets, or pass --bucket to play the vectors in an existing bucket", resp)
	}
	return nil
}

// readCORS returns the bucket's configuration as GetBucketCors returns
// it, or none.
func (p *prober) readCORS(ctx context.Context, name string) (saved []byte, none bool, err error) {
	resp, err := p.retry(ctx, http.MethodGet, "/"+name+"?cors", nil, nil)
	if err != nil {
		return nil, false, err
	}
	switch {
	case resp.status == http.StatusOK:
		return resp.body, false, nil
	case resp.status == http.StatusNotFound && resp.code() == "NoSuchCORSConfiguration":
		return nil, true, nil
	}
	return nil, false, fmt.Errorf("GetBucketCors answered %v", resp)
}

// deleteScratch deletes the scratch bucket and every object in it. maybe
// says the bucket may not exist (its creation failed), and that its
// absence is then no problem.
func (p *prober) deleteScratch(ctx context.Context, name string, maybe bool) cleanupOutcome {
	ctx, cancel := p.cleanupContext(ctx)
	defer cancel()
	out := cleanupOutcome{Action: "deleted the scratch bucket " + name}
	fail := func(err error) cleanupOutcome {
		out.Done = false
		out.Problem = err.Error()
		out.Left = name
		out.Remedy = fmt.Sprintf("aws s3 rb s3://%s --force --endpoint-url %s", name, p.cfg.endpoint)
		return out
	}
	deleted := 0
	for round := 0; ; round++ {
		keys, err := p.listKeys(ctx, name)
		if err != nil {
			var missing errNoSuchBucket
			if errors.As(err, &missing) {
				if maybe {
					out.Action = "nothing to delete: the scratch bucket was not created"
				}
				out.Done = true
				return out
			}
			return fail(fmt.Errorf("listing its objects: %w", err))
		}
		for _, k := range keys {
			resp, err := p.retry(ctx, http.MethodDelete, "/"+name+"/"+escapeKey(k), nil, nil)
			if err != nil {
				return fail(fmt.Errorf("deleting object %s: %w", k, err))
			}
			if resp.status != http.StatusNoContent && resp.status != http.StatusOK && resp.status != http.StatusNotFound {
				return fail(fmt.Errorf("deleting object %s: DeleteObject answered %v", k, resp))
			}
			deleted++
		}
		resp, err := p.retry(ctx, http.MethodDelete, "/"+name, nil, nil)
		if err != nil {
			return fail(fmt.Errorf("DeleteBucket: %w", err))
		}
		switch {
		case resp.status == http.StatusNoContent || resp.status == http.StatusOK || resp.code() == "NoSuchBucket":
			if deleted > 0 {
				out.Action += fmt.Sprintf(" and the %d objects in it", deleted)
			}
			out.Done = true
			return out
		case resp.code() == "BucketNotEmpty" && round < 3:
			continue // a listing that lagged behind
		}
		return fail(fmt.Errorf("DeleteBucket answered %v", resp))
	}
}

// errNoSuchBucket is the error of a listing of a bucket that does not
// exist.
type errNoSuchBucket struct{}

func (errNoSuchBucket) Error() string { return "the bucket does not exist" }

// listKeys lists every object key of a bucket, with ListObjectsV2.
func (p *prober) listKeys(ctx context.Context, name string) ([]string, error) {
	var keys []string
	token := ""
	for {
		q := url.Values{"list-type": {"2"}}
		if token != "" {
			q.Set("continuation-token", token)
		}
		resp, err := p.retry(ctx, http.MethodGet, "/"+name+"?"+q.Encode(), nil, nil)
		if err != nil {
			return nil, err
		}
		if resp.status == http.StatusNotFound && resp.code() == "NoSuchBucket" {
			return nil, errNoSuchBucket{}
		}
		if resp.status != http.StatusOK {
			return nil, fmt.Errorf("ListObjectsV2 answered %v", resp)
		}
		var doc struct {
			IsTruncated           bool
			NextContinuationToken string
			Contents              []struct{ Key string }
		}
		if err := xml.Unmarshal(resp.body, &doc); err != nil {
			return nil, fmt.Errorf("ListObjectsV2 answered a document that does not parse: %v", err)
		}
		for _, c := range doc.Contents {
			keys = append(keys, c.Key)
		}
		if !doc.IsTruncated || doc.NextContinuationToken == "" {
			return keys, nil
		}
		token = doc.NextContinuationToken
	}
}

// escapeKey escapes an object key for a path, segment by segment.
func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// restore puts the bucket's saved configuration back, or deletes the one
// the run left, and checks that GetBucketCors reads the saved state.
func (p *prober) restore(ctx context.Context, name string, saved []byte, hadSaved bool) cleanupOutcome {
	ctx, cancel := p.cleanupContext(ctx)
	defer cancel()
	out := cleanupOutcome{Action: "restored the CORS configuration of bucket " + name + " byte for byte"}
	if !hadSaved {
		out.Action = "deleted the CORS configuration of bucket " + name + ", which had none"
	}
	fail := func(err error) cleanupOutcome {
		out.Done = false
		out.Problem = err.Error()
		out.Left = name
		if hadSaved {
			out.Saved = string(saved)
			out.SavedFile = saveConfiguration(name, saved)
			file := out.SavedFile
			if file == "" {
				file = "cors.xml"
				out.Remedy = "save the configuration below as cors.xml, then run: "
			}
			out.Remedy += fmt.Sprintf("aws s3api put-bucket-cors --bucket %s --endpoint-url %s --cors-configuration \"$(s3cors convert %s --to json)\"", name, p.cfg.endpoint, file)
		} else {
			out.Remedy = fmt.Sprintf("aws s3api delete-bucket-cors --bucket %s --endpoint-url %s", name, p.cfg.endpoint)
		}
		return out
	}
	if hadSaved {
		sum := md5.Sum(saved)
		h := http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}, "Content-Type": {"application/xml"}}
		resp, err := p.retry(ctx, http.MethodPut, "/"+name+"?cors", h, saved)
		if err != nil {
			return fail(fmt.Errorf("PutBucketCors: %w", err))
		}
		if resp.status != http.StatusOK {
			return fail(fmt.Errorf("PutBucketCors answered %v", resp))
		}
	} else {
		resp, err := p.retry(ctx, http.MethodDelete, "/"+name+"?cors", nil, nil)
		if err != nil {
			return fail(fmt.Errorf("DeleteBucketCors: %w", err))
		}
		if resp.status != http.StatusNoContent && resp.status != http.StatusOK {
			return fail(fmt.Errorf("DeleteBucketCors answered %v", resp))
		}
	}
	// Poll until GetBucketCors reads the saved state, up to --settle.
	deadline := time.Now().Add(p.cfg.settle)
	wait := 100 * time.Millisecond
	for {
		got, none, err := p.readCORS(ctx, name)
		if err == nil && none == !hadSaved && bytes.Equal(got, saved) {
			out.Done = true
			return out
		}
		if time.Now().Add(wait).After(deadline) {
			if err != nil {
				return fail(fmt.Errorf("checking the restored configuration: %w", err))
			}
			what := "no configuration"
			if !none {
				what = "a different configuration"
			}
			return fail(fmt.Errorf("after the restore GetBucketCors still reads %s (waited %v: pass a longer --settle if the endpoint applies changes slowly)", what, p.cfg.settle))
		}
		select {
		case <-ctx.Done():
			return fail(fmt.Errorf("checking the restored configuration: %w", ctx.Err()))
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// saveConfiguration writes a configuration that could not be restored to
// a file of its own in the temporary folder, and returns its name, or ""
// when it cannot be written.
func saveConfiguration(bucketName string, saved []byte) string {
	f, err := os.CreateTemp("", "s3cors-probe-"+bucketName+"-*.xml")
	if err != nil {
		return ""
	}
	_, err = f.Write(saved)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return ""
	}
	return f.Name()
}

// signingTransport sends the runner's requests, which are always
// path-style: with virtual set it moves the bucket into the host
// (bucket.host/key), then signs every request but preflights, so that the
// signature covers the URL sent.
type signingTransport struct {
	base    http.RoundTripper
	creds   sigv4.Credentials
	region  string
	virtual bool
	host    string // the endpoint's host, with its port
	now     func() time.Time
}

func (t *signingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	req := r.Clone(r.Context())
	req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.ContentLength = int64(len(body))
	}
	if t.virtual {
		virtualHost(req, t.host)
	}
	if req.Method != http.MethodOptions {
		if err := sigv4.Sign(req, t.creds, t.region, t.now(), sigv4.PayloadHash(body)); err != nil {
			return nil, fmt.Errorf("signing the request: %w", err)
		}
	}
	return t.base.RoundTrip(req)
}

// virtualHost rewrites a path-style request to host/bucket/key as
// bucket.host/key.
func virtualHost(r *http.Request, host string) {
	escaped := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	name, key, _ := strings.Cut(escaped, "/")
	if name == "" {
		return
	}
	name, _ = url.PathUnescape(name)
	rest := "/" + key
	path, err := url.PathUnescape(rest)
	if err != nil {
		return
	}
	u := *r.URL
	u.Host = name + "." + host
	u.Path, u.RawPath = path, ""
	if (&url.URL{Path: path}).EscapedPath() != rest {
		u.RawPath = rest
	}
	r.URL = &u
	r.Host = ""
}

// requestLog records the requests of a dry run.
type requestLog struct {
	list []loggedRequest
}

// loggedRequest is one request a run would send.
type loggedRequest struct {
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Headers []string `json:"headers"`
}

func (l *requestLog) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		var names []string
		for k := range r.Header {
			names = append(names, k)
		}
		if r.ContentLength > 0 {
			names = append(names, "Content-Length")
		}
		sort.Strings(names)
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		u := *r.URL
		u.Host = host
		l.list = append(l.list, loggedRequest{Method: r.Method, URL: u.String(), Headers: names})
		return next.RoundTrip(r)
	})
}

func (l *requestLog) entries() []loggedRequest { return l.list }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
