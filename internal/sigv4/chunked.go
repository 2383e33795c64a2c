package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"strings"
)

// The values of X-Amz-Content-Sha256 besides a hex SHA-256 of the body.
const (
	unsignedPayload          = "UNSIGNED-PAYLOAD"
	streamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	streamingECDSA           = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
	streamingECDSATrailer    = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
	trailerSignatureHeader   = "x-amz-trailer-signature"
	chunkSignaturePrefix     = "chunk-signature="
	crlf                     = "\r\n"
	maxChunkSizeDigits       = 16 // hexadecimal digits of a chunk size
	// maxChunkHeaderSize bounds a chunk's header line: the longest size,
	// the signature and CRLF, with room to spare.
	maxChunkHeaderSize = 2 * (maxChunkSizeDigits + len(";"+chunkSignaturePrefix) + 2*sha256.Size + len(crlf))
	// maxTrailerSize bounds the trailing header lines of a streaming
	// upload, which hold a checksum and the trailer's signature.
	maxTrailerSize = 4096
)

// A chain signs the chunks of a streaming upload (STREAMING-AWS4-HMAC-SHA256-
// PAYLOAD and its -TRAILER variant). Each chunk's signature covers the
// chunk's data and the previous signature, starting from the seed
// signature, the signature of the request's headers:
//
//	AWS4-HMAC-SHA256-PAYLOAD
//	request time
//	credential scope
//	previous signature
//	hex SHA-256 of no bytes
//	hex SHA-256 of the chunk's data
//
// The signature of the trailer covers the trailing header lines:
//
//	AWS4-HMAC-SHA256-TRAILER
//	request time
//	credential scope
//	signature of the final, empty chunk
//	hex SHA-256 of the trailing headers, each as "name:value\n"
type chain struct {
	key         []byte
	timestamp   string
	scope       string
	previous    string
	accessKeyID string
}

func (c *chain) chunkStringToSign(dataHash string) string {
	return chunkAlgorithm + "\n" + c.timestamp + "\n" + c.scope + "\n" + c.previous + "\n" + emptyHash + "\n" + dataHash
}

func (c *chain) trailerStringToSign(trailer string) string {
	return trailerAlgorithm + "\n" + c.timestamp + "\n" + c.scope + "\n" + c.previous + "\n" + hashHex([]byte(trailer))
}

// The parts of an aws-chunked body, in the order a chunkCheck reads them.
type chunkState int

const (
	inHeader  chunkState = iota // a chunk's header line
	inData                      // a chunk's data
	inDataCR                    // the CRLF after a chunk's data
	inDataLF                    //
	inFinal                     // the CRLF after the final chunk (no trailer)
	inTrailer                   // the trailing header lines
	done                        // nothing may follow
)

// A chunkCheck checks every chunk signature of an aws-chunked body, and
// with trailer the signature of the trailing headers, as the body is read:
//
//	hex-size;chunk-signature=signature\r\n
//	data\r\n
//	…
//	0;chunk-signature=signature\r\n
//	name:value\r\n                        (with trailer, zero or more)
//	x-amz-trailer-signature:signature\r\n (with trailer)
//	\r\n
//
// A chunk's signature is checked with the last byte of its data (of the
// final chunk, with the end of its header line), the trailer's with its
// last line. A wrong signature is answered with SignatureDoesNotMatch,
// broken framing with IncompleteBody. Only the current line is held, at
// most maxChunkHeaderSize bytes (maxTrailerSize for the trailer).
type chunkCheck struct {
	c       *chain
	trailer bool
	state   chunkState

	line      []byte    // the line being read
	remaining uint64    // bytes of the current chunk's data still to come
	provided  string    // the current chunk's signature
	data      hash.Hash // of the current chunk's data

	trailerSize int             // bytes of the trailer so far
	canonical   strings.Builder // the trailing headers, as signed
	trailerSig  string          // x-amz-trailer-signature
}

func newChunkCheck(c *chain, trailer bool) *chunkCheck {
	return &chunkCheck{c: c, trailer: trailer, data: sha256.New()}
}

