package rawrequest

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// isCurlCommand reports whether text is a curl command line, as browser
// developer tools copy a request ("Copy as cURL"), rather than the output of
// "curl -v".
func isCurlCommand(text string) bool {
	text = strings.TrimSpace(text)
	text = strings.TrimPrefix(text, "$ ")
	return strings.HasPrefix(text, "curl ") || strings.HasPrefix(text, "curl\t") || strings.HasPrefix(text, "curl \\")
}

// curlArgTaking lists the curl options that take an argument and that the
// request does not depend on; their arguments are skipped.
var curlArgTaking = map[string]bool{
	"-A": true, "--user-agent": true, "-e": true, "--referer": true,
	"-b": true, "--cookie": true, "-c": true, "--cookie-jar": true,
	"-u": true, "--user": true, "-o": true, "--output": true,
	"-x": true, "--proxy": true, "-w": true, "--write-out": true,
	"-F": true, "--form": true, "-T": true, "--upload-file": true,
	"-m": true, "--max-time": true, "--connect-timeout": true,
	"--resolve": true, "--connect-to": true, "--cacert": true, "--cert": true,
	"--key": true, "-r": true, "--range": true, "--data-urlencode": true,
}

// curlData lists the options that send a body, which makes curl's default
// method POST.
var curlData = map[string]bool{
	"-d": true, "--data": true, "--data-raw": true, "--data-binary": true,
	"--data-ascii": true, "--data-urlencode": true, "-F": true, "--form": true,
	"--json": true,
}

// parseCurl reads a curl command as browser developer tools copy it
// ("Copy as cURL", bash form): the URL, -X/--request, -H/--header, -I/--head
// and the data options, which make the method POST as in curl. Arguments may
// be quoted with '...', "..." or $'...', and lines may end with a backslash.
func parseCurl(text string) (*Request, error) {
	words, err := shellWords(strings.TrimPrefix(strings.TrimSpace(text), "$ "))
	if err != nil {
		return nil, err
	}
	if len(words) == 0 || words[0] != "curl" {
		return nil, errors.New(`it does not start with "curl"`)
	}
	req := &Request{}
	var rawURL, method string
	hasData, head := false, false
	for i := 1; i < len(words); i++ {
		w := words[i]
		next := func() (string, error) {
			if i+1 >= len(words) {
				return "", fmt.Errorf("the curl option %s has no value", w)
			}
			i++
			return words[i], nil
		}
		// "--header=value" and "-Hvalue" forms.
		name, inline, hasInline := w, "", false
		if strings.HasPrefix(w, "--") {
			if n, v, ok := strings.Cut(w, "="); ok {
				name, inline, hasInline = n, v, true
			}
		} else if strings.HasPrefix(w, "-") && len(w) > 2 && (w[1] == 'H' || w[1] == 'X' || w[1] == 'd') {
			name, inline, hasInline = w[:2], w[2:], true
		}
		value := func() (string, error) {
			if hasInline {
				return inline, nil
			}
			return next()
		}
		switch {
		case name == "-X" || name == "--request":
			v, err := value()
			if err != nil {
				return nil, err
			}
			method = v
		case name == "-H" || name == "--header":
			v, err := value()
			if err != nil {
				return nil, err
			}
			hn, hv, ok := splitField(v)
			if !ok {
				return nil, fmt.Errorf("the header %q is not \"Name: value\"", v)
			}
			req.addField(hn, hv)
		case name == "-I" || name == "--head":
			head = true
		case name == "--url":
			v, err := value()
			if err != nil {
				return nil, err
			}
			rawURL = v
		case curlData[name]:
			hasData = true
			if !hasInline {
				if _, err := next(); err != nil {
					return nil, err
				}
			}
		case curlArgTaking[name]:
			if !hasInline {
				if _, err := next(); err != nil {
					return nil, err
				}
			}
		case strings.HasPrefix(w, "-") && w != "-":
			// An option without a value, such as --compressed or -s.
		default:
			if rawURL == "" {
				rawURL = w
			}
		}
	}
	if rawURL == "" {
		return nil, errors.New("the curl command has no URL")
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("the curl command's URL %q is not an absolute URL", rawURL)
	}
	switch {
	case method != "":
	case head:
		method = "HEAD"
	case hasData:
		method = "POST"
	default:
		method = "GET"
	}
	req.Method = method
	req.Path = rawURL
	if req.Host == "" {
		req.Host = u.Host
	}
	return req, nil
}

// addField records a request header that explain reads.
func (r *Request) addField(name, value string) {
	switch strings.ToLower(name) {
	case "host", ":authority":
		if r.Host == "" {
			r.Host = value
		}
	case "origin":
		if !r.HasOrigin {
			r.Origin, r.HasOrigin = value, true
		}
	case "access-control-request-method":
		if r.RequestMethod == "" {
			r.RequestMethod = value
		}
	case "access-control-request-headers":
		r.RequestHeaders = append(r.RequestHeaders, value)
	}
}

// shellWords splits a command line as bash would, for the quoting that
// "Copy as cURL" uses: '...', "..." (with \ escaping ", \, $ and `),
// $'...' (with C escapes such as \n, \' and \xHH), backslash escapes and
// backslash-newline continuations. Expansions are not performed.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 < len(s) {
				i++
				if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
					i++
					continue
				}
				if s[i] == '\n' {
					continue // a continuation
				}
				cur.WriteByte(s[i])
				inWord = true
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("a single quote (') is not closed")
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += 1 + end
			inWord = true
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			n, err := ansiCQuoted(s[i+2:], &cur)
			if err != nil {
				return nil, err
			}
			i += 1 + n
			inWord = true
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) && strings.IndexByte("\"\\$`\n", s[j+1]) >= 0 {
					j++
					if s[j] == '\n' {
						continue
					}
				}
				cur.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, errors.New(`a double quote (") is not closed`)
			}
			i = j
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// ansiCQuoted decodes the body of a $'...' word from s, which starts after
// "$'", into b, and returns how many bytes of s it used, closing quote
// included.
func ansiCQuoted(s string, b *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			return i + 1, nil
		}
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'x':
			v, n := 0, 0
			for n < 2 && i+1 < len(s) && isHexDigit(s[i+1]) {
				v = v*16 + hexValue(s[i+1])
				i++
				n++
			}
			if n == 0 {
				b.WriteString(`\x`)
			} else {
				b.WriteByte(byte(v))
			}
		default: // \\, \', \" and anything else stand for themselves
			b.WriteByte(e)
		}
	}
	return 0, errors.New("a $'...' quote is not closed")
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	default:
		return int(c-'A') + 10
	}
}
