// Package xmltext writes XML character data the way S3 does: only the
// characters that must be escaped are escaped, and quotes stay literal.
package xmltext

import "unicode/utf8"

// Append appends s to dst as XML character data. It escapes '&', '<' and '>',
// writes '\r' as "&#xD;" so that a parser does not fold it into '\n', and
// replaces bytes that XML 1.0 cannot carry (invalid UTF-8, most control
// characters, U+FFFE, U+FFFF) with U+FFFD. Quotes are written literally, as
// S3 writes them.
func Append(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				dst = append(dst, "&amp;"...)
			case c == '<':
				dst = append(dst, "&lt;"...)
			case c == '>':
				dst = append(dst, "&gt;"...)
			case c == '\r':
				dst = append(dst, "&#xD;"...)
			case c < 0x20 && c != '\t' && c != '\n':
				dst = append(dst, "\uFFFD"...)
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !IsChar(r) || (r == utf8.RuneError && size == 1) {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// Valid reports whether every character of s can be carried by an XML 1.0
// document: s is valid UTF-8 and holds only characters of the XML Char
// production.
func Valid(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		if !IsChar(r) {
			return false
		}
	}
	return true
}

// IsChar reports whether r is in the XML 1.0 Char production.
func IsChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
