package bucket

import (
	"crypto/sha256"
	"sync"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// policyKey identifies a configuration by the first half of the SHA-256
// digest of its XML document ([rule.Configuration.Encode] with
// [rule.FormXML]). Two documents with one key are taken to be the same:
// finding two that share 128 bits of SHA-256 takes about 2⁶⁴ tries, so a
// bucket never gets another's policy.
type policyKey [16]byte

func keyOf(doc []byte) policyKey {
	sum := sha256.Sum256(doc)
	return policyKey(sum[:16])
}

// shared is a compiled policy that every bucket with its document uses.
type shared struct {
	policy *cors.Policy
	key    policyKey
	refs   int // the entries (and changes under way) that hold it; guarded by policies.mu
}

// policies interns compiled policies by document, so that every bucket with
// the same configuration shares one [cors.Policy]: a million buckets with a
// hundred distinct configurations hold a hundred policies. A policy leaves
// the table when the last bucket using it changes or goes.
type policies struct {
	mu sync.Mutex
	m  map[policyKey]*shared
}

// acquire returns the shared policy with key k, with one more reference,
// or nil.
func (t *policies) acquire(k policyKey) *shared {
	t.mu.Lock()
	defer t.mu.Unlock()
	sh := t.m[k]
	if sh != nil {
		sh.refs++
	}
	return sh
}

// add returns the shared policy with key k, with one more reference,
// making p that policy when there is none.
func (t *policies) add(k policyKey, p *cors.Policy) *shared {
	t.mu.Lock()
	defer t.mu.Unlock()
	sh := t.m[k]
	if sh == nil {
		if t.m == nil {
			t.m = make(map[policyKey]*shared)
		}
		sh = &shared{policy: p, key: k}
		t.m[k] = sh
	}
	sh.refs++
	return sh
}

// hold adds a reference to sh.
func (t *policies) hold(sh *shared) {
	t.mu.Lock()
	sh.refs++
	t.mu.Unlock()
}

// release drops a reference to sh, which may be nil; the last one removes
// it from the table.
func (t *policies) release(sh *shared) {
	if sh == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if sh.refs--; sh.refs == 0 {
		delete(t.m, sh.key)
	}
}

// compile validates c and returns its shared policy, with a reference the
// caller releases, and its XML document.
func (t *policies) compile(c *rule.Configuration) (*shared, []byte, error) {
	doc, err := c.Encode(rule.FormXML)
	if err != nil { // not reached: FormXML always encodes
		return nil, nil, err
	}
	k := keyOf(doc)
	if sh := t.acquire(k); sh != nil {
		// The same document is the same configuration; validating it
		// again costs little and keeps the error of an invalid c exact.
		if err := c.Validate(); err != nil {
			t.release(sh)
			return nil, nil, err
		}
		return sh, doc, nil
	}
	p, err := cors.Compile(c)
	if err != nil {
		return nil, nil, err
	}
	return t.add(k, p), doc, nil
}

// parse returns the shared policy of a stored document, with a reference
// the caller releases, parsing and compiling the document only when no
// bucket holds it yet.
func (t *policies) parse(doc []byte) (*shared, error) {
	k := keyOf(doc)
	if sh := t.acquire(k); sh != nil {
		return sh, nil
	}
	c, err := rule.ParseXML(doc)
	if err != nil {
		return nil, err
	}
	p, err := cors.Compile(c)
	if err != nil {
		return nil, err
	}
	return t.add(k, p), nil
}
