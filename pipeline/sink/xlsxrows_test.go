package sink

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// A sorted store past its memory share spills to a temporary file and
// still writes its rows in key order; the file is gone after close.
func TestRowStoreSpillsAndSorts(t *testing.T) {
	dir := t.TempDir()
	s := newRowStore(dir, []colSpec{{label: "x", min: 5, max: 30}}, true, "…")
	const n = 40_000
	for i := range n {
		s.add([]xcell{textCell(1, fmt.Sprintf("row %06d %s", i, strings.Repeat("x", 20)))},
			rowKey{region: "1771", order: int32(n - i), seq: i})
	}
	if s.spill == nil {
		t.Fatalf("%d bytes stored, nothing spilled", s.size)
	}
	s.order()
	var buf bytes.Buffer
	if err := s.writeRows(&buf, 10, 13); err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, i := range []int{n - 11, n - 12, n - 13} {
		want += fmt.Sprintf(`<row><c s="1" t="inlineStr"><is><t>row %06d %s</t></is></c></row>`, i, strings.Repeat("x", 20))
	}
	if buf.String() != want {
		t.Errorf("rows 10-12 in key order:\n got %.200s\nwant %.200s", buf.String(), want)
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A spilled store's pages are let go of as its rows are written
// (mapped.evict), and a sorted list is gathered a window at a time
// (writeSorted); the rows read the same, in either order, however often,
// whether a window holds many rows or only one (a row larger than the
// window).
func TestRowStoreEvictsAsItWrites(t *testing.T) {
	defer func(e int64) { evictEvery = e }(evictEvery)
	for _, c := range []struct {
		sorted bool
		window int64
	}{{false, 4096}, {true, 4096}, {true, 16}} {
		evictEvery = c.window
		sorted := c.sorted
		dir := t.TempDir()
		s := newRowStore(dir, []colSpec{{label: "x", min: 5, max: 30}}, sorted, "…")
		const n = 30_000
		for i := range n {
			s.add([]xcell{textCell(1, fmt.Sprintf("row %06d", i))}, rowKey{region: fmt.Sprint(1771 - i%3), order: int32(i % 7), seq: i})
		}
		if s.spill == nil {
			t.Fatalf("%d bytes stored, nothing spilled", s.size)
		}
		s.order()
		var got bytes.Buffer
		if err := s.writeRows(&got, 0, n); err != nil {
			t.Fatal(err)
		}
		// The same rows with nothing evicted: read back from the file.
		data, err := os.ReadFile(s.spill.Name())
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		for _, k := range s.keys {
			want.Write(data[k.off : k.off+int64(k.n)])
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("sorted=%v, window %d: rows written with eviction differ from the file's", sorted, c.window)
		}
		if !sorted && !strings.HasPrefix(got.String(), `<row><c s="1" t="inlineStr"><is><t>row 000000</t>`) {
			t.Errorf("arrival order does not begin with the first row: %.80s", got.String())
		}
		if err := s.close(); err != nil {
			t.Fatal(err)
		}
	}
}

// A sorted store orders its rows outside the province last, then by
// region code, print order (signed, MaxInt32 for no blank) and arrival,
// whether the keys arrived in seq order (the packed sort) or not (the
// field-by-field one).
func TestRowStoreOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	regions := []string{"1771", "1701", "1709", "3171", "1702"}
	orders := []int32{math.MaxInt32, math.MinInt32, -1, 0, 1, 2, 3, 1 << 20}
	for _, shuffled := range []bool{false, true} {
		s := newRowStore(t.TempDir(), []colSpec{{label: "x", min: 5, max: 30}}, true, "…")
		const n = 5000
		seqs := rng.Perm(n)
		if !shuffled {
			slices.Sort(seqs)
		}
		want := make([]rowKey, n)
		for i := range n {
			k := rowKey{region: regions[rng.IntN(len(regions))], order: orders[rng.IntN(len(orders))], seq: seqs[i]}
			k.outside = k.region == "3171" || k.region == "1702" && rng.IntN(2) == 0
			want[i] = k
			s.add([]xcell{textCell(1, fmt.Sprint(k.seq))}, k)
		}
		slices.SortFunc(want, func(a, b rowKey) int {
			return cmp.Or(compareBool(a.outside, b.outside), cmp.Compare(a.region, b.region),
				cmp.Compare(a.order, b.order), cmp.Compare(a.seq, b.seq))
		})
		s.order()
		for i, k := range s.keys {
			got := rowKey{outside: k.outside, region: s.regionNames[k.region], order: k.order, seq: int(k.seq)}
			if got != want[i] {
				t.Fatalf("shuffled=%v: key %d is %+v, want %+v", shuffled, i, got, want[i])
			}
		}
		var buf bytes.Buffer
		if err := s.writeRows(&buf, 0, 1); err != nil {
			t.Fatal(err)
		}
		if first := fmt.Sprintf("<t>%d</t>", want[0].seq); !strings.Contains(buf.String(), first) {
			t.Errorf("shuffled=%v: first row %s, want the one with %s", shuffled, buf.String(), first)
		}
		if err := s.close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSerialOfDay(t *testing.T) {
	day := func(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400 }
	for _, c := range []struct {
		y      int
		m      time.Month
		d      int
		serial float64
	}{
		{1900, 1, 1, 1}, {1900, 2, 28, 59}, {1900, 3, 1, 61}, {1970, 1, 1, 25569},
		{2020, 1, 1, 43831}, {2020, 12, 9, 44174}, {9999, 12, 31, 2958465},
	} {
		if got := serialOfDay(day(c.y, c.m, c.d)); got != c.serial {
			t.Errorf("%d-%02d-%02d: serial %v, want %v", c.y, c.m, c.d, got, c.serial)
		}
	}
	// The serial from an Arrow date32 is the one the workbook always gave
	// through time.Time, wherever a duration holds the distance.
	old := func(t time.Time) float64 {
		days := math.Round(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
		if t.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
			days--
		}
		return days
	}
	b := array.NewDate32Builder(memory.DefaultAllocator)
	defer b.Release()
	for d := day(1850, 1, 1); d <= day(2150, 12, 31); d++ {
		b.Append(arrow.Date32(d))
	}
	b.AppendNull()
	a := b.NewDate32Array()
	defer a.Release()
	col := dateCol{a}
	for i := range a.Len() - 1 {
		want := old(a.Value(i).ToTime())
		if c := col.cell(3, i); c.kind != cellNumber || c.style != 3 || c.num != want {
			t.Fatalf("%s: cell %+v, want the number %v", a.Value(i).FormattedString(), c, want)
		}
		if got := excelSerial(a.Value(i).ToTime().Add(13 * time.Hour)); got != want {
			t.Fatalf("%s 13:00: serial %v, want %v", a.Value(i).FormattedString(), got, want)
		}
	}
	if c := col.cell(3, a.Len()-1); c.kind != cellEmpty {
		t.Errorf("null date: cell %+v, want an empty cell", c)
	}
}
