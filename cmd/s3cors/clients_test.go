package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/internal/clientreplay"
)

// lintClientsJSON is lint --format json with --client, decoded strictly.
type lintClientsJSON struct {
	lintJSON
	Clients []struct {
		Client   string `json:"client"`
		Origin   string `json:"origin"`
		Allowed  bool   `json:"allowed"`
		Requests []struct {
			Operation      string   `json:"operation"`
			Method         string   `json:"method"`
			Preflight      bool     `json:"preflight"`
			RequestHeaders []string `json:"requestHeaders"`
			Allowed        bool     `json:"allowed"`
			Rule           *int     `json:"rule"`
			Problems       []struct {
				Stage   string  `json:"stage"`
				Rule    *int    `json:"rule"`
				Header  *string `json:"header"`
				Message string  `json:"message"`
				Fix     string  `json:"fix"`
			} `json:"problems"`
		} `json:"requests"`
	} `json:"clients"`
}

func lintClients(t *testing.T, file string, args ...string) (lintClientsJSON, result) {
	t.Helper()
	r := s3cors(t, "", append([]string{"lint", "--format", "json", file}, args...)...)
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	var out []lintClientsJSON
	if err := dec.Decode(&out); err != nil || len(out) != 1 {
		t.Fatalf("decoding lint JSON: %v (%d reports)\n%s%s", err, len(out), r.stdout, r.stderr)
	}
	return out[0], r
}

// problems returns "client origin operation stage header rule fix" for
// every problem of the report.
func problems(rep lintClientsJSON) []string {
	var out []string
	for _, c := range rep.Clients {
		for _, rq := range c.Requests {
			for _, p := range rq.Problems {
				h, rule := "-", "-"
				if p.Header != nil {
					h = *p.Header
				}
				if p.Rule != nil {
					rule = itoa(*p.Rule)
				}
				out = append(out, strings.Join([]string{c.Client, c.Origin, rq.Operation, p.Stage, h, rule, p.Fix}, " | "))
			}
		}
	}
	return out
}

// TestClientProfiles checks the embedded recordings: every operation the
// recording covers is there, with its requests and the versions used.
func TestClientProfiles(t *testing.T) {
	t.Parallel()
	all, err := loadClients()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*clientreplay.Profile{}
	for _, p := range all {
		byName[p.Name] = p
	}
	for _, name := range []string{"put-object", "multipart", "get-object", "presigned-put", "presigned-post", "delete-object"} {
		p := byName["aws-sdk-js-v3:"+name]
		if p == nil {
			t.Errorf("no profile aws-sdk-js-v3:%s", name)
			continue
		}
		if len(p.Op.Requests) == 0 || p.Op.Title == "" {
			t.Errorf("%s: no requests or no title", p.Name)
		}
		for _, r := range p.Op.Requests {
			if r.Method == "" || r.Operation == "" || r.Preflight && (r.RequestMethod != r.Method || r.RequestHeaders == "") {
				t.Errorf("%s: incomplete request %+v", p.Name, r)
			}
		}
	}
	p := byName["aws-sdk-js-v3:multipart"]
	if p == nil || len(p.Op.NeedsExposed) != 1 || p.Op.NeedsExposed[0] != "ETag" {
		t.Errorf("multipart does not need ETag exposed: %+v", p)
	}
	var ops []string
	for _, r := range p.Op.Requests {
		ops = append(ops, r.Operation)
	}
	if diff := cmp.Diff([]string{"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}, ops); diff != "" {
		t.Errorf("multipart requests (-want +got):\n%s", diff)
	}
	for _, pkg := range []string{"@aws-sdk/client-s3", "@aws-sdk/lib-storage", "@aws-sdk/s3-request-presigner", "@aws-sdk/s3-presigned-post"} {
		if byName["aws-sdk-js-v3:put-object"].File.Packages[pkg] == "" {
			t.Errorf("no version recorded for %s", pkg)
		}
	}
	if post := byName["aws-sdk-js-v3:presigned-post"]; post.Op.Requests[0].Preflight || post.Op.Requests[0].Method != "POST" {
		t.Errorf("presigned POST: %+v, want one POST without preflight", post.Op.Requests)
	}
}

// TestLintClientAllowed replays every profile through configurations that
// allow what the SDK sends.
func TestLintClientAllowed(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"clients-sdk-ok.json", "clients-any-header.json"} {
		t.Run(file, func(t *testing.T) {
			rep, r := lintClients(t, file, "--client", "aws-sdk-js-v3:all")
			if r.code != 0 {
				t.Errorf("exit code %d, want 0\n%s", r.code, r.stderr)
			}
			if len(rep.Clients) != 6 {
				t.Fatalf("%d client reports, want 6", len(rep.Clients))
			}
			for _, c := range rep.Clients {
				if !c.Allowed || c.Origin != "https://app.example.com" || len(c.Requests) == 0 {
					t.Errorf("%s from %s: allowed %v, %d requests", c.Client, c.Origin, c.Allowed, len(c.Requests))
				}
				for _, rq := range c.Requests {
					if !rq.Allowed || rq.Rule == nil || *rq.Rule != 0 || len(rq.Problems) != 0 {
						t.Errorf("%s %s: %+v", c.Client, rq.Operation, rq)
					}
				}
			}
			if got := problems(rep); len(got) != 0 {
				t.Errorf("problems: %q", got)
			}
		})
	}
	s3cors(t, "", "lint", "clients-any-header.json", "--client", "aws-sdk-js-v3").expect(t, 0, []string{
		"  ok client aws-sdk-js-v3:multipart from https://app.example.com\n",
	}, nil)
}

