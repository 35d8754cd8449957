package source

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// countControlsBytes is countControls one byte at a time, the reference
// its eight-byte steps are checked against.
func countControlsBytes(p []byte) int64 {
	var n int64
	for _, c := range p {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A {
			n++
		}
	}
	return n
}

func TestCountControls(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// Bytes around the bounds the eight-byte test depends on.
	edges := []byte{0x00, 0x01, 0x1A, 0x1F, 0x20, 0x21, 0x7F, 0x80, 0x9F, 0xA0, 0xFF, '\t', '\n', '\r', '\f', '\v', 'A'}
	for range 20_000 {
		p := make([]byte, rng.IntN(40))
		for i := range p {
			if rng.IntN(3) == 0 {
				p[i] = edges[rng.IntN(len(edges))]
			} else {
				p[i] = byte(rng.IntN(256))
			}
		}
		for start := range min(len(p), 8) { // every alignment of the words
			if got, want := countControls(p[start:]), countControlsBytes(p[start:]); got != want {
				t.Fatalf("countControls(% x) = %d, want %d", p[start:], got, want)
			}
		}
	}
}

func FuzzCountControls(f *testing.F) {
	f.Add([]byte("nik,nama\n1771,\x01A\x1a\x7f"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if got, want := countControls(p), countControlsBytes(p); got != want {
			t.Fatalf("countControls(% x) = %d, want %d", p, got, want)
		}
	})
}

func TestTrimIndexSpace(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n ", "12", " 12", "12 \n", "\t1 2\n", "\r12\r", " \u00a012", "1\v"} {
		if got, want := trimIndexSpace([]byte(s)), bytes.Trim([]byte(s), " \t\n"); !bytes.Equal(got, want) {
			t.Errorf("trimIndexSpace(%q) = %q, want %q", s, got, want)
		}
	}
}
