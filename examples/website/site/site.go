// Package site is a cross-origin scenario a person can watch in a browser:
// a website on one origin uses an S3 bucket of assets on another origin,
// and the assets bucket's CORS configuration decides what the page may do.
//
// The assets bucket runs on the S3 emulator of this repository (gofakes3
// with s3cors), with authentication on: like a private S3 bucket, it answers
// only requests signed with AWS Signature Version 4, with the key pair
// AccessKeyID and SecretAccessKey, and refuses the others with 403
// AccessDenied. Preflights are the exception: S3 answers them without
// authentication, and so does the emulator.
//
// The website is a small server of its own: it serves the demo pages and
// signs URLs for the assets bucket with the AWS SDK's presigner, as a web
// application's backend would. The secret never reaches the browser; only
// the presigned URLs do.
//
// The demo page tries six things against the assets bucket, each through a
// presigned URL, and shows, for each, whether the browser allowed it:
//
//   - an <img crossorigin="anonymous">, drawn into a canvas and read back
//     (needs CORS; without it the image does not load at all);
//   - a plain <img>, for contrast (always loads; its canvas is tainted);
//   - a simple fetch GET (no preflight);
//   - a fetch PUT with Content-Type application/octet-stream and an
//     x-amz-meta-color header, both signed into the URL, which forces a
//     preflight;
//   - a PUT to a URL that the page asks the website to presign (preflighted
//     too, since PUT is not a simple method);
//   - the same with one hexadecimal digit of X-Amz-Signature changed: the
//     preflight succeeds, since it is not authenticated, and the PUT is
//     refused with 403 SignatureDoesNotMatch, which the page can read
//     because the bucket's CORS headers are on the error.
//
// Opened from an origin that the bucket's CORS configuration allows,
// everything succeeds (the tampered upload as a readable refusal); from any
// other origin, everything but the plain image is blocked by the browser.
//
// The cache page shows a pitfall of S3's CORS: S3 sends Vary only on
// responses to requests a CORS rule matched, so an image first loaded
// without CORS can be cached by the browser and reused for a later
// crossorigin load, which then fails. See cors.WithCacheSafeVary.
package site

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
	"github.com/s3cors/s3cors/rule"
)

// Bucket is the name of the assets bucket.
const Bucket = "assets"

// Objects of the assets bucket.
const (
	ImageKey  = "img.png"    // a 4×4 red PNG, Cache-Control: no-store
	DataKey   = "data.txt"   // DataText, Cache-Control: no-store
	CachedKey = "cached.png" // the same PNG, Cache-Control: max-age=600
	// UploadPrefix starts the keys the page uploads to.
	UploadPrefix = "uploads/"
)

// DataText is the content of DataKey.
const DataText = "hello from the assets bucket"

// The key pair of the assets bucket. The emulator accepts requests signed
// with it; the website signs its URLs with it.
const (
	AccessKeyID     = "EXAMPLEKEY"
	SecretAccessKey = "example-secret"
)

// URLLifetime is how long the URLs the website presigns are valid.
const URLLifetime = 15 * time.Minute

