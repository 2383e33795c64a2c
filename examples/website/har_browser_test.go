package main_test

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"maps"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The fixture that TestBrowserHAR writes with HAR_RECORD=1, for the tests
// of explain --har in cmd/s3cors.
const (
	harFixture    = "../../cmd/s3cors/testdata/har/chromium-refused-upload.har"
	harFixtureCfg = "../../cmd/s3cors/testdata/har/chromium-refused-upload.cors.json"
)

type harPageResults struct {
	Put pageResult `json:"put"`
	Get pageResult `json:"get"`
}

// TestBrowserHAR records, as a HAR file, what Chromium reports over the
// DevTools protocol while a page uploads a file with a checksum header that
// the bucket's rule does not allow (the preflight is refused, so the upload
// is never sent) and then reads a file (allowed). It checks the events and
// hands the HAR to explain --har.
//
// With HAR_RECORD=1 the HAR and the configuration are written to
// cmd/s3cors/testdata/har as chromium-refused-upload.har and
// chromium-refused-upload.cors.json, the fixture of TestExplainHARChromium,
// when every check passed; otherwise to a temporary folder. To record it
// again, in the examples module:
//
//	HAR_RECORD=1 CORS_E2E_REQUIRE=1 go test -run TestBrowserHAR ./website/
func TestBrowserHAR(t *testing.T) {
	browser := tab(t)
	bin := buildS3cors(t)

	site := newPageServer(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	const hello = "hello from the bucket\n"
	if err := os.WriteFile(filepath.Join(dir, "assets", "hello.txt"), []byte(hello), 0o644); err != nil {
		t.Fatal(err)
	}
	config := map[string]any{"CORSRules": []map[string]any{
		{"ID": "reads", "AllowedOrigins": []string{site.Origin}, "AllowedMethods": []string{"GET", "HEAD"}, "MaxAgeSeconds": 3000},
		{"ID": "uploads", "AllowedOrigins": []string{site.Origin}, "AllowedMethods": []string{"PUT"},
			"AllowedHeaders": []string{"content-type"}, "ExposeHeaders": []string{"ETag"}, "MaxAgeSeconds": 3000},
	}}
	srv := startServe(t, bin, config, dir, "--writable")

	const upload = "a cat with a checksum\n"
	checksum := base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE([]byte(upload))))
	site.start(map[string]string{"/har": testPage(srv.URL, `
  await attempt("put", async () => read(await fetch(bucket + "/uploads/cat.txt", {method: "PUT", body: `+strconv.Quote(upload)+`,
    headers: {"content-type": "text/plain", "x-amz-checksum-crc32": `+strconv.Quote(checksum)+`}})));
  await attempt("get", async () => read(await fetch(bucket + "/assets/hello.txt")));`)})

	// A tab of its own, so that the recording holds this page's requests
	// only.
	ctx, cancel := chromedp.NewContext(browser)
	defer cancel()
	rec := &harRecorder{reqs: map[network.RequestID]*harRequest{}}
	if err := chromedp.Listen(ctx, rec.add); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	res := load[harPageResults](t, ctx, site.Origin+"/har")
	t.Logf("page: %+v", res)
	if res.Put.Error != "TypeError: Failed to fetch" {
		t.Errorf("PUT with x-amz-checksum-crc32: %+v, want it blocked (TypeError: Failed to fetch)", res.Put)
	}
	if !res.Get.OK || res.Get.Status != 200 || res.Get.Body != hello {
		t.Errorf("GET: %+v, want 200 %q", res.Get, hello)
	}
	if got := srv.logged("OPTIONS", "/uploads/cat.txt"); len(got) != 1 || !strings.HasPrefix(got[0], "403 cors: preflight refused") {
		t.Errorf("serve logged the preflight as %q, want once, 403 refused", got)
	}
	if got := srv.logged("PUT", "/uploads/cat.txt"); len(got) != 0 {
		t.Errorf("the upload reached the server: %q", got)
	}

	// The extra-info events may come after the page is done.
	deadline := time.Now().Add(5 * time.Second)
	for !rec.complete() {
		if time.Now().After(deadline) {
			t.Fatalf("network events incomplete after 5s:\n%s", rec.traceText())
		}
		time.Sleep(10 * time.Millisecond)
	}
	rec.fetchBodies(ctx)
	t.Logf("events:\n%s", rec.traceText())

	// What Chromium reported: the upload, its preflight as a request of
	// its own, refused, and the GET.
	putURL, getURL := srv.URL+"/uploads/cat.txt", srv.URL+"/assets/hello.txt"
	reqs := rec.requests()
	var put, pre, get *harRequest
	for _, r := range reqs {
		switch {
		case r.sent.Request.URL == putURL && r.sent.Request.Method == "PUT":
			put = r
		case r.sent.Request.URL == putURL && r.sent.Request.Method == "OPTIONS":
			pre = r
		case r.sent.Request.URL == getURL:
			get = r
		}
	}
	if put == nil || pre == nil || get == nil {
		t.Fatalf("want the PUT, its preflight and the GET among the requests:\n%s", rec.traceText())
	}
	if put.failed == nil || put.failed.CorsErrorStatus == nil || put.failed.CorsErrorStatus.CorsError != network.CorsErrorPreflightMissingAllowOriginHeader || put.resp != nil {
		t.Errorf("the PUT: failed %+v, response %v; want it failed for PreflightMissingAllowOriginHeader, without a response", put.failed, put.resp != nil)
	}
	// The preflight is a request of its own, initiated by the PUT; its
	// type is Preflight only from responseReceived on (requestWillBeSent
	// says Other).
	if pre.resourceType() != network.ResourceTypePreflight || pre.sent.Initiator == nil || pre.sent.Initiator.Type != network.InitiatorTypePreflight || pre.sent.Initiator.RequestID != put.sent.RequestID {
		t.Errorf("the preflight: type %q, initiator %+v; want Preflight, initiated by request %s", pre.resourceType(), pre.sent.Initiator, put.sent.RequestID)
	}
	if st := pre.status(); st != 403 {
		t.Errorf("the preflight's status: %d, want 403", st)
	}
	preHeaders := rec.requestHeaders(pre)
	if v, _ := harHeaderValue(preHeaders, "Access-Control-Request-Headers"); v != "x-amz-checksum-crc32" {
		t.Errorf("the preflight's Access-Control-Request-Headers: %q, want x-amz-checksum-crc32 (content-type: text/plain is safelisted)", v)
	}
	if v, _ := harHeaderValue(preHeaders, "Origin"); v != site.Origin {
		t.Errorf("the preflight's Origin: %q, want %s", v, site.Origin)
	}
	if get.status() != 200 || get.finished == nil {
		t.Errorf("the GET: status %d, finished %v; want 200, finished", get.status(), get.finished != nil)
	} else if v, _ := harHeaderValue(rec.responseHeaders(get), "Access-Control-Allow-Origin"); v != site.Origin {
		t.Errorf("the GET's Access-Control-Allow-Origin: %q, want %s", v, site.Origin)
	}

	harPath, cfgPath := filepath.Join(t.TempDir(), "chromium.har"), filepath.Join(t.TempDir(), "chromium.cors.json")
	har := rec.har()
	var order []string
	for _, e := range har.Log.Entries {
		order = append(order, e.Request.Method+" "+strings.TrimPrefix(strings.TrimPrefix(e.Request.URL, srv.URL), site.Origin))
		if e.Time < 0 || e.Timings.Blocked < 0 || e.Timings.Send < 0 || e.Timings.Wait < 0 || e.Timings.Receive < 0 {
			t.Errorf("HAR entry %s %s: time %v, timings %+v; want them not negative", e.Request.Method, e.Request.URL, e.Time, e.Timings)
		}
	}
	if want := []string{"GET /har", "PUT /uploads/cat.txt", "OPTIONS /uploads/cat.txt", "GET /assets/hello.txt"}; !slices.Equal(order, want) {
		t.Errorf("HAR entries %q, want %q", order, want)
	}
	if os.Getenv("HAR_RECORD") == "1" {
		if t.Failed() {
			t.Fatal("HAR_RECORD=1: the recording is not kept, since the run failed")
		}
		harPath, cfgPath = harFixture, harFixtureCfg
	}
	doc, err := json.MarshalIndent(har, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	cfgDoc, _ := json.MarshalIndent(config, "", "  ")
	if err := os.WriteFile(harPath, append(doc, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, append(cfgDoc, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s and %s", harPath, cfgPath)

	// explain --har reads Chromium's events as this test wrote them; it
	// exits 1 since the upload was refused.
	out, err := exec.Command(bin, "explain", cfgPath, "--har", harPath, "--format", "json").Output()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("s3cors explain --har: %v, want exit status 1\n%s", err, out)
	}
	var rep struct {
		Exchanges []struct {
			Method, URL, Outcome string
			Findings             []struct{ Kind, Message string }
		}
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var verdicts []string
	for _, x := range rep.Exchanges {
		v := x.Method + " " + x.URL + " " + x.Outcome
		if len(x.Findings) > 0 {
			v += " " + x.Findings[0].Kind
		}
		verdicts = append(verdicts, v)
	}
	want := []string{"PUT " + putURL + " refused header-not-allowed", "GET " + getURL + " allowed"}
	if !slices.Equal(verdicts, want) {
		t.Errorf("explain --har: %q, want %q\n%s", verdicts, want, out)
	}
}

// harRecorder keeps the network events of a tab, by request.
type harRecorder struct {
	mu    sync.Mutex
	order []network.RequestID // by requestWillBeSent
	reqs  map[network.RequestID]*harRequest
	trace []string
}

// harRequest is what Chromium reported about one request.
type harRequest struct {
	sent      *network.EventRequestWillBeSent
	sentExtra *network.EventRequestWillBeSentExtraInfo
	resp      *network.EventResponseReceived
	respExtra *network.EventResponseReceivedExtraInfo
	finished  *network.EventLoadingFinished
	failed    *network.EventLoadingFailed
	body      *network.GetResponseBodyResult
}

// status is the response's status, from responseReceived or, for a
// response the browser did not pass on, the extra information; 0 for none.
func (r *harRequest) status() int {
	switch {
	case r.resp != nil:
		return int(r.resp.Response.Status)
	case r.respExtra != nil:
		return int(r.respExtra.StatusCode)
	}
	return 0
}

// resourceType is the request's type as the browser last gave it.
func (r *harRequest) resourceType() network.ResourceType {
	switch {
	case r.resp != nil:
		return r.resp.Type
	case r.failed != nil:
		return r.failed.Type
	}
	return r.sent.Type
}

// start returns when the request started, as monotonic and as wall-clock
// time in seconds. Chromium reports a preflight only once it has been
// answered, with that moment as requestWillBeSent's timestamp; the timing
// of its response says when it was sent, and that is taken when earlier.
func (r *harRequest) start() (monotonic, wall float64) {
	monotonic, wall = r.sent.Timestamp.Float64(), r.sent.WallTime.Float64()
	if r.resp != nil && r.resp.Response.Timing != nil {
		if t := r.resp.Response.Timing.RequestTime; t > 0 && t < monotonic {
			wall -= monotonic - t
			monotonic = t
		}
	}
	return monotonic, wall
}

// add runs on chromedp's reading goroutine: it must be quick.
func (rec *harRecorder) add(ev any) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	get := func(id network.RequestID) *harRequest {
		r := rec.reqs[id]
		if r == nil {
			r = &harRequest{}
			rec.reqs[id] = r
		}
		return r
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r := get(ev.RequestID)
		r.sent = ev
		rec.order = append(rec.order, ev.RequestID)
		init := ""
		if ev.Initiator != nil {
			init = string(ev.Initiator.Type)
			if ev.Initiator.RequestID != "" {
				init += " of " + string(ev.Initiator.RequestID)
			}
		}
		rec.log("requestWillBeSent %s %s %s type=%s initiator=%s timestamp=%.6f wallTime=%.6f headers=%s", ev.RequestID, ev.Request.Method, ev.Request.URL, ev.Type, init,
			ev.Timestamp.Float64(), ev.WallTime.Float64(), headerNames(ev.Request.Headers))
	case *network.EventRequestWillBeSentExtraInfo:
		get(ev.RequestID).sentExtra = ev
		rec.log("requestWillBeSentExtraInfo %s headers=%s", ev.RequestID, headerNames(ev.Headers))
	case *network.EventResponseReceived:
		get(ev.RequestID).resp = ev
		requestTime := 0.0
		if ev.Response.Timing != nil {
			requestTime = ev.Response.Timing.RequestTime
		}
		rec.log("responseReceived %s %d type=%s hasExtraInfo=%v protocol=%s timestamp=%.6f timing.requestTime=%.6f headers=%s", ev.RequestID, ev.Response.Status, ev.Type, ev.HasExtraInfo,
			ev.Response.Protocol, ev.Timestamp.Float64(), requestTime, headerNames(ev.Response.Headers))
	case *network.EventResponseReceivedExtraInfo:
		get(ev.RequestID).respExtra = ev
		rec.log("responseReceivedExtraInfo %s %d headersText=%v headers=%s", ev.RequestID, ev.StatusCode, ev.HeadersText != "", headerNames(ev.Headers))
	case *network.EventLoadingFinished:
		get(ev.RequestID).finished = ev
		rec.log("loadingFinished %s timestamp=%.6f encodedDataLength=%v", ev.RequestID, ev.Timestamp.Float64(), ev.EncodedDataLength)
	case *network.EventLoadingFailed:
		get(ev.RequestID).failed = ev
		cors := ""
		if ev.CorsErrorStatus != nil {
			cors = fmt.Sprintf(" corsErrorStatus={%s %q}", ev.CorsErrorStatus.CorsError, ev.CorsErrorStatus.FailedParameter)
		}
		rec.log("loadingFailed %s type=%s timestamp=%.6f errorText=%s%s", ev.RequestID, ev.Type, ev.Timestamp.Float64(), ev.ErrorText, cors)
	}
}

func (rec *harRecorder) log(format string, args ...any) {
	rec.trace = append(rec.trace, fmt.Sprintf(format, args...))
}

func (rec *harRecorder) traceText() string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return "  " + strings.Join(rec.trace, "\n  ")
}

// headerNames lists the names of h, sorted, for the trace.
func headerNames(h network.Headers) string {
	return "[" + strings.Join(slices.Sorted(maps.Keys(h)), " ") + "]"
}

// requests returns the requests in the order they were issued.
func (rec *harRecorder) requests() []*harRequest {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []*harRequest
	for _, id := range rec.order {
		out = append(out, rec.reqs[id])
	}
	return out
}

// complete reports whether every request ended, and has the extra
// information that its response promised.
func (rec *harRecorder) complete() bool {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, id := range rec.order {
		r := rec.reqs[id]
		if r.finished == nil && r.failed == nil {
			return false
		}
		if r.resp != nil && r.resp.HasExtraInfo && (r.sentExtra == nil || r.respExtra == nil) {
			return false
		}
	}
	return len(rec.order) > 0
}

// fetchBodies asks the browser for the body of each response it kept.
func (rec *harRecorder) fetchBodies(ctx context.Context) {
	for _, r := range rec.requests() {
		if r.finished == nil || r.resp == nil {
			continue
		}
		body, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: r.sent.RequestID})
		rec.mu.Lock()
		if err == nil {
			r.body = &body
		} else {
			// Chromium keeps no body for a preflight.
			rec.log("getResponseBody %s: %v", r.sent.RequestID, err)
		}
		rec.mu.Unlock()
	}
}

