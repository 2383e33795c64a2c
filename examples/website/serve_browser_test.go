package main_test

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type serveUploadResults struct {
	Put     pageResult `json:"put"`
	Get     pageResult `json:"get"`
	Missing pageResult `json:"missing"`
}

type serveIntruderResults struct {
	Put pageResult `json:"put"`
}

// catText is what the upload page puts.
const catText = "a cat, uploaded by fetch\n"

// TestBrowserServeWritable runs `s3cors serve --writable` as a page in
// development uses it: a page from an allowed origin uploads a file, reads
// its ETag and gets it back, and reads S3's error for a missing key; a page
// from another origin tries to upload and is stopped at the preflight.
func TestBrowserServeWritable(t *testing.T) {
	ctx := tab(t)
	bin := buildS3cors(t)

	site, other := newPageServer(t), newPageServer(t)
	dir := t.TempDir()
	config := map[string]any{"CORSRules": []map[string]any{{
		"ID":             "uploads",
		"AllowedOrigins": []string{site.Origin},
		"AllowedMethods": []string{"PUT", "GET"},
		"AllowedHeaders": []string{"content-type"},
		"ExposeHeaders":  []string{"ETag"},
	}}}
	srv := startServe(t, bin, config, dir, "--writable")

	site.start(map[string]string{"/upload": testPage(srv.URL, `
  const text = `+"`"+strings.ReplaceAll(catText, "\n", `\n`)+"`"+`;
  await attempt("put", async () => read(await fetch(bucket + "/uploads/cat.txt",
    {method: "PUT", body: text, headers: {"content-type": "text/plain"}})));
  await attempt("get", async () => read(await fetch(bucket + "/uploads/cat.txt")));
  await attempt("missing", async () => read(await fetch(bucket + "/uploads/missing.txt")));`)})
	other.start(map[string]string{"/upload": testPage(srv.URL, `
  await attempt("put", async () => read(await fetch(bucket + "/uploads/intruder.txt",
    {method: "PUT", body: "not welcome", headers: {"content-type": "text/plain"}})));`)})

	res := load[serveUploadResults](t, ctx, site.Origin+"/upload")
	t.Logf("allowed origin: %+v", res)

	// The file is in the folder, and its ETag is the quoted MD5 of its
	// content, as S3 gives for an object uploaded in one part.
	stored, err := os.ReadFile(filepath.Join(dir, "uploads", "cat.txt"))
	if err != nil {
		t.Fatalf("the upload did not land: %v", err)
	}
	if string(stored) != catText {
		t.Errorf("uploads/cat.txt holds %q, want %q", stored, catText)
	}
	sum := md5.Sum([]byte(catText))
	etag := `"` + hex.EncodeToString(sum[:]) + `"`

	// The page's view: the ETag is readable only because the rule exposes
	// it.
	if !res.Put.OK || res.Put.Status != 200 || res.Put.ETag != etag || res.Put.Error != "" {
		t.Errorf("PUT: %+v, want 200 with the readable ETag %s", res.Put, etag)
	}
	if !res.Get.OK || res.Get.Status != 200 || res.Get.Body != catText || res.Get.ETag != etag {
		t.Errorf("GET of the upload: %+v, want 200, %q, ETag %s", res.Get, catText, etag)
	}
	// S3's error is readable because the CORS headers are on it too.
	if res.Missing.Status != 404 || res.Missing.OK || !strings.Contains(res.Missing.Body, "<Code>NoSuchKey</Code>") ||
		!strings.Contains(res.Missing.Body, "<Key>uploads/missing.txt</Key>") || res.Missing.ContentType != "application/xml" {
		t.Errorf("GET of a missing key: %+v, want a readable 404 NoSuchKey XML error", res.Missing)
	}

	intruder := load[serveIntruderResults](t, ctx, other.Origin+"/upload")
	t.Logf("origin not allowed: %+v", intruder)
	if intruder.Put.Error != "TypeError: Failed to fetch" || intruder.Put.Status != 0 {
		t.Errorf("PUT from %s: %+v, want it blocked (TypeError: Failed to fetch)", other.Origin, intruder.Put)
	}
	if _, err := os.Stat(filepath.Join(dir, "uploads", "intruder.txt")); !os.IsNotExist(err) {
		t.Errorf("uploads/intruder.txt: %v, want no such file", err)
	}
	// S3 refuses the preflight with a 403 that has no CORS headers:
	// Chromium reports the missing header first.
	if got := b.events.corsErrorOf(srv.URL + "/uploads/intruder.txt"); got != "PreflightMissingAllowOriginHeader" {
		t.Errorf("Chromium's CORS error for the refused upload: %q, want PreflightMissingAllowOriginHeader", got)
	}
	for _, p := range []string{"/uploads/cat.txt", "/uploads/missing.txt"} {
		if e := b.events.corsErrorOf(srv.URL + p); e != "" {
			t.Errorf("%s: CORS error %s", p, e)
		}
	}

	// The server's view, from its request log: each preflight, then the
	// upload only where the preflight was allowed.
	for _, w := range []struct {
		method, path string
		want         []string // the logged "STATUS VERDICT"s, by prefix
	}{
		{"OPTIONS", "/uploads/cat.txt", []string{`200 cors: rule 0 (ID "uploads") matched`}},
		{"PUT", "/uploads/cat.txt", []string{`200 cors: rule 0 (ID "uploads") matched`}},
		{"GET", "/uploads/cat.txt", []string{`200 cors: rule 0 (ID "uploads") matched`}},
		{"GET", "/uploads/missing.txt", []string{`404 cors: rule 0 (ID "uploads") matched`}},
		{"OPTIONS", "/uploads/intruder.txt", []string{"403 cors: preflight refused for origin " + other.Origin}},
		{"PUT", "/uploads/intruder.txt", nil},
	} {
		got := srv.logged(w.method, w.path)
		ok := len(got) == len(w.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], w.want[i])
		}
		if !ok {
			t.Errorf("serve logged %s %s as %q, want %q", w.method, w.path, got, w.want)
		}
	}
}
