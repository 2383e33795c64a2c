package main_test

// End-to-end test in headless Chromium of the s3cors proxy: a page on
// another origin uploads through the proxy to gofakes3, which has no CORS
// of its own (it answers "Access-Control-Allow-Origin: *" to everything)
// and authenticates every request with AWS Signature Version 4. The proxy
// answers the preflights and the ?cors API itself and passes everything
// else through, Host included, so that the presigned URLs, made for the
// proxy's address, verify at gofakes3.

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3cors/s3cors/internal/proxy"
	"github.com/s3cors/s3cors/internal/sigv4"
)

const (
	proxiedBucket = "uploads"
	proxyKeyID    = "AKIDPROXYBROWSER"
	proxySecret   = "proxy-browser-secret"
	proxyRegion   = "us-east-1"
	// partSize is the first part's size. S3 wants 5 MiB at least of every
	// part but the last; gofakes3 does not, and the browser would hand
	// every byte of a larger body to the test over the DevTools protocol
	// (Network.requestWillBeSent), which costs seconds under -race.
	partSize      = 64 << 10
	lastPart      = "the last part"
	presignedBody = "uploaded with a presigned URL"
)

// uploadPage is the page of the website origins. Its script uploads with
// the URLs the website presigned for this load: a presigned PUT, then a
// multipart upload whose parts' ETags it reads from the answers (the
// bucket exposes ETag) and sends back in CompleteMultipartUpload.
var uploadPage = template.Must(template.New("upload").Parse(`<!doctype html>
<meta charset="utf-8"><title>upload through s3cors proxy</title>
<script>
const urls = {{.}};
window.results = {};
async function send(url, init) {
  try {
    const r = await fetch(url, init);
    return {ok: r.ok, status: r.status, etag: r.headers.get('ETag') || '', body: await r.text()};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
}
(async () => {
  const res = window.results;
  res.put = await send(urls.put, {method: 'PUT', body: '` + presignedBody + `', headers: {'Content-Type': 'application/octet-stream'}});
  res.part1 = await send(urls.part1, {method: 'PUT', body: new Uint8Array(` + strconv.Itoa(partSize) + `).fill(97)});
  res.part2 = await send(urls.part2, {method: 'PUT', body: '` + lastPart + `'});
  if (res.part1.ok && res.part2.ok) {
    const parts = [res.part1, res.part2].map((p, i) =>
      '<Part><PartNumber>' + (i + 1) + '</PartNumber><ETag>' + p.etag + '</ETag></Part>');
    res.complete = await send(urls.complete, {method: 'POST',
      body: '<CompleteMultipartUpload>' + parts.join('') + '</CompleteMultipartUpload>',
      headers: {'Content-Type': 'application/xml'}});
  }
  window.done = true;
})();
</script>
`))

type uploadResults struct {
	Put      fetchResult  `json:"put"`
	Part1    fetchResult  `json:"part1"`
	Part2    fetchResult  `json:"part2"`
	Complete *fetchResult `json:"complete"`
}

// proxyScenario is gofakes3 behind the s3cors proxy, and the two website
// origins, all on fresh ports.
type proxyScenario struct {
	site, other string // website origins: allowed, and not allowed
	proxy       string // the proxy's base URL
	atProxy     *recorder
	atUpstream  *recorder
	client      *s3.Client // signs for the proxy's address
	presign     *s3.PresignClient
	loads       atomic.Int64

	mu      sync.Mutex
	uploads map[string]pageUpload // by page origin, the last load's
}

// pageUpload is what one load of the page uploads.
type pageUpload struct {
	putKey, multipartKey, uploadID string
}