// The HAR 1.2 document, with the fields Chromium's DevTools export writes.
type (
	harDoc struct {
		Log harLogJSON `json:"log"`
	}
	harLogJSON struct {
		Version string           `json:"version"`
		Creator harCreator       `json:"creator"`
		Pages   []any            `json:"pages"`
		Entries []harEntryOutput `json:"entries"`
	}
	harCreator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	harEntryOutput struct {
		Initiator       *network.Initiator `json:"_initiator"`
		Priority        string             `json:"_priority"`
		ResourceType    string             `json:"_resourceType"`
		Cache           struct{}           `json:"cache"`
		Connection      string             `json:"connection,omitempty"`
		Request         harReqOutput       `json:"request"`
		Response        harRespOutput      `json:"response"`
		ServerIPAddress string             `json:"serverIPAddress,omitempty"`
		StartedDateTime string             `json:"startedDateTime"`
		Time            float64            `json:"time"`
		Timings         harTimings         `json:"timings"`
	}
	harNameValue struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	harReqOutput struct {
		Method      string         `json:"method"`
		URL         string         `json:"url"`
		HTTPVersion string         `json:"httpVersion"`
		Headers     []harNameValue `json:"headers"`
		QueryString []harNameValue `json:"queryString"`
		Cookies     []any          `json:"cookies"`
		HeadersSize int            `json:"headersSize"`
		BodySize    int            `json:"bodySize"`
		PostData    *harPostData   `json:"postData,omitempty"`
	}
	harPostData struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
	}
	harRespOutput struct {
		Status       int            `json:"status"`
		StatusText   string         `json:"statusText"`
		HTTPVersion  string         `json:"httpVersion"`
		Headers      []harNameValue `json:"headers"`
		Cookies      []any          `json:"cookies"`
		Content      harContent     `json:"content"`
		RedirectURL  string         `json:"redirectURL"`
		HeadersSize  int            `json:"headersSize"`
		BodySize     int            `json:"bodySize"`
		TransferSize int            `json:"_transferSize"`
		Error        *string        `json:"_error"`
	}
	harContent struct {
		Size     int    `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text,omitempty"`
		Encoding string `json:"encoding,omitempty"`
	}
	harTimings struct {
		Blocked float64 `json:"blocked"`
		DNS     float64 `json:"dns"`
		SSL     float64 `json:"ssl"`
		Connect float64 `json:"connect"`
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
	}
)

