package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// S3's limit on a configuration, and the most s3cors reads of one (the
// limit plus one byte) and of a request.
const (
	s3Limit         = 64 << 10
	maxConfigBytes  = s3Limit + 1
	maxRequestBytes = 1<<20 + 1
)

// countingReader yields size bytes of the repeated pattern and counts how
// many it gave.
type countingReader struct {
	pattern []byte
	size    int64
	read    atomic.Int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	left := r.size - r.read.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	for i := range p {
		p[i] = r.pattern[(r.read.Load()+int64(i))%int64(len(r.pattern))]
	}
	r.read.Add(int64(len(p)))
	return len(p), nil
}

// bigStdin is an 8 MiB standard input that starts like a configuration.
func bigStdin() *countingReader {
	return &countingReader{pattern: []byte("[                                                              \n"), size: 8 << 20}
}

// TestConfigReadBounded checks that every command stops reading a
// configuration from standard input one byte past S3's limit and gives S3's
// verdict.
func TestConfigReadBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{[]string{"lint", "-"}, 1, []string{"MaxMessageLengthExceeded: Your request was too big.", "the document is larger than 65536 bytes (64 KiB), the most S3 accepts: merge rules"}, nil},
		{[]string{"explain", "-", "--origin", "https://a.example"}, 1, nil, []string{"S3 would refuse the configuration in <stdin>: 400 MaxMessageLengthExceeded: Your request was too big.", "larger than 65536 bytes"}},
		{[]string{"convert", "-", "--to", "xml"}, 1, nil, []string{"400 MaxMessageLengthExceeded: Your request was too big.", "larger than 65536 bytes"}},
		{[]string{"serve", "--config", "-", "--dir", "site", "--addr", "127.0.0.1:0"}, 1, nil, []string{"400 MaxMessageLengthExceeded: Your request was too big.", "larger than 65536 bytes"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			in := bigStdin()
			s3corsReader(t, in, tt.args...).expect(t, tt.code, tt.stdout, tt.stderr)
			if n := in.read.Load(); n > maxConfigBytes {
				t.Errorf("read %d bytes of standard input, want at most %d", n, maxConfigBytes)
			}
		})
	}

	// The JSON verdict carries the same detail.
	r := s3corsReader(t, bigStdin(), "lint", "--format", "json", "-")
	var reps []lintJSON
	if err := json.Unmarshal([]byte(r.stdout), &reps); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if e := reps[0].S3.Errors; len(e) != 1 || e[0].Code != "MaxMessageLengthExceeded" || !strings.Contains(e[0].Detail, "larger than 65536 bytes") {
		t.Errorf("errors %+v", e)
	}
}

// TestConfigSizeLimit checks the edge: S3 accepts a document of exactly
// 64 KiB and refuses one of a byte more.
func TestConfigSizeLimit(t *testing.T) {
	t.Parallel()
	doc := `[{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://a.example.com"]}]`
	atLimit := doc + strings.Repeat(" ", s3Limit-len(doc))
	s3cors(t, atLimit, "lint", "-").expect(t, 0, []string{"S3 accepts this configuration"}, nil)
	s3cors(t, atLimit+" ", "lint", "-").expect(t, 1, []string{"MaxMessageLengthExceeded", "larger than 65536 bytes"}, nil)
}

// TestRequestReadBounded checks that explain stops reading --request past
// 1 MiB, and says what to do.
func TestRequestReadBounded(t *testing.T) {
	t.Parallel()
	in := &countingReader{pattern: []byte("> Origin: https://app.example.com\n"), size: 8 << 20}
	s3corsReader(t, in, "explain", "explain.json", "--request", "-").expect(t, 2, nil,
		[]string{"explain: the request in <stdin> is larger than 1 MiB, the most s3cors reads: give only the request's head", "-o /dev/null"})
	if n := in.read.Load(); n > maxRequestBytes {
		t.Errorf("read %d bytes of the request, want at most %d", n, maxRequestBytes)
	}
	// Just below the limit, the request is read.
	head := "> OPTIONS /key HTTP/1.1\n> Origin: https://app.example.com\n> Access-Control-Request-Method: PUT\n"
	body := strings.Repeat("x", 1<<20-len(head)-1) + "\n"
	s3cors(t, head+body, "explain", "explain.json", "--request", "-").expect(t, 0, []string{"Origin: https://app.example.com"}, nil)
}

