package transforms

import (
	"math"
	"math/bits"
)

// requestSet is the set of requestKeys dedupe has seen. Go's map missed
// the cache about twice an insert at a million keys (the table, then its
// group) and compared keys through a function; this set is 256 flat
// tables chosen by the top byte of a key's hash, each probed linearly
// from its low bits and doubled when three quarters full, so an insert
// touches one slot's cache line, mostly, and growing copies one small
// table at a time (at 1M keys, 128 KiB) rather than the whole set.
//
// The zero value is empty and ready to use.
type requestSet struct {
	tables [1 << requestSetBits]requestTable
	n      int
	sink   uint64 // what addMany's touches read, so they are not dropped
}

// requestTable is one table of a requestSet: a power-of-two number of
// slots, an empty one holding emptyRequest.
type requestTable struct {
	slots []requestKey
	n     int
}

const (
	requestSetBits   = 8
	requestTableMin  = 16 // slots of a table at its first key
	emptyRequestNIK  = math.MaxUint64
	requestHashMulLo = 0x9E3779B97F4A7C15
	requestHashMulHi = 0xC2B2AE3D27D4EB4F
)

// emptyRequest marks an empty slot: packNIK never gives MaxUint64 (16
// digits are below 10^16).
var emptyRequest = requestKey{nik: emptyRequestNIK}

// hashRequest mixes all 16 bytes of k: the high and low halves of one
// 128-bit product, as wyhash mixes.
func hashRequest(k requestKey) uint64 {
	hi, lo := bits.Mul64(k.nik^requestHashMulLo, (uint64(uint32(k.date))<<32|uint64(k.event))^requestHashMulHi)
	return hi ^ lo
}

// add adds k, a key whose nik is a packed 16-digit NIK, and reports
// whether it was new.
func (s *requestSet) add(k requestKey) bool {
	return s.addHashed(k, hashRequest(k))
}

// touchGroup is how many keys addMany touches before adding them.
const touchGroup = 32

// addMany adds keys in order and sets isNew[j] to whether keys[j] was
// new, as add would. It first reads the slot where each of touchGroup
// keys' probe begins, then adds them: those reads do not depend on one
// another, so their cache misses overlap instead of coming one after the
// other.
func (s *requestSet) addMany(keys []requestKey, isNew []bool) {
	var hs [touchGroup]uint64
	sink := s.sink
	for start := 0; start < len(keys); start += touchGroup {
		group := keys[start:min(start+touchGroup, len(keys))]
		for j, k := range group {
			h := hashRequest(k)
			hs[j] = h
			if t := &s.tables[h>>(64-requestSetBits)]; len(t.slots) > 0 {
				sink += t.slots[h&uint64(len(t.slots)-1)].nik
			}
		}
		for j, k := range group {
			isNew[start+j] = s.addHashed(k, hs[j])
		}
	}
	s.sink = sink
}

// addHashed is add of k whose hash is h.
func (s *requestSet) addHashed(k requestKey, h uint64) bool {
	t := &s.tables[h>>(64-requestSetBits)]
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &t.slots[i]
		if *e == k {
			return false
		}
		if e.nik == emptyRequestNIK {
			*e = k
			t.n++
			s.n++
			return true
		}
	}
}

// len returns the number of keys.
func (s *requestSet) len() int { return s.n }

// grow doubles t's slots (to requestTableMin the first time) and puts
// its keys back.
func (t *requestTable) grow() {
	old := t.slots
	t.slots = make([]requestKey, max(requestTableMin, 2*len(old)))
	for i := range t.slots {
		t.slots[i] = emptyRequest
	}
	mask := uint64(len(t.slots) - 1)
	for _, k := range old {
		if k.nik == emptyRequestNIK {
			continue
		}
		i := hashRequest(k) & mask
		for t.slots[i].nik != emptyRequestNIK {
			i = (i + 1) & mask
		}
		t.slots[i] = k
	}
}