// har converts the recorded events into a HAR document, one entry per
// request, preflights included, sorted by their start as HAR 1.2
// recommends. An actual request starts before its preflight, though the
// browser sends it only after.
func (rec *harRecorder) har() *harDoc {
	doc := &harDoc{Log: harLogJSON{Version: "1.2", Creator: harCreator{"WebInspector", "537.36"}, Pages: []any{}, Entries: []harEntryOutput{}}}
	reqs := rec.requests()
	slices.SortStableFunc(reqs, func(a, b *harRequest) int {
		x, _ := a.start()
		y, _ := b.start()
		return cmp.Compare(x, y)
	})
	for _, r := range reqs {
		doc.Log.Entries = append(doc.Log.Entries, rec.entry(r))
	}
	return doc
}

func (rec *harRecorder) entry(r *harRequest) harEntryOutput {
	s := r.sent
	start, wall := r.start()
	e := harEntryOutput{
		Initiator:       s.Initiator,
		Priority:        string(s.Request.InitialPriority),
		ResourceType:    strings.ToLower(string(r.resourceType())),
		StartedDateTime: time.UnixMicro(int64(wall * 1e6)).UTC().Format("2006-01-02T15:04:05.000Z"),
	}
	e.Request = harReqOutput{
		Method: s.Request.Method, URL: s.Request.URL, Headers: harHeaders(rec.requestHeaders(r)),
		QueryString: []harNameValue{}, Cookies: []any{}, HeadersSize: -1,
	}
	if u, err := url.Parse(s.Request.URL); err == nil {
		for _, kv := range strings.Split(u.RawQuery, "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			e.Request.QueryString = append(e.Request.QueryString, harNameValue{k, v})
		}
	}
	var post []byte
	for _, p := range s.Request.PostDataEntries {
		post = append(post, p.Bytes...)
	}
	e.Request.BodySize = len(post)
	if s.Request.HasPostData {
		ct, _ := harHeaderValue(rec.requestHeaders(r), "Content-Type")
		e.Request.PostData = &harPostData{MimeType: ct, Text: string(post)}
	}

	resp := harRespOutput{Headers: []harNameValue{}, Cookies: []any{}, HeadersSize: -1, BodySize: -1, Content: harContent{MimeType: "x-unknown"}}
	end := start
	switch {
	case r.finished != nil:
		end = r.finished.Timestamp.Float64()
	case r.failed != nil:
		end = r.failed.Timestamp.Float64()
	}
	e.Time = (end - start) * 1000
	e.Timings = harTimings{Blocked: e.Time, DNS: -1, SSL: -1, Connect: -1}
	if r.resp != nil {
		p := r.resp.Response
		resp.Status, resp.StatusText, resp.HTTPVersion = int(p.Status), p.StatusText, p.Protocol
		e.Request.HTTPVersion = p.Protocol
		resp.Content.MimeType = p.MimeType
		resp.Headers = harHeaders(rec.responseHeaders(r))
		if r.respExtra != nil && r.respExtra.HeadersText != "" {
			resp.HeadersSize = len(r.respExtra.HeadersText)
		}
		if r.finished != nil {
			resp.TransferSize = int(r.finished.EncodedDataLength)
			if resp.HeadersSize >= 0 && resp.TransferSize >= resp.HeadersSize {
				resp.BodySize = resp.TransferSize - resp.HeadersSize
			}
		}
		if r.body != nil {
			resp.Content.Size = len(r.body.Body)
			resp.Content.Text = string(r.body.Body)
			if r.body.Base64encoded {
				resp.Content.Text, resp.Content.Encoding = base64.StdEncoding.EncodeToString(r.body.Body), "base64"
			}
		}
		e.ServerIPAddress = p.RemoteIPAddress
		e.Connection = strconv.FormatFloat(p.ConnectionID, 'f', -1, 64)
		if t := p.Timing; t != nil {
			e.Timings = resourceTimings(start, end, t)
			e.Time = e.Timings.Blocked + max(e.Timings.DNS, 0) + max(e.Timings.Connect, 0) + e.Timings.Send + e.Timings.Wait + e.Timings.Receive
		}
	}
	// Microseconds are as precise as the browser's clock.
	for _, v := range []*float64{&e.Time, &e.Timings.Blocked, &e.Timings.DNS, &e.Timings.SSL, &e.Timings.Connect, &e.Timings.Send, &e.Timings.Wait, &e.Timings.Receive} {
		*v = math.Round(*v*1000) / 1000
	}
	if r.failed != nil {
		resp.Error = &r.failed.ErrorText // DevTools writes it in the response
	}
	e.Response = resp
	return e
}

