package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/internal/proxy"
	"github.com/s3cors/s3cors/internal/sigv4"
)

// proxyHooks are what runProxy fixes and tests change.
type proxyHooks struct {
	stop      func() (context.Context, context.CancelFunc)
	getenv    func(string) string
	listening func(net.Addr) // called once the proxy listens, when not nil
}

func runProxy(e *env, args []string) int {
	return runProxyWith(e, args, proxyHooks{
		stop: func() (context.Context, context.CancelFunc) {
			return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		},
		getenv: os.Getenv,
	})
}

// runProxyWith runs the proxy command until hooks.stop's context is done.
func runProxyWith(e *env, args []string, hooks proxyHooks) int {
	flags := newFlagSet("proxy")
	upstream := flags.String("upstream", "", "")
	listen := flags.String("listen", "127.0.0.1:9100", "")
	data := flags.String("data", "", "")
	credentials := flags.String("credentials", "", "")
	domain := flags.String("domain", "", "")
	pos, err := parseArgs(flags, args)
	switch {
	case err != nil:
		return flagError(e, "proxy", err)
	case len(pos) > 0:
		return usageError(e, "proxy", fmt.Sprintf("unexpected argument %q", pos[0]), "name the server with --upstream, such as 's3cors proxy --upstream http://127.0.0.1:9000'")
	case *upstream == "":
		return usageError(e, "proxy", "--upstream is required", "pass the S3 server's base URL, such as --upstream http://127.0.0.1:9000")
	}
	cfg := proxy.Config{Upstream: *upstream, Domain: *domain, Log: e.stderr}
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if cfg.Region == "" {
			cfg.Region = hooks.getenv(name)
		}
	}
	if *credentials != "" {
		f, err := os.Open(e.path(*credentials))
		if err != nil {
			return usageError(e, "proxy", fmt.Sprintf("cannot read the credentials file: %v", err), "pass a readable file of ACCESS_KEY_ID:SECRET lines")
		}
		secrets, first, err := proxy.ReadCredentials(f)
		f.Close()
		if err != nil {
			return usageError(e, "proxy", fmt.Sprintf("credentials file %s: %v", *credentials, err), "fix the file")
		}
		cfg.Secrets = secrets
		cfg.Credentials = sigv4.Credentials{AccessKeyID: first, SecretAccessKey: secrets[first]}
	} else {
		id, secret := hooks.getenv("AWS_ACCESS_KEY_ID"), hooks.getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			return usageError(e, "proxy", "no credentials for the ?cors API", "pass --credentials FILE (ACCESS_KEY_ID:SECRET lines) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
		}
		cfg.Secrets = map[string]string{id: secret}
		cfg.Credentials = sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: hooks.getenv("AWS_SESSION_TOKEN")}
	}
	var warning string
	cfg.StoreOptions, warning = storeOptions(*data)
	p, err := proxy.New(cfg)
	if err != nil {
		return usageError(e, "proxy", err.Error(), "see 's3cors help proxy'")
	}
	defer p.Close()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return usageError(e, "proxy", fmt.Sprintf("cannot listen on %s: %v", *listen, unwrapOpError(err)), "pick another address with --listen, such as --listen 127.0.0.1:0 for any free port")
	}
	// No read or write timeout bounds a whole request: objects may be
	// large. The proxy cuts off transfers that stall instead.
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	ctx, stop := hooks.stop()
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(e.stdout, "http://%s\n", ln.Addr())
	fmt.Fprintf(e.stderr, "s3cors: proxying http://%s to %s with S3's bucket CORS (Ctrl-C to stop)\n", ln.Addr(), *upstream)
	fmt.Fprintln(e.stderr, warning)
	if hooks.listening != nil {
		hooks.listening(ln.Addr())
	}
	select {
	case err := <-done:
		fmt.Fprintf(e.stderr, "proxy: stopped accepting connections on %s: %v: start s3cors proxy again\n", ln.Addr(), unwrapOpError(err))
		return exitUsage
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stderr, "s3cors: shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "proxy: requests still in progress after %v were cut off\n", serveShutdownTimeout)
		srv.Close()
	}
	return exitOK
}

// storeOptions is where the configurations are kept, and what to say
// about it at start: the one place a durable store plugs in.
func storeOptions(data string) ([]bucket.Option, string) {
	if data != "" {
		return nil, "s3cors: warning: --data " + data + " is not effective yet: bucket CORS configurations are kept in memory and LOST when the proxy stops"
	}
	return nil, "s3cors: warning: bucket CORS configurations are kept in memory and LOST when the proxy stops"
}
