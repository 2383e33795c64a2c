// Package requestid makes the request and host IDs S3 puts into every
// response (x-amz-request-id, x-amz-id-2) and repeats in error documents.
//
// Identifiers such as P5, H7 or D13 in this package's documentation name
// the behaviours of Amazon S3 described, with their evidence, in
// docs/behaviour.md in the repository.
package requestid

import (
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
)

// New returns a random request ID and host ID shaped like S3's (D15): 16
// upper-case hexadecimal digits, and 76 base64 characters (56 random
// bytes). They identify a response in logs and bug reports and are not
// secrets.
func New() (requestID, hostID string) {
	const digits = "0123456789ABCDEF"
	var raw [56]byte
	for i := 0; i < len(raw); i += 8 {
		binary.LittleEndian.PutUint64(raw[i:], rand.Uint64())
	}
	var b [16 + 76]byte
	x := rand.Uint64()
	for i := range 16 {
		b[i] = digits[x>>60]
		x <<= 4
	}
	base64.StdEncoding.Encode(b[16:], raw[:])
	s := string(b[:])
	return s[:16], s[16:]
}
