package bucket_test

import (
	"bufio"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3cors/s3cors/bucket"
	"github.com/s3cors/s3cors/cors"
)

// buckets is a server's set of buckets, for tests.
type buckets struct{ m sync.Map }

func (b *buckets) create(name string)      { b.m.Store(name, true) }
func (b *buckets) remove(name string)      { b.m.Delete(name) }
func (b *buckets) exists(name string) bool { _, ok := b.m.Load(name); return ok }
func newBuckets(names ...string) *buckets {
	b := &buckets{}
	for _, n := range names {
		b.create(n)
	}
	return b
}
func validXML(origin string) string {
	return `<CORSConfiguration><CORSRule><AllowedOrigin>` + origin + `</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`
}

// s3Error is S3's XML error document.
type s3Error struct {
	Code, Message, BucketName, RequestId, HostId string
	Method, ResourceType                         string
}

// server serves store behind the CORS middleware on loopback, routing
// ?cors to the store as the package documentation shows.
func server(t *testing.T, store *bucket.Store) *httptest.Server {
	t.Helper()
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("cors") {
			store.ServeHTTP(w, r)
			return
		}
		io.WriteString(w, "object")
	})
	srv := httptest.NewServer(cors.Middleware(store)(api))
	t.Cleanup(srv.Close)
	return srv
}

// md5Of returns the Content-MD5 of body.
func md5Of(body string) string {
	sum := md5.Sum([]byte(body))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// TestAPIOptionalDigests checks that PutBucketCors requires Content-MD5 or
// a flexible checksum, as S3 does (V1), and that WithOptionalDigests
// relaxes it, still checking the digests sent (D23).
func TestAPIOptionalDigests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opts   []bucket.Option
		hdr    []string
		status int
	}{
		{"V1/required", nil, nil, 400},
		{"V1/checksum-instead", nil, []string{"X-Amz-Checksum-Crc32", "AAAAAA=="}, 400},
		{"D23/optional", []bucket.Option{bucket.WithOptionalDigests()}, nil, 200},
		{"D23/optional-still-checked", []bucket.Option{bucket.WithOptionalDigests()}, []string{"Content-MD5", "nope"}, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := server(t, bucket.NewStore(newBuckets("photos").exists, tc.opts...))
			resp, body := do(t, srv, "PUT", "/photos?cors", validXML("*"), tc.hdr...)
			assert.Equal(t, tc.status, resp.StatusCode, body)
			if tc.name == "V1/required" {
				checkError(t, resp, body, 400, "InvalidRequest", "Missing required header for this request: Content-MD5")
			}
			if tc.name == "V1/checksum-instead" {
				checkError(t, resp, body, 400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
			}
		})
	}
}

