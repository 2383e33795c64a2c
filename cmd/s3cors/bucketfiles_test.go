package main

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startServe runs serve in-process on a free loopback port with args
// (after --config explain.json --addr 127.0.0.1:0) and returns its base URL
// and its standard error. It stops when the test ends.
func startServe(t *testing.T, args ...string) (base string, stderr *lockedBuffer) {
	t.Helper()
	var stdout lockedBuffer
	stderr = &lockedBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: stderr, dir: "testdata"}
	ctx, stop := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- serve(e, append([]string{"explain.json", "--addr", "127.0.0.1:0"}, args...), serveOptions{
			timeouts:  serveTimeouts{readHeader: 5 * time.Second, read: 10 * time.Second, write: 10 * time.Second, idle: 5 * time.Second},
			stop:      func() (context.Context, context.CancelFunc) { return ctx, stop },
			listening: func(a net.Addr) { addrc <- a },
		})
	}()
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case code := <-exit:
		t.Fatalf("serve exited with %d:\n%s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve does not listen")
	}
	t.Cleanup(func() {
		stop()
		select {
		case <-exit:
		case <-time.After(10 * time.Second):
			t.Error("serve does not stop")
		}
	})
	return base, stderr
}

// call sends a request and returns the response with its body read.
func call(t *testing.T, method, url string, body io.Reader, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// rawCall sends a request line as written, so that no client cleans the
// path, and returns the status and body.
func rawCall(t *testing.T, base, method, target string, body string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, method+" "+target+" HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app.example.com\r\nContent-Length: "+
		strconv.Itoa(len(body))+"\r\nConnection: close\r\n\r\n"+body)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeBucketReads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "docs", ".git"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "docs", "index.html"), []byte("<p>hi</p>"), 0o644))
	must(os.WriteFile(filepath.Join(dir, ".env"), []byte("SECRET=1"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "docs", ".git", "config"), []byte("[core]"), 0o644))
	base, log := startServe(t, "--dir", dir)
	origin := map[string]string{"Origin": "https://app.example.com"}

	// A missing key: S3's NoSuchKey, with the CORS headers.
	resp, body := call(t, "GET", base+"/nope/missing.txt", nil, origin)
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/xml" ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("X-Amz-Request-Id") == "" ||
		!strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>nope/missing.txt</Key><RequestId>") {
		t.Errorf("missing key: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	// HEAD: the status and headers, no body.
	resp, body = call(t, "HEAD", base+"/nope", nil, origin)
	if resp.StatusCode != 404 || body != "" {
		t.Errorf("HEAD missing key: %d %q", resp.StatusCode, body)
	}
	// Folders are no objects and are not listed; nothing redirects.
	for _, p := range []string{"/docs", "/docs/", "/docs/index.html/", "/docs/.git/"} {
		resp, body = call(t, "GET", base+p, nil, origin)
		if resp.StatusCode != 404 || !strings.Contains(body, "<Code>NoSuchKey</Code>") || resp.Header.Get("Location") != "" {
			t.Errorf("GET %s: %d %v\n%s", p, resp.StatusCode, resp.Header, body)
		}
	}
	resp, body = call(t, "GET", base+"/", nil, origin)
	if resp.StatusCode != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Errorf("GET /: %d\n%s", resp.StatusCode, body)
	}
	// index.html is served as itself, without a redirect to the folder.
	resp, body = call(t, "GET", base+"/docs/index.html", nil, origin)
	sum := md5.Sum([]byte("<p>hi</p>"))
	if resp.StatusCode != 200 || body != "<p>hi</p>" || resp.Header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` || resp.Header.Get("Last-Modified") == "" {
		t.Errorf("GET index.html: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	// Conditional requests use the ETag.
	resp, _ = call(t, "GET", base+"/docs/index.html", nil, map[string]string{"If-None-Match": resp.Header.Get("ETag")})
	if resp.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	// Dotfiles are hidden.
	for _, p := range []string{"/.env", "/docs/.git/config", "/%2eenv"} {
		resp, body = call(t, "GET", base+p, nil, origin)
		if resp.StatusCode != 404 || strings.Contains(body, "SECRET") || strings.Contains(body, "[core]") {
			t.Errorf("GET %s: %d\n%s", p, resp.StatusCode, body)
		}
	}
	// Traversal finds nothing outside the folder.
	for _, target := range []string{"/../explain.json", "/docs/../../explain.json", "/%2e%2e/explain.json", "/%2E%2E%2Fexplain.json", "//etc/passwd", "/..%5c..%5cexplain.json"} {
		st, body := rawCall(t, base, "GET", target, "")
		if st != 404 || !strings.Contains(body, "NoSuchKey") {
			t.Errorf("GET %s: %d\n%s", target, st, body)
		}
	}
	// The read-only server refuses writes with S3's MethodNotAllowed.
	resp, body = call(t, "PUT", base+"/x.txt", strings.NewReader("x"), origin)
	if resp.StatusCode != 405 || !strings.Contains(body, "<Code>MethodNotAllowed</Code>") || !strings.Contains(body, "--writable") || resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("read-only PUT: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	if l := log.String(); !strings.Contains(l, "GET /nope/missing.txt 404 cors: rule 0") {
		t.Errorf("log:\n%s", l)
	}
}

func TestServeBucketDotfiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".well-known"), []byte("ok"), 0o644); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, "--dir", dir, "--dotfiles")
	if resp, body := call(t, "GET", base+"/.well-known", nil, nil); resp.StatusCode != 200 || body != "ok" {
		t.Errorf("--dotfiles: %d %q", resp.StatusCode, body)
	}
}

func TestServeBucketWrites(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, log := startServe(t, "--dir", dir, "--writable", "--max-upload", "1KiB")
	origin := map[string]string{"Origin": "https://app.example.com", "Content-Type": "image/jpeg"}

	// The classic upload flow: preflight, PUT, read back, DELETE.
	resp, _ := call(t, "OPTIONS", base+"/uploads/cat.jpg", nil, map[string]string{
		"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"})
	if resp.StatusCode != 200 {
		t.Fatalf("preflight: %d", resp.StatusCode)
	}
	content := strings.Repeat("meow", 200)
	sum := md5.Sum([]byte(content))
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	resp, body := call(t, "PUT", base+"/uploads/cat.jpg", strings.NewReader(content), origin)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != etag || resp.Header.Get("Access-Control-Expose-Headers") != "ETag" || body != "" {
		t.Fatalf("PUT: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	resp, body = call(t, "GET", base+"/uploads/cat.jpg", nil, origin)
	if resp.StatusCode != 200 || body != content || resp.Header.Get("ETag") != etag || resp.Header.Get("Last-Modified") == "" {
		t.Errorf("read back: %d %v", resp.StatusCode, resp.Header)
	}
	// Overwriting replaces the object.
	resp, _ = call(t, "PUT", base+"/uploads/cat.jpg", strings.NewReader("v2"), origin)
	if _, body = call(t, "GET", base+"/uploads/cat.jpg", nil, nil); resp.StatusCode != 200 || body != "v2" {
		t.Errorf("overwrite: %d %q", resp.StatusCode, body)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "uploads"))
	if len(entries) != 1 {
		t.Errorf("uploads holds %d entries, want 1 (no temporary files left)", len(entries))
	}

	// Too large: declared, and streamed without a length.
	resp, body = call(t, "PUT", base+"/big.bin", strings.NewReader(strings.Repeat("x", 2000)), origin)
	if resp.StatusCode != 400 || !strings.Contains(body, "<Code>EntityTooLarge</Code>") || !strings.Contains(body, "<ProposedSize>2000</ProposedSize><MaxSizeAllowed>1024</MaxSizeAllowed>") ||
		resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("too large: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	resp, body = call(t, "PUT", base+"/big.bin", io.MultiReader(strings.NewReader(strings.Repeat("x", 2000))), origin)
	if resp.StatusCode != 400 || !strings.Contains(body, "EntityTooLarge") {
		t.Errorf("too large, chunked: %d\n%s", resp.StatusCode, body)
	}
	if _, err := os.Stat(filepath.Join(dir, "big.bin")); err == nil {
		t.Error("a too large upload was stored")
	}

	// Traversal and other keys that are not file paths.
	parent := filepath.Dir(dir)
	for _, target := range []string{"/../escape.txt", "/%2e%2e/escape.txt", "/a/%2E%2E/%2E%2E/escape.txt", "//tmp/escape.txt", "/" + parent + "/escape.txt", "/a\\..\\..\\escape.txt", "/.hidden"} {
		st, body := rawCall(t, base, "PUT", target, "pwned")
		if st != 400 || !strings.Contains(body, "InvalidArgument") {
			t.Errorf("PUT %s: %d\n%s", target, st, body)
		}
	}
	// An absolute path is a key under the folder, never the path itself.
	if _, err := os.Stat(filepath.Join(parent, "escape.txt")); err == nil {
		t.Error("a file was written outside the folder")
	}
	if st, _ := rawCall(t, base, "PUT", "/"+strings.TrimPrefix(dir, "/")+"/abs.txt", "in"); st != 200 {
		t.Errorf("PUT of an absolute-looking key: %d", st)
	}
	if _, err := os.Stat(filepath.Join(dir, strings.TrimPrefix(dir, "/"), "abs.txt")); err != nil {
		t.Errorf("absolute-looking key not stored under the folder: %v", err)
	}

	// DELETE removes, and answers 204 for missing keys as S3 does.
	for range 2 {
		resp, _ = call(t, "DELETE", base+"/uploads/cat.jpg", nil, origin)
		if resp.StatusCode != 204 {
			t.Errorf("DELETE: %d", resp.StatusCode)
		}
	}
	if resp, _ = call(t, "GET", base+"/uploads/cat.jpg", nil, nil); resp.StatusCode != 404 {
		t.Errorf("GET after DELETE: %d", resp.StatusCode)
	}
	if l := log.String(); !strings.Contains(l, "PUT /uploads/cat.jpg 200 cors: rule 1") || !strings.Contains(l, "DELETE /uploads/cat.jpg 204") {
		t.Errorf("log:\n%s", l)
	}
}

func TestServeMaxUploadFlag(t *testing.T) {
	t.Parallel()
	s3cors(t, "", "serve", "explain.json", "--dir", "site", "--max-upload", "lots").
		expect(t, 2, nil, []string{`"lots" is not a size`, "100MiB"})
}

// TestServeUploadsOutOfReach checks where serve --writable keeps an upload
// in progress: in a folder that no request reaches, --dotfiles or not, so
// that nobody reads it or replaces it before its rename; the folder is
// emptied at start, so that an upload cut short leaves nothing behind.
func TestServeUploadsOutOfReach(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// What a server killed during an upload left.
	must(t, os.MkdirAll(filepath.Join(dir, ".s3cors-uploads"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, ".s3cors-uploads", "0123456789ab"), []byte("half"), 0o600))
	base, _ := startServe(t, "--dir", dir, "--writable", "--dotfiles")
	if entries, err := os.ReadDir(filepath.Join(dir, ".s3cors-uploads")); err != nil || len(entries) != 0 {
		t.Errorf("leftovers after start: %v %v", entries, err)
	}

	// An upload in progress: half the body sent.
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("PUT", base+"/k.txt", pr)
		req.ContentLength = 8
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	_, err := pw.Write([]byte("firs"))
	must(t, err)
	var partial []string
	for deadline := time.Now().Add(5 * time.Second); len(partial) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		partial = nil
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				partial = append(partial, filepath.ToSlash(rel))
			}
			return nil
		})
	}
	if len(partial) != 1 || !strings.HasPrefix(partial[0], ".s3cors-uploads/") {
		t.Fatalf("files during the upload: %q", partial)
	}
	// Neither read nor replaced nor deleted through the server.
	for _, p := range []string{partial[0], strings.ToUpper(partial[0]), ".s3cors-uploads/"} {
		if resp, body := call(t, "GET", base+"/"+p, nil, nil); resp.StatusCode != 404 || strings.Contains(body, "firs") {
			t.Errorf("GET %s: %d %q", p, resp.StatusCode, body)
		}
		if resp, _ := call(t, "PUT", base+"/"+p, strings.NewReader("evil"), nil); resp.StatusCode != 400 {
			t.Errorf("PUT %s: %d", p, resp.StatusCode)
		}
		call(t, "DELETE", base+"/"+p, nil, nil)
	}
	_, err = pw.Write([]byte("tttt"))
	must(t, err)
	pw.Close()
	if code := <-done; code != 200 {
		t.Fatalf("upload: %d", code)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "k.txt")); err != nil || string(b) != "firstttt" {
		t.Errorf("k.txt: %q %v", b, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, ".s3cors-uploads")); len(entries) != 0 {
		t.Errorf("left in the upload folder: %v", entries)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
