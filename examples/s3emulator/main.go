// Command s3emulator runs an S3 endpoint with Amazon S3's bucket CORS:
// gofakes3 for buckets and objects, s3cors for CORS.
//
// Usage:
//
//	go run . [-addr 127.0.0.1:9000] [-data DIR | -etcd ENDPOINTS] [-bucket name]... [-cache-safe-vary] [-auth ACCESS_KEY:SECRET]... [-region us-east-1] [-sigv2]
//
// Without -data everything is in memory and goes with the process. With
// -data DIR, buckets, objects and CORS configurations are kept in DIR and
// survive a restart, kill -9 included; one process at a time may use DIR.
// With -etcd 127.0.0.1:2379,... the CORS configurations are kept in etcd,
// under the key prefix /s3cors/bucket-cors/, and shared by every emulator
// started with the same -etcd, while buckets and objects stay in memory.
//
// Requests use path-style URLs (http://127.0.0.1:9000/bucket/key). Without
// -auth they need no credentials. With -auth, given once per user, every
// request except a preflight must be signed with AWS Signature Version 4
// (Authorization header, presigned URL or, for an upload from an HTML form,
// POST policy) with one of the given keys, for -region, as on S3; -sigv2
// accepts Signature Version 2 as well. A bucket created or set public-read
// (x-amz-acl) can be read by anyone without signing. For example, with the AWS CLI:
//
//	aws --endpoint-url http://127.0.0.1:9000 s3api create-bucket --bucket demo
//	aws --endpoint-url http://127.0.0.1:9000 s3api put-bucket-cors --bucket demo \
//	    --cors-configuration '{"CORSRules":[{"AllowedOrigins":["http://127.0.0.1:8000"],"AllowedMethods":["GET","PUT"]}]}'
//	curl -i -X OPTIONS -H 'Origin: http://127.0.0.1:8000' \
//	    -H 'Access-Control-Request-Method: PUT' http://127.0.0.1:9000/demo/file.txt
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/johannesboyne/gofakes3"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/s3cors/s3cors/bucket/etcdstore"
	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/examples/internal/httpserver"
	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	addr := flag.String("addr", "127.0.0.1:9000", "address to listen on")
	cacheSafe := flag.Bool("cache-safe-vary", false, "add Vary: Origin to every response of a bucket with CORS (not S3's behaviour; see cors.WithCacheSafeVary)")
	region := flag.String("region", "us-east-1", "the region requests must be signed for (with -auth)")
	sigV2 := flag.Bool("sigv2", false, "with -auth, accept AWS Signature Version 2 as well, as S3's older regions do")
	data := flag.String("data", "", "keep buckets, objects and CORS configurations in this `DIR` (default: in memory)")
	var buckets listFlag
	keys := credentialsFlag{}
	flag.Var(&buckets, "bucket", "create this bucket at start (repeatable)")
	flag.Var(keys, "auth", "require AWS Signature Version 4 on every request but preflights, accepting this user's `ACCESS_KEY:SECRET` (once per user; default: no authentication)")
	etcd := flag.String("etcd", "", "keep the CORS configurations in etcd, at these comma-separated `ENDPOINTS` (host:port), shared by every emulator on them")
	flag.Parse()

	var opts []emulator.Option
	if *cacheSafe {
		opts = append(opts, emulator.WithCORSOptions(cors.WithCacheSafeVary()))
	}
	if len(keys) > 0 {
		opts = append(opts, emulator.WithCredentials(*region, keys))
		if *sigV2 {
			opts = append(opts, emulator.WithSignatureV2())
		}
	}
	if *etcd != "" {
		if *data != "" {
			log.Fatal("-data and -etcd both say where the CORS configurations go: use one of them")
		}
		client, err := clientv3.New(etcdstore.ClientConfig(strings.Split(*etcd, ",")))
		if err != nil {
			log.Fatalf("-etcd %s: %v", *etcd, err)
		}
		defer client.Close()
		opts = append(opts, emulator.WithCORSBackend(etcdstore.New(client)))
	}
	var e *emulator.Emulator
	if *data == "" {
		e = emulator.New(opts...)
	} else {
		var err error
		if e, err = emulator.Open(*data, opts...); err != nil {
			log.Fatal(err)
		}
	}
	for _, b := range buckets {
		// With -data, a bucket kept from an earlier run stays as it is.
		if err := e.CreateBucket(b); err != nil && !gofakes3.HasErrorCode(err, gofakes3.ErrBucketAlreadyExists) {
			log.Fatalf("bucket %q: %v", b, err)
		}
	}

	ln, err := httpserver.Listen(*addr, "addr")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("S3 emulator listening on http://%s (path-style: http://%s/BUCKET/KEY)\n", ln.Addr(), ln.Addr())
	if len(keys) > 0 {
		fmt.Printf("requests must be signed (AWS Signature Version 4, region %s) by one of %d users (%s); preflights are not authenticated\n", *region, len(keys), keys)
	}
	srv := httpserver.New(e, httpserver.Default)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
