package main

import (
	"github.com/s3cors/s3cors/internal/lint"

	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binary is the s3cors command built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "s3cors-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	goTool := "go"
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			goTool = p
		}
	}
	binary = filepath.Join(dir, "s3cors")
	cmd := exec.Command(goTool, "build", "-o", binary, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building s3cors:", err)
		return 1
	}
	return m.Run()
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// result is the outcome of one run of the command.
type result struct {
	stdout, stderr string
	code           int
}

// s3cors runs the command in-process with args, in testdata, feeding it
// stdin, and returns its output and exit code. Colour is off, and stdout is
// not a terminal.
func s3cors(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return s3corsReader(t, strings.NewReader(stdin), args...)
}

// s3corsReader is s3cors with standard input read from stdin.
func s3corsReader(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: stdin, stdout: &out, stderr: &errOut, dir: "testdata"}
	code := run(e, args)
	return result{out.String(), errOut.String(), code}
}

// s3corsBinary runs the built binary as s3cors runs the command in-process:
// for the end-to-end tests of what only a process shows (exit status,
// streams, signals).
func s3corsBinary(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = "testdata"
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running s3cors %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{out.String(), errOut.String(), code}
}

// TestBinary runs the built binary end to end: exit codes, both streams,
// standard input, and a file path relative to the working directory.
func TestBinary(t *testing.T) {
	t.Parallel()
	s3corsBinary(t, "").expect(t, 2, nil, []string{"Usage:"})
	s3corsBinary(t, "", "version").expect(t, 0, []string{"s3cors "}, nil)
	s3corsBinary(t, "", "lint", "clean.json").expect(t, 0, []string{"clean.json"}, nil)
	s3corsBinary(t, "", "lint", "s3-invalid-method.json").expect(t, 1, nil, nil)
	doc, err := os.ReadFile("testdata/clean.json")
	if err != nil {
		t.Fatal(err)
	}
	s3corsBinary(t, string(doc), "convert", "-", "--to", "xml").expect(t, 0, []string{"<CORSConfiguration"}, nil)
	s3corsBinary(t, "", "explain", "explain.json", "--origin", "https://evil.example", "--request-method", "PUT").expect(t, 0, []string{"403 Forbidden"}, nil)
}

