package har

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/internal/requestheaders"
)

// judgePreflightRecorded judges a preflight by its recorded answer and
// reports whether the browser accepted it.
func judgePreflightRecorded(e *Entry, method string, add func(Finding)) bool {
	st := e.Response.Status
	origin := e.Origin()
	asked := explain.RequestedHeaders(all(e.Request.Headers, "Access-Control-Request-Headers"))
	if st == 0 {
		why := ""
		if f := e.failure(); f != "" {
			why = " (" + f + ")"
		}
		add(Finding{Kind: KindNoResponse, Severity: Error, Message: "the preflight got no response" + why, Fix: "check that the server is reachable from the page, and look at the browser's console for the reason"})
		return false
	}
	if st/100 != 2 {
		code, msg := s3ErrorCode(e.body())
		switch {
		case msg == "CORSResponse: CORS is not enabled for this bucket.":
			add(Finding{Kind: KindNoConfiguration, Severity: Error, Message: fmt.Sprintf("the preflight was refused with %d %s: the bucket has no CORS configuration", st, code),
				Fix: "put one with 'aws s3api put-bucket-cors'; 's3cors lint' checks it first"})
		case msg == "CORSResponse: Bucket not found":
			add(Finding{Kind: KindNoBucket, Severity: Error, Message: fmt.Sprintf("the preflight was refused with %d %s: the bucket does not exist", st, code), Fix: "check the bucket name in the URL"})
		case code != "":
			add(Finding{Kind: KindPreflightRefused, Severity: Error, Message: fmt.Sprintf("the preflight was refused with %d %s: %s", st, code, msg),
				Fix: fmt.Sprintf("no rule allows origin %s, method %s and headers %s together; pass the configuration (s3cors explain cors.json --har FILE) to learn which clause refused it", origin, method, explain.List(asked))})
		default:
			add(Finding{Kind: KindPreflightRefused, Severity: Error, Message: fmt.Sprintf("the preflight was refused with %d", st),
				Fix: "browsers accept only a 2xx answer to a preflight; pass the configuration (s3cors explain cors.json --har FILE) to learn what S3 would answer"})
		}
		return false
	}
	if !checkOrigin(e, "preflight", add) {
		return false
	}
	allowCred, _ := get(e.Response.Headers, "Access-Control-Allow-Credentials")
	wildcardOK := !strings.EqualFold(allowCred, "true")
	if m := method; m != "" && m != "GET" && m != "HEAD" && m != "POST" {
		methods, _ := get(e.Response.Headers, "Access-Control-Allow-Methods")
		if !listHasExact(methods, m, wildcardOK) {
			add(Finding{Kind: KindMethodNotAllowed, Severity: Error, Message: fmt.Sprintf("the preflight's answer does not list method %s in Access-Control-Allow-Methods (%q)", m, methods),
				Fix: fmt.Sprintf("add %s to AllowedMethods of the rule for origin %s", m, origin)})
			return false
		}
	}
	allowHeaders, _ := get(e.Response.Headers, "Access-Control-Allow-Headers")
	for _, h := range asked {
		if !listHas(allowHeaders, h) || (strings.TrimSpace(allowHeaders) == "*" && !wildcardOK) {
			add(Finding{Kind: KindHeaderNotAllowed, Severity: Error, Message: fmt.Sprintf("the preflight asks for header %s, which the answer's Access-Control-Allow-Headers (%q) does not list", h, allowHeaders),
				Fix: fmt.Sprintf("add %q to AllowedHeaders of the rule for origin %s", h, origin)})
			return false
		}
	}
	return true
}

// listHasExact reports whether the comma-separated list holds name, case
// sensitively as browsers compare methods, or "*" when wildcardOK.
func listHasExact(list, name string, wildcardOK bool) bool {
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == name || item == "*" && wildcardOK {
			return true
		}
	}
	return false
}

