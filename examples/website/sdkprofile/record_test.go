package sdkprofile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
	"github.com/s3cors/s3cors/internal/clientprofile"
	"github.com/s3cors/s3cors/rule"
)

const (
	bucket      = "uploads"
	existingKey = "existing.txt"
	accessKey   = "AKIDSDKPROFILE"
	secretKey   = "sdkprofile/secret"
	clientName  = "aws-sdk-js-v3"
)

var operations = []struct{ name, title string }{
	{"put-object", "PutObjectCommand"},
	{"multipart", "Upload of @aws-sdk/lib-storage (CreateMultipartUpload, UploadPart, CompleteMultipartUpload)"},
	{"get-object", "GetObjectCommand"},
	{"presigned-put", "fetch PUT to a URL of getSignedUrl(PutObjectCommand) of @aws-sdk/s3-request-presigner"},
	{"presigned-post", "form POST of createPresignedPost of @aws-sdk/s3-presigned-post"},
	{"delete-object", "DeleteObjectCommand"},
}

// seen is one request the emulator received from the page.
type seen struct {
	method, path, query, origin, acrm, acrh string
	status                                  int
}

// log records the cross-origin requests that reach the emulator, preflights
// included.
type log struct {
	h  http.Handler
	mu sync.Mutex
	rs []seen
}

func (l *log) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	l.h.ServeHTTP(sw, r)
	if r.Header.Get("Origin") == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rs = append(l.rs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Origin"),
		r.Header.Get("Access-Control-Request-Method"), r.Header.Get("Access-Control-Request-Headers"), sw.status})
}

func (l *log) take() []seen {
	l.mu.Lock()
	defer l.mu.Unlock()
	rs := l.rs
	l.rs = nil
	return rs
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// config allows every method, origin and header; expose lists the
// ExposeHeaders. MaxAgeSeconds 0 keeps the browser from caching preflights,
// so that every one is seen.
func config(expose ...string) *rule.Configuration {
	zero := 0
	return &rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{"GET", "PUT", "POST", "DELETE", "HEAD"},
		AllowedHeaders: []string{"*"},
		ExposeHeaders:  expose,
		MaxAgeSeconds:  &zero,
	}}}
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
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

const page = `<!doctype html>
<meta charset="utf-8">
<title>SDK profile</title>
<script src="/bundle.js"></script>
`

// pageResult is what window.sdkprofile.run resolves to.
type pageResult struct {
	OK      bool   `json:"ok"`
	Error   string `json:"error"`
	Fetches []struct {
		Method  string   `json:"method"`
		URL     string   `json:"url"`
		Status  int      `json:"status"`
		Exposed []string `json:"exposed"`
	} `json:"fetches"`
}

