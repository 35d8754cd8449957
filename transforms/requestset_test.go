package transforms

import (
	"math/rand/v2"
	"testing"
)

// The set answers as a Go map of the same keys does, through every
// table's growth, with keys that differ in one field only and NIK 0.
func TestRequestSet(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s requestSet
	want := make(map[requestKey]bool)
	for i := range 200_000 {
		k := requestKey{nik: r.Uint64N(3000), date: int32(r.IntN(40)) - 20, event: uint32(r.IntN(6))}
		if i%7 == 0 {
			k.nik = r.Uint64N(1e16) // mostly new
		}
		if got := s.add(k); got != !want[k] {
			t.Fatalf("add #%d: new=%v, want %v", i, got, !want[k])
		}
		want[k] = true
	}
	if s.len() != len(want) {
		t.Fatalf("len %d, want %d", s.len(), len(want))
	}
	for k := range want {
		if s.add(k) {
			t.Fatalf("a key seen before came back as new")
		}
	}
}
