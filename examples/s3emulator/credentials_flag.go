package main

import (
	"fmt"
	"sort"
	"strings"
)

// credentialsFlag collects the key pairs of -auth, which may be given once
// per user: ACCESS_KEY:SECRET, the secret being everything after the first
// colon.
type credentialsFlag map[string]string

func (c credentialsFlag) String() string {
	ids := make([]string, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

func (c credentialsFlag) Set(v string) error {
	id, secret, ok := strings.Cut(v, ":")
	if !ok || id == "" || secret == "" {
		return fmt.Errorf("%q is not ACCESS_KEY:SECRET; give -auth once per user, e.g. -auth AKIDALICE:alice-secret -auth AKIDBOB:bob-secret", v)
	}
	if _, dup := c[id]; dup {
		return fmt.Errorf("access key %q is given twice; each -auth names a different access key", id)
	}
	c[id] = secret
	return nil
}