// expect checks the exit code and that stdout and stderr contain the given
// snippets.
func (r result) expect(t *testing.T, code int, stdout []string, stderr []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range stdout {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
	for _, s := range stderr {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	s3cors(t, "").expect(t, 2, nil, []string{"Usage:"})
	s3cors(t, "", "--help").expect(t, 0, []string{"Commands:", "lint", "explain", "convert", "serve"}, nil)
	s3cors(t, "", "help").expect(t, 0, []string{"Commands:"}, nil)
	for _, cmd := range []string{"lint", "explain", "convert", "serve", "probe", "help", "version"} {
		t.Run(cmd, func(t *testing.T) {
			want := []string{"Usage: s3cors " + cmd, "Example"}
			s3cors(t, "", "help", cmd).expect(t, 0, want, nil)
			s3cors(t, "", cmd, "-h").expect(t, 0, want, nil)
			s3cors(t, "", cmd, "--help").expect(t, 0, want, nil)
		})
	}
	r := s3cors(t, "", "help", "lint")
	for _, c := range lint.Checks {
		if !strings.Contains(r.stdout, c.ID) {
			t.Errorf("lint help does not list %s", c.ID)
		}
	}
	s3cors(t, "", "help", "nope").expect(t, 2, nil, []string{`unknown command "nope"`})
	s3cors(t, "", "frobnicate").expect(t, 2, nil, []string{`unknown command "frobnicate"`, "s3cors help"})
	s3cors(t, "", "version").expect(t, 0, []string{"s3cors "}, nil)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"lint"}, "lint: no configuration file given: pass"},
		{[]string{"lint", "--format", "yaml", "clean.json"}, `lint: invalid value "yaml" for flag --format`},
		{[]string{"lint", "--fail-on", "never", "clean.json"}, `"never" is not one of error, warning, info`},
		{[]string{"lint", "--bogus", "clean.json"}, "lint: flag provided but not defined: --bogus"},
		{[]string{"explain", "explain.json"}, "explain: --origin is required: pass the page's origin, such as --origin https://app.example.com"},
		{[]string{"explain", "--origin", "https://a.example.com"}, "explain: no configuration file given"},
		{[]string{"explain", "explain.json", "clean.json", "--origin", "x"}, "explain: one configuration file expected, got 2"},
		{[]string{"explain", "explain.json", "--origin", "x", "--target", "key"}, `"key" is not one of object, bucket`},
		{[]string{"explain", "-", "--request", "-"}, "cannot both come from standard input"},
		{[]string{"convert", "clean.json"}, "convert: --to is required: pass --to xml, --to json or --to console"},
		{[]string{"convert", "clean.json", "--to", "yaml"}, `"yaml" is not one of xml, json, console`},
		{[]string{"convert", "--to", "xml"}, "convert: no configuration file given"},
		{[]string{"serve", "--dir", "site"}, "serve: no configuration file given: pass the CORS configuration first"},
		{[]string{"serve", "a.json", "b.json", "--dir", "site"}, "serve: one configuration file expected, got 2 (a.json b.json)"},
		{[]string{"serve", "clean.json"}, "serve: --dir is required"},
		{[]string{"serve", "clean.json", "--dir", "missing-folder"}, "serve: missing-folder is not a folder"},
		{[]string{"version", "extra"}, `version: unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			s3cors(t, "", tt.args...).expect(t, 2, nil, []string{tt.stderr})
		})
	}
}

func TestUnreadableInput(t *testing.T) {
	t.Parallel()
	s3cors(t, "", "lint", "no-such-file.json").expect(t, 2, nil, []string{"lint: cannot read no-such-file.json: no such file or directory"})
	// The other files are still linted.
	s3cors(t, "", "lint", "no-such-file.json", "s3c101-any-origin.json").expect(t, 2, []string{"S3C101"}, []string{"no-such-file.json"})
	s3cors(t, "", "explain", "no-such-file.json", "--origin", "https://a.example.com").expect(t, 2, nil, []string{"explain: cannot read no-such-file.json"})
	s3cors(t, "", "convert", "no-such-file.json", "--to", "xml").expect(t, 2, nil, []string{"convert: cannot read no-such-file.json"})
	s3cors(t, "", "explain", "explain.json", "--request", "no-such-request.txt").expect(t, 2, nil, []string{"explain: cannot read the request no-such-request.txt"})
	s3cors(t, "", "serve", "no-such-file.json", "--dir", "site").expect(t, 2, nil, []string{"serve: cannot read no-such-file.json"})
}

// TestHelpPages checks the shape of every help page: short, an example
// before the flags, and the defaults of the flags that have one.
func TestHelpPages(t *testing.T) {
	t.Parallel()
	defaults := map[string][]string{
		"lint":    {"(default text)", "(default error)"},
		"explain": {"(default object)", "(default text)", "(default OPTIONS with"},
		"serve":   {"(default 127.0.0.1:8080;", "(default 100MiB)", "(default off)"},
		"probe":   {"60s;", "(default 30s)", "(default text)", "then\n                       us-east-1)"},
		"proxy":   {"(default 127.0.0.1:9100;"},
	}
	for _, cmd := range []string{"", "lint", "explain", "convert", "serve", "probe", "proxy", "help", "version"} {
		page := s3cors(t, "", "help", cmd).stdout
		if cmd == "" {
			page = s3cors(t, "", "help").stdout
		}
		if n := strings.Count(page, "\n"); n > 70 {
			t.Errorf("help %s: %d lines, want at most 70", cmd, n)
		}
		ex, flags := strings.Index(page, "Example"), strings.Index(page, "Flags:")
		if ex < 0 || flags >= 0 && flags < ex || strings.Count(page[:ex], "\n\n") > 2 {
			t.Errorf("help %s: the examples do not come first", cmd)
		}
		for _, d := range defaults[cmd] {
			if !strings.Contains(page, d) {
				t.Errorf("help %s lacks %q", cmd, d)
			}
		}
	}
}
