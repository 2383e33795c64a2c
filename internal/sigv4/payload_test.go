package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// asReceived gives req the Content-Length header a server would see.
func asReceived(req *http.Request) {
	if req.ContentLength > 0 {
		req.Header.Set("Content-Length", strconv.FormatInt(req.ContentLength, 10))
	}
}

// readAll reads r's body in reads of at most split bytes and returns the
// bytes delivered and the error that ended the reading (nil at EOF).
func readAll(r *http.Request, split int) ([]byte, error) {
	var got []byte
	buf := make([]byte, split)
	for {
		n, err := r.Body.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
	}
}

// TestPayloadHashStreamed checks the hash of a signed body as it is read:
// an intact body passes through unchanged whatever the size of the reads;
// a tampered one fails with XAmzContentSHA256Mismatch on the read that
// would complete it, whose last byte is withheld, and on every later read.
// Without a known length the mismatch comes at the end of the body.
func TestPayloadHashStreamed(t *testing.T) {
	const body = "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>"
	for _, tc := range []struct {
		name     string
		sent     string
		length   int64 // -1: unknown
		wantCode string
		maxGot   int // bytes delivered at most
	}{
		{"intact", body, int64(len(body)), "", len(body)},
		{"intact, length unknown", body, -1, "", len(body)},
		{"last byte changed", body[:len(body)-1] + "X", int64(len(body)), codeContentSHA256Mismatch, len(body) - 1},
		{"first byte changed", "X" + body[1:], int64(len(body)), codeContentSHA256Mismatch, len(body) - 1},
		{"changed, length unknown", "X" + body[1:], -1, codeContentSHA256Mismatch, len(body)},
	} {
		for _, split := range []int{1, 7, 4096} {
			req := newRequest(t, "PUT", "/bucket", "cors", tc.sent)
			req.ContentLength = tc.length
			signHeader(t, req, sha(body))
			asReceived(req)
			if err := testVerifier(signTime).Verify(req); err != nil {
				t.Fatalf("%s: Verify: %v", tc.name, err)
			}
			got, err := readAll(req, split)
			if code(err) != tc.wantCode {
				t.Errorf("%s, reads of %d: read error %v, want %q", tc.name, split, err, tc.wantCode)
			}
			if len(got) > tc.maxGot || !strings.HasPrefix(tc.sent, string(got)) {
				t.Errorf("%s, reads of %d: delivered %d bytes %q, want a prefix of at most %d", tc.name, split, len(got), got, tc.maxGot)
			}
			if err != nil {
				if n, again := req.Body.Read(make([]byte, 10)); n != 0 || !errors.Is(again, err) {
					t.Errorf("%s: read after the failure: %d, %v", tc.name, n, again)
				}
			}
		}
	}
}

// TestPayloadReadsOnlyWhatIsAsked checks that verifying a large signed
// body reads no more of it than its reader asks for: a reader that stops
// after n bytes, as PutBucketCors does, leaves the rest unread.
func TestPayloadReadsOnlyWhatIsAsked(t *testing.T) {
	const size, limit = 64 << 20, 64<<10 + 1
	var read int64
	req := newRequest(t, "PUT", "/bucket", "cors", "")
	req.Body = io.NopCloser(countingReader{&read, io.LimitReader(zeros{}, size)})
	req.ContentLength = size
	signHeader(t, req, sha("not this body"))
	asReceived(req)
	if err := testVerifier(signTime).Verify(req); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(io.LimitReader(req.Body, limit))
	if err != nil || len(got) != limit || read != limit {
		t.Errorf("read %d bytes, %v; %d from the body, want %d", len(got), err, read, limit)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestPayloadChunksStreamed checks the documented streaming upload read
// one byte at a time: accepted, its aws-chunked bytes unchanged; with one
// byte of the first chunk's data changed, the read that would complete that
// chunk fails with SignatureDoesNotMatch and its last byte is withheld.
func TestPayloadChunksStreamed(t *testing.T) {
	const chunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
	req := chunkedExample(t, chunk1)
	want, _ := io.ReadAll(req.Body)
	req = chunkedExample(t, chunk1)
	asReceived(req)
	if err := exampleVerifier().Verify(req); err != nil {
		t.Fatal(err)
	}
	req.Body = struct {
		io.Reader
		io.Closer
	}{iotest.OneByteReader(req.Body), req.Body}
	got, err := io.ReadAll(req.Body)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("intact: %d bytes, %v; want the %d bytes sent", len(got), err, len(want))
	}

	tampered := bytes.Clone(want)
	firstDataEnd := bytes.Index(tampered, []byte("\r\n")) + 2 + 65536
	tampered[firstDataEnd-1] = 'b'
	req = chunkedExample(t, chunk1)
	req.Body = io.NopCloser(bytes.NewReader(tampered))
	asReceived(req)
	if err := exampleVerifier().Verify(req); err != nil {
		t.Fatal(err)
	}
	got, err = readAll(req, 1000)
	if code(err) != codeSignatureDoesNotMatch || len(got) != firstDataEnd-1 {
		t.Errorf("tampered: delivered %d bytes, %v; want %d, SignatureDoesNotMatch", len(got), err, firstDataEnd-1)
	}
}

// TestHandlerPayloadMismatch checks the middleware's answer when the
// handler meets a tampered body: the handler's own answer to the failed
// read is replaced by the refusal (XAmzContentSHA256Mismatch, 400), which
// keeps the headers set before the handler ran and none the handler set.
func TestHandlerPayloadMismatch(t *testing.T) {
	h := testVerifier(signTime).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Handler", "yes")
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "cannot read", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}), func(w http.ResponseWriter, r *http.Request, e *Error) {
		w.WriteHeader(e.Status)
		_, _ = io.WriteString(w, e.Code)
	})
	for _, tc := range []struct {
		sent, code string
		status     int
	}{
		{"the body", "", http.StatusOK},
		{"the bodY", codeContentSHA256Mismatch, http.StatusBadRequest},
	} {
		req := newRequest(t, "PUT", "/bucket/key", "", tc.sent)
		sum := sha256.Sum256([]byte("the body"))
		signHeader(t, req, hex.EncodeToString(sum[:]))
		asReceived(req)
		rec := httptest.NewRecorder()
		rec.Header().Set("Access-Control-Allow-Origin", "https://app.example")
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status || rec.Body.String() != tc.code ||
			rec.Header().Get("Access-Control-Allow-Origin") == "" || (tc.code != "") == (rec.Header().Get("X-Handler") != "") {
			t.Errorf("%q: %d %q %v", tc.sent, rec.Code, rec.Body, rec.Header())
		}
	}
}
