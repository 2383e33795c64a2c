package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The sub-resources and response-header overrides of a URL's query that
// Signature Version 2 signs, as part of the resource.
var v2SignedQuery = map[string]bool{
	"accelerate": true, "acl": true, "analytics": true, "cors": true, "delete": true, "inventory": true,
	"lifecycle": true, "location": true, "logging": true, "metrics": true, "notification": true,
	"object-lock": true, "partNumber": true, "policy": true, "replication": true, "requestPayment": true,
	"restore": true, "select": true, "select-type": true, "storageClass": true, "tagging": true,
	"torrent": true, "uploadId": true, "uploads": true, "versionId": true, "versioning": true,
	"versions": true, "website": true,
	"response-cache-control": true, "response-content-disposition": true, "response-content-encoding": true,
	"response-content-language": true, "response-content-type": true, "response-expires": true,
}

const messageV2Malformed = "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"

// verifyV2Header verifies a request signed with Signature Version 2 in its
// Authorization header, "AWS AccessKeyId:Signature": the base64 HMAC-SHA1,
// with the secret access key, of
//
//	method \n Content-MD5 \n Content-Type \n Date \n x-amz-* headers resource
//
// where Date is empty when X-Amz-Date is sent, the x-amz-* headers are
// "name:value\n" each, lower-case and sorted, and the resource is the path
// followed by the sub-resources of the query, sorted. The body is not
// signed.
func (v *Verifier) verifyV2Header(r *http.Request, value string) *Error {
	id, provided, ok := strings.Cut(strings.TrimPrefix(value, "AWS "), ":")
	if !ok || id == "" || provided == "" {
		return &Error{Status: http.StatusBadRequest, Code: codeInvalidArgument, Message: messageV2Malformed,
			Details: []Detail{{"ArgumentName", "Authorization"}, {"ArgumentValue", value}}}
	}
	date := r.Header.Get("X-Amz-Date")
	signedDate := ""
	if date == "" {
		date = r.Header.Get("Date")
		signedDate = date
	}
	at, ok := parseV2Date(date)
	if !ok {
		return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: messageNoDate}
	}
	now := v.now()
	if d := now.Sub(at); d > MaxSkew || d < -MaxSkew {
		return tooSkewed(at.UTC().Format(amzDateLayout), now)
	}
	return v.checkV2(r, id, provided, signedDate)
}

// parseV2Date parses the date of a request signed with Signature Version 2:
// an HTTP date, also with a numeric zone, or the form of X-Amz-Date of
// Signature Version 4.
func parseV2Date(s string) (time.Time, bool) {
	if t, err := http.ParseTime(s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC1123Z, s); err == nil {
		return t, true
	}
	return parseAmzDate(s)
}

// verifyV2Query verifies a URL presigned with Signature Version 2: the
// query parameters AWSAccessKeyId, Expires (Unix time) and Signature, which
// signs the string of verifyV2Header with Expires in place of the date.
func (v *Verifier) verifyV2Query(r *http.Request, q url.Values) *Error {
	expires := q.Get("Expires")
	end, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: "Invalid date (should be seconds since epoch): " + expires}
	}
	now := v.now()
	if now.Unix() > end {
		return &Error{Status: http.StatusForbidden, Code: codeAccessDenied, Message: messageExpired,
			Details: []Detail{
				{"Expires", time.Unix(end, 0).UTC().Format(serverTimeLayout)},
				{"ServerTime", now.UTC().Format(serverTimeLayout)},
			}}
	}
	return v.checkV2(r, q.Get("AWSAccessKeyId"), q.Get("Signature"), expires)
}

// checkV2 compares the signature provided with the one of the access key.
func (v *Verifier) checkV2(r *http.Request, id, provided, date string) *Error {
	secret, ok := v.Secrets[id]
	if !ok {
		return invalidAccessKeyID(id)
	}
	path := r.URL.EscapedPath()
	toSign := v2StringToSign(r, path, date)
	if sameSignature(provided, v2Signature(secret, toSign)) {
		return nil
	}
	// A bucket's resource is "/bucket/" when the bucket is in the host
	// name, and clients such as botocore sign it so for path-style URLs
	// too.
	if strings.Count(path, "/") == 1 && len(path) > 1 {
		if sameSignature(provided, v2Signature(secret, v2StringToSign(r, path+"/", date))) {
			return nil
		}
	}
	return signatureMismatch(id, toSign, provided, "")
}

func v2Signature(secret, toSign string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// v2StringToSign returns the string Signature Version 2 signs, for the
// resource path.
func v2StringToSign(r *http.Request, path, date string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(strings.TrimSpace(r.Header.Get("Content-Md5")) + "\n")
	b.WriteString(strings.TrimSpace(r.Header.Get("Content-Type")) + "\n")
	b.WriteString(date + "\n")
	var names []string
	for name := range r.Header {
		if l := strings.ToLower(name); strings.HasPrefix(l, "x-amz-") {
			names = append(names, l)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		values := slices.Clone(r.Header.Values(name))
		for i := range values {
			values[i] = strings.TrimSpace(values[i])
		}
		b.WriteString(name + ":" + strings.Join(values, ",") + "\n")
	}
	b.WriteString(path)
	var sub []string
	for part := range strings.SplitSeq(r.URL.RawQuery, "&") {
		name, value, hasValue := strings.Cut(part, "=")
		if !v2SignedQuery[name] {
			continue
		}
		if hasValue {
			if u, err := url.QueryUnescape(value); err == nil {
				value = u
			}
			part = name + "=" + value
		}
		sub = append(sub, part)
	}
	if len(sub) > 0 {
		slices.SortStableFunc(sub, func(a, b string) int {
			an, _, _ := strings.Cut(a, "=")
			bn, _, _ := strings.Cut(b, "=")
			return strings.Compare(an, bn)
		})
		b.WriteString("?" + strings.Join(sub, "&"))
	}
	return b.String()
}