// checkOrigin checks the recorded Access-Control-Allow-Origin of e.
func checkOrigin(e *Entry, what string, add func(Finding)) bool {
	origin := e.Origin()
	allow, ok := get(e.Response.Headers, "Access-Control-Allow-Origin")
	switch {
	case !ok:
		add(Finding{Kind: KindMissingAllowOrigin, Severity: Error, Message: fmt.Sprintf("the %s's answer has no Access-Control-Allow-Origin, so the browser hides it from the page", what),
			Fix: fmt.Sprintf("S3 sends it only when a rule allows origin %s and method %s (and every requested header): pass the configuration (s3cors explain cors.json --har FILE) to learn which clause fails", origin, e.Request.Method)})
		return false
	case allow != "*" && allow != origin:
		add(Finding{Kind: KindOriginMismatch, Severity: Error, Message: fmt.Sprintf("the %s's answer allows origin %s, not the page's origin %s", what, allow, origin),
			Fix: "a cache or proxy may have served an answer made for another origin (S3 echoes the request's Origin); see serve's --cache-safe-vary (cors.WithCacheSafeVary), or check the CDN's cache key"})
		return false
	}
	return true
}

// judgeActualRecorded judges an actual request by its recorded answer and
// reports whether the page could read it.
func judgeActualRecorded(e *Entry, add func(Finding)) bool {
	if e.Response.Status == 0 {
		why := ""
		if f := e.failure(); f != "" {
			why = " (" + f + ")"
		}
		add(Finding{Kind: KindNoResponse, Severity: Error, Message: "the request got no response the page could read" + why,
			Fix: "browsers record a request blocked by CORS without a response: look at the browser's console for the reason, or pass the configuration (s3cors explain cors.json --har FILE)"})
		return false
	}
	if !checkOrigin(e, "request", add) {
		return false
	}
	allow, _ := get(e.Response.Headers, "Access-Control-Allow-Origin")
	cred, _ := get(e.Response.Headers, "Access-Control-Allow-Credentials")
	expose, _ := get(e.Response.Headers, "Access-Control-Expose-Headers")
	return checkAllowed(e, allow, cred, expose, add)
}

// checkAllowed reports the problems that remain once CORS headers are
// present: credentials with "*", or a response header the page may want but
// cannot read.
func checkAllowed(e *Entry, allowOrigin, allowCredentials, expose string, add func(Finding)) bool {
	if credentialed(e) {
		if allowOrigin == "*" {
			add(Finding{Kind: KindCredentialsWithWildcard, Severity: Error, Message: `the request carries credentials (cookies), but the answer is Access-Control-Allow-Origin: "*", which browsers refuse for such requests`,
				Fix: `list the page's origin in AllowedOrigins of a rule without "*" (S3 then echoes it with Access-Control-Allow-Credentials: true), or send the request without credentials`})
			return false
		}
		if !strings.EqualFold(allowCredentials, "true") {
			add(Finding{Kind: KindCredentialsNotAllowed, Severity: Error, Message: "the request carries credentials (cookies), but the answer lacks Access-Control-Allow-Credentials: true",
				Fix: "S3 sends it for every rule without \"*\" among its origins; check that such a rule matches"})
			return false
		}
	}
	if m := e.Request.Method; (m == http.MethodPut || m == http.MethodPost) && e.Response.Status/100 == 2 {
		if _, has := get(e.Response.Headers, "ETag"); has && !listHas(expose, "etag") {
			add(Finding{Kind: KindHeaderNotExposed, Severity: Note, Message: "the response has an ETag, which the page cannot read: it is not in Access-Control-Expose-Headers (multipart uploads need it)",
				Fix: `add "ETag" to ExposeHeaders of the rule for this origin`})
		}
	}
	return true
}

// credentialed reports whether the browser sent e with credentials, as
// far as a HAR shows it: with cookies, in a Cookie header or in the
// entry's list of cookies. A HAR does not record the request's
// credentials mode, and an Authorization header does not tell it either: a
// script sets one (such as the AWS SDK's signature) on requests without
// credentials, which an Access-Control-Allow-Origin of "*" serves.
func credentialed(e *Entry) bool {
	_, cookie := get(e.Request.Headers, "Cookie")
	return cookie || len(e.Request.Cookies) > 0
}

// listHas reports whether the comma-separated list of header names holds
// name (ignoring case) or "*". The list is read as S3 reads
// Access-Control-Request-Headers, so that every reader sees the same names.
func listHas(list, name string) bool {
	names, _ := requestheaders.Names([]string{list})
	name = strings.ToLower(name)
	for _, item := range names {
		if item == name || item == "*" {
			return true
		}
	}
	return false
}
