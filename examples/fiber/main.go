// Command fiber runs an S3-compatible server in memory, built on Fiber, whose
// buckets have CORS configurations as on Amazon S3: the CORS decisions are
// made by cors.Policy.Evaluate, in front of every Fiber route.
//
// Usage:
//
//	go run . [-addr 127.0.0.1:9100] [-bucket name]...
//
// URLs are path-style (http://127.0.0.1:9100/bucket/key) and requests are
// not authenticated.
package main

import (
	"errors"
	"flag"
	"log"

	"github.com/gofiber/fiber/v3"
	"github.com/s3cors/s3cors/examples/fiber/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9100", "address to listen on")
	var buckets []string
	flag.Func("bucket", "create a bucket of this name at start (repeatable)", func(name string) error {
		if name == "" {
			return errors.New("empty bucket name")
		}
		buckets = append(buckets, name)
		return nil
	})
	flag.Parse()

	s := server.New()
	for _, name := range buckets {
		if err := s.CreateBucket(name); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("S3 endpoint on http://%s", *addr)
	log.Fatal(s.App().Listen(*addr, fiber.ListenConfig{DisableStartupMessage: true}))
}
