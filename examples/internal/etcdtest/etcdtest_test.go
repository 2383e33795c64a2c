package etcdtest

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestDownAndUp checks what the tests of the etcd flags rely on: while the
// member is down, its endpoint refuses connections and those open before
// are cut; once it is up again, on the same endpoint, it serves the data it
// had.
func TestDownAndUp(t *testing.T) {
	m := Start(t)
	client, err := clientv3.New(clientv3.Config{Endpoints: []string{m.Endpoint()}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := client.Put(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	open, err := net.Dial("tcp", m.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()

	m.Down()
	if err := open.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := open.Read(make([]byte, 1)); err == nil || isTimeout(err) {
		t.Errorf("reading a connection made before Down: %v, want it cut", err)
	}
	if c, err := net.Dial("tcp", m.Endpoint()); err == nil {
		c.Close()
		t.Error("a connection while the member is down was accepted")
	}

	m.Up()
	got, err := client.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Kvs) != 1 || string(got.Kvs[0].Value) != "v" {
		t.Errorf("k after Down and Up: %v, want v", got.Kvs)
	}
}

// isTimeout reports whether err is a deadline that passed.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
