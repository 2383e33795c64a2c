package bucket

import (
	"crypto/sha256"
	"runtime"
	"sync"
	"weak"

	"github.com/s3cors/s3cors/cors"
	"github.com/s3cors/s3cors/rule"
)

// policyKey identifies a configuration by the SHA-256 digest of its XML
// document ([rule.Configuration.Encode] with [rule.FormXML]). Two documents
// with one digest are the same document: nobody can make a SHA-256
// collision, so a bucket never gets another's policy.
type policyKey [sha256.Size]byte

// policies interns compiled policies by document, so that every bucket with
// the same configuration shares one [cors.Policy]: a million buckets with a
// hundred distinct configurations hold a hundred policies. A policy leaves
// the table when the garbage collector finds no bucket using it.
type policies struct {
	mu sync.Mutex
	m  map[policyKey]weak.Pointer[cors.Policy]
}

// lookup returns the interned policy of the document with key k, or nil.
func (t *policies) lookup(k policyKey) *cors.Policy {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[k].Value()
}

// intern returns the interned policy of the document with key k, making p
// that policy when there is none.
func (t *policies) intern(k policyKey, p *cors.Policy) *cors.Policy {
	t.mu.Lock()
	defer t.mu.Unlock()
	if q := t.m[k].Value(); q != nil {
		return q
	}
	if t.m == nil {
		t.m = make(map[policyKey]weak.Pointer[cors.Policy])
	}
	t.m[k] = weak.Make(p)
	runtime.AddCleanup(p, t.release, k)
	return p
}

// release removes the table's entry for k when its policy is gone. A later
// policy of the same document may have taken the slot: that one stays.
func (t *policies) release(k policyKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if wp, ok := t.m[k]; ok && wp.Value() == nil {
		delete(t.m, k)
	}
}

// compile validates c and returns its shared policy and XML document.
func (t *policies) compile(c *rule.Configuration) (*cors.Policy, []byte, error) {
	doc, err := c.Encode(rule.FormXML)
	if err != nil { // not reached: FormXML always encodes
		return nil, nil, err
	}
	k := policyKey(sha256.Sum256(doc))
	if p := t.lookup(k); p != nil {
		// The same document is the same configuration; validating it
		// again costs little and keeps the error of an invalid c exact.
		if err := c.Validate(); err != nil {
			return nil, nil, err
		}
		return p, doc, nil
	}
	p, err := cors.Compile(c)
	if err != nil {
		return nil, nil, err
	}
	return t.intern(k, p), doc, nil
}

// parse returns the shared policy of a stored document, parsing and
// compiling it only when no bucket holds it yet.
func (t *policies) parse(doc []byte) (*cors.Policy, error) {
	k := policyKey(sha256.Sum256(doc))
	if p := t.lookup(k); p != nil {
		return p, nil
	}
	c, err := rule.ParseXML(doc)
	if err != nil {
		return nil, err
	}
	p, err := cors.Compile(c)
	if err != nil {
		return nil, err
	}
	return t.intern(k, p), nil
}
