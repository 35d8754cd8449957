package sink

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"readiness/pipeline"
)

// crc32Combine gives the CRC-32 of two pieces joined, whatever their
// lengths.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {3, 1000}, {1000, 3}, {4096, 65537}, {70000, 1 << 20}} {
		a, b := make([]byte, n[0]), make([]byte, n[1])
		for i := range a {
			a[i] = byte(rng.IntN(256))
		}
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		want := crc32.ChecksumIEEE(append(slices.Clone(a), b...))
		if got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b))); got != want {
			t.Errorf("%d + %d bytes: %08x, want %08x", n[0], n[1], got, want)
		}
	}
}

// What a segmentWriter writes is one deflate stream that inflates to
// what was written and the segments added, in order, wherever the
// segments fall (first, last, side by side, empty), with the CRC-32 and
// size of the whole.
func TestSegmentWriterIsOneStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const row = `<row><c s="6" t="s"><v>12</v></c><c s="8" t="inlineStr"><is><t>1701010101900006</t></is></c></row>`
	text := func(n int) []byte { // compressible, with some noise
		b := make([]byte, n)
		for i := range b {
			if rng.IntN(8) == 0 {
				b[i] = byte(rng.IntN(256))
			} else {
				b[i] = row[i%len(row)]
			}
		}
		return b
	}
	seg := func(p []byte) segment {
		s, err := deflateSegment(func(w io.Writer) error {
			for len(p) > 0 { // in pieces, as rows are written
				k := min(len(p), 1+rng.IntN(5000))
				if _, err := w.Write(p[:k]); err != nil {
					return err
				}
				p = p[k:]
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, c := range []string{"", "w", "s", "wsw", "ssw", "wss", "sws", "wswswsw", "s0w", "w0s0w"} {
		var want, out bytes.Buffer
		w, err := newSegmentWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range c {
			switch part {
			case 'w':
				p := text(rng.IntN(200_000))
				want.Write(p)
				if _, err := w.Write(p); err != nil {
					t.Fatal(err)
				}
			case 's', '0':
				p := text(rng.IntN(300_000))
				if part == '0' {
					p = nil
				}
				want.Write(p)
				if err := w.add(seg(p)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(out.Bytes())))
		if err != nil {
			t.Fatalf("%q: %v", c, err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q: inflated to %d bytes, not the %d written", c, len(got), want.Len())
		}
		if w.crc != crc32.ChecksumIEEE(want.Bytes()) || w.n != int64(want.Len()) || w.out.n != int64(out.Len()) {
			t.Errorf("%q: crc %08x, in %d, out %d; want %08x, %d, %d", c, w.crc, w.n, w.out.n,
				crc32.ChecksumIEEE(want.Bytes()), want.Len(), out.Len())
		}
	}
}

// A regency's print and recording lists keep only their rows' keys and
// read the province's rows, spilled to its file, as the workbooks are
// written side by side; the file goes once the last of them is written.
// The workbooks read back as written alone.
func TestWorkbooksBorrowSpilledRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 6000 {
		region, status := []string{"1701", "1771", "3171"}[i%3], []string{"NEEDS_PRINT", "NEEDS_RECORDING"}[i%7/6]
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"nik":"%s01010190%04d","nama":"ORANG KE %d","tanggal_lahir":"1990-01-01","region_code":"%s","alamat":"JL. PANJANG SEKALI NOMOR %d RT %d RW %d","status":"%s","events":["RUSAK"],"flags":[],"rows":1,"sources":["in/x.csv||%d"]}`,
			region, i, i, region, i, i%13, i%17, status, i+2)
	}
	b.WriteString("]")
	batches := []batch{{pipeline.TablePersons, b.String()}, {pipeline.TableSummary, summaryJSON}}
	regencies := []Regency{{"1701", "BENGKULU SELATAN"}, {"1771", "KOTA BENGKULU"}}
	shared := t.TempDir()
	s := NewWorkbooks(shared, testInfo, true, regencies)
	rec := fromJSON(t, newMem(t), pipeline.PersonSchema, batches[0].json)
	err := s.Write(context.Background(), pipeline.TablePersons, rec)
	rec.Release()
	if err != nil {
		t.Fatal(err)
	}
	print := s.province.stores[listPrint]
	if print.spill == nil {
		t.Fatalf("the province's print list holds %d bytes, not spilled", print.size)
	}
	spill := print.spill.Name()
	for _, r := range s.reports[1:] {
		for _, k := range []listKind{listPrint, listRecording} {
			if st := r.stores[k]; st.src != s.province.stores[k] || st.spill != nil || st.buf.Len() != 0 || st.rows() == 0 {
				t.Errorf("%s, list %d: source %p, file %v, %d bytes buffered, %d rows; want the province's rows only",
					r.info.Scope, k, st.src, st.spill, st.buf.Len(), st.rows())
			}
		}
	}
	if err := run(t, s, batches[1:]); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(spill); !os.IsNotExist(err) {
		t.Errorf("the province's print list file is still there: %v", err)
	}
	alone := t.TempDir()
	for _, rg := range append([]Regency{{}}, regencies...) {
		r := NewWorkbooks(alone, testInfo, true, nil)
		if rg.Code != "" {
			r = NewWorkbooks(alone, testInfo, false, []Regency{rg})
		}
		if err := run(t, r, batches); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range s.Files() {
		a, b := filepath.Join(shared, f), filepath.Join(alone, f)
		sameParts(t, f, resolveShared(t, f, zipParts(t, a)), resolveShared(t, f, zipParts(t, b)))
	}
	var left []string
	_ = filepath.WalkDir(shared, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".xlsx") {
			left = append(left, path)
		}
		return err
	})
	if len(left) > 0 {
		t.Errorf("files left besides the workbooks: %q", left)
	}
}

// The regencies' runs of the print and recording lists are deflated
// once for their workbook and the province's when the run lies within
// one sheet of the province's list, and both workbooks take the run; a
// run across two of the province's sheets is deflated by each workbook
// on its own. Either way
// every workbook reads back the same, part for part, as written alone.
func TestWorkbooksDeflateSharedRunsOnce(t *testing.T) {
	for _, c := range []struct {
		maxRows          int // the province's rows per list sheet
		print, recording []string
	}{
		{0, []string{"1701", "1771"}, []string{"1709", "1771"}},
		// The print list's 4 rows continue: 1701's run is row 1 of the
		// first sheet, 1771's rows 2 and 3, across two.
		{2, []string{"1701"}, []string{"1709", "1771"}},
	} {
		shared := t.TempDir()
		s := NewWorkbooks(shared, testInfo, true, sharedRegencies)
		s.province.maxRows = c.maxRows
		if err := run(t, s, sharedBatches); err != nil {
			t.Fatal(err)
		}
		for k, want := range map[listKind][]string{listPrint: c.print, listRecording: c.recording} {
			runs := s.province.stores[k].runs
			if got := slices.Sorted(maps.Keys(runs)); !slices.Equal(got, want) {
				t.Errorf("max rows %d, list %d: shared runs of %q, want %q", c.maxRows, k, got, want)
			}
			for code, run := range runs {
				if n := run.users.Load(); n != 0 {
					t.Errorf("max rows %d, list %d, %s: %d workbooks did not take the run", c.maxRows, k, code, n)
				}
				for _, r := range s.reports[1:] {
					if got := r.stores[k].runs[code]; (r.info.Scope == code) != (got == run) {
						t.Errorf("max rows %d, list %d: %s's workbook has run %p of %s", c.maxRows, k, r.info.Scope, got, code)
					}
				}
			}
		}
		alone := t.TempDir()
		for _, rg := range append([]Regency{{}}, sharedRegencies...) {
			r := NewWorkbooks(alone, testInfo, true, nil)
			r.province.maxRows = c.maxRows
			if rg.Code != "" {
				r = NewWorkbooks(alone, testInfo, false, []Regency{rg})
			}
			if err := run(t, r, sharedBatches); err != nil {
				t.Fatal(err)
			}
			for _, st := range r.reports[0].stores {
				if st.runs != nil {
					t.Errorf("%q alone shares runs", r.Files())
				}
			}
		}
		for _, f := range s.Files() {
			a, b := filepath.Join(shared, f), filepath.Join(alone, f)
			sameParts(t, f, resolveShared(t, f, zipParts(t, a)), resolveShared(t, f, zipParts(t, b)))
			sameCells(t, f, openRaw(t, a), openRaw(t, b))
			if c.maxRows == 2 && f == ReportFile && !strings.Contains(strings.Join(openRaw(t, a).GetSheetList(), "|"), "Cetak KTP (2)") {
				t.Errorf("the province's print list does not continue: %q", openRaw(t, a).GetSheetList())
			}
		}
	}
}
