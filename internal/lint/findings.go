// Package lint judges a CORS configuration beyond what S3 validates: it
// reports the mistakes and risks that S3 accepts without complaint, each a
// Finding of a Check with a stable ID, and proves which rules never apply
// because earlier rules take all their requests. The behaviour IDs cited
// (M1, H1 …) are defined in docs/behaviour.md.
//
// Each finding has a stable
// ID: S3C1xx concern AllowedOrigin, S3C2xx AllowedHeader, S3C3xx the order
// and repetition of rules, S3C4xx methods and ExposeHeader, S3C5xx
// MaxAgeSeconds.
//
//	ID      severity  finding
//	S3C101  info      AllowedOrigin "*": any site may read the responses (S3 answers "*", never with credentials)
//	S3C102  warning   "*" listed with other origins in one rule: they are all answered "*" without credentials
//	S3C103  error     wildcard covering every host ("https://*", "http://*"), echoed with credentials
//	S3C104  error     wildcard starting a host without a dot boundary ("https://*example.com"), echoed with credentials
//	S3C105  error     wildcard inside a registrable or shared-hosting domain ("https://app.*.com", "https://*.github.io"), echoed with credentials
//	S3C106  error     wildcard ending a host ("https://example.com*"), echoed with credentials
//	S3C107  warning   plain http:// origin other than localhost, 127.0.0.1 or [::1]
//	S3C108  error     the "null" origin, echoed with credentials
//	S3C109  warning   empty AllowedOrigin, which never matches
//	S3C110  warning   AllowedOrigin that no browser sends: no scheme, a path or trailing slash, upper case, a default port
//	S3C201  warning   AllowedHeader "*" together with an origin any site can use
//	S3C301  warning   rule that never applies: earlier rules take all its requests
//	S3C302  warning   rule that repeats an earlier rule
//	S3C401  info      PUT or POST allowed without exposing ETag
//	S3C501  info      MaxAgeSeconds above 7200 (Chromium caps the cache at 7200 s)
//	S3C502  warning   MaxAgeSeconds above 86400 (Firefox caps it at 86400 s; no browser honours more)
//	S3C503  warning   negative MaxAgeSeconds
//
// A rule that lists "*" is answered with "*" whatever else it lists, so its
// other origins get only S3C102, not the origin findings S3C103 to S3C110.
package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/internal/explain"
	"github.com/s3cors/s3cors/rule"
)

// Severity ranks findings; S3's own refusals count as errors.
type Severity int

// The severities, in increasing order.
const (
	Info Severity = iota
	Warning
	Error
)

// String returns the severity's name: "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// ParseSeverity reads a severity's name.
func ParseSeverity(s string) (Severity, bool) {
	for _, v := range []Severity{Error, Warning, Info} {
		if v.String() == s {
			return v, true
		}
	}
	return 0, false
}

// Check describes one kind of finding.
type Check struct {
	ID       string
	Severity Severity
	Title    string // what is wrong, in a few words
	Why      string // one line: why it matters
	Fix      string // the suggested fix
}