func newProxyScenario(t *testing.T) *proxyScenario {
	t.Helper()
	siteSrv := httptest.NewUnstartedServer(nil)
	otherSrv := httptest.NewUnstartedServer(nil)
	sc := &proxyScenario{
		site:    "http://" + siteSrv.Listener.Addr().String(),
		other:   "http://" + otherSrv.Listener.Addr().String(),
		uploads: map[string]pageUpload{},
	}

	// gofakes3, authenticating every request.
	verifier := &sigv4.Verifier{Secrets: map[string]string{proxyKeyID: proxySecret}, Region: proxyRegion}
	sc.atUpstream = &recorder{h: verifier.Handler(gofakes3.New(s3mem.New()).Server(), refuseUnsigned)}
	upstream := httptest.NewServer(sc.atUpstream)

	p, err := proxy.New(proxy.Config{
		Upstream:    upstream.URL,
		Region:      proxyRegion,
		Secrets:     map[string]string{proxyKeyID: proxySecret},
		Credentials: sigv4.Credentials{AccessKeyID: proxyKeyID, SecretAccessKey: proxySecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	sc.atProxy = &recorder{h: p}
	proxySrv := httptest.NewServer(sc.atProxy)
	sc.proxy = proxySrv.URL

	sc.client = s3.New(s3.Options{
		Region:       proxyRegion,
		BaseEndpoint: aws.String(sc.proxy),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(proxyKeyID, proxySecret, ""),
	})
	sc.presign = s3.NewPresignClient(sc.client)
	ctx := t.Context()
	if _, err := sc.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(proxiedBucket)}); err != nil {
		t.Fatalf("CreateBucket through the proxy: %v", err)
	}
	if _, err := sc.client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String(proxiedBucket),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
			AllowedOrigins: []string{sc.site},
			AllowedMethods: []string{"PUT", "POST"},
			AllowedHeaders: []string{"content-type"},
			ExposeHeaders:  []string{"ETag"},
		}}},
	}); err != nil {
		t.Fatalf("PutBucketCors through the proxy: %v", err)
	}
	// Authentication is on: an unsigned upload is refused by gofakes3's
	// verifier, through the proxy.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, sc.proxy+"/"+proxiedBucket+"/unsigned.txt", strings.NewReader("x"))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned PUT through the proxy: %v %v, want 403 (authentication on)", res, err)
	} else {
		res.Body.Close()
	}

	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sc.servePage(t, w, r) })
	siteSrv.Config.Handler, otherSrv.Config.Handler = web, web
	siteSrv.Start()
	otherSrv.Start()
	t.Cleanup(func() {
		siteSrv.Close()
		otherSrv.Close()
		proxySrv.Close()
		p.Close()
		upstream.Close()
		if t.Failed() {
			t.Logf("requests the proxy received:\n%s", sc.atProxy.dump())
			t.Logf("requests gofakes3 received:\n%s", sc.atUpstream.dump())
			t.Logf("console:\n  %s", strings.Join(b.events.consoleFor(sc.proxy), "\n  "))
		}
	})
	return sc
}

// refuseUnsigned answers a request that failed authentication with S3's
// XML error.
func refuseUnsigned(w http.ResponseWriter, _ *http.Request, e *sigv4.Error) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.Status)
	io.WriteString(w, xml.Header+"<Error><Code>")
	xml.EscapeText(w, []byte(e.Code))
	io.WriteString(w, "</Code><Message>")
	xml.EscapeText(w, []byte(e.Message))
	io.WriteString(w, "</Message></Error>")
}

// servePage presigns this load's uploads, starts the multipart upload,
// and serves the page.
func (sc *proxyScenario) servePage(t *testing.T, w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	n := strconv.FormatInt(sc.loads.Add(1), 10)
	up := pageUpload{putKey: "presigned-" + n + ".txt", multipartKey: "multipart-" + n + ".bin"}
	urls := map[string]string{}
	fail := func(err error) {
		t.Errorf("presigning for the page: %v", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
	put, err := sc.presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(proxiedBucket), Key: aws.String(up.putKey)})
	if err != nil {
		fail(err)
		return
	}
	urls["put"] = put.URL
	mu, err := sc.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(proxiedBucket), Key: aws.String(up.multipartKey)})
	if err != nil {
		fail(err)
		return
	}
	up.uploadID = aws.ToString(mu.UploadId)
	for i := int32(1); i <= 2; i++ {
		part, err := sc.presign.PresignUploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(proxiedBucket), Key: aws.String(up.multipartKey),
			UploadId: mu.UploadId, PartNumber: aws.Int32(i),
		})
		if err != nil {
			fail(err)
			return
		}
		urls["part"+strconv.Itoa(int(i))] = part.URL
	}
	// The SDK presigns no CompleteMultipartUpload: sign its URL directly.
	complete, err := presignComplete(ctx, sc.proxy, up.multipartKey, up.uploadID)
	if err != nil {
		fail(err)
		return
	}
	urls["complete"] = complete
	sc.mu.Lock()
	sc.uploads["http://"+r.Host] = up
	sc.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := uploadPage.Execute(w, urls); err != nil {
		t.Errorf("page: %v", err)
	}
}

// upload returns what the last load of the page from origin uploads.
func (sc *proxyScenario) upload(origin string) pageUpload {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.uploads[origin]
}

