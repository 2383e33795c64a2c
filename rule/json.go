package rule

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonRuleKeys are the keys of a rule object in the AWS CLI and console JSON,
// in the order they are written.
var jsonRuleKeys = []string{"ID", "AllowedHeaders", "AllowedMethods", "AllowedOrigins", "ExposeHeaders", "MaxAgeSeconds"}

func decodeJSON(doc []byte, form Form) (*Configuration, error) {
	if !utf8.Valid(doc) {
		return nil, malformed(-1, "", "", "the JSON document is not valid UTF-8")
	}
	var rules []json.RawMessage
	if form == FormJSON {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(doc, &top); err != nil {
			return nil, jsonDocumentFault(doc, err)
		}
		if k, ok := firstUnknownKey(doc, top, isTopKey); ok {
			return nil, malformed(-1, "", k, "unknown key "+strconv.Quote(k)+` at the top of the document; the AWS CLI form is {"CORSRules": [...]}`+topHint(k))
		}
		raw, ok := top["CORSRules"]
		if !ok || string(raw) == "null" {
			return nil, malformed(-1, "", "", `the document has no "CORSRules" list; write {"CORSRules": [{...}]} with at least one rule`)
		}
		if err := json.Unmarshal(raw, &rules); err != nil {
			return nil, jsonFault(-1, "CORSRules", err)
		}
	} else if err := json.Unmarshal(doc, &rules); err != nil {
		return nil, jsonDocumentFault(doc, err)
	}

	c := &Configuration{Rules: make([]Rule, 0, len(rules))}
	var faults []*Error
	for i, raw := range rules {
		r, err := decodeJSONRule(i, raw, &faults)
		if err != nil {
			return nil, err
		}
		c.Rules = append(c.Rules, r)
	}
	return c, joinFaults(faults)
}

// decodeJSONRule reads rule index from raw. It returns the faults that stop
// the reading as its error, and appends to faults those that do not (see
// Decode).
func decodeJSONRule(index int, raw json.RawMessage, faults *[]*Error) (Rule, error) {
	var r Rule
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return r, malformed(index, "", "", "rule "+strconv.Itoa(index)+" is not a JSON object")
	}
	if k, ok := firstUnknownKey(raw, fields, isRuleKey); ok {
		*faults = append(*faults, malformed(index, "", k, "unknown key "+strconv.Quote(k)+" in rule "+strconv.Itoa(index)+"; known are ID, AllowedHeaders, AllowedMethods, AllowedOrigins, ExposeHeaders and MaxAgeSeconds"+hint(k, FormJSON)))
	}
	lists := []struct {
		key string
		dst *[]string
	}{
		{"AllowedHeaders", &r.AllowedHeaders},
		{"AllowedMethods", &r.AllowedMethods},
		{"AllowedOrigins", &r.AllowedOrigins},
		{"ExposeHeaders", &r.ExposeHeaders},
	}
	for _, l := range lists {
		v, ok := fields[l.key]
		if !ok {
			continue
		}
		var values []*string
		if err := json.Unmarshal(v, &values); err != nil {
			return r, jsonFault(index, l.key, err)
		}
		if values == nil {
			continue // null: absent (D17)
		}
		// An empty list is kept as an empty, non-nil slice, so that the JSON
		// forms write it back; to S3 it means the same as an absent one (C3).
		*l.dst = make([]string, 0, len(values))
		for _, s := range values {
			if s == nil {
				return r, malformed(index, l.key, "", strconv.Quote(l.key)+" in rule "+strconv.Itoa(index)+" holds null; remove it or write a string")
			}
			*l.dst = append(*l.dst, *s)
		}
	}
	if v, ok := fields["ID"]; ok && string(v) != "null" {
		var id string
		if err := json.Unmarshal(v, &id); err != nil {
			return r, jsonFault(index, "ID", err)
		}
		r.ID = &id
	}
	if v, ok := fields["MaxAgeSeconds"]; ok && string(v) != "null" {
		text := string(bytes.TrimSpace(v))
		age, err := strconv.ParseInt(text, 10, 32)
		if err != nil {
			*faults = append(*faults, malformed(index, "MaxAgeSeconds", text, "rule "+strconv.Itoa(index)+": "+maxAgeDetail(text)))
		} else {
			n := int(age)
			r.MaxAgeSeconds = &n
		}
	}
	return r, nil
}

// jsonDocumentFault turns an error of encoding/json reading the whole
// document doc into MalformedXML, pointing at the line and column of a
// syntax error.
func jsonDocumentFault(doc []byte, err error) *Error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return jsonFault(-1, "", err)
	}
	at := int(se.Offset)
	if at > 0 && at <= len(doc) && !strings.HasPrefix(se.Error(), "unexpected end") {
		at-- // Offset counts the offending byte
	}
	at = min(max(at, 0), len(doc))
	line := 1 + bytes.Count(doc[:at], []byte("\n"))
	col := 1 + utf8.RuneCount(doc[bytes.LastIndexByte(doc[:at], '\n')+1:at])
	return malformed(-1, "", "", "the JSON is not well-formed: line "+strconv.Itoa(line)+", column "+strconv.Itoa(col)+": "+se.Error())
}

