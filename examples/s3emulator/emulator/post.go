package emulator

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/s3cors/s3cors/internal/sigv4"
	"github.com/s3cors/s3cors/rule"
)

// isFormUpload reports whether r is a POST Object, an upload from an HTML
// form: a POST to a bucket's URL with a multipart/form-data body, without
// query parameters or Authorization header. Other POSTs to a bucket, such as
// DeleteObjects (?delete), are authenticated and go to gofakes3 as before.
func isFormUpload(r *http.Request) bool {
	if r.Method != http.MethodPost || r.URL.RawQuery != "" || r.Header.Get("Authorization") != "" {
		return false
	}
	bucket, key := splitPath(r.URL.Path)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return bucket != "" && key == "" && mediaType == "multipart/form-data"
}

// servePost serves POST Object. With WithCredentials the form is verified by its
// POST policy and signature ([sigv4.Verifier.VerifyPost]); without, it is
// read and stored as it is ([sigv4.ReadPost]). The object's headers are the
// form's Content-Type (binary/octet-stream without one), Cache-Control,
// Content-Disposition, Content-Encoding, Expires and x-amz-meta-* fields.
//
// As S3 does, it answers 204 with ETag and Location, or as
// success_action_status asks: 200, or 201 with a PostResponse document. An
// absolute http or https success_action_redirect (or the older redirect)
// gets 303 to that URL with bucket, key and etag added to its query.
func (e *Emulator) servePost(w http.ResponseWriter, r *http.Request, bucket string) {
	if !e.bucketExists(bucket) {
		writeError(w, r, http.StatusNotFound, rule.ErrorDocument{
			Code: "NoSuchBucket", Message: "The specified bucket does not exist", BucketName: bucket})
		return
	}
	var u *sigv4.PostUpload
	var err error
	if e.auth != nil {
		u, err = e.auth.VerifyPost(r, bucket)
	} else {
		u, err = sigv4.ReadPost(r, bucket)
	}
	if err != nil {
		var se *sigv4.Error
		if !errors.As(err, &se) {
			se = &sigv4.Error{Status: http.StatusBadRequest, Code: "MalformedPOSTRequest", Message: err.Error()}
		}
		refuse(w, r, se)
		return
	}
	meta := map[string]string{
		"Content-Type":  "binary/octet-stream",
		"Last-Modified": time.Now().UTC().Format(http.TimeFormat),
	}
	for name, v := range u.Fields {
		switch {
		case name == "content-type", name == "cache-control", name == "content-disposition",
			name == "content-encoding", name == "expires", strings.HasPrefix(name, "x-amz-meta-"):
			meta[http.CanonicalHeaderKey(name)] = v
		}
	}
	res, err := e.backend.PutObject(bucket, u.Key, meta, bytes.NewReader(u.Body), int64(len(u.Body)), nil)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, rule.ErrorDocument{
			Code: "InternalError", Message: "We encountered an internal error. Please try again."})
		return
	}
	sum := md5.Sum(u.Body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	// The key is escaped as one path segment, "/" as %2F, as S3 writes it.
	location := scheme + "://" + r.Host + "/" + url.PathEscape(bucket) + "/" + url.PathEscape(u.Key)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Location", location)
	if res.VersionID != "" {
		h.Set("x-amz-version-id", string(res.VersionID))
	}
	redirect := u.Fields["success_action_redirect"]
	if redirect == "" {
		redirect = u.Fields["redirect"]
	}
	if to, ok := redirectURL(redirect, bucket, u.Key, etag); ok {
		h.Set("Location", to)
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	switch u.Fields["success_action_status"] {
	case "200":
		w.WriteHeader(http.StatusOK)
	case "201":
		h.Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(postResponse(location, bucket, u.Key, etag))
	default: // "204", none, or a value S3 ignores
		w.WriteHeader(http.StatusNoContent)
	}
}

// redirectURL returns the URL of success_action_redirect with bucket, key
// and etag added to its query, or false when it is not an absolute http or
// https URL, which S3 ignores.
func redirectURL(redirect, bucket, key, etag string) (string, bool) {
	u, err := url.Parse(redirect)
	if redirect == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	sep := "?"
	if strings.Contains(redirect, "?") {
		sep = "&"
	}
	return redirect + sep + "bucket=" + url.QueryEscape(bucket) + "&key=" + url.QueryEscape(key) +
		"&etag=" + url.QueryEscape(etag), true
}

// postResponse is the document of a 201 answer.
func postResponse(location, bucket, key, etag string) []byte {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<PostResponse>")
	for _, el := range [][2]string{{"Location", location}, {"Bucket", bucket}, {"Key", key}, {"ETag", etag}} {
		b.WriteString("<" + el[0] + ">" + esc.Replace(el[1]) + "</" + el[0] + ">")
	}
	b.WriteString("</PostResponse>")
	return b.Bytes()
}
