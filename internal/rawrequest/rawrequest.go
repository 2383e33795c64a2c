// Package rawrequest reads a request as people paste it: the head of a
// request as "curl -v" prints it, as browser developer tools list its
// headers, or a curl command as they copy it ("Copy as cURL"). It keeps the
// fields explain reads: the method, path, Host, Origin and the
// Access-Control-Request-* headers.
package rawrequest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/s3cors/s3cors/cors"
)

// Request is what explain takes from a request pasted from "curl -v" or
// from a browser's developer tools.
type Request struct {
	Method         string   // from the request line or ":method"; "" if none
	Path           string   // from the request line or ":path"; "" if none
	Host           string   // Host or ":authority"
	Origin         string   // the first Origin line
	HasOrigin      bool     // an Origin line was present
	RequestMethod  string   // Access-Control-Request-Method
	RequestHeaders []string // every Access-Control-Request-Headers line
}

// Parse reads a request's head as "curl -v" prints it (lines
// starting "> "; "< " response lines and "* " notes are skipped) or as
// browser developer tools list request headers ("Name: value" lines,
// HTTP/2 pseudo-headers such as ":method", or a name on one line and its
// value on the next). A request line such as "OPTIONS /key HTTP/1.1" is
// optional, but there must be one or a field that explain reads (see
// knownField): binary data, text that is not UTF-8 and text without either
// are refused. A curl command, as developer tools copy a request ("Copy as
// cURL"), is read too. The caller bounds the size of data; lines
// may be of any length within it.
func Parse(data []byte) (*Request, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, fmt.Errorf("it holds a NUL byte (at byte %d), so it is binary data or text saved as UTF-16, not a request", i)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("it is not UTF-8 text, so it is binary data or text in another encoding, not a request")
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // a byte order mark, as some editors write
	if isCurlCommand(string(data)) {
		return parseCurl(string(data))
	}

	req := &Request{}
	var lines []string
	curl := bytes.Contains(data, []byte("\n> ")) || bytes.HasPrefix(data, []byte("> "))
	for rest := string(data); rest != ""; {
		line, after, _ := strings.Cut(rest, "\n")
		rest = after
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "> "):
			line = line[2:]
		case line == ">":
			line = ""
		case strings.HasPrefix(line, "< "), strings.HasPrefix(line, "* "), line == "<":
			continue // curl's response lines and notes
		case curl:
			continue // response lines ("< "), notes ("* ") and other output
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "{") || strings.HasPrefix(line, "}") {
			continue
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return nil, errNoRequest
	}

	fields := 0
	known := false // a request line or a field that knownField names
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if req.Method == "" && fields == 0 && isRequestLine(line) {
			parts := strings.Fields(line)
			req.Method, req.Path = parts[0], parts[1]
			known = true
			continue
		}
		name, value, ok := splitField(line)
		if !ok {
			continue // a line that is neither a request line nor a field
		}
		if value == "" && i+1 < len(lines) {
			if _, _, next := splitField(lines[i+1]); !next || strings.HasPrefix(lines[i+1], "http") {
				// Developer tools sometimes show the name and the value on
				// separate lines.
				value = lines[i+1]
				i++
			}
		}
		fields++
		if knownField(name) {
			known = true
		}
		switch strings.ToLower(name) {
		case ":method":
			req.Method = value
		case ":path":
			req.Path = value
		default:
			req.addField(name, value)
		}
	}
	if !known {
		return nil, errNoRequest
	}
	return req, nil
}

// errNoRequest says that a text holds nothing explain reads.
var errNoRequest = errors.New(`it holds no request line (such as "OPTIONS /key HTTP/1.1") and none of the headers explain reads (Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Host, :method, :path, :authority)`)

// knownField reports whether explain reads the field name: every request
// has a request line or one of them (Host, or :authority in HTTP/2).
func knownField(name string) bool {
	switch strings.ToLower(name) {
	case ":method", ":path", ":authority", "host", "origin", "access-control-request-method", "access-control-request-headers":
		return true
	}
	return false
}

// isRequestLine reports whether line looks like "METHOD target HTTP/x".
func isRequestLine(line string) bool {
	parts := strings.Fields(line)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/") {
		return false
	}
	for _, c := range parts[0] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// splitField splits "Name: value" (or ":pseudo: value"). The name must be
// an HTTP token.
func splitField(line string) (name, value string, ok bool) {
	start := 0
	if strings.HasPrefix(line, ":") {
		start = 1
	}
	i := strings.IndexByte(line[start:], ':')
	if i < 0 {
		return "", "", false
	}
	i += start
	name = line[:i]
	for _, c := range name[start:] {
		if !isTokenChar(c) {
			return "", "", false
		}
	}
	if len(name) == start {
		return "", "", false
	}
	return name, strings.TrimSpace(line[i+1:]), true
}

func isTokenChar(c rune) bool {
	return c < 0x80 && (('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') || strings.ContainsRune("!#$%&'*+-.^_`|~", c))
}

// target tells whether the request's path addresses the bucket or an
// object; ok is false when there is no path. "/" is the bucket. With a
// path-style host (see pathStyleHost) the first segment is the bucket, so
// "/bucket" and "/bucket/" are the bucket and "/bucket/key" an object;
// otherwise every path other than "/" is an object.
func (r *Request) Target() (t cors.Target, ok bool) {
	if r.Path == "" {
		return 0, false
	}
	path := r.Path
	if u, err := url.Parse(path); err == nil {
		if u.Host != "" && r.Host == "" {
			r.Host = u.Host
		}
		path = u.EscapedPath()
	} else if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if path == "" || path == "/" {
		return cors.TargetBucket, true
	}
	if pathStyleHost(r.Host) {
		rest := strings.TrimPrefix(path, "/")
		if i := strings.IndexByte(rest, '/'); i < 0 || i == len(rest)-1 {
			return cors.TargetBucket, true
		}
	}
	return cors.TargetObject, true
}

// pathStyleHost reports whether requests to host name the bucket in the
// path: S3's regional and global endpoints without a bucket prefix, IP
// addresses and localhost (as S3 emulators use).
func pathStyleHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.ToLower(strings.Trim(h, "[]"))
	if h == "" {
		return false
	}
	if h == "localhost" || net.ParseIP(h) != nil {
		return true
	}
	if !strings.HasSuffix(h, ".amazonaws.com") {
		return false
	}
	first := h[:strings.IndexByte(h, '.')]
	return first == "s3" || strings.HasPrefix(first, "s3-")
}
