package sigv4

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A policy is a parsed POST policy:
//
//	{"expiration": "2026-05-01T12:00:00Z", "conditions": [{"bucket": "b"}, ["starts-with", "$key", "user/"], ["content-length-range", 0, 1024]]}
type policy struct {
	expiration time.Time
	conditions []condition
	lengths    lengthRange // the content-length-range conditions, intersected
}

// A condition is one condition of a policy.
type condition struct {
	op    string // "eq", "starts-with" or "content-length-range", lower case
	field string // the field's name as the policy spells it, without "$"
	value string // for eq and starts-with
	// ref reports whether field was written "$field"; a condition of an
	// array whose field lacks the "$" fails.
	ref bool
	// text is the condition as S3 repeats it when it fails, an array even
	// for {"field": "value"}.
	text string
	// min and max are the bounds of content-length-range; ok is false when
	// a bound is a string that is not a number.
	min, max int64
	ok       bool
}

// lengthRange is the range the file's size must be in; max < 0 means no
// bound.
type lengthRange struct{ min, max int64 }

// policyExpirationLayout is the form of expiration S3 takes: UTC, with or
// without fractional seconds. An offset such as +02:00 is refused.
const policyExpirationLayout = "2006-01-02T15:04:05.999999999Z"

// parsePolicy decodes and parses the policy field, refusing a document S3
// refuses with InvalidPolicyDocument.
func parsePolicy(encoded string) (*policy, *Error) {
	doc, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, invalidPolicy(messagePolicyBase64)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil || top == nil {
		return nil, invalidPolicy(messagePolicyJSON)
	}
	names := make([]string, 0, len(top))
	for name := range top {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if name != "expiration" && name != "conditions" {
			return nil, invalidPolicy("Unexpected: '" + strings.ToLower(name) + "'")
		}
	}
	rawExpiration, ok := top["expiration"]
	if !ok {
		return nil, invalidPolicy(messagePolicyNoExpiration)
	}
	rawConditions, ok := top["conditions"]
	if !ok {
		return nil, invalidPolicy(messagePolicyNoConditions)
	}
	p := &policy{lengths: lengthRange{max: -1}}
	var expiration string
	if err := json.Unmarshal(rawExpiration, &expiration); err != nil {
		return nil, invalidPolicy("Invalid 'expiration' value: '" + string(rawExpiration) + "'")
	}
	if p.expiration, err = time.Parse(policyExpirationLayout, expiration); err != nil {
		return nil, invalidPolicy("Invalid 'expiration' value: '" + expiration + "'")
	}
	var items []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(rawConditions), []byte("null")) || json.Unmarshal(rawConditions, &items) != nil {
		return nil, invalidPolicy(messagePolicyConditionsList)
	}
	for _, item := range items {
		c, e := parseCondition(item)
		if e != nil {
			return nil, e
		}
		if c.op == "content-length-range" && c.ok {
			p.lengths.min = max(p.lengths.min, c.min)
			if p.lengths.max < 0 || c.max < p.lengths.max {
				p.lengths.max = c.max
			}
		}
		p.conditions = append(p.conditions, c)
	}
	return p, nil
}

// parseCondition parses {"field": "value"} or an array condition.
func parseCondition(raw json.RawMessage) (condition, *Error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return condition{}, invalidPolicy(messagePolicyJSON)
		}
		if len(m) != 1 {
			return condition{}, invalidPolicy(messageSimpleConditionCount)
		}
		for name, v := range m {
			s, e := conditionString(v, messageSimpleConditionString)
			if e != nil {
				return condition{}, e
			}
			return condition{op: "eq", field: name, value: s, ref: true,
				text: conditionText(`"eq"`, jsonString("$"+name), jsonString(s))}, nil
		}
	case len(raw) > 0 && raw[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return condition{}, invalidPolicy(messagePolicyJSON)
		}
		return parseArrayCondition(items)
	}
	return condition{}, invalidPolicy(messageConditionType)
}

