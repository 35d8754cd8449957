package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// Cell values planted in the bad files. None may reach a log line or an
// error message.
const (
	secretName = "RAHASIA SEKALI"
	secretNIK  = "1709031505800001" // a valid NIK: 17 09 03, born 15-05-1980
	secretNIK2 = "1709035506800002" // a woman born 15-06-1980
)

// badHeader is the header of the bad workbooks and CSVs; badRow a data row
// under it. The NIK is too short: the row is rejected and shows up in
// exceptions.csv with its original cells.
var (
	badHeader = []string{"NIK", "NAMA", "Jenis Perubahan", "KAB_KOTA"}
	badRow    = []string{"12345", secretName, "KTP RUSAK", "1709"}
)

// sheet is one sheet of a test workbook: rows from row 1, cells from
// column A; "" leaves a cell empty.
type sheet struct {
	name   string
	rows   [][]string
	state  string      // "", "hidden" or "veryHidden"
	merges [][2]string // ranges to merge
	cells  map[string]string
}

// xlsxOf builds a workbook; cells holds raw <c> XML replacing the cell of
// that reference, for what excelize does not write (a formula with a
// cached value, a cell over Excel's length limit).
func xlsxOf(t *testing.T, sheets ...sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		var err error
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.name)
		} else {
			_, err = f.NewSheet(s.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		for r, cells := range s.rows {
			for c, v := range cells {
				if v == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(s.name, ref, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		for ref := range s.cells {
			if err := f.SetCellStr(s.name, ref, "PLACEHOLDER"); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range s.merges {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for i, s := range sheets {
		if len(s.cells) > 0 {
			data = patchPart(t, data, fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), func(x string) string {
				for ref, c := range s.cells {
					re := regexp.MustCompile(`<c r="` + ref + `"[^>]*?(/>|>.*?</c>)`)
					x = re.ReplaceAllLiteralString(x, c)
				}
				return x
			})
		}
		if s.state != "" {
			data = patchPart(t, data, "xl/workbook.xml", func(x string) string {
				return strings.Replace(x, `name="`+s.name+`"`, `name="`+s.name+`" state="`+s.state+`"`, 1)
			})
		}
	}
	return data
}

// patchPart rewrites one part of a zip archive.
func patchPart(t *testing.T, data []byte, name string, patch func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == name {
			b, found = []byte(patch(string(b))), true
		}
		w, _ := zw.Create(zf.Name)
		w.Write(b)
	}
	if !found {
		t.Fatalf("no part %s", name)
	}
	zw.Close()
	return buf.Bytes()
}

// bombXLSX is a workbook whose sheet part inflates to size bytes of
// spaces, about size/1000 compressed, written a chunk at a time.
func bombXLSX(t *testing.T, size int) []byte {
	t.Helper()
	data := xlsxOf(t, sheet{name: "S", rows: [][]string{badHeader, badRow}})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		w, _ := zw.Create(zf.Name)
		if zf.Name != "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			io.Copy(w, rc)
			rc.Close()
			continue
		}
		io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		spaces := bytes.Repeat([]byte(" "), 1<<16)
		for n := 0; n < size; n += len(spaces) {
			w.Write(spaces)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
	zw.Close()
	return buf.Bytes()
}

// csvOf joins records with sep and CRLF.
func csvOf(sep string, recs ...[]string) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(strings.Join(r, sep))
		b.WriteString("\r\n")
	}
	return b.String()
}

// utf16Of encodes s as UTF-16 with a byte-order mark.
func utf16Of(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

var ole2 = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0, 0, 0, 0, 0}

// exception is one row of exceptions.csv.
type exception struct {
	sheet, row, reason string
	original           map[string]string
}

// exceptionsOf returns the rows of exceptions.csv from the input named
// base, in file order.
func exceptionsOf(t *testing.T, out, base string) []exception {
	t.Helper()
	var ex []exception
	for _, r := range readCSV(t, filepath.Join(out, "exceptions.csv"))[1:] {
		if filepath.Base(r[0]) != base {
			continue
		}
		e := exception{sheet: r[1], row: r[2], reason: r[3]}
		if err := json.Unmarshal([]byte(r[5]), &e.original); err != nil {
			t.Fatalf("%s row %s: original %v", base, r[2], err)
		}
		ex = append(ex, e)
	}
	return ex
}

// personFlags returns the flags of each person in persons.parquet by NIK.
func personFlags(t *testing.T, out string) map[string][]string {
	t.Helper()
	tbl := readPersons(t, out)
	defer tbl.Release()
	nik := tbl.Column(tbl.Schema().FieldIndices(pipeline.ColNIK)[0]).Data().Chunks()
	flags := tbl.Column(tbl.Schema().FieldIndices("flags")[0]).Data().Chunks()
	got := map[string][]string{}
	for c := range nik {
		n, l := nik[c].(*array.String), flags[c].(*array.List)
		vals := l.ListValues().(*array.String)
		for i := 0; i < n.Len(); i++ {
			fl := []string{}
			s, e := l.ValueOffsets(i)
			for j := s; j < e; j++ {
				fl = append(fl, vals.Value(int(j)))
			}
			got[n.Value(i)] = fl
		}
	}
	return got
}

// TestBadInput runs each kind of bad input of docs/BAD-INPUT.md next to a
// good file. The bad file (or sheet) is listed in manifest.json with an
// error saying what is wrong, and a log line names file, sheet and row
// where they apply; the good file is read whole and the accounting
// balances; whole files that cannot be read make the run end with
// ErrPartial (exit code 3); no cell value reaches a message.
func TestBadInput(t *testing.T) {
	long := strings.Repeat("JL. PANJANG ", 4000) // 48,000 characters
	tests := []struct {
		name    string
		files   func(t *testing.T) map[string][]byte // the bad files, by name
		args    []string                             // more flags
		partial bool                                 // exit code 3
		// failed: file → what its manifest error says; sheets: "file!sheet"
		// → what the sheet's error says ("" for a sheet read without error).
		failed, sheets map[string]string
		// where: what the log lines about the bad file hold, beside its
		// path.
		where []string
		rows  int // data rows read from the bad files
		check func(t *testing.T, out string)
	}{
		{
			name: "truncated xlsx",
			files: func(t *testing.T) map[string][]byte {
				good := xlsxOf(t, sheet{name: "S", rows: [][]string{badHeader, badRow}})
				return map[string][]byte{"potong.xlsx": good[:len(good)/2]}
			},
			partial: true,
			failed:  map[string]string{"potong.xlsx": "unreadable input: corrupt zip archive"},
		},
		{
			name: "corrupt sheet XML in a valid zip",
			files: func(t *testing.T) map[string][]byte {
				good := xlsxOf(t, sheet{name: "Data", rows: [][]string{badHeader, badRow}})
				return map[string][]byte{"rusak.xlsx": patchPart(t, good, "xl/worksheets/sheet1.xml",
					func(string) string { return "\x00\x13garbage, not XML" })}
			},
			partial: true,
			failed:  map[string]string{"rusak.xlsx": "no sheet could be read: unreadable input"},
			sheets:  map[string]string{"rusak.xlsx!Data": "malformed sheet XML at byte 0: a control character"},
			where:   []string{`sheet "Data"`},
		},
		{
			name: "zero-byte xlsx and csv",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"kosong.xlsx": nil, "kosong.csv": nil}
			},
			partial: true,
			failed:  map[string]string{"kosong.xlsx": "unreadable input: empty file", "kosong.csv": "unreadable input: empty file"},
		},
		{
			name: "old binary xls, and one renamed xlsx",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"lama.xls": ole2, "lama.xlsx": ole2}
			},
			partial: true,
			failed: map[string]string{
				"lama.xls":  "old binary .xls is not supported; save it as .xlsx",
				"lama.xlsx": "binary .xls or password-protected workbook",
			},
		},
		{
			name: "PNG and PDF renamed xlsx, binary blob named csv",
			files: func(t *testing.T) map[string][]byte {
				png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
				blob := make([]byte, 4096)
				for i := range blob {
					blob[i] = byte(i*7%255 + 1) // no NUL, many control bytes
				}
				return map[string][]byte{
					"foto.xlsx":  png,
					"surat.xlsx": []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
					"foto.csv":   png,
					"blob.csv":   blob,
				}
			},
			partial: true,
			failed: map[string]string{
				"foto.xlsx":  "a PNG image, not a spreadsheet",
				"surat.xlsx": "a PDF document, not a spreadsheet",
				"foto.csv":   "a PNG image, not a spreadsheet",
				"blob.csv":   "not a text file",
			},
		},
		{
			name: "one sheet without a header, one lacking a required column, the others read",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"catatan.xlsx": xlsxOf(t,
					sheet{name: "Catatan", rows: [][]string{{"Dikirim oleh operator"}, {secretNIK, secretName}}},
					sheet{name: "Kurang", rows: [][]string{{"Laporan"}, {"NIK", "NAMA", "KEC"}, {secretNIK, secretName, "X"}}},
					sheet{name: "Data", rows: [][]string{badHeader, badRow, badRow}},
				)}
			},
			sheets: map[string]string{
				"catatan.xlsx!Catatan": "no header row with nik and at least two other known columns",
				"catatan.xlsx!Kurang":  "row 2: header row lacks required column(s) jenis_perubahan",
				"catatan.xlsx!Data":    "",
			},
			where: []string{`sheet "Catatan"`, `sheet "Kurang": row 2`},
			rows:  2,
		},
		{
			name: "no sheet has a header",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"tanpa-header.xlsx": xlsxOf(t,
					sheet{name: "A", rows: [][]string{{"NAMA", "ALAMAT"}, {secretName, "JL"}}},
					sheet{name: "B", rows: [][]string{{secretNIK}}},
				)}
			},
			partial: true,
			failed:  map[string]string{"tanpa-header.xlsx": "no sheet could be read: no header row"},
			sheets:  map[string]string{"tanpa-header.xlsx!A": "no header row", "tanpa-header.xlsx!B": "no header row"},
			where:   []string{`sheet "A"`, `sheet "B"`},
		},
		{
			name: "zip bomb",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"bom.xlsx": bombXLSX(t, 40<<20)}
			},
			args:    []string{"--max-unzip-mb", "8"},
			partial: true,
			failed: map[string]string{"bom.xlsx": "part xl/worksheets/sheet1.xml inflates to 40.0 MiB, " +
				"over the limit of 4 MiB per part (half the 8 MiB unzip limit); not inflated"},
		},
		{
			name: "sheet with data that excelize reads as zero rows",
			files: func(t *testing.T) map[string][]byte {
				two := xlsxOf(t,
					sheet{name: "Entitas", rows: [][]string{badHeader, badRow, {"", "", "", "X"}}},
					sheet{name: "Baik", rows: [][]string{badHeader, badRow}})
				one := xlsxOf(t, sheet{name: "S", rows: [][]string{badHeader, badRow}})
				return map[string][]byte{
					// An entity HTML knows and XML does not: excelize stops
					// at it without an error.
					"entitas.xlsx": patchPart(t, two, "xl/worksheets/sheet1.xml", func(s string) string {
						return strings.Replace(s, `<c r="D3" t="s">`, `<c r="D3" t="inlineStr"><is><t>&nbsp;</t></is></c><c r="E3" t="s">`, 1)
					}),
					// Shared strings gone: excelize drops every text cell.
					"tanpa-sst.xlsx": patchPart(t, one, "xl/sharedStrings.xml", func(string) string { return "" }),
				}
			},
			partial: true,
			failed:  map[string]string{"tanpa-sst.xlsx": "no sheet could be read: unreadable input"},
			sheets: map[string]string{
				"entitas.xlsx!Entitas": "an entity XML does not define (such as &nbsp;)",
				"entitas.xlsx!Baik":    "",
				"tanpa-sst.xlsx!S":     "the sheet's cells hold values that cannot be read (shared strings missing or broken)",
			},
			where: []string{`sheet "Entitas"`, `sheet "S"`},
			rows:  1,
		},
		{
			name: "UTF-16 CSV, little- and big-endian, with BOM",
			files: func(t *testing.T) map[string][]byte {
				text := csvOf("\t", badHeader, []string{"12345", "RAHASIA JOSÉ ÑOÑO", "KTP RUSAK", "1709"})
				return map[string][]byte{"utf16le.csv": utf16Of(text, false), "utf16be.csv": utf16Of(text, true)}
			},
			rows: 2,
			check: func(t *testing.T, out string) {
				for _, f := range []string{"utf16le.csv", "utf16be.csv"} {
					ex := exceptionsOf(t, out, f)
					if len(ex) != 1 || ex[0].row != "2" || ex[0].original["NAMA"] != "RAHASIA JOSÉ ÑOÑO" {
						t.Errorf("%s: exceptions %+v", f, ex)
					}
				}
			},
		},
		{
			name: "ragged rows",
			files: func(t *testing.T) map[string][]byte {
				recs := [][]string{badHeader, {"12345", secretName}, {"12346", secretName, "KTP RUSAK", "1709", "", "LEBIH"}}
				return map[string][]byte{
					"ragged.csv":  []byte(csvOf(";", recs...)),
					"ragged.xlsx": xlsxOf(t, sheet{name: "S", rows: recs}),
				}
			},
			rows: 4,
			check: func(t *testing.T, out string) {
				for _, f := range []string{"ragged.csv", "ragged.xlsx"} {
					ex := exceptionsOf(t, out, f)
					if len(ex) != 2 {
						t.Fatalf("%s: exceptions %+v", f, ex)
					}
					short, extra := ex[0].original, ex[1].original
					if ex[0].row != "2" || len(short) != 4 || short["Jenis Perubahan"] != "" || short["KAB_KOTA"] != "" {
						t.Errorf("%s: short row %+v", f, ex[0])
					}
					if _, ok := extra["E"]; ex[1].row != "3" || len(extra) != 5 || extra["F"] != "LEBIH" || ok {
						t.Errorf("%s: long row %+v", f, ex[1])
					}
				}
			},
		},
		{
			name: "quoted fields with newlines in CSV",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"baris.csv": []byte("LAPORAN\r\n" + csvOf(",", append(badHeader, "ALAMAT"),
					[]string{"12345", secretName, "KTP RUSAK", "1709", "\"JL. MAWAR\nRT 01\nRW 02\""},
					[]string{"12346", "\"" + secretName + "\r\nBIN X\"", "KTP RUSAK", "1709", "JL"},
					[]string{"12347", secretName, "KTP RUSAK", "1709", "JL"}))}
			},
			rows: 3,
			check: func(t *testing.T, out string) {
				ex := exceptionsOf(t, out, "baris.csv")
				var rows []string
				for _, e := range ex {
					rows = append(rows, e.row)
				}
				if !slices.Equal(rows, []string{"3", "6", "8"}) || ex[0].original["ALAMAT"] != "JL. MAWAR\nRT 01\nRW 02" {
					t.Errorf("rows %v, exceptions %+v", rows, ex)
				}
			},
		},
		{
			name: "CSV quote never closed",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"kutip.csv": []byte(csvOf(";", badHeader, badRow,
					[]string{"12346", `"` + secretName, "KTP RUSAK", "1709"}, badRow, badRow))}
			},
			partial: true,
			failed:  map[string]string{"kutip.csv": "kutip.csv: row 3: unreadable input: a quoted field on this line is never closed"},
			rows:    1, // the row before the quote
		},
		{
			name: "hidden sheets are read",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"tersembunyi.xlsx": xlsxOf(t,
					sheet{name: "Terlihat", rows: [][]string{badHeader, badRow}},
					sheet{name: "Tersembunyi", rows: [][]string{badHeader, badRow, badRow}, state: "hidden"},
					sheet{name: "Sangat", rows: [][]string{badHeader, badRow}, state: "veryHidden"},
				)}
			},
			sheets: map[string]string{"tersembunyi.xlsx!Terlihat": "", "tersembunyi.xlsx!Tersembunyi": "", "tersembunyi.xlsx!Sangat": ""},
			rows:   4,
			check: func(t *testing.T, out string) {
				per := map[string]int{}
				for _, e := range exceptionsOf(t, out, "tersembunyi.xlsx") {
					per[e.sheet]++
				}
				if per["Terlihat"] != 1 || per["Tersembunyi"] != 2 || per["Sangat"] != 1 {
					t.Errorf("rejected rows per sheet %v", per)
				}
				hidden := map[string]bool{}
				for _, in := range readManifest(t, out).Inputs {
					for _, s := range in.Sheets {
						hidden[s.Name] = s.Hidden
					}
				}
				if hidden["Terlihat"] || !hidden["Tersembunyi"] || !hidden["Sangat"] {
					t.Errorf("manifest marks hidden sheets %v", hidden)
				}
			},
		},
		{
			name: "merged cells in the header area and in data rows",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"gabung.xlsx": xlsxOf(t, sheet{name: "S",
					rows: [][]string{
						{"DATA PERUBAHAN KTP-EL KAB. BENGKULU TENGAH"},
						{"NIK", "NAMA", "", "Jenis Perubahan", "KAB_KOTA"},
						{"12345", secretName, "ALIAS", "KTP RUSAK", "1709"},
						{"12346", secretName, "", "", "1709"},
					},
					merges: [][2]string{{"A1", "E1"}, {"B2", "C2"}, {"D3", "D4"}},
				})}
			},
			rows: 2,
			check: func(t *testing.T, out string) {
				ex := exceptionsOf(t, out, "gabung.xlsx")
				if len(ex) != 2 || ex[0].row != "3" || ex[1].row != "4" {
					t.Fatalf("exceptions %+v", ex)
				}
				// The header's merged name applies to B; C is unnamed and
				// keyed by its letter. Jenis Perubahan, merged down D3:D4,
				// is in D3 only.
				if o := ex[0].original; o["NAMA"] != secretName || o["C"] != "ALIAS" || o["Jenis Perubahan"] != "KTP RUSAK" {
					t.Errorf("row 3 original %v", o)
				}
				if o := ex[1].original; o["C"] != "" || o["Jenis Perubahan"] != "" {
					t.Errorf("row 4 original %v", o)
				}
			},
		},
		{
			name: "cell over 32,767 characters",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"panjang.xlsx": xlsxOf(t, sheet{name: "S",
					rows: [][]string{append(badHeader, "ALAMAT"), {secretNIK, secretName, "KTP RUSAK", "1709"},
						{"12", secretName, "KTP RUSAK", "1709"}},
					cells: map[string]string{
						"E2": `<c r="E2" t="inlineStr"><is><t>` + long + `</t></is></c>`,
						"E3": `<c r="E3" t="inlineStr"><is><t>` + long + `</t></is></c>`,
					},
				})}
			},
			rows: 2,
			check: func(t *testing.T, out string) {
				if fl := personFlags(t, out)[secretNIK]; !slices.Contains(fl, pipeline.WarnCellTooLong) {
					t.Errorf("person flags %v, want %s", fl, pipeline.WarnCellTooLong)
				}
				// The rejected row's cells, its address cut to the limit
				// and the other cells beside it, pass Excel's limit in
				// the workbooks' rejected list: the manifest says so.
				if w := readManifest(t, out).Workbooks; w == nil || w.CutTexts == 0 {
					t.Errorf("manifest workbooks %+v, want cut texts", w)
				}
			},
		},
		{
			name: "formula cells with and without a cached value",
			files: func(t *testing.T) map[string][]byte {
				return map[string][]byte{"rumus.xlsx": xlsxOf(t, sheet{name: "S",
					rows: [][]string{badHeader, {secretNIK, secretName, "", "1709"}, {secretNIK2, secretName, "", "1709"}},
					cells: map[string]string{
						"C2": `<c r="C2" t="str"><f>"KTP "&amp;"RUSAK"</f><v>KTP RUSAK</v></c>`,
						"C3": `<c r="C3" t="str"><f>"KTP "&amp;"RUSAK"</f></c>`,
					},
				})}
			},
			rows: 2,
			check: func(t *testing.T, out string) {
				flags := personFlags(t, out)
				if fl, ok := flags[secretNIK]; !ok || slices.Contains(fl, pipeline.WarnFormulaNoCache) {
					t.Errorf("cached formula: person %v flags %v", ok, fl)
				}
				ex := exceptionsOf(t, out, "rumus.xlsx")
				if len(ex) != 1 || ex[0].row != "3" || ex[0].reason != pipeline.ReasonEventMissing {
					t.Errorf("uncached formula: exceptions %+v, want row 3 %s", ex, pipeline.ReasonEventMissing)
				}
			},
		},
	}
	digits16 := regexp.MustCompile(`\d{16}`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "in")
			os.Mkdir(in, 0o700)
			good, goodRows := newUserFile(t, in)
			files := tt.files(t)
			for name, data := range files {
				if err := os.WriteFile(filepath.Join(in, name), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(dir, "out")
			var stdout, stderr bytes.Buffer
			args := append([]string{"run", "--in", in, "--out", out, "--as-of", "2020-06-30",
				"--election-date", "2020-12-09", "--log-format", "json"}, tt.args...)
			err := run(context.Background(), args, &stdout, &stderr)
			code := exitCode(err, io.Discard)
			if tt.partial && (!errors.Is(err, pipeline.ErrPartial) || code != exitPartial) {
				t.Fatalf("err = %v (exit %d), want ErrPartial (exit %d)\n%s", err, code, exitPartial, stderr.String())
			}
			if !tt.partial && err != nil {
				t.Fatalf("err = %v (exit %d), want success\n%s", err, code, stderr.String())
			}

			// The manifest lists every file, the bad ones with their
			// errors, and the rows balance.
			m := readManifest(t, out)
			byName := map[string]pipeline.ManifestInput{}
			for _, i := range m.Inputs {
				byName[filepath.Base(i.Path)] = i
			}
			g := byName[filepath.Base(good)]
			if g.Error != "" || g.RowsIn != goodRows {
				t.Errorf("good file: error %q, %d rows in, want %d", g.Error, g.RowsIn, goodRows)
			}
			for name, data := range files {
				i, ok := byName[name]
				if !ok {
					t.Errorf("%s missing from the manifest", name)
					continue
				}
				want := tt.failed[name]
				if want == "" && i.Error != "" || !strings.Contains(i.Error, want) || want != "" && !strings.HasPrefix(i.Error, i.Path+": ") {
					t.Errorf("%s: manifest error %q, want %q", name, i.Error, want)
				}
				if len(i.SHA256) != 64 || i.Size != int64(len(data)) {
					t.Errorf("%s: size %d, sha256 %q", name, i.Size, i.SHA256)
				}
				if kinds := []string{pipeline.KindUnreadable, pipeline.KindNoHeader}; want != "" && !slices.Contains(kinds, i.ErrorKind) || want == "" && i.ErrorKind != "" {
					t.Errorf("%s: error_kind %q for error %q", name, i.ErrorKind, i.Error)
				}
			}
			for key, want := range tt.sheets {
				name, sh, _ := strings.Cut(key, "!")
				var got *pipeline.ManifestSheet
				for k, s := range byName[name].Sheets {
					if s.Name == sh {
						got = &byName[name].Sheets[k]
					}
				}
				if got == nil {
					t.Errorf("%s: sheet %s not in the manifest: %+v", name, sh, byName[name].Sheets)
					continue
				}
				if want == "" && got.Error != "" || !strings.Contains(got.Error, want) {
					t.Errorf("%s sheet %s: error %q, want %q", name, sh, got.Error, want)
				}
				if (got.Error == "") != (got.ErrorKind == "") {
					t.Errorf("%s sheet %s: error %q with error_kind %q", name, sh, got.Error, got.ErrorKind)
				}
			}
			a := m.Accounting
			if !a.Balanced || a.RowsIn != goodRows+tt.rows || a.RowsIn != a.RowsInPersons+a.DuplicateRows+a.RowsRejected {
				t.Errorf("accounting %+v, want %d + %d rows in, balanced", a, goodRows, tt.rows)
			}
			if got := len(m.Errors); got != len(tt.failed)+countErrs(tt.sheets) {
				t.Errorf("manifest errors %q, want %d", m.Errors, len(tt.failed)+countErrs(tt.sheets))
			}

			// Log lines name the file, and sheet and row where they apply.
			logText := stderr.String()
			var logs []string
			sc := bufio.NewScanner(strings.NewReader(logText))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var line struct{ Level, File, Sheet, Message string }
				if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
					t.Fatalf("log line is not JSON: %.80s", sc.Text())
				}
				if line.Level == "warn" || line.Level == "error" {
					if line.File != "" && !strings.HasPrefix(line.Message, line.File+": ") {
						t.Errorf("log line for %s does not start with it: %s", line.File, line.Message)
					}
					logs = append(logs, line.Message)
				}
			}
			all := strings.Join(logs, "\n")
			for name := range tt.failed {
				if !strings.Contains(all, filepath.ToSlash(filepath.Join(in, name))+": ") {
					t.Errorf("no log line names %s:\n%s", name, all)
				}
			}
			for _, w := range tt.where {
				if !strings.Contains(all, w) {
					t.Errorf("no log line holds %q:\n%s", w, all)
				}
			}
			// No cell value in the logs, the console or the error.
			text := logText + stdout.String()
			if err != nil {
				text += err.Error()
			}
			if strings.Contains(text, "RAHASIA") || digits16.MatchString(text) {
				t.Errorf("a cell value reached the logs or the error:\n%s", text)
			}
			if tt.check != nil {
				tt.check(t, out)
			}
		})
	}
}

// countErrs counts the sheets expected to fail.
func countErrs(sheets map[string]string) int {
	n := 0
	for _, w := range sheets {
		if w != "" {
			n++
		}
	}
	return n
}
