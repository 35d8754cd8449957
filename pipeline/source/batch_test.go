package source

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// batchCall is one call a reader makes on a batch.
type batchCall struct {
	expect     int // when >= 0, expect(expect) before the row
	lay        *layout
	row        int
	cells      []string
	nikNumeric bool
	warns      []string
	validUTF8  bool
}

// batchCalls returns the calls of a reader of a made-up table: rows of
// one to three layouts (files, sheets, absent columns), short and long
// rows, empty, escaped, invalid and over-long cells, warnings, and
// expected row counts right, wrong and unknown.
func batchCalls(seed uint64, rows int) []batchCall {
	rng := rand.New(rand.NewPCG(seed, seed>>32|1))
	texts := []string{"", "", "", "abc", "1705014101900001", "x\r", "JL. MERDEKA NO. 1", `say "hi" \ bye`,
		"\x01ctl\nline\ttab", "José ✓", "bad \xff\xfe utf-8", " ", "\r", "日本語テキスト"}
	cols := pipeline.InputColumns()
	var lays []*layout
	for k := range 1 + rng.IntN(3) {
		w := 3 + rng.IntN(22)
		header := make([]string, w)
		for i := range header {
			header[i] = []string{"", "NIK", "Nama", `Kolom "X"`, "alamat\r", fmt.Sprintf("H%d", i)}[rng.IntN(6)]
		}
		m := map[int]string{}
		for _, i := range rng.Perm(w)[:1+rng.IntN(w)] {
			if c := cols[rng.IntN(len(cols))]; !slices.Contains(mapValues(m), c) {
				m[i] = c
			}
		}
		lays = append(lays, newLayout(fmt.Sprintf("kab/kota-%d.xlsx", k), []string{"", "Sheet1", "Data Ü"}[rng.IntN(3)], header, m))
	}
	var calls []batchCall
	lay := lays[0]
	validUTF8 := false
	for r := range rows {
		if rng.IntN(100) == 0 {
			lay = lays[rng.IntN(len(lays))]
		}
		if rng.IntN(200) == 0 {
			validUTF8 = !validUTF8
		}
		c := batchCall{expect: -1, lay: lay, row: r + 2, nikNumeric: rng.IntN(3) == 0, validUTF8: validUTF8}
		switch rng.IntN(50) {
		case 0:
			c.expect = 0
		case 1:
			c.expect = rows - r
		case 2:
			c.expect = rng.IntN(3 * rows)
		}
		n := rng.IntN(len(lay.keys) + 4)
		if rng.IntN(4) == 0 {
			n = len(lay.keys)
		}
		for range n {
			s := texts[rng.IntN(len(texts))]
			switch rng.IntN(400) {
			case 0:
				s = strings.Repeat("é", maxCellChars+rng.IntN(3)) // cut to maxCellChars
			case 1:
				s = strings.Repeat("a", maxCellChars-1+rng.IntN(3))
			}
			c.cells = append(c.cells, s)
		}
		if rng.IntN(20) == 0 {
			c.warns = []string{pipeline.WarnFormulaNoCache}
		}
		calls = append(calls, c)
	}
	return calls
}

func mapValues(m map[int]string) []string {
	var vs []string
	for _, v := range m {
		vs = append(vs, v)
	}
	return vs
}

