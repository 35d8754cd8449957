package source

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/xuri/excelize/v2"

	"readiness/fixtures"
	"readiness/pipeline"
)

// The fast xlsx reader (fastsheet.go) must give what excelize gives. These
// tests read workbooks from every writer at hand both ways and compare:
//
//   - cell for cell: each row the fast reader hands over (number, cells,
//     cell types) against excelize's Rows.Columns and sheetScanner;
//   - end to end: the source's records, sheet results and errors with the
//     fast reader on and off.
//
// Writers: the fixtures (excelize), workbooks built here with excelize and
// patched into what other writers write (x: prefixes of the .NET Open XML
// SDK, cells without r, character references, rich text, phonetic runs),
// samples committed under testdata/xlsx (SheetJS, openpyxl, XlsxWriter,
// LibreOffice; testdata/xlsx/README.md says how they were made), and,
// when the tools are installed, openpyxl and XlsxWriter run from
// testdata/writers/tricky.py and LibreOffice converting the rest.
// READINESS_REQUIRE_PYTHON=1 and READINESS_REQUIRE_SOFFICE=1 make a
// missing tool a failure instead of a skip.

// readWith reads data through the source with the fast reader on or off.
func readWith(t testing.TB, excelizeOnly bool, path string, data []byte) ([]gotRow, []pipeline.SheetResult, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []gotRow
	r := &reader{opts: Options{TmpDir: t.TempDir()}, excelizeOnly: excelizeOnly}
	res, err := r.Read(context.Background(), mem, memInput(path, data), 1000, func(rec arrow.Record, orig pipeline.Originals) error {
		rows = append(rows, recordRows(t, rec, orig)...)
		return nil
	})
	return rows, res, err
}

// sameRead fails unless the source reads data the same with the fast
// reader on and off; it returns the number of data rows.
func sameRead(t testing.TB, name string, data []byte) int {
	t.Helper()
	fast, fres, ferr := readWith(t, false, name, data)
	slow, sres, serr := readWith(t, true, name, data)
	if fmt.Sprint(ferr) != fmt.Sprint(serr) {
		t.Errorf("%s: error %v, excelize alone %v", name, ferr, serr)
	}
	if len(fres) != len(sres) {
		t.Errorf("%s: %d sheet results, excelize alone %d", name, len(fres), len(sres))
	}
	for i := range min(len(fres), len(sres)) {
		f, s := fres[i], sres[i]
		if f.Name != s.Name || f.DataRows != s.DataRows || f.Hidden != s.Hidden || fmt.Sprint(f.Err) != fmt.Sprint(s.Err) {
			t.Errorf("%s: sheet %d: %+v, excelize alone %+v", name, i, f, s)
		}
	}
	if len(fast) != len(slow) {
		t.Errorf("%s: %d rows, excelize alone %d", name, len(fast), len(slow))
	}
	for i := range min(len(fast), len(slow)) {
		if !reflect.DeepEqual(fast[i], slow[i]) {
			t.Errorf("%s: row %d:\n fast %+v\nslow %+v", name, i, fast[i], slow[i])
			break
		}
	}
	return len(fast)
}

// sheetRow is one row as a reader gives it.
type sheetRow struct {
	cells []string
	meta  []cellMeta
}

