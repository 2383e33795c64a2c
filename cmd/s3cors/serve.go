package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/dnsrebinding"
	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/rule"
)

// The timeouts of serve's HTTP server, so that a stalled or idle client
// does not hold a connection (and its goroutine) forever.
const (
	// serveReadHeaderTimeout bounds the time a client takes to send a
	// request's head: browsers and curl send it at once.
	serveReadHeaderTimeout = 10 * time.Second
	// serveReadTimeout bounds the time a client takes to send a whole
	// request, body included: the server is read-only, so bodies are
	// small or refused.
	serveReadTimeout = 30 * time.Second
	// serveWriteTimeout bounds the time from the end of a request's head to
	// the end of its response: ample for files served to a local browser.
	serveWriteTimeout = 30 * time.Second
	// serveIdleTimeout is how long a keep-alive connection may wait for its
	// next request; a browser whose connection was closed opens a new one.
	serveIdleTimeout = 60 * time.Second
	// serveShutdownTimeout is how long requests in progress may finish
	// after Ctrl-C.
	serveShutdownTimeout = 5 * time.Second
)

// serveTimeouts are the timeouts of serve's http.Server.
type serveTimeouts struct {
	readHeader, read, write, idle time.Duration
}

// serveOptions are what runServe fixes and tests change.
type serveOptions struct {
	timeouts serveTimeouts
	// stop returns a context that is done when the server must stop, and
	// its release; serve calls it once it listens.
	stop func() (context.Context, context.CancelFunc)
	// listening, when not nil, is called with the address once the server
	// listens.
	listening func(net.Addr)
}

func runServe(e *env, args []string) int {
	return serve(e, args, serveOptions{
		timeouts: serveTimeouts{
			readHeader: serveReadHeaderTimeout,
			read:       serveReadTimeout,
			write:      serveWriteTimeout,
			idle:       serveIdleTimeout,
		},
		stop: func() (context.Context, context.CancelFunc) {
			return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		},
	})
}

// serve runs the serve command with args until opts.stop's context is done.
func serve(e *env, args []string, opts serveOptions) int {
	flags := newFlagSet("serve")
	config := flags.String("config", "", "")
	dir := flags.String("dir", "", "")
	addr := flags.String("addr", "127.0.0.1:8080", "")
	var cacheSafe, cacheSafeOld, writable, dotfiles boolFlag
	flags.Var(&cacheSafe, "cache-safe-vary", "")
	flags.Var(&cacheSafeOld, "cache-safe", "") // the former name, still accepted
	flags.Var(&writable, "writable", "")
	flags.Var(&dotfiles, "dotfiles", "")
	var anyHost boolFlag
	flags.Var(&anyHost, "any-host", "")
	maxUpload := sizeFlag(defaultMaxUpload)
	flags.Var(&maxUpload, "max-upload", "")
	pos, err := parseArgs(flags, args)
	if err != nil {
		return flagError(e, "serve", err)
	}
	// The configuration is a positional argument, as in every command;
	// --config, its former flag, is still accepted.
	switch {
	case len(pos) > 1 || len(pos) == 1 && *config != "":
		if *config != "" {
			pos = append(pos, *config)
		}
		return usageError(e, "serve", fmt.Sprintf("one configuration file expected, got %d (%s)", len(pos), strings.Join(pos, " ")), "serve one configuration at a time, such as 's3cors serve cors.json --dir ./public'")
	case len(pos) == 1:
		*config = pos[0]
	case *config == "":
		return usageError(e, "serve", "no configuration file given", "pass the CORS configuration first, such as 's3cors serve cors.json --dir ./public'")
	}
	cacheSafe = cacheSafe || cacheSafeOld
	switch {
	case *dir == "":
		return usageError(e, "serve", "--dir is required", "pass the folder to serve, such as --dir ./public")
	}
	if fi, err := os.Stat(e.path(*dir)); err != nil || !fi.IsDir() {
		return usageError(e, "serve", fmt.Sprintf("%s is not a folder", *dir), "pass an existing folder to --dir")
	}
	doc, err := readConfig(e, *config)
	if err != nil {
		return readFailed(e, "serve", "", *config, err)
	}
	c, err := parseConfig(doc)
	if err != nil {
		return refusedConfig(e, "serve", *config, err)
	}
	p, err := cors.Compile(c)
	if err != nil {
		return refusedConfig(e, "serve", *config, err)
	}

	var corsOpts []cors.Option
	if cacheSafe {
		corsOpts = append(corsOpts, cors.WithCacheSafeVary())
	}
	root, err := os.OpenRoot(e.path(*dir))
	if err != nil {
		return usageError(e, "serve", fmt.Sprintf("cannot open the folder %s: %v", *dir, unwrapPathError(err)), "check its permissions")
	}
	defer root.Close()
	if writable {
		if err := prepareUploads(root); err != nil {
			return usageError(e, "serve", fmt.Sprintf("cannot prepare the folder %s/%s for uploads: %v", *dir, uploadDir, unwrapPathError(err)), "check the folder's permissions, or start without --writable")
		}
	}
	files := &bucketFiles{dir: *dir, root: root, dotfiles: bool(dotfiles), writable: bool(writable), maxUpload: int64(maxUpload)}
	// The middleware is outside, so that errors get the CORS headers too.
	served := &servedBucket{p: p, c: c}
	corsOpts = append(corsOpts, cors.WithObserver(served.observe))
	handler := logRequests(e, cors.Middleware(served, corsOpts...)(files))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usageError(e, "serve", fmt.Sprintf("cannot listen on %s: %v", *addr, unwrapOpError(err)), "pick another address with --addr, such as --addr 127.0.0.1:0 for any free port")
	}
	if !anyHost {
		handler = dnsrebinding.LocalOnly(handler, ln.Addr())
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: opts.timeouts.readHeader,
		ReadTimeout:       opts.timeouts.read,
		WriteTimeout:      opts.timeouts.write,
		IdleTimeout:       opts.timeouts.idle,
	}

	ctx, stop := opts.stop()
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	mode := ""
	if writable {
		mode = " (writable: PUT stores, DELETE removes)"
	}
	fmt.Fprintf(e.stdout, "s3cors: serving %s%s with the CORS configuration %s at http://%s/ (Ctrl-C to stop)\n", *dir, mode, *config, ln.Addr())
	if opts.listening != nil {
		opts.listening(ln.Addr())
	}

	return untilStopped(e, "serve", ctx, srv, ln, done)
}

