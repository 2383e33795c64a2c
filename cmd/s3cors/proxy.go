package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

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
	etcd := flags.String("etcd", "", "")
	memory := flags.Bool("memory", false, "")
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
	if p, err := proxy.New(cfg); err != nil { // the upstream checked before the store is opened
		return usageError(e, "proxy", err.Error(), "see 's3cors help proxy'")
	} else {
		p.Close()
	}
	if *data != "" {
		*data = e.path(*data)
	}
	store, err := openProxyStore(*data, *etcd, *memory, hooks.getenv, e.stderr)
	if err != nil {
		return usageError(e, "proxy", err.Error(), "pass --data DIR, --etcd ENDPOINTS or --memory")
	}
	if store.close != nil {
		defer store.close()
	}
	cfg.StoreOptions = store.options
	p, err := proxy.New(cfg)
	if err != nil {
		return usageError(e, "proxy", err.Error(), "see 's3cors help proxy'")
	}
	defer p.Close()
	// The Store loads the configurations, answering 503 until it has, then
	// follows the changes other proxies on the same backend make.
	syncCtx, stopSync := context.WithCancel(context.Background())
	synced := make(chan struct{})
	go func() { _ = p.Store().Sync(syncCtx); close(synced) }()
	defer func() { stopSync(); <-synced }()
	go warnWhileLoading(syncCtx, e, p, store.where)

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
	fmt.Fprintln(e.stderr, "s3cors: "+store.where)
	if hooks.listening != nil {
		hooks.listening(ln.Addr())
	}
	return untilStopped(e, "proxy", ctx, srv, ln, done)
}

// warnWhileLoading says once, after a few seconds, that the configurations
// are still being loaded, such as from an etcd that cannot be reached, so
// that 503 answers to preflights have a visible cause.
func warnWhileLoading(ctx context.Context, e *env, p *proxy.Proxy, where string) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for deadline := time.Now().Add(5 * time.Second); !p.Store().Ready(); {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if now.After(deadline) {
				fmt.Fprintf(e.stderr, "s3cors: warning: the configurations are not loaded yet (%s): preflights and ?cors calls get 503 until they are\n", where)
				return
			}
		}
	}
}