// compareCells compares, sheet by sheet, the rows the fast reader hands
// over with excelize's. It returns the number of cells compared and of
// sheets the fast reader left to excelize from some row on (or whole).
func compareCells(t testing.TB, name string, data []byte) (cells, handed int) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, 0 // not a workbook: sameRead compares the errors
	}
	parts := map[string]*zip.File{}
	for _, zf := range zr.File {
		parts[strings.ReplaceAll(zf.Name, "\\", "/")] = zf
	}
	sheets, err := workbookSheets(parts)
	if err != nil {
		return 0, 0
	}
	total, part := Options{}.limits()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: total, UnzipXMLSizeLimit: part, TmpDir: t.TempDir()})
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sst := fastSST(f, sheets)
	for _, sh := range sheets {
		v, _ := f.Pkg.Load(sh.part)
		x, _ := v.([]byte)
		if sst == nil || len(x) == 0 || !fastChecked(x) {
			handed++
			continue
		}
		fast := map[int]sheetRow{}
		done, last, _ := scanRows(x, sst, func(n int, c []string, m []cellMeta) (bool, error) {
			if len(c) > 0 || len(m) > 0 {
				fast[n] = sheetRow{append([]string(nil), c...), append([]cellMeta(nil), m...)}
			}
			return false, nil
		})
		limit := last
		if done {
			limit = maxSheetRows
		} else {
			handed++
		}
		slow := map[int]sheetRow{}
		rows, err := f.Rows(sh.name)
		if err != nil {
			t.Errorf("%s!%s: excelize: %v", name, sh.name, err)
			continue
		}
		scan := newSheetScanner(bytes.NewReader(x))
		for n := 1; rows.Next() && n <= limit; n++ {
			c, err := rows.Columns()
			if err != nil {
				break
			}
			if m := scan.at(n); len(c) > 0 || len(m) > 0 {
				slow[n] = sheetRow{c, append([]cellMeta(nil), m...)}
			}
		}
		rows.Close()
		for n, want := range slow {
			got, ok := fast[n]
			switch {
			case !ok:
				t.Errorf("%s!%s row %d: fast reader lost it: excelize %q %v", name, sh.name, n, want.cells, want.meta)
			case !reflect.DeepEqual(got.cells, want.cells) && (len(got.cells) != 0 || len(want.cells) != 0):
				t.Errorf("%s!%s row %d:\n fast %q\nslow %q", name, sh.name, n, got.cells, want.cells)
			case !reflect.DeepEqual(got.meta, want.meta):
				t.Errorf("%s!%s row %d: meta %v, excelize %v", name, sh.name, n, got.meta, want.meta)
			}
			cells += len(want.cells)
		}
		for n := range fast {
			if _, ok := slow[n]; !ok {
				t.Errorf("%s!%s row %d: fast reader made it up: %q", name, sh.name, n, fast[n].cells)
			}
		}
	}
	return cells, handed
}

// corpus is a set of workbooks from one writer.
type corpus struct {
	name  string
	files map[string][]byte
	// handOff says the fast reader may leave sheets to excelize; for the
	// writers people use it must read every sheet itself. mustHandOff
	// says it must leave some of every workbook.
	handOff, mustHandOff bool
}

// checkCorpus runs both comparisons over every workbook of c.
func checkCorpus(t *testing.T, c corpus) {
	t.Helper()
	var cells, handed, rows int
	names := make([]string, 0, len(c.files))
	for n := range c.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		nc, nh := compareCells(t, n, c.files[n])
		cells, handed = cells+nc, handed+nh
		rows += sameRead(t, n, c.files[n])
		if nh > 0 && !c.handOff {
			t.Errorf("%s: %d sheets left to excelize", n, nh)
		}
		if nh == 0 && c.handOff && c.mustHandOff {
			t.Errorf("%s: read by the fast reader alone, want it left to excelize", n)
		}
	}
	t.Logf("%s: %d workbooks, %d cells compared, %d data rows read both ways, %d sheets left to excelize",
		c.name, len(c.files), cells, rows, handed)
}

func TestFastReaderFixtures(t *testing.T) {
	files := map[string][]byte{}
	err := fs.WalkDir(fixtures.Inputs, "inputs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".xlsx") {
			return err
		}
		files[p], err = fs.ReadFile(fixtures.Inputs, p)
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v (%d workbooks)", err, len(files))
	}
	checkCorpus(t, corpus{name: "fixtures", files: files})
}

func TestFastReaderSamples(t *testing.T) {
	files := map[string][]byte{}
	names, _ := filepath.Glob("testdata/xlsx/*.xlsx")
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	if len(files) == 0 {
		t.Fatal("no samples in testdata/xlsx")
	}
	checkCorpus(t, corpus{name: "committed samples", files: files})
}

