package cors_test

import (
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/internal/naive"
	"github.com/s3cors/s3cors/rule"
)

// This file holds a naive evaluator written straight from the behaviour
// specification (sections 4 to 9 and the decisions of section 15), with
// loops and no indexing, against which the compiled engine is fuzzed.

// refAnswer is the reference evaluator's answer: S3's, and the reason of
// each rule.
type refAnswer struct {
	answer
	reasons []cors.Reason
}

// The reference's limits on Access-Control-Request-Headers (D11).
const (
	refMaxRequestHeadersLength = 8192
	refMaxRequestHeaders       = 256
)

// refBucket is the bucket state: missing, no configuration, or config.
type refBucket struct {
	missing bool
	config  *rule.Configuration
}

func refEvaluate(b refBucket, req cors.Request) refAnswer {
	ans := refAnswer{}
	matched := -1
	method := req.RequestMethod // M2
	if method == "" {
		method = req.Method
	}
	if method == "" {
		method = "GET" // an empty Method is GET, as in net/http
	}
	items, tooLong := refRequestHeaders(req.RequestHeaders)
	if !b.missing && b.config != nil {
		for _, r := range b.config.Rules {
			ans.reasons = append(ans.reasons, refRuleReason(r, req.Origin, method, items, tooLong))
		}
	}
	if req.Method == "OPTIONS" {
		ans.Preflight = true
		acrmOrOptions := req.RequestMethod
		if acrmOrOptions == "" {
			acrmOrOptions = "OPTIONS"
		}
		switch {
		case req.Origin == "": // P1
			return refRefuse(ans, 400, "BadRequest", "Insufficient information. Origin request header needed.", "", "")
		case b.missing: // P2
			return refRefuse(ans, 403, "AccessForbidden", "CORSResponse: Bucket not found", acrmOrOptions, "BUCKET")
		case b.config == nil: // P3
			return refRefuse(ans, 403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", acrmOrOptions, "BUCKET")
		}
		valid := false
		for _, m := range []string{"GET", "PUT", "HEAD", "POST", "DELETE"} {
			if req.RequestMethod == m {
				valid = true
			}
		}
		if !valid { // D2
			v := req.RequestMethod
			if v == "" {
				v = "null"
			}
			return refRefuse(ans, 400, "BadRequest", "Invalid Access-Control-Request-Method: "+v, "", "")
		}
	}
	if b.missing || b.config == nil {
		return ans
	}
	for i, reason := range ans.reasons {
		if reason == cors.Allowed && req.Origin != "" { // M1
			matched = i
			break
		}
	}
	if matched < 0 {
		if ans.Preflight { // P5
			rt := "OBJECT"
			if req.Target == cors.TargetBucket {
				rt = "BUCKET"
			}
			return refRefuse(ans, 403, "AccessForbidden", "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.", req.RequestMethod, rt)
		}
		return ans
	}
	if ans.Preflight {
		ans.Status = 200
	}
	ans.Matched, ans.Rule = true, matched
	r := b.config.Rules[matched]
	star := false
	for _, o := range r.AllowedOrigins {
		if o == "*" {
			star = true
		}
	}
	add := func(n, v string) { ans.Headers = append(ans.Headers, header{n, v}) }
	if star { // H1, D3
		add("Access-Control-Allow-Origin", "*")
	} else {
		add("Access-Control-Allow-Origin", req.Origin)
	}
	add("Access-Control-Allow-Methods", strings.Join(r.AllowedMethods, ", ")) // H3
	if len(items) > 0 {                                                       // H4
		add("Access-Control-Allow-Headers", strings.Join(items, ", "))
	}
	if len(r.ExposeHeaders) > 0 { // H5
		add("Access-Control-Expose-Headers", strings.Join(r.ExposeHeaders, ", "))
	}
	if r.MaxAgeSeconds != nil { // H6, D4
		add("Access-Control-Max-Age", strconv.Itoa(*r.MaxAgeSeconds))
	}
	if !star { // H2
		add("Access-Control-Allow-Credentials", "true")
	}
	add("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method") // H7
	return ans
}

func refRefuse(ans refAnswer, status int, code, message, method, resourceType string) refAnswer {
	ans.Status = status
	ans.Error = rule.ErrorDocument{Code: code, Message: message, Method: method, ResourceType: resourceType}
	ans.Headers = []header{{"Content-Type", "application/xml"}} // E2; Connection is the transport's (D13)
	return ans
}

// refRequestHeaders parses Access-Control-Request-Headers (M5, D7, D10, D11).
func refRequestHeaders(lines []string) (items []string, tooLong bool) {
	if len(strings.Join(lines, "")) > refMaxRequestHeadersLength {
		return nil, true
	}
	for _, item := range strings.Split(strings.Join(lines, ","), ",") {
		item = naive.Lower(strings.Trim(item, " \t"))
		if item != "" {
			items = append(items, item)
		}
	}
	if len(items) > refMaxRequestHeaders {
		return nil, true
	}
	return items, false
}

func refRuleReason(r rule.Rule, origin, method string, items []string, tooLong bool) cors.Reason {
	originOK := false
	for _, o := range r.AllowedOrigins {
		if origin != "" && naive.Match(o, origin, false) { // M4, D1
			originOK = true
		}
	}
	if !originOK {
		return cors.OriginNotAllowed
	}
	methodOK := false
	for _, m := range r.AllowedMethods {
		if m == method { // M3
			methodOK = true
		}
	}
	if !methodOK {
		return cors.MethodNotAllowed
	}
	if tooLong {
		return cors.RequestHeadersTooLarge
	}
	for _, item := range items { // M5
		ok := false
		for _, h := range r.AllowedHeaders {
			if naive.Match(h, item, true) {
				ok = true
			}
		}
		if !ok {
			return cors.HeaderNotAllowed
		}
	}
	return cors.Allowed
}
