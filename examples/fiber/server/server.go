// Package server is a small S3-compatible server built on Fiber, whose
// buckets have CORS configurations as on Amazon S3. Buckets and objects live
// in memory; URLs are path-style (/bucket/key); requests are not
// authenticated.
//
// It serves CreateBucket, HeadBucket, ListObjects (without paging),
// DeleteBucket, PutObject, GetObject, HeadObject and DeleteObject, ListBuckets
// on "/", and the bucket CORS API on the ?cors sub-resource (PutBucketCors,
// GetBucketCors, DeleteBucketCors) with the answers of
// [bucket.Store.ServeHTTP]. Package
// github.com/s3cors/s3cors/examples/fiber/fibercors puts the buckets' CORS in
// front of every route.
package server

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/examples/fiber/fibercors"
	"github.com/s3cors/s3cors/rule"
)

// BodyLimit is the largest request body the server accepts. fasthttp reads
// a body whole, up to this limit, before any handler runs.
const BodyLimit = 64 << 20

// Server is an S3-compatible server in memory. Create one with New; it is
// safe for concurrent use.
type Server struct {
	app   *fiber.App
	store *bucket.Store

	mu      sync.RWMutex
	buckets map[string]*bucketState
}

// bucketState is one bucket's content.
type bucketState struct {
	created time.Time
	objects map[string]*object
}

// object is one stored object. It is never changed once stored.
type object struct {
	data        []byte
	etag        string
	contentType string
	modified    time.Time
}

// New returns a Server without buckets.
func New() *Server {
	s := &Server{buckets: make(map[string]*bucketState)}
	s.store = bucket.NewStore(s.exists)
	s.app = fiber.New(fiber.Config{
		CaseSensitive: true,
		// "/bucket/key/" and "/bucket/key" are different objects.
		StrictRouting: true,
		BodyLimit:     BodyLimit,
		ErrorHandler:  s.handleError,
		// Abandoned, idle or stalled connections do not stay open.
		ReadTimeout:  5 * time.Minute,
		WriteTimeout: 5 * time.Minute,
		IdleTimeout:  60 * time.Second,
	})
	s.app.Use(setRequestIDs)
	// CORS comes before every route, and would come before authentication
	// if the server had any: browsers never sign preflights.
	s.app.Use(fibercors.New(fibercors.Config{
		Resolve:    fibercors.FromStore(s.store),
		RequestIDs: responseIDs,
	}))
	s.app.Get("/", s.listBuckets)
	for _, path := range []string{"/:bucket", "/:bucket/"} {
		s.app.Put(path, s.putBucket)
		s.app.Get(path, s.getBucket) // and HEAD
		s.app.Delete(path, s.deleteBucket)
	}
	s.app.Put("/:bucket/+", s.putObject)
	s.app.Get("/:bucket/+", s.getObject) // and HEAD
	s.app.Delete("/:bucket/+", s.deleteObject)
	return s
}

// App returns the Fiber application that serves the S3 API, to listen with.
func (s *Server) App() *fiber.App { return s.app }

// Store returns the server's bucket CORS configurations, to set them
// without the API.
func (s *Server) Store() *bucket.Store { return s.store }