// TestRecord records the profiles. It runs only with SDKPROFILE_RECORD=1,
// after record.sh has built js/dist/bundle.js.
func TestRecord(t *testing.T) {
	if os.Getenv("SDKPROFILE_RECORD") != "1" {
		t.Skip("set SDKPROFILE_RECORD=1 (see record.sh) to record the SDK's profiles")
	}
	bundle, err := os.ReadFile(filepath.Join("js", "dist", "bundle.js"))
	if err != nil {
		t.Fatalf("%v: run record.sh, which bundles the SDK first", err)
	}
	packages, err := lockedVersions(filepath.Join("js", "package-lock.json"),
		"@aws-sdk/client-s3", "@aws-sdk/lib-storage", "@aws-sdk/s3-request-presigner", "@aws-sdk/s3-presigned-post", "esbuild")
	if err != nil {
		t.Fatal(err)
	}
	chrome := chromePath()
	if chrome == "" {
		t.Fatal("no Chromium found: install chromium or set CORS_E2E_CHROME")
	}

	emu := emulator.New(emulator.WithCredentials("", map[string]string{accessKey: secretKey}))
	if err := emu.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	rec := &log{h: emu}
	s3srv := httptest.NewServer(rec)
	defer s3srv.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("/bundle.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(bundle)
	})
	pageSrv := httptest.NewServer(mux)
	defer pageSrv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTime()

	if err := chromedp.Do(ctx, chromedp.Navigate(pageSrv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	product, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent.match(/(?:Headless)?Chrome\/[0-9.]+/)[0]`))
	if err != nil {
		t.Fatal(err)
	}

	options := map[string]string{
		"endpoint": s3srv.URL, "region": "us-east-1", "bucket": bucket, "existingKey": existingKey,
		"accessKeyId": accessKey, "secretAccessKey": secretKey,
	}
	optionsJSON, _ := json.Marshal(options)
	run := func(name string, c *rule.Configuration) (pageResult, []seen) {
		t.Helper()
		if err := emu.PutObject(bucket, existingKey, []byte("an object to read and delete"), map[string]string{"Content-Type": "text/plain"}); err != nil {
			t.Fatal(err)
		}
		if err := emu.SetBucketCORS(bucket, c); err != nil {
			t.Fatal(err)
		}
		rec.take()
		expr := fmt.Sprintf("window.sdkprofile.run(%q, %s)", name, optionsJSON)
		res, err := chromedp.Run(ctx, chromedp.Evaluate[pageResult](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res, rec.take()
	}

	out := clientprofile.File{
		Client:   clientName,
		Title:    "AWS SDK for JavaScript v3, in Chromium",
		Browser:  product,
		Packages: packages,
	}
	for _, op := range operations {
		res, reqs := run(op.name, config("ETag"))
		o := clientprofile.Operation{Name: op.name, Title: op.title, OK: res.OK, Error: res.Error, NeedsExposed: []string{}, Requests: pair(t, reqs)}
		// The response headers the page could read, by request.
		for i := range o.Requests {
			o.Requests[i].Exposed = []string{}
		}
		actual := slices.DeleteFunc(slices.Clone(reqs), func(r seen) bool { return r.method == http.MethodOptions })
		k := 0
		for _, f := range res.Fetches {
			u, err := url.Parse(f.URL)
			if err != nil {
				continue
			}
			for ; k < len(actual); k++ {
				if actual[k].method == f.Method && actual[k].path == u.EscapedPath() {
					o.Requests[k].Exposed = f.Exposed
					k++
					break
				}
			}
		}
		if res.OK {
			bare, _ := run(op.name, config())
			if !bare.OK {
				o.NeedsExposed = []string{"ETag"}
				o.ErrorUnexposed = bare.Error
			}
		}
		t.Logf("%s: ok=%v error=%q needsExposed=%v", op.name, o.OK, o.Error, o.NeedsExposed)
		for _, r := range o.Requests {
			t.Logf("  %s %s %s?%s preflight=%v ACRH=%q → %d exposed %v", r.Operation, r.Method, r.Target, r.Query, r.Preflight, r.RequestHeaders, r.Status, r.Exposed)
		}
		if len(o.Requests) == 0 {
			t.Errorf("%s: the emulator saw no request", op.name)
		}
		out.Operations = append(out.Operations, o)
	}

	var data bytes.Buffer
	enc := json.NewEncoder(&data)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	dest := os.Getenv("SDKPROFILE_OUT")
	if dest == "" {
		dest = filepath.Join("..", "..", "..", "cmd", "s3cors", "clients", clientName+".json")
	}
	if err := os.WriteFile(dest, data.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", dest)
}

// pair turns the requests the emulator saw into the requests of the
// operation, each with the preflight that preceded it.
func pair(t *testing.T, rs []seen) []clientprofile.Request {
	var out []clientprofile.Request
	var pending []seen
	for _, r := range rs {
		if r.method == http.MethodOptions {
			pending = append(pending, r)
			continue
		}
		s := clientprofile.Request{Operation: operationOf(r), Method: r.method, Target: "object", Query: queryNames(r.query), Status: r.status}
		if b, k, _ := strings.Cut(strings.TrimPrefix(r.path, "/"), "/"); b != "" && k == "" {
			s.Target = "bucket"
		}
		for i, p := range pending {
			if p.path == r.path && p.query == r.query && p.acrm == r.method {
				s.Preflight, s.RequestMethod, s.RequestHeaders = true, p.acrm, p.acrh
				pending = slices.Delete(pending, i, i+1)
				break
			}
		}
		out = append(out, s)
	}
	for _, p := range pending {
		t.Errorf("preflight %s %s?%s ACRM=%q without its request (refused?)", p.method, p.path, p.query, p.acrm)
	}
	return out
}

// queryNames returns the sorted names of the query's parameters, without
// the values, which differ from one recording to the next.
func queryNames(raw string) string {
	q, _ := url.ParseQuery(raw)
	var names []string
	for k := range q {
		if !strings.HasPrefix(k, "X-Amz-") {
			names = append(names, k)
		}
	}
	if len(q) > len(names) {
		names = append(names, "X-Amz-*")
	}
	slices.Sort(names)
	return strings.Join(names, "&")
}

// operationOf names the S3 operation of a request.
func operationOf(r seen) string {
	q, _ := url.ParseQuery(r.query)
	if id := q.Get("x-id"); id != "" {
		return id
	}
	_, key, _ := strings.Cut(strings.TrimPrefix(r.path, "/"), "/")
	switch {
	case r.method == "POST" && q.Has("uploads"):
		return "CreateMultipartUpload"
	case r.method == "PUT" && q.Has("partNumber"):
		return "UploadPart"
	case r.method == "POST" && q.Has("uploadId"):
		return "CompleteMultipartUpload"
	case r.method == "DELETE" && q.Has("uploadId"):
		return "AbortMultipartUpload"
	case r.method == "POST" && key == "":
		return "PostObject"
	case r.method == "PUT":
		return "PutObject"
	case r.method == "GET":
		return "GetObject"
	case r.method == "DELETE":
		return "DeleteObject"
	}
	return r.method
}

// lockedVersions returns the versions of the named packages that
// package-lock.json pins.
func lockedVersions(lockFile string, names ...string) (map[string]string, error) {
	data, err := os.ReadFile(lockFile)
	if err != nil {
		return nil, err
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, fmt.Errorf("%s: %v", lockFile, err)
	}
	out := map[string]string{}
	for _, n := range names {
		p, ok := lock.Packages["node_modules/"+n]
		if !ok {
			return nil, fmt.Errorf("%s does not pin %s", lockFile, n)
		}
		out[n] = p.Version
	}
	return out, nil
}