// Checks, by ID. Messages of individual findings add the rule and value.
var (
	checkAnyOrigin = Check{"S3C101", Info, `AllowedOrigin "*" admits every site`,
		`any web page may read these responses; S3 answers "Access-Control-Allow-Origin: *" without Access-Control-Allow-Credentials, so browsers send no cookies or HTTP authentication`,
		`fine for public content; otherwise list the origins of your pages, such as https://app.example.com`}
	checkAnyWithOthers = Check{"S3C102", Warning, `"*" is listed together with other origins`,
		`S3 answers "*" for every origin of a rule that lists "*", also the explicit ones, so credentialed requests from them fail and the explicit entries do nothing`,
		`remove "*", or move the explicit origins to a rule of their own placed before this one`}
	checkAnyHost = Check{"S3C103", Error, "wildcard admits every host",
		"any site can make requests that S3 answers by echoing its origin with Access-Control-Allow-Credentials: true, so it can read responses with the user's credentials (a credentialed wildcard)",
		`list the exact origins of your pages, or use "*" if the content is public and needs no credentials`}
	checkNoDot = Check{"S3C104", Error, "wildcard starts the host without a dot boundary",
		"anyone can register a domain ending in the same letters; S3 echoes such origins with Access-Control-Allow-Credentials: true (a credentialed wildcard)",
		`put a dot after the "*": https://*.example.com admits only subdomains; add https://example.com for the domain itself`}
	checkRegistrable = Check{"S3C105", Error, "wildcard covers the registrable domain",
		"the \"*\" stands where a domain name is registered (or where anyone can publish on a shared hosting domain), so strangers' sites match and S3 echoes them with Access-Control-Allow-Credentials: true (a credentialed wildcard)",
		"fix the registrable domain and keep the wildcard to the left of it, such as https://*.example.com"}
	checkOpenEnd = Check{"S3C106", Error, "wildcard ends the host",
		"a \"*\" after the host admits hosts such as example.com.attacker.example, which anyone can set up; S3 echoes them with Access-Control-Allow-Credentials: true (a credentialed wildcard)",
		`end the host before the "*": use https://example.com, or https://example.com:* (or list the ports) for several ports`}
	checkPlainHTTP = Check{"S3C107", Warning, "plain http:// origin",
		"pages served over plain HTTP can be altered by anyone on the network path, who can then use this rule (with credentials, since S3 echoes the origin)",
		"serve the page over HTTPS and allow https://…; http:// is fine only for localhost, 127.0.0.1 and [::1]"}
	checkNull = Check{"S3C108", Error, `"null" origin`,
		`any site can send "Origin: null" from a sandboxed iframe or a data: URL, and S3 echoes it with Access-Control-Allow-Credentials: true`,
		`remove "null"; serve local files over http://localhost instead of file://`}
	checkEmptyOrigin = Check{"S3C109", Warning, "empty AllowedOrigin",
		"browsers never send an empty Origin and S3 treats an empty one as absent, so this entry matches nothing",
		"remove it, or write the origin you meant"}
	checkNotAnOrigin = Check{"S3C110", Warning, "AllowedOrigin that no browser sends",
		"browsers send Origin as scheme://host[:port] in lower case, with no path, no trailing slash and no default port, and S3 compares it byte for byte, so this entry never matches a browser",
		"write the origin as the browser sends it, such as https://app.example.com"}
	checkAnyHeaderBroad = Check{"S3C201", Warning, `AllowedHeader "*" with an origin any site can use`,
		"any site may send any request header, including Authorization and x-amz-* headers, to this bucket",
		"list the headers your pages send, such as Content-Type and x-amz-*, or narrow the origins"}
	checkShadowed = Check{"S3C301", Warning, "rule never applies",
		"S3 uses the first rule that allows a request, and earlier rules allow every request this rule allows",
		"remove the rule, or move it before the rules that take its requests"}
	checkDuplicate = Check{"S3C302", Warning, "duplicate rule",
		"it repeats an earlier rule, which S3 always applies first, so this copy never applies",
		"remove the duplicate"}
	checkNoETag = Check{"S3C401", Info, "PUT or POST allowed without exposing ETag",
		"browser multipart uploads (such as the AWS SDK's Upload) must read each part's ETag, which scripts see only when it is exposed",
		"add <ExposeHeader>ETag</ExposeHeader> (\"ExposeHeaders\": [\"ETag\"])"}
	checkMaxAgeChromium = Check{"S3C501", Info, "MaxAgeSeconds above 7200",
		"Chromium-based browsers cache a preflight answer for at most 7200 seconds, so a longer value gives them nothing",
		"use 7200 or less, or accept the cap"}
	checkMaxAgeFirefox = Check{"S3C502", Warning, "MaxAgeSeconds above 86400",
		"Firefox caps the preflight cache at 86400 seconds and Chromium at 7200; no browser honours a longer value",
		"use at most 86400 (7200 for Chromium)"}
	checkMaxAgeNegative = Check{"S3C503", Warning, "negative MaxAgeSeconds",
		"S3 sends the negative number as Access-Control-Max-Age; browsers ignore an invalid value and cache the preflight for about 5 seconds",
		"use 0 to disable caching, or a positive number of seconds"}
)

// Checks lists every check in ID order.
var Checks = []Check{
	checkAnyOrigin, checkAnyWithOthers, checkAnyHost, checkNoDot, checkRegistrable,
	checkOpenEnd, checkPlainHTTP, checkNull, checkEmptyOrigin, checkNotAnOrigin,
	checkAnyHeaderBroad, checkShadowed, checkDuplicate, checkNoETag,
	checkMaxAgeChromium, checkMaxAgeFirefox, checkMaxAgeNegative,
}

