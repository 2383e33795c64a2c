package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"
)

// The example of AWS's S3 API reference, "Example: Browser-Based Upload
// using HTTP POST (Using AWS Signature Version 4)": its policy, with the
// CRLF line ends the reference asks for, its credentials and the signature
// it publishes.
const (
	examplePostKeyID     = "AKIAIOSFODNN7EXAMPLE"
	examplePostSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	examplePostSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
	examplePostRedirect  = "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"
	examplePostPolicy    = "{ \"expiration\": \"2015-12-30T12:00:00.000Z\",\r\n" +
		"  \"conditions\": [\r\n" +
		"    {\"bucket\": \"sigv4examplebucket\"},\r\n" +
		"    [\"starts-with\", \"$key\", \"user/user1/\"],\r\n" +
		"    {\"acl\": \"public-read\"},\r\n" +
		"    {\"success_action_redirect\": \"" + examplePostRedirect + "\"},\r\n" +
		"    [\"starts-with\", \"$Content-Type\", \"image/\"],\r\n" +
		"    {\"x-amz-meta-uuid\": \"14365123651274\"},\r\n" +
		"    {\"x-amz-server-side-encryption\": \"AES256\"},\r\n" +
		"    [\"starts-with\", \"$x-amz-meta-tag\", \"\"],\r\n" +
		"\r\n" +
		"    {\"x-amz-credential\": \"AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request\"},\r\n" +
		"    {\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"},\r\n" +
		"    {\"x-amz-date\": \"20151229T000000Z\" }\r\n" +
		"  ]\r\n" +
		"}"
)

// exampleForm is the example's form, as its HTML names the fields.
func exampleForm() []field {
	return []field{
		{"key", "user/user1/${filename}"},
		{"acl", "public-read"},
		{"success_action_redirect", examplePostRedirect},
		{"Content-Type", "image/jpeg"},
		{"x-amz-meta-uuid", "14365123651274"},
		{"x-amz-server-side-encryption", "AES256"},
		{"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Date", "20151229T000000Z"},
		{"x-amz-meta-tag", ""},
		{"Policy", base64.StdEncoding.EncodeToString([]byte(examplePostPolicy))},
		{"X-Amz-Signature", examplePostSignature},
	}
}