// untilStopped waits for ctx to be done, or for srv, serving ln, to fail
// (done), then shuts srv down, giving requests in progress
// serveShutdownTimeout to finish; it returns the command's exit code.
func untilStopped(e *env, command string, ctx context.Context, srv *http.Server, ln net.Listener, done <-chan error) int {
	select {
	case err := <-done:
		fmt.Fprintf(e.stderr, "%s: stopped accepting connections on %s: %v: start s3cors %s again\n", command, ln.Addr(), unwrapOpError(err), command)
		return exitUsage
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stderr, "s3cors: shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "%s: requests still in progress after %v were cut off\n", command, serveShutdownTimeout)
		srv.Close()
	}
	return exitOK
}

// unwrapOpError drops the operation and address that the message already
// names.
func unwrapOpError(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}

// sizeFlag is a size in bytes, given as a number with an optional KiB,
// MiB or GiB suffix.
type sizeFlag int64

func (f *sizeFlag) String() string { return strconv.FormatInt(int64(*f), 10) }

func (f *sizeFlag) Set(v string) error {
	mult := int64(1)
	num := v
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			num, mult = n, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size: give a number of bytes, optionally with KiB, MiB or GiB, such as 100MiB", v)
	}
	*f = sizeFlag(n * mult)
	return nil
}

// statusRecorder remembers the status a handler writes.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// servedBucket is the Resolver of serve: one policy for every request, the
// target taken from the URL path, and the CORS part of each log line taken
// from the answer the middleware gives (see cors.WithObserver), so that no
// request is evaluated twice.
type servedBucket struct {
	p *cors.Policy
	c *rule.Configuration // p's configuration, for rule labels
}

func (b *servedBucket) ResolveCORS(r *http.Request) (*cors.Policy, cors.Target) {
	if r.URL.Path == "" || r.URL.Path == "/" {
		return b.p, cors.TargetBucket
	}
	return b.p, cors.TargetObject
}

// observe writes the verdict for the log line that logRequests prints.
func (b *servedBucket) observe(r *http.Request, res cors.Result) {
	if slot, ok := r.Context().Value(verdictKey{}).(*string); ok {
		*slot = verdict(b.c, r, res)
	}
}

// verdictKey is the request context key of a log line's CORS verdict.
type verdictKey struct{}

// logRequests writes one line per request to standard error: method, path,
// status and the CORS verdict that the middleware inside next reports.
func logRequests(e *env, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		v := "cors: not evaluated"
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), verdictKey{}, &v)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		fmt.Fprintf(e.stderr, "%s %s %s %d %s\n", time.Now().Format("15:04:05"), r.Method, r.URL.RequestURI(), rec.status, v)
	})
}

// verdict describes how CORS treated r, whose answer is res: the rule that
// matched, a refusal, or no Origin.
func verdict(c *rule.Configuration, r *http.Request, res cors.Result) string {
	origin := r.Header.Get("Origin")
	if origin == "" && !res.Preflight {
		return "cors: no Origin"
	}
	if res.Matched {
		return fmt.Sprintf("cors: %s matched origin %s", explain.RuleLabel(c.Rules[res.Rule], res.Rule), origin)
	}
	if res.Preflight {
		if origin == "" {
			return "cors: preflight refused (no Origin)"
		}
		msg := res.Error.Message
		if strings.HasPrefix(msg, "CORSResponse: ") {
			msg = "no rule matches"
		}
		return fmt.Sprintf("cors: preflight refused for origin %s (%s)", origin, msg)
	}
	return fmt.Sprintf("cors: no rule matches origin %s (no CORS headers)", origin)
}
