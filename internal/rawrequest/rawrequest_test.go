package rawrequest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3cors/s3cors/cors"
)

func TestParseRawRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		want   Request
		target cors.Target
		hasTgt bool
	}{
		{"curl", "> PUT /k HTTP/1.1\n> Host: b.s3.amazonaws.com\n> Origin: https://a.test\n> Origin: https://b.test\n>\n< HTTP/1.1 200 OK\n< Origin: https://c.test\n",
			Request{Method: "PUT", Path: "/k", Host: "b.s3.amazonaws.com", Origin: "https://a.test", HasOrigin: true}, cors.TargetObject, true},
		{"curl bucket", "> OPTIONS /?cors HTTP/1.1\r\n> Access-Control-Request-Method: GET\r\n> Access-Control-Request-Headers: a\r\n> Access-Control-Request-Headers: b\r\n",
			Request{Method: "OPTIONS", Path: "/?cors", RequestMethod: "GET", RequestHeaders: []string{"a", "b"}}, cors.TargetBucket, true},
		{"devtools pseudo-headers", ":method: OPTIONS\n:path: /bucket/key\n:authority: s3.us-east-2.amazonaws.com\norigin: https://a.test\n",
			Request{Method: "OPTIONS", Path: "/bucket/key", Host: "s3.us-east-2.amazonaws.com", Origin: "https://a.test", HasOrigin: true}, cors.TargetObject, true},
		{"path-style bucket", "OPTIONS /bucket HTTP/1.1\nHost: 127.0.0.1:9000\n",
			Request{Method: "OPTIONS", Path: "/bucket", Host: "127.0.0.1:9000"}, cors.TargetBucket, true},
		{"path-style bucket slash", "OPTIONS /bucket/?x=1 HTTP/1.1\nHost: localhost\n",
			Request{Method: "OPTIONS", Path: "/bucket/?x=1", Host: "localhost"}, cors.TargetBucket, true},
		{"virtual-hosted key", "OPTIONS /bucket HTTP/1.1\nHost: cdn.example.com\n",
			Request{Method: "OPTIONS", Path: "/bucket", Host: "cdn.example.com"}, cors.TargetObject, true},
		{"absolute URL", "OPTIONS https://s3.amazonaws.com/bucket/k HTTP/1.1\n",
			Request{Method: "OPTIONS", Path: "https://s3.amazonaws.com/bucket/k", Host: "s3.amazonaws.com"}, cors.TargetObject, true},
		{"name and value on separate lines", "Origin:\nhttps://a.test\nAccess-Control-Request-Method:\nPUT\n",
			Request{Origin: "https://a.test", HasOrigin: true, RequestMethod: "PUT"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			tgt, ok := got.Target()
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(*got)); diff != "" {
				t.Errorf("parsed request (-want +got):\n%s", diff)
			}
			if ok != tt.hasTgt || tgt != tt.target {
				t.Errorf("target %v %v, want %v %v", tgt, ok, tt.target, tt.hasTgt)
			}
		})
	}
	if _, err := Parse([]byte("\n \n")); err == nil {
		t.Error("empty input accepted")
	}
	if _, err := Parse([]byte("just some words\n")); err == nil {
		t.Error("input without a field accepted")
	}
}

// TestParseRawRequestRefuses checks what is not a request: binary data,
// text that is not UTF-8, and text with nothing explain reads.
func TestParseRawRequestRefuses(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"Origin: https://a.test\x00\n",
		"\x00\x01\x02",
		"Origin: https://a.test\nX: \xff\xfe\n",
		"Accept: */*\nUser-Agent: curl/8.5.0\n",
		"Note: hello\n",
		"> \n< HTTP/1.1 200 OK\n",
	} {
		if r, err := Parse([]byte(in)); err == nil {
			t.Errorf("%q accepted as %+v", in, r)
		}
	}
}

// TestParseRawRequestLongLine checks that a line has no limit of its own
// (the caller bounds the whole request), and that a byte order mark is
// skipped.
func TestParseRawRequestLongLine(t *testing.T) {
	t.Parallel()
	in := "\uFEFFOPTIONS /k HTTP/1.1\r\nX-Long: " + strings.Repeat("a", 2<<20) + "\r\nOrigin: https://a.test\r\n"
	got, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != "OPTIONS" || got.Origin != "https://a.test" {
		t.Errorf("got %+v", got)
	}
}
