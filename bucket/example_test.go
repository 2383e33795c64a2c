package bucket_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
)

// A server with per-bucket CORS: the Store serves ?cors and resolves the
// middleware's policies. Here the server has one bucket, "photos".
func Example() {
	store := bucket.NewStore(func(name string) bool { return name == "photos" })
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("cors") {
			store.ServeHTTP(w, r) // PutBucketCors, GetBucketCors, DeleteBucketCors
			return
		}
		fmt.Fprint(w, "the object") // the server's own S3 API
	})
	srv := httptest.NewServer(cors.Middleware(store)(api))
	defer srv.Close()

	// PutBucketCors, with the Content-MD5 that S3 requires (V1).
	doc := `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin>` +
		`<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`
	sum := md5.Sum([]byte(doc))
	put, _ := http.NewRequest(http.MethodPut, srv.URL+"/photos?cors", strings.NewReader(doc))
	put.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	resp, err := http.DefaultClient.Do(put)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("PutBucketCors:", resp.StatusCode)

	// A browser's preflight, answered by the bucket's rules.
	pre, _ := http.NewRequest(http.MethodOptions, srv.URL+"/photos/cat.jpg", nil)
	pre.Header.Set("Origin", "https://app.example")
	pre.Header.Set("Access-Control-Request-Method", "GET")
	resp, err = http.DefaultClient.Do(pre)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("preflight:", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	// Output:
	// PutBucketCors: 200
	// preflight: 200 https://app.example
}

// A server outside net/http performs the bucket CORS API with the Store's
// methods and writes each Reply its own way.
func ExampleStore_PutBucketCors() {
	store := bucket.NewStore(func(name string) bool { return name == "photos" })
	header := http.Header{} // the request's header: no Content-MD5
	rep := store.PutBucketCors(context.Background(), "photos", header, strings.NewReader("<CORSConfiguration/>"))
	fmt.Println(rep.Status, rep.Error.Code+":", rep.Error.Message)
	// Output:
	// 400 InvalidRequest: Missing required header for this request: Content-MD5
}
