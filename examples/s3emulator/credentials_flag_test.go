package main

import (
	"flag"
	"io"
	"maps"
	"strings"
	"testing"
)

// TestCredentialsFlag checks -auth given once per user: every key pair is
// kept, a secret may hold colons, and a malformed or repeated access key is
// refused with a message that says what to give.
func TestCredentialsFlag(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    map[string]string
		wantErr string
	}{
		{nil, map[string]string{}, ""},
		{[]string{"-auth", "AKIDA:a-secret"}, map[string]string{"AKIDA": "a-secret"}, ""},
		{[]string{"-auth", "AKIDA:a", "-auth", "AKIDB:b:with:colons", "-auth=AKIDC:c"},
			map[string]string{"AKIDA": "a", "AKIDB": "b:with:colons", "AKIDC": "c"}, ""},
		{[]string{"-auth", "AKIDA"}, nil, "is not ACCESS_KEY:SECRET"},
		{[]string{"-auth", ":secret"}, nil, "is not ACCESS_KEY:SECRET"},
		{[]string{"-auth", "AKIDA:"}, nil, "is not ACCESS_KEY:SECRET"},
		{[]string{"-auth", "AKIDA:a", "-auth", "AKIDA:b"}, nil, `access key "AKIDA" is given twice`},
	} {
		fs := flag.NewFlagSet("s3emulator", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		got := credentialsFlag{}
		fs.Var(got, "auth", "")
		err := fs.Parse(tc.args)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: %v, want an error with %q", tc.args, err, tc.wantErr)
			}
		case err != nil || !maps.Equal(got, tc.want):
			t.Errorf("%q: %v %v, want %v", tc.args, got, err, tc.want)
		}
	}
}
