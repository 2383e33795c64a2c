package lint

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/matcher"
)

// Origin breadth: what an AllowedOrigin admits, judged against the origins a
// browser actually sends (scheme "://" host [":" port], or "null"). An
// attacker chooses the host by registering a domain, or by publishing a site
// on a shared hosting domain, so a pattern whose "*" reaches into the
// registrable domain admits sites its author does not control.

// originKind classifies an AllowedOrigin value.
type originKind int

const (
	originLiteral     originKind = iota // no wildcard
	originInvalid                       // two or more "*": S3 refuses it
	originAny                           // "*"
	originNarrow                        // the "*" stays inside one site: subdomains, ports, scheme
	originAnyHost                       // "https://*", "http://*", "https://*:8443": every host
	originNoDot                         // "https://*example.com": no dot boundary before the domain
	originRegistrable                   // "https://app.*.com", "https://*.com", "https://*.github.io"
	originOpenEnd                       // "https://example.com*", "https://example.*": any host after a prefix
)

// broad reports whether the kind admits sites the author does not control.
func (k originKind) broad() bool {
	switch k {
	case originAny, originAnyHost, originNoDot, originRegistrable, originOpenEnd:
		return true
	}
	return false
}

// originClass is the result of classifyOrigin.
type originClass struct {
	kind originKind
	// example is an origin that the pattern admits although its author
	// does not control it; set for the broad wildcard kinds.
	example string
}

// attacker is the domain used in examples of admitted origins.
const attacker = "attacker.example"

// classifyOrigin judges how much an AllowedOrigin value admits.
func classifyOrigin(p string) originClass {
	switch n := strings.Count(p, "*"); {
	case n == 0:
		return originClass{kind: originLiteral}
	case n > 1:
		return originClass{kind: originInvalid}
	case p == "*":
		return originClass{kind: originAny}
	}
	star := strings.IndexByte(p, '*')
	pre, suf := p[:star], p[star+1:]

	// scheme is what the example origin starts with; hostPre is the part
	// of the host before the "*".
	var scheme, hostPre string
	if i := strings.Index(pre, "://"); i >= 0 {
		scheme, hostPre = pre[:i+3], pre[i+3:]
		if strings.ContainsAny(hostPre, ":/") {
			return originClass{kind: originNarrow} // the "*" is in the port or path
		}
	} else if strings.Contains(suf, "://") {
		return originClass{kind: originNarrow} // the "*" is in the scheme only
	} else if strings.HasPrefix("https://", pre) {
		scheme = "https://" // the "*" covers the rest of the scheme and the host's start
	} else if strings.HasPrefix("http://", pre) {
		scheme = "http://"
	} else {
		return originClass{kind: originNarrow} // cannot match a browser origin at all
	}
	sufHost := suf
	if i := strings.IndexAny(sufHost, ":/"); i >= 0 {
		sufHost = sufHost[:i]
	}
	example := func(fill string) string { return scheme + hostPre + fill + suf }

	if hostPre == "" {
		switch {
		case sufHost == "":
			return originClass{originAnyHost, example(attacker)}
		case sufHost[0] == '.':
			if publicSuffix(sufHost) {
				return originClass{originRegistrable, example("attacker")}
			}
			return originClass{kind: originNarrow} // "https://*.example.com"
		}
		dot := strings.IndexByte(sufHost, '.')
		if dot < 0 {
			// "https://*com": every host that ends in those letters.
			return originClass{originNoDot, example("attacker.")}
		}
		if publicSuffix(sufHost[dot:]) {
			return originClass{originNoDot, example("attacker")}
		}
		return originClass{kind: originNarrow} // "https://*-app.example.com"
	}

	if sufHost == "" {
		fill := "." + attacker
		if strings.HasSuffix(hostPre, ".") {
			fill = attacker
		} else if last := hostPre[len(hostPre)-1]; !isAlnum(last) {
			fill = "x." + attacker
		}
		return originClass{originOpenEnd, example(fill)}
	}
	rest := sufHost
	if sufHost[0] != '.' {
		dot := strings.IndexByte(sufHost, '.')
		if dot < 0 {
			return originClass{originRegistrable, example("attacker")} // "*" inside the top-level domain
		}
		rest = sufHost[dot:]
	}
	if publicSuffix(rest) {
		return originClass{originRegistrable, example("attacker")}
	}
	return originClass{kind: originNarrow} // "https://app-*.example.com"
}

// secondLevel holds labels commonly used as second-level public suffixes
// under a country code, as in "co.uk" or "com.au".
var secondLevel = map[string]bool{
	"ac": true, "co": true, "com": true, "edu": true, "gob": true, "gov": true,
	"go": true, "mil": true, "ne": true, "net": true, "or": true, "org": true,
}

// sharedHosting holds domains under which anyone can publish a site, so that
// a wildcard in front of them admits strangers' sites.
var sharedHosting = map[string]bool{
	".amazonaws.com":          true,
	".s3.amazonaws.com":       true,
	".cloudfront.net":         true,
	".amplifyapp.com":         true,
	".github.io":              true,
	".gitlab.io":              true,
	".herokuapp.com":          true,
	".vercel.app":             true,
	".netlify.app":            true,
	".pages.dev":              true,
	".workers.dev":            true,
	".web.app":                true,
	".firebaseapp.com":        true,
	".appspot.com":            true,
	".azurewebsites.net":      true,
	".azurestaticapps.net":    true,
	".blob.core.windows.net":  true,
	".onrender.com":           true,
	".fly.dev":                true,
	".ngrok.io":               true,
	".ngrok-free.app":         true,
	".trycloudflare.com":      true,
	".glitch.me":              true,
	".repl.co":                true,
	".storage.googleapis.com": true,
}

