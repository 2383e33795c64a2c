package main

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/internal/s3error"
)

// defaultMaxUpload is the largest body serve --writable stores unless
// --max-upload says otherwise.
const defaultMaxUpload = 100 << 20

// bucketFiles serves a folder as the objects of an S3 bucket: keys are
// file paths, missing keys and folders are S3's NoSuchKey, there are no
// listings and no redirects, and with writable, PUT stores and DELETE
// removes objects.
type bucketFiles struct {
	dir       string   // the folder, as given
	root      *os.Root // the folder; nothing outside it is opened
	dotfiles  bool     // serve keys with a segment starting with "."
	writable  bool
	maxUpload int64
}

func noSuchKey(w http.ResponseWriter, r *http.Request, key string) {
	s3error.Write(w, r, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", "Key", key)
}

// uploadDir is the folder, at the top of the served folder, where
// uploads are written before they are renamed into place. No request
// reaches it, --dotfiles or not (see objectKey), so that nobody reads a
// partial upload or replaces one before its rename; serve empties it when
// it starts, so that uploads cut short (kill -9) leave nothing behind. It
// is inside the served folder so that the rename stays on one file system.
const uploadDir = ".s3cors-uploads"

// objectKey returns the key of r's URL path, and whether it can name a
// file in the folder: not the bucket itself, no empty, "." or ".."
// segment, no backslash or NUL, not inside uploadDir. hidden reports a
// segment starting with ".".
func objectKey(r *http.Request) (key string, ok, hidden bool) {
	key = strings.TrimPrefix(r.URL.Path, "/")
	if key == "" || strings.ContainsAny(key, "\\\x00") {
		return key, false, false
	}
	// Compared without regard to case, for file systems that ignore it.
	if first, _, _ := strings.Cut(key, "/"); strings.EqualFold(first, uploadDir) {
		return key, false, true
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "" || seg == "." || seg == "..":
			return key, false, false
		case strings.HasPrefix(seg, "."):
			hidden = true
		}
	}
	return key, true, hidden
}

func (b *bucketFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		b.get(w, r)
	case http.MethodPut, http.MethodDelete:
		if !b.writable {
			w.Header().Set("Allow", "GET, HEAD")
			s3error.Write(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed",
				"The specified method is not allowed against this resource. This development server is read-only: start it with --writable to accept PUT and DELETE.",
				"Method", r.Method, "ResourceType", "OBJECT")
			return
		}
		if r.Method == http.MethodPut {
			b.put(w, r)
		} else {
			b.delete(w, r)
		}
	default:
		w.Header().Set("Allow", b.allow())
		s3error.Write(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.",
			"Method", r.Method, "ResourceType", "OBJECT")
	}
}

func (b *bucketFiles) allow() string {
	if b.writable {
		return "GET, HEAD, PUT, DELETE"
	}
	return "GET, HEAD"
}

