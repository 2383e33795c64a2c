package main_test

// End-to-end test in headless Chromium: the demo pages of package site run
// in a real browser against the S3 emulator, with authentication on (every
// request but a preflight must carry a valid AWS Signature Version 4), and
// the test reads back what the page itself observed (window.results), what
// the browser reported over the DevTools protocol (CORS errors, requests
// served from its cache) and what the assets server received (an outermost
// recorder).
//
// Chromium is found at $CORS_E2E_CHROME, /usr/lib/chromium/chromium,
// /usr/bin/chromium or on $PATH. Without it the tests skip, unless
// CORS_E2E_REQUIRE=1, which makes them fail.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
	"github.com/s3cors/s3cors/examples/website/site"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if b.cancel != nil {
		b.cancel()
	}
	os.Exit(code)
}

// ---- the browser, shared by all tests: one process, one tab ----

var b struct {
	once   sync.Once
	ctx    context.Context // the tab
	cancel func()
	err    error
	out    lockedBuffer // the browser's stdout and stderr
	events events
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func chromePath() string {
	if p := os.Getenv("CORS_E2E_CHROME"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium"} {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome", "chrome-headless-shell", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// tab returns the shared browser tab, starting the browser on first use.
func tab(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	path := chromePath()
	if path == "" {
		if os.Getenv("CORS_E2E_REQUIRE") == "1" {
			t.Fatal("no Chromium or Chrome found and CORS_E2E_REQUIRE=1: install chromium or set CORS_E2E_CHROME")
		}
		t.Skip("no Chromium or Chrome found: install chromium or set CORS_E2E_CHROME (CORS_E2E_REQUIRE=1 makes this a failure)")
	}
	b.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-first-run", true),
			chromedp.CombinedOutput(&b.out),
		)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelTab := chromedp.NewContext(allocCtx)
		b.ctx = ctx
		b.cancel = func() { cancelTab(); cancelAlloc() }
		if b.err = chromedp.Do(ctx); b.err != nil {
			return
		}
		if b.err = chromedp.Listen(ctx, b.events.add); b.err != nil {
			return
		}
		if _, b.err = chromedp.Call(ctx, network.Enable, network.EnableParams{}); b.err != nil {
			return
		}
		_, b.err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	})
	if b.err != nil {
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", path, b.err, b.out.String())
	}
	return b.ctx
}

// events keeps what the browser reports about the tab's network requests.
type events struct {
	mu        sync.Mutex
	urls      map[network.RequestID]string
	corsError map[string]string // scheme://host/path → CORS error
	console   []string
}

// add runs on chromedp's reading goroutine: it must be quick.
func (e *events) add(ev any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.urls == nil {
		e.urls = map[network.RequestID]string{}
		e.corsError = map[string]string{}
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		e.urls[ev.RequestID] = ev.Request.URL
	case *network.EventLoadingFailed:
		if ev.CorsErrorStatus != nil {
			e.corsError[urlKey(e.urls[ev.RequestID])] = string(ev.CorsErrorStatus.CorsError)
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry != nil {
			e.console = append(e.console, ev.Entry.Text)
		}
	}
}

// urlKey is a URL without its query: scheme, host and path.
func urlKey(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Scheme + "://" + u.Host + u.Path
}

func (e *events) corsErrorOf(u string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.corsError[u]
}

// consoleFor returns the console lines that mention base.
func (e *events) consoleFor(base string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, l := range e.console {
		if strings.Contains(l, base) {
			out = append(out, l)
		}
	}
	return out
}

// ---- servers ----

// exchange is one request the assets server received, with its answer.
type exchange struct {
	Method, Path, Query string
	Header              http.Header
	Status              int
	RespHeader          http.Header
}

// recorder is the outermost handler of the assets server, so it also sees
// the preflights that the s3cors middleware answers itself.
type recorder struct {
	h  http.Handler
	mu sync.Mutex
	ex []exchange
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	rec.h.ServeHTTP(sw, r)
	if sw.status == 0 {
		sw.status = http.StatusOK
		sw.header = w.Header().Clone()
	}
	rec.mu.Lock()
	rec.ex = append(rec.ex, exchange{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), sw.status, sw.header})
	rec.mu.Unlock()
}