func (k *chunkCheck) consume(p []byte) (int, *Error) {
	for i := 0; i < len(p); {
		switch k.state {
		case inData:
			n := uint64(len(p) - i)
			if n > k.remaining {
				n = k.remaining
			}
			k.data.Write(p[i : i+int(n)])
			k.remaining -= n
			i += int(n)
			if k.remaining == 0 {
				if e := k.verifyChunk(); e != nil {
					return i - 1, e
				}
				k.state = inDataCR
			}
			continue
		case inDataCR, inDataLF:
			if p[i] != crlf[k.state-inDataCR] {
				return i, incompleteBody()
			}
			k.state++
			if k.state > inDataLF {
				k.state = inHeader
			}
		case inHeader, inFinal, inTrailer:
			k.line = append(k.line, p[i])
			if e := k.lineByte(); e != nil {
				return i, e
			}
		default: // done
			return i, incompleteBody()
		}
		i++
	}
	return len(p), nil
}

func (k *chunkCheck) end() *Error {
	if k.state != done {
		return incompleteBody()
	}
	return nil
}

// lineByte handles the byte just added to k.line.
func (k *chunkCheck) lineByte() *Error {
	limit := maxChunkHeaderSize
	if k.state == inTrailer {
		k.trailerSize++
		if k.trailerSize > maxTrailerSize {
			return incompleteBody()
		}
		limit = maxTrailerSize
	}
	n := len(k.line)
	if k.state == inFinal && k.line[n-1] != crlf[n-1] {
		return incompleteBody()
	}
	if n < len(crlf) || k.line[n-2] != '\r' || k.line[n-1] != '\n' {
		if n >= limit {
			return incompleteBody()
		}
		return nil
	}
	line := string(k.line[:n-len(crlf)])
	k.line = k.line[:0]
	switch k.state {
	case inHeader:
		return k.header(line)
	case inFinal:
		if line != "" {
			return incompleteBody()
		}
		k.state = done
		return nil
	default: // inTrailer
		return k.trailerLine(line)
	}
}

// header reads a chunk's header line.
func (k *chunkCheck) header(line string) *Error {
	sizeHex, ext, ok := strings.Cut(line, ";")
	if !ok || sizeHex == "" || len(sizeHex) > maxChunkSizeDigits {
		return incompleteBody()
	}
	size, err := strconv.ParseUint(sizeHex, 16, 63)
	if err != nil {
		return incompleteBody()
	}
	provided, ok := strings.CutPrefix(ext, chunkSignaturePrefix)
	if !ok {
		return incompleteBody()
	}
	k.provided = provided
	k.remaining = size
	k.data.Reset()
	if size > 0 {
		k.state = inData
		return nil
	}
	if e := k.verifyChunk(); e != nil {
		return e
	}
	if k.trailer {
		k.state = inTrailer
	} else {
		k.state = inFinal
	}
	return nil
}

// verifyChunk checks the signature of the chunk whose data has been read.
func (k *chunkCheck) verifyChunk() *Error {
	var sum [sha256.Size]byte
	toSign := k.c.chunkStringToSign(hex.EncodeToString(k.data.Sum(sum[:0])))
	computed := signature(k.c.key, toSign)
	if !sameSignature(k.provided, computed) {
		return signatureMismatch(k.c.accessKeyID, toSign, k.provided, "")
	}
	k.c.previous = computed
	return nil
}

// trailerLine reads one line of the trailer; the empty line ends it.
func (k *chunkCheck) trailerLine(line string) *Error {
	if line != "" {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return incompleteBody()
		}
		name = strings.ToLower(strings.Trim(name, " \t"))
		value = strings.Trim(value, " \t")
		if name == trailerSignatureHeader {
			k.trailerSig = value
			return nil
		}
		k.canonical.WriteString(name)
		k.canonical.WriteByte(':')
		k.canonical.WriteString(value)
		k.canonical.WriteByte('\n')
		return nil
	}
	if k.trailerSig == "" {
		return incompleteBody()
	}
	toSign := k.c.trailerStringToSign(k.canonical.String())
	if !sameSignature(k.trailerSig, signature(k.c.key, toSign)) {
		return signatureMismatch(k.c.accessKeyID, toSign, k.trailerSig, "")
	}
	k.state = done
	return nil
}
