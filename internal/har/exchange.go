package har

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// isPreflight reports whether e is a CORS preflight: an OPTIONS request
// with Access-Control-Request-Method.
func (e *Entry) isPreflight() bool {
	_, ok := get(e.Request.Headers, "Access-Control-Request-Method")
	return e.Request.Method == "OPTIONS" && ok
}

// Origin returns the request's Origin header, or "".
func (e *Entry) Origin() string {
	o, _ := get(e.Request.Headers, "Origin")
	return o
}

// involvesCORS reports whether e is part of a CORS exchange: a
// cross-origin request with Origin, a preflight, or a response with
// Access-Control-* headers.
func (e *Entry) involvesCORS() bool {
	if e.isPreflight() {
		return true
	}
	if o := e.Origin(); o != "" && o != urlOrigin(e.Request.URL) {
		return true
	}
	for _, h := range e.Response.Headers {
		if len(h.Name) > 15 && strings.EqualFold(h.Name[:15], "access-control-") {
			return e.Origin() == "" // a same-origin request with Origin is not CORS
		}
	}
	return false
}

// body returns the response body as text, decoding base64.
func (e *Entry) body() string {
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

// exchange is one cross-origin request as the browser made it: a
// preflight, the actual request, or both.
type exchange struct {
	preflight, actual *Entry
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
func pairExchanges(entries []Entry) []exchange {
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
	matches := func(pf *Entry, j int) bool {
		o := entries[j].Origin()
		return partner[j] < 0 && (o == "" || o == pf.Origin())
	}
	for i := range entries {
		pf := &entries[i]
		if !pf.isPreflight() {
			continue
		}
		method, _ := get(pf.Request.Headers, "Access-Control-Request-Method")
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
			if a := &entries[found]; a.Origin() == "" {
				if o := pf.Origin(); o != "" {
					a.Request.Headers = append(a.Request.Headers, Header{Name: "Origin", Value: o})
				}
			}
		}
	}
	done := make([]bool, len(entries))
	var out []exchange
	for i := range entries {
		e := &entries[i]
		if done[i] || (partner[i] < 0 && !e.involvesCORS()) {
			continue
		}
		done[i] = true
		x := exchange{preflightIndex: -1, actualIndex: -1}
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
func (e *Entry) started() (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime)
	return t, err == nil
}
