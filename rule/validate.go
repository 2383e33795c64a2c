package rule

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// isMethod reports whether m is one of the values S3 accepts in
// AllowedMethod, exactly: comparison is case-sensitive (V10).
func isMethod(m string) bool {
	switch m {
	case "GET", "PUT", "HEAD", "POST", "DELETE":
		return true
	}
	return false
}

// Validate reports whether S3's PutBucketCors would accept c. It returns nil
// or the [*Error] S3 answers with: the first fault in S3's order (D24),
// which checks that each MaxAgeSeconds is a 32-bit integer (D16), then the
// document's structure (rule count, each rule's required elements, ID
// length), then the values of each rule in document order (methods,
// origins, allowed headers, expose headers). A nil c is a configuration
// without rules, which S3 refuses as MalformedXML (V5).
//
// Validate and [Parse] agree: a configuration that Validate accepts is
// written by [Configuration.Encode] in every form as a document that Parse
// reads back unchanged, as long as that document fits [MaxDocumentSize],
// which is a limit on a document's bytes rather than on its content.
func (c *Configuration) Validate() error {
	if p := c.problems(true); len(p) > 0 {
		return p[0]
	}
	return nil
}

// Problems returns every fault that S3 would find in c, in the order S3
// checks them, or nil when S3 would accept it. The first is what
// [Configuration.Validate] returns and S3 answers with; the others are what
// S3 would report one at a time after each fix. A nil c is a configuration
// without rules.
func (c *Configuration) Problems() []*Error {
	return c.problems(false)
}

func (c *Configuration) problems(first bool) []*Error {
	if c == nil {
		c = &Configuration{}
	}
	var errs []*Error
	add := func(e *Error) bool {
		errs = append(errs, e)
		return first
	}

	// Values that no document can carry to S3, in document order, as
	// reading a document finds them (D24, step 2): a MaxAgeSeconds outside
	// the 32-bit range that S3 reads (D16).
	for i := range c.Rules {
		if e := c.Rules[i].maxAgeProblem(i); e != nil {
			if add(e) {
				return errs
			}
		}
	}

	// Structure, as S3's schema validation sees it (V5, V6, V9, D5), and
	// values that no XML document can carry to S3.
	if len(c.Rules) == 0 {
		if add(malformed(-1, "", "", "the configuration has no CORSRule; add at least one rule (to remove CORS from a bucket, use DeleteBucketCors)")) {
			return errs
		}
	}
	if len(c.Rules) > maxRules {
		if add(malformed(-1, "", "", "the configuration has "+strconv.Itoa(len(c.Rules))+" rules; S3 allows at most "+strconv.Itoa(maxRules)+": merge rules that share methods and headers")) {
			return errs
		}
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		label := r.label(i)
		if len(r.AllowedOrigins) == 0 {
			if add(malformed(i, "AllowedOrigin", "", label+" has no AllowedOrigin; add at least one, such as https://www.example.com")) {
				return errs
			}
		}
		if len(r.AllowedMethods) == 0 {
			if add(malformed(i, "AllowedMethod", "", label+" has no AllowedMethod; add at least one of GET, PUT, HEAD, POST, DELETE")) {
				return errs
			}
		}
		if element, value, bad := xmlUnsafe(r); bad {
			if add(malformed(i, element, value, label+": "+element+" "+strconv.QuoteToASCII(value)+" holds a character that an XML document cannot carry (invalid UTF-8 or a control character), so S3 cannot receive it")) {
				return errs
			}
		}
		if r.ID != nil && utf8.RuneCountInString(*r.ID) > maxIDLength {
			if add(malformed(i, "ID", *r.ID, label+": the ID has "+strconv.Itoa(utf8.RuneCountInString(*r.ID))+" characters; S3 allows at most "+strconv.Itoa(maxIDLength))) {
				return errs
			}
		}
	}

	// Values, rule by rule (V10–V14).
	for i := range c.Rules {
		for _, e := range c.Rules[i].valueProblems(i) {
			if add(e) {
				return errs
			}
		}
	}
	return errs
}