// TestDevZero reads /dev/zero, endless, wherever s3cors reads a file: each
// command must stop after its limit, quickly and in little memory. It is
// not parallel so that it measures its own allocations alone.
func TestDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	// A command that reads without bound fills memory fast: stop the test
	// binary before the machine runs out.
	done := make(chan struct{})
	defer close(done)
	go func() {
		var m runtime.MemStats
		deadline := time.Now().Add(60 * time.Second)
		for {
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > 512<<20 || time.Now().After(deadline) {
				panic("s3cors reads /dev/zero without bound")
			}
		}
	}()

	tests := []struct {
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{[]string{"lint", "/dev/zero"}, 1, []string{"/dev/zero", "MaxMessageLengthExceeded: Your request was too big."}, nil},
		{[]string{"explain", "/dev/zero", "--origin", "https://a.example"}, 1, nil, []string{"MaxMessageLengthExceeded"}},
		{[]string{"convert", "/dev/zero", "--to", "json"}, 1, nil, []string{"MaxMessageLengthExceeded"}},
		{[]string{"serve", "--config", "/dev/zero", "--dir", "site", "--addr", "127.0.0.1:0"}, 1, nil, []string{"MaxMessageLengthExceeded"}},
		{[]string{"explain", "explain.json", "--request", "/dev/zero"}, 2, nil, []string{"the request in /dev/zero is larger than 1 MiB"}},
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	for _, tt := range tests {
		s3cors(t, "", tt.args...).expect(t, tt.code, tt.stdout, tt.stderr)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("reading /dev/zero five times allocated %d bytes, want a few MiB at most", alloc)
	}
	if elapsed > 10*time.Second {
		t.Errorf("reading /dev/zero five times took %v", elapsed)
	}
}