// TestFastReaderFolder compares the readers on every workbook of the
// folder named by READINESS_EQUIV_DIR, the embedded fixtures without it:
// a check to run on real submissions, or on make bench's generated sets.
//
//	READINESS_EQUIV_DIR=bench/data/xlsx-100000 go test ./pipeline/source -run TestFastReaderFolder -v
func TestFastReaderFolder(t *testing.T) {
	dir := os.Getenv("READINESS_EQUIV_DIR")
	if dir == "" {
		dir = filepath.Join("fixtures", "inputs")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir) // relative to the module root
	}
	files := map[string][]byte{}
	for _, ext := range []string{"*.xlsx", "*.xlsm"} {
		names, _ := filepath.Glob(filepath.Join(dir, ext))
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			files[filepath.Base(n)] = b
		}
	}
	if len(files) == 0 {
		t.Fatalf("no workbooks in %s", dir)
	}
	checkCorpus(t, corpus{name: dir, files: files, handOff: true})
}

// trickyTexts are cell texts that stress the reading of text.
var trickyTexts = []string{
	"plain", " leading and trailing spaces ", "tab\tinside", "line\nbreak", "crlf\r\nbreak", "lone\rcr",
	`&<>"'`, "ampersand & entity &amp; text", "é ñ ü ß", "日本語テキスト", "emoji 😀👍", "_x0041_ looks escaped",
	"_x005F_x0041_", "under_score_x_", "   ", "0123", "1705014101900001", "'1705014101900001",
	"=NOT A FORMULA", "]]> in text", strings.Repeat("long ", 2000),
}

// excelizeCorpus builds workbooks with excelize's API: shared strings,
// the StreamWriter's inline strings, numbers, booleans, dates (both date
// systems), formulas, rich text, merged cells, hidden sheets, gaps.
func excelizeCorpus(t *testing.T) map[string][]byte {
	files := map[string][]byte{}
	build := func(name string, fill func(f *excelize.File)) {
		f := excelize.NewFile()
		defer f.Close()
		fill(f)
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		files[name] = buf.Bytes()
	}
	values := func(f *excelize.File, sheet string, date1904 bool) {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(f.SetSheetRow(sheet, "A1", &[]any{"NIK", "NAMA", "Jenis Perubahan", "TGL_LHR", "KETERANGAN"}))
		for i, s := range trickyTexts {
			r := i + 2
			must(f.SetSheetRow(sheet, fmt.Sprintf("A%d", r), &[]any{fmt.Sprintf("17050141019%05d", r), s, "RUSAK"}))
		}
		r := len(trickyTexts) + 3 // a gap
		for i, v := range []any{int64(1705014101900001), 1.5, -0.25, 1e20, 3.14159265358979, true, false,
			time.Date(1990, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2020, 6, 30, 13, 45, 0, 0, time.UTC), uint8(7), nil} {
			must(f.SetSheetRow(sheet, fmt.Sprintf("A%d", r+i), &[]any{v, "NUM", "HILANG", v}))
		}
		r += 12
		must(f.SetCellRichText(sheet, fmt.Sprintf("B%d", r), []excelize.RichTextRun{
			{Text: "bold ", Font: &excelize.Font{Bold: true, Color: "FF0000", Size: 12}},
			{Text: "italic_x0042_", Font: &excelize.Font{Italic: true, Family: "Arial"}},
			{Text: " plain"},
		}))
		must(f.SetCellStr(sheet, fmt.Sprintf("A%d", r), "1705014101900099"))
		must(f.SetCellFormula(sheet, fmt.Sprintf("C%d", r), "UPPER(B1)"))
		must(f.SetCellFormula(sheet, fmt.Sprintf("D%d", r), "1+1"))
		must(f.SetCellValue(sheet, fmt.Sprintf("D%d", r+1), 2))
		must(f.MergeCell(sheet, fmt.Sprintf("B%d", r+1), fmt.Sprintf("C%d", r+2)))
		must(f.SetCellStr(sheet, fmt.Sprintf("B%d", r+1), "merged"))
		must(f.SetCellStr(sheet, "ZZ2000", "far away"))
		if date1904 {
			must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
		}
		style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(err)
		must(f.SetCellStyle(sheet, "D2", "D40", style))
	}
	build("excelize-shared.xlsx", func(f *excelize.File) { values(f, "Sheet1", false) })
	build("excelize-1904.xlsx", func(f *excelize.File) { values(f, "Sheet1", true) })
	build("excelize-sheets.xlsx", func(f *excelize.File) {
		values(f, "Sheet1", false)
		f.NewSheet("Tersembunyi")
		values(f, "Tersembunyi", false)
		f.SetSheetVisible("Tersembunyi", false, true)
		f.NewSheet("Kosong")
	})
	build("excelize-stream.xlsx", func(f *excelize.File) {
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		sw.SetRow("A1", []any{"NIK", "NAMA", "Jenis Perubahan", "TGL_LHR"})
		for i, s := range trickyTexts {
			sw.SetRow(fmt.Sprintf("A%d", i+2), []any{fmt.Sprintf("17050141019%05d", i), s, "SUKET",
				excelize.Cell{Formula: "1+1", Value: 2}, excelize.Cell{Formula: "A1"}})
		}
		sw.SetRow("A100", []any{int64(1705014101900001), true, 2.5, time.Date(1990, 6, 30, 0, 0, 0, 0, time.UTC)})
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	})
	return files
}

