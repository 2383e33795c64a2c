package emulator_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

const aclOrigin = "https://site.example"

// TestCannedACLs checks the canned ACLs private and public-read with
// authentication on, with the AWS SDK as the owner and as an anonymous
// client, and with plain unsigned HTTP: a public-read bucket and its
// objects can be read (GET, HEAD) by anyone, and every anonymous write, and
// every anonymous read of a private bucket or of a sub-resource, gets S3's
// 403 AccessDenied. Both answers carry the bucket's CORS headers (H1, H4).
func TestCannedACLs(t *testing.T) {
	ctx := t.Context()
	_, endpoint, _ := startEmulator(t, emulator.WithCredentials("", map[string]string{authKey: authSecret}))
	owner := authClient(endpoint, "us-east-1", authKey, authSecret, nil)
	anonymous := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1,
	})

	cors := &types.CORSConfiguration{CORSRules: []types.CORSRule{{
		AllowedOrigins: []string{aclOrigin}, AllowedMethods: []string{"GET", "HEAD", "PUT", "DELETE"},
	}}}
	for _, b := range []struct {
		name string
		acl  types.BucketCannedACL
	}{{"public-site", types.BucketCannedACLPublicRead}, {"private-site", ""}} {
		if _, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b.name), ACL: b.acl}); err != nil {
			t.Fatalf("CreateBucket %s %q: %v", b.name, b.acl, err)
		}
		if _, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b.name), Key: aws.String("index.html"),
			Body: strings.NewReader("<h1>hello</h1>"), ContentType: aws.String("text/html")}); err != nil {
			t.Fatal(err)
		}
		if _, err := owner.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(b.name), CORSConfiguration: cors}); err != nil {
			t.Fatal(err)
		}
	}

	// GetBucketAcl: the owner's FULL_CONTROL, and READ for AllUsers.
	for bucket, want := range map[string][]string{
		"public-site":  {"CanonicalUser FULL_CONTROL", "Group http://acs.amazonaws.com/groups/global/AllUsers READ"},
		"private-site": {"CanonicalUser FULL_CONTROL"},
	} {
		out, err := owner.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
		if err != nil {
			t.Fatalf("GetBucketAcl %s: %v", bucket, err)
		}
		var got []string
		for _, g := range out.Grants {
			s := string(g.Grantee.Type)
			if g.Grantee.URI != nil {
				s += " " + *g.Grantee.URI
			}
			got = append(got, s+" "+string(g.Permission))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") || out.Owner == nil || aws.ToString(out.Owner.ID) == "" {
			t.Errorf("GetBucketAcl %s: %v, owner %+v; want %v", bucket, got, out.Owner, want)
		}
	}

	// The SDK without credentials.
	obj, err := anonymous.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("public-site"), Key: aws.String("index.html")})
	if err != nil {
		t.Fatalf("anonymous GetObject of a public-read bucket: %v", err)
	}
	body, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(body) != "<h1>hello</h1>" {
		t.Errorf("anonymous GetObject: %q", body)
	}
	if _, err := anonymous.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("public-site")}); err != nil {
		t.Errorf("anonymous ListObjectsV2 of a public-read bucket: %v", err)
	}
	_, err = anonymous.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("public-site"), Key: aws.String("evil.html"), Body: strings.NewReader("x")})
	if code, _, status := apiError(err); code != "AccessDenied" || status != 403 {
		t.Errorf("anonymous PutObject to a public-read bucket: %d %s, want 403 AccessDenied", status, code)
	}
	_, err = anonymous.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("private-site"), Key: aws.String("index.html")})
	if code, _, status := apiError(err); code != "AccessDenied" || status != 403 {
		t.Errorf("anonymous GetObject of a private bucket: %d %s, want 403 AccessDenied", status, code)
	}

	// Plain unsigned HTTP, from a page of the allowed origin.
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/public-site/index.html", 200, ""},
		{"HEAD", "/public-site/index.html", 200, ""},
		{"GET", "/public-site/index.html?response-content-type=text/plain", 200, ""},
		{"GET", "/public-site", 200, ""},
		{"GET", "/public-site?list-type=2&prefix=index", 200, ""},
		{"HEAD", "/public-site", 200, ""},
		{"GET", "/public-site/missing.html", 404, "NoSuchKey"},
		{"PUT", "/public-site/evil.html", 403, "AccessDenied"},
		{"DELETE", "/public-site/index.html", 403, "AccessDenied"},
		{"PUT", "/public-site?cors", 403, "AccessDenied"},
		{"GET", "/public-site?cors", 403, "AccessDenied"},
		{"GET", "/public-site?acl", 403, "AccessDenied"},
		{"PUT", "/public-site?acl", 403, "AccessDenied"},
		{"GET", "/private-site/index.html", 403, "AccessDenied"},
		{"HEAD", "/private-site/index.html", 403, ""},
		{"GET", "/private-site", 403, "AccessDenied"},
		{"GET", "/", 403, "AccessDenied"},
	} {
		req, _ := http.NewRequest(tc.method, endpoint+tc.path, nil)
		req.Header.Set("Origin", aclOrigin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cors := resp.Header.Get("Access-Control-Allow-Origin")
		wantCORS := aclOrigin
		if tc.path == "/" {
			wantCORS = "" // the service endpoint has no CORS (D22)
		}
		if resp.StatusCode != tc.status || (tc.code != "" && !strings.Contains(string(b), "<Code>"+tc.code+"</Code>")) || cors != wantCORS {
			t.Errorf("anonymous %s %s: %d, Access-Control-Allow-Origin %q, %s; want %d %s, %q", tc.method, tc.path,
				resp.StatusCode, cors, b, tc.status, tc.code, wantCORS)
		}
	}

	// PutBucketAcl makes the bucket private again; ACLs the emulator does
	// not keep are refused.
	if _, err := owner.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("public-site"), ACL: types.BucketCannedACLPrivate}); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(endpoint + "/public-site/index.html"); err != nil || resp.StatusCode != 403 {
		t.Errorf("anonymous GET after PutBucketAcl private: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	_, err = owner.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("public-site"), ACL: types.BucketCannedACLPublicReadWrite})
	if code, _, status := apiError(err); code != "NotImplemented" || status != 501 {
		t.Errorf("PutBucketAcl public-read-write: %d %s, want 501 NotImplemented", status, code)
	}
	_, err = owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("rw-site"), ACL: types.BucketCannedACLPublicReadWrite})
	if code, _, status := apiError(err); code != "NotImplemented" || status != 501 {
		t.Errorf("CreateBucket public-read-write: %d %s, want 501 NotImplemented", status, code)
	}
	if _, err := owner.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("rw-site")}); err == nil {
		t.Error("the bucket with a refused ACL was created")
	}
}

