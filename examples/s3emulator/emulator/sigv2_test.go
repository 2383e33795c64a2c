package emulator_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3cors/s3cors/examples/s3emulator/emulator"
)

// TestSignatureV2Option checks WithSignatureV2: a GET signed with Signature
// Version 2 (written here from AWS's description: HMAC-SHA1 of method,
// Content-MD5, Content-Type, Date and resource) is refused with
// InvalidRequest by default, and accepted with the option; a wrong secret
// is refused with SignatureDoesNotMatch either way.
func TestSignatureV2Option(t *testing.T) {
	const key, secret = "AKIDV2USER", "v2-user-secret"
	for _, tc := range []struct {
		v2                bool
		secret            string
		status            int
		code, wantContent string
	}{
		{false, secret, 400, "InvalidRequest", ""},
		{true, secret, 200, "", "v2 body"},
		{true, "wrong", 403, "SignatureDoesNotMatch", ""},
	} {
		opts := []emulator.Option{emulator.WithCredentials("", map[string]string{key: secret})}
		if tc.v2 {
			opts = append(opts, emulator.WithSignatureV2())
		}
		e, endpoint, _ := startEmulator(t, opts...)
		if err := e.CreateBucket("v2-bucket"); err != nil {
			t.Fatal(err)
		}
		if err := e.PutObject("v2-bucket", "k.txt", []byte("v2 body"), nil); err != nil {
			t.Fatal(err)
		}
		date := time.Now().UTC().Format(http.TimeFormat)
		mac := hmac.New(sha1.New, []byte(tc.secret))
		mac.Write([]byte("GET\n\n\n" + date + "\n/v2-bucket/k.txt"))
		req, _ := http.NewRequest("GET", endpoint+"/v2-bucket/k.txt", nil)
		req.Header.Set("Date", date)
		req.Header.Set("Authorization", "AWS "+key+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || (tc.code != "" && !strings.Contains(string(b), "<Code>"+tc.code+"</Code>")) || (tc.wantContent != "" && string(b) != tc.wantContent) {
			t.Errorf("v2 %v, secret %q: %d %s", tc.v2, tc.secret, resp.StatusCode, b)
		}
	}
}