// resourceTimings splits a request's time into HAR's phases, in
// milliseconds: issued is when the page issued it, end when it ended (both
// monotonic, in seconds), t the browser's timing of its response, in
// milliseconds after t.RequestTime.
func resourceTimings(issued, end float64, t *network.ResourceTiming) harTimings {
	phase := func(start, stop float64) float64 {
		if start < 0 || stop < 0 {
			return -1
		}
		return stop - start
	}
	first := t.SendStart
	for _, v := range []float64{t.ConnectStart, t.DNSStart} {
		if v >= 0 {
			first = v
		}
	}
	return harTimings{
		Blocked: max((t.RequestTime-issued)*1000+first, 0),
		DNS:     phase(t.DNSStart, t.DNSEnd),
		Connect: phase(t.ConnectStart, t.ConnectEnd),
		SSL:     phase(t.SslStart, t.SslEnd),
		Send:    max(t.SendEnd-t.SendStart, 0),
		Wait:    max(t.ReceiveHeadersEnd-t.SendEnd, 0),
		Receive: max((end-t.RequestTime)*1000-t.ReceiveHeadersEnd, 0),
	}
}

// requestHeaders returns the request headers as sent on the wire when the
// browser reported them, else as the page's request had them.
func (rec *harRecorder) requestHeaders(r *harRequest) []harNameValue {
	if r.sentExtra != nil {
		return headerList(r.sentExtra.Headers)
	}
	return headerList(r.sent.Request.Headers)
}

