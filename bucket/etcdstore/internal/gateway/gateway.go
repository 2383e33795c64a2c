// Package gateway is the smallest S3 gateway of a fleet that keeps bucket
// CORS in etcd: a [bucket.Store] on the etcd Backend, the ?cors API and the
// CORS middleware, in front of buckets that all exist and objects that
// answer 200. The fleet tests run it in processes of their own.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/etcdstore"
	"github.com/s3cors/s3cors/cors"
)

// Config is what a gateway needs.
type Config struct {
	Addr      string   // the address to listen on, 127.0.0.1:0 for any port
	Endpoints []string // the etcd members
	Prefix    string   // the key prefix of the configurations
}

// Handler returns the gateway's HTTP handler on store.
func Handler(store *bucket.Store) http.Handler {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("cors") {
			store.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Length", "2")
		_, _ = w.Write([]byte("ok"))
	})
	return cors.Middleware(store)(api)
}

// Run serves until ctx is done. It prints "listening ADDR" on stdout once
// it accepts connections, which it does before its Store's first load, and
// "ready" once the Store is ready.
func Run(ctx context.Context, cfg Config) error {
	client, err := clientv3.New(etcdstore.ClientConfig(cfg.Endpoints))
	if err != nil {
		return fmt.Errorf("gateway: etcd client: %w", err)
	}
	defer client.Close()
	store := bucket.NewStore(
		func(string) bool { return true },
		bucket.WithBackend(etcdstore.New(client, etcdstore.WithPrefix(cfg.Prefix))),
		bucket.WithErrorHandler(func(err error) { log.Print(err) }),
	)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: Handler(store), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Println("listening", ln.Addr())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { errc <- store.Sync(ctx) }()
	go func() {
		for !store.Ready() {
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		fmt.Println("ready")
	}()
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shutdown, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	_ = srv.Shutdown(shutdown)
	if errors.Is(err, context.Canceled) || errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Main runs a gateway configured by the environment: GATEWAY_ADDR,
// GATEWAY_ETCD (comma-separated endpoints) and GATEWAY_PREFIX, until the
// process is killed.
func Main() {
	cfg := Config{
		Addr:      os.Getenv("GATEWAY_ADDR"),
		Endpoints: strings.Split(os.Getenv("GATEWAY_ETCD"), ","),
		Prefix:    os.Getenv("GATEWAY_PREFIX"),
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if err := Run(context.Background(), cfg); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}
