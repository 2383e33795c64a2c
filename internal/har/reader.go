// Package har reads the HAR exports of browsers' developer tools and
// explains each CORS exchange they record: whether the browser let the
// page read the response and, if not, which CORS clause refused it, or
// which failure only looks like a CORS error, with a fix. It judges under
// the bucket's configuration when it has one, else by the recorded
// responses.
package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxSize is the largest HAR file explain --har reads: 32 MiB. Browsers
// put response bodies in their exports, so a recording of a few page loads
// is easily several MiB; one larger than this is cut to the requests that
// matter.
const MaxSize = 32 << 20

// Entry is one entry of log.entries in a HAR 1.2 document (as
// Chromium's and Firefox's developer tools export it), with the parts
// explain reads.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	ResourceType    string   `json:"_resourceType"` // Chromium only
	Initiator       *struct {
		Type string `json:"type"`
	} `json:"_initiator"` // Chromium only
	Error string `json:"_error"` // why no response came: Chromium writes it in response, some exporters here
}

// failure returns why e got no response, wherever the exporter wrote it.
func (e *Entry) failure() string {
	if e.Response.Error != "" {
		return e.Response.Error
	}
	return e.Error
}

// Request is the request of an entry.
type Request struct {
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Headers []Header `json:"headers"`
	// Cookies are the cookies sent, which exporters list here as well as
	// in a Cookie header.
	Cookies []struct {
		Name string `json:"name"`
	} `json:"cookies"`
}

// Response is the response of an entry.
type Response struct {
	Status      int      `json:"status"`
	StatusText  string   `json:"statusText"`
	Headers     []Header `json:"headers"`
	RedirectURL string   `json:"redirectURL"`
	Error       string   `json:"_error"` // Chromium: why no response came
	Content     struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Encoding string `json:"encoding"`
	} `json:"content"`
}

// Header is one header field.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// get returns the first value of the named header, ignoring case, and
// whether there is one.
func get(headers []Header, name string) (string, bool) {
	for _, h := range headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// all returns every value of the named header, ignoring case.
func all(headers []Header, name string) []string {
	var values []string
	for _, h := range headers {
		if strings.EqualFold(h.Name, name) {
			values = append(values, h.Value)
		}
	}
	return values
}

// MaxEntries is the most entries explain --har reads: far more than a
// page's requests, few enough that memory stays bounded whatever the file.
const MaxEntries = 20000

// Parse reads a HAR document. The caller bounds the size of data; the
// entries are decoded one at a time, so that a file of many tiny entries
// is refused after MaxEntries of them rather than decoded whole.
func Parse(data []byte) ([]Entry, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("it is not UTF-8 text, so it is not a HAR file")
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("it is not valid JSON (at byte %d: %v), so it is not a HAR file", se.Offset, err)
		}
		return nil, fmt.Errorf("it is not valid JSON (%v), so it is not a HAR file", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var entries []Entry
	sawLog := false
	err := eachMember(dec, func(key string) error {
		if key != "log" {
			return skipValue(dec)
		}
		sawLog = true
		return eachMember(dec, func(key string) error {
			if key != "entries" {
				return skipValue(dec)
			}
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return errors.New(`"entries" is not a list`)
			}
			for dec.More() {
				if len(entries) == MaxEntries {
					return fmt.Errorf("it has more than %d entries: export only the requests that failed, or clear the network log before reproducing the failure", MaxEntries)
				}
				var e Entry
				if err := dec.Decode(&e); err != nil {
					return fmt.Errorf("entry %d is not a HAR entry: %v", len(entries), err)
				}
				entries = append(entries, e)
			}
			_, err := dec.Token() // ]
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("it is not a HAR file: %v", err)
	}
	if !sawLog {
		return nil, errors.New(`it has no "log" object, so it is not a HAR file`)
	}
	return entries, nil
}

// eachMember calls f with each key of the JSON object dec is at, with dec
// at the key's value; f must consume the value.
func eachMember(dec *json.Decoder, f func(key string) error) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return errors.New("an object was expected")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		if err := f(key); err != nil {
			return err
		}
	}
	_, err = dec.Token() // }
	return err
}

// skipValue consumes the JSON value dec is at.
func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}