// publicSuffix reports whether s, which starts with ".", looks like a domain
// under which anyone can register or publish: a top-level domain (".com"),
// a country code's common second level (".co.uk"), or a shared hosting
// domain (".github.io"). It is a heuristic, not the Public Suffix List.
func publicSuffix(s string) bool {
	if sharedHosting[strings.ToLower(s)] {
		return true
	}
	labels := strings.Split(s[1:], ".")
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	switch len(labels) {
	case 1:
		return true
	case 2:
		return secondLevel[strings.ToLower(labels[0])] && len(labels[1]) == 2
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// hostOf returns the host of the authority that starts s ("host:port",
// "[::1]:80", "host/path").
func hostOf(s string) string {
	if strings.HasPrefix(s, "[") {
		if i := strings.IndexByte(s, ']'); i >= 0 {
			return s[:i+1]
		}
		return s
	}
	if i := strings.IndexAny(s, ":/"); i >= 0 {
		return s[:i]
	}
	return s
}

// isLoopbackHost reports whether host names the local machine.
func isLoopbackHost(host string) bool {
	h := strings.ToLower(host)
	return h == "localhost" || h == "127.0.0.1" || h == "[::1]" || strings.HasSuffix(h, ".localhost")
}

// admitsPlainHTTP reports whether the AllowedOrigin p admits an http://
// origin other than the loopback ones (localhost, 127.0.0.1, [::1], any
// port). "*" is not considered here.
func admitsPlainHTTP(p string) bool {
	if p == "*" || strings.Count(p, "*") > 1 {
		return false
	}
	if !strings.Contains(p, "*") {
		return strings.HasPrefix(p, "http://") && literalOriginProblem(p) == "" &&
			!isLoopbackHost(hostOf(p[len("http://"):]))
	}
	star := strings.IndexByte(p, '*')
	pre, suf := p[:star], p[star+1:]
	var candidates []string
	switch {
	case strings.HasPrefix(pre, "http://"):
		candidates = []string{pre + "x" + suf}
	case strings.HasPrefix("http://", pre):
		if i := strings.Index(suf, "://"); i >= 0 {
			candidates = []string{"http" + suf[i:]}
		} else {
			candidates = []string{"http://x" + suf}
		}
	}
	pat, err := matcher.Origin(p)
	if err != nil {
		return false
	}
	for _, c := range candidates {
		if pat.Match(c) && !isLoopbackHost(hostOf(c[len("http://"):])) {
			return true
		}
	}
	return false
}

// browserOriginProblem says why the AllowedOrigin p can never match the
// Origin a browser sends, which is scheme "://" host [":" port] in lower
// case, with no path and without the scheme's default port; it returns ""
// when p can match one. "*", "" and "null" are judged elsewhere.
func browserOriginProblem(p string) string {
	if p == "*" || p == "" || p == "null" || strings.Count(p, "*") > 1 {
		return ""
	}
	if matchesNoBrowserOrigin(p) {
		if !strings.Contains(p, "://") && !strings.HasPrefix(p, "*") {
			return "it has no scheme"
		}
		return "it has a path or a trailing slash"
	}
	if strings.ToLower(p) != p {
		return "it has upper-case letters, and browsers send the scheme and host in lower case"
	}
	if !strings.Contains(p, "*") {
		if reason := literalOriginProblem(p); reason != "" {
			return reason
		}
		if strings.HasPrefix(p, "https://") && strings.HasSuffix(p, ":443") ||
			strings.HasPrefix(p, "http://") && strings.HasSuffix(p, ":80") {
			return "it names the default port, which browsers leave out"
		}
	}
	return ""
}

// matchesNoBrowserOrigin reports whether the AllowedOrigin p can never match
// the Origin a browser sends, scheme "://" host [":" port] with no path:
// it lacks a scheme or has a path or trailing slash. "*", "" and "null" are
// judged elsewhere.
func matchesNoBrowserOrigin(p string) bool {
	if p == "*" || p == "" || p == "null" || strings.Count(p, "*") > 1 {
		return false
	}
	star := strings.IndexByte(p, '*')
	if star < 0 {
		i := strings.Index(p, "://")
		return i <= 0 || strings.Contains(p[i+3:], "/")
	}
	pre, suf := p[:star], p[star+1:]
	if i := strings.Index(pre, "://"); i >= 0 {
		return i == 0 || strings.Contains(pre[i+3:], "/") || strings.Contains(suf, "/")
	}
	if i := strings.Index(suf, "://"); i >= 0 {
		return strings.Contains(suf[i+3:], "/")
	}
	if strings.HasPrefix("https://", pre) || strings.HasPrefix("http://", pre) {
		return strings.Contains(suf, "/")
	}
	return true
}

// literalOriginProblem says why the AllowedOrigin p, which has no "*", is
// not an origin a browser could send ("scheme://host[:port]"), or returns ""
// when it is one. Paths and missing schemes are judged by
// matchesNoBrowserOrigin.
func literalOriginProblem(p string) string {
	u, err := url.Parse(p)
	if err != nil {
		return "it is not a valid origin (" + strings.TrimPrefix(err.Error(), "parse "+strconv.Quote(p)+": ") + ")"
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "it has user information, a query or a fragment, which an origin never has"
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "its port " + port + " is outside 1 to 65535"
		}
	}
	return ""
}
