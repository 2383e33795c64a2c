package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxHARSize is the largest HAR file explain --har reads: 32 MiB. Browsers
// put response bodies in their exports, so a recording of a few page loads
// is easily several MiB; one larger than this is cut to the requests that
// matter.
const maxHARSize = 32 << 20

// harEntry is one entry of log.entries in a HAR 1.2 document (as
// Chromium's and Firefox's developer tools export it), with the parts
// explain reads.
type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	ResourceType    string      `json:"_resourceType"` // Chromium only
	Initiator       *struct {
		Type string `json:"type"`
	} `json:"_initiator"` // Chromium only
	Error string `json:"_error"` // why no response came: Chromium writes it in response, some exporters here
}

// failure returns why e got no response, wherever the exporter wrote it.
func (e *harEntry) failure() string {
	if e.Response.Error != "" {
		return e.Response.Error
	}
	return e.Error
}

type harRequest struct {
	Method  string      `json:"method"`
	URL     string      `json:"url"`
	Headers []harHeader `json:"headers"`
}

type harResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	Headers     []harHeader `json:"headers"`
	RedirectURL string      `json:"redirectURL"`
	Error       string      `json:"_error"` // Chromium: why no response came
	Content     struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Encoding string `json:"encoding"`
	} `json:"content"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// get returns the first value of the named header, ignoring case, and
// whether there is one.
func harGet(headers []harHeader, name string) (string, bool) {
	for _, h := range headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// harAll returns every value of the named header, ignoring case.
func harAll(headers []harHeader, name string) []string {
	var values []string
	for _, h := range headers {
		if strings.EqualFold(h.Name, name) {
			values = append(values, h.Value)
		}
	}
	return values
}

// maxHAREntries is the most entries explain --har reads: far more than a
// page's requests, few enough that memory stays bounded whatever the file.
const maxHAREntries = 20000

// parseHAR reads a HAR document. The caller bounds the size of data; the
// entries are decoded one at a time, so that a file of many tiny entries
// is refused after maxHAREntries of them rather than decoded whole.
func parseHAR(data []byte) ([]harEntry, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("it is not UTF-8 text, so it is not a HAR file")
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("it is not valid JSON (at byte %d: %v), so it is not a HAR file", se.Offset, err)
		}
		return nil, fmt.Errorf("it is not valid JSON (%v), so it is not a HAR file", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var entries []harEntry
	sawLog := false
	err := eachMember(dec, func(key string) error {
		if key != "log" {
			return skipValue(dec)
		}
		sawLog = true
		return eachMember(dec, func(key string) error {
			if key != "entries" {
				return skipValue(dec)
			}
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return errors.New(`"entries" is not a list`)
			}
			for dec.More() {
				if len(entries) == maxHAREntries {
					return fmt.Errorf("it has more than %d entries: export only the requests that failed, or clear the network log before reproducing the failure", maxHAREntries)
				}
				var e harEntry
				if err := dec.Decode(&e); err != nil {
					return fmt.Errorf("entry %d is not a HAR entry: %v", len(entries), err)
				}
				entries = append(entries, e)
			}
			_, err := dec.Token() // ]
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("it is not a HAR file: %v", err)
	}
	if !sawLog {
		return nil, errors.New(`it has no "log" object, so it is not a HAR file`)
	}
	return entries, nil
}

// eachMember calls f with each key of the JSON object dec is at, with dec
// at the key's value; f must consume the value.
func eachMember(dec *json.Decoder, f func(key string) error) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return errors.New("an object was expected")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		if err := f(key); err != nil {
			return err
		}
	}
	_, err = dec.Token() // }
	return err
}

// skipValue consumes the JSON value dec is at.
func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}

// isPreflight reports whether e is a CORS preflight: an OPTIONS request
// with Access-Control-Request-Method.
func (e *harEntry) isPreflight() bool {
	_, ok := harGet(e.Request.Headers, "Access-Control-Request-Method")
	return e.Request.Method == "OPTIONS" && ok
}

// origin returns the request's Origin header, or "".
func (e *harEntry) origin() string {
	o, _ := harGet(e.Request.Headers, "Origin")
	return o
}

// involvesCORS reports whether e is part of a CORS exchange: a
// cross-origin request with Origin, a preflight, or a response with
// Access-Control-* headers.
func (e *harEntry) involvesCORS() bool {
	if e.isPreflight() {
		return true
	}
	if o := e.origin(); o != "" && o != urlOrigin(e.Request.URL) {
		return true
	}
	for _, h := range e.Response.Headers {
		if len(h.Name) > 15 && strings.EqualFold(h.Name[:15], "access-control-") {
			return e.origin() == "" // a same-origin request with Origin is not CORS
		}
	}
	return false
}

// body returns the response body as text, decoding base64.
func (e *harEntry) body() string {
	c := e.Response.Content
	if c.Encoding == "base64" {
		if b, err := base64.StdEncoding.DecodeString(c.Text); err == nil {
			return string(b)
		}
	}
	return c.Text
}

// urlOrigin is the origin of an absolute URL, as browsers write it in
// Origin, or "".
func urlOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case u.Scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return u.Scheme + "://" + host
}

// s3ErrorCode returns the Code and Message of an S3 XML error body, or "".
func s3ErrorCode(body string) (code, message string) {
	return xmlElement(body, "Code"), xmlElement(body, "Message")
}

// xmlElement returns the text of the first <name>...</name> in s,
// unescaping the five XML entities.
func xmlElement(s, name string) string {
	i := strings.Index(s, "<"+name+">")
	if i < 0 {
		return ""
	}
	s = s[i+len(name)+2:]
	j := strings.Index(s, "</"+name+">")
	if j < 0 {
		return ""
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&amp;", "&").Replace(s[:j])
}

// harExchange is one cross-origin request as the browser made it: a
// preflight, the actual request, or both.
type harExchange struct {
	preflight, actual *harEntry
	preflightIndex    int
	actualIndex       int
}

// pairExchanges picks the entries that involve CORS and pairs each
// preflight with the actual request it was sent for: an entry that is not a
// preflight, with the same URL, the preflight's
// Access-Control-Request-Method as its method and the same Origin (or none,
// as a request the browser blocked may be recorded without it). The first
// such entry after the preflight is taken, else the nearest before it:
// Chromium records the request as starting before its preflight.
// Exchanges come in the order of their first entry.
func pairExchanges(entries []harEntry) []harExchange {
	partner := make([]int, len(entries))
	for i := range partner {
		partner[i] = -1
	}
	// The requests a preflight may be for, by method and URL, in order.
	type key struct{ method, url string }
	byKey := map[key][]int{}
	for j := range entries {
		if a := &entries[j]; !a.isPreflight() {
			k := key{a.Request.Method, a.Request.URL}
			byKey[k] = append(byKey[k], j)
		}
	}
	matches := func(pf *harEntry, j int) bool {
		o := entries[j].origin()
		return partner[j] < 0 && (o == "" || o == pf.origin())
	}
	for i := range entries {
		pf := &entries[i]
		if !pf.isPreflight() {
			continue
		}
		method, _ := harGet(pf.Request.Headers, "Access-Control-Request-Method")
		candidates := byKey[key{method, pf.Request.URL}]
		// The first candidate after the preflight, else the nearest before.
		next := sort.SearchInts(candidates, i)
		found := -1
		for _, j := range candidates[next:] {
			if matches(pf, j) {
				found = j
				break
			}
		}
		for k := next - 1; k >= 0 && found < 0; k-- {
			if matches(pf, candidates[k]) {
				found = candidates[k]
			}
		}
		if found >= 0 {
			partner[i], partner[found] = found, i
			// Chromium records a request blocked after its preflight
			// without the Origin it would have sent: give it the
			// preflight's, which the browser sends on the request too.
			if a := &entries[found]; a.origin() == "" {
				if o := pf.origin(); o != "" {
					a.Request.Headers = append(a.Request.Headers, harHeader{Name: "Origin", Value: o})
				}
			}
		}
	}
	done := make([]bool, len(entries))
	var out []harExchange
	for i := range entries {
		e := &entries[i]
		if done[i] || (partner[i] < 0 && !e.involvesCORS()) {
			continue
		}
		done[i] = true
		x := harExchange{preflightIndex: -1, actualIndex: -1}
		pi, ai := i, partner[i]
		if !e.isPreflight() {
			pi, ai = partner[i], i
		}
		if pi >= 0 {
			x.preflight, x.preflightIndex = &entries[pi], pi
			done[pi] = true
		}
		if ai >= 0 {
			x.actual, x.actualIndex = &entries[ai], ai
			done[ai] = true
		}
		out = append(out, x)
	}
	return out
}

// presignedExpiry returns when a presigned URL (Signature Version 4's
// X-Amz-Date and X-Amz-Expires, or version 2's Expires) stops being valid,
// and whether the URL is one.
func presignedExpiry(raw string) (time.Time, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return time.Time{}, false
	}
	q := u.Query()
	if d, exp := q.Get("X-Amz-Date"), q.Get("X-Amz-Expires"); d != "" && exp != "" {
		t, err1 := time.Parse("20060102T150405Z", d)
		s, err2 := strconv.Atoi(exp)
		// S3 accepts at most a week; a larger value is no expiry to judge.
		if err1 == nil && err2 == nil && s >= 1 && s <= 604800 {
			return t.Add(time.Duration(s) * time.Second), true
		}
	}
	if exp := q.Get("Expires"); exp != "" && q.Get("Signature") != "" {
		if s, err := strconv.ParseInt(exp, 10, 64); err == nil {
			return time.Unix(s, 0).UTC(), true
		}
	}
	return time.Time{}, false
}

// started returns when the browser sent e, and whether the HAR says.
func (e *harEntry) started() (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime)
	return t, err == nil
}