func TestFastReaderExcelize(t *testing.T) {
	checkCorpus(t, corpus{name: "excelize", files: excelizeCorpus(t)})
}

// patchedCorpus rewrites excelize's workbooks into the forms other writers
// use, and into forms the fast reader leaves to excelize.
func patchedCorpus(t *testing.T) (usual, unusual map[string][]byte) {
	base := excelizeCorpus(t)
	shared, stream := base["excelize-shared.xlsx"], base["excelize-stream.xlsx"]
	const sheet, sst = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
	prefix := func(s string) string { // the .NET Open XML SDK's x: prefix on every element
		s = regexpReplace(s, `<([a-zA-Z]+)([ />])`, `<x:$1$2`)
		s = regexpReplace(s, `</([a-zA-Z]+)>`, `</x:$1>`)
		return strings.Replace(s, `xmlns="`, `xmlns:x="`, 1)
	}
	noR := func(s string) string { // no r on cells (and rows), as some writers do
		s = regexpReplace(s, `<c r="[A-Z]+[0-9]+"`, `<c`)
		return s
	}
	usual = map[string][]byte{
		"prefixed-sheet.xlsx":  patchZip(t, shared, sheet, prefix),
		"prefixed-sst.xlsx":    patchZip(t, patchZip(t, shared, sheet, prefix), sst, prefix),
		"prefixed-stream.xlsx": patchZip(t, stream, sheet, prefix),
		"no-cell-refs.xlsx":    patchZip(t, shared, sheet, noR),
		"no-refs-stream.xlsx":  patchZip(t, stream, sheet, noR),
		"no-row-numbers.xlsx":  patchZip(t, stream, sheet, func(s string) string { return regexpReplace(noR(s), `<row r="[0-9]+"`, `<row`) }),
		"character-refs.xlsx": patchZip(t, shared, sst, func(s string) string {
			return regexp.MustCompile(`<t>[^<&]*</t>`).ReplaceAllStringFunc(s, func(t string) string {
				return strings.ReplaceAll(strings.ReplaceAll(t, "a", "&#97;"), "e", "&#x65;")
			})
		}),
		"raw-cr.xlsx":        patchZip(t, shared, sst, func(s string) string { return strings.ReplaceAll(s, "plain", "pl\r\nain\r") }),
		"single-quotes.xlsx": patchZip(t, shared, sheet, func(s string) string { return regexpReplace(s, `r="([A-Z0-9]+)"`, `r='$1'`) }),
		"spaces-in-tags.xlsx": patchZip(t, shared, sheet, func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(s, "</v>", "</v \n>"), `<c r=`, "<c\n\tr = ")
		}),
		"xml-space.xlsx": patchZip(t, shared, sst, func(s string) string { return strings.ReplaceAll(s, "<t>", `<t xml:space="preserve">`) }),
		"phonetic-runs.xlsx": patchZip(t, shared, sst, func(s string) string {
			return strings.Replace(s, "<t>plain</t>", `<r><t>pl</t></r><rPh sb="0" eb="1"><t>ぷ</t></rPh><r><rPr><b val="1"/><sz val="11"/></rPr><t>ain</t></r><phoneticPr fontId="1"/>`, 1)
		}),
		"inline-rich.xlsx": patchZip(t, stream, sheet, func(s string) string {
			return strings.Replace(s, "<is><t>plain</t></is>", `<is><r><rPr><i/></rPr><t>pl</t></r><t>x</t><r><t>ain</t></r></is>`, 1)
		}),
		"last-cell.xlsx": patchZip(t, shared, sheet, func(s string) string {
			return strings.Replace(s, "</sheetData>", `<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>the last cell</t></is></c></row></sheetData>`, 1)
		}),
		"error-and-boolean-cells.xlsx": patchZip(t, shared, sheet, func(s string) string {
			return strings.Replace(s, `</row><row r="3"`, `<c r="Y2" t="e"><v>#DIV/0!</v></c><c r="Z2" t="b"><v>0</v></c><c r="AA2" t="d"><v>2020-06-30T00:00:00Z</v></c><c r="AB2" t="str"><f>1&amp;1</f><v>11</v></c></row><row r="3"`, 1)
		}),
	}
	// The forms the fast reader leaves to excelize: each must be read the
	// same with the fast reader on and off.
	unusual = map[string][]byte{"bad-cell-ref.xlsx": patchZip(t, shared, sheet, func(s string) string {
		return strings.Replace(s, `<c r="B2"`, `<c r="B2x"`, 1)
	})}
	for name, patch := range map[string]func(string) string{
		"comment.xlsx":           func(s string) string { return strings.Replace(s, `<row r="5"`, `<!-- a comment --><row r="5"`, 1) },
		"cdata.xlsx":             func(s string) string { return strings.Replace(s, `<v>1.5</v>`, `<v><![CDATA[1.5]]></v>`, 1) },
		"rows-out-of-order.xlsx": func(s string) string { return strings.Replace(s, `<row r="5"`, `<row r="3"`, 1) },
		"duplicate-row.xlsx":     func(s string) string { return strings.Replace(s, `<row r="6"`, `<row r="5"`, 1) },
		"cells-out-of-order.xlsx": func(s string) string {
			return strings.Replace(s, `<c r="B3"`, `<c r="A3"`, 1)
		},
		"bad-style.xlsx":        func(s string) string { return strings.Replace(s, `<c r="D2" s="`, `<c r="D2" s="x`, 1) },
		"bad-row-number.xlsx":   func(s string) string { return strings.Replace(s, `<row r="7"`, `<row r="seven"`, 1) },
		"row-too-far.xlsx":      func(s string) string { return strings.Replace(s, `<row r="7"`, `<row r="1048577"`, 1) },
		"two-values.xlsx":       func(s string) string { return strings.Replace(s, `<v>1.5</v>`, `<v>1.5</v><v>2.5</v>`, 1) },
		"nested-in-value.xlsx":  func(s string) string { return strings.Replace(s, `<v>1.5</v>`, `<v>1.<b/>5</v>`, 1) },
		"unknown-child.xlsx":    func(s string) string { return strings.Replace(s, `<v>1.5</v>`, `<v>1.5</v><extLst/>`, 1) },
		"sst-index-out.xlsx":    func(s string) string { return regexpReplace(s, `t="s"><v>3</v>`, `t="s"><v>99999</v>`) },
		"sst-index-text.xlsx":   func(s string) string { return regexpReplace(s, `t="s"><v>3</v>`, `t="s"><v>three</v>`) },
		"mismatched-tag.xlsx":   func(s string) string { return strings.Replace(s, `</row><row r="9"`, `</rows><row r="9"`, 1) },
		"bad-formula-attr.xlsx": func(s string) string { return strings.Replace(s, `<f>`, `<f ca="maybe">`, 1) },
		"row-before-data.xlsx":  func(s string) string { return strings.Replace(s, `<sheetData>`, `<row/><sheetData>`, 1) },
		"encoding-latin1.xlsx":  func(s string) string { return strings.Replace(s, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1) },
	} {
		unusual[name] = patchZip(t, shared, sheet, patch)
	}
	unusual["sst-comment.xlsx"] = patchZip(t, shared, sst, func(s string) string { return strings.Replace(s, "<si>", "<!-- c --><si>", 1) })
	unusual["sst-bad-bool.xlsx"] = patchZip(t, shared, sst, func(s string) string { return strings.Replace(s, `<b val="1">`, `<b val="yes">`, 1) })
	unusual["sst-no-namespace.xlsx"] = patchZip(t, shared, sst, func(s string) string { return regexpReplace(s, ` xmlns="[^"]*"`, ``) })
	unusual["sst-two-texts.xlsx"] = patchZip(t, shared, sst, func(s string) string { return strings.Replace(s, "<t>plain</t>", "<t>pl</t><t>ain</t>", 1) })
	unusual["inline-cdata.xlsx"] = patchZip(t, stream, sheet, func(s string) string { return strings.Replace(s, "<t>plain</t>", "<t><![CDATA[pl<a>in]]></t>", 1) })
	return usual, unusual
}