// testHMAC is HMAC-SHA256, written here so that the tests do not sign with
// the code they test.
func testHMAC(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// signPolicy signs a base64 policy by the documented algorithm: the signing
// key of the credential scope, then HMAC-SHA256 of the base64 text.
func signPolicy(secret, date, region, encoded string) string {
	k := testHMAC([]byte("AWS4"+secret), date)
	k = testHMAC(k, region)
	k = testHMAC(k, "s3")
	k = testHMAC(k, "aws4_request")
	return hex.EncodeToString(testHMAC(k, encoded))
}

// A file is the file part of a form: its name and content. noName leaves
// out the filename parameter.
type file struct {
	name, content string
	noName        bool
}

// formRequest returns a POST of the fields, the file (unless nil) and the
// fields after it, as a browser sends a form.
func formRequest(t *testing.T, bucket string, fields []field, f *file, after ...field) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, fd := range fields {
		if err := mw.WriteField(fd.name, fd.value); err != nil {
			t.Fatal(err)
		}
	}
	if f != nil {
		h := textproto.MIMEHeader{}
		if f.noName {
			h.Set("Content-Disposition", `form-data; name="file"`)
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, f.name))
		}
		h.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f.content)
	}
	for _, fd := range after {
		mw.WriteField(fd.name, fd.value)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "http://s3.test.example/"+bucket, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

func TestPostDocumentedExample(t *testing.T) {
	encoded := base64.StdEncoding.EncodeToString([]byte(examplePostPolicy))
	if got := signPolicy(examplePostSecret, "20151229", "us-east-1", encoded); got != examplePostSignature {
		t.Fatalf("test signer: %s, the reference publishes %s", got, examplePostSignature)
	}
	if got := PostSignature(examplePostSecret, "20151229", "us-east-1", encoded); got != examplePostSignature {
		t.Errorf("PostSignature = %s, want %s", got, examplePostSignature)
	}

	v := &Verifier{Secrets: map[string]string{examplePostKeyID: examplePostSecret},
		Now: func() time.Time { return time.Date(2015, 12, 30, 11, 59, 59, 0, time.UTC) }}
	req := formRequest(t, "sigv4examplebucket", exampleForm(), &file{name: `C:\Photos\MyPhoto.jpg`, content: "jpeg"},
		field{"submit", "Upload to Amazon S3"})
	u, err := v.VerifyPost(req, "sigv4examplebucket")
	if err != nil {
		t.Fatalf("the reference's form: %v", err)
	}
	if u.Key != "user/user1/MyPhoto.jpg" || string(u.Body) != "jpeg" || u.Fields["content-type"] != "image/jpeg" {
		t.Errorf("upload %+v", u)
	}
	if _, ok := u.Fields["submit"]; ok {
		t.Error("a field after the file was read")
	}

	v.Now = func() time.Time { return time.Date(2015, 12, 30, 12, 0, 1, 0, time.UTC) }
	_, err = v.VerifyPost(formRequest(t, "sigv4examplebucket", exampleForm(), &file{name: "a.jpg"}), "sigv4examplebucket")
	wantError(t, "expired", err, "AccessDenied", "Invalid according to Policy: Policy expired.")
}

// postCreds are the credentials of the tests' own forms.
var (
	postNow   = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	postKeyID = creds.AccessKeyID
)

// presignPost builds a form as createPresignedPost of the AWS SDK for
// JavaScript v3 does: the fields bucket, X-Amz-Algorithm, X-Amz-Credential
// and X-Amz-Date, a condition {name: value} for each, the extra conditions,
// a condition on the key, then the fields key, Policy and X-Amz-Signature.
func presignPost(bucket, key string, expires time.Duration, conditions ...any) []field {
	fields := []field{
		{"bucket", bucket},
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Credential", postKeyID + "/20260501/us-east-1/s3/aws4_request"},
		{"X-Amz-Date", "20260501T120000Z"},
	}
	all := slices.Clone(conditions)
	for _, f := range fields {
		all = append(all, map[string]string{f.name: f.value})
	}
	if prefix, ok := strings.CutSuffix(key, "${filename}"); ok {
		all = append(all, []string{"starts-with", "$key", prefix})
	} else {
		all = append(all, map[string]string{"key": key})
	}
	doc, _ := json.Marshal(map[string]any{
		"expiration": postNow.Add(expires).Format("2006-01-02T15:04:05Z"),
		"conditions": all,
	})
	return withPolicy(append(fields, field{"key", key}), doc)
}

// withPolicy adds the fields Policy and X-Amz-Signature, signed, for doc.
func withPolicy(fields []field, doc []byte) []field {
	encoded := base64.StdEncoding.EncodeToString(doc)
	return append(fields, field{"Policy", encoded},
		field{"X-Amz-Signature", signPolicy(creds.SecretAccessKey, "20260501", "us-east-1", encoded)})
}

// set returns fields with name set to value, or without it for value "-".
func set(fields []field, name, value string) []field {
	out := slices.Clone(fields)
	for i, f := range out {
		if strings.EqualFold(f.name, name) {
			if value == "-" {
				return slices.Delete(out, i, i+1)
			}
			out[i].value = value
			return out
		}
	}
	return append(out, field{name, value})
}

func fieldValue(fields []field, name string) string {
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

func wantError(t *testing.T, what string, err error, code, message string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v, want %s", what, err, code)
	}
	if e.Code != code || message != "" && e.Message != message {
		t.Errorf("%s: %s %q, want %s %q", what, e.Code, e.Message, code, message)
	}
	return e
}

func TestPostSDKForm(t *testing.T) {
	v := testVerifier(postNow)
	fields := presignPost("uploads", "post.txt", 5*time.Minute, []any{"content-length-range", 0, 1024})
	u, err := v.VerifyPost(formRequest(t, "uploads", fields, &file{name: "post.txt", content: "posted by a form"}), "uploads")
	if err != nil {
		t.Fatal(err)
	}
	if u.Bucket != "uploads" || u.Key != "post.txt" || string(u.Body) != "posted by a form" || u.Filename != "post.txt" {
		t.Errorf("upload %+v", u)
	}

	// ${filename}, with the path a browser may send cut off.
	fields = presignPost("uploads", "user/${filename}", time.Minute)
	u, err = v.VerifyPost(formRequest(t, "uploads", fields, &file{name: "dir/photo.png", content: "png"}), "uploads")
	if err != nil || u.Key != "user/photo.png" {
		t.Errorf("${filename}: %+v, %v", u, err)
	}
	// Without a filename parameter S3 leaves ${filename} as it is.
	u, err = v.VerifyPost(formRequest(t, "uploads", fields, &file{content: "png", noName: true}), "uploads")
	if err != nil || u.Key != "user/${filename}" || u.HasFilename {
		t.Errorf("no filename: %+v, %v", u, err)
	}

	// Field names are case-insensitive; a Content-Type list must match
	// item by item; x-ignore-* fields need no condition.
	fields = presignPost("uploads", "a.txt", time.Minute, []string{"starts-with", "$content-type", "image/"})
	fields = append(fields, field{"Content-Type", "image/png, image/gif"}, field{"x-ignore-me", "1"})
	if _, err := v.VerifyPost(formRequest(t, "uploads", fields, &file{name: "a"}), "uploads"); err != nil {
		t.Errorf("Content-Type list: %v", err)
	}
	_, err = v.VerifyPost(formRequest(t, "uploads", set(fields, "Content-Type", "image/png,text/plain"), &file{name: "a"}), "uploads")
	wantError(t, "Content-Type list", err, "AccessDenied",
		`Invalid according to Policy: Policy Condition failed: ["starts-with", "$content-type", "image/"]`)

	// ReadPost reads the same form without verifying it.
	u, err = ReadPost(formRequest(t, "uploads", set(fields, "X-Amz-Signature", "0"), &file{name: "a", content: "x"}), "uploads")
	if err != nil || u.Key != "a.txt" || string(u.Body) != "x" {
		t.Errorf("ReadPost: %+v, %v", u, err)
	}
}

func TestPostRefusals(t *testing.T) {
	v := testVerifier(postNow)
	valid := presignPost("uploads", "user/a.txt", 5*time.Minute, []any{"content-length-range", 2, 10},
		[]string{"starts-with", "$x-amz-meta-tag", "ok-"})
	valid = append(valid, field{"x-amz-meta-tag", "ok-1"})
	txt := &file{name: "a.txt", content: "hello"}
	policyOf := func(doc string) []field {
		return withPolicy(set(set(valid, "Policy", "-"), "X-Amz-Signature", "-"), []byte(doc))
	}
	tampered := []byte(fieldValue(valid, "Policy"))
	tampered[10] ^= 1
	wrongRegion := presignPost("uploads", "user/a.txt", time.Minute)
	wrongRegion = set(wrongRegion, "X-Amz-Credential", postKeyID+"/20260501/eu-west-1/s3/aws4_request")

	for _, c := range []struct {
		name    string
		bucket  string
		fields  []field
		file    *file
		after   []field
		code    string
		message string
		details []Detail
	}{
		{name: "valid", fields: valid, file: txt},
		{name: "tampered policy", fields: set(valid, "Policy", string(tampered)), file: txt,
			code: "SignatureDoesNotMatch", message: messageSignatureDoesNotMatch,
			details: []Detail{{"AWSAccessKeyId", postKeyID}, {"StringToSign", string(tampered)},
				{"SignatureProvided", fieldValue(valid, "X-Amz-Signature")}, {"StringToSignBytes", spacedHex(string(tampered))}}},
		{name: "wrong signature", fields: set(valid, "X-Amz-Signature", strings.Repeat("0", 64)), file: txt,
			code: "SignatureDoesNotMatch"},
		{name: "expired", fields: presignPost("uploads", "user/a.txt", -time.Second), file: txt,
			code: "AccessDenied", message: "Invalid according to Policy: Policy expired."},
		{name: "wrong key", fields: set(valid, "key", "user/b.txt"), file: txt,
			code: "AccessDenied", message: `Invalid according to Policy: Policy Condition failed: ["eq", "$key", "user/a.txt"]`},
		{name: "starts-with", fields: set(valid, "x-amz-meta-tag", "bad"), file: txt,
			code: "AccessDenied", message: `Invalid according to Policy: Policy Condition failed: ["starts-with", "$x-amz-meta-tag", "ok-"]`},
		{name: "condition on a missing field", fields: set(valid, "x-amz-meta-tag", "-"), file: txt,
			code: "AccessDenied", message: `Invalid according to Policy: Policy Condition failed: ["starts-with", "$x-amz-meta-tag", "ok-"]`},
		{name: "other bucket", bucket: "other", fields: valid, file: txt,
			code: "AccessDenied", message: `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "uploads"]`},
		{name: "too large", fields: valid, file: &file{name: "a", content: "eleven byte"},
			code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size",
			details: []Detail{{"ProposedSize", "11"}, {"MaxSizeAllowed", "10"}}},
		{name: "much too large", fields: valid, file: &file{name: "a", content: strings.Repeat("x", 1<<20)},
			code: "EntityTooLarge", details: []Detail{{"ProposedSize", "1048576"}, {"MaxSizeAllowed", "10"}}},
		{name: "too small", fields: valid, file: &file{name: "a", content: "x"},
			code: "EntityTooSmall", message: "Your proposed upload is smaller than the minimum allowed size",
			details: []Detail{{"ProposedSize", "1"}, {"MinSizeAllowed", "2"}}},
		{name: "extra field", fields: append(slices.Clone(valid), field{"X-Amz-Meta-Extra", "1"}), file: txt,
			code: "AccessDenied", message: "Invalid according to Policy: Extra input fields: X-Amz-Meta-Extra"},
		{name: "unknown access key", fields: set(valid, "X-Amz-Credential", "AKIDOTHER/20260501/us-east-1/s3/aws4_request"), file: txt,
			code: "InvalidAccessKeyId", details: []Detail{{"AWSAccessKeyId", "AKIDOTHER"}}},
		{name: "wrong region", fields: wrongRegion, file: txt,
			code: "InvalidArgument", message: "the region 'eu-west-1' is wrong; expecting 'us-east-1'",
			details: []Detail{{"ArgumentName", "X-Amz-Credential"}, {"ArgumentValue", postKeyID + "/20260501/eu-west-1/s3/aws4_request"}, {"Region", "us-east-1"}}},
		{name: "malformed credential", fields: set(valid, "X-Amz-Credential", "AKID/20260501"), file: txt,
			code: "InvalidArgument", message: messageCredentialMalformed},
		{name: "malformed date", fields: set(valid, "X-Amz-Date", "2026-05-01"), file: txt,
			code: "InvalidArgument", message: "X-Amz-Date must be formated via ISO8601 Long format"},
		{name: "other algorithm", fields: set(valid, "X-Amz-Algorithm", "AWS4-HMAC-SHA1"), file: txt,
			code: "InvalidArgument"},
		{name: "no key", fields: set(valid, "key", "-"), file: txt,
			code: "InvalidArgument", message: "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
			details: []Detail{{"ArgumentName", "key"}, {"ArgumentValue", ""}}},
		{name: "key after the file", fields: set(valid, "key", "-"), file: txt, after: []field{{"key", "user/a.txt"}},
			code: "InvalidArgument", message: "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields."},
		{name: "no signature", fields: set(valid, "X-Amz-Signature", "-"), file: txt,
			code: "InvalidArgument", message: "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields."},
		{name: "no algorithm", fields: set(set(valid, "X-Amz-Algorithm", "-"), "X-Amz-Credential", "-"), file: txt,
			code: "InvalidArgument", details: []Detail{{"ArgumentName", "X-Amz-Algorithm"}, {"ArgumentValue", ""}}},
		{name: "no file", fields: valid,
			code: "InvalidArgument", message: "POST requires exactly one file upload per request.",
			details: []Detail{{"ArgumentName", "file"}, {"ArgumentValue", "0"}}},
		{name: "anonymous", fields: []field{{"key", "a.txt"}, {"Policy", fieldValue(valid, "Policy")}}, file: txt,
			code: "AccessDenied", message: "Access Denied"},
		{name: "signature version 2", fields: []field{{"key", "a.txt"}, {"AWSAccessKeyId", postKeyID}, {"signature", "x"}, {"policy", "e30="}}, file: txt,
			code: "InvalidRequest"},
		{name: "pre-data too large", fields: append(slices.Clone(valid), field{"x-ignore-pad", strings.Repeat("p", MaxPostPreDataLength)}), file: txt,
			code: "MaxPostPreDataLengthExceeded", message: "Your POST request fields preceeding the upload file was too large.",
			details: []Detail{{"MaxPostPreDataLengthBytes", "20480"}}},
		{name: "file not named file", fields: append(slices.Clone(valid), field{"upload", strings.Repeat("p", 2*MaxPostPreDataLength)}),
			code: "MaxPostPreDataLengthExceeded"},
		{name: "policy not base64", fields: set(valid, "Policy", "%%%"), file: txt, code: "SignatureDoesNotMatch"},
		{name: "policy not JSON", fields: policyOf(`{"expiration": `), file: txt,
			code: "InvalidPolicyDocument", message: "Invalid Policy: Invalid JSON."},
		{name: "no expiration", fields: policyOf(`{"conditions": []}`), file: txt,
			code: "InvalidPolicyDocument"},
		{name: "offset expiration", fields: policyOf(`{"expiration": "2026-05-01T14:00:00+02:00", "conditions": []}`), file: txt,
			code: "InvalidPolicyDocument", message: "Invalid Policy: Invalid 'expiration' value: '2026-05-01T14:00:00+02:00'"},
		{name: "unexpected member", fields: policyOf(`{"expiration": "2027-01-01T00:00:00Z", "conditions": [], "Statement": []}`), file: txt,
			code: "InvalidPolicyDocument", message: "Invalid Policy: Unexpected: 'statement'"},
		{name: "two properties", fields: policyOf(`{"expiration": "2027-01-01T00:00:00Z", "conditions": [{"bucket": "uploads", "key": "a"}]}`), file: txt,
			code: "InvalidPolicyDocument", message: "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."},
		{name: "number value", fields: policyOf(`{"expiration": "2027-01-01T00:00:00Z", "conditions": [{"Content-Length": 6}]}`), file: txt,
			code: "InvalidPolicyDocument", message: "Invalid Policy: Invalid Simple-Condition: value must be a string."},
		{name: "fractional bound", fields: policyOf(`{"expiration": "2027-01-01T00:00:00Z", "conditions": [["content-length-range", 0, 512.0]]}`), file: txt,
			code: "InvalidPolicyDocument", message: "Invalid Policy: Invalid JSON."},
		{name: "no operation", fields: policyOf(`{"expiration": "2027-01-01T00:00:00Z", "conditions": [[]]}`), file: txt,
			code: "InvalidPolicyDocument", message: "Invalid Policy: Invalid Condition: missing operation identifier."},
		{name: "bound not a number", fields: policyOf(`{"expiration": "2027-01-01T00:00:00Z", "conditions": [["content-length-range", "test", "10"]]}`), file: txt,
			code: "AccessDenied", message: `Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]`},
		{name: "field without $", fields: policyOf(`{"expiration": "2027-01-01T00:00:00Z", "conditions": [["eq", "key", "user/a.txt"]]}`), file: txt,
			code: "AccessDenied", message: `Invalid according to Policy: Policy Condition failed: ["eq", "key", "user/a.txt"]`},
	} {
		bucket := c.bucket
		if bucket == "" {
			bucket = "uploads"
		}
		_, err := v.VerifyPost(formRequest(t, bucket, c.fields, c.file, c.after...), bucket)
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e := wantError(t, c.name, err, c.code, c.message)
		for _, d := range c.details {
			if got := e.Detail(d.Name); got != d.Value {
				t.Errorf("%s: %s = %q, want %q", c.name, d.Name, got, d.Value)
			}
		}
	}
}

func TestPostNotMultipart(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "http://s3.test.example/uploads", strings.NewReader("key=a"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err := testVerifier(postNow).VerifyPost(req, "uploads")
	e := wantError(t, "urlencoded", err, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
	if e.Status != http.StatusPreconditionFailed || e.Detail("Condition") != "Bucket POST must be of the enclosure-type multipart/form-data" {
		t.Errorf("%+v", e)
	}

	req = httptest.NewRequest(http.MethodPost, "http://s3.test.example/uploads", strings.NewReader("--x\r\n"))
	req.Header.Set("Content-Type", "multipart/form-data")
	_, err = ReadPost(req, "uploads")
	wantError(t, "no boundary", err, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
}

// TestPostBounded checks that a form whose headers never end is refused
// after MaxPostPreDataLength bytes and a little more, not read to its end.
func TestPostBounded(t *testing.T) {
	head := "--b\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: "
	var read int64
	body := io.MultiReader(strings.NewReader(head), countingReader{&read, strings.NewReader(strings.Repeat("p", 1<<24))})
	req := httptest.NewRequest(http.MethodPost, "http://s3.test.example/uploads", body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	_, err := testVerifier(postNow).VerifyPost(req, "uploads")
	wantError(t, "endless header", err, "MaxPostPreDataLengthExceeded", "")
	if read > 2*MaxPostPreDataLength {
		t.Errorf("read %d bytes of the body", read)
	}
}

type countingReader struct {
	n *int64
	r io.Reader
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}
