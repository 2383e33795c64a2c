package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/bucket/boltstore"
	"github.com/s3cors/s3cors/bucket/etcdstore"
)

// proxyStore is where the proxy keeps bucket configurations.
type proxyStore struct {
	options []bucket.Option
	close   func() error // releases the backend; nil when there is none
	where   string       // what the start-up line says about it
}

// openProxyStore opens the proxy's configurations: in etcd at the
// comma-separated endpoints, in memory only, or on disk in data, by default
// in a directory of the user's ($XDG_DATA_HOME/s3cors/proxy or
// ~/.local/share/s3cors/proxy).
func openProxyStore(data, endpoints string, memory bool, getenv func(string) string, log io.Writer) (proxyStore, error) {
	report := bucket.WithErrorHandler(func(err error) { fmt.Fprintf(log, "s3cors: %v\n", err) })
	switch {
	case memory && (data != "" || endpoints != ""), data != "" && endpoints != "":
		return proxyStore{}, errors.New("--data, --etcd and --memory each say where configurations go: use one of them")
	case memory:
		return proxyStore{where: "warning: bucket CORS configurations are kept in memory and LOST when the proxy stops"}, nil
	case endpoints != "":
		client, err := clientv3.New(etcdstore.ClientConfig(strings.Split(endpoints, ",")))
		if err != nil {
			return proxyStore{}, fmt.Errorf("--etcd %s: %v", endpoints, err)
		}
		return proxyStore{
			options: []bucket.Option{bucket.WithBackend(etcdstore.New(client)), report},
			close:   client.Close,
			where:   "bucket CORS configurations are kept in etcd at " + endpoints + ", under " + etcdstore.DefaultPrefix,
		}, nil
	}
	if data == "" {
		base := getenv("XDG_DATA_HOME")
		if base == "" {
			home := getenv("HOME")
			if home == "" {
				return proxyStore{}, errors.New("no directory for the configurations: neither XDG_DATA_HOME nor HOME is set")
			}
			base = filepath.Join(home, ".local", "share")
		}
		data = filepath.Join(base, "s3cors", "proxy")
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return proxyStore{}, fmt.Errorf("cannot create %s for the configurations: %v", data, unwrapOpError(err))
	}
	backend, err := boltstore.Open(data)
	if err != nil {
		return proxyStore{}, err
	}
	return proxyStore{
		options: []bucket.Option{bucket.WithBackend(backend), report},
		close:   backend.Close,
		where:   "bucket CORS configurations are kept in " + data,
	}, nil
}