func TestFastReaderOtherForms(t *testing.T) {
	usual, unusual := patchedCorpus(t)
	checkCorpus(t, corpus{name: "forms other writers use", files: usual})
	checkCorpus(t, corpus{name: "forms left to excelize", files: unusual, handOff: true, mustHandOff: true})
}

// requireTool skips the test when a writer is missing, or fails it when
// env is set to 1.
func requireTool(t *testing.T, env, what string) {
	t.Helper()
	if os.Getenv(env) == "1" {
		t.Fatalf("%s is not installed and %s=1", what, env)
	}
	t.Skipf("%s is not installed (set %s=1 to make this a failure)", what, env)
}

// pythonWriters writes testdata/writers/tricky.py's workbook with openpyxl
// and XlsxWriter when /usr/bin/python3 has them.
func pythonWriters(t *testing.T) map[string][]byte {
	files := map[string][]byte{}
	dir := t.TempDir()
	for _, lib := range []string{"openpyxl", "xlsxwriter"} {
		if err := exec.Command("/usr/bin/python3", "-c", "import "+lib).Run(); err != nil {
			requireTool(t, "READINESS_REQUIRE_PYTHON", "python3-"+lib)
		}
		for _, variant := range []string{"", "1904"} {
			name := lib + variant + ".xlsx"
			out := filepath.Join(dir, name)
			cmd := exec.Command("/usr/bin/python3", "testdata/writers/tricky.py", lib, out, variant)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, b)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = b
		}
	}
	return files
}

