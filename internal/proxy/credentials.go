package proxy

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

// maxCredentialsLine bounds a line of a credentials file.
const maxCredentialsLine = 4 << 10

// ReadCredentials reads access keys, one ACCESS_KEY_ID:SECRET a line;
// blank lines and lines starting with "#" are skipped. It returns every
// key and the ID of the first, which signs the proxy's own requests. The
// error names the line at fault, never a secret.
func ReadCredentials(r io.Reader) (secrets map[string]string, first string, err error) {
	secrets = make(map[string]string)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxCredentialsLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		id, secret, ok := strings.Cut(line, ":")
		id, secret = strings.TrimSpace(id), strings.TrimSpace(secret)
		at := "line " + strconv.Itoa(n) + ": "
		switch {
		case !ok || id == "" || secret == "":
			return nil, "", errors.New(at + "not ACCESS_KEY_ID:SECRET: write one access key ID, a colon and its secret access key per line")
		case strings.ContainsAny(id, "/ \t"):
			return nil, "", errors.New(at + "the access key ID has a slash or a space, which a SigV4 credential cannot carry")
		case secrets[id] != "" && secrets[id] != secret:
			return nil, "", errors.New(at + "access key ID " + id + " is listed twice with different secrets: keep one")
		}
		secrets[id] = secret
		if first == "" {
			first = id
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, "", errors.New("a line is longer than 4 KiB: write one ACCESS_KEY_ID:SECRET per line")
		}
		return nil, "", err
	}
	if first == "" {
		return nil, "", errors.New("no access key: write one ACCESS_KEY_ID:SECRET per line")
	}
	return secrets, first, nil
}