// TestSetBucketACL checks the method: public-read opens the bucket to
// anonymous reads, an unknown ACL or bucket is an error, and a bucket
// deleted and created again is private.
func TestSetBucketACL(t *testing.T) {
	e, endpoint, _ := startEmulator(t, emulator.WithCredentials("", map[string]string{authKey: authSecret}))
	if err := e.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	if err := e.PutObject("site", "a.txt", []byte("a"), nil); err != nil {
		t.Fatal(err)
	}
	status := func() int {
		resp, err := http.Get(endpoint + "/site/a.txt")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(); got != 403 {
		t.Errorf("private: %d", got)
	}
	if err := e.SetBucketACL("site", emulator.ACLPublicRead); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != 200 {
		t.Errorf("public-read: %d", got)
	}
	if err := e.SetBucketACL("site", "public-read-write"); err == nil || !strings.Contains(err.Error(), "private or public-read") {
		t.Errorf("public-read-write: %v", err)
	}
	if err := e.SetBucketACL("nowhere", emulator.ACLPublicRead); err == nil {
		t.Error("a bucket that does not exist: no error")
	}
	owner := authClient(endpoint, "us-east-1", authKey, authSecret, nil)
	if _, err := owner.DeleteObjects(t.Context(), &s3.DeleteObjectsInput{Bucket: aws.String("site"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a.txt"), VersionId: aws.String("null")}}, Quiet: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.DeleteBucket(t.Context(), &s3.DeleteBucketInput{Bucket: aws.String("site")}); err != nil {
		t.Fatalf("DeleteBucket after DeleteObjects of version null: %v", err)
	}
	if err := e.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	if err := e.PutObject("site", "a.txt", []byte("a"), nil); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != 403 {
		t.Errorf("created again: %d, want private", got)
	}
}