// presignComplete returns a presigned URL of CompleteMultipartUpload (POST
// /bucket/key?uploadId=…), valid for 15 minutes.
func presignComplete(ctx context.Context, base, key, uploadID string) (string, error) {
	u := base + "/" + proxiedBucket + "/" + key + "?" + url.Values{"uploadId": {uploadID}, "X-Amz-Expires": {"900"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return "", err
	}
	signed, _, err := v4.NewSigner().PresignHTTP(ctx,
		aws.Credentials{AccessKeyID: proxyKeyID, SecretAccessKey: proxySecret},
		req, "UNSIGNED-PAYLOAD", "s3", proxyRegion, time.Now())
	return signed, err
}

// etagOf is the ETag S3 gives an object, or a part, with this content.
func etagOf(content string) string {
	sum := md5.Sum([]byte(content))
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// TestBrowserUploadThroughProxy opens the upload page from the origin the
// bucket allows and from one it does not, each time with fresh servers.
func TestBrowserUploadThroughProxy(t *testing.T) {
	ctx := tab(t)
	firstPart := strings.Repeat("a", partSize)

	t.Run("allowed origin", func(t *testing.T) {
		sc := newProxyScenario(t)
		res := load[uploadResults](t, ctx, sc.site+"/")
		up := sc.upload(sc.site)
		t.Logf("results: put %+v, part 1 %+v, part 2 %+v, complete %+v", res.Put, res.Part1, res.Part2, res.Complete)

		// The page's own view: every upload succeeded, and the ETags
		// were readable because the proxy, not gofakes3, exposed them.
		if !res.Put.OK || res.Put.Status != 200 || res.Put.ETag != etagOf(presignedBody) {
			t.Errorf("presigned PUT: %+v, want 200 with the readable ETag %s", res.Put, etagOf(presignedBody))
		}
		if !res.Part1.OK || res.Part1.ETag != etagOf(firstPart) {
			t.Errorf("part 1: %+v, want 200 with the readable ETag %s", res.Part1, etagOf(firstPart))
		}
		if !res.Part2.OK || res.Part2.ETag != etagOf(lastPart) {
			t.Errorf("part 2: %+v, want 200 with the readable ETag %s", res.Part2, etagOf(lastPart))
		}
		if res.Complete == nil || !res.Complete.OK || !strings.Contains(res.Complete.Body, "<CompleteMultipartUploadResult") {
			t.Errorf("CompleteMultipartUpload: %+v, want 200 with a CompleteMultipartUploadResult", res.Complete)
		}

		// The uploads landed, read back through the proxy.
		if body, err := readObject(t.Context(), sc.client, up.putKey); err != nil || body != presignedBody {
			t.Errorf("%s: %q, %v", up.putKey, body, err)
		}
		if body, err := readObject(t.Context(), sc.client, up.multipartKey); err != nil || body != firstPart+lastPart {
			t.Errorf("%s: %d bytes, %v; want the two parts, %d bytes", up.multipartKey, len(body), err, len(firstPart+lastPart))
		}

		// The proxy answered every preflight itself: none reached gofakes3.
		if pre := sc.atUpstream.find(http.MethodOptions, "/"+proxiedBucket+"/"+up.putKey); len(pre) != 0 {
			t.Errorf("preflights reached gofakes3: %v", pre)
		}
		for _, c := range []struct{ method, key, headers string }{
			{"PUT", up.putKey, "content-type"},
			{"PUT", up.multipartKey, ""},
			{"POST", up.multipartKey, "content-type"},
		} {
			p := "/" + proxiedBucket + "/" + c.key
			var answered []exchange
			for _, x := range sc.atProxy.find(http.MethodOptions, p) {
				if x.Header.Get("Access-Control-Request-Method") == c.method {
					answered = append(answered, x)
				}
			}
			if len(answered) == 0 {
				t.Errorf("no preflight of %s %s at the proxy", c.method, p)
				continue
			}
			x := answered[0]
			if x.Status != 200 || x.RespHeader.Get("Access-Control-Allow-Origin") != sc.site ||
				x.RespHeader.Get("Access-Control-Allow-Methods") != "PUT, POST" ||
				x.RespHeader.Get("Access-Control-Allow-Headers") != c.headers {
				t.Errorf("preflight of %s %s answered %d %v, want 200 allowing %s, PUT, POST, headers %q",
					c.method, p, x.Status, x.RespHeader, sc.site, c.headers)
			}
		}
		if n := len(sc.atUpstream.find(http.MethodOptions, "/"+proxiedBucket+"/"+up.multipartKey)); n != 0 {
			t.Errorf("%d preflights of the multipart upload reached gofakes3", n)
		}

		// The uploads passed through, presigned for the proxy's address,
		// and were verified by gofakes3's side; its "*" did not pass the
		// proxy.
		puts := fromPage(sc.atUpstream.find(http.MethodPut, "/"+proxiedBucket+"/"+up.putKey), sc.site)
		if len(puts) != 1 || puts[0].Status != 200 || !strings.Contains(puts[0].Query, "X-Amz-Signature=") ||
			puts[0].RespHeader.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("PUT at gofakes3: %v, want once, presigned, answered 200 with gofakes3's own Access-Control-Allow-Origin: *", puts)
		}
		for _, x := range sc.atProxy.find(http.MethodPut, "/"+proxiedBucket+"/"+up.putKey) {
			if got := x.RespHeader.Values("Access-Control-Allow-Origin"); len(got) != 1 || got[0] != sc.site ||
				x.RespHeader.Get("Access-Control-Expose-Headers") != "ETag" {
				t.Errorf("PUT answered by the proxy with Access-Control-Allow-Origin %q, Expose-Headers %q; want [%s], ETag",
					got, x.RespHeader.Get("Access-Control-Expose-Headers"), sc.site)
			}
		}
		if posts := fromPage(sc.atUpstream.find(http.MethodPost, "/"+proxiedBucket+"/"+up.multipartKey), sc.site); len(posts) != 1 || posts[0].Status != 200 {
			t.Errorf("CompleteMultipartUpload at gofakes3: %v, want once, answered 200", posts)
		}

		// And the browser reported no CORS error.
		for _, key := range []string{up.putKey, up.multipartKey} {
			if e := b.events.corsErrorOf(sc.proxy + "/" + proxiedBucket + "/" + key); e != "" {
				t.Errorf("%s: CORS error %s", key, e)
			}
		}
	})

	t.Run("origin not allowed", func(t *testing.T) {
		sc := newProxyScenario(t)
		res := load[uploadResults](t, ctx, sc.other+"/")
		up := sc.upload(sc.other)
		t.Logf("results: put %+v, part 1 %+v, part 2 %+v, complete %+v", res.Put, res.Part1, res.Part2, res.Complete)

		for name, r := range map[string]fetchResult{"presigned PUT": res.Put, "part 1": res.Part1, "part 2": res.Part2} {
			if r.OK || !strings.Contains(r.Error, "Failed to fetch") {
				t.Errorf("%s: %+v, want it blocked (TypeError: Failed to fetch)", name, r)
			}
		}
		if res.Complete != nil {
			t.Errorf("the page completed the upload: %+v", res.Complete)
		}

		// Each upload was stopped at its preflight, which the proxy
		// refused without CORS fields; nothing reached gofakes3.
		for _, key := range []string{up.putKey, up.multipartKey} {
			p := "/" + proxiedBucket + "/" + key
			pre := sc.atProxy.find(http.MethodOptions, p)
			if len(pre) == 0 {
				t.Errorf("no preflight of %s at the proxy", p)
			}
			for _, x := range pre {
				if x.Header.Get("Origin") != sc.other || x.Status != http.StatusForbidden || x.RespHeader.Get("Access-Control-Allow-Origin") != "" {
					t.Errorf("preflight of %s from %s answered %d %v, want 403 without CORS fields", p, x.Header.Get("Origin"), x.Status, x.RespHeader)
				}
			}
			for _, m := range []string{http.MethodOptions, http.MethodPut, http.MethodPost} {
				if xs := fromPage(sc.atUpstream.find(m, p), sc.other); len(xs) != 0 {
					t.Errorf("%s %s reached gofakes3 %d times, want never", m, p, len(xs))
				}
			}
			if got := b.events.corsErrorOf(sc.proxy + p); got != "PreflightMissingAllowOriginHeader" {
				t.Errorf("%s: CORS error %q, want PreflightMissingAllowOriginHeader", key, got)
			}
		}

		// Nothing was written.
		if _, err := sc.client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(proxiedBucket), Key: aws.String(up.putKey)}); err == nil {
			t.Errorf("%s exists, want no upload", up.putKey)
		}
		parts, err := sc.client.ListParts(t.Context(), &s3.ListPartsInput{Bucket: aws.String(proxiedBucket), Key: aws.String(up.multipartKey), UploadId: aws.String(up.uploadID)})
		if err != nil {
			t.Errorf("ListParts: %v", err)
		} else if len(parts.Parts) != 0 {
			t.Errorf("the multipart upload has %d parts, want none", len(parts.Parts))
		}
	})
}

// fromPage keeps the requests the page sent: those from origin.
func fromPage(xs []exchange, origin string) []exchange {
	var out []exchange
	for _, x := range xs {
		if x.Header.Get("Origin") == origin {
			out = append(out, x)
		}
	}
	return out
}

// readObject reads an object back through the proxy.
func readObject(ctx context.Context, c *s3.Client, key string) (string, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(proxiedBucket), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	if err != nil {
		return "", errors.Join(errors.New("reading "+key), err)
	}
	return string(body), nil
}
