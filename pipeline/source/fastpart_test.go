package source

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/fixtures"
	"readiness/pipeline"
)

// passCorpus gathers the workbooks of the equivalence tests (fixtures,
// committed samples, excelize's forms and the forms other writers use or
// the fast reader leaves to excelize) and a few made to meet a window's
// end at awkward places.
func passCorpus(t *testing.T) map[string][]byte {
	files := map[string][]byte{}
	err := fs.WalkDir(fixtures.Inputs, "inputs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".xlsx") {
			return err
		}
		files[p], err = fs.ReadFile(fixtures.Inputs, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob("testdata/xlsx/*.xlsx")
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	for n, b := range excelizeCorpus(t) {
		files[n] = b
	}
	usual, unusual := patchedCorpus(t)
	for n, b := range usual {
		files["usual/"+n] = b
	}
	for n, b := range unusual {
		files["unusual/"+n] = b
	}
	base := fuzzBase(t)
	const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="` + nsMain + `"><si><t>NIK</t></si><si><t>NAMA</t></si><si><t>Jenis Perubahan</t></si></sst>`
	head := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<worksheet xmlns="` + nsMain + `"><sheetData>` +
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`
	long := strings.Repeat("panjang &amp; é 日本 ", 3000)
	for name, body := range map[string]string{
		"long-row": `<row r="2"><c r="A2"><v>1705014101900001</v></c><c r="B2" t="inlineStr"><is><t>` + long + `</t></is></c></row>` +
			`<row r="3"><c r="A3"><v>1705014101900002</v></c><c r="B3" t="inlineStr"><is><t>pendek</t></is></c></row></sheetData></worksheet>`,
		"trailing-space": `<row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>` + strings.Repeat(" \n", 100),
		"cdata-late":     strings.Repeat(`<row><c><v>1</v></c></row>`, 400) + `</sheetData><extLst><ext><![CDATA[x]]></ext></extLst></worksheet>`,
		"entity-late":    strings.Repeat(`<row><c t="inlineStr"><is><t>a&amp;b</t></is></c></row>`, 400) + `<row><c t="inlineStr"><is><t>&nbsp;</t></is></c></row></sheetData></worksheet>`,
		"bad-utf8-late":  strings.Repeat(`<row><c t="inlineStr"><is><t>é</t></is></c></row>`, 400) + "<row><c t=\"inlineStr\"><is><t>\xc3</t></is></c></row></sheetData></worksheet>",
		"cut-short":      strings.Repeat(`<row><c><v>1</v></c></row>`, 400),
	} {
		files["made/"+name+".xlsx"] = withParts(t, base, []byte(head+body), []byte(sst))
	}
	return files
}

// partCase is one worksheet part of a workbook, with the shared strings
// the fast reader would take for it (nil if none).
type partCase struct {
	name string
	zf   *zip.File
	sst  *sharedStrings
}

func workbookParts(t *testing.T, name string, data []byte) []partCase {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var sst *sharedStrings
	for _, zf := range zr.File {
		if zf.Name == "xl/sharedStrings.xml" {
			x, err := inflatePart(zf)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			sst, _ = parseSST(x)
		}
	}
	if sst == nil {
		sst, _ = parseSST(nil)
	}
	var out []partCase
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
			out = append(out, partCase{name + "!" + zf.Name, zf, sst})
		}
	}
	return out
}

// loggedRow is a row as the fast reader hands it over.
type loggedRow struct {
	n     int
	cells []string
	meta  []cellMeta
}

func collect(rows *[]loggedRow) rowFunc {
	return func(n int, cells []string, meta []cellMeta) (bool, error) {
		*rows = append(*rows, loggedRow{n, append([]string{}, cells...), append([]cellMeta{}, meta...)})
		return false, nil
	}
}

// The pass over a part, through any window, finds what fastChecked and
// scanRows find over the part held whole: the same checks, the same rows
// handed over, the same place where excelize must take over.
func TestPartPassWindows(t *testing.T) {
	files := passCorpus(t)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	parts, scanned := 0, 0
	for _, n := range names {
		for _, pc := range workbookParts(t, n, files[n]) {
			parts++
			x, err := inflatePart(pc.zf)
			if err != nil {
				t.Fatalf("%s: %v", pc.name, err)
			}
			checked := fastChecked(x)
			var want []loggedRow
			var wdone bool
			var wlast int
			if checked && len(x) > 0 {
				scanned++
				wdone, wlast, _ = scanRows(x, pc.sst, collect(&want))
			}
			for _, window := range []int{1, 2, 3, 7, 64, 1000, partWindow} {
				pr, err := readPart(pc.zf, pc.sst, window, maxWindow)
				if err != nil {
					t.Fatalf("%s, window %d: %v", pc.name, window, err)
				}
				if !pr.regular || pr.size != uint64(len(x)) || pr.checked != checked || pr.hint != sheetRowsHint(x) ||
					pr.scanned != (checked && len(x) > 0) {
					t.Fatalf("%s, window %d: regular %v, size %d, checked %v, hint %d, scanned %v; want %d bytes, checked %v, hint %d",
						pc.name, window, pr.regular, pr.size, pr.checked, pr.hint, pr.scanned, len(x), checked, sheetRowsHint(x))
				}
				if !pr.scanned {
					continue
				}
				var got []loggedRow
				done, last, err := pr.log.replay(pc.sst, collect(&got), pr.done, pr.last, true)
				if err != nil || done != wdone || last != wlast || !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, window %d: done %v, last %d, %d rows (%v); whole part: done %v, last %d, %d rows",
						pc.name, window, done, last, len(got), err, wdone, wlast, len(want))
				}
			}
		}
	}
	if scanned < 50 {
		t.Fatalf("only %d of %d parts scanned", scanned, parts)
	}
}

// Where a row (or what comes before <sheetData>) is longer than the
// window may grow, the fast reader stops there and excelize reads on:
// the source reads every workbook the same as excelize alone, through
// the smallest windows.
func TestPartPassHandsOver(t *testing.T) {
	files := passCorpus(t)
	for _, size := range []struct{ window, limit int }{{1, 1}, {1, 100}, {16, 600}, {1, 5000}} {
		for n, data := range files {
			name := fmt.Sprintf("%s (window %d, limit %d)", n, size.window, size.limit)
			got, gres, gerr := readWindowed(t, size.window, size.limit, n, data)
			want, wres, werr := readWith(t, true, n, data)
			if fmt.Sprint(gerr) != fmt.Sprint(werr) || fmt.Sprint(gres) != fmt.Sprint(wres) {
				t.Errorf("%s: %v %v; excelize alone %v %v", name, gres, gerr, wres, werr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %d rows, excelize alone %d", name, len(got), len(want))
			}
		}
	}
}

// readWindowed reads data through the source with the fast reader's pass
// through windows of the sizes given.
func readWindowed(t *testing.T, window, limit int, path string, data []byte) ([]gotRow, []pipeline.SheetResult, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []gotRow
	r := &reader{opts: Options{TmpDir: t.TempDir()}, window: window, windowLimit: limit}
	res, err := r.Read(context.Background(), mem, memInput(path, data), 1000, func(rec arrow.Record, orig pipeline.Originals) error {
		rows = append(rows, recordRows(t, rec, orig)...)
		return nil
	})
	return rows, res, err
}

// FuzzPartPass compares the pass over a sheet part, through a window of
// the size given, with fastChecked and scanRows over the part held whole.
func FuzzPartPass(f *testing.F) {
	base := fuzzBase(f)
	const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="` + nsMain + `">` +
		`<si><t>NIK</t></si><si><t>NAMA</t></si><si><t>Jenis Perubahan</t></si><si><r><t>A</t></r><r><rPr><b/></rPr><t>_x0042_</t></r></si></sst>`
	f.Add([]byte(`<worksheet xmlns="`+nsMain+`"><sheetData>`+
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`+
		`<row r="3"><c r="A3"><v>1705014101900001</v></c><c r="B3" t="s"><v>3</v></c><c r="C3" t="inlineStr"><is><t>MATI</t></is></c></row>`+
		`</sheetData></worksheet>`), uint16(5))
	f.Add([]byte(`<?xml version="1.0"?><x:worksheet xmlns:x="`+nsMain+`"><x:sheetData><x:row><x:c><x:v>1&amp;2</x:v><x:f>A1</x:f></x:c></x:row></x:sheetData></x:worksheet>`), uint16(1))
	f.Fuzz(func(t *testing.T, sheet []byte, window uint16) {
		data := withParts(t, base, sheet, []byte(sst))
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := parseSST([]byte(sst))
		for _, zf := range zr.File {
			if zf.Name != "xl/worksheets/sheet1.xml" {
				continue
			}
			x, _ := inflatePart(zf)
			checked := fastChecked(x)
			var want, got []loggedRow
			var wdone bool
			var wlast int
			if checked && len(x) > 0 {
				wdone, wlast, _ = scanRows(x, s, collect(&want))
			}
			pr, err := readPart(zf, s, int(window)+1, maxWindow)
			if err != nil || pr.checked != checked || pr.hint != sheetRowsHint(x) {
				t.Fatalf("window %d: checked %v, hint %d (%v); want %v, %d", window+1, pr.checked, pr.hint, err, checked, sheetRowsHint(x))
			}
			if !pr.scanned {
				return
			}
			done, last, _ := pr.log.replay(s, collect(&got), pr.done, pr.last, true)
			if done != wdone || last != wlast || !reflect.DeepEqual(got, want) {
				t.Fatalf("window %d: done %v, last %d, rows %v; whole part: done %v, last %d, rows %v", window+1, done, last, got, wdone, wlast, want)
			}
		}
	})
}

// The pass's checks, with every boundary between two reads falling
// inside what they look for: "]]>", an entity, a rune of several bytes,
// the end tag followed by white space.
func TestPartPassChecks(t *testing.T) {
	const ws = `<worksheet xmlns="` + nsMain + `"><sheetData/>`
	for _, tt := range []struct {
		name, part string
	}{
		{"plain", ws + `</worksheet>`},
		{"cdata", ws + `<a>]]></a></worksheet>`},
		{"brackets", ws + `<a>]] ]>]</a></worksheet>`},
		{"entities", ws + `<a>&amp;&#x41;&#66;&quot;</a></worksheet>`},
		{"unknown entity", ws + `<a>&nbsp;</a></worksheet>`},
		{"bare ampersand", ws + `<a>& amp;</a></worksheet>`},
		{"runes", ws + `<a>é日本😀</a></worksheet>`},
		{"bad rune", ws + "<a>\xe6\x97</a></worksheet>"},
		{"control", ws + "<a>\x01</a></worksheet>"},
		{"trailing space", ws + `</worksheet>` + strings.Repeat(" ", 63)},
		{"too much trailing space", ws + `</worksheet>` + strings.Repeat(" ", 70)},
		{"prefixed end", ws + `</x:worksheet >`},
		{"cut short", ws},
	} {
		data := withParts(t, fuzzBase(t), []byte(tt.part), []byte(`<sst xmlns="`+nsMain+`"/>`))
		for _, pc := range workbookParts(t, tt.name, data) {
			x, _ := inflatePart(pc.zf)
			want := fastChecked(x)
			for window := 1; window <= 9; window++ {
				for _, sst := range []*sharedStrings{nil, pc.sst} {
					pr, err := readPart(pc.zf, sst, window, maxWindow)
					if err != nil || pr.checked != want {
						t.Errorf("%s, window %d, shared strings %v: checked %v (%v), fastChecked %v", tt.name, window, sst != nil, pr.checked, err, want)
					}
				}
			}
		}
	}
}

