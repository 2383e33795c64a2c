package cors

import "strings"

// parseRequestHeaders splits the Access-Control-Request-Headers lines into
// res.items as S3 does (M5): items are separated by commas across all lines,
// trimmed of spaces and tabs, lower-cased, and empty items are dropped;
// order and duplicates are kept (D8). Items without upper-case letters are
// substrings of the request, others are built in res.arena.
//
// It reports false when the lines add up to more than
// MaxRequestHeadersLength bytes or name more than MaxRequestHeaders headers:
// then no rule allows the request. The work is thus bounded whatever the
// request holds.
func parseRequestHeaders(lines []string, res *Result) bool {
	res.items = res.items[:0]
	total := 0
	for _, line := range lines {
		total += len(line)
		if total > MaxRequestHeadersLength {
			return false
		}
	}
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
			res.items = append(res.items, lower(item, res))
		}
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

// lower returns s with ASCII letters lower-cased, without allocating when s
// has no upper-case letter.
func lower(s string, res *Result) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	res.arena.Begin(len(s))
	res.arena.AppendString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		res.arena.AppendByte(c)
	}
	return res.arena.End()
}

// joinItems returns the Access-Control-Allow-Headers value: the requested
// headers joined with ", " (H4).
func joinItems(res *Result) string {
	items := res.items
	if len(items) == 1 {
		return items[0]
	}
	n := 2 * (len(items) - 1)
	for _, it := range items {
		n += len(it)
	}
	res.arena.Begin(n)
	for i, it := range items {
		if i > 0 {
			res.arena.AppendString(", ")
		}
		res.arena.AppendString(it)
	}
	return res.arena.End()
}
