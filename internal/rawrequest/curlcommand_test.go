package rawrequest

import (
	"fmt"
	"testing"
)

// FuzzParseRawRequest feeds arbitrary text to the raw request parser behind
// "explain --request": it must never panic, whatever a user pastes.
func FuzzParseRawRequest(f *testing.F) {
	f.Add([]byte("> OPTIONS /bucket/key HTTP/1.1\n> Host: s3.amazonaws.com\n> Origin: https://a.com\n> Access-Control-Request-Method: PUT\n"))
	f.Add([]byte(":method: OPTIONS\n:path: /\norigin\nhttps://a.com\n"))
	f.Add([]byte("Origin: \x00\xff\r\n\r\n< HTTP/1.1 200 OK\n* note"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err == nil && r != nil {
			r.Target()
		}
	})
}

// FuzzParseCurlCommand checks that no command line makes the curl reader
// fail other than with an error.
func FuzzParseCurlCommand(f *testing.F) {
	f.Add(`curl 'https://h.test/k' -X OPTIONS -H $'origin: https://a.test\x41' --data "a\"b" \` + "\n -I")
	f.Add(`curl "x`)
	f.Add(`curl $'`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseCurl(s)
		if err == nil && (r.Method == "" || r.Path == "") {
			t.Errorf("%q: accepted without method or URL: %+v", s, r)
		}
	})
}

func TestParseCurlCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Request
	}{
		{"chromium bash", `curl 'https://b.s3.amazonaws.com/k?x=1' \
  -X 'OPTIONS' \
  -H 'accept: */*' \
  -H 'access-control-request-headers: content-type,x-amz-checksum-crc32' \
  -H 'access-control-request-method: PUT' \
  -H 'origin: https://app.example.com' \
  -H $'user-agent: it\'s \x41' \
  --compressed`,
			Request{Method: "OPTIONS", Path: "https://b.s3.amazonaws.com/k?x=1", Host: "b.s3.amazonaws.com", Origin: "https://app.example.com", HasOrigin: true,
				RequestMethod: "PUT", RequestHeaders: []string{"content-type,x-amz-checksum-crc32"}}},
		{"data makes POST", `curl "https://h.test/x" --header "Origin: https://a.test" --data-raw '{"a":1}'`,
			Request{Method: "POST", Path: "https://h.test/x", Host: "h.test", Origin: "https://a.test", HasOrigin: true}},
		{"head and inline forms", `$ curl -I --url=https://h.test/ -HOrigin:\ https://a.test`,
			Request{Method: "HEAD", Path: "https://h.test/", Host: "h.test", Origin: "https://a.test", HasOrigin: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
	for _, bad := range []string{`curl 'https://h.test`, `curl -H`, `curl -X PUT`, `curl 'not a url'`, `curl https://h.test -H 'nocolon'`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
