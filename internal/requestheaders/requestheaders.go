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
	for _, line := range lines {
		for line != "" {
			item := line
			if comma := strings.IndexByte(line, ','); comma >= 0 {
				item, line = line[:comma], line[comma+1:]
			} else {
				line = ""
			}
			if item = trimOWS(item); item == "" {
				continue
			}
			if len(res.items) == MaxRequestHeaders {
				res.items = res.items[:0]
				return false
			}
			if len(res.items) > 0 {
				res.arena.AppendString(", ")
			}
			res.arena.AppendLower(item)
			res.items = append(res.items, item) // for its length, until joined exists
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