// CreateBucket creates a bucket, as PUT /name does.
func (s *Server) CreateBucket(name string) error {
	if !validBucketName(name) {
		return errors.New("server: invalid bucket name " + name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[name]; ok {
		return errors.New("server: bucket " + name + " exists")
	}
	s.buckets[name] = &bucketState{created: time.Now().UTC(), objects: make(map[string]*object)}
	return nil
}

// exists reports whether the bucket exists, for the Store.
func (s *Server) exists(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.buckets[name]
	return ok
}

// validBucketName reports whether name follows S3's main bucket naming
// rules: 3 to 63 lower-case letters, digits, dots and hyphens, beginning and
// ending with a letter or digit.
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := range len(name) {
		switch ch := name[i]; {
		case 'a' <= ch && ch <= 'z', '0' <= ch && ch <= '9':
		case (ch == '.' || ch == '-') && i > 0 && i < len(name)-1:
		default:
			return false
		}
	}
	return true
}

// hasCORS reports whether the request addresses the ?cors sub-resource.
func hasCORS(c fiber.Ctx) bool {
	return c.Request().URI().QueryArgs().Has("cors")
}

// putBucket serves CreateBucket and PutBucketCors.
func (s *Server) putBucket(c fiber.Ctx) error {
	name := strings.Clone(c.Params("bucket"))
	if hasCORS(c) {
		return s.putBucketCORS(c, name)
	}
	if !validBucketName(name) {
		return writeError(c, fiber.StatusBadRequest, rule.ErrorDocument{
			Code: "InvalidBucketName", Message: "The specified bucket is not valid.", BucketName: name,
		})
	}
	s.mu.Lock()
	_, ok := s.buckets[name]
	if !ok {
		s.buckets[name] = &bucketState{created: time.Now().UTC(), objects: make(map[string]*object)}
	}
	s.mu.Unlock()
	if ok {
		return writeError(c, fiber.StatusConflict, rule.ErrorDocument{
			Code:       "BucketAlreadyOwnedByYou",
			Message:    "Your previous request to create the named bucket succeeded and you already own it.",
			BucketName: name,
		})
	}
	c.Set(fiber.HeaderLocation, "/"+name)
	c.Status(fiber.StatusOK)
	return nil
}

// getBucket serves GetBucketCors, ListObjects and HeadBucket.
func (s *Server) getBucket(c fiber.Ctx) error {
	name := c.Params("bucket")
	if hasCORS(c) {
		if c.Method() == fiber.MethodHead {
			return methodNotAllowed(c, "BUCKET")
		}
		return s.getBucketCORS(c, name)
	}
	s.mu.RLock()
	b := s.buckets[name]
	res := listBucketResult{Name: name, Prefix: c.Query("prefix"), MaxKeys: 1000}
	if b != nil {
		for key, o := range b.objects {
			if strings.HasPrefix(key, res.Prefix) {
				res.Contents = append(res.Contents, listEntry{
					Key:          key,
					LastModified: o.modified.Format(time.RFC3339Nano),
					ETag:         o.etag,
					Size:         len(o.data),
					StorageClass: "STANDARD",
				})
			}
		}
	}
	s.mu.RUnlock()
	if b == nil {
		return noSuchBucket(c, name)
	}
	if c.Method() == fiber.MethodHead {
		c.Status(fiber.StatusOK)
		return nil
	}
	slices.SortFunc(res.Contents, func(a, b listEntry) int { return strings.Compare(a.Key, b.Key) })
	res.KeyCount = len(res.Contents)
	return sendXML(c, res)
}

// deleteBucket serves DeleteBucket and DeleteBucketCors.
func (s *Server) deleteBucket(c fiber.Ctx) error {
	name := c.Params("bucket")
	if hasCORS(c) {
		return s.deleteBucketCORS(c, name)
	}
	s.mu.Lock()
	b := s.buckets[name]
	empty := b != nil && len(b.objects) == 0
	if empty {
		delete(s.buckets, name)
	}
	s.mu.Unlock()
	switch {
	case b == nil:
		return noSuchBucket(c, name)
	case !empty:
		return writeError(c, fiber.StatusConflict, rule.ErrorDocument{
			Code: "BucketNotEmpty", Message: "The bucket you tried to delete is not empty", BucketName: name,
		})
	}
	// The bucket is gone, so exists says so, before its configuration goes:
	// a PutBucketCors racing this deletion cannot leave one behind.
	s.store.Delete(name)
	c.Status(fiber.StatusNoContent)
	return nil
}

// putObject serves PutObject.
func (s *Server) putObject(c fiber.Ctx) error {
	if hasCORS(c) {
		return methodNotAllowed(c, "OBJECT")
	}
	name, key, ok := objectKey(c)
	if !ok {
		return invalidURI(c)
	}
	body := c.Request().Body()
	sum := md5.Sum(body)
	o := &object{
		data:        bytes.Clone(body),
		etag:        `"` + hex.EncodeToString(sum[:]) + `"`,
		contentType: string(c.Request().Header.ContentType()),
		modified:    time.Now().UTC(),
	}
	if o.contentType == "" {
		o.contentType = "binary/octet-stream"
	}
	s.mu.Lock()
	b := s.buckets[name]
	if b != nil {
		b.objects[key] = o
	}
	s.mu.Unlock()
	if b == nil {
		return noSuchBucket(c, name)
	}
	c.Set(fiber.HeaderETag, o.etag)
	c.Status(fiber.StatusOK)
	return nil
}

// getObject serves GetObject and HeadObject.
func (s *Server) getObject(c fiber.Ctx) error {
	if hasCORS(c) {
		return methodNotAllowed(c, "OBJECT")
	}
	name, key, ok := objectKey(c)
	if !ok {
		return invalidURI(c)
	}
	s.mu.RLock()
	b := s.buckets[name]
	var o *object
	if b != nil {
		o = b.objects[key]
	}
	s.mu.RUnlock()
	switch {
	case b == nil:
		return noSuchBucket(c, name)
	case o == nil:
		// S3's NoSuchKey also names the key, in a Key element that
		// rule.ErrorDocument does not have.
		return writeError(c, fiber.StatusNotFound, rule.ErrorDocument{
			Code: "NoSuchKey", Message: "The specified key does not exist.",
		})
	}
	c.Set(fiber.HeaderContentType, o.contentType)
	c.Set(fiber.HeaderETag, o.etag)
	c.Set(fiber.HeaderLastModified, o.modified.Format(http.TimeFormat))
	return c.Send(o.data) // fasthttp leaves the body out of HEAD answers
}

// deleteObject serves DeleteObject. Like S3, it answers 204 whether or not
// the object existed.
func (s *Server) deleteObject(c fiber.Ctx) error {
	if hasCORS(c) {
		return methodNotAllowed(c, "OBJECT")
	}
	name, key, ok := objectKey(c)
	if !ok {
		return invalidURI(c)
	}
	s.mu.Lock()
	b := s.buckets[name]
	if b != nil {
		delete(b.objects, key)
	}
	s.mu.Unlock()
	if b == nil {
		return noSuchBucket(c, name)
	}
	c.Status(fiber.StatusNoContent)
	return nil
}

// objectKey returns the bucket and the percent-decoded key of an object
// route, and false when the key's escapes are malformed.
func objectKey(c fiber.Ctx) (name, key string, ok bool) {
	key, err := url.PathUnescape(c.Params("+"))
	if err != nil {
		return "", "", false
	}
	return strings.Clone(c.Params("bucket")), strings.Clone(key), true
}

// listBuckets serves ListBuckets.
func (s *Server) listBuckets(c fiber.Ctx) error {
	var res listAllMyBucketsResult
	s.mu.RLock()
	for name, b := range s.buckets {
		res.Buckets = append(res.Buckets, bucketEntry{Name: name, CreationDate: b.created.Format(time.RFC3339Nano)})
	}
	s.mu.RUnlock()
	slices.SortFunc(res.Buckets, func(a, b bucketEntry) int { return strings.Compare(a.Name, b.Name) })
	return sendXML(c, res)
}

// The documents of ListObjects and ListBuckets, reduced to what this server
// fills in.
type (
	listBucketResult struct {
		XMLName     xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
		Name        string
		Prefix      string
		KeyCount    int
		MaxKeys     int
		IsTruncated bool
		Contents    []listEntry
	}
	listEntry struct {
		Key          string
		LastModified string
		ETag         string
		Size         int
		StorageClass string
	}
	listAllMyBucketsResult struct {
		XMLName xml.Name      `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
		Buckets []bucketEntry `xml:"Buckets>Bucket"`
	}
	bucketEntry struct {
		Name         string
		CreationDate string
	}
)

// sendXML answers 200 with v as an XML document.
func sendXML(c fiber.Ctx, v any) error {
	body, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml")
	return c.Send(append([]byte(xml.Header), body...))
}
