package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/s3cors/s3cors/internal/fakes3"
	"github.com/s3cors/s3cors/internal/probe"
	"github.com/s3cors/s3cors/internal/s3client"
	"github.com/s3cors/s3cors/internal/sigv4"
)

// exitRestore is probe's exit code when the bucket's CORS configuration
// could not be restored or the scratch bucket could not be deleted.
const exitRestore = 3

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
	return runProbeWith(e, args, probeOptions{
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

func runProbeWith(e *env, args []string, opts probeOptions) int {
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

	var rec *s3client.RequestLog
	var base http.RoundTripper
	if cfg.dryRun {
		fake := fakes3.New(cfg.endpoint.Host)
		if cfg.bucket != "" {
			fake.AddBucket(cfg.bucket)
		}
		rec = &s3client.RequestLog{}
		base = rec.Wrap(fakes3.Transport{Handler: fake.Handler(nil)})
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if opts.dial != nil {
			tr.DialContext = opts.dial
		}
		base = tr
	}
	client := &http.Client{
		Transport: &s3client.SigningTransport{
			Base:    base,
			Creds:   cfg.creds,
			Region:  cfg.region,
			Virtual: cfg.virtual,
			Host:    cfg.endpoint.Host,
			Now:     opts.now,
		},
		Timeout: cfg.timeout,
		// S3 answers a request sent to the wrong region with a
		// redirect; probe reports it rather than following it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	ctx, stop := opts.stop()
	defer stop()
	out := probe.Run(ctx, probe.Config{Endpoint: cfg.endpoint, Region: cfg.region, Bucket: cfg.bucket, Settle: cfg.settle, Client: client})

	if cfg.dryRun {
		return printDryRun(e, cfg, rec.Entries(), out)
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