// inPlace is a reader like the runner's snapshot: an io.ReaderAt with a
// Size, whose Read must not be called.
type inPlace struct {
	*bytes.Reader
	t *testing.T
}

func (r inPlace) Read([]byte) (int, error) {
	r.t.Fatal("the workbook was copied through Read, not read in place")
	return 0, nil
}

func (inPlace) Close() error { return nil }

// inPlaceWhole is inPlace that gives its bytes whole too, as the runner's
// snapshot does.
type inPlaceWhole struct {
	inPlace
	data []byte
}

func (r inPlaceWhole) Bytes() []byte { return r.data }

// A workbook whose input reads in place (the runner's snapshot, with its
// bytes whole or not) is read through ReadAt or those bytes, the same as
// one read into memory, and so are the inputs that are no workbook.
func TestXLSXReadsInPlace(t *testing.T) {
	files := map[string][]byte{
		"empty.xlsx": nil, "pdf.xlsx": []byte("%PDF-1.4"), "xls.xlsx": {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0},
		"garbage.xlsx": []byte("not a workbook"), "truncated.xlsx": []byte("PK\x03\x04\x14\x00\x00\x00"),
	}
	for n, b := range excelizeCorpus(t) {
		files[n] = b
	}
	for _, whole := range []bool{false, true} {
		for n, data := range files {
			readInPlace(t, n, data, whole)
		}
	}
}