func do(t *testing.T, srv *httptest.Server, method, path, body string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// checkError checks an S3 error response (E1, E2): status, code, message,
// chunked XML whose IDs repeat the headers.
func checkError(t *testing.T, resp *http.Response, body string, status int, code, message string) s3Error {
	t.Helper()
	assert.Equal(t, status, resp.StatusCode)
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	assert.Equal(t, []string{"chunked"}, resp.TransferEncoding, "S3 sends error bodies chunked")
	assert.True(t, strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error>"), body)
	var e s3Error
	require.NoError(t, xml.Unmarshal([]byte(body), &e), body)
	assert.Equal(t, code, e.Code)
	assert.Equal(t, message, e.Message)
	assert.Equal(t, resp.Header.Get("X-Amz-Request-Id"), e.RequestId)
	assert.Equal(t, resp.Header.Get("X-Amz-Id-2"), e.HostId)
	assert.NotEmpty(t, e.RequestId)
	return e
}

func TestAPI(t *testing.T) {
	t.Parallel()
	b := newBuckets("photos")
	store := bucket.NewStore(b.exists)
	srv := server(t, store)

	// G3: no configuration yet.
	resp, body := do(t, srv, "GET", "/photos?cors", "")
	e := checkError(t, resp, body, 404, "NoSuchCORSConfiguration", "The CORS configuration does not exist")
	assert.Equal(t, "photos", e.BucketName)

	// C1: PutBucketCors, then GetBucketCors gives the stored document in S3's order (G1, G2, D6).
	doc := `<CORSConfiguration><CORSRule><MaxAgeSeconds>3000</MaxAgeSeconds><AllowedOrigin>https://a.example</AllowedOrigin>` +
		`<AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ID>up</ID></CORSRule></CORSConfiguration>`
	resp, body = do(t, srv, "PUT", "/photos?cors", doc, "Content-MD5", md5Of(doc))
	assert.Equal(t, 200, resp.StatusCode, body)
	assert.Empty(t, body)
	resp, body = do(t, srv, "GET", "/photos?cors", "")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>`+
		`<AllowedHeader>*</AllowedHeader><AllowedMethod>PUT</AllowedMethod><AllowedOrigin>https://a.example</AllowedOrigin>`+
		`<ID>up</ID><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`, body)

	// The configuration is in force at once, through the middleware (P6).
	resp, _ = do(t, srv, "OPTIONS", "/photos/key", "", "Origin", "https://a.example", "Access-Control-Request-Method", "PUT")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "https://a.example", resp.Header.Get("Access-Control-Allow-Origin"))

	// G4: DeleteBucketCors, twice.
	for range 2 {
		resp, body = do(t, srv, "DELETE", "/photos?cors", "")
		assert.Equal(t, 204, resp.StatusCode)
		assert.Empty(t, body)
	}
	resp, _ = do(t, srv, "OPTIONS", "/photos/key", "", "Origin", "https://a.example", "Access-Control-Request-Method", "PUT")
	assert.Equal(t, 403, resp.StatusCode, "P3: CORS no longer enabled")
	assert.Nil(t, store.Get("photos"))
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	b := newBuckets("photos")
	srv := server(t, bucket.NewStore(b.exists))
	sum := md5.Sum([]byte(validXML("*")))
	goodMD5 := base64.StdEncoding.EncodeToString(sum[:])
	tests := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		code, message            string
	}{
		{"V4/malformed", "PUT", "/photos?cors", "<CORSConfiguration>", []string{"Content-MD5", md5Of("<CORSConfiguration>")}, 400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"},
		{"D21/json-refused", "PUT", "/photos?cors", `{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}`, []string{"Content-MD5", md5Of(`{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}`)}, 400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"},
		{"V10/bad-method", "PUT", "/photos?cors", strings.Replace(validXML("*"), "GET", "PATCH", 1), []string{"Content-MD5", md5Of(strings.Replace(validXML("*"), "GET", "PATCH", 1))}, 400, "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"},
		{"C4/too-big", "PUT", "/photos?cors", strings.Repeat(" ", 64<<10+1), []string{"Content-MD5", md5Of(strings.Repeat(" ", 64<<10+1))}, 400, "MaxMessageLengthExceeded", "Your request was too big."},
		{"V2/bad-md5", "PUT", "/photos?cors", validXML("*"), []string{"Content-MD5", base64.StdEncoding.EncodeToString(make([]byte, 16))}, 400, "BadDigest", "The Content-MD5 you specified did not match what we received."},
		{"V3/invalid-md5", "PUT", "/photos?cors", validXML("*"), []string{"Content-MD5", "nope"}, 400, "InvalidDigest", "The Content-MD5 you specified was invalid."},
		{"D23/bad-checksum", "PUT", "/photos?cors", validXML("*"), []string{"X-Amz-Checksum-Crc32", "AAAAAA=="}, 400, "BadDigest", "The CRC32 you specified did not match the calculated checksum."},
		{"V1/no-digest", "PUT", "/photos?cors", validXML("*"), nil, 400, "InvalidRequest", "Missing required header for this request: Content-MD5"},
		{"V1/no-digest-too-big", "PUT", "/photos?cors", strings.Repeat(" ", 64<<10+1), nil, 400, "InvalidRequest", "Missing required header for this request: Content-MD5"},
		{"no-such-bucket/put", "PUT", "/nope?cors", validXML("*"), nil, 404, "NoSuchBucket", "The specified bucket does not exist"},
		{"no-such-bucket/get", "GET", "/nope?cors", "", nil, 404, "NoSuchBucket", "The specified bucket does not exist"},
		{"no-such-bucket/delete", "DELETE", "/nope?cors", "", nil, 404, "NoSuchBucket", "The specified bucket does not exist"},
		{"method-not-allowed", "POST", "/photos?cors", "", nil, 405, "MethodNotAllowed", "The specified method is not allowed against this resource."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, srv, tc.method, tc.path, tc.body, tc.hdr...)
			checkError(t, resp, body, tc.status, tc.code, tc.message)
		})
	}
	resp, body := do(t, srv, "PUT", "/photos?cors", validXML("*"), "Content-MD5", goodMD5)
	assert.Equal(t, 200, resp.StatusCode, body)
}

