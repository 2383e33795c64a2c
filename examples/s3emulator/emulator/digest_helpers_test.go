package emulator_test

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func md5Of(s string) string    { h := md5.Sum([]byte(s)); return b64(h[:]) }
func sha1Of(s string) string   { h := sha1.Sum([]byte(s)); return b64(h[:]) }
func sha256Of(s string) string { h := sha256.Sum256([]byte(s)); return b64(h[:]) }
func crc32Of(s string) string {
	return b64(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE([]byte(s))))
}
func crc32cOf(s string) string {
	return b64(binary.BigEndian.AppendUint32(nil, crc32.Checksum([]byte(s), crc32.MakeTable(crc32.Castagnoli))))
}