func isTopKey(k string) bool  { return k == "CORSRules" }
func isRuleKey(k string) bool { return slices.Contains(jsonRuleKeys, k) }

// firstUnknownKey returns the first key of the JSON object obj, in document
// order, for which known is false. fields is obj as json.Unmarshal decoded
// it, so obj is known to be a well-formed object; it lets a document without
// unknown keys skip the second reading of obj that finding the order takes.
//
// Ranging over fields alone would pick a different key from run to run when
// there are several unknown keys. A key that appears more than once is judged
// where it first appears; for known keys the value used is the last one, as
// json.Unmarshal into a map (and the AWS CLI's and the console's JSON
// parsers) take it, and no error is reported for the repetition.
func firstUnknownKey(obj []byte, fields map[string]json.RawMessage, known func(string) bool) (string, bool) {
	var unknown []string
	for k := range fields {
		if !known(k) {
			unknown = append(unknown, k)
		}
	}
	switch len(unknown) {
	case 0:
		return "", false
	case 1:
		return unknown[0], true
	}
	d := json.NewDecoder(bytes.NewReader(obj))
	if t, err := d.Token(); err == nil && t == json.Delim('{') {
		for d.More() {
			t, err := d.Token()
			if err != nil {
				break
			}
			// Token returns keys unescaped, as json.Unmarshal does.
			if k, ok := t.(string); ok && !known(k) {
				return k, true
			}
			var skip json.RawMessage
			if err := d.Decode(&skip); err != nil {
				break
			}
		}
	}
	// Not reached for an object that json.Unmarshal accepted; stay
	// deterministic all the same.
	return slices.Min(unknown), true
}

// jsonFault turns an encoding/json error into MalformedXML with a detail
// that points at the fault.
func jsonFault(index int, key string, err error) *Error {
	where := "the JSON document"
	if key != "" {
		where = strconv.Quote(key)
	}
	if index >= 0 {
		where += " in rule " + strconv.Itoa(index)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return malformed(index, key, "", where+" is JSON that is not well-formed: "+se.Error())
	case errors.As(err, &te):
		want := "a list of strings"
		if key == "ID" {
			want = "a string"
		} else if key == "" || key == "CORSRules" {
			want = "a list of rule objects"
		}
		return malformed(index, key, "", where+" holds a JSON "+te.Value+" where "+want+" belongs")
	}
	return malformed(index, key, "", where+": "+err.Error())
}

func topHint(key string) string {
	switch key {
	case "CORSConfiguration":
		return `; this looks like the whole put-bucket-cors input: use the object inside "CORSConfiguration"`
	case "Bucket":
		return `; pass only the configuration, not the request's bucket name`
	case "CorsRules", "corsRules", "CORSRule", "Rules":
		return `; the key is spelled "CORSRules"`
	}
	return ""
}

// jsonRule fixes the key order of a rule object in JSON output. A nil list
// is omitted; an empty one is written as [].
type jsonRule struct {
	ID             *string   `json:"ID,omitempty"`
	AllowedHeaders *[]string `json:"AllowedHeaders,omitempty"`
	AllowedMethods *[]string `json:"AllowedMethods,omitempty"`
	AllowedOrigins *[]string `json:"AllowedOrigins,omitempty"`
	ExposeHeaders  *[]string `json:"ExposeHeaders,omitempty"`
	MaxAgeSeconds  *int      `json:"MaxAgeSeconds,omitempty"`
}

// present returns a pointer to l, or nil for a nil l (an absent list).
func present(l []string) *[]string {
	if l == nil {
		return nil
	}
	return &l
}

// encodeJSON writes c as AWS CLI or console JSON, indented by four spaces,
// with absent members omitted and empty lists kept, ending in a newline.
func (c *Configuration) encodeJSON(f Form) []byte {
	rules := make([]jsonRule, len(c.Rules))
	for i, r := range c.Rules {
		rules[i] = jsonRule{
			ID:             r.ID,
			AllowedHeaders: present(r.AllowedHeaders),
			AllowedMethods: present(r.AllowedMethods),
			AllowedOrigins: present(r.AllowedOrigins),
			ExposeHeaders:  present(r.ExposeHeaders),
			MaxAgeSeconds:  r.MaxAgeSeconds,
		}
	}
	var v any = rules
	if f == FormJSON {
		v = struct {
			CORSRules []jsonRule `json:"CORSRules"`
		}{rules}
	}
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	e.SetIndent("", "    ")
	if err := e.Encode(v); err != nil {
		// Only strings, string slices and integers are encoded: this
		// cannot fail.
		panic("rule: encoding JSON: " + err.Error())
	}
	return b.Bytes()
}