// TestAPIServerIDs checks that errors repeat the IDs the server already set.
func TestAPIServerIDs(t *testing.T) {
	t.Parallel()
	store := bucket.NewStore(newBuckets().exists)
	rec := httptest.NewRecorder()
	rec.Header().Set("X-Amz-Request-Id", "REQ")
	rec.Header().Set("X-Amz-Id-2", "HOST")
	store.ServeHTTP(rec, httptest.NewRequest("GET", "/nope?cors", nil))
	assert.Contains(t, rec.Body.String(), "<RequestId>REQ</RequestId><HostId>HOST</HostId>")
}

// TestAPIServerRequestIDOnly checks that a server's request ID is kept
// when it set no host ID.
func TestAPIServerRequestIDOnly(t *testing.T) {
	t.Parallel()
	store := bucket.NewStore(newBuckets().exists)
	rec := httptest.NewRecorder()
	rec.Header().Set("X-Amz-Request-Id", "REQ")
	store.ServeHTTP(rec, httptest.NewRequest("GET", "/nope?cors", nil))
	assert.Equal(t, "REQ", rec.Header().Get("X-Amz-Request-Id"))
	assert.NotEmpty(t, rec.Header().Get("X-Amz-Id-2"))
	assert.Contains(t, rec.Body.String(), "<RequestId>REQ</RequestId><HostId>"+rec.Header().Get("X-Amz-Id-2")+"</HostId>")
}

// countingReader is an endless body that counts what is read from it.
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	c.n += len(p)
	return len(p), nil
}

// TestAPILargeBody checks that a 10 MB PutBucketCors is refused after
// reading at most 64 KiB + 1 bytes of it (C4).
func TestAPILargeBody(t *testing.T) {
	t.Parallel()
	store := bucket.NewStore(newBuckets("photos").exists)
	body := &countingReader{}
	req := httptest.NewRequest("PUT", "/photos?cors", io.LimitReader(body, 10<<20))
	req.Header.Set("X-Amz-Checksum-Crc32", "AAAAAA==")
	rec := httptest.NewRecorder()
	store.ServeHTTP(rec, req)
	assert.Equal(t, 400, rec.Code)
	assert.Contains(t, rec.Body.String(), "<Code>MaxMessageLengthExceeded</Code>")
	assert.LessOrEqual(t, body.n, 64<<10+1, "bytes read")
}

// TestAPITruncatedBody checks IncompleteBody for a body shorter than its
// Content-Length, over a real connection closed for writing early.
func TestAPITruncatedBody(t *testing.T) {
	t.Parallel()
	srv := server(t, bucket.NewStore(newBuckets("photos").exists))
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	doc := validXML("*")
	_, err = io.WriteString(conn, "PUT /photos?cors HTTP/1.1\r\nHost: x\r\nContent-MD5: "+md5Of(doc)+"\r\nContent-Length: 1000\r\n\r\n"+doc)
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, 400, resp.StatusCode)
	assert.Contains(t, string(b), "<Code>IncompleteBody</Code>")
}
