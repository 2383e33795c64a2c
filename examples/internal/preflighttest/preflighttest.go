// Package preflighttest sends preflights and reduces the answers to what
// decides them, for the examples' tests that watch a server's answers
// change, such as when servers share their configurations through etcd.
package preflighttest

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"testing"
	"time"
)

// Verdicts of preflights to a bucket, as [Verdict] gives them.
const (
	// No rule matches (P5 of docs/behaviour.md).
	NotAllowed = "403 Forbidden, application/xml, AccessForbidden: CORSResponse: This CORS request is not allowed. " +
		"This is usually because the evalution of Origin, request method / Access-Control-Request-Method or " +
		"Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
	// The bucket has no configuration (P3).
	NotEnabled = "403 Forbidden, application/xml, AccessForbidden: CORSResponse: CORS is not enabled for this bucket."
	// The server has not loaded the configurations yet: S3's answer when
	// it cannot serve, which clients retry.
	Unavailable = "503 Service Unavailable, application/xml, ServiceUnavailable: Service is unable to handle request."
)

// Allowed returns the verdict of a preflight from origin that a rule
// allows (P6): 200 with the origin in Access-Control-Allow-Origin (H1).
func Allowed(origin string) string {
	return "200 OK, Access-Control-Allow-Origin: " + origin
}

// answerWithin bounds the wait for one answer, so that a server that
// holds a preflight instead of answering fails the test, rather than
// hanging it until go test's own timeout.
const answerWithin = 10 * time.Second

// Verdict sends a preflight for a PUT from origin to url and returns the
// status and, for a 200, the Access-Control-Allow-Origin field, or else the
// Content-Type and the S3 error's code and message. It fails the test when
// no answer has come within 10 s.
func Verdict(t testing.TB, url, origin string) string {
	t.Helper()
	return verdictWithin(t, url, origin, answerWithin)
}

// verdictWithin is Verdict waiting at most within for the answer.
func verdictWithin(t testing.TB, url, origin string, within time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodOptions, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodPut)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("preflight from %s to %s: %v", origin, url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode == http.StatusOK {
		return res.Status + ", Access-Control-Allow-Origin: " + res.Header.Get("Access-Control-Allow-Origin")
	}
	var doc struct{ Code, Message string }
	if err := xml.Unmarshal(body, &doc); err != nil {
		return res.Status + ", not an S3 error document: " + string(body)
	}
	return res.Status + ", " + res.Header.Get("Content-Type") + ", " + doc.Code + ": " + doc.Message
}

// Await sends the preflight of [Verdict] until its verdict is want, polling
// every 25 ms, and fails the test when it is still another after within,
// or when an answer does not come before that.
func Await(t testing.TB, url, origin, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := verdictWithin(t, url, origin, max(time.Until(deadline), 100*time.Millisecond))
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("preflight from %s to %s: %q after %v, want %q", origin, url, got, within, want)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
