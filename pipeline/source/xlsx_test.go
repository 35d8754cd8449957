package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// zipOf returns a zip archive of the given files.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// patchZip rewrites one part of a zip archive.
func patchZip(t testing.TB, data []byte, name string, patch func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	found := false
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[zf.Name] = string(b)
		if zf.Name == name {
			files[zf.Name] = patch(string(b))
			found = true
		}
	}
	if !found {
		t.Fatalf("no part %s", name)
	}
	return zipOf(t, files)
}

// cellOp writes one cell of a test workbook.
type cellOp struct {
	sheet, ref string
	v          any    // string: SetCellStr; else SetCellValue
	formula    string // SetCellFormula when set
}

// workbook builds an xlsx with the given sheets (in order) and cells.
func workbook(t testing.TB, sheets []string, cells []cellOp) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cells {
		var err error
		switch v := c.v.(type) {
		case nil:
		case string:
			err = f.SetCellStr(c.sheet, c.ref, v)
		default:
			err = f.SetCellValue(c.sheet, c.ref, v)
		}
		if err == nil && c.formula != "" {
			err = f.SetCellFormula(c.sheet, c.ref, c.formula)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// row returns cellOps writing strings across a row from column A; an empty
// string leaves the cell empty.
func row(sheet string, r int, texts ...string) []cellOp {
	var ops []cellOp
	for i, s := range texts {
		if s != "" {
			ops = append(ops, cellOp{sheet: sheet, ref: fmt.Sprintf("%s%d", columnName(i), r), v: s})
		}
	}
	return ops
}

func join(parts ...[]cellOp) []cellOp {
	var out []cellOp
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestXLSX(t *testing.T) {
	type want struct {
		sheet   string
		row     int32
		nik     string
		numeric bool
		col     string
		val     string
		orig    string
		warn    []string
	}
	type sheetWant struct {
		name string
		rows int
		err  error // nil, ErrNoHeader or ErrUnreadable
	}
	birth := time.Date(1990, 6, 30, 0, 0, 0, 0, time.UTC) // serial 33054
	tests := []struct {
		name   string
		data   []byte
		batch  int
		want   []want
		sheets []sheetWant
		hidden []string // sheets the results mark hidden
	}{
		{
			name: "title rows, dialect, numeric and text NIK, dates, blank row",
			data: workbook(t, []string{"Seluma"}, join(
				row("Seluma", 1, "DATA PERUBAHAN KTP-EL KAB. SELUMA"),
				row("Seluma", 3, "NO", "NO_NIK", "NAMA_LGKP", "TGL_LHR", "L/P", "Jenis Layanan"),
				row("Seluma", 4, "1", "1705014101900001", "SITI", "", "P", "KTP RUSAK"),
				[]cellOp{{sheet: "Seluma", ref: "D4", v: birth}},
				row("Seluma", 5, "2", "", "BUDI", "", "L", "HILANG"),
				[]cellOp{{sheet: "Seluma", ref: "B5", v: int64(1705011006900002)}},
				[]cellOp{{sheet: "Seluma", ref: "C6", v: "   "}},
				row("Seluma", 7, "3", "", "ANI", "30/06/1990", "P", "SUKET"),
				[]cellOp{{sheet: "Seluma", ref: "B7", v: 1.7050141019e15}},
			)),
			want: []want{
				{sheet: "Seluma", row: 4, nik: "1705014101900001", col: "tanggal_lahir", val: "33054",
					orig: `{"NO":"1","NO_NIK":"1705014101900001","NAMA_LGKP":"SITI","TGL_LHR":"33054","L/P":"P","Jenis Layanan":"KTP RUSAK"}`},
				{sheet: "Seluma", row: 5, nik: "1705011006900002", numeric: true, col: "jenis_kelamin", val: "L"},
				{sheet: "Seluma", row: 7, nik: "1705014101900000", numeric: true, col: "kabupaten_kota", val: null},
			},
			sheets: []sheetWant{{"Seluma", 3, nil}},
		},
		{
			name: "rows with gaps keep sheet row numbers",
			data: workbook(t, []string{"S"}, join(
				row("S", 2, "NIK", "NAMA", "Jenis Perubahan"),
				row("S", 5, "1", "A", "MATI"),
				row("S", 1000, "2", "B", "MATI"),
				row("S", 1001, "3", "C", "MATI"),
			)),
			batch: 2,
			want: []want{
				{sheet: "S", row: 5, nik: "1"},
				{sheet: "S", row: 1000, nik: "2"},
				{sheet: "S", row: 1001, nik: "3"},
			},
			sheets: []sheetWant{{"S", 3, nil}},
		},
		{
			name: "two sheets, one without header, one empty",
			data: workbook(t, []string{"Catatan", "Data", "Kosong"}, join(
				row("Catatan", 1, "Dikirim oleh", "Operator"),
				row("Catatan", 2, "1705014101900001", "SITI", "RUSAK"),
				row("Data", 1, "nik", "nama", "jenis_perubahan", "kabupaten_kota"),
				row("Data", 2, "1705014101900001", "SITI", "RUSAK", "1705"),
			)),
			want: []want{{sheet: "Data", row: 2, nik: "1705014101900001", col: "kabupaten_kota", val: "1705"}},
			sheets: []sheetWant{
				{"Catatan", 0, pipeline.ErrNoHeader},
				{"Data", 1, nil},
				{"Kosong", 0, pipeline.ErrNoHeader},
			},
		},
		{
			name: "missing required column fails the sheet only",
			data: workbook(t, []string{"A", "B"}, join(
				row("A", 1, "NIK", "NAMA", "KEC"),
				row("A", 2, "1", "X", "Y"),
				row("B", 1, "NIK", "NAMA", "Jenis Perubahan"),
				row("B", 2, "2", "Z", "MATI"),
			)),
			want:   []want{{sheet: "B", row: 2, nik: "2"}},
			sheets: []sheetWant{{"A", 0, pipeline.ErrNoHeader}, {"B", 1, nil}},
		},
		{
			name: "formula without cached value",
			data: workbook(t, []string{"S"}, join(
				row("S", 1, "NIK", "NAMA", "Jenis Perubahan", "ALAMAT"),
				row("S", 2, "1", "A", "MATI"),
				[]cellOp{{sheet: "S", ref: "D2", formula: `"JL. "&B2`}},
			)),
			want: []want{{sheet: "S", row: 2, nik: "1", col: "alamat", val: "",
				warn: []string{pipeline.WarnFormulaNoCache}}},
			sheets: []sheetWant{{"S", 1, nil}},
		},
		{
			name: "undefined entity skips the sheet whole",
			data: patchZip(t, workbook(t, []string{"Rusak", "Baik"}, join(
				row("Rusak", 1, "NIK", "NAMA", "Jenis Perubahan"),
				row("Rusak", 2, "1", "A", "MATI"),
				[]cellOp{{sheet: "Rusak", ref: "B3", v: int64(7)}},
				row("Baik", 1, "NIK", "NAMA", "Jenis Perubahan"),
				row("Baik", 2, "2", "B", "MATI"),
			)), "xl/worksheets/sheet1.xml", func(s string) string {
				return strings.Replace(s, "<v>7</v>", "<v>7&nbsp;</v>", 1)
			}),
			want:   []want{{sheet: "Baik", row: 2, nik: "2"}},
			sheets: []sheetWant{{"Rusak", 0, pipeline.ErrUnreadable}, {"Baik", 1, nil}},
		},
		{
			name: "sheet XML cut short",
			data: patchZip(t, workbook(t, []string{"S"}, join(
				row("S", 1, "NIK", "NAMA", "Jenis Perubahan"),
				row("S", 2, "1", "A", "MATI"),
				row("S", 3, "2", "B", "MATI"),
			)), "xl/worksheets/sheet1.xml", func(s string) string {
				return strings.Replace(s, `<row r="3"`, `</bad><row r="3"`, 1)
			}),
			want:   []want{{sheet: "S", row: 2, nik: "1"}},
			sheets: []sheetWant{{"S", 1, pipeline.ErrUnreadable}},
		},
		{
			name: "sheet XML cut short mid-part skips the sheet whole",
			data: patchZip(t, twoSheets(t), "xl/worksheets/sheet1.xml", func(s string) string {
				return s[:strings.Index(s, `<row r="3"`)+20]
			}),
			want:   []want{{sheet: "Baik", row: 2, nik: "2"}},
			sheets: []sheetWant{{"Rusak", 0, pipeline.ErrUnreadable}, {"Baik", 1, nil}},
		},
		{
			name: "sheet XML ending after a whole row skips the sheet whole",
			data: patchZip(t, twoSheets(t), "xl/worksheets/sheet1.xml", func(s string) string {
				return s[:strings.Index(s, `<row r="3"`)]
			}),
			want:   []want{{sheet: "Baik", row: 2, nik: "2"}},
			sheets: []sheetWant{{"Rusak", 0, pipeline.ErrUnreadable}, {"Baik", 1, nil}},
		},
		{
			name: "garbage instead of sheet XML",
			data: patchZip(t, twoSheets(t), "xl/worksheets/sheet1.xml", func(string) string {
				return "this is not XML at all"
			}),
			want:   []want{{sheet: "Baik", row: 2, nik: "2"}},
			sheets: []sheetWant{{"Rusak", 0, pipeline.ErrUnreadable}, {"Baik", 1, nil}},
		},
		{
			name: "namespace prefixes are read",
			data: patchZip(t, twoSheets(t), "xl/worksheets/sheet1.xml", func(s string) string {
				s = strings.Replace(s, `<worksheet xmlns=`, `<x:worksheet xmlns:x=`, 1)
				s = strings.Replace(s, `</worksheet>`, `</x:worksheet>`, 1)
				for _, tag := range []string{"sheetData", "row", "c", "v", "dimension", "sheetViews", "sheetView", "sheetFormatPr"} {
					s = strings.ReplaceAll(s, "<"+tag+">", "<x:"+tag+">")
					s = strings.ReplaceAll(s, "<"+tag+" ", "<x:"+tag+" ")
					s = strings.ReplaceAll(s, "</"+tag+">", "</x:"+tag+">")
				}
				return s
			}),
			want:   []want{{sheet: "Rusak", row: 2, nik: "1"}, {sheet: "Rusak", row: 3, nik: "3"}, {sheet: "Baik", row: 2, nik: "2"}},
			sheets: []sheetWant{{"Rusak", 2, nil}, {"Baik", 1, nil}},
		},
		{
			name: "formula with a cached value uses the value",
			data: patchZip(t, workbook(t, []string{"S"}, join(
				row("S", 1, "NIK", "NAMA", "Jenis Perubahan", "ALAMAT"),
				row("S", 2, "1", "A", "MATI", "x"),
			)), "xl/worksheets/sheet1.xml", func(s string) string {
				return setCell(t, s, "D2", `<c r="D2" t="str"><f>"JL. "&amp;B2</f><v>JL. A</v></c>`)
			}),
			want:   []want{{sheet: "S", row: 2, nik: "1", col: "alamat", val: "JL. A"}},
			sheets: []sheetWant{{"S", 1, nil}},
		},
		{
			name: "cell over 32,767 characters is cut",
			data: patchZip(t, workbook(t, []string{"S"}, join(
				row("S", 1, "NIK", "NAMA", "Jenis Perubahan", "ALAMAT"),
				row("S", 2, "1", "A", "MATI", "x"),
			)), "xl/worksheets/sheet1.xml", func(s string) string {
				return setCell(t, s, "D2", `<c r="D2" t="inlineStr"><is><t>`+strings.Repeat("é", maxCellChars+10)+`</t></is></c>`)
			}),
			want: []want{{sheet: "S", row: 2, nik: "1", col: "alamat", val: strings.Repeat("é", maxCellChars),
				warn: []string{pipeline.WarnCellTooLong}}},
			sheets: []sheetWant{{"S", 1, nil}},
		},
		{
			name:   "hidden and very hidden sheets are read",
			data:   hiddenSheets(t),
			want:   []want{{sheet: "Tersembunyi", row: 2, nik: "1"}, {sheet: "Sangat", row: 2, nik: "2"}, {sheet: "Terlihat", row: 2, nik: "3"}},
			sheets: []sheetWant{{"Tersembunyi", 1, nil}, {"Sangat", 1, nil}, {"Terlihat", 1, nil}},
			hidden: []string{"Tersembunyi", "Sangat"},
		},
		{
			name: "merged title, merged header cell, merged data cells",
			data: mergedSheet(t),
			want: []want{
				{sheet: "S", row: 3, nik: "1", col: "jenis_perubahan", val: "RUSAK",
					orig: `{"NIK":"1","NAMA":"A","C":"ALIAS","Jenis Perubahan":"RUSAK"}`},
				{sheet: "S", row: 4, nik: "2", col: "jenis_perubahan", val: "",
					orig: `{"NIK":"2","NAMA":"B","C":"","Jenis Perubahan":""}`},
			},
			sheets: []sheetWant{{"S", 2, nil}},
		},
		{
			name: "ragged rows: missing cells empty, extra cells by column letter",
			data: workbook(t, []string{"S"}, join(
				row("S", 1, "NIK", "NAMA", "Jenis Perubahan", "ALAMAT"),
				row("S", 2, "1", "A"),
				row("S", 3, "2", "B", "MATI", "JL", "", "lebih"),
			)),
			want: []want{
				{sheet: "S", row: 2, nik: "1", col: "alamat", val: "",
					orig: `{"NIK":"1","NAMA":"A","Jenis Perubahan":"","ALAMAT":""}`},
				{sheet: "S", row: 3, nik: "2", col: "alamat", val: "JL",
					orig: `{"NIK":"2","NAMA":"B","Jenis Perubahan":"MATI","ALAMAT":"JL","F":"lebih"}`},
			},
			sheets: []sheetWant{{"S", 2, nil}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			if tt.batch == 0 {
				tt.batch = 100
			}
			rows, res, err := read(t, mem, Options{TmpDir: t.TempDir()}, "in/Seluma.xlsx", tt.data, tt.batch)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != len(tt.sheets) {
				t.Fatalf("results %+v, want %d sheets", res, len(tt.sheets))
			}
			for i, w := range tt.sheets {
				r := res[i]
				if r.Name != w.name || r.DataRows != w.rows || (w.err == nil) != (r.Err == nil) || w.err != nil && !errors.Is(r.Err, w.err) {
					t.Errorf("sheet %d: %+v, want %+v", i, r, w)
				}
				if r.Hidden != slices.Contains(tt.hidden, r.Name) {
					t.Errorf("sheet %d: hidden %v", i, r.Hidden)
				}
				var ie *pipeline.InputError
				if r.Err != nil && (!errors.As(r.Err, &ie) || ie.Sheet != w.name || ie.File != "in/Seluma.xlsx") {
					t.Errorf("sheet %d: err %#v does not locate the sheet", i, r.Err)
				}
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("%d rows, want %d: %+v", len(rows), len(tt.want), rows)
			}
			for i, w := range tt.want {
				g := rows[i]
				if g.File != "in/Seluma.xlsx" || g.Sheet != w.sheet || g.Row != w.row || g.NIKNumeric != w.numeric || g.Cols["nik"] != w.nik {
					t.Errorf("row %d: %s!%d nik %q numeric %v; want %s!%d %q %v", i, g.Sheet, g.Row, g.Cols["nik"], g.NIKNumeric, w.sheet, w.row, w.nik, w.numeric)
				}
				if w.col != "" && g.Cols[w.col] != w.val {
					t.Errorf("row %d: %s = %q, want %q", i, w.col, g.Cols[w.col], w.val)
				}
				if w.orig != "" && g.Original != w.orig {
					t.Errorf("row %d: original\n got %s\nwant %s", i, g.Original, w.orig)
				}
				if strings.Join(g.Warnings, ",") != strings.Join(w.warn, ",") {
					t.Errorf("row %d: warnings %v, want %v", i, g.Warnings, w.warn)
				}
			}
		})
	}
}

// twoSheets is a workbook with a sheet "Rusak" (rows 2 and 3) to break and
// a good sheet "Baik".
func twoSheets(t testing.TB) []byte {
	return workbook(t, []string{"Rusak", "Baik"}, join(
		row("Rusak", 1, "NIK", "NAMA", "Jenis Perubahan"),
		row("Rusak", 2, "1", "A", "MATI"),
		row("Rusak", 3, "3", "C", "MATI"),
		row("Baik", 1, "NIK", "NAMA", "Jenis Perubahan"),
		row("Baik", 2, "2", "B", "MATI"),
	))
}

// setCell replaces cell ref in a sheet's XML with cell, raw XML: for what
// excelize will not write (a formula with a cached value, a cell over
// Excel's length limit).
func setCell(t testing.TB, sheetXML, ref, cell string) string {
	t.Helper()
	re := regexp.MustCompile(`<c r="` + ref + `"[^>]*?(/>|>.*?</c>)`)
	if !re.MatchString(sheetXML) {
		t.Fatalf("no cell %s in %s", ref, sheetXML)
	}
	return re.ReplaceAllLiteralString(sheetXML, cell)
}

// hiddenSheets is a workbook whose first sheet is hidden and second very
// hidden.
func hiddenSheets(t testing.TB) []byte {
	t.Helper()
	data := workbook(t, []string{"Tersembunyi", "Sangat", "Terlihat"}, join(
		row("Tersembunyi", 1, "NIK", "NAMA", "Jenis Perubahan"),
		row("Tersembunyi", 2, "1", "A", "MATI"),
		row("Sangat", 1, "NIK", "NAMA", "Jenis Perubahan"),
		row("Sangat", 2, "2", "B", "MATI"),
		row("Terlihat", 1, "NIK", "NAMA", "Jenis Perubahan"),
		row("Terlihat", 2, "3", "C", "MATI"),
	))
	return patchZip(t, data, "xl/workbook.xml", func(s string) string {
		s = strings.Replace(s, `name="Tersembunyi"`, `name="Tersembunyi" state="hidden"`, 1)
		return strings.Replace(s, `name="Sangat"`, `name="Sangat" state="veryHidden"`, 1)
	})
}

// mergedSheet has a title merged across A1:D1, a header cell NAMA merged
// across B2:C2 (C3 then holds a value under no header), and Jenis
// Perubahan merged down D3:D4.
func mergedSheet(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	set := func(ref, v string) {
		if err := f.SetCellStr("Sheet1", ref, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "DATA PERUBAHAN KTP-EL")
	set("A2", "NIK")
	set("B2", "NAMA")
	set("D2", "Jenis Perubahan")
	set("A3", "1")
	set("B3", "A")
	set("C3", "ALIAS")
	set("D3", "RUSAK")
	set("A4", "2")
	set("B4", "B")
	for _, m := range [][2]string{{"A1", "D1"}, {"B2", "C2"}, {"D3", "D4"}} {
		if err := f.MergeCell("Sheet1", m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetSheetName("Sheet1", "S"); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWorkbookSheetsHidden(t *testing.T) {
	data := hiddenSheets(t)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]*zip.File{}
	for _, zf := range zr.File {
		parts[zf.Name] = zf
	}
	sheets, err := workbookSheets(parts)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(sheets); got != "[{Tersembunyi xl/worksheets/sheet1.xml true} {Sangat xl/worksheets/sheet2.xml true} {Terlihat xl/worksheets/sheet3.xml false}]" {
		t.Fatalf("sheets %s", got)
	}
}

func TestXLSXFileErrors(t *testing.T) {
	big := workbook(t, []string{"S"}, join(
		row("S", 1, "NIK", "NAMA", "Jenis Perubahan"),
		row("S", 2, strings.Repeat("9", 30000), "A", "MATI"),
	))
	tests := []struct {
		name string
		data []byte
		opts Options
		is   error
	}{
		{"no sheet has a header", workbook(t, []string{"A", "B"}, join(
			row("A", 1, "NAMA", "ALAMAT"), row("B", 1, "x"))), Options{}, pipeline.ErrNoHeader},
		{"only sheet lacks a required column", workbook(t, []string{"A"}, row("A", 1, "NIK", "NAMA", "KEC")), Options{}, pipeline.ErrNoHeader},
		{"part inflates past the limit", big, Options{MaxUnzipSize: 40000}, pipeline.ErrUnreadable},
		{"only sheet malformed", patchZip(t, workbook(t, []string{"S"}, row("S", 1, "NIK", "NAMA", "Jenis Perubahan")),
			"xl/worksheets/sheet1.xml", func(s string) string { return strings.Replace(s, "<sheetData>", "<sheetData>\x01", 1) }),
			Options{}, pipeline.ErrUnreadable},
		{"workbook part missing", patchZip(t, workbook(t, []string{"S"}, nil), "_rels/.rels",
			func(s string) string { return strings.ReplaceAll(s, "officeDocument\"", "x\"") }), Options{}, pipeline.ErrUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rows, _, err := read(t, mem, tt.opts, "w.xlsx", tt.data, 10)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.File != "w.xlsx" {
				t.Fatalf("err = %#v, want InputError", err)
			}
			if len(rows) != 0 {
				t.Fatalf("%d rows emitted", len(rows))
			}
		})
	}
}

func TestCheckXML(t *testing.T) {
	long := strings.Repeat("a", 64<<10-3)
	tests := []struct {
		name string
		xml  string
		ok   bool
	}{
		{"plain", `<c r="A1"><v>1</v></c>`, true},
		{"predefined and numeric entities", `<t>&lt;&amp;&gt;&quot;&apos;&#233;&#xE9;</t>`, true},
		{"entity across chunk boundary", long + "&amp;" + long, true},
		{"rune across chunk boundary", long + "aé" + long, true},
		{"undefined entity", `<t>&nbsp;</t>`, false},
		{"bare ampersand", `<t>A & B</t>`, false},
		{"control character", "<t>\x01</t>", false},
		{"invalid utf-8", "<t>\xC3</t>", false},
		{"reference to NUL", `<t>&#0;</t>`, false},
		{"ampersand at end", long + "&", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkXML(strings.NewReader(tt.xml))
			if (err == nil) != tt.ok {
				t.Fatalf("checkXML = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestSheetScanner(t *testing.T) {
	const x = `<?xml version="1.0"?><x:worksheet xmlns:x="ns"><x:sheetData>` +
		`<x:row r="2" spans="1:3"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="C2"><x:v>1.7E+15</x:v></x:c></x:row>` +
		`<!-- a <row> in a comment --><x:row><x:c t='str' a=">"><x:f>A1</x:f></x:c><x:c/><x:c t="inlineStr"><x:is><x:t><![CDATA[<c>]]></x:t></x:is></x:c></x:row>` +
		`<x:row r="9"/></x:sheetData></x:worksheet>`
	s := newSheetScanner(strings.NewReader(x))
	if got := s.at(1); got != nil {
		t.Fatalf("row 1: %v", got)
	}
	if got := fmt.Sprint(s.at(2)); got != "[{0 false false true 0} {2 true false true 0}]" {
		t.Fatalf("row 2: %s", got)
	}
	if got := fmt.Sprint(s.at(3)); got != "[{0 false true false 0} {1 true false false 0} {2 false false true 0}]" {
		t.Fatalf("row 3: %s", got)
	}
	if got := s.rest(); got != 0 || s.err != nil {
		t.Fatalf("rest = %d, %v", got, s.err)
	}
}

// BenchmarkXLSX compares excelize's Rows alone, the two extra passes of
// sheetxml.go alone, and the whole xlsx source (Rows, both passes, the
// Arrow batches, and this test's copying of every row out of them).
func BenchmarkXLSX(b *testing.B) {
	const n = 20000
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{"NIK", "NAMA", "TGL_LHR", "JK", "Jenis Perubahan", "ALAMAT", "KEC", "Tanggal Pengajuan"})
	for i := 2; i <= n+1; i++ {
		var nik any = fmt.Sprintf("17050141019%05d", i)
		if i%2 == 0 {
			nik = int64(1705014101900000 + i)
		}
		sw.SetRow(fmt.Sprintf("A%d", i), []any{nik, "SITI AMINAH", 33054, "P", "KTP RUSAK", "JL. MAWAR NO. 1", "RATU SAMBAN", 44012})
	}
	sw.Flush()
	buf, _ := f.WriteToBuffer()
	f.Close()
	data := buf.Bytes()
	b.Run("excelize-rows", func(b *testing.B) {
		for range b.N {
			f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			rows, _ := f.Rows("Sheet1")
			for rows.Next() {
				rows.Columns()
			}
			rows.Close()
			f.Close()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("checkXML+scanner", func(b *testing.B) {
		zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		var part *zip.File
		for _, zf := range zr.File {
			if zf.Name == "xl/worksheets/sheet1.xml" {
				part = zf
			}
		}
		for range b.N {
			if err := checkPart(part); err != nil {
				b.Fatal(err)
			}
			rc, _ := part.Open()
			s := newSheetScanner(rc)
			for i := 1; i <= n+1; i++ {
				s.at(i)
			}
			rc.Close()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("source", func(b *testing.B) {
		mem := memory.NewGoAllocator()
		for range b.N {
			rows, _, err := read(b, mem, Options{}, "b.xlsx", data, pipeline.DefaultBatchSize)
			if err != nil || len(rows) != n {
				b.Fatal(err, len(rows))
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

func FuzzSheetScanner(f *testing.F) {
	f.Add([]byte(`<sheetData><row r="2"><c r="B2" t="s"><v>0</v></c><c><f>A1</f></c></row><row/></sheetData>`))
	f.Add([]byte(`<row r="x"><c r="1A"/><!-- <c> --><![CDATA[<row>]]><?pi?><c t='n' r='ZZZZZZZZ9'><is/></c>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = checkXML(bytes.NewReader(data))
		s := newSheetScanner(bytes.NewReader(data))
		for n := 1; n < 50; n++ {
			for _, c := range s.at(n) {
				if c.col < 0 {
					t.Fatalf("row %d: column %d", n, c.col)
				}
			}
		}
		s.rest()
	})
}

// checkChunkBytewise is checkChunk without its eight-byte skip: the
// reference FuzzCheckChunk holds it to.
func checkChunkBytewise(data []byte, eof bool) (keep, bad int) {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				end := bytes.IndexByte(data[i:min(len(data), i+16)], ';')
				if end < 0 {
					if !eof && len(data)-i < 16 {
						return len(data) - i, -1
					}
					return 0, i
				}
				if !validEntity(data[i+1 : i+end]) {
					return 0, i
				}
				i += end + 1
				continue
			case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
				return 0, i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			if !eof && !utf8.FullRune(data[i:]) {
				return len(data) - i, -1
			}
			return 0, i
		}
		if !xmlChar(r) {
			return 0, i
		}
		i += size
	}
	return 0, -1
}

// FuzzCheckChunk holds checkChunk's eight-byte skip to the byte-by-byte
// reading.
func FuzzCheckChunk(f *testing.F) {
	f.Add([]byte(`<c r="A1"><v>1&amp;2</v></c>`), true)
	f.Add([]byte("abcdefgh\x01ijklmnop&#x41;qrstuvwxyz\xc3\xa9\xc3"), false)
	f.Add([]byte("12345678&&&&&&&&\t\n\r \x7f\x80"), true)
	f.Fuzz(func(t *testing.T, data []byte, eof bool) {
		k1, b1 := checkChunk(data, eof)
		k2, b2 := checkChunkBytewise(data, eof)
		if k1 != k2 || b1 != b2 {
			t.Fatalf("checkChunk = %d, %d; byte by byte %d, %d", k1, b1, k2, b2)
		}
	})
}

// openWorkbook and readParts hold the parts excelize.OpenReader holds,
// byte for byte, once holdPart has put each worksheet in (inflated here,
// not by excelize), and excelize reads the same rows from them; a
// workbook excelize cannot open (a worksheet's deflate stream cut short)
// fails with excelize's error.
func TestOpenWorkbookHoldsWhatExcelizeHolds(t *testing.T) {
	good := twoSheets(t)
	// The first worksheet's deflate stream cut in half: a corrupt part.
	cut := func() []byte {
		zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, zf := range zr.File {
			if zf.Name != "xl/worksheets/sheet1.xml" {
				if err := zw.Copy(zf); err != nil {
					t.Fatal(err)
				}
				continue
			}
			raw, err := zf.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(raw)
			hdr := zf.FileHeader
			w, err := zw.CreateRaw(&hdr)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(body[:len(body)/2])
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	for _, tt := range []struct {
		name string
		data []byte
	}{{"good", good}, {"worksheet cut short", cut}} {
		t.Run(tt.name, func(t *testing.T) {
			opts := excelize.Options{RawCellValue: true}
			want, werr := excelize.OpenReader(bytes.NewReader(tt.data), opts)
			zr, err := zip.NewReader(bytes.NewReader(tt.data), int64(len(tt.data)))
			if err != nil {
				t.Fatal(err)
			}
			got, worksheets, err := openWorkbook(zr, opts)
			if err == nil {
				if _, err = readParts(worksheets, nil, nil, nil, partWindow, maxWindow); err != nil {
					got.Close()
				}
			}
			if fmt.Sprint(err) != fmt.Sprint(werr) {
				t.Fatalf("error %v, excelize's %v", err, werr)
			}
			if werr != nil {
				return
			}
			defer want.Close()
			defer got.Close()
			for _, zf := range worksheets {
				holdPart(got, zf, zf.Name)
			}
			n := 0
			want.Pkg.Range(func(k, v any) bool {
				n++
				g, ok := got.Pkg.Load(k)
				if !ok || !bytes.Equal(g.([]byte), v.([]byte)) {
					t.Errorf("part %s: %d bytes held, excelize holds %d", k, len(asBytes(g)), len(v.([]byte)))
				}
				return true
			})
			if n == 0 {
				t.Fatal("excelize holds no part")
			}
			if tt.name == "good" {
				if x, _ := got.Pkg.Load("xl/worksheets/sheet1.xml"); len(asBytes(x)) == 0 {
					t.Fatal("worksheet empty")
				}
			}
			for _, sheet := range want.GetSheetList() {
				w, werr := want.GetRows(sheet)
				g, gerr := got.GetRows(sheet)
				if fmt.Sprint(g, gerr) != fmt.Sprint(w, werr) {
					t.Errorf("sheet %s: rows %q (%v), excelize %q (%v)", sheet, g, gerr, w, werr)
				}
			}
		})
	}
}

func asBytes(v any) []byte {
	b, _ := v.([]byte)
	return b
}

// inflater reads a part's deflated bytes in place, and gives what
// klauspost's inflate gives reading them through archive/zip's
// SectionReader: the same bytes and the same errors, for a good part, one
// whose checksum is wrong, one cut short, one with bytes after its stream.
func TestInflater(t *testing.T) {
	var body strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&body, `<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>`, i+1, i+1, i*7919%100003)
	}
	text := []byte(body.String())
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	fw.Write(text)
	fw.Close()
	raw := deflated.Bytes()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []struct {
		name string
		crc  uint32
		body []byte
	}{
		{"good.xml", crc32.ChecksumIEEE(text), raw},
		{"checksum.xml", crc32.ChecksumIEEE(text) + 1, raw},
		{"cut.xml", crc32.ChecksumIEEE(text), raw[:len(raw)/2]},
		{"trailing.xml", crc32.ChecksumIEEE(text), append(slices.Clip(raw), "garbage"...)},
	} {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: p.crc,
			CompressedSize64: uint64(len(p.body)), UncompressedSize64: uint64(len(text))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.body)
	}
	zw.Close()
	data := buf.Bytes()

	inflate := func(zr *zip.Reader, i int) string {
		rc, err := zr.File[i].Open()
		if err != nil {
			return "open: " + err.Error()
		}
		got, err := io.ReadAll(rc)
		return fmt.Sprintf("%d bytes, crc %08x, %v, close %v", len(got), crc32.ChecksumIEEE(got), err, rc.Close())
	}
	at := bytes.NewReader(data)
	inPlace, err := zip.NewReader(at, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	inPlaceParts := 0
	inPlace.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser {
		if _, ok := sectionBytes(at, data, r); ok {
			inPlaceParts++
		}
		return inflater(at, data)(r)
	})
	through, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	through.RegisterDecompressor(zip.Deflate, flate.NewReader)
	for i, zf := range inPlace.File {
		got, want := inflate(inPlace, i), inflate(through, i)
		if got != want {
			t.Errorf("%s: %s; through a SectionReader %s", zf.Name, got, want)
		}
		if zf.Name == "good.xml" && want != fmt.Sprintf("%d bytes, crc %08x, <nil>, close <nil>", len(text), crc32.ChecksumIEEE(text)) {
			t.Errorf("%s: %s", zf.Name, want)
		}
	}
	if inPlaceParts != len(inPlace.File) {
		t.Errorf("%d of %d parts read in place", inPlaceParts, len(inPlace.File))
	}
}