// RedPNG is the image stored as ImageKey and CachedKey: 4×4 pixels of
// rgba(255,0,0,255).
var RedPNG = func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for y := range 4 {
		for x := range 4 {
			img.Set(x, y, color.RGBA{R: 255, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// CORSConfiguration is the assets bucket's CORS configuration: the given
// origins may read the bucket's objects and upload under UploadPrefix with
// a Content-Type and x-amz-meta-* headers, and scripts may read the ETag.
func CORSConfiguration(allowedOrigins ...string) *rule.Configuration {
	id := "website"
	return &rule.Configuration{Rules: []rule.Rule{{
		ID:             &id,
		AllowedOrigins: allowedOrigins,
		AllowedMethods: []string{"GET", "HEAD", "PUT"},
		AllowedHeaders: []string{"content-type", "x-amz-meta-*"},
		ExposeHeaders:  []string{"ETag"},
	}}}
}

// NewAssets returns an S3 emulator holding the assets bucket, its objects
// and CORSConfiguration(allowedOrigins...), which authenticates requests
// with the key pair AccessKeyID and SecretAccessKey, region us-east-1. opts
// come after the emulator's WithCredentials option; a WithCredentials among
// them replaces it.
func NewAssets(allowedOrigins []string, opts ...emulator.Option) (*emulator.Emulator, error) {
	e := emulator.New(append([]emulator.Option{emulator.WithCredentials("", map[string]string{AccessKeyID: SecretAccessKey})}, opts...)...)
	if err := e.CreateBucket(Bucket); err != nil {
		return nil, err
	}
	for _, o := range []struct {
		key  string
		body []byte
		meta map[string]string
	}{
		{ImageKey, RedPNG, map[string]string{"Content-Type": "image/png", "Cache-Control": "no-store"}},
		{DataKey, []byte(DataText), map[string]string{"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}},
		{CachedKey, RedPNG, map[string]string{"Content-Type": "image/png", "Cache-Control": "max-age=600"}},
	} {
		if err := e.PutObject(Bucket, o.key, o.body, o.meta); err != nil {
			return nil, err
		}
	}
	if err := e.SetBucketCORS(Bucket, CORSConfiguration(allowedOrigins...)); err != nil {
		return nil, err
	}
	return e, nil
}

// NewClient returns an AWS SDK S3 client for the emulator at endpoint, with
// the key pair AccessKeyID and SecretAccessKey.
func NewClient(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
	})
}

//go:embed page.html
var pageHTML string

var pages = template.Must(template.New("page").Parse(pageHTML))

// Website is the website's server: the demo page at "/", the cache page at
// "/cache" and the presigning endpoint at "/presign".
type Website struct {
	assets  string // base URL of the assets emulator
	client  *s3.Client
	presign *s3.PresignClient
	mux     *http.ServeMux
	nonce   atomic.Uint64
}

// NewWebsite returns the website for the assets emulator at assetsURL
// (such as "http://127.0.0.1:9000").
func NewWebsite(assetsURL string) *Website {
	assetsURL = strings.TrimSuffix(assetsURL, "/")
	w := &Website{assets: assetsURL, client: NewClient(assetsURL), mux: http.NewServeMux()}
	w.presign = s3.NewPresignClient(w.client)
	w.nonce.Store(uint64(time.Now().UnixNano()))
	w.mux.HandleFunc("GET /{$}", w.servePage)
	w.mux.HandleFunc("GET /cache", w.serveCachePage)
	w.mux.HandleFunc("GET /presign", w.servePresign)
	return w
}

func (w *Website) ServeHTTP(rw http.ResponseWriter, r *http.Request) { w.mux.ServeHTTP(rw, r) }

type pageData struct {
	Mode   string // "demo" or "cache"
	Step   int    // cache page: 1 (plain <img>) or 2 (crossorigin <img>)
	Assets string // base URL of the bucket: http://host:port/assets
	Nonce  string
	Config string // the bucket's CORS configuration, from GetBucketCors

	// Presigned URLs. Demo page: ImageKey for the crossorigin and the plain
	// <img>, DataKey for the GET, an upload with Content-Type and
	// x-amz-meta-color for the PUT. Cache page: CachedKey.
	ImageURL, PlainImageURL, DataURL, PutURL string
	CachedURL                                string
	SignedAt                                 int64 // cache page: signing time of CachedURL, Unix seconds
}

func (w *Website) data(ctx context.Context) pageData {
	d := pageData{Assets: w.assets + "/" + Bucket, Nonce: fmt.Sprint(w.nonce.Add(1))}
	out, err := w.client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(Bucket)})
	if err != nil {
		d.Config = "GetBucketCors: " + err.Error()
		return d
	}
	// Shown as the AWS CLI shows it.
	var c rule.Configuration
	for _, r := range out.CORSRules {
		c.Rules = append(c.Rules, rule.Rule{
			ID:             r.ID,
			AllowedHeaders: r.AllowedHeaders,
			AllowedMethods: r.AllowedMethods,
			AllowedOrigins: r.AllowedOrigins,
			ExposeHeaders:  r.ExposeHeaders,
			MaxAgeSeconds:  intPtr(r.MaxAgeSeconds),
		})
	}
	b, err := c.Encode(rule.FormJSON)
	if err != nil {
		d.Config = "encoding the configuration: " + err.Error() // not reached: FormJSON always encodes
		return d
	}
	d.Config = string(b)
	return d
}

func (w *Website) servePage(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := w.data(ctx)
	d.Mode = "demo"
	// The query parameter n (and plain) makes each URL unique to the page
	// and to the <img>, so that the browser's caches never mix them up.
	n := url.Values{"n": {d.Nonce}}
	plain := url.Values{"n": {d.Nonce}, "plain": {"1"}}
	var errs []error
	d.ImageURL = w.presignGet(ctx, ImageKey, n, time.Time{}, &errs)
	d.PlainImageURL = w.presignGet(ctx, ImageKey, plain, time.Time{}, &errs)
	d.DataURL = w.presignGet(ctx, DataKey, n, time.Time{}, &errs)
	put, err := w.presign.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(Bucket),
		Key:         aws.String(UploadPrefix + "put-" + d.Nonce + ".txt"),
		ContentType: aws.String("application/octet-stream"),
		Metadata:    map[string]string{"color": "blue"},
	}, s3.WithPresignExpires(URLLifetime))
	if err != nil {
		errs = append(errs, err)
	} else {
		d.PutURL = put.URL
	}
	if len(errs) > 0 {
		http.Error(rw, fmt.Sprint(errs), http.StatusInternalServerError)
		return
	}
	w.render(rw, d)
}