// TestStdinOnce checks that standard input may be named once.
func TestStdinOnce(t *testing.T) {
	t.Parallel()
	doc := `[{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://a.example.com"]}]`
	for _, args := range [][]string{
		{"lint", "-", "-"},
		{"lint", "clean.json", "-", "s3c101-any-origin.json", "-"},
		{"lint", "--format", "json", "-", "-", "-"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			r := s3cors(t, doc, args...)
			r.expect(t, 2, nil, []string{"lint: - (standard input) is given", "times, but standard input can be read only once: pass - once"})
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
	s3cors(t, doc, "explain", "-", "--request", "-", "--origin", "https://a.example.com").expect(t, 2, nil, []string{"cannot both come from standard input"})
	s3cors(t, doc, "convert", "-", "-", "--to", "xml").expect(t, 2, nil, []string{"one configuration file expected, got 2"})
	s3cors(t, doc, "lint", "-", "clean.json").expect(t, 0, []string{"<stdin>", "clean.json"}, nil)
}

// TestRequestNotARequest checks that explain --request refuses what is not
// a request, saying what it expected, rather than explaining a GET without
// Origin.
func TestRequestNotARequest(t *testing.T) {
	t.Parallel()
	const expected = `expected a request as "curl -v" prints it ("> OPTIONS /key HTTP/1.1", "> Origin: ..."), as browser developer tools show it ("Name: value" header lines) or copy it ("Copy as cURL": curl 'URL' -H 'Origin: ...'), saved as UTF-8 text`
	utf16 := func(s string) string {
		var b strings.Builder
		b.WriteString("\xff\xfe")
		for _, c := range s {
			b.WriteString(string(rune(c)) + "\x00")
		}
		return b.String()
	}
	tests := []struct {
		name, in, problem string
	}{
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00\nX-Id: 1\n", "it holds a NUL byte (at byte 7), so it is binary data or text saved as UTF-16, not a request"},
		{"UTF-16", utf16("OPTIONS /key HTTP/1.1\r\nOrigin: https://app.example.com\r\n"), "it holds a NUL byte (at byte 3)"},
		{"Latin-1", "Note: caf\xe9\nX-Id: 1\n", "it is not UTF-8 text, so it is binary data or text in another encoding, not a request"},
		{"no known field", "Note: this is not a request\nAccept: */*\n", `it holds no request line (such as "OPTIONS /key HTTP/1.1") and none of the headers explain reads (Origin,`},
		{"blank", "\n \n", "it holds no request line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := s3cors(t, tt.in, "explain", "explain.json", "--request", "-")
			r.expect(t, 2, nil, []string{"explain: cannot read the request in <stdin>: " + tt.problem, expected})
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
	// A byte order mark is not part of the request line.
	x := explainAsJSON(t, "\uFEFFOPTIONS / HTTP/1.1\nOrigin: https://app.example.com\nAccess-Control-Request-Method: GET\n", "explain.json", "--request", "-")
	if x.Kind != "preflight" {
		t.Errorf("kind %q, want preflight", x.Kind)
	}
}

// TestNoRawGoErrors checks that errors of the standard library reach the
// user as messages that name the problem and the fix.
func TestNoRawGoErrors(t *testing.T) {
	t.Parallel()
	// A line too long for a line scanner, within a file too large to read.
	long := "> OPTIONS /key HTTP/1.1\n> Origin: https://app.example.com\n> X-Big: " + strings.Repeat("a", 2<<20) + "\n"
	r := s3cors(t, long, "explain", "explain.json", "--request", "-")
	r.expect(t, 2, nil, []string{"the request in <stdin> is larger than 1 MiB", "give only the request's head"})
	// A folder where a file belongs.
	s3cors(t, "", "lint", "site").expect(t, 2, nil, []string{"lint: cannot read site: it is a folder: pass a configuration file"})
	s3cors(t, "", "explain", "explain.json", "--request", "site").expect(t, 2, nil, []string{"explain: cannot read the request site: it is a folder: pass the file that holds the request"})
	// A boolean flag with a value that is not one.
	r2 := s3cors(t, "", "serve", "explain.json", "--dir", "site", "--cache-safe-vary=maybe")
	r2.expect(t, 2, nil, []string{`serve: invalid boolean value "maybe" for --cache-safe-vary: "maybe" is not true or false: give the flag alone to turn it on`})
	// Standard input that cannot be read.
	s3corsReader(t, failingReader{}, "lint", "-").expect(t, 2, nil, []string{"lint: cannot read from standard input: input/output error: pipe or redirect it into s3cors"})
	for _, res := range []result{r, r2} {
		for _, raw := range []string{"bufio", "token too long", "parse error", "read site"} {
			if strings.Contains(res.stderr, raw) {
				t.Errorf("stderr has %q:\n%s", raw, res.stderr)
			}
		}
	}
}

// failingReader fails as a broken standard input does.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) {
	return 0, &os.PathError{Op: "read", Path: "/dev/stdin", Err: syscall.EIO}
}

// TestJSONNotHTMLEscaped checks that JSON output writes <, > and &
// literally.
func TestJSONNotHTMLEscaped(t *testing.T) {
	t.Parallel()
	doc := `[{"ID": "a<b>&c", "AllowedMethods": ["GET", "G&T"], "AllowedOrigins": ["https://a.example.com/<x>"]}]`
	lint := s3cors(t, doc, "lint", "--format", "json", "-")
	explain := s3cors(t, "", "explain", "explain.json", "--origin", "https://a&b.example/<c>", "--format", "json")
	convert := s3cors(t, `[{"ID": "a<b>&c", "AllowedMethods": ["GET"], "AllowedOrigins": ["https://a.example.com"]}]`, "convert", "-", "--to", "json")
	for _, c := range []struct {
		name string
		r    result
		want []string
	}{
		{"lint", lint, []string{`"file": "<stdin>"`, `"value": "G&T"`, `Unsupported method is G&T"`, `(ID \"a<b>&c\")`, `"value": "https://a.example.com/<x>"`}},
		{"explain", explain, []string{"origin `https://a&b.example/<c>` matches none of"}},
		{"convert", convert, []string{`"ID": "a<b>&c"`}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.r.stdout, w) {
				t.Errorf("%s: output lacks %s:\n%s", c.name, w, c.r.stdout)
			}
		}
		for _, esc := range []string{`\u003c`, `\u003e`, `\u0026`} {
			if strings.Contains(c.r.stdout, esc) {
				t.Errorf("%s: output has %s:\n%s", c.name, esc, c.r.stdout)
			}
		}
		if !json.Valid([]byte(c.r.stdout)) {
			t.Errorf("%s: output is not JSON:\n%s", c.name, c.r.stdout)
		}
	}
}

// TestLintJSONDetail checks that the JSON output of lint carries the detail
// of each S3 error, as the text output does.
func TestLintJSONDetail(t *testing.T) {
	t.Parallel()
	reports, _ := lintAsJSON(t, "s3-invalid-method.json")
	errs := reports[0].S3.Errors
	if len(errs) != 2 {
		t.Fatalf("errors %+v", errs)
	}
	text := s3cors(t, "", "lint", "s3-invalid-method.json").stdout
	for _, e := range errs {
		if e.Detail == "" || !strings.Contains(text, e.Detail) {
			t.Errorf("detail %q is empty or not in the text output:\n%s", e.Detail, text)
		}
	}
	if !strings.Contains(errs[0].Detail, `AllowedMethod "get"`) {
		t.Errorf("detail %q", errs[0].Detail)
	}

	r := s3cors(t, `[{"AllowedMethods": ["GET"], "AllowedOrigin": ["https://a.example.com"]}]`, "lint", "--format", "json", "-")
	var raw []lintJSON
	dec := json.NewDecoder(bytes.NewReader([]byte(r.stdout)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if e := raw[0].S3.Errors; len(e) != 1 || !strings.Contains(e[0].Detail, `did you mean "AllowedOrigins"?`) {
		t.Errorf("errors %+v", e)
	}
}