func TestFastReaderPython(t *testing.T) {
	checkCorpus(t, corpus{name: "openpyxl and XlsxWriter", files: pythonWriters(t)})
}

// TestFastReaderLibreOffice has LibreOffice re-save the fixtures, the
// committed samples and the Python writers' workbooks, and compares the
// readers on what it wrote.
func TestFastReaderLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		requireTool(t, "READINESS_REQUIRE_SOFFICE", "LibreOffice (soffice)")
	}
	if testing.Short() {
		t.Skip("LibreOffice takes a few seconds: not with -short")
	}
	in, out := t.TempDir(), t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(in, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fs.WalkDir(fixtures.Inputs, "inputs", func(p string, d fs.DirEntry, err error) error {
		if strings.HasSuffix(p, ".xlsx") {
			b, _ := fs.ReadFile(fixtures.Inputs, p)
			write("fixture-"+filepath.Base(p), b)
		}
		return err
	})
	for name, b := range excelizeCorpus(t) {
		write(name, b)
	}
	samples, _ := filepath.Glob("testdata/xlsx/*.xlsx")
	for _, n := range samples {
		if !strings.HasPrefix(filepath.Base(n), "libreoffice") {
			b, _ := os.ReadFile(n)
			write(filepath.Base(n), b)
		}
	}
	names, _ := filepath.Glob(filepath.Join(in, "*.xlsx"))
	args := append([]string{"--headless", "--norestore", "--convert-to", "xlsx", "--outdir", out}, names...)
	cmd := exec.Command(soffice, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	files := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(out, filepath.Base(n)))
		if err != nil {
			t.Fatalf("LibreOffice did not convert %s: %v", filepath.Base(n), err)
		}
		files["libreoffice-"+filepath.Base(n)] = b
	}
	checkCorpus(t, corpus{name: "LibreOffice", files: files})
}

