package sink

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// textIndex maps the texts of a dictionary to their indices, 0, 1, 2,
// ... in the order they were added: an open-addressing hash table
// (linear probing, at most half full) whose slots each hold an index with
// the top bits of its text's hash and where the text lies in one buffer
// that holds them all, one after the other, so that a look-up reads the
// slot and the text and nothing else. It does for dictMirror what a
// map[string]int32 did, in less time, and copies a text added into its
// buffer instead of allocating a string for it. The hash is seeded at
// random, so no input can be made to collide.
type textIndex struct {
	seed  uint64
	slots []textSlot
	texts []byte // the texts, in index order
	n     int    // texts held
}

// textSlot is a slot of a textIndex.
type textSlot struct {
	tagIdx   uint64 // 0: empty; else the hash's top 32 bits << 32 | index+1
	from, to uint32 // where the text lies in texts
}

// newTextIndex returns an empty textIndex.
func newTextIndex() *textIndex {
	return &textIndex{seed: maphash.Comparable(maphash.MakeSeed(), 0), slots: make([]textSlot, 64)}
}

// full reports whether t may not be given the texts of another Arrow
// array (under 2 GiB, its offsets being 32-bit): a dictionary page holds
// far less, so a writer gives up its dictionary long before.
func (t *textIndex) full() bool { return len(t.texts) >= 1<<31 }

// reset empties t, keeping its memory.
func (t *textIndex) reset() {
	clear(t.slots)
	t.texts, t.n = t.texts[:0], 0
}

// index returns the index of v, adding v (as the next index) when t
// does not hold it; added tells which. The texts held must stay under 4
// GiB (see full).
func (t *textIndex) index(v []byte) (x int32, added bool) {
	h := t.hash(v)
	tag := h >> 32 << 32
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.tagIdx == 0 {
			x = int32(t.n)
			*s = textSlot{tagIdx: tag | uint64(x+1), from: uint32(len(t.texts)), to: uint32(len(t.texts) + len(v))}
			t.texts = append(t.texts, v...)
			t.n++
			if 2*t.n > len(t.slots) {
				t.grow()
			}
			return x, true
		}
		if s.tagIdx&^(1<<32-1) == tag && bytes.Equal(t.texts[s.from:s.to], v) {
			return int32(uint32(s.tagIdx)) - 1, false
		}
	}
}

// hash is v's hash (wyhash's mixing of v's bytes, 16 at a time, with
// t's seed): several times quicker for short texts than hash/maphash's.
func (t *textIndex) hash(v []byte) uint64 {
	const k0, k1, k2 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db, 0x8ebc6af09c88c6e3
	h := t.seed ^ k0 ^ uint64(len(v))*k2
	for len(v) > 16 {
		h = mix(binary.LittleEndian.Uint64(v)^k1, binary.LittleEndian.Uint64(v[8:])^h)
		v = v[16:]
	}
	var a, b uint64
	switch n := len(v); {
	case n >= 8:
		a, b = binary.LittleEndian.Uint64(v), binary.LittleEndian.Uint64(v[n-8:])
	case n >= 4:
		a, b = uint64(binary.LittleEndian.Uint32(v)), uint64(binary.LittleEndian.Uint32(v[n-4:]))
	case n > 0:
		a = uint64(v[0])<<16 | uint64(v[n/2])<<8 | uint64(v[n-1])
	}
	return mix(a^k1, b^h)
}

// mix is the 128-bit product of a and b folded to 64 bits.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// grow doubles t's slots.
func (t *textIndex) grow() {
	old := t.slots
	t.slots = make([]textSlot, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.tagIdx == 0 {
			continue
		}
		i := t.hash(t.texts[s.from:s.to]) & mask
		for t.slots[i].tagIdx != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// intIndex maps the 32-bit integers of a dictionary to their indices, 0,
// 1, 2, ... in the order they were added, as textIndex does texts: each
// slot holds the integer itself with its index, so a look-up reads one
// slot or a few next to each other. The integers are mixed with a random
// seed before they are hashed.
type intIndex struct {
	seed  uint64
	shift uint     // 64 less the bits of len(slots)
	slots []uint64 // 0: empty; else the integer << 32 | index+1
	n     int      // integers held
}

// newIntIndex returns an empty intIndex.
func newIntIndex() *intIndex {
	var t intIndex
	t.seed = maphash.Comparable(maphash.MakeSeed(), 0) | 1
	t.setSlots(64)
	return &t
}

// setSlots gives t n empty slots, n a power of two.
func (t *intIndex) setSlots(n int) {
	t.slots = make([]uint64, n)
	t.shift = uint(64 - bits.TrailingZeros(uint(n)))
}

// reset empties t, keeping its memory.
func (t *intIndex) reset() {
	clear(t.slots)
	t.n = 0
}

// slot is where the probe for v starts.
func (t *intIndex) slot(v int32) uint64 {
	return ((uint64(uint32(v)) ^ t.seed) * 0x9e3779b97f4a7c15) >> t.shift
}

// index returns the index of v, adding v (as the next index) when t does
// not hold it; added tells which.
func (t *intIndex) index(v int32) (x int32, added bool) {
	key := uint64(uint32(v)) << 32
	mask := uint64(len(t.slots) - 1)
	for i := t.slot(v); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			x = int32(t.n)
			t.slots[i] = key | uint64(x+1)
			t.n++
			if 2*t.n > len(t.slots) {
				t.grow()
			}
			return x, true
		}
		if s&^(1<<32-1) == key {
			return int32(uint32(s)) - 1, false
		}
	}
}

// grow doubles t's slots.
func (t *intIndex) grow() {
	old := t.slots
	t.setSlots(2 * len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := t.slot(int32(uint32(s >> 32)))
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
