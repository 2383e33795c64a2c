package cors

import (
	"errors"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/internal/wildcard"
	"github.com/s3cors/s3cors/rule"
)

// Policy is a bucket's CORS configuration compiled for evaluation. Every
// answer that depends only on the configuration (joined method and expose
// lists, Max-Age, whether the origin is echoed) is computed once by
// [Compile].
//
// A Policy is immutable and safe for concurrent use. Besides the policies
// that Compile returns, three values stand for the bucket states without a
// configuration: a nil *Policy is a bucket without CORS configuration,
// [MissingBucket] a bucket that does not exist, and [Unavailable] a bucket
// whose configuration the server cannot tell at the moment.
type Policy struct {
	config  *rule.Configuration
	origins *wildcard.OriginIndex
	headers *wildcard.HeaderIndex
	methods [methodCount]wildcard.RuleSet
	rules   []compiledRule
	missing bool

	unavailable bool
}

// compiledRule holds what a rule contributes to a response.
type compiledRule struct {
	headers       *wildcard.HeaderSet // AllowedHeaders, when the rule is the only candidate and for Explain
	allowAll      bool                // AllowedOrigins contains "*": answer "*", no credentials (H1, H2, D3)
	allowMethods  string              // AllowedMethods joined with ", " (H3)
	exposeHeaders string              // ExposeHeaders joined with ", " (H5)
	hasExpose     bool                // the rule has ExposeHeader elements, even empty ones
	maxAge        string              // MaxAgeSeconds in decimal, or "" when absent (H6, D4)
}

// methodCount is the number of methods S3 allows in rules (V10).
const methodCount = 5

// methodIndex returns the position of m among the methods S3 allows, in
// the order of its documentation, or -1. The comparison is exact (M3).
func methodIndex(m string) int {
	switch m {
	case "GET":
		return 0
	case "PUT":
		return 1
	case "HEAD":
		return 2
	case "POST":
		return 3
	case "DELETE":
		return 4
	}
	return -1
}

var (
	missingBucket = &Policy{missing: true}
	unavailable   = &Policy{unavailable: true}
)

// errNilConfiguration is the error of [Compile] for a nil configuration.
var errNilConfiguration = errors.New("cors: Compile: nil configuration; to stand for a bucket without CORS configuration, use a nil *Policy")

// MissingBucket returns the policy of a bucket that does not exist. S3
// refuses preflights to such a bucket with 403 "Bucket not found" and adds
// no CORS headers to other requests.
func MissingBucket() *Policy { return missingBucket }

// Unavailable returns the policy of a bucket whose configuration the server
// cannot tell at the moment, such as while it loads its configurations
// after a start. The server then answers as S3 does when it cannot serve a
// request: 503 ServiceUnavailable with S3's XML error document, which
// clients and SDKs retry, rather than anything that would say the bucket
// has no configuration. [Policy.Evaluate] gives that answer for every
// request, preflight or not, and [Middleware] sends it, without calling
// the handler, to preflights and to requests with an Origin; a request
// without Origin is not a CORS request and reaches the handler.
func Unavailable() *Policy { return unavailable }

// Compile validates c as PutBucketCors would and compiles it. The error, if
// any, is the [*rule.Error] that S3 answers with; for a nil c it is an
// error saying so.
// The Policy keeps its own copy of c: changing c afterwards does not change
// the Policy. To stand for a bucket without configuration, use a nil
// *Policy rather than compiling anything.
func Compile(c *rule.Configuration) (*Policy, error) {
	if c == nil {
		return nil, errNilConfiguration
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.Clone()
	origins := make([][]string, len(c.Rules))
	headers := make([][]string, len(c.Rules))
	for i, r := range c.Rules {
		origins[i], headers[i] = r.AllowedOrigins, r.AllowedHeaders
	}
	originIndex, err := wildcard.NewOriginIndex(origins)
	if err != nil {
		return nil, err // unreachable: Validate checked the patterns
	}
	headerIndex, err := wildcard.NewHeaderIndex(headers)
	if err != nil {
		return nil, err // unreachable: Validate checked the patterns
	}
	p := &Policy{config: c, origins: originIndex, headers: headerIndex, rules: make([]compiledRule, len(c.Rules))}
	for i, r := range c.Rules {
		ruleHeaders, err := wildcard.NewHeaderSet(r.AllowedHeaders)
		if err != nil {
			return nil, err // unreachable: Validate checked the patterns
		}
		cr := compiledRule{
			headers:       ruleHeaders,
			allowAll:      originIndex.MatchesAll().Has(i),
			allowMethods:  strings.Join(r.AllowedMethods, ", "),
			exposeHeaders: strings.Join(r.ExposeHeaders, ", "),
			hasExpose:     len(r.ExposeHeaders) > 0,
		}
		if r.MaxAgeSeconds != nil {
			cr.maxAge = strconv.Itoa(*r.MaxAgeSeconds)
		}
		p.rules[i] = cr
		for _, m := range r.AllowedMethods {
			p.methods[methodIndex(m)].Add(i)
		}
	}
	return p, nil
}

// MustCompile is like [Compile] but panics if c is not valid. It is meant
// for configurations written in the program's source.
func MustCompile(c *rule.Configuration) *Policy {
	p, err := Compile(c)
	if err != nil {
		panic("cors: MustCompile: " + err.Error())
	}
	return p
}

// Configuration returns a copy of the configuration p was compiled from, or
// nil for a nil Policy, [MissingBucket] and [Unavailable].
func (p *Policy) Configuration() *rule.Configuration {
	if !p.enabled() {
		return nil
	}
	return p.config.Clone()
}

// enabled reports whether p is a compiled configuration, rather than a
// bucket without one (nil), a missing bucket or an unavailable one.
func (p *Policy) enabled() bool { return p != nil && !p.missing && !p.unavailable }

// isUnavailable reports whether p is [Unavailable].
func (p *Policy) isUnavailable() bool { return p != nil && p.unavailable }
