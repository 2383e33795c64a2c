package site_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3cors/s3cors/examples/website/site"
)

// TestWebsite checks the website's server side without a browser: the pages
// render with the bucket's configuration, and the presigned URL works for
// an upload.
func TestWebsite(t *testing.T) {
	assets, err := site.NewAssets([]string{"http://127.0.0.1:8000"})
	if err != nil {
		t.Fatal(err)
	}
	assetsSrv := httptest.NewServer(assets)
	defer assetsSrv.Close()
	web := httptest.NewServer(site.NewWebsite(assetsSrv.URL))
	defer web.Close()

	get := func(path string) (int, string) {
		resp, err := http.Get(web.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	status, page := get("/")
	if status != 200 || !strings.Contains(page, assetsSrv.URL+"/assets/img.png") ||
		!strings.Contains(page, "&#34;http://127.0.0.1:8000&#34;") {
		t.Errorf("demo page: %d\n%s", status, page)
	}
	status, page = get("/cache?step=2&v=42")
	if status != 200 || !strings.Contains(page, `crossorigin="anonymous" src="`+assetsSrv.URL+`/assets/cached.png?v=42"`) {
		t.Errorf("cache page, step 2: %d\n%s", status, page)
	}
	if status, _ := get("/presign?key=elsewhere/x"); status != http.StatusBadRequest {
		t.Errorf("presigning outside %s: %d", site.UploadPrefix, status)
	}

	status, body := get("/presign?key=uploads/a.txt")
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
