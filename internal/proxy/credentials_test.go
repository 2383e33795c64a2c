package proxy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadCredentials(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets map[string]string
		first   string
		err     string
	}{
		{"one", "AKID:secret\n", map[string]string{"AKID": "secret"}, "AKID", ""},
		{"several, comments, blanks, CRLF", "# keys\r\n\r\n AKIDB : b-secret \r\nAKIDA:a:with:colons\n", map[string]string{"AKIDB": "b-secret", "AKIDA": "a:with:colons"}, "AKIDB", ""},
		{"repeated alike", "K:s\nK:s\n", map[string]string{"K": "s"}, "K", ""},
		{"empty", "\n# nothing\n", nil, "", "no access key"},
		{"no colon", "AKID secret\n", nil, "", "line 1: not ACCESS_KEY_ID:SECRET"},
		{"no secret", "x:y\nAKID:\n", nil, "", "line 2: not ACCESS_KEY_ID:SECRET"},
		{"slash in ID", "AK/ID:s\n", nil, "", "line 1: the access key ID has a slash"},
		{"conflict", "K:s\nK:t\n", nil, "", "line 2: access key ID K is listed twice"},
		{"long line", strings.Repeat("x", 5000), nil, "", "longer than 4 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secrets, first, err := ReadCredentials(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "secret\"") || strings.Contains(err.Error(), ":s") {
					t.Errorf("the error quotes a secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.secrets, secrets); diff != "" || first != tt.first {
				t.Errorf("first %q (-want +got):\n%s", first, diff)
			}
		})
	}
}
