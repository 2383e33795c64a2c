package server_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/google/go-cmp/cmp"
	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/conformance"
	"github.com/s3cors/s3cors/examples/fiber/server"
	"github.com/s3cors/s3cors/rule"
)

// start serves a new Server on a loopback listener until the test ends and
// returns it with its base URL and a client for it.
func start(t *testing.T) (*server.Server, string, *http.Client) {
	t.Helper()
	s := server.New()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.App().Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if err := s.App().Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	return s, "http://" + ln.Addr().String(), &http.Client{Transport: tr}
}

// TestConformance plays the conformance vectors embedded in package
// conformance against the server over HTTP.
func TestConformance(t *testing.T) {
	_, base, client := start(t)
	conformance.Run(t, conformance.Target{URL: base, Client: client})
}

// TestConformanceRepositoryVectors plays the repository's vector corpus, so
// that vectors added there are played here too.
func TestConformanceRepositoryVectors(t *testing.T) {
	_, base, client := start(t)
	conformance.Run(t, conformance.Target{URL: base, Client: client, Vectors: os.DirFS("../../../testdata/vectors")})
}

// response is what the tests compare of an answer.
type response struct {
	Status      int
	ContentType string
	Error       errorFields // of an XML error document
	Body        string      // of any other answer
}

// errorFields are the fields of an S3 error document that do not change
// from one request to the next.
type errorFields struct {
	Code, Message, Method, ResourceType, BucketName string
}

