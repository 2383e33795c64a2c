package emulator_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestBucketCorsWire checks the bytes of GetBucketCors over HTTP: the stored
// configuration as S3 writes it (G1, G2, D6) and, without one, the 404 error
// document with BucketName, whose RequestId and HostId repeat the response
// headers, sent chunked (G3, E1, E2).
func TestBucketCorsWire(t *testing.T) {
	e, endpoint, _ := startEmulator(t)
	if err := e.CreateBucket("wire"); err != nil {
		t.Fatal(err)
	}
	get := func() (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(endpoint + "/wire?cors")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}

	resp, body := get()
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>NoSuchCORSConfiguration</Code><Message>The CORS configuration does not exist</Message>` +
		`<BucketName>wire</BucketName><RequestId>` + resp.Header.Get("x-amz-request-id") +
		`</RequestId><HostId>` + resp.Header.Get("x-amz-id-2") + `</HostId></Error>`
	if resp.StatusCode != http.StatusNotFound || body != want || resp.Header.Get("x-amz-request-id") == "" {
		t.Errorf("without configuration: %d\n%s\nwant\n%s", resp.StatusCode, body, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/xml" {
		t.Errorf("Content-Type %q", ct)
	}
	if len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
		t.Errorf("Transfer-Encoding %q, want chunked", resp.TransferEncoding)
	}

	// Stored in any order, with values whose case and spacing must survive.
	doc := `<CORSConfiguration><CORSRule><MaxAgeSeconds>0</MaxAgeSeconds><ID>r1</ID>` +
		`<AllowedOrigin>http://test.com:80</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>` +
		`<ExposeHeader>x-AMZ-Version-Id</ExposeHeader><AllowedHeader>X-Amz-*</AllowedHeader></CORSRule>` +
		`<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`
	req, _ := http.NewRequest(http.MethodPut, endpoint+"/wire?cors", strings.NewReader(doc))
	req.Header.Set("Content-MD5", md5Of(doc))
	put, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	put.Body.Close()
	if put.StatusCode != http.StatusOK {
		t.Fatalf("PutBucketCors: %d", put.StatusCode)
	}
	resp, body = get()
	want = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedHeader>X-Amz-*</AllowedHeader>` +
		`<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedOrigin>http://test.com:80</AllowedOrigin>` +
		`<ExposeHeader>x-AMZ-Version-Id</ExposeHeader><ID>r1</ID><MaxAgeSeconds>0</MaxAgeSeconds></CORSRule>` +
		`<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`
	if resp.StatusCode != http.StatusOK || body != want || resp.Header.Get("Content-Type") != "application/xml" {
		t.Errorf("with configuration: %d %q\n%s\nwant\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
	}
}

// TestPutBucketCorsRefusesJSON checks that PutBucketCors takes XML only, as
// on S3: the AWS CLI and console JSON forms, which rule.Parse reads, are
// refused with 400 MalformedXML and nothing is stored.
func TestPutBucketCorsRefusesJSON(t *testing.T) {
	e, endpoint, _ := startEmulator(t)
	if err := e.CreateBucket("json"); err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{
		`{"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}`,
		` [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]`,
		`{"CORSRules": "not a list"}`,
	} {
		req, _ := http.NewRequest(http.MethodPut, endpoint+"/json?cors", strings.NewReader(doc))
		req.Header.Set("Content-MD5", md5Of(doc))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<Error><Code>MalformedXML</Code><Message>The XML you provided was not well-formed or did not validate against our published schema</Message>` +
			`<RequestId>` + resp.Header.Get("x-amz-request-id") + `</RequestId><HostId>` + resp.Header.Get("x-amz-id-2") + `</HostId></Error>`
		if resp.StatusCode != http.StatusBadRequest || string(body) != want {
			t.Errorf("%s: %d\n%s\nwant\n%s", doc, resp.StatusCode, body, want)
		}
	}
	if c := e.BucketCORS("json"); c != nil {
		t.Errorf("a JSON configuration was stored: %v", c)
	}
}