func (b *bucketFiles) get(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "" || r.URL.Path == "/" {
		// Listing the bucket takes s3:ListBucket, which anonymous
		// requests lack.
		s3error.Write(w, r, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	key, ok, hidden := objectKey(r)
	if !ok || (hidden && !b.dotfiles) {
		noSuchKey(w, r, key)
		return
	}
	f, err := b.root.Open(key)
	if err != nil {
		noSuchKey(w, r, key)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		noSuchKey(w, r, key) // a folder is no object
		return
	}
	sum := md5.New()
	if _, err := io.Copy(sum, f); err != nil {
		s3error.Write(w, r, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		return
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		s3error.Write(w, r, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		return
	}
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum.Sum(nil))+`"`)
	w.Header().Set("Accept-Ranges", "bytes")
	http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
}

func (b *bucketFiles) put(w http.ResponseWriter, r *http.Request) {
	key, ok, hidden := objectKey(r)
	if !ok {
		s3error.Write(w, r, http.StatusBadRequest, "InvalidArgument",
			"This development server stores objects as files, so a key must not be empty, have empty, \".\" or \"..\" segments, backslashes or NUL, or start with "+uploadDir+", where it keeps uploads in progress: use another key.",
			"ArgumentName", "key", "ArgumentValue", key)
		return
	}
	if hidden && !b.dotfiles {
		s3error.Write(w, r, http.StatusBadRequest, "InvalidArgument",
			"A segment of this key starts with \".\", which this development server does not serve: use another key, or start it with --dotfiles.",
			"ArgumentName", "key", "ArgumentValue", key)
		return
	}
	if r.ContentLength > b.maxUpload {
		tooLarge(w, r, r.ContentLength, b.maxUpload)
		return
	}
	// The parent folders, created inside the root.
	dir := ""
	segs := strings.Split(key, "/")
	for _, seg := range segs[:len(segs)-1] {
		dir = filepath.Join(dir, seg)
		if err := b.root.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			b.storeFailed(w, r, key, err)
			return
		}
		if fi, err := b.root.Stat(dir); err != nil || !fi.IsDir() {
			b.storeFailed(w, r, key, fmt.Errorf("%s is a file", dir))
			return
		}
	}
	if fi, err := b.root.Lstat(key); err == nil && fi.IsDir() {
		b.storeFailed(w, r, key, errors.New("a folder has that name"))
		return
	}
	// The upload is written in uploadDir, which no request reaches, and
	// renamed into place once it is complete and on disk. The temporary
	// name does not repeat the key's, which may already be as long as a
	// file name can be.
	tmp := uploadDir + "/" + randomSuffix()
	f, err := b.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		b.storeFailed(w, r, key, err)
		return
	}
	sum := md5.New()
	n, err := io.Copy(io.MultiWriter(f, sum), io.LimitReader(r.Body, b.maxUpload+1))
	if err == nil && n > b.maxUpload {
		f.Close()
		b.root.Remove(tmp)
		tooLarge(w, r, -1, b.maxUpload)
		return
	}
	if err == nil {
		err = f.Sync() // on disk before it replaces the object
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = b.root.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = b.root.Rename(tmp, key)
	}
	if err != nil {
		b.root.Remove(tmp)
		b.storeFailed(w, r, key, err)
		return
	}
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum.Sum(nil))+`"`)
	w.WriteHeader(http.StatusOK)
}

// prepareUploads empties uploadDir of the uploads a stopped server left,
// or creates it.
func prepareUploads(root *os.Root) error {
	if err := root.RemoveAll(uploadDir); err != nil {
		return err
	}
	return root.Mkdir(uploadDir, 0o700)
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// tooLarge answers S3's EntityTooLarge. size is the proposed size, or -1
// when the body had no Content-Length.
func tooLarge(w http.ResponseWriter, r *http.Request, size, limit int64) {
	extra := []string{}
	if size >= 0 {
		extra = append(extra, "ProposedSize", strconv.FormatInt(size, 10))
	}
	extra = append(extra, "MaxSizeAllowed", strconv.FormatInt(limit, 10))
	w.Header().Set("Connection", "close") // the rest of the body is not read
	s3error.Write(w, r, http.StatusBadRequest, "EntityTooLarge",
		fmt.Sprintf("Your proposed upload exceeds the maximum allowed size. This development server accepts at most %d bytes: start it with a larger --max-upload.", limit),
		extra...)
}

// storeFailed reports that the object could not be written.
func (b *bucketFiles) storeFailed(w http.ResponseWriter, r *http.Request, key string, err error) {
	s3error.Write(w, r, http.StatusInternalServerError, "InternalError",
		fmt.Sprintf("This development server could not store %s in %s: %v. Check the folder's permissions, and that no file or folder stands in the key's way.", key, b.dir, unwrapPathError(err)))
}

func (b *bucketFiles) delete(w http.ResponseWriter, r *http.Request) {
	key, ok, hidden := objectKey(r)
	if ok && (!hidden || b.dotfiles) {
		if fi, err := b.root.Lstat(key); err == nil && fi.Mode().IsRegular() {
			if err := b.root.Remove(key); err != nil {
				b.storeFailed(w, r, key, err)
				return
			}
		}
	}
	// S3 answers 204 whether or not the key existed.
	w.WriteHeader(http.StatusNoContent)
}