// maxAgeProblem returns the fault of a MaxAgeSeconds that S3 cannot read
// as an xsd:int (V7, D16), or nil. Decode refuses such a value while
// reading; a Configuration built in code can hold it.
func (r *Rule) maxAgeProblem(i int) *Error {
	if r.MaxAgeSeconds == nil {
		return nil
	}
	age := *r.MaxAgeSeconds
	if age >= math.MinInt32 && age <= math.MaxInt32 {
		return nil
	}
	text := strconv.Itoa(age)
	return malformed(i, "MaxAgeSeconds", text, r.label(i)+": "+maxAgeDetail(text))
}

// maxAgeDetail explains a MaxAgeSeconds value that S3 cannot read (V7, D16).
func maxAgeDetail(text string) string {
	return "MaxAgeSeconds " + text + " is not an integer from -2147483648 to 2147483647; write the number of seconds, such as 3000"
}

// valueProblems returns the faults in the values of rule r (index i), in
// S3's order: methods, origins, allowed headers, expose headers.
func (r *Rule) valueProblems(i int) []*Error {
	var errs []*Error
	label := r.label(i)
	for _, m := range r.AllowedMethods {
		if !isMethod(m) {
			errs = append(errs, invalid(i, "AllowedMethod", m,
				"Found unsupported HTTP method in CORS config. Unsupported method is "+m,
				label+": AllowedMethod "+strconv.Quote(m)+" "+methodFix(m)))
		}
	}
	for _, o := range r.AllowedOrigins {
		if n := strings.Count(o, "*"); n > 1 {
			errs = append(errs, invalid(i, "AllowedOrigin", o,
				`AllowedOrigin "`+o+`" can not have more than one wildcard.`,
				label+": AllowedOrigin "+strconv.Quote(o)+" has "+strconv.Itoa(n)+` wildcards; S3 allows one "*", so list each pattern separately`))
		}
	}
	for _, h := range r.AllowedHeaders {
		if n := strings.Count(h, "*"); n > 1 {
			errs = append(errs, invalid(i, "AllowedHeader", h,
				`AllowedHeader "`+h+`" can not have more than one wildcard.`,
				label+": AllowedHeader "+strconv.Quote(h)+" has "+strconv.Itoa(n)+` wildcards; S3 allows one "*", so list each pattern separately`))
		} else if at := invalidTokenChar(h); at >= 0 {
			errs = append(errs, invalidChar(i, label, "AllowedHeader", h, at))
		}
	}
	for _, h := range r.ExposeHeaders {
		if strings.Contains(h, "*") {
			errs = append(errs, invalid(i, "ExposeHeader", h,
				`ExposeHeader "`+h+`" contains wildcard. We currently do not support wildcard for ExposeHeader.`,
				label+": ExposeHeader "+strconv.Quote(h)+` has a "*"; name each header to expose, such as ETag`))
		} else if at := invalidTokenChar(h); at >= 0 {
			errs = append(errs, invalidChar(i, label, "ExposeHeader", h, at))
		}
	}
	return errs
}

// invalidChar reports a header name with a character that is not an HTTP
// token character. S3's message says "AllowedHeader" for ExposeHeader values
// too (V14).
func invalidChar(i int, label, element, h string, at int) *Error {
	r, _ := utf8.DecodeRuneInString(h[at:])
	return invalid(i, element, h,
		`AllowedHeader "`+h+`" contains invalid character.`,
		label+": "+element+" "+strconv.Quote(h)+" contains "+strconv.QuoteRune(r)+
			" at byte "+strconv.Itoa(at)+"; a header name holds only letters, digits and !#$%&'*+-.^_`|~ (no spaces or colons)")
}

// invalidTokenChar returns the byte offset of the first character of s that
// is not an HTTP token character (RFC 9110, section 5.6.2), or -1.
func invalidTokenChar(s string) int {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return i
		}
	}
	return -1
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func methodFix(m string) string {
	if up := strings.ToUpper(strings.TrimSpace(m)); isMethod(up) {
		return "must be written exactly " + strconv.Quote(up) + ": methods are case-sensitive and take no spaces"
	}
	switch strings.ToUpper(m) {
	case "OPTIONS":
		return "is not needed: S3 answers OPTIONS preflights itself; list the methods the preflights ask for"
	case "":
		return "is empty; write one of GET, PUT, HEAD, POST, DELETE"
	}
	return "is not supported; S3 allows only GET, PUT, HEAD, POST and DELETE"
}
