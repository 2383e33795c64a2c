// Package vectors reads conformance vector files in the s3cors-vectors/1
// format and compares an implementation's answers with them. It serves the
// library-level runner, the middleware's runner and HTTP-level runners.
//
// Identifiers such as P5, H7 or D13 in this package's documentation name
// the behaviours of Amazon S3 described, with their evidence, in
// docs/behaviour.md in the repository.
package vectors

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// Format is the value of a vector file's "format" key.
const Format = "s3cors-vectors/1"

// Kinds of vector.
const (
	KindRequest          = "request"
	KindPutBucketCors    = "put_bucket_cors"
	KindGetBucketCors    = "get_bucket_cors"
	KindDeleteBucketCors = "delete_bucket_cors"
)

// File is one vector file.
type File struct {
	Path    string   `json:"-"`
	Format  string   `json:"format"`
	Vectors []Vector `json:"vectors"`
}

// Vector is one observable S3 behaviour.
type Vector struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Spec     []string `json:"spec"`
	Notes    string   `json:"notes"`
	Bucket   *Bucket  `json:"bucket"`
	Request  *Request `json:"request"`
	Document *string  `json:"document"`
	Expect   Expect   `json:"expect"`
}

// Bucket is the state of the bucket before the operation.
type Bucket struct {
	Exists *bool           `json:"exists"`
	CORS   json.RawMessage `json:"cors"`
}

// Request is the request of a vector of kind "request".
type Request struct {
	Method  string                 `json:"method"`
	Target  string                 `json:"target"`
	Headers map[string]HeaderLines `json:"headers"`
}

// HeaderLines is a header's value: one line, or several.
type HeaderLines []string

// UnmarshalJSON accepts a string or a list of strings.
func (h *HeaderLines) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*h = HeaderLines{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("header value must be a string or a list of strings: %s", b)
	}
	*h = many
	return nil
}

// Expect is what S3 answers.
type Expect struct {
	Status  *int              `json:"status"`
	Headers map[string]string `json:"headers"`
	Absent  []string          `json:"absent"`
	Error   *Error            `json:"error"`
	CORS    json.RawMessage   `json:"cors"`
}

// Error is an S3 error document's fields.
type Error struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Method       string `json:"method,omitempty"`
	ResourceType string `json:"resource_type,omitempty"`
	BucketName   string `json:"bucket_name,omitempty"`
}