// TestLintClientUploads checks that a client's name alone replays its
// uploads, what the README's "will the SDK's uploads pass?" asks, and
// that one operation is checked by its own name.
func TestLintClientUploads(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		client string
		want   []string
	}{
		{"aws-sdk-js-v3", []string{"aws-sdk-js-v3:put-object", "aws-sdk-js-v3:multipart", "aws-sdk-js-v3:presigned-put"}},
		{"aws-sdk-js-v3:delete-object", []string{"aws-sdk-js-v3:delete-object"}},
		{"presigned-post", []string{"aws-sdk-js-v3:presigned-post"}},
	} {
		rep, _ := lintClients(t, "clients-sdk-ok.json", "--client", tt.client)
		var got []string
		for _, c := range rep.Clients {
			got = append(got, c.Client)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("--client %s (-want +got):\n%s", tt.client, diff)
		}
	}
	s3cors(t, "", "lint", "--client", "list").expect(t, 0, []string{
		"--client aws-sdk-js-v3 checks the operations marked *",
		"* aws-sdk-js-v3:put-object ",
		"  aws-sdk-js-v3:delete-object ",
	}, nil)
}

func TestLintClientMissingHeaders(t *testing.T) {
	t.Parallel()
	rep, r := lintClients(t, "clients-no-checksum.json", "--client", "put-object,multipart", "--client", "get-object")
	if r.code != 1 {
		t.Errorf("exit code %d, want 1", r.code)
	}
	want := []string{
		`aws-sdk-js-v3:put-object | https://app.example.com | PutObject | preflight | x-amz-checksum-crc32 | 0 | add "x-amz-checksum-crc32" and "x-amz-sdk-checksum-algorithm" to AllowedHeaders of rule 0 (ID "sdk")`,
		`aws-sdk-js-v3:multipart | https://app.example.com | CreateMultipartUpload | preflight | x-amz-checksum-algorithm | 0 | add "x-amz-checksum-algorithm" to AllowedHeaders of rule 0 (ID "sdk")`,
		`aws-sdk-js-v3:multipart | https://app.example.com | UploadPart | preflight | x-amz-checksum-crc32 | 0 | add "x-amz-checksum-crc32" and "x-amz-sdk-checksum-algorithm" to AllowedHeaders of rule 0 (ID "sdk")`,
		`aws-sdk-js-v3:get-object | https://app.example.com | GetObject | preflight | x-amz-checksum-mode | 0 | add "x-amz-checksum-mode" to AllowedHeaders of rule 0 (ID "sdk")`,
	}
	if diff := cmp.Diff(want, problems(rep)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	msg := rep.Clients[0].Requests[0].Problems[0].Message
	for _, s := range []string{"the preflight of PutObject", `rule 0 (ID "sdk"): header not allowed (x-amz-checksum-crc32)`, "403 AccessForbidden"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message lacks %q: %s", s, msg)
		}
	}

	// Without the amz-sdk-* headers either, the fix names them all.
	rep, _ = lintClients(t, "clients-no-sdk-headers.json", "--client", "aws-sdk-js-v3:delete-object")
	want = []string{
		`aws-sdk-js-v3:delete-object | https://app.example.com | DeleteObject | preflight | amz-sdk-invocation-id | 0 | add "amz-sdk-invocation-id" and "amz-sdk-request" to AllowedHeaders of rule 0 (ID "sdk")`,
	}
	if diff := cmp.Diff(want, problems(rep)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}

	s3cors(t, "", "lint", "clients-no-checksum.json", "--client", "put-object").expect(t, 1, []string{
		"  refused client aws-sdk-js-v3:put-object from https://app.example.com\n",
		`header not allowed (x-amz-checksum-crc32)`,
		`                   fix: add "x-amz-checksum-crc32" and "x-amz-sdk-checksum-algorithm" to AllowedHeaders of rule 0 (ID "sdk")` + "\n",
	}, nil)
}

