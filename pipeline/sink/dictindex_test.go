package sink

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// textIndex and intIndex give the indices a map would: values met
// again get the index they were added with, new ones the next, through
// growth and after a reset; texts of every length (empty, short, and
// longer than the hash's 16-byte blocks) and texts that differ only in
// their last byte or their length.
func TestDictIndicesAreMaps(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	texts := []string{"", "a", "b", "ab", "ba", "abc", "abcd", "abcde", strings.Repeat("x", 16), strings.Repeat("x", 17),
		strings.Repeat("x", 16) + "y", strings.Repeat("xy", 40), strings.Repeat("xy", 40) + "z"}
	for i := range 3000 {
		texts = append(texts, fmt.Sprintf("NAMA %d", i), fmt.Sprintf("JL. KUALA LEMPUING NO. %d BLOK %d", i, i%7))
	}
	ti, ii := newTextIndex(), newIntIndex()
	for round := range 3 {
		want := map[string]int32{}
		wantInt := map[int32]int32{}
		for range 20000 {
			s := texts[r.IntN(len(texts))]
			x, added := ti.index([]byte(s))
			w, ok := want[s]
			if !ok {
				w = int32(len(want))
				want[s] = w
			}
			if x != w || added == ok {
				t.Fatalf("round %d: text %q: index %d, added %v; want %d, %v", round, s, x, added, w, !ok)
			}
			v := int32(r.Uint32())
			if r.IntN(4) > 0 {
				v = int32(r.IntN(5000) - 2500)
			}
			x, added = ii.index(v)
			w, ok = wantInt[v]
			if !ok {
				w = int32(len(wantInt))
				wantInt[v] = w
			}
			if x != w || added == ok {
				t.Fatalf("round %d: integer %d: index %d, added %v; want %d, %v", round, v, x, added, w, !ok)
			}
		}
		ti.reset()
		ii.reset()
	}
}

// BenchmarkDictIndices looks up a row group's worth of values (131,072)
// drawn from sets like the 1M benchmark set's columns: a few thousand
// names, a hundred places, two codes, a few hundred dates; the dictionary
// starts empty for each row group, as the mirror's does for each column
// chunk.
func BenchmarkDictIndices(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 9))
	for _, tc := range []struct {
		name     string
		distinct int
		text     func(k int) string
	}{
		{"names", 6000, func(k int) string { return fmt.Sprintf("SITI AMINAH %d", k) }},
		{"places", 129, func(k int) string { return fmt.Sprintf("GADING CEMPAKA %d", k) }},
		{"codes", 2, func(k int) string { return []string{"L", "P"}[k] }},
	} {
		vals := make([][]byte, parquetRowGroup)
		for i := range vals {
			vals[i] = []byte(tc.text(r.IntN(tc.distinct)))
		}
		b.Run("text/"+tc.name, func(b *testing.B) {
			t := newTextIndex()
			for range b.N {
				t.reset()
				for _, v := range vals {
					t.index(v)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vals)), "ns/value")
		})
	}
	dates := make([]int32, parquetRowGroup)
	for i := range dates {
		dates[i] = int32(18000 + r.IntN(362))
	}
	b.Run("int/dates", func(b *testing.B) {
		t := newIntIndex()
		for range b.N {
			t.reset()
			for _, v := range dates {
				t.index(v)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(dates)), "ns/value")
	})
}
