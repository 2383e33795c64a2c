// Package s3client is the small S3 client of probe: calls sent path-style,
// retried on network errors and 5xx answers, bucket listing, signing with
// Signature Version 4 (internal/sigv4) and the rewriting of path-style
// requests for virtual-hosted-style endpoints.
package s3client

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/s3cors/s3cors/internal/sigv4"
)

// DefaultAttempts is how many times Retry sends a call unless the Client
// says otherwise.
const DefaultAttempts = 4

// Client sends S3 API calls to one endpoint.
type Client struct {
	// Endpoint is the base URL, without a trailing slash, such as
	// http://127.0.0.1:9000.
	Endpoint string
	// HTTP sends the requests; its transport signs them (see
	// SigningTransport).
	HTTP *http.Client
	// Attempts is how many times Retry sends a call; 0 means
	// DefaultAttempts.
	Attempts int
}

func (c *Client) attempts() int {
	if c.Attempts > 0 {
		return c.Attempts
	}
	return DefaultAttempts
}

// Response is an answer to one call.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Code returns the S3 error code of an error answer, or "".
func (r Response) Code() string {
	var doc struct{ Code string }
	if xml.Unmarshal(r.Body, &doc) != nil {
		return ""
	}
	return doc.Code
}

// String returns the status and the S3 error code, or the status text.
func (r Response) String() string {
	if c := r.Code(); c != "" {
		return fmt.Sprintf("%d %s", r.Status, c)
	}
	return fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status))
}

// Call sends one S3 API call, path-style (the transport rewrites it for
// --virtual-host and signs it).
func (c *Client) Call(ctx context.Context, method, path string, header http.Header, body []byte) (Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Endpoint+path, rd)
	if err != nil {
		return Response{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return Response{resp.StatusCode, resp.Header, b}, err
}

// Retry sends a call up to Attempts times while it fails with a
// network error or a 5xx answer, and returns the last answer.
func (c *Client) Retry(ctx context.Context, method, path string, header http.Header, body []byte) (Response, error) {
	var resp Response
	var err error
	wait := 200 * time.Millisecond
	for i := 0; i < c.attempts(); i++ {
		resp, err = c.Call(ctx, method, path, header, body)
		if err == nil && resp.Status < 500 {
			return resp, nil
		}
		if ctx.Err() != nil || i == c.attempts()-1 {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait *= 2
	}
	if err != nil {
		return resp, err
	}
	return resp, fmt.Errorf("%s %s: %v", method, path, resp)
}

// ReadCORS returns the bucket's configuration as GetBucketCors returns
// it, or none.
func (c *Client) ReadCORS(ctx context.Context, name string) (saved []byte, none bool, err error) {
	resp, err := c.Retry(ctx, http.MethodGet, "/"+name+"?cors", nil, nil)
	if err != nil {
		return nil, false, err
	}
	switch {
	case resp.Status == http.StatusOK:
		return resp.Body, false, nil
	case resp.Status == http.StatusNotFound && resp.Code() == "NoSuchCORSConfiguration":
		return nil, true, nil
	}
	return nil, false, fmt.Errorf("GetBucketCors answered %v", resp)
}

// ErrNoSuchBucket is the error of a listing of a bucket that does not
// exist.
type ErrNoSuchBucket struct{}

// Error returns the error's message.
func (ErrNoSuchBucket) Error() string { return "the bucket does not exist" }

// ListKeys lists every object key of a bucket, with ListObjectsV2.
func (c *Client) ListKeys(ctx context.Context, name string) ([]string, error) {
	var keys []string
	token := ""
	for {
		q := url.Values{"list-type": {"2"}}
		if token != "" {
			q.Set("continuation-token", token)
		}
		resp, err := c.Retry(ctx, http.MethodGet, "/"+name+"?"+q.Encode(), nil, nil)
		if err != nil {
			return nil, err
		}
		if resp.Status == http.StatusNotFound && resp.Code() == "NoSuchBucket" {
			return nil, ErrNoSuchBucket{}
		}
		if resp.Status != http.StatusOK {
			return nil, fmt.Errorf("ListObjectsV2 answered %v", resp)
		}
		var doc struct {
			IsTruncated           bool
			NextContinuationToken string
			Contents              []struct{ Key string }
		}
		if err := xml.Unmarshal(resp.Body, &doc); err != nil {
			return nil, fmt.Errorf("ListObjectsV2 answered a document that does not parse: %v", err)
		}
		for _, c := range doc.Contents {
			keys = append(keys, c.Key)
		}
		if !doc.IsTruncated || doc.NextContinuationToken == "" {
			return keys, nil
		}
		token = doc.NextContinuationToken
	}
}

// EscapeKey escapes an object key for a path, segment by segment.
func EscapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// SigningTransport sends path-style requests: with virtual set it moves the bucket into the host
// (bucket.Host/key), then signs every request but preflights, so that the
// signature covers the URL sent.
type SigningTransport struct {
	Base    http.RoundTripper
	Creds   sigv4.Credentials
	Region  string
	Virtual bool
	Host    string // the endpoint's host, with its port
	Now     func() time.Time
}

// RoundTrip moves the bucket into the host when Virtual is set, signs
// the request unless it is a preflight, and sends it through Base.
func (t *SigningTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	req := r.Clone(r.Context())
	req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.ContentLength = int64(len(body))
	}
	if t.Virtual {
		VirtualHost(req, t.Host)
	}
	if req.Method != http.MethodOptions {
		if err := sigv4.Sign(req, t.Creds, t.Region, t.Now(), sigv4.PayloadHash(body)); err != nil {
			return nil, fmt.Errorf("signing the request: %w", err)
		}
	}
	return t.Base.RoundTrip(req)
}

// VirtualHost rewrites a path-style request to host/bucket/key as
// bucket.Host/key.
func VirtualHost(r *http.Request, host string) {
	escaped := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	name, key, _ := strings.Cut(escaped, "/")
	if name == "" {
		return
	}
	name, _ = url.PathUnescape(name)
	rest := "/" + key
	path, err := url.PathUnescape(rest)
	if err != nil {
		return
	}
	u := *r.URL
	u.Host = name + "." + host
	u.Path, u.RawPath = path, ""
	if (&url.URL{Path: path}).EscapedPath() != rest {
		u.RawPath = rest
	}
	r.URL = &u
	r.Host = ""
}

// RequestLog records the requests sent through the transport it wraps.
type RequestLog struct {
	list []LoggedRequest
}

// LoggedRequest is one request a run would send.
type LoggedRequest struct {
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Headers []string `json:"headers"`
}

// Wrap returns a transport that records each request, then sends it
// through next.
func (l *RequestLog) Wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		var names []string
		for k := range r.Header {
			names = append(names, k)
		}
		if r.ContentLength > 0 {
			names = append(names, "Content-Length")
		}
		sort.Strings(names)
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		u := *r.URL
		u.Host = host
		l.list = append(l.list, LoggedRequest{Method: r.Method, URL: u.String(), Headers: names})
		return next.RoundTrip(r)
	})
}

// Entries returns the requests recorded, in order.
func (l *RequestLog) Entries() []LoggedRequest { return l.list }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
