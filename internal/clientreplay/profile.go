// Package clientreplay replays recorded client profiles through a CORS
// configuration: what a real S3 client, such as the AWS SDK for JavaScript
// v3, sends from a browser for each operation (every request, whether the
// browser preflighted it and with which Access-Control-Request-Method and
// -Headers, and the response headers the operation cannot do without). It
// reports the requests the configuration refuses, with the same engine as
// explain, and the smallest change to a rule that allows them.
//
// The profiles are in the format of package clientprofile; the AWS SDK's
// are recorded in headless Chromium against the S3 emulator of the
// examples.
package clientreplay

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/s3cors/s3cors/internal/clientprofile"
)

// Profile is one operation of a client, as lint --client names it:
// "aws-sdk-js-v3:put-object".
type Profile struct {
	Name string
	File *clientprofile.File
	Op   *clientprofile.Operation
}

// versions names the client's packages and their versions, for messages.
func (p *Profile) versions() string {
	names := make([]string, 0, len(p.File.Packages))
	for n := range p.File.Packages {
		names = append(names, n)
	}
	slices.Sort(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, n+" "+p.File.Packages[n])
	}
	return strings.Join(parts, ", ")
}

// needsExposed returns the headers that request r of the profile must have
// exposed: those the operation cannot do without, among the headers its
// response carried during the recording.
func (p *Profile) needsExposed(r *clientprofile.Request) []string {
	var out []string
	for _, h := range p.Op.NeedsExposed {
		for _, e := range r.Exposed {
			if strings.EqualFold(h, e) {
				out = append(out, h)
				break
			}
		}
	}
	return out
}

// Load reads every profile of the JSON files in dir of fsys, in file and
// recording order.
func Load(fsys fs.FS, dir string) ([]*Profile, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []*Profile
	for _, e := range entries {
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		f := new(clientprofile.File)
		if err := json.Unmarshal(data, f); err != nil {
			return nil, fmt.Errorf("client profile %s: %v", e.Name(), err)
		}
		for i := range f.Operations {
			op := &f.Operations[i]
			op.Requests = distinctRequests(op.Requests)
			out = append(out, &Profile{Name: f.Client + ":" + op.Name, File: f, Op: op})
		}
	}
	return out, nil
}

// distinctRequests drops the requests that repeat an earlier one as far as
// CORS is concerned, such as the second UploadPart of a multipart upload.
func distinctRequests(rs []clientprofile.Request) []clientprofile.Request {
	var out []clientprofile.Request
	seen := map[string]bool{}
	for _, r := range rs {
		key := strings.Join([]string{r.Operation, r.Method, r.Target, strconv.FormatBool(r.Preflight), r.RequestMethod, r.RequestHeaders, strings.Join(r.Exposed, ",")}, "\x00")
		if !seen[key] {
			seen[key] = true
			out = append(out, r)
		}
	}
	return out
}

// uploads names, for each client, the operations that its name alone
// stands for: the uploads, which are what a bucket's CORS configuration
// most often refuses. Every operation remains available by its own name,
// and all of them as "CLIENT:all".
var uploads = map[string][]string{
	"aws-sdk-js-v3": {"put-object", "multipart", "presigned-put"},
}

// isDefault reports whether p is among the operations its client's name
// alone stands for: the uploads, or every operation of a client without a
// list.
func isDefault(p *Profile) bool {
	ops, ok := uploads[p.File.Client]
	return !ok || slices.Contains(ops, p.Op.Name)
}

// Resolve returns the profiles named by values, each a comma-separated
// list of names. A name is a profile ("aws-sdk-js-v3:put-object"), a
// client ("aws-sdk-js-v3", its uploads), a client's every operation
// ("aws-sdk-js-v3:all") or an operation ("put-object") that only one
// client has.
func Resolve(all []*Profile, values []string) ([]*Profile, error) {
	var out []*Profile
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			var match []*Profile
			for _, p := range all {
				if p.Name == name || p.File.Client+":all" == name || p.Op.Name == name || p.File.Client == name && isDefault(p) {
					match = append(match, p)
				}
			}
			clients := map[string]bool{}
			for _, p := range match {
				clients[p.File.Client] = true
			}
			switch {
			case len(match) == 0:
				return nil, fmt.Errorf("unknown client %q: use one of %s, a client's name for its uploads, or CLIENT:all for all its operations (see --client list)", name, strings.Join(names(all), ", "))
			case len(clients) > 1:
				return nil, fmt.Errorf("client %q is ambiguous: write it with the client's name, such as %s", name, match[0].Name)
			}
			for _, p := range match {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out, nil
}

// names returns the names of the profiles.
func names(all []*Profile) []string {
	out := make([]string, len(all))
	for i, p := range all {
		out[i] = p.Name
	}
	return out
}

// WriteList prints the profiles, for lint --client list: each client with
// its versions, then its operations, the uploads marked.
func WriteList(w io.Writer, all []*Profile) {
	var last *clientprofile.File
	for _, p := range all {
		if p.File != last {
			if last != nil {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s: %s\n  recorded with %s in %s\n", p.File.Client, p.File.Title, p.versions(), p.File.Browser)
			if _, ok := uploads[p.File.Client]; ok {
				fmt.Fprintf(w, "  --client %s checks the operations marked *; --client %s:all checks every one\n", p.File.Client, p.File.Client)
			}
			last = p.File
		}
		mark := " "
		if _, ok := uploads[p.File.Client]; ok && isDefault(p) {
			mark = "*"
		}
		fmt.Fprintf(w, "%s %-32s %s\n", mark, p.Name, p.Op.Title)
	}
}