// presignGet returns a presigned GetObject URL for key with the extra query
// parameters, signed at the given time (zero: now). An error is appended to
// errs.
func (w *Website) presignGet(ctx context.Context, key string, query url.Values, at time.Time, errs *[]error) string {
	opts := []func(*s3.PresignOptions){
		s3.WithPresignExpires(URLLifetime),
		s3.WithPresignClientFromClientOptions(func(o *s3.Options) {
			o.APIOptions = append(o.APIOptions, addQuery(query))
		}),
	}
	if !at.IsZero() {
		opts = append(opts, func(o *s3.PresignOptions) { o.Presigner = presignerAt{o.Presigner, at} })
	}
	req, err := w.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(Bucket), Key: aws.String(key)}, opts...)
	if err != nil {
		*errs = append(*errs, err)
		return ""
	}
	return req.URL
}

// addQuery adds query parameters to a request before it is signed, so that
// the signature covers them.
func addQuery(query url.Values) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Build.Add(middleware.BuildMiddlewareFunc("AddQuery",
			func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					q := req.URL.Query()
					for k, v := range query {
						q[k] = v
					}
					req.URL.RawQuery = q.Encode()
				}
				return next.HandleBuild(ctx, in)
			}), middleware.After)
	}
}

// presignerAt presigns with a fixed signing time, so that the same request
// presigned twice gets the same URL.
type presignerAt struct {
	s3.HTTPPresignerV4
	at time.Time
}

func (p presignerAt) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return p.HTTPPresignerV4.PresignHTTP(ctx, creds, r, payloadHash, service, region, p.at, optFns...)
}

// serveCachePage serves the two steps of the cache pitfall: step 1 loads
// CachedKey with a plain <img> (no Origin header), step 2 loads the same
// URL with crossorigin="anonymous". v names the URL, so that each run starts
// with a fresh cache entry. The URL is presigned; step 1 signs it now, and
// its link to step 2 passes the signing time on (at), so that step 2 signs
// the very same URL.
func (w *Website) serveCachePage(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := w.data(ctx)
	d.Mode = "cache"
	d.Step = 1
	q := r.URL.Query()
	if q.Get("step") == "2" {
		d.Step = 2
	}
	if v := q.Get("v"); v != "" && len(v) <= 32 {
		d.Nonce = v
	}
	at := time.Now().UTC().Truncate(time.Second)
	if sec, err := strconv.ParseInt(q.Get("at"), 10, 64); err == nil && d.Step == 2 {
		at = time.Unix(sec, 0).UTC()
	}
	var errs []error
	d.CachedURL = w.presignGet(ctx, CachedKey, url.Values{"v": {d.Nonce}}, at, &errs)
	d.SignedAt = at.Unix()
	if len(errs) > 0 {
		http.Error(rw, fmt.Sprint(errs), http.StatusInternalServerError)
		return
	}
	w.render(rw, d)
}

func (w *Website) render(rw http.ResponseWriter, d pageData) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	if err := pages.Execute(rw, d); err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
	}
}

// servePresign returns {"url": ..., "method": "PUT"}: a presigned PutObject
// URL for key, which must start with UploadPrefix.
func (w *Website) servePresign(rw http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	if !strings.HasPrefix(key, UploadPrefix) || len(key) > 200 {
		http.Error(rw, "key must start with "+UploadPrefix, http.StatusBadRequest)
		return
	}
	req, err := w.presign.PresignPutObject(r.Context(), &s3.PutObjectInput{
		Bucket: aws.String(Bucket),
		Key:    aws.String(key),
	}, s3.WithPresignExpires(URLLifetime))
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(rw).Encode(map[string]string{"url": req.URL, "method": req.Method})
}

func intPtr(v *int32) *int {
	if v == nil {
		return nil
	}
	i := int(*v)
	return &i
}
