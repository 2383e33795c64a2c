package emulator_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3cors/s3cors/rule"
)

// postForm returns the fields of a form upload of key to bucket, signed with
// the auth tests' credentials as createPresignedPost of the AWS SDK for
// JavaScript v3 signs it, with extra conditions and fields.
func postForm(bucket, key string, expires time.Duration, conditions []any, extra ...[2]string) [][2]string {
	now := time.Now().UTC()
	date := now.Format("20060102")
	fields := [][2]string{
		{"bucket", bucket},
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Credential", authKey + "/" + date + "/us-east-1/s3/aws4_request"},
		{"X-Amz-Date", now.Format("20060102T150405Z")},
	}
	fields = append(fields, extra...)
	for _, f := range fields {
		conditions = append(conditions, map[string]string{f[0]: f[1]})
	}
	if prefix, ok := strings.CutSuffix(key, "${filename}"); ok {
		conditions = append(conditions, []string{"starts-with", "$key", prefix})
	} else {
		conditions = append(conditions, map[string]string{"key": key})
	}
	fields = append(fields, [2]string{"key", key})
	doc, _ := json.Marshal(map[string]any{
		"expiration": now.Add(expires).Format("2006-01-02T15:04:05Z"),
		"conditions": conditions,
	})
	policy := base64.StdEncoding.EncodeToString(doc)
	mac := func(k []byte, s string) []byte { m := hmac.New(sha256.New, k); m.Write([]byte(s)); return m.Sum(nil) }
	k := mac(mac(mac(mac([]byte("AWS4"+authSecret), date), "us-east-1"), "s3"), "aws4_request")
	return append(fields, [2]string{"Policy", policy}, [2]string{"X-Amz-Signature", hex.EncodeToString(mac(k, policy))})
}

// postFile POSTs the form with a file to the bucket's URL from authOrigin,
// as a page's form or FormData does.
func postFile(t *testing.T, endpoint, bucket string, fields [][2]string, name, content string) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	w, _ := mw.CreateFormFile("file", name)
	io.WriteString(w, content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/"+bucket, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", authOrigin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func md5Hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPostObject(t *testing.T) {
	ctx := t.Context()
	a := startAuthEmulator(t)
	if err := a.CreateBucket("forms"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetBucketCORS("forms", &rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{authOrigin}, AllowedMethods: []string{"POST", "GET"}, ExposeHeaders: []string{"ETag"},
	}}}); err != nil {
		t.Fatal(err)
	}
	client := authClient(a.endpoint, "us-east-1", authKey, authSecret, nil)

	fields := postForm("forms", "uploads/${filename}", time.Minute,
		[]any{[]any{"content-length-range", 0, 1024}}, [2]string{"Content-Type", "text/plain"}, [2]string{"x-amz-meta-owner", "ann"})
	resp := postFile(t, a.endpoint, "forms", fields, "note.txt", "posted by a form")
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d: %s", resp.StatusCode, readAll(t, resp.Body))
	}
	wantHeaders(t, "204", resp, map[string]string{
		"Access-Control-Allow-Origin":   authOrigin,
		"Access-Control-Expose-Headers": "ETag",
		"ETag":                          `"` + md5Hex("posted by a form") + `"`,
		"Location":                      a.endpoint + "/forms/uploads%2Fnote.txt",
	})
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("forms"), Key: aws.String("uploads/note.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, out.Body); body != "posted by a form" || aws.ToString(out.ContentType) != "text/plain" || out.Metadata["owner"] != "ann" {
		t.Errorf("stored %q, Content-Type %q, metadata %v", body, aws.ToString(out.ContentType), out.Metadata)
	}

	// 201 with S3's document.
	fields = postForm("forms", "created.txt", time.Minute, nil, [2]string{"success_action_status", "201"})
	resp = postFile(t, a.endpoint, "forms", fields, "c.txt", "x")
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<PostResponse><Location>" + a.endpoint + "/forms/created.txt</Location>" +
		`<Bucket>forms</Bucket><Key>created.txt</Key><ETag>"` + md5Hex("x") + `"</ETag></PostResponse>`
	if body := readAll(t, resp.Body); resp.StatusCode != http.StatusCreated || body != want {
		t.Errorf("201: %d %s", resp.StatusCode, body)
	}

	// 303 to success_action_redirect.
	fields = postForm("forms", "dir/r.txt", time.Minute, nil, [2]string{"success_action_redirect", "https://app.example.com/done?x=1"})
	client303 := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile("file", "r.txt")
	io.WriteString(fw, "r")
	mw.Close()
	resp, err = client303.Post(a.endpoint+"/forms", mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther ||
		loc != "https://app.example.com/done?x=1&bucket=forms&key=dir%2Fr.txt&etag=%22"+md5Hex("r")+"%22" {
		t.Errorf("redirect: %d %s", resp.StatusCode, loc)
	}

	// A refusal is S3's XML error, with the bucket's CORS headers.
	fields = postForm("forms", "late.txt", -time.Second, nil)
	resp = postFile(t, a.endpoint, "forms", fields, "l.txt", "l")
	body := readAll(t, resp.Body)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "<Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message>") ||
		resp.Header.Get("Access-Control-Allow-Origin") != authOrigin {
		t.Errorf("expired: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	fields = postForm("forms", "big.txt", time.Minute, []any{[]any{"content-length-range", 0, 4}})
	resp = postFile(t, a.endpoint, "forms", fields, "b.txt", "too big")
	if body := readAll(t, resp.Body); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "<Code>EntityTooLarge</Code>") {
		t.Errorf("too large: %d %s", resp.StatusCode, body)
	}
	if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("forms"), Key: aws.String("big.txt")}); err == nil {
		t.Error("a refused upload was stored")
	}
	resp = postFile(t, a.endpoint, "nosuchbucket", postForm("nosuchbucket", "a", time.Minute, nil), "a", "a")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("no such bucket: %d", resp.StatusCode)
	}

	// The other POSTs to a bucket are signed requests, verified as before.
	if _, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("forms"),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("created.txt")}}}}); err != nil {
		t.Errorf("DeleteObjects: %v", err)
	}
	if _, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("forms"), Key: aws.String("m")}); err != nil {
		t.Errorf("CreateMultipartUpload: %v", err)
	}
	bad := authClient(a.endpoint, "us-east-1", authKey, "wrong", nil)
	if _, err := bad.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("forms"),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("dir/r.txt")}}}}); err == nil {
		t.Error("DeleteObjects with a wrong secret succeeded")
	}
}

// TestPostObjectAuthOff checks that without WithCredentials a form is stored as it
// is, its policy unread.
func TestPostObjectAuthOff(t *testing.T) {
	e, endpoint, client := startEmulator(t)
	if err := e.CreateBucket("open"); err != nil {
		t.Fatal(err)
	}
	resp := postFile(t, endpoint, "open", [][2]string{{"key", "${filename}"}}, "free.txt", "free")
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d: %s", resp.StatusCode, readAll(t, resp.Body))
	}
	out, err := client.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("open"), Key: aws.String("free.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, out.Body); body != "free" || aws.ToString(out.ContentType) != "binary/octet-stream" {
		t.Errorf("stored %q as %q", body, aws.ToString(out.ContentType))
	}
}
