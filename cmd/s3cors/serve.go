package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/hook"
	"github.com/s3cors/s3cors/rule"
)

func runServe(e *env, args []string) int {
	flags := newFlagSet("serve")
	config := flags.String("config", "", "")
	dir := flags.String("dir", "", "")
	addr := flags.String("addr", "127.0.0.1:8080", "")
	cacheSafe := flags.Bool("cache-safe", false, "")
	pos, err := parseArgs(flags, args)
	if err != nil {
		return flagError(e, "serve", err)
	}
	switch {
	case len(pos) > 0:
		return usageError(e, "serve", fmt.Sprintf("unexpected argument %q", pos[0]), "name the files with flags, such as 's3cors serve --config cors.json --dir ./public'")
	case *config == "":
		return usageError(e, "serve", "--config is required", "pass the CORS configuration, such as --config cors.json")
	case *dir == "":
		return usageError(e, "serve", "--dir is required", "pass the folder to serve, such as --dir ./public")
	}
	if fi, err := os.Stat(e.path(*dir)); err != nil || !fi.IsDir() {
		return usageError(e, "serve", fmt.Sprintf("%s is not a folder", *dir), "pass an existing folder to --dir")
	}
	doc, err := readInput(e, *config)
	if err != nil {
		fmt.Fprintf(e.stderr, "serve: cannot read %s: %v: check the path and permissions\n", displayName(*config), unwrapPathError(err))
		return exitUsage
	}
	c, err := rule.Parse(doc)
	if err != nil {
		return refusedConfig(e, "serve", *config, err)
	}
	p, err := cors.Compile(c)
	if err != nil {
		return refusedConfig(e, "serve", *config, err)
	}

	var opts []cors.Option
	if *cacheSafe {
		opts = append(opts, cors.WithCacheSafeVary())
	}
	files := http.FileServer(http.Dir(e.path(*dir)))
	handler := logRequests(e, cors.Middleware(&servedBucket{p: p, c: c}, opts...)(readOnly(files)))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usageError(e, "serve", fmt.Sprintf("cannot listen on %s: %v", *addr, unwrapOpError(err)), "pick another address with --addr, such as --addr 127.0.0.1:0 for any free port")
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(e.stdout, "s3cors: serving %s with the CORS configuration %s at http://%s/ (Ctrl-C to stop)\n", *dir, *config, ln.Addr())

	select {
	case err := <-done:
		fmt.Fprintf(e.stderr, "serve: %v\n", err)
		return exitUsage
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stderr, "s3cors: shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "serve: %v\n", err)
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

// readOnly refuses methods that would change the bucket, as S3 would
// without credentials; the CORS headers still apply to the refusal.
func readOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "this development server is read-only", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
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
// from the answer the middleware gives (see package internal/hook), so that
// no request is evaluated twice.
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

// ObserveCORS writes the verdict for the log line that logRequests prints.
func (b *servedBucket) ObserveCORS(_ hook.Key, r *http.Request, res cors.Result) {
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
		return fmt.Sprintf("cors: %s matched origin %s", ruleLabel(c.Rules[res.Rule], res.Rule), origin)
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
