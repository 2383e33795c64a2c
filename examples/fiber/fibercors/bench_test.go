package fibercors_test

import (
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/examples/fiber/fibercors"
	"github.com/s3cors/s3cors/rule"
	"github.com/valyala/fasthttp"
)

// benchmarkApp serves one object route behind the CORS handler, with the
// policies of a Store.
func benchmarkApp(b *testing.B) fasthttp.RequestHandler {
	store := bucket.NewStore(func(name string) bool { return name == "demo" })
	if err := store.Put("demo", &rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{allowed},
		AllowedMethods: []string{"GET", "PUT"},
		AllowedHeaders: []string{"x-*"},
		ExposeHeaders:  []string{"ETag"},
	}}}); err != nil {
		b.Fatal(err)
	}
	app := fiber.New()
	app.Use(fibercors.New(fibercors.Config{Resolve: fibercors.FromStore(store)}))
	app.Get("/:bucket/+", func(c fiber.Ctx) error { return c.SendString("ok") })
	return app.Handler()
}

// benchmarkRequest runs the handler on the same request over and over.
func benchmarkRequest(b *testing.B, method string, header map[string]string) {
	h := benchmarkApp(b)
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod(method)
		ctx.Request.SetRequestURI("/demo/key.txt")
		for name, value := range header {
			ctx.Request.Header.Set(name, value)
		}
		h(&ctx)
	}
}

func BenchmarkWithoutOrigin(b *testing.B) {
	benchmarkRequest(b, "GET", nil)
}

func BenchmarkActual(b *testing.B) {
	benchmarkRequest(b, "GET", map[string]string{"Origin": allowed})
}

func BenchmarkPreflight(b *testing.B) {
	benchmarkRequest(b, "OPTIONS", map[string]string{"Origin": allowed, "Access-Control-Request-Method": "PUT"})
}

func BenchmarkPreflightWithHeaders(b *testing.B) {
	benchmarkRequest(b, "OPTIONS", map[string]string{
		"Origin": allowed, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-a, x-b",
	})
}

func BenchmarkPreflightRefused(b *testing.B) {
	benchmarkRequest(b, "OPTIONS", map[string]string{"Origin": stranger, "Access-Control-Request-Method": "PUT"})
}
