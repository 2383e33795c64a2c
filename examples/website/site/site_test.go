package site_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/examples/website/site"
)

// TestWebsite checks the website's server side without a browser: the pages
// render with the bucket's configuration and presigned URLs that the
// emulator, which authenticates, accepts; the presigned URL works for an
// upload; unsigned requests are refused.
func TestWebsite(t *testing.T) {
	assets, err := site.NewAssets([]string{"http://127.0.0.1:8000"})
	if err != nil {
		t.Fatal(err)
	}
	assetsSrv := httptest.NewServer(assets)
	defer assetsSrv.Close()
	web := httptest.NewServer(site.NewWebsite(assetsSrv.URL))
	defer web.Close()

	get := func(u string) (int, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// src returns the URL of the page's <img> with the given data-key.
	src := func(page, key string) string {
		t.Helper()
		m := regexp.MustCompile(`data-key="` + key + `"[^>]* src="([^"]*)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no <img data-key=%q> in\n%s", key, page)
		}
		return html.UnescapeString(m[1])
	}

	status, page := get(web.URL + "/")
	if status != 200 || !strings.Contains(page, "&#34;http://127.0.0.1:8000&#34;") {
		t.Fatalf("demo page: %d\n%s", status, page)
	}
	img := src(page, "imgCors")
	if !strings.HasPrefix(img, assetsSrv.URL+"/assets/img.png?") || !strings.Contains(img, "X-Amz-Signature=") {
		t.Errorf("image URL %q, want a presigned URL of img.png", img)
	}
	if plain := src(page, "imgPlain"); plain == img || !strings.Contains(plain, "plain=1") {
		t.Errorf("plain image URL %q, want another URL than %q", plain, img)
	}
	if status, body := get(img); status != 200 || body != string(site.RedPNG) {
		t.Errorf("GET of the page's image URL: %d", status)
	}
	// Without the signature the bucket refuses.
	if status, body := get(assetsSrv.URL + "/assets/" + site.DataKey); status != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Errorf("unsigned GET: %d %s", status, body)
	}

	// The cache page's two steps load the very same URL.
	status, page = get(web.URL + "/cache?v=42")
	if status != 200 {
		t.Fatalf("cache page, step 1: %d", status)
	}
	first := src(page, "img")
	next := regexp.MustCompile(`id="next" href="([^"]*)"`).FindStringSubmatch(page)
	if next == nil {
		t.Fatalf("no link to step 2 in\n%s", page)
	}
	status, page = get(web.URL + html.UnescapeString(next[1]))
	if status != 200 || !strings.Contains(page, `crossorigin="anonymous" src="`) || src(page, "img") != first {
		t.Errorf("cache page, step 2: %d, image URL %q, want %q", status, src(page, "img"), first)
	}
	if !strings.HasPrefix(first, assetsSrv.URL+"/assets/cached.png?") || !strings.Contains(first, "v=42") {
		t.Errorf("cached image URL %q", first)
	}

	if status, _ := get(web.URL + "/presign?key=elsewhere/x"); status != http.StatusBadRequest {
		t.Errorf("presigning outside %s: %d", site.UploadPrefix, status)
	}
	status, body := get(web.URL + "/presign?key=uploads/a.txt")
	var p struct{ URL, Method string }
	if err := json.Unmarshal([]byte(body), &p); err != nil || status != 200 || p.Method != "PUT" {
		t.Fatalf("presign: %d %s", status, body)
	}
	req, _ := http.NewRequest(p.Method, p.URL, strings.NewReader("x"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("upload to the presigned URL: %d", resp.StatusCode)
	}
}