// regexpReplace is regexp.MustCompile(re).ReplaceAllString(s, repl).
func regexpReplace(s, re, repl string) string {
	return regexp.MustCompile(re).ReplaceAllString(s, repl)
}

// fuzzBase is the workbook FuzzFastReader puts its sheet and shared
// strings into: one sheet, with a styles part whose style 1 is a date.
func fuzzBase(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellStr("Sheet1", "A1", "NIK")
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle("Sheet1", "B1", "B1", style)
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withParts returns the workbook base with its first sheet's XML and its
// shared strings replaced.
func withParts(t testing.TB, base, sheet, sst []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	seen := false
	for _, zf := range zr.File {
		body := []byte(nil)
		switch zf.Name {
		case "xl/worksheets/sheet1.xml":
			body = sheet
		case "xl/sharedStrings.xml":
			body, seen = sst, true
		default:
			rc, _ := zf.Open()
			body, _ = io.ReadAll(rc)
			rc.Close()
		}
		w, _ := zw.Create(zf.Name)
		w.Write(body)
	}
	if !seen {
		w, _ := zw.Create("xl/sharedStrings.xml")
		w.Write(sst)
	}
	zw.Close()
	return buf.Bytes()
}

// FuzzFastReader compares the fast reader with excelize on a sheet part
// and a shared strings part: the rows the fast reader hands over must be
// excelize's, cell for cell, and the source must emit the same records
// and results with the fast reader on and off. The seeds are in
// testdata/fuzz/FuzzFastReader.
func FuzzFastReader(f *testing.F) {
	base := fuzzBase(f)
	const sst = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<si><t>NIK</t></si><si><t>NAMA</t></si><si><t>Jenis Perubahan</t></si><si><r><t>A</t></r><r><rPr><b/></rPr><t>_x0042_</t></r></si></sst>`
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`+
		`<row r="3"><c r="A3"><v>1705014101900001</v></c><c r="B3" t="s"><v>3</v></c><c r="C3" t="inlineStr"><is><t>MATI</t></is></c></row>`+
		`</sheetData></worksheet>`), []byte(sst))
	// A row at Excel's last row number after a gap: both readers step
	// through every row before it. Such inputs were once skipped as too
	// slow to fuzz; one takes about 30 ms.
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`+
		`<row r="1048576"><c r="A1048576"><v>1705014101900001</v></c><c r="C1048576" t="inlineStr"><is><t>MATI</t></is></c></row>`+
		`</sheetData></worksheet>`), []byte(sst))
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		data := withParts(t, base, sheet, sst)
		compareCells(t, "fuzz.xlsx", data)
		sameRead(t, "fuzz.xlsx", data)
	})
}
