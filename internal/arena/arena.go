// Package arena hands out immutable strings carved from append-only byte
// blocks, so that building many short strings costs an allocation per block
// rather than per string.
package arena

import "unsafe"

// blockSize is the size of a fresh block. Strings longer than a block get a
// block of their own.
const blockSize = 4 << 10

// Arena builds strings. Bytes behind a string it has returned are never
// written again, so those strings stay immutable for as long as they live;
// the garbage collector frees a block when no string refers to it.
//
// The zero Arena is ready to use. An Arena is not safe for concurrent use.
type Arena struct {
	block []byte // len: bytes handed out or being built; never shrinks
	start int    // where the string being built begins
}

// Begin starts a new string, reserving room for at least n bytes so that it
// is built in one block.
func (a *Arena) Begin(n int) {
	if cap(a.block)-len(a.block) < n {
		a.block = make([]byte, 0, max(blockSize, n))
	}
	a.start = len(a.block)
}

// AppendString appends s to the string being built. Appending more than was
// reserved with Begin moves the string to a new block, which is correct but
// costs an allocation.
func (a *Arena) AppendString(s string) {
	if cap(a.block)-len(a.block) < len(s) {
		built := a.block[a.start:]
		a.block = make([]byte, 0, max(blockSize, 2*(len(built)+len(s))))
		a.block = append(a.block, built...)
		a.start = 0
	}
	a.block = append(a.block, s...)
}

// AppendByte appends c to the string being built.
func (a *Arena) AppendByte(c byte) {
	if len(a.block) == cap(a.block) {
		built := a.block[a.start:]
		a.block = make([]byte, 0, max(blockSize, 2*(len(built)+1)))
		a.block = append(a.block, built...)
		a.start = 0
	}
	a.block = append(a.block, c)
}

// AppendLower appends s with its ASCII letters lower-cased.
func (a *Arena) AppendLower(s string) {
	if cap(a.block)-len(a.block) < len(s) {
		a.AppendString(s) // moves the string being built to a roomy block
	} else {
		a.block = append(a.block, s...)
	}
	b := a.block[len(a.block)-len(s):]
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

// End returns the string built since Begin.
func (a *Arena) End() string {
	b := a.block[a.start:]
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