// send sends a request and reads the answer, checking that an error
// document repeats the response's ID headers.
func send(t *testing.T, client *http.Client, method, url string, header http.Header, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for name, values := range header {
		req.Header[name] = values
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
	if resp.StatusCode < 300 || len(b) == 0 {
		r.Body = string(b)
		return r
	}
	var doc struct {
		errorFields
		RequestID string `xml:"RequestId"`
		HostID    string `xml:"HostId"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s %s: error body %q: %v", method, url, b, err)
	}
	if doc.RequestID != resp.Header.Get("X-Amz-Request-Id") || doc.HostID != resp.Header.Get("X-Amz-Id-2") || doc.RequestID == "" {
		t.Errorf("%s %s: error document IDs %q, %q; headers %q, %q", method, url,
			doc.RequestID, doc.HostID, resp.Header.Get("X-Amz-Request-Id"), resp.Header.Get("X-Amz-Id-2"))
	}
	r.Error = doc.errorFields
	return r
}

// TestBucketCORSAPIAsStore plays bucket CORS API calls against the server
// and against bucket.Store.ServeHTTP with the same buckets: the answers must
// be the same.
func TestBucketCORSAPIAsStore(t *testing.T) {
	s, base, client := start(t)
	if err := s.CreateBucket("demo"); err != nil {
		t.Fatal(err)
	}
	store := bucket.NewStore(func(name string) bool { return name == "demo" })
	ref := httptest.NewServer(store)
	t.Cleanup(ref.Close)

	doc := []byte(`<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin>` +
		`<AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>`)
	md5sum := md5.Sum(doc)
	sha := sha256.Sum256(doc)
	crc := crc32.ChecksumIEEE(doc)
	b64 := base64.StdEncoding.EncodeToString
	large := append([]byte("<CORSConfiguration>"), bytes.Repeat([]byte(" "), rule.MaxDocumentSize)...)

	for _, tc := range []struct {
		name   string
		method string
		path   string
		header http.Header
		body   []byte
	}{
		{"get before put", "GET", "/demo?cors", nil, nil},
		{"put without a digest", "PUT", "/demo?cors", nil, doc},
		{"get", "GET", "/demo?cors", nil, nil},
		{"put with Content-MD5", "PUT", "/demo?cors", http.Header{"Content-Md5": {b64(md5sum[:])}}, doc},
		{"put with wrong Content-MD5", "PUT", "/demo?cors", http.Header{"Content-Md5": {b64(make([]byte, 16))}}, doc},
		{"put with invalid Content-MD5", "PUT", "/demo?cors", http.Header{"Content-Md5": {"abc"}}, doc},
		{"put with empty Content-MD5", "PUT", "/demo?cors", http.Header{"Content-Md5": {""}}, doc},
		{"put with x-amz-checksum-sha256", "PUT", "/demo?cors", http.Header{"X-Amz-Checksum-Sha256": {b64(sha[:])}}, doc},
		{"put with wrong x-amz-checksum-crc32", "PUT", "/demo?cors", http.Header{"X-Amz-Checksum-Crc32": {b64([]byte{byte(crc >> 24), 0, 0, 0})}}, doc},
		{"put with invalid x-amz-checksum-crc32c", "PUT", "/demo?cors", http.Header{"X-Amz-Checksum-Crc32c": {"AAAA"}}, doc},
		{"put JSON", "PUT", "/demo?cors", nil, []byte(`{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}`)},
		{"put invalid method", "PUT", "/demo?cors", nil, bytes.Replace(doc, []byte("GET"), []byte("get"), 1)},
		{"put empty", "PUT", "/demo?cors", nil, nil},
		{"put too large", "PUT", "/demo?cors", http.Header{"Content-Md5": {"abc"}}, large},
		{"get after failed puts", "GET", "/demo?cors", nil, nil},
		{"post", "POST", "/demo?cors", nil, nil},
		{"head", "HEAD", "/demo?cors", nil, nil},
		{"object", "PUT", "/demo/key?cors", nil, doc},
		{"object get", "GET", "/demo/key?cors", nil, nil},
		{"missing bucket put", "PUT", "/missing?cors", nil, doc},
		{"missing bucket get", "GET", "/missing?cors", nil, nil},
		{"missing bucket delete", "DELETE", "/missing?cors", nil, nil},
		{"delete", "DELETE", "/demo?cors", nil, nil},
		{"delete again", "DELETE", "/demo?cors", nil, nil},
		{"get after delete", "GET", "/demo?cors", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := send(t, client, tc.method, base+tc.path, tc.header, tc.body)
			want := send(t, ref.Client(), tc.method, ref.URL+tc.path, tc.header, tc.body)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("answer differs from bucket.Store.ServeHTTP (-store +server):\n%s", diff)
			}
		})
	}
}

// TestBucketsAndObjects checks the rest of the S3 API the server has.
func TestBucketsAndObjects(t *testing.T) {
	_, base, client := start(t)
	type step struct {
		method, path string
		body         string
		want         response
	}
	noSuchBucket := errorFields{Code: "NoSuchBucket", Message: "The specified bucket does not exist", BucketName: "demo"}
	xmlError := "application/xml"
	for _, s := range []step{
		{"GET", "/demo/a.txt", "", response{Status: 404, ContentType: xmlError, Error: noSuchBucket}},
		{"PUT", "/demo/a.txt", "x", response{Status: 404, ContentType: xmlError, Error: noSuchBucket}},
		{"PUT", "/Demo", "", response{Status: 400, ContentType: xmlError, Error: errorFields{
			Code: "InvalidBucketName", Message: "The specified bucket is not valid.", BucketName: "Demo"}}},
		{"PUT", "/demo", "", response{Status: 200}},
		{"PUT", "/demo", "", response{Status: 409, ContentType: xmlError, Error: errorFields{
			Code:       "BucketAlreadyOwnedByYou",
			Message:    "Your previous request to create the named bucket succeeded and you already own it.",
			BucketName: "demo"}}},
		{"HEAD", "/demo", "", response{Status: 200}},
		{"GET", "/demo/a.txt", "", response{Status: 404, ContentType: xmlError, Error: errorFields{
			Code: "NoSuchKey", Message: "The specified key does not exist."}}},
		{"PUT", "/demo/dir/a%20b+c.txt", "hello", response{Status: 200}},
		{"GET", "/demo/dir/a%20b+c.txt", "", response{Status: 200, ContentType: "binary/octet-stream", Body: "hello"}},
		{"HEAD", "/demo/dir/a%20b+c.txt", "", response{Status: 200, ContentType: "binary/octet-stream"}},
		{"GET", "/demo/dir/a%20b+c.txt/", "", response{Status: 404, ContentType: xmlError, Error: errorFields{
			Code: "NoSuchKey", Message: "The specified key does not exist."}}},
		{"PATCH", "/demo/a.txt", "", response{Status: 405, ContentType: xmlError, Error: errorFields{
			Code: "MethodNotAllowed", Message: "The specified method is not allowed against this resource.",
			Method: "PATCH", ResourceType: "OBJECT"}}},
		{"DELETE", "/demo", "", response{Status: 409, ContentType: xmlError, Error: errorFields{
			Code: "BucketNotEmpty", Message: "The bucket you tried to delete is not empty", BucketName: "demo"}}},
		{"DELETE", "/demo/dir/a%20b+c.txt", "", response{Status: 204}},
		{"DELETE", "/demo/", "", response{Status: 204}},
		{"HEAD", "/demo", "", response{Status: 404, ContentType: xmlError}},
	} {
		got := send(t, client, s.method, base+s.path, nil, []byte(s.body))
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", s.method, s.path, diff)
		}
	}

	if got := send(t, client, "PUT", base+"/listed", nil, nil); got.Status != 200 {
		t.Fatalf("CreateBucket: %+v", got)
	}
	for _, key := range []string{"b", "a/1", "a/2"} {
		if got := send(t, client, "PUT", base+"/listed/"+key, nil, []byte(key)); got.Status != 200 {
			t.Fatalf("PutObject: %+v", got)
		}
	}
	got := send(t, client, "GET", base+"/listed?prefix=a/", nil, nil)
	var list struct {
		Name     string
		KeyCount int
		Contents []struct{ Key string }
	}
	if err := xml.Unmarshal([]byte(got.Body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Name != "listed" || list.KeyCount != 2 || len(list.Contents) != 2 ||
		list.Contents[0].Key != "a/1" || list.Contents[1].Key != "a/2" {
		t.Errorf("ListObjects: %s", got.Body)
	}
	if got := send(t, client, "GET", base+"/", nil, nil); !strings.Contains(got.Body, "<Name>listed</Name>") {
		t.Errorf("ListBuckets: %s", got.Body)
	}
}

// TestDeleteBucketDropsCORS checks that a bucket created again under the
// name of a deleted one starts without CORS configuration.
func TestDeleteBucketDropsCORS(t *testing.T) {
	_, base, client := start(t)
	doc := []byte(`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>` +
		`<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)
	preflight := http.Header{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"GET"}}
	sum := md5.Sum(doc)
	digest := http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}
	for _, s := range []struct {
		method, path string
		header       http.Header
		body         []byte
		status       int
	}{
		{"PUT", "/demo", nil, nil, 200},
		{"PUT", "/demo?cors", digest, doc, 200},
		{"OPTIONS", "/demo/a.txt", preflight, nil, 200},
		{"DELETE", "/demo", nil, nil, 204},
		{"OPTIONS", "/demo/a.txt", preflight, nil, 403}, // Bucket not found
		{"PUT", "/demo", nil, nil, 200},
		{"GET", "/demo?cors", nil, nil, 404},
		{"OPTIONS", "/demo/a.txt", preflight, nil, 403}, // CORS is not enabled
	} {
		if got := send(t, client, s.method, base+s.path, s.header, s.body); got.Status != s.status {
			t.Errorf("%s %s: %+v, want status %d", s.method, s.path, got, s.status)
		}
	}
}

// TestCORSOnEveryResponse checks that the answers of the routes and of the
// router carry the CORS headers: S3 adds them to every response of a bucket
// whose configuration allows the request.
func TestCORSOnEveryResponse(t *testing.T) {
	s, base, client := start(t)
	if err := s.CreateBucket("demo"); err != nil {
		t.Fatal(err)
	}
	if err := s.Store().Put("demo", &rule.Configuration{Rules: []rule.Rule{{
		AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "PUT", "POST", "DELETE", "HEAD"},
	}}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ method, path string }{
		{"GET", "/demo/missing.txt"}, // route error: NoSuchKey
		{"POST", "/demo/a.txt"},      // router error: MethodNotAllowed
		{"GET", "/demo?cors"},        // the bucket CORS API
		{"PUT", "/demo/a.txt"},
	} {
		req, err := http.NewRequest(r.method, base+r.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "https://app.example.com")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("%s %s: %d with Access-Control-Allow-Origin %q, want *", r.method, r.path, resp.StatusCode, got)
		}
		if got := resp.Header.Get("Allow"); got != "" {
			t.Errorf("%s %s: Allow %q, want none", r.method, r.path, got)
		}
	}
}
