package sigv4

import (
	"net/http"
	"testing"
	"time"
)

// TestSignatureV2 verifies the documented example of Signature Version 2
// (GET /johnsmith/photos/puppy.jpg, 27 March 2007) in the Authorization
// header and as a presigned URL, refuses it changed or expired, and refuses
// Signature Version 2 altogether unless the verifier accepts it.
func TestSignatureV2(t *testing.T) {
	const (
		id     = "AKIAIOSFODNN7EXAMPLE"
		secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
		date   = "Tue, 27 Mar 2007 19:36:42 +0000"
	)
	signedAt := time.Date(2007, 3, 27, 19, 36, 42, 0, time.UTC)
	v := &Verifier{Secrets: map[string]string{id: secret}, SignatureV2: true, Now: func() time.Time { return signedAt.Add(time.Minute) }}
	request := func(method, target, auth string) *http.Request {
		r, err := http.NewRequest(method, "http://s3.test.example"+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Date", date)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return r
	}
	const documented = "AWS " + id + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU="
	if err := v.Verify(request("GET", "/johnsmith/photos/puppy.jpg", documented)); err != nil {
		t.Errorf("documented example: %v %v", err, details(err))
	}
	skewed := request("GET", "/johnsmith/photos/puppy.jpg", documented)
	skewed.Header.Set("Date", "Tue, 27 Mar 2007 20:36:42 +0000")
	tampered := request("GET", "/johnsmith/photos/puppy.jpg", documented)
	tampered.Header.Set("X-Amz-Meta-Color", "red")
	for _, tc := range []struct {
		name string
		r    *http.Request
		code string
	}{
		{"another path", request("GET", "/johnsmith/photos/kitten.jpg", documented), codeSignatureDoesNotMatch},
		{"another method", request("DELETE", "/johnsmith/photos/puppy.jpg", documented), codeSignatureDoesNotMatch},
		{"a sub-resource added", request("GET", "/johnsmith/photos/puppy.jpg?acl", documented), codeSignatureDoesNotMatch},
		{"an x-amz header added", tampered, codeSignatureDoesNotMatch},
		{"an hour later", skewed, codeRequestTimeTooSkewed},
		{"unknown key", request("GET", "/johnsmith/photos/puppy.jpg", "AWS AKIDOTHER:bWq2s1WEIj+Ydj0vQ697zp+IXMU="), codeInvalidAccessKeyID},
		{"no colon", request("GET", "/johnsmith/photos/puppy.jpg", "AWS "+id), codeInvalidArgument},
	} {
		if err := v.Verify(tc.r); code(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}

	// Presigned: Expires takes the place of the date.
	presigned := "/johnsmith/photos/puppy.jpg?AWSAccessKeyId=" + id + "&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D"
	v.Now = func() time.Time { return time.Unix(1175139620, 0).Add(-time.Hour) }
	if err := v.Verify(request("GET", presigned, "")); err != nil {
		t.Errorf("presigned: %v %v", err, details(err))
	}
	v.Now = func() time.Time { return time.Unix(1175139620, 0).Add(time.Second) }
	if err := v.Verify(request("GET", presigned, "")); code(err) != codeAccessDenied {
		t.Errorf("presigned, expired: %v", err)
	}

	v.SignatureV2 = false
	v.Now = func() time.Time { return signedAt }
	if err := v.Verify(request("GET", "/johnsmith/photos/puppy.jpg", documented)); code(err) != codeInvalidRequest {
		t.Errorf("Signature Version 2 not accepted: %v", err)
	}
}

// TestSignatureV2BucketResource checks that a request to a bucket's
// path-style URL, /bucket, may sign the resource /bucket/, as clients that
// sign for virtual-hosted URLs do.
func TestSignatureV2BucketResource(t *testing.T) {
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	v := &Verifier{Secrets: map[string]string{"AKIDV2": "v2-secret"}, SignatureV2: true, Now: func() time.Time { return at }}
	for _, tc := range []struct {
		path, resource string
		ok             bool
	}{
		{"/bucket", "/bucket", true},
		{"/bucket", "/bucket/", true},
		{"/bucket/key", "/bucket/key/", false},
		{"/", "//", false},
	} {
		r, _ := http.NewRequest("PUT", "http://s3.test.example"+tc.path, nil)
		r.Header.Set("Date", at.Format(http.TimeFormat))
		r.Header.Set("X-Amz-Acl", "public-read")
		r.Header.Set("Authorization", "AWS AKIDV2:"+v2Signature("v2-secret", v2StringToSign(r, tc.resource, at.Format(http.TimeFormat))))
		if err := v.Verify(r); (err == nil) != tc.ok {
			t.Errorf("%s signed as %s: %v", tc.path, tc.resource, err)
		}
	}
}
