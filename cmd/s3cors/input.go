package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"

	"github.com/s3cors/s3cors/rule"
)

// Limits on what s3cors reads, so that no input, however large (or endless,
// such as /dev/zero), is read whole.
const (
	// maxConfigRead is how much of a configuration is read: S3's limit,
	// rule.MaxDocumentSize (64 KiB), plus one byte, which tells a document
	// at the limit from one beyond it. S3 refuses the latter with
	// MaxMessageLengthExceeded whatever its length, so the rest is never
	// needed.
	maxConfigRead = rule.MaxDocumentSize + 1

	// maxRequestSize is the largest request explain --request reads: 1 MiB,
	// the most a Go server (http.DefaultMaxHeaderBytes) accepts in a
	// request's head, and far more than browsers, curl or S3 send. It
	// leaves room for the response lines that "curl -v" prints after the
	// request, but not for a large response body.
	maxRequestSize = 1 << 20
)

// readLimited reads the named file, or standard input for "-", stopping
// after limit bytes.
func readLimited(e *env, name string, limit int64) ([]byte, error) {
	r := e.stdin
	if name != "-" {
		f, err := os.Open(e.path(name))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, limit))
}

// readConfig reads a configuration: the named file, or standard input for
// "-". It reads at most maxConfigRead bytes; decodeConfig and parseConfig
// turn a document of that length into S3's MaxMessageLengthExceeded.
func readConfig(e *env, name string) ([]byte, error) {
	return readLimited(e, name, maxConfigRead)
}

// decodeConfig is rule.Decode for a document read by readConfig.
func decodeConfig(doc []byte) (*rule.Configuration, error) {
	c, err := rule.Decode(doc)
	return c, cutShort(doc, err)
}

// parseConfig is rule.Parse for a document read by readConfig.
func parseConfig(doc []byte) (*rule.Configuration, error) {
	c, err := rule.Parse(doc)
	return c, cutShort(doc, err)
}

// cutShort rewrites the detail of S3's MaxMessageLengthExceeded for a
// document that readConfig stopped reading: its length is not known, only
// that it is beyond S3's limit.
func cutShort(doc []byte, err error) error {
	var re *rule.Error
	if len(doc) < maxConfigRead || !errors.As(err, &re) || re.Code != rule.CodeMaxMessageLengthExceeded {
		return err
	}
	tooBig := *re
	tooBig.Detail = "the document is larger than " + strconv.Itoa(rule.MaxDocumentSize) +
		" bytes (64 KiB), the most S3 accepts: merge rules that share methods and headers, or use wildcard origins"
	return &tooBig
}

// readFailed reports that the input name of command cmd cannot be read, and
// returns the exit code. what says what the input is, such as "the request"
// or "" for a configuration. Errors of the operating system, such as "no
// such file or directory", are kept: they say what is wrong.
func readFailed(e *env, cmd, what, name string, err error) int {
	file := "a configuration file"
	if what != "" {
		file = "the file that holds " + what
		what += " "
	}
	switch {
	case name == "-":
		fmt.Fprintf(e.stderr, "%s: cannot read %sfrom standard input: %v: pipe or redirect it into s3cors, or pass a file name instead of -\n", cmd, what, unwrapPathError(err))
	case errors.Is(err, syscall.EISDIR):
		fmt.Fprintf(e.stderr, "%s: cannot read %s%s: it is a folder: pass %s\n", cmd, what, name, file)
	default:
		fmt.Fprintf(e.stderr, "%s: cannot read %s%s: %v: check the path and permissions\n", cmd, what, name, unwrapPathError(err))
	}
	return exitUsage
}

// stdinTwice reports, for command cmd, a "-" given more than once among
// names: standard input can be read only once. It returns 0 when there is
// no such problem.
func stdinTwice(e *env, cmd string, names []string) int {
	n := 0
	for _, name := range names {
		if name == "-" {
			n++
		}
	}
	if n < 2 {
		return 0
	}
	return usageError(e, cmd, fmt.Sprintf("- (standard input) is given %d times, but standard input can be read only once", n),
		"pass - once, and the other configurations as files")
}

// writeJSON writes v as indented JSON followed by a newline. "<", ">" and
// "&" are written as they are: the output is not meant for HTML.
func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v) // the values written are plain data, which always encode
}