// responseHeaders returns the response headers in the order and spelling
// of the wire when the browser gave the raw text, else from its map.
func (rec *harRecorder) responseHeaders(r *harRequest) []harNameValue {
	if x := r.respExtra; x != nil {
		if x.HeadersText != "" {
			var out []harNameValue
			for i, line := range strings.Split(strings.TrimRight(x.HeadersText, "\r\n"), "\r\n") {
				if i == 0 {
					continue // the status line
				}
				if name, value, ok := strings.Cut(line, ":"); ok {
					out = append(out, harNameValue{name, strings.TrimSpace(value)})
				}
			}
			return out
		}
		return headerList(x.Headers)
	}
	if r.resp != nil {
		return headerList(r.resp.Response.Headers)
	}
	return nil
}

// headerList flattens a header map, sorted by name, with one entry per
// value: the browser joins repeated headers with "\n".
func headerList(h network.Headers) []harNameValue {
	var out []harNameValue
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for v := range strings.SplitSeq(fmt.Sprint(h[k]), "\n") {
			out = append(out, harNameValue{k, v})
		}
	}
	return out
}

func harHeaders(h []harNameValue) []harNameValue {
	if h == nil {
		return []harNameValue{}
	}
	return h
}

// harHeaderValue returns the first value of the named header, ignoring
// case.
func harHeaderValue(h []harNameValue, name string) (string, bool) {
	for _, kv := range h {
		if strings.EqualFold(kv.Name, name) {
			return kv.Value, true
		}
	}
	return "", false
}