func TestLintClientNoETag(t *testing.T) {
	t.Parallel()
	rep, r := lintClients(t, "clients-no-etag.json", "--client", "aws-sdk-js-v3")
	if r.code != 1 {
		t.Errorf("exit code %d, want 1", r.code)
	}
	want := []string{
		`aws-sdk-js-v3:multipart | https://app.example.com | UploadPart | expose | ETag | 0 | add "ETag" to ExposeHeaders of rule 0 (ID "sdk")`,
	}
	if diff := cmp.Diff(want, problems(rep)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	s3cors(t, "", "lint", "clients-no-etag.json", "--client", "multipart").expect(t, 1, []string{
		`does not expose ETag`, "Part 1 is missing ETag in UploadPart response",
		`fix: add "ETag" to ExposeHeaders of rule 0 (ID "sdk")`,
	}, nil)
}

// TestLintClientOrigins checks the origins tried: those of the
// configuration, with a placeholder for a wildcard, or those of --origin.
func TestLintClientOrigins(t *testing.T) {
	t.Parallel()
	rep, r := lintClients(t, "clients-any-header.json", "--client", "get-object", "--origin", "https://evil.example.net")
	if r.code != 1 || len(rep.Clients) != 1 {
		t.Fatalf("exit code %d, %d reports", r.code, len(rep.Clients))
	}
	want := []string{
		`aws-sdk-js-v3:get-object | https://evil.example.net | GetObject | preflight | - | 0 | add "https://evil.example.net" to AllowedOrigins of rule 0 (ID "sdk")`,
	}
	if diff := cmp.Diff(want, problems(rep)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}

	for _, tt := range []struct{ pattern, want string }{
		{"https://app.example.com", "https://app.example.com"},
		{"https://*.example.com", "https://app.example.com"},
		{"http://localhost:*", "http://localhost:8080"},
		{"*", "https://app.example.com"},
		{"", ""},
	} {
		if got := clientreplay.PlaceholderOrigin(tt.pattern); got != tt.want {
			t.Errorf("clientreplay.PlaceholderOrigin(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

func TestLintClientUsage(t *testing.T) {
	t.Parallel()
	s3cors(t, "", "lint", "--client", "list").expect(t, 0, []string{
		"aws-sdk-js-v3: AWS SDK for JavaScript v3", "@aws-sdk/client-s3 3.", "aws-sdk-js-v3:multipart ", "aws-sdk-js-v3:presigned-post ",
	}, nil)
	s3cors(t, "", "lint", "clean.json", "--client", "nope").expect(t, 2, nil, []string{
		`lint: --client: unknown client "nope": use one of aws-sdk-js-v3:put-object, aws-sdk-js-v3:multipart`,
	})
	s3cors(t, "", "lint", "clean.json", "--origin", "https://a.example.com").expect(t, 2, nil, []string{"--origin is only used with --client"})
	// S3 refuses the configuration: no client check.
	rep, r := lintClients(t, "s3-invalid-method.json", "--client", "put-object")
	if r.code != 1 || rep.Clients == nil || len(rep.Clients) != 0 {
		t.Errorf("exit code %d, clients %v; want 1 and []", r.code, rep.Clients)
	}
	s3cors(t, "", "lint", "s3-invalid-method.json", "--client", "put-object").expect(t, 1, []string{"client profiles not checked: S3 refuses this configuration"}, nil)
}
