// Command website runs a cross-origin scenario to watch in a browser: a
// website on one origin and an S3 bucket of assets, on the s3cors S3
// emulator, on another.
//
// Usage:
//
//	go run . [-addr 127.0.0.1:8000] [-other-addr 127.0.0.1:8001] [-assets-addr 127.0.0.1:8002] [-cache-safe-vary]
//
// The website is served on two origins: -addr, which the assets bucket's
// CORS configuration allows, and -other-addr, which it does not. Open both
// and compare. The assets bucket is private: the emulator authenticates
// every request but preflights, and the website presigns the URLs the page
// uses. See package site for what the page does.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/examples/internal/httpserver"
	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
	"github.com/s3cors/s3cors/examples/website/site"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "website address; its origin is allowed by the assets bucket's CORS configuration")
	otherAddr := flag.String("other-addr", "127.0.0.1:8001", "second website address, an origin the configuration does not allow (empty: none)")
	assetsAddr := flag.String("assets-addr", "127.0.0.1:8002", "address of the S3 emulator holding the assets bucket")
	cacheSafe := flag.Bool("cache-safe-vary", false, "make the emulator add Vary: Origin to every response of a bucket with CORS (fixes the cache pitfall; not S3's behaviour)")
	flag.Parse()

	siteLn, err := httpserver.Listen(*addr, "addr")
	if err != nil {
		log.Fatal(err)
	}
	var otherLn net.Listener
	if *otherAddr != "" {
		if otherLn, err = httpserver.Listen(*otherAddr, "other-addr"); err != nil {
			log.Fatal(err)
		}
	}
	assetsLn, err := httpserver.Listen(*assetsAddr, "assets-addr")
	if err != nil {
		log.Fatal(err)
	}

	allowed := "http://" + siteLn.Addr().String()
	var opts []emulator.Option
	if *cacheSafe {
		opts = append(opts, emulator.WithCORSOptions(cors.WithCacheSafeVary()))
	}
	assets, err := site.NewAssets([]string{allowed}, opts...)
	if err != nil {
		log.Fatal(err)
	}
	assetsURL := "http://" + assetsLn.Addr().String()
	web := site.NewWebsite(assetsURL)

	errc := make(chan error, 3)
	serve := func(ln net.Listener, h http.Handler) {
		srv := httpserver.New(h, httpserver.Default)
		errc <- srv.Serve(ln)
	}
	go serve(assetsLn, assets)
	go serve(siteLn, web)
	if otherLn != nil {
		go serve(otherLn, web)
	}

	fmt.Printf("assets bucket (S3 emulator, requests signed with access key %s): %s/%s\n", site.AccessKeyID, assetsURL, site.Bucket)
	fmt.Printf("open the website, allowed by the bucket's CORS configuration:\n    %s/\n", allowed)
	if otherLn != nil {
		fmt.Printf("and, for contrast, from an origin the configuration does not allow:\n    http://%s/\n", otherLn.Addr())
	}
	fmt.Printf("the cache pitfall (run again with -cache-safe-vary to see the fix):\n    %s/cache\n", allowed)

	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