func parseArrayCondition(items []json.RawMessage) (condition, *Error) {
	if len(items) == 0 {
		return condition{}, invalidPolicy(messageNoOperation)
	}
	op, e := conditionString(items[0], messagePolicyJSON)
	if e != nil {
		return condition{}, e
	}
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = compactJSON(it)
	}
	c := condition{op: strings.ToLower(op), text: conditionText(texts...)}
	switch c.op {
	case "eq", "starts-with":
		if len(items) != 3 {
			return condition{}, invalidPolicy("Invalid " + op + ": wrong number of arguments.")
		}
		name, e := conditionString(items[1], messagePolicyJSON)
		if e != nil {
			return condition{}, e
		}
		if c.value, e = conditionString(items[2], messagePolicyJSON); e != nil {
			return condition{}, e
		}
		c.field, c.ref = strings.CutPrefix(name, "$")
	case "content-length-range":
		if len(items) != 3 {
			return condition{}, invalidPolicy("Invalid " + op + ": wrong number of arguments.")
		}
		c.ok = true
		bounds := [2]*int64{&c.min, &c.max}
		for i, it := range items[1:] {
			n, ok, e := lengthBound(it)
			if e != nil {
				return condition{}, e
			}
			*bounds[i] = n
			c.ok = c.ok && ok
		}
	default:
		return condition{}, invalidPolicy("Invalid Condition: unknown operation '" + op + "'.")
	}
	return c, nil
}

// lengthBound parses a bound of content-length-range: a non-negative
// integer, or a string of one (ok is false for a string that is not).
func lengthBound(raw json.RawMessage) (n int64, ok bool, e *Error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= 0, nil
	}
	var num json.Number
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&num) != nil {
		return 0, false, invalidPolicy(messagePolicyJSON)
	}
	n, err := num.Int64()
	if err != nil {
		return 0, false, invalidPolicy(messagePolicyJSON) // a fraction, as S3 answers it
	}
	if n < 0 {
		return 0, false, invalidPolicy(messageLengthNegative)
	}
	return n, true, nil
}

// conditionString decodes a JSON string, refusing null with "Invalid JSON."
// and another type with message.
func conditionString(raw json.RawMessage, message string) (string, *Error) {
	raw = bytes.TrimSpace(raw)
	if bytes.Equal(raw, []byte("null")) {
		return "", invalidPolicy(messagePolicyJSON)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", invalidPolicy(message)
	}
	return s, nil
}

// check checks the conditions against the fields (by lower-case name) and
// the bucket of the URL. content-length-range is left to the reading of the
// file, except for a bound that is not a number, which fails here.
func (p *policy) check(bucket string, fields map[string]string) *Error {
	for _, c := range p.conditions {
		if c.op == "content-length-range" {
			if !c.ok {
				return conditionFailed(c.text)
			}
			continue
		}
		if !c.ref {
			return conditionFailed(c.text)
		}
		name := strings.ToLower(c.field)
		value, ok := fields[name]
		if name == "bucket" {
			value, ok = bucket, true
		}
		if !ok || !c.matches(name, value) {
			return conditionFailed(c.text)
		}
	}
	return nil
}

func (c condition) matches(name, value string) bool {
	if c.op == "eq" {
		return value == c.value
	}
	if name != "content-type" {
		return strings.HasPrefix(value, c.value)
	}
	for item := range strings.SplitSeq(value, ",") {
		if !strings.HasPrefix(strings.TrimSpace(item), c.value) {
			return false
		}
	}
	return true
}

// checkCovered refuses a field that no condition names. x-amz-signature,
// policy, file and x-ignore-* need none.
func (p *policy) checkCovered(fields []field) *Error {
	covered := map[string]bool{"x-amz-signature": true, "policy": true, "file": true}
	for _, c := range p.conditions {
		if c.op != "content-length-range" {
			covered[strings.ToLower(c.field)] = true
		}
	}
	var extra []string
	for _, f := range fields {
		n := strings.ToLower(f.name)
		if covered[n] || strings.HasPrefix(n, "x-ignore-") || slices.Contains(extra, f.name) {
			continue
		}
		extra = append(extra, f.name)
	}
	if len(extra) == 0 {
		return nil
	}
	return policyDenied(prefixPolicyExtraFields + strings.Join(extra, ", "))
}

// conditionText writes a condition as S3 repeats it: a JSON array with a
// space after each comma.
func conditionText(items ...string) string {
	return "[" + strings.Join(items, ", ") + "]"
}

// jsonString returns s as a JSON string, with '<', '>' and '&' as they are.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// compactJSON returns a JSON value without insignificant space; a string is
// written as jsonString writes it.
func compactJSON(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return jsonString(s)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}