// runBatch makes the calls on a new batch (the reference one when ref)
// and returns the records it emitted, which the caller releases.
func runBatch(t testing.TB, mem memory.Allocator, ref bool, size int, calls []batchCall) []arrow.Record {
	t.Helper()
	var recs []arrow.Record
	emit := func(rec arrow.Record) error {
		rec.Retain()
		recs = append(recs, rec)
		return nil
	}
	// The batch's records get every row's original, as the runner writes
	// them when it must (pipeline.WithOriginals), which must be what the
	// reference wrote; asked for last row first, they must be the same.
	emitOrig := func(rec arrow.Record, orig pipeline.Originals) error {
		if o := rec.Column(rec.Schema().FieldIndices(pipeline.ColOriginal)[0]); o.NullN() != o.Len() {
			t.Fatalf("%d originals in a batch emitted, want none", o.Len()-o.NullN())
		}
		back := make([]string, rec.NumRows())
		for i := len(back) - 1; i >= 0; i-- {
			back[i] = string(orig.AppendOriginal(nil, i))
		}
		all, err := pipeline.WithOriginals(mem, rec, orig, nil)
		if err != nil {
			return err
		}
		got := all.Column(all.Schema().FieldIndices(pipeline.ColOriginal)[0]).(*array.String)
		for i, want := range back {
			if got.Value(i) != want {
				t.Fatalf("row %d: original %s in order, %s asked for last row first", i, got.Value(i), want)
			}
		}
		recs = append(recs, all)
		return nil
	}
	type batcher interface {
		add(*layout, int, []string, bool, []string) error
		expect(int)
		flush() error
		release()
	}
	var (
		b     batcher
		valid func(bool)
	)
	if ref {
		rb := newRefBatch(context.Background(), mem, size, emit)
		b, valid = rb, func(v bool) { rb.validUTF8 = v }
	} else {
		nb := newBatch(context.Background(), mem, size, emitOrig)
		b, valid = nb, func(v bool) { nb.validUTF8 = v }
	}
	defer b.release()
	for _, c := range calls {
		if c.expect >= 0 {
			b.expect(c.expect)
		}
		valid(c.validUTF8)
		if err := b.add(c.lay, c.row, slices.Clone(c.cells), c.nikNumeric, c.warns); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	return recs
}

// checkSameBatches fails unless batch emits what the reference batch,
// built through Arrow's builders, emits for calls: the same records, down
// to the offsets of every string column, nulls included.
func checkSameBatches(t *testing.T, size int, calls []batchCall) {
	t.Helper()
	memRef := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer memRef.AssertSize(t, 0)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	want := runBatch(t, memRef, true, size, calls)
	got := runBatch(t, mem, false, size, calls)
	defer func() {
		for _, r := range append(want, got...) {
			r.Release()
		}
	}()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for k := range want {
		if !array.RecordEqual(got[k], want[k]) {
			t.Fatalf("record %d differs:\n%v\nwant\n%v", k, got[k], want[k])
		}
		for i := range int(want[k].NumCols()) {
			g, w := got[k].Column(i), want[k].Column(i)
			if g.NullN() != w.NullN() {
				t.Fatalf("record %d column %s: %d nulls, want %d", k, want[k].ColumnName(i), g.NullN(), w.NullN())
			}
			if ws, ok := w.(*array.String); ok {
				gs := g.(*array.String)
				if !slices.Equal(gs.ValueOffsets(), ws.ValueOffsets()) || !bytes.Equal(gs.ValueBytes(), ws.ValueBytes()) {
					t.Fatalf("record %d column %s: offsets differ", k, want[k].ColumnName(i))
				}
			}
		}
	}
}

// TestBatchSameAsBuilders: batch fills its buffers itself; it must emit
// what Arrow's builders made of the same rows, batch by batch, in batches
// below and above sizeAfter.
func TestBatchSameAsBuilders(t *testing.T) {
	for _, tc := range []struct {
		seed       uint64
		rows, size int
	}{
		{1, 0, 100},
		{2, 1, 100},
		{3, 50, 1},
		{4, 300, 7},
		{5, 2000, sizeAfter - 1},
		{6, 2000, sizeAfter},
		{7, 3000, 1000},
		{8, 5000, 4096},
		{9, 1500, 2000},
	} {
		t.Run(fmt.Sprintf("seed %d, %d rows, batches of %d", tc.seed, tc.rows, tc.size), func(t *testing.T) {
			checkSameBatches(t, tc.size, batchCalls(tc.seed, tc.rows))
		})
	}
}

func FuzzBatch(f *testing.F) {
	f.Add(uint64(1), uint16(40), uint16(3))
	f.Add(uint64(2), uint16(1200), uint16(600))
	f.Fuzz(func(t *testing.T, seed uint64, rows, size uint16) {
		checkSameBatches(t, 1+int(size%2048), batchCalls(seed, int(rows%4096)))
	})
}

// BenchmarkBatch measures building RawSchema batches of rows like a
// regional CSV's: 21 columns, 19 of them canonical. The builders write
// every row's original, as batch did before; batch writes none (a run
// asks it for the rejected rows' only).
func BenchmarkBatch(b *testing.B) {
	header := []string{"NIK", "NKK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN", "STATUS KAWIN",
		"NAMA IBU", "ALAMAT", "RT", "RW", "KELURAHAN", "KECAMATAN", "KABUPATEN/KOTA", "JENIS PERUBAHAN",
		"TANGGAL PENGAJUAN", "STATUS LAYANAN", "TANGGAL LAYANAN", "KABUPATEN TUJUAN", "KETERANGAN", "PETUGAS"}
	m, ok := MatchHeader(header)
	if !ok {
		b.Fatal("header not matched")
	}
	lay := newLayout("kab/kota.csv", "", header, m)
	cells := []string{"1705014101900001", "1705010101900001", "SITI AMINAH", "BENGKULU", "01-01-1990", "P", "KAWIN",
		"FATIMAH", "JL. MERDEKA NO. 1", "001", "002", "KEBUN TEBENG", "RATU AGUNG", "KOTA BENGKULU", "KTP HILANG",
		"2020-05-01", "SELESAI", "2020-05-03", "", "DATANG SENDIRI", "ANDI"}
	for _, ref := range []bool{false, true} {
		name := "direct"
		if ref {
			name = "builders"
		}
		b.Run(name, func(b *testing.B) {
			mem := memory.NewGoAllocator()
			type batcher interface {
				add(*layout, int, []string, bool, []string) error
				expect(int)
				flush() error
				release()
			}
			var bt batcher = newBatch(context.Background(), mem, pipeline.DefaultBatchSize,
				func(arrow.Record, pipeline.Originals) error { return nil })
			if ref {
				bt = newRefBatch(context.Background(), mem, pipeline.DefaultBatchSize, func(arrow.Record) error { return nil })
			}
			defer bt.release()
			bt.expect(b.N)
			row := make([]string, len(cells))
			b.ReportAllocs()
			for i := range b.N {
				copy(row, cells)
				if err := bt.add(lay, i+2, row, false, nil); err != nil {
					b.Fatal(err)
				}
			}
			if err := bt.flush(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// TestAppendJSONStringEscapes: every byte that needs escaping is escaped
// wherever it stands among the eight bytes appendJSONString looks at at
// once, and the JSON reads back as the text.
func TestAppendJSONStringEscapes(t *testing.T) {
	escapes := map[byte]string{'"': `\"`, '\\': `\\`, '\n': `\n`, '\r': `\r`, '\t': `\t`, 0x00: `\u0000`, 0x1f: `\u001f`, 0x7f: "\x7f"}
	for c, esc := range escapes {
		for n := range 20 {
			for at := range n {
				for _, pre := range []string{"", "é", "日"} {
					in := pre + strings.Repeat("a", at) + string(c) + strings.Repeat("b", n-at-1)
					want := `"` + pre + strings.Repeat("a", at) + esc + strings.Repeat("b", n-at-1) + `"`
					if got := string(appendJSONString(nil, in)); got != want {
						t.Fatalf("appendJSONString(%q) = %s, want %s", in, got, want)
					}
					var back string
					if err := json.Unmarshal([]byte(want), &back); err != nil || back != in {
						t.Fatalf("%s reads back as %q (%v), want %q", want, back, err, in)
					}
				}
			}
		}
	}
}

// TestBatchOriginals: a row's original, written after the batch is built
// from its canonical columns and the cells the batch keeps, is its cells
// as the file holds them: a canonical cell's trailing "\r" (which its
// column drops), cells no canonical column reads, missing cells empty,
// cells beyond the header keyed by column letter when not empty, rows of
// two layouts in one batch, asked for in any order.
func TestBatchOriginals(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	layoutOf := func(sheet string, header ...string) *layout {
		m, ok := MatchHeader(header)
		if !ok {
			t.Fatalf("header %q not matched", header)
		}
		return newLayout("kab.xlsx", sheet, header, m)
	}
	a := layoutOf("A", "NIK", "Catatan", "NAMA", "Jenis Perubahan")
	b := layoutOf("B", "NAMA", "NIK", "", "Jenis Perubahan", "NAMA")
	rows := []struct {
		lay   *layout
		cells []string
		want  string
	}{
		{a, []string{"1705", "note", "SITI", "RUSAK"}, `{"NIK":"1705","Catatan":"note","NAMA":"SITI","Jenis Perubahan":"RUSAK"}`},
		{a, []string{"1705", `say "hi"`}, `{"NIK":"1705","Catatan":"say \"hi\"","NAMA":"","Jenis Perubahan":""}`},
		{a, []string{"1\r", "c\r", "N\r", "E"}, `{"NIK":"1\r","Catatan":"c\r","NAMA":"N\r","Jenis Perubahan":"E"}`},
		{b, []string{"SITI", "1705", "x", "MATI", "ALIAS", "", "extra", ""}, `{"NAMA":"SITI","NIK":"1705","C":"x","Jenis Perubahan":"MATI","NAMA (2)":"ALIAS","G":"extra"}`},
		{b, []string{"S\r", "2", "", "M", "", "", "", "z\r"}, `{"NAMA":"S\r","NIK":"2","C":"","Jenis Perubahan":"M","NAMA (2)":"","H":"z\r"}`},
		{a, nil, `{"NIK":"","Catatan":"","NAMA":"","Jenis Perubahan":""}`},
		{a, []string{"3", "", "", "", "", "six"}, `{"NIK":"3","Catatan":"","NAMA":"","Jenis Perubahan":"","F":"six"}`},
	}
	emitted := 0
	bt := newBatch(context.Background(), mem, 100, func(rec arrow.Record, orig pipeline.Originals) error {
		emitted++
		nik := rec.Column(rec.Schema().FieldIndices(pipeline.ColNIK)[0]).(*array.String)
		for _, i := range []int{3, 0, 6, 2, 5, 1, 4, 2} {
			if got := string(orig.AppendOriginal(nil, i)); got != rows[i].want {
				t.Errorf("row %d: original\n got %s\nwant %s", i, got, rows[i].want)
			}
		}
		if nik.Value(2) != "1" || nik.Value(4) != "2" {
			t.Errorf("nik column %v: a trailing \\r kept", nik)
		}
		return nil
	})
	defer bt.release()
	for k, r := range rows {
		if err := bt.add(r.lay, k+2, slices.Clone(r.cells), false, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := bt.flush(); err != nil {
		t.Fatal(err)
	}
	if emitted != 1 {
		t.Fatalf("%d batches emitted, want 1", emitted)
	}
}
