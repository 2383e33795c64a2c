// Package requestheaders reads the Access-Control-Request-Headers field as
// S3 does (M5, D7, D10, D11), for the engine and for the tools that explain
// its answers, so that both see the same names.
//
// Identifiers such as P5, H7 or D13 in this package's documentation name
// the behaviours of Amazon S3 described, with their evidence, in
// docs/behaviour.md in the repository.
package requestheaders

import (
	"strings"
	"unsafe"
)

// Limits on the work spent on Access-Control-Request-Headers, which the
// client controls (D11): when its lines add up to more than MaxLength bytes,
// or name more than MaxCount headers, no rule allows the request.
const (
	MaxLength = 8 << 10
	MaxCount  = 256
)

// Join reads the names listed in Access-Control-Request-Headers
// (M5): lines are split at commas, items trimmed of spaces and tabs, empty
// items dropped, duplicates kept in request order (D10). It returns the
// names lower-cased and joined with ", ", which is S3's
// Access-Control-Allow-Headers value (H4), or "" when there are none (D7).
// ok is false when the lines exceed the limits of D11.
//
// Since a name contains no comma and does not end in white space, the
// result splits back into the same names at each ", " (see Next).
func Join(lines []string) (names string, ok bool) {
	return JoinInto(nil, lines)
}

// JoinInto is [Join] writing the names into the unused capacity of scratch
// when they fit there, which spares an allocation to a caller that
// already holds memory for the answer. scratch must not be written again
// while the result is in use, since the result shares its memory.
func JoinInto(scratch []byte, lines []string) (names string, ok bool) {
	total := 0
	for _, line := range lines {
		total += len(line)
		if total > MaxLength {
			return "", false
		}
	}
	if total == 0 {
		return "", true
	}
	if len(lines) == 1 {
		if names, ok := joinPlain(scratch, lines[0]); ok {
			return names, true
		}
	}
	count, size := 0, 0
	for _, line := range lines {
		for rest := line; rest != ""; {
			var item string
			if item, rest = cut(rest); item != "" {
				count++
				size += len(item)
			}
		}
	}
	if count > MaxCount {
		return "", false
	}
	if count == 0 {
		return "", true
	}
	buf := bufferOf(scratch, size+2*(count-1))
	n := 0
	for _, line := range lines {
		for rest := line; rest != ""; {
			var item string
			if item, rest = cut(rest); item == "" {
				continue
			}
			if n > 0 {
				buf[n], buf[n+1] = ',', ' '
				n += 2
			}
			for i := 0; i < len(item); i++ {
				c := item[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf[n] = c
				n++
			}
		}
	}
	// buf is never written again, so the string stays immutable.
	return unsafe.String(&buf[0], len(buf)), true
}

// bufferOf returns n bytes after the end of scratch when its capacity
// holds them, and n new bytes otherwise.
func bufferOf(scratch []byte, n int) []byte {
	if cap(scratch)-len(scratch) >= n {
		return scratch[len(scratch) : len(scratch)+n : len(scratch)+n]
	}
	return make([]byte, n)
}

// joinPlain is Join for the line browsers send: names in lower case
// separated by single commas, without white space or empty items, such as
// "content-type,x-amz-date". It reads the line once, copying it with a
// space after each comma, and reports false for any other line, which Join
// then reads the general way. When the copy would not fit into scratch, it
// checks the line first, so that a line it gives up on costs no memory:
// the general form may fit where this one does not.
func joinPlain(scratch []byte, line string) (string, bool) {
	commas := strings.Count(line, ",")
	if commas >= MaxCount || line == "" {
		return "", false
	}
	size := len(line) + commas
	if cap(scratch)-len(scratch) < size && !isPlain(line) {
		return "", false
	}
	buf := bufferOf(scratch, size)
	n, afterComma := 0, true // a leading comma would make an empty item
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch byteClass[c] {
		case plainByte:
			buf[n] = c
			n++
			afterComma = false
			continue
		case commaByte:
			if !afterComma {
				buf[n], buf[n+1] = ',', ' '
				n += 2
				afterComma = true
				continue
			}
		}
		return "", false // buf is in scratch, which the general way may use
	}
	if afterComma { // a trailing comma
		return "", false
	}
	return unsafe.String(&buf[0], len(buf)), true
}

// isPlain reports whether joinPlain reads line, without copying it.
func isPlain(line string) bool {
	afterComma := true
	for i := 0; i < len(line); i++ {
		switch byteClass[line[i]] {
		case plainByte:
			afterComma = false
		case commaByte:
			if afterComma {
				return false
			}
			afterComma = true
		default:
			return false
		}
	}
	return !afterComma
}

// The classes of the bytes of a line for joinPlain: an upper-case letter,
// a space or a tab needs the general reading.
const (
	plainByte = iota
	commaByte
	otherByte
)

var byteClass = func() (class [256]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		class[c] = otherByte
	}
	class[' '], class['\t'], class[','] = otherByte, otherByte, commaByte
	return class
}()

// cut splits s at its first comma and returns the element before it,
// trimmed of spaces and tabs, and the rest after the comma ("" when s has
// no comma).
func cut(s string) (item, rest string) {
	if i := strings.IndexByte(s, ','); i >= 0 {
		return TrimOWS(s[:i]), s[i+1:]
	}
	return TrimOWS(s), ""
}

// Next returns the first name of a list built by Join, and the rest of the
// list. It returns "" at the end.
func Next(names string) (name, rest string) {
	// A name holds no comma, and every comma of the list starts ", ".
	if i := strings.IndexByte(names, ','); i >= 0 {
		return names[:i], names[i+2:]
	}
	return names, ""
}

// TrimOWS trims HTTP's optional white space (spaces and tabs) from both ends
// of s.
func TrimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// Names returns the names Join reads from lines, lower-cased and in
// request order, for the tools that list them one by one; ok is false when
// the lines exceed the limits of D11.
func Names(lines []string) (names []string, ok bool) {
	joined, ok := Join(lines)
	if !ok {
		return nil, false
	}
	names = []string{}
	for name, rest := Next(joined); name != ""; name, rest = Next(rest) {
		names = append(names, name)
	}
	return names, true
}