func (rec *recorder) find(method, path string) []exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []exchange
	for _, x := range rec.ex {
		if x.Method == method && x.Path == path {
			out = append(out, x)
		}
	}
	return out
}

func (rec *recorder) dump() string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var s strings.Builder
	for _, x := range rec.ex {
		fmt.Fprintf(&s, "  %s %s?%s Origin=%q ACRM=%q ACRH=%q → %d ACAO=%q Vary=%q\n", x.Method, x.Path, x.Query,
			x.Header.Get("Origin"), x.Header.Get("Access-Control-Request-Method"), x.Header.Get("Access-Control-Request-Headers"),
			x.Status, x.RespHeader.Get("Access-Control-Allow-Origin"), x.RespHeader.Get("Vary"))
	}
	return s.String()
}

type statusWriter struct {
	http.ResponseWriter
	status int
	header http.Header
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
		w.header = w.ResponseWriter.Header().Clone()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// scenario is a fresh set of servers: new ports, so new origins, so nothing
// the browser cached for an earlier scenario (preflights, responses) applies.
type scenario struct {
	site, other string // website origins: allowed, and not allowed
	assets      string // assets emulator origin
	bucket      string // assets + "/" + site.Bucket
	rec         *recorder
	client      *s3.Client
}

func newScenario(t *testing.T, opts ...emulator.Option) *scenario {
	t.Helper()
	siteSrv := httptest.NewUnstartedServer(nil)
	otherSrv := httptest.NewUnstartedServer(nil)
	sc := &scenario{
		site:  "http://" + siteSrv.Listener.Addr().String(),
		other: "http://" + otherSrv.Listener.Addr().String(),
	}
	assets, err := site.NewAssets([]string{sc.site}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	sc.rec = &recorder{h: assets}
	assetsSrv := httptest.NewServer(sc.rec)
	sc.assets = assetsSrv.URL
	sc.bucket = sc.assets + "/" + site.Bucket
	// The bucket is private: an unsigned request is refused.
	if resp, err := http.Head(sc.bucket + "/" + site.DataKey); err != nil || resp.StatusCode != http.StatusForbidden {
		assetsSrv.Close()
		t.Fatalf("unsigned HEAD %s: %v %v, want 403 (authentication on)", site.DataKey, resp, err)
	}
	sc.client = site.NewClient(sc.assets)
	web := site.NewWebsite(sc.assets)
	siteSrv.Config.Handler, otherSrv.Config.Handler = web, web
	siteSrv.Start()
	otherSrv.Start()
	t.Cleanup(func() {
		siteSrv.Close()
		otherSrv.Close()
		assetsSrv.Close()
		if t.Failed() {
			t.Logf("requests the assets server received:\n%s", sc.rec.dump())
			t.Logf("console:\n  %s", strings.Join(b.events.consoleFor(sc.assets), "\n  "))
		}
	})
	return sc
}

// ---- the page ----

type imgResult struct {
	Loaded bool   `json:"loaded"`
	Canvas string `json:"canvas"`
}

type fetchResult struct {
	OK     bool   `json:"ok"`
	Status int    `json:"status"`
	Body   string `json:"body"`
	ETag   string `json:"etag"`
	Error  string `json:"error"`
}

type demoResults struct {
	ImgCors   imgResult   `json:"imgCors"`
	ImgPlain  imgResult   `json:"imgPlain"`
	Get       fetchResult `json:"get"`
	Put       fetchResult `json:"put"`
	Presigned fetchResult `json:"presigned"`
	Tampered  fetchResult `json:"tampered"`
}

type cacheResults struct {
	Img imgResult `json:"img"`
}

// load opens pageURL in the tab, waits until the page has all its results
// and returns window.results decoded into T.
func load[T any](t *testing.T, ctx context.Context, pageURL string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(pageURL)); err != nil {
		t.Fatalf("navigate %s: %v", pageURL, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`window.done === true`,
		chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		partial, _ := chromedp.Run(ctx, chromedp.Evaluate[any](`window.results`))
		t.Fatalf("%s: page did not finish: %v (results so far: %v)", pageURL, err, partial)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[T](`window.results`))
	if err != nil {
		t.Fatalf("reading the results of %s: %v", pageURL, err)
	}
	return res
}

func nonce(t *testing.T, ctx context.Context) string {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String(window.nonce)`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const redPixel = "readable rgba(255,0,0,255)"

const signatureMismatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."

// TestBrowserCORS opens the demo page from the origin the bucket allows and
// from one it does not, each time with fresh servers.
func TestBrowserCORS(t *testing.T) {
	ctx := tab(t)

	t.Run("allowed origin", func(t *testing.T) {
		sc := newScenario(t)
		res := load[demoResults](t, ctx, sc.site+"/")
		n := nonce(t, ctx)
		t.Logf("results: %+v", res)

		// The page's own view.
		if !res.ImgCors.Loaded || res.ImgCors.Canvas != redPixel {
			t.Errorf("crossorigin image: %+v, want loaded with a readable canvas", res.ImgCors)
		}
		if !res.ImgPlain.Loaded || res.ImgPlain.Canvas != "SecurityError" {
			t.Errorf("plain image: %+v, want loaded with a tainted canvas", res.ImgPlain)
		}
		if !res.Get.OK || res.Get.Status != 200 || res.Get.Body != site.DataText {
			t.Errorf("GET: %+v", res.Get)
		}
		// The ETag is readable from script only because the rule exposes it.
		if !res.Put.OK || res.Put.Status != 200 || res.Put.ETag == "" {
			t.Errorf("preflighted PUT: %+v, want 200 with a readable ETag", res.Put)
		}
		if !res.Presigned.OK || res.Presigned.Status != 200 || res.Presigned.ETag == "" {
			t.Errorf("presigned PUT: %+v, want 200 with a readable ETag", res.Presigned)
		}
		// The tampered signature: refused, and the page can read why.
		if res.Tampered.OK || res.Tampered.Status != 403 ||
			!strings.Contains(res.Tampered.Body, "<Code>SignatureDoesNotMatch</Code><Message>"+signatureMismatch+"</Message>") {
			t.Errorf("PUT with a tampered signature: %+v, want a readable 403 SignatureDoesNotMatch", res.Tampered)
		}

		// The uploads landed: read them back through the SDK.
		putKey := site.UploadPrefix + "put-" + n + ".txt"
		presignedKey := site.UploadPrefix + "presigned-" + n + ".txt"
		tamperedKey := site.UploadPrefix + "tampered-" + n + ".txt"
		if body, meta := getObject(t, sc.client, putKey); body != "uploaded by fetch" || meta["color"] != "blue" {
			t.Errorf("%s: %q, metadata %v", putKey, body, meta)
		}
		if body, _ := getObject(t, sc.client, presignedKey); body != "uploaded with a presigned URL" {
			t.Errorf("%s: %q", presignedKey, body)
		}

		// The server saw the real preflights, then the uploads.
		putPath := "/" + site.Bucket + "/" + putKey
		pre := sc.rec.find(http.MethodOptions, putPath)
		if len(pre) != 1 {
			t.Fatalf("OPTIONS %s received %d times, want 1", putPath, len(pre))
		}
		wantReqHeaders(t, "preflight of the PUT", pre[0].Header, map[string]string{
			"Origin":                         sc.site,
			"Access-Control-Request-Method":  "PUT",
			"Access-Control-Request-Headers": "content-type,x-amz-meta-color",
		})
		if pre[0].Status != 200 || pre[0].RespHeader.Get("Access-Control-Allow-Origin") != sc.site ||
			pre[0].RespHeader.Get("Access-Control-Allow-Headers") != "content-type, x-amz-meta-color" {
			t.Errorf("preflight answer: %d %v", pre[0].Status, pre[0].RespHeader)
		}
		if puts := sc.rec.find(http.MethodPut, putPath); len(puts) != 1 || puts[0].Header.Get("X-Amz-Meta-Color") != "blue" {
			t.Errorf("PUT %s received %d times (%v)", putPath, len(puts), puts)
		} else if q, _ := url.ParseQuery(puts[0].Query); q.Get("X-Amz-SignedHeaders") != "content-type;host;x-amz-meta-color" || puts[0].Status != 200 {
			t.Errorf("PUT %s: signed headers %q, status %d; want content-type;host;x-amz-meta-color, 200",
				putPath, q.Get("X-Amz-SignedHeaders"), puts[0].Status)
		}

		presignedPath := "/" + site.Bucket + "/" + presignedKey
		pre = sc.rec.find(http.MethodOptions, presignedPath)
		if len(pre) != 1 {
			t.Fatalf("OPTIONS %s received %d times, want 1", presignedPath, len(pre))
		}
		// The preflight goes to the presigned URL, signature and all, and
		// carries no credentials of its own: S3 answers it unauthenticated.
		wantReqHeaders(t, "preflight of the presigned PUT", pre[0].Header, map[string]string{
			"Origin":                        sc.site,
			"Access-Control-Request-Method": "PUT",
			"Authorization":                 "",
		})
		if !strings.Contains(pre[0].Query, "X-Amz-Signature=") {
			t.Errorf("preflight of the presigned PUT without the presigned query: %q", pre[0].Query)
		}
		puts := sc.rec.find(http.MethodPut, presignedPath)
		if len(puts) != 1 || puts[0].Status != 200 || !strings.Contains(puts[0].Query, "X-Amz-Signature=") {
			t.Errorf("PUT %s received %v, want once, presigned, answered 200", presignedPath, puts)
		}

		// The tampered URL: its preflight, which carries the wrong
		// signature in its URL, was answered 200 since preflights are not
		// authenticated; the PUT was refused by the signature check, with
		// the bucket's CORS headers on the error.
		tamperedPath := "/" + site.Bucket + "/" + tamperedKey
		pre = sc.rec.find(http.MethodOptions, tamperedPath)
		if len(pre) != 1 || pre[0].Status != 200 || pre[0].RespHeader.Get("Access-Control-Allow-Origin") != sc.site {
			t.Errorf("OPTIONS %s: %v, want once, answered 200 with Access-Control-Allow-Origin", tamperedPath, pre)
		}
		puts = sc.rec.find(http.MethodPut, tamperedPath)
		if len(puts) != 1 || puts[0].Status != http.StatusForbidden || puts[0].RespHeader.Get("Access-Control-Allow-Origin") != sc.site ||
			puts[0].RespHeader.Get("Access-Control-Expose-Headers") != "ETag" {
			t.Errorf("PUT %s: %v, want once, answered 403 with the bucket's CORS headers", tamperedPath, puts)
		} else if q, _ := url.ParseQuery(puts[0].Query); len(pre) == 1 && q.Get("X-Amz-Signature") == "" {
			t.Errorf("PUT %s without a signature: %q", tamperedPath, puts[0].Query)
		}
		if _, err := sc.client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String(tamperedKey)}); err == nil {
			t.Errorf("%s exists: the tampered upload landed", tamperedKey)
		}

		// And the browser reported no CORS error.
		for _, p := range []string{site.ImageKey, site.DataKey, putKey, presignedKey, tamperedKey} {
			if e := b.events.corsErrorOf(sc.bucket + "/" + p); e != "" {
				t.Errorf("%s: CORS error %s", p, e)
			}
		}
	})

	t.Run("origin not allowed", func(t *testing.T) {
		sc := newScenario(t)
		res := load[demoResults](t, ctx, sc.other+"/")
		n := nonce(t, ctx)
		t.Logf("results: %+v", res)

		if res.ImgCors.Loaded {
			t.Errorf("crossorigin image: %+v, want it blocked", res.ImgCors)
		}
		if !res.ImgPlain.Loaded || res.ImgPlain.Canvas != "SecurityError" {
			t.Errorf("plain image: %+v, want loaded with a tainted canvas", res.ImgPlain)
		}
		for name, r := range map[string]fetchResult{"GET": res.Get, "PUT": res.Put, "presigned PUT": res.Presigned, "tampered PUT": res.Tampered} {
			if r.OK || !strings.Contains(r.Error, "Failed to fetch") {
				t.Errorf("%s: %+v, want it blocked (TypeError: Failed to fetch)", name, r)
			}
		}

		putKey := site.UploadPrefix + "put-" + n + ".txt"
		presignedKey := site.UploadPrefix + "presigned-" + n + ".txt"
		tamperedKey := site.UploadPrefix + "tampered-" + n + ".txt"
		// The simple GET reached the server: the browser only hid the answer.
		if gets := sc.rec.find(http.MethodGet, "/"+site.Bucket+"/"+site.DataKey); len(gets) != 1 || gets[0].Header.Get("Origin") != sc.other {
			t.Errorf("GET %s received %v, want once with Origin %s", site.DataKey, gets, sc.other)
		}
		// The preflighted requests did not: the preflight was refused.
		for _, key := range []string{putKey, presignedKey, tamperedKey} {
			p := "/" + site.Bucket + "/" + key
			pre := sc.rec.find(http.MethodOptions, p)
			if len(pre) != 1 {
				t.Errorf("OPTIONS %s received %d times, want 1", p, len(pre))
			} else {
				wantReqHeaders(t, "preflight of "+key, pre[0].Header, map[string]string{
					"Origin": sc.other, "Access-Control-Request-Method": "PUT",
				})
				if pre[0].Status != http.StatusForbidden || pre[0].RespHeader.Get("Access-Control-Allow-Origin") != "" {
					t.Errorf("preflight of %s answered %d %v, want 403 without CORS headers", key, pre[0].Status, pre[0].RespHeader)
				}
			}
			if puts := sc.rec.find(http.MethodPut, p); len(puts) != 0 {
				t.Errorf("PUT %s reached the server %d times, want never", p, len(puts))
			}
			if _, err := sc.client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String(key)}); err == nil {
				t.Errorf("%s exists, want no upload", key)
			}
		}

		// The browser's verdicts.
		for p, want := range map[string]string{
			site.ImageKey: "MissingAllowOriginHeader",
			site.DataKey:  "MissingAllowOriginHeader",
			putKey:        "PreflightMissingAllowOriginHeader",
			presignedKey:  "PreflightMissingAllowOriginHeader",
			tamperedKey:   "PreflightMissingAllowOriginHeader",
		} {
			if got := b.events.corsErrorOf(sc.bucket + "/" + p); got != want {
				t.Errorf("%s: CORS error %q, want %q", p, got, want)
			}
		}
		if lines := b.events.consoleFor(sc.assets); !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "blocked by CORS policy") }) {
			t.Errorf("no \"blocked by CORS policy\" console message; console: %q", lines)
		}
	})
}

// TestBrowserCachePitfall loads a cacheable object first with a plain <img>
// (no Origin), then, from a new document, with crossorigin="anonymous".
//
// S3 sends Vary only when a CORS rule matched (H7), so the first response
// has neither CORS headers nor Vary. The browser may then satisfy the second
// load from its HTTP cache with that response, and the load fails for want of
// Access-Control-Allow-Origin, although the bucket allows the origin. With
// cors.WithCacheSafeVary every response of the bucket carries Vary: Origin,
// the cached response does not match the second request, and the load
// succeeds.
func TestBrowserCachePitfall(t *testing.T) {
	ctx := tab(t)
	for _, tc := range []struct {
		name     string
		opts     []emulator.Option
		wantVary string // Vary of the first, Origin-less, response
		wantOK   bool   // whether the crossorigin load succeeds
		wantGETs int    // GETs of the object the server sees in all
	}{
		// S3-faithful: Chromium reuses the cached, CORS-less response for the
		// crossorigin load (the server sees no second GET) and blocks it.
		{"s3-faithful", nil, "", false, 1},
		// Cache-safe: the cached response varies on Origin, so Chromium
		// fetches again, this time with Origin, and the load succeeds.
		{"cache-safe vary", []emulator.Option{emulator.WithCORSOptions(cors.WithCacheSafeVary())}, "Origin", true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScenario(t, tc.opts...)
			v := fmt.Sprint(time.Now().UnixNano())
			objPath := "/" + site.Bucket + "/" + site.CachedKey
			objURL := sc.bucket + "/" + site.CachedKey

			first := load[cacheResults](t, ctx, sc.site+"/cache?step=1&v="+v)
			if !first.Img.Loaded || first.Img.Canvas != "SecurityError" {
				t.Fatalf("step 1, plain <img>: %+v, want loaded with a tainted canvas", first.Img)
			}
			gets := sc.rec.find(http.MethodGet, objPath)
			if len(gets) != 1 {
				t.Fatalf("step 1: %d GETs of %s, want 1", len(gets), objPath)
			}
			if o := gets[0].Header.Get("Origin"); o != "" {
				t.Fatalf("step 1: the plain <img> sent Origin %q", o)
			}
			h := gets[0].RespHeader
			if h.Get("Cache-Control") != "max-age=600" || h.Get("Access-Control-Allow-Origin") != "" || h.Get("Vary") != tc.wantVary {
				t.Errorf("step 1 response: Cache-Control %q, ACAO %q, Vary %q; want max-age=600, none, %q",
					h.Get("Cache-Control"), h.Get("Access-Control-Allow-Origin"), h.Get("Vary"), tc.wantVary)
			}

			// Step 2 follows step 1's link, which passes on the signing
			// time, so that both steps load the same presigned URL.
			next, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("next").href`))
			if err != nil || !strings.Contains(next, "step=2") {
				t.Fatalf("step 1's link to step 2: %q, %v", next, err)
			}
			second := load[cacheResults](t, ctx, next)
			gets = sc.rec.find(http.MethodGet, objPath)
			corsErr := b.events.corsErrorOf(objURL)
			t.Logf("step 2, crossorigin <img>: %+v; GETs at the server in all: %d; CORS error: %q",
				second.Img, len(gets), corsErr)

			ok := second.Img.Loaded && second.Img.Canvas == redPixel
			if ok != tc.wantOK {
				t.Errorf("step 2: crossorigin load %+v, want success %v", second.Img, tc.wantOK)
			}
			if len(gets) != tc.wantGETs {
				t.Errorf("step 2: %d GETs at the server in all, want %d", len(gets), tc.wantGETs)
			}
			if tc.wantOK {
				if g := gets[len(gets)-1]; g.Header.Get("Origin") != sc.site || g.RespHeader.Get("Access-Control-Allow-Origin") != sc.site {
					t.Errorf("step 2 request: Origin %q, answered with ACAO %q", g.Header.Get("Origin"), g.RespHeader.Get("Access-Control-Allow-Origin"))
				}
			} else if corsErr != "MissingAllowOriginHeader" {
				t.Errorf("step 2: CORS error %q, want MissingAllowOriginHeader", corsErr)
			}
		})
	}
}

func getObject(t *testing.T, c *s3.Client, key string) (string, map[string]string) {
	t.Helper()
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(site.Bucket), Key: aws.String(key)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			t.Errorf("GetObject %s: %s", key, ae.ErrorCode())
		} else {
			t.Errorf("GetObject %s: %v", key, err)
		}
		return "", nil
	}
	defer out.Body.Close()
	body, _ := io.ReadAll(out.Body)
	return string(body), out.Metadata
}

// wantReqHeaders checks request header values; "" means absent.
func wantReqHeaders(t *testing.T, what string, h http.Header, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := strings.Join(h.Values(k), ", "); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}