// Finding is one problem found in a configuration.
type Finding struct {
	Check
	Rule    int     // zero-based rule index, or -1 for the whole document
	Value   *string // the value at fault, if there is one
	Detail  string  // what is wrong here, in a few words
	Message string  // Title, Detail and Why in one line
}

// Headline is the title of the finding with its detail.
func (f *Finding) Headline() string {
	if f.Detail == "" {
		return f.Title
	}
	return f.Title + ": " + f.Detail
}

func ptr(s string) *string { return &s }

// Analyse returns the findings for c, grouped by rule in document order.
// It tolerates configurations that S3 refuses, skipping values it cannot
// judge.
func Analyse(c *rule.Configuration) []Finding {
	var out []Finding
	add := func(ch Check, ruleIndex int, value *string, detail string) {
		f := Finding{Check: ch, Rule: ruleIndex, Value: value, Detail: detail}
		f.Message = f.Headline() + "; " + ch.Why
		out = append(out, f)
	}

	dups := findDuplicates(c)
	shadowed := map[int]shadowing{}
	for _, s := range findShadowed(c, dups) {
		shadowed[s.Rule] = s
	}

	for ri, r := range c.Rules {
		if i, ok := dups[ri]; ok {
			add(checkDuplicate, ri, nil, "same as "+explain.RuleLabel(c.Rules[i], i))
		}
		if s, ok := shadowed[ri]; ok {
			labels := make([]string, len(s.By))
			for k, i := range s.By {
				labels[k] = explain.RuleLabel(c.Rules[i], i)
			}
			add(checkShadowed, ri, nil, "every origin and method it allows is taken by "+explain.JoinAnd(labels))
		}

		hasAny := hasString(r.AllowedOrigins, "*")
		broadOrigin := hasAny
		if hasAny {
			add(checkAnyOrigin, ri, ptr("*"), "")
			var others []string
			for _, o := range r.AllowedOrigins {
				if o != "*" {
					others = append(others, strconv.Quote(o))
				}
			}
			if len(others) > 0 {
				add(checkAnyWithOthers, ri, ptr("*"), "also lists "+strings.Join(others, ", "))
			}
		} else {
			for _, o := range r.AllowedOrigins {
				v := ptr(o)
				cl := classifyOrigin(o)
				switch cl.kind {
				case originAnyHost:
					add(checkAnyHost, ri, v, fmt.Sprintf("%q admits %s", o, cl.example))
				case originNoDot:
					add(checkNoDot, ri, v, fmt.Sprintf("%q admits %s", o, cl.example))
				case originRegistrable:
					add(checkRegistrable, ri, v, fmt.Sprintf("%q admits %s", o, cl.example))
				case originOpenEnd:
					add(checkOpenEnd, ri, v, fmt.Sprintf("%q admits %s", o, cl.example))
				}
				if cl.kind.broad() || o == "null" {
					broadOrigin = true
				}
				switch {
				case o == "":
					add(checkEmptyOrigin, ri, v, "")
				case o == "null":
					add(checkNull, ri, v, "")
				case browserOriginProblem(o) != "":
					add(checkNotAnOrigin, ri, v, strconv.Quote(o)+": "+browserOriginProblem(o))
				case admitsPlainHTTP(o):
					add(checkPlainHTTP, ri, v, strconv.Quote(o))
				}
			}
		}

		if broadOrigin && hasString(r.AllowedHeaders, "*") {
			add(checkAnyHeaderBroad, ri, ptr("*"), "")
		}

		if (hasString(r.AllowedMethods, "PUT") || hasString(r.AllowedMethods, "POST")) && !hasFold(r.ExposeHeaders, "ETag") {
			add(checkNoETag, ri, nil, "")
		}

		if r.MaxAgeSeconds != nil {
			n := *r.MaxAgeSeconds
			v := ptr(strconv.Itoa(n))
			switch {
			case n < 0:
				add(checkMaxAgeNegative, ri, v, strconv.Itoa(n))
			case n > 86400:
				add(checkMaxAgeFirefox, ri, v, strconv.Itoa(n))
			case n > 7200:
				add(checkMaxAgeChromium, ri, v, strconv.Itoa(n))
			}
		}
	}
	return out
}

// hasFold reports whether ss contains s, ignoring case.
func hasFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