// Load reads every *.json file of dir, strictly: unknown keys, an unknown
// format, kind or target, duplicate names and keys that do not belong to the
// vector's kind are errors.
func Load(dir string) ([]File, error) {
	files, err := LoadFS(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	for i := range files {
		files[i].Path = filepath.Join(dir, files[i].Path)
	}
	return files, nil
}

// LoadFS reads every *.json file at the root of fsys, strictly (see Load).
// Each File's Path is its name in fsys.
func LoadFS(fsys fs.FS) ([]File, error) {
	paths, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, errors.New("no vector files")
	}
	var files []File
	for _, p := range paths {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		f, err := parseFile(p, b)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// LoadFile reads one vector file strictly (see Load).
func LoadFile(path string) (File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return File{}, err
	}
	return parseFile(path, b)
}

// parseFile decodes the vector file b, named path in errors.
func parseFile(path string, b []byte) (File, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var f File
	if err := d.Decode(&f); err != nil {
		return File{}, fmt.Errorf("%s: %w", path, err)
	}
	f.Path = path
	if f.Format != Format {
		return File{}, fmt.Errorf("%s: format %q, want %q", path, f.Format, Format)
	}
	names := map[string]bool{}
	for _, v := range f.Vectors {
		if err := v.check(); err != nil {
			return File{}, fmt.Errorf("%s: vector %q: %w", path, v.Name, err)
		}
		if names[v.Name] {
			return File{}, fmt.Errorf("%s: duplicate vector name %q", path, v.Name)
		}
		names[v.Name] = true
	}
	return f, nil
}

func (v *Vector) check() error {
	if v.Name == "" {
		return errors.New("no name")
	}
	switch v.Kind {
	case KindRequest:
		if v.Request == nil {
			return errors.New("kind request without request")
		}
		if v.Request.Target != "object" && v.Request.Target != "bucket" {
			return fmt.Errorf("target %q, want object or bucket", v.Request.Target)
		}
		if v.Request.Method != http.MethodOptions && v.Expect.Status != nil {
			return errors.New("expect.status given for a non-OPTIONS request")
		}
	case KindPutBucketCors:
		if v.Document == nil {
			return errors.New("kind put_bucket_cors without document")
		}
	case KindGetBucketCors, KindDeleteBucketCors:
	default:
		return fmt.Errorf("unknown kind %q", v.Kind)
	}
	if v.Kind != KindRequest && v.Request != nil {
		return errors.New("request given for kind " + v.Kind)
	}
	if v.Kind != KindPutBucketCors && v.Document != nil {
		return errors.New("document given for kind " + v.Kind)
	}
	return nil
}

// BucketExists reports whether the bucket exists before the operation.
func (v *Vector) BucketExists() bool {
	return v.Bucket == nil || v.Bucket.Exists == nil || *v.Bucket.Exists
}

// Configuration returns the bucket's configuration before the operation, or
// nil when it has none.
func (v *Vector) Configuration() (*rule.Configuration, error) {
	if v.Bucket == nil {
		return nil, nil
	}
	return parseConfig(v.Bucket.CORS)
}

// ExpectedConfiguration returns expect.cors, or nil when not given.
func (v *Vector) ExpectedConfiguration() (*rule.Configuration, error) {
	return parseConfig(v.Expect.CORS)
}

func parseConfig(raw json.RawMessage) (*rule.Configuration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	return rule.Parse(raw)
}

// Response is an answer to compare with a vector's expectations.
type Response struct {
	Status int
	Header http.Header
	Body   []byte

	// Wire reports that the answer came from a server, as S3's does: its
	// error documents must be in S3's exact form, with RequestId and
	// HostId repeating the x-amz-request-id and x-amz-id-2 headers (E1).
	Wire bool
	// ProtoMajor is the HTTP major version of a Wire answer. Over HTTP/2
	// and later no answer has a Connection field (D13), so expectations of
	// one are not checked.
	ProtoMajor int
	// Bucket is the bucket the request named; an error about the bucket
	// (NoSuchBucket, NoSuchCORSConfiguration) must name it in BucketName
	// (G3).
	Bucket string
}

// CheckResponse compares r with the expectations of a request vector and
// returns one line per difference. The status is compared only when the
// vector gives one (OPTIONS requests).
func (v *Vector) CheckResponse(r Response) []string {
	var diffs []string
	e := v.Expect
	if e.Status != nil && r.Status != *e.Status {
		diffs = append(diffs, fmt.Sprintf("status %d, want %d", r.Status, *e.Status))
	}
	for _, name := range sortedKeys(e.Headers) {
		want := e.Headers[name]
		if r.ProtoMajor >= 2 && http.CanonicalHeaderKey(name) == "Connection" {
			continue // D13: HTTP/2 has no Connection field
		}
		got, ok := r.Header[http.CanonicalHeaderKey(name)]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("header %s missing, want %q", name, want))
		case strings.Join(got, ", ") != want:
			diffs = append(diffs, fmt.Sprintf("header %s = %q, want %q", name, strings.Join(got, ", "), want))
		}
	}
	for _, name := range e.Absent {
		if got, ok := r.Header[http.CanonicalHeaderKey(name)]; ok {
			diffs = append(diffs, fmt.Sprintf("header %s = %q, want it absent", name, strings.Join(got, ", ")))
		}
	}
	if e.Error != nil {
		diffs = append(diffs, e.Error.compare(r)...)
	}
	return diffs
}

// errorPrefix starts every S3 error document (E1).
const errorPrefix = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error>"

