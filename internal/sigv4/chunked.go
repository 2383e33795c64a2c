package sigv4

import (
	"bytes"
	"strconv"
	"strings"
)

// The values of X-Amz-Content-Sha256 besides a hex SHA-256 of the body.
const (
	unsignedPayload               = "UNSIGNED-PAYLOAD"
	streamingSigned               = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrailer        = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrailer      = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	streamingECDSA                = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
	streamingECDSATrailer         = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
	trailerSignatureHeader        = "x-amz-trailer-signature"
	chunkSignaturePrefix          = "chunk-signature="
	crlf                          = "\r\n"
	maxChunkSizeDigits            = 16 // hexadecimal digits of a chunk size
	chunkedBodyFramingMinimumSize = len("0;" + chunkSignaturePrefix + crlf + crlf)
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

func (c *chain) chunkStringToSign(data []byte) string {
	return chunkAlgorithm + "\n" + c.timestamp + "\n" + c.scope + "\n" + c.previous + "\n" + emptyHash + "\n" + hashHex(data)
}

func (c *chain) trailerStringToSign(trailer string) string {
	return trailerAlgorithm + "\n" + c.timestamp + "\n" + c.scope + "\n" + c.previous + "\n" + hashHex([]byte(trailer))
}

// verifyChunks checks every chunk signature of an aws-chunked body, and with
// trailer the signature of the trailing headers:
//
//	hex-size;chunk-signature=signature\r\n
//	data\r\n
//	…
//	0;chunk-signature=signature\r\n
//	name:value\r\n                        (with trailer, zero or more)
//	x-amz-trailer-signature:signature\r\n (with trailer)
//	\r\n
//
// A wrong signature is answered with SignatureDoesNotMatch, broken framing
// with IncompleteBody.
func verifyChunks(body []byte, c *chain, trailer bool) *Error {
	if len(body) < chunkedBodyFramingMinimumSize {
		return incompleteBody()
	}
	rest := body
	for {
		line, after, ok := cutLine(rest)
		if !ok {
			return incompleteBody()
		}
		sizeHex, ext, ok := strings.Cut(line, ";")
		if !ok || sizeHex == "" || len(sizeHex) > maxChunkSizeDigits {
			return incompleteBody()
		}
		size, err := strconv.ParseUint(sizeHex, 16, 63)
		if err != nil || size > uint64(len(after)) {
			return incompleteBody()
		}
		provided, ok := strings.CutPrefix(ext, chunkSignaturePrefix)
		if !ok {
			return incompleteBody()
		}
		data := after[:size]
		toSign := c.chunkStringToSign(data)
		computed := signature(c.key, toSign)
		if !sameSignature(provided, computed) {
			return signatureMismatch(c.accessKeyID, toSign, provided, "")
		}
		c.previous = computed
		rest = after[size:]
		if size == 0 {
			if trailer {
				return verifyTrailer(rest, c)
			}
			if string(rest) != crlf {
				return incompleteBody()
			}
			return nil
		}
		if !bytes.HasPrefix(rest, []byte(crlf)) {
			return incompleteBody()
		}
		rest = rest[len(crlf):]
	}
}

// verifyTrailer checks the trailing headers after the final chunk.
func verifyTrailer(rest []byte, c *chain) *Error {
	var canonical strings.Builder
	provided := ""
	for {
		line, after, ok := cutLine(rest)
		if !ok {
			return incompleteBody()
		}
		rest = after
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return incompleteBody()
		}
		name = strings.ToLower(strings.Trim(name, " \t"))
		value = strings.Trim(value, " \t")
		if name == trailerSignatureHeader {
			provided = value
			continue
		}
		canonical.WriteString(name)
		canonical.WriteByte(':')
		canonical.WriteString(value)
		canonical.WriteByte('\n')
	}
	if len(rest) != 0 || provided == "" {
		return incompleteBody()
	}
	toSign := c.trailerStringToSign(canonical.String())
	if !sameSignature(provided, signature(c.key, toSign)) {
		return signatureMismatch(c.accessKeyID, toSign, provided, "")
	}
	return nil
}

// cutLine returns the text before the first CRLF of b and the bytes after it.
func cutLine(b []byte) (line string, rest []byte, ok bool) {
	i := bytes.Index(b, []byte(crlf))
	if i < 0 {
		return "", nil, false
	}
	return string(b[:i]), b[i+len(crlf):], true
}