// readInPlace reads data through an input reading in place, the bytes
// whole or not, and compares with reading it into memory.
func readInPlace(t *testing.T, n string, data []byte, whole bool) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	var got []gotRow
	in := pipeline.Input{Path: n, Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
		if whole {
			return inPlaceWhole{inPlace{bytes.NewReader(data), t}, data}, nil
		}
		return inPlace{bytes.NewReader(data), t}, nil
	}}
	gres, gerr := (&reader{opts: Options{TmpDir: t.TempDir()}}).Read(context.Background(), mem, in, 1000, func(rec arrow.Record, orig pipeline.Originals) error {
		got = append(got, recordRows(t, rec, orig)...)
		return nil
	})
	mem.AssertSize(t, 0)
	want, wres, werr := readWith(t, false, n, data)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) || fmt.Sprint(gres) != fmt.Sprint(wres) || !reflect.DeepEqual(got, want) {
		t.Errorf("%s (bytes whole: %v): %d rows, %v, %v; read into memory %d rows, %v, %v", n, whole, len(got), gres, gerr, len(want), wres, werr)
	}
}

// BenchmarkPartPass measures the fast reader on a sheet shaped like a
// submission (17 cells a row, most of them shared strings, two dates):
// the pass over the part as it inflates, and the logged rows handed over.
func BenchmarkPartPass(b *testing.B) {
	const rows = 20000
	var sheet, sst bytes.Buffer
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="` + nsMain + `"><dimension ref="A1:Q20001"/><sheetData>`)
	sst.WriteString(`<sst xmlns="` + nsMain + `">`)
	strs := 0
	for r := 1; r <= rows; r++ {
		fmt.Fprintf(&sheet, `<row r="%d" spans="1:17">`, r)
		for c := range 17 {
			ref := fmt.Sprintf("%c%d", 'A'+c, r)
			if c == 4 || c == 15 {
				fmt.Fprintf(&sheet, `<c r="%s" s="1"><v>%d</v></c>`, ref, 27000+r%9000)
				continue
			}
			fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, strs)
			fmt.Fprintf(&sst, `<si><t>TEXT %d OF ROW %d</t></si>`, c, r)
			strs++
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	sst.WriteString(`</sst>`)
	s, ok := parseSST(sst.Bytes())
	if !ok {
		b.Fatal("shared strings refused")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write(sheet.Bytes())
	zw.Close()
	data := buf.Bytes()
	at := bytes.NewReader(data)
	zr, _ := zip.NewReader(at, int64(len(data)))
	zr.RegisterDecompressor(zip.Deflate, inflater(at, data))
	cells := 0
	count := func(n int, c []string, meta []cellMeta) (bool, error) {
		cells += len(c)
		return false, nil
	}
	b.ResetTimer()
	for range b.N {
		pr, err := readPart(zr.File[0], s, partWindow, maxWindow)
		if err != nil || !pr.scanned || !pr.done {
			b.Fatal("part not read", err)
		}
		pr.log.replay(s, count, pr.done, pr.last, true)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows*b.N), "ns/row")
	if cells != 17*rows*b.N {
		b.Fatalf("%d cells", cells)
	}
}