// compare checks the XML error body of r against e.
func (e *Error) compare(r Response) []string {
	body := r.Body
	var got struct {
		XMLName                                         xml.Name `xml:"Error"`
		Code, Message, Method, ResourceType, BucketName string
		RequestID                                       string `xml:"RequestId"`
		HostID                                          string `xml:"HostId"`
	}
	if err := xml.Unmarshal(body, &got); err != nil {
		return []string{fmt.Sprintf("error body is not an XML error document (%v): %q", err, body)}
	}
	var diffs []string
	if r.Wire {
		if !bytes.HasPrefix(body, []byte(errorPrefix)) || !bytes.HasSuffix(body, []byte("</Error>")) {
			diffs = append(diffs, fmt.Sprintf("error body is not in S3's form (the XML declaration, a newline, one <Error> element and nothing else): %q", body))
		}
		for _, id := range []struct{ element, header, got string }{
			{"RequestId", "X-Amz-Request-Id", got.RequestID},
			{"HostId", "X-Amz-Id-2", got.HostID},
		} {
			if want := r.Header.Get(id.header); want == "" || id.got != want {
				diffs = append(diffs, fmt.Sprintf("error %s = %q, want the %s header, %q", id.element, id.got, id.header, want))
			}
		}
		if r.Bucket != "" && (got.Code == "NoSuchBucket" || got.Code == "NoSuchCORSConfiguration") && got.BucketName != r.Bucket {
			diffs = append(diffs, fmt.Sprintf("error bucket_name = %q, want %q", got.BucketName, r.Bucket))
		}
	}
	check := func(field, got, want string) {
		if want != "" && got != want {
			diffs = append(diffs, fmt.Sprintf("error %s = %q, want %q", field, got, want))
		}
	}
	check("code", got.Code, e.Code)
	check("message", got.Message, e.Message)
	check("method", got.Method, e.Method)
	check("resource_type", got.ResourceType, e.ResourceType)
	check("bucket_name", got.BucketName, e.BucketName)
	return diffs
}

// CheckError compares a refused configuration's code, message and status
// with expect.error and expect.status.
func (v *Vector) CheckError(code, message string, status int) []string {
	var diffs []string
	e := v.Expect
	if e.Error == nil {
		return []string{fmt.Sprintf("got error %s %q, want success", code, message)}
	}
	if code != e.Error.Code {
		diffs = append(diffs, fmt.Sprintf("error code %q, want %q", code, e.Error.Code))
	}
	if message != e.Error.Message {
		diffs = append(diffs, fmt.Sprintf("error message %q, want %q", message, e.Error.Message))
	}
	if e.Status != nil && status != *e.Status {
		diffs = append(diffs, fmt.Sprintf("status %d, want %d", status, *e.Status))
	}
	return diffs
}

// CheckConfiguration compares a configuration read back with expect.cors.
func (v *Vector) CheckConfiguration(got *rule.Configuration) []string {
	want, err := v.ExpectedConfiguration()
	if err != nil {
		return []string{"expect.cors is not a valid configuration: " + err.Error()}
	}
	if want == nil || reflect.DeepEqual(got, want) {
		return nil
	}
	gotJSON, _ := got.Encode(rule.FormJSON) // FormJSON never fails
	wantJSON, _ := want.Encode(rule.FormJSON)
	return []string{fmt.Sprintf("configuration read back\n%s\nwant\n%s", gotJSON, wantJSON)}
}

// Tally counts outcomes and prints the closing line the format prescribes.
type Tally struct{ Passed, Failed, Skipped int }

// String returns "vectors: N passed, N failed, N skipped".
func (t Tally) String() string {
	return fmt.Sprintf("vectors: %d passed, %d failed, %d skipped", t.Passed, t.Failed, t.Skipped)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Policy returns the bucket's policy before the operation: MissingBucket
// when it does not exist, nil when it has no configuration, else the
// compiled configuration.
func (v *Vector) Policy() (*cors.Policy, error) {
	if !v.BucketExists() {
		return cors.MissingBucket(), nil
	}
	c, err := v.Configuration()
	if err != nil || c == nil {
		return nil, err
	}
	return cors.Compile(c)
}

// Header returns the request's header fields, a list value giving several
// lines.
func (r *Request) Header() http.Header {
	h := http.Header{}
	for name, lines := range r.Headers {
		for _, l := range lines {
			h.Add(name, l)
		}
	}
	return h
}
