package har

import (
	"fmt"
	"net/http"
	"strings"
)

// lookAlikes reports, through add, the failures that look like CORS errors
// in the browser but that no CORS configuration causes or cures. It
// returns whether there was one.
func lookAlikes(x exchange, add func(Finding)) bool {
	found := false
	if pf := x.preflight; pf != nil {
		st := pf.Response.Status
		code, msg := s3ErrorCode(pf.body())
		switch {
		case st >= 300 && st < 400:
			to := pf.Response.RedirectURL
			if to == "" {
				to, _ = get(pf.Response.Headers, "Location")
			}
			where := ""
			if to != "" {
				where = " to " + to
			}
			if code != "" {
				where += fmt.Sprintf(" (S3 error %s: %s)", code, msg)
			}
			add(Finding{Kind: KindRedirectedPreflight, Severity: Error, Message: fmt.Sprintf("the preflight was answered with a redirect, %d%s; browsers refuse a redirected preflight whatever the CORS rules say", st, where),
				Fix: "request the final URL directly: for S3, the bucket's regional endpoint (https://BUCKET.s3.REGION.amazonaws.com/KEY), not the global or website endpoint, and no redirect to add a trailing slash or index.html"})
			found = true
		case st == http.StatusUnauthorized || authErrorCodes[code]:
			what := fmt.Sprintf("%d", st)
			if code != "" {
				what = fmt.Sprintf("%d %s (%s)", st, code, msg)
			}
			add(Finding{Kind: KindAuthenticatedPreflight, Severity: Error, Message: "the preflight was refused with " + what + ": the server checks credentials on OPTIONS, which browsers never sign and S3 answers unauthenticated",
				Fix: "answer preflights before authentication: put the CORS middleware outside the authentication layer (S3 itself does this), or allow unauthenticated OPTIONS in the proxy in front of the bucket"})
			found = true
		}
		if v, ok := get(pf.Request.Headers, "Access-Control-Request-Private-Network"); ok && strings.EqualFold(v, "true") {
			if _, answered := get(pf.Response.Headers, "Access-Control-Allow-Private-Network"); !answered {
				add(Finding{Kind: KindPrivateNetworkAccess, Severity: Error, Message: "the preflight asks for Private Network Access (Access-Control-Request-Private-Network: true), which S3 never answers: no CORS configuration sends Access-Control-Allow-Private-Network",
					Fix: "this happens when a public page calls a server on a private or local address; load the page from the same network (or from localhost) or put the server behind a public address"})
				found = true
			}
		}
	}
	if a := x.actual; a != nil {
		code, msg := s3ErrorCode(a.body())
		expired := a.Response.Status == http.StatusForbidden && code == "AccessDenied" && strings.Contains(msg, "expired")
		until, presigned := presignedExpiry(a.Request.URL)
		at, known := a.started()
		// The clocks of the browser and of the signer may differ: judge by
		// them only when the request did fail.
		failed := a.Response.Status == 0 || a.Response.Status == http.StatusForbidden
		if !expired && failed && presigned && known && at.After(until) {
			expired = true
		}
		if expired {
			detail := "403 AccessDenied (Request has expired)"
			if presigned {
				detail = fmt.Sprintf("the URL expired at %s", until.UTC().Format("2006-01-02 15:04:05 UTC"))
				if known {
					detail += fmt.Sprintf(", %s before the request", at.Sub(until).Round(1e9))
				}
			}
			add(Finding{Kind: KindExpiredPresignedURL, Severity: Error, Message: "the presigned URL had expired: " + detail + "; S3 refuses it whatever the CORS rules say",
				Fix: "presign the URL just before the request, or with a longer expiry (X-Amz-Expires)"})
			found = true
		}
	}
	return found
}

// authErrorCodes are S3's error codes for requests whose authentication
// failed: S3 never answers a preflight with them.
var authErrorCodes = map[string]bool{
	"SignatureDoesNotMatch": true, "InvalidAccessKeyId": true, "MissingSecurityHeader": true,
	"AuthorizationHeaderMalformed": true, "InvalidToken": true, "ExpiredToken": true,
	"AccessDenied": true, "InvalidSecurity": true,
}
