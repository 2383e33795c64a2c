package emulator

import (
	"net/http"
	"strings"
	"sync"

	"github.com/johannesboyne/gofakes3"

	"github.com/s3cors/s3cors/rule"
)

// The canned ACLs the emulator keeps (x-amz-acl). A bucket is private
// unless made public-read.
const (
	ACLPrivate    = "private"
	ACLPublicRead = "public-read"
)

// The other canned ACLs S3 knows, which the emulator refuses as not
// implemented rather than store an access it does not enforce.
var unimplementedACLs = map[string]bool{
	"public-read-write":         true,
	"authenticated-read":        true,
	"aws-exec-read":             true,
	"bucket-owner-read":         true,
	"bucket-owner-full-control": true,
	"log-delivery-write":        true,
}

// ownerID is the canonical user ID of the one owner of every bucket.
const (
	ownerID          = "5a3c0e7bd2e2c1f0a6a1b8d7e9f3c2b4a6d8e0f1c3b5a7d9e2f4c6b8a0d1e3f5"
	ownerDisplayName = "s3emulator"
	allUsersURI      = "http://acs.amazonaws.com/groups/global/AllUsers"
)

// acls holds the canned ACL of every bucket that is not private.
type acls struct {
	mu     sync.RWMutex
	public map[string]bool
}

func (a *acls) isPublicRead(bucket string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.public[bucket]
}

func (a *acls) set(bucket, acl string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if acl == ACLPublicRead {
		if a.public == nil {
			a.public = map[string]bool{}
		}
		a.public[bucket] = true
		return
	}
	delete(a.public, bucket)
}

// SetBucketACL gives the bucket a canned ACL, ACLPrivate or ACLPublicRead,
// as PutBucketAcl with x-amz-acl does. With authentication on (see
// WithCredentials), anyone may read a public-read bucket and its objects
// without signing: GET and HEAD of the bucket (ListObjects, HeadBucket)
// and of its objects.
func (e *Emulator) SetBucketACL(bucket, cannedACL string) error {
	if !e.bucketExists(bucket) {
		return gofakes3.BucketNotFound(bucket)
	}
	if cannedACL != ACLPrivate && cannedACL != ACLPublicRead {
		return &aclError{cannedACL}
	}
	e.acls.set(bucket, cannedACL)
	return nil
}

type aclError struct{ acl string }

func (e *aclError) Error() string {
	return "emulator: canned ACL " + `"` + e.acl + `"` + " is not one the emulator keeps; use " + ACLPrivate + " or " + ACLPublicRead
}

// cannedACL reads x-amz-acl: the ACL, or the error S3 answers (400
// InvalidArgument for a value S3 does not know; 501 NotImplemented for one
// the emulator does not keep, and for grants in x-amz-grant-* headers).
func cannedACL(r *http.Request) (string, int, *rule.ErrorDocument) {
	for name := range r.Header {
		if strings.HasPrefix(strings.ToLower(name), "x-amz-grant-") {
			return "", http.StatusNotImplemented, &rule.ErrorDocument{Code: "NotImplemented",
				Message: "A header you provided implies functionality that is not implemented: the emulator keeps the canned ACLs private and public-read (x-amz-acl), not grants."}
		}
	}
	acl := r.Header.Get("x-amz-acl")
	switch {
	case acl == "":
		return ACLPrivate, 0, nil
	case acl == ACLPrivate, acl == ACLPublicRead:
		return acl, 0, nil
	case unimplementedACLs[acl]:
		return "", http.StatusNotImplemented, &rule.ErrorDocument{Code: "NotImplemented",
			Message: "A header you provided implies functionality that is not implemented: the emulator keeps the canned ACLs private and public-read, not " + acl + "."}
	default:
		return "", http.StatusBadRequest, &rule.ErrorDocument{Code: "InvalidArgument",
			Message: "x-amz-acl: " + acl + " is not a canned ACL; the emulator keeps private and public-read."}
	}
}

// serveACL serves PutBucketAcl and GetBucketAcl (PUT and GET on
// /bucket?acl). PutBucketAcl takes a canned ACL in x-amz-acl; an
// AccessControlPolicy document in the body is not implemented.
func (e *Emulator) serveACL(w http.ResponseWriter, r *http.Request, bucket string) {
	if !e.bucketExists(bucket) {
		writeError(w, r, http.StatusNotFound, rule.ErrorDocument{
			Code: "NoSuchBucket", Message: "The specified bucket does not exist", BucketName: bucket})
		return
	}
	switch r.Method {
	case http.MethodGet:
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(aclDocument(e.acls.isPublicRead(bucket)))
	case http.MethodPut:
		if r.Header.Get("x-amz-acl") == "" && r.ContentLength != 0 {
			writeError(w, r, http.StatusNotImplemented, rule.ErrorDocument{Code: "NotImplemented",
				Message: "A header you provided implies functionality that is not implemented: the emulator takes a canned ACL in x-amz-acl, not an AccessControlPolicy document."})
			return
		}
		acl, status, doc := cannedACL(r)
		if doc != nil {
			writeError(w, r, status, *doc)
			return
		}
		e.acls.set(bucket, acl)
		w.WriteHeader(http.StatusOK)
	default:
		writeError(w, r, http.StatusMethodNotAllowed, rule.ErrorDocument{Code: "MethodNotAllowed",
			Message: "The specified method is not allowed against this resource.", Method: r.Method, ResourceType: "BUCKET"})
	}
}

// aclDocument is GetBucketAcl's answer: the owner's FULL_CONTROL, and READ
// for AllUsers when the bucket is public-read.
func aclDocument(publicRead bool) []byte {
	const grantee = `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type=`
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	b.WriteString("<Owner><ID>" + ownerID + "</ID><DisplayName>" + ownerDisplayName + "</DisplayName></Owner><AccessControlList>")
	b.WriteString("<Grant>" + grantee + `"CanonicalUser"><ID>` + ownerID + "</ID><DisplayName>" + ownerDisplayName +
		"</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant>")
	if publicRead {
		b.WriteString("<Grant>" + grantee + `"Group"><URI>` + allUsersURI + "</URI></Grantee><Permission>READ</Permission></Grant>")
	}
	b.WriteString("</AccessControlList></AccessControlPolicy>")
	return []byte(b.String())
}

// anonymousRead reports whether r is a request without any signature that
// a public-read bucket lets anyone make: GET or HEAD of the bucket
// (ListObjects, ListObjectVersions, HeadBucket) or of one of its objects.
// Sub-resources such as ?acl, ?cors or ?tagging stay the owner's.
func (e *Emulator) anonymousRead(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if r.Header.Get("Authorization") != "" {
		return false
	}
	bucket, key := splitPath(r.URL.Path)
	if bucket == "" || !e.acls.isPublicRead(bucket) {
		return false
	}
	for name := range r.URL.Query() {
		if !anonymousQuery(name, key == "") {
			return false
		}
	}
	return true
}

// anonymousQuery reports whether a read of a public-read bucket (or of an
// object) may carry the query parameter name without a signature: the
// parameters of listing, of versions and parts of objects, and of response
// headers. A signature's parameters are not among them, so a presigned URL
// is verified.
func anonymousQuery(name string, bucket bool) bool {
	if name == "x-id" { // the AWS SDKs name the operation
		return true
	}
	if bucket {
		switch name {
		case "list-type", "prefix", "delimiter", "marker", "max-keys", "continuation-token", "start-after",
			"encoding-type", "fetch-owner", "versions", "key-marker", "version-id-marker":
			return true
		}
		return false
	}
	return name == "versionId" || name == "partNumber" || strings.HasPrefix(name, "response-")
}
