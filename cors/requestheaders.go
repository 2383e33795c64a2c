package cors

import "strings"

// parseRequestHeaders splits the Access-Control-Request-Headers lines as S3
// does (M5): items are separated by commas across all lines, trimmed of
// spaces and tabs, lower-cased, and empty items are dropped; order and
// duplicates are kept (D8). It writes the items, joined with ", ", into
// res.arena in one pass and leaves that string in res.joined and each item,
// a substring of it, in res.items: the Access-Control-Allow-Headers value
// (H4) is then ready should a rule match.
//
// It reports false when the lines add up to more than
// MaxRequestHeadersLength bytes or name more than MaxRequestHeaders headers:
// then no rule allows the request. The work is thus bounded whatever the
// request holds.
func parseRequestHeaders(lines []string, res *Result) bool {
	res.items = res.items[:0]
	res.joined = ""
	total := 0
	for _, line := range lines {
		total += len(line)
		if total > MaxRequestHeadersLength {
			return false
		}
	}
	if total == 0 {
		return true
	}
	// Each item grows by at most the two bytes of ", ".
	res.arena.Begin(total + 2*MaxRequestHeaders)
	size := 0
	for _, line := range lines {
		for line != "" {
			item := line
			if comma := strings.IndexByte(line, ','); comma >= 0 {
				item, line = line[:comma], line[comma+1:]
			} else {
				line = ""
			}
			if item = trimSpace(item); item == "" {
				continue
			}
			if len(res.items) == MaxRequestHeaders {
				res.items = res.items[:0]
				return false
			}
			if len(res.items) > 0 {
				res.arena.AppendString(", ")
				size += 2
			}
			res.arena.AppendLower(item)
			size += len(item)
			res.items = append(res.items, "")
			res.items[len(res.items)-1] = item // placeholder until the joined string exists
		}
	}
	res.joined = res.arena.End()
	// Point every item into the joined, lower-cased string.
	at := 0
	for i, item := range res.items {
		res.items[i] = res.joined[at : at+len(item)]
		at += len(item) + 2
	}
	return true
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
