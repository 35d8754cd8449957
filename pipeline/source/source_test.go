package source

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// null stands for a null text column in gotRow.Cols.
const null = "<null>"

// gotRow is one emitted RawSchema row, copied out of its record.
type gotRow struct {
	File, Sheet string
	Row         int32
	Original    string
	NIKNumeric  bool
	Warnings    []string
	Cols        map[string]string // canonical column → text, or null
}

// memInput returns an Input over data.
func memInput(path string, data []byte) pipeline.Input {
	return pipeline.Input{
		Path: path,
		Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

// read runs the source over data and returns the rows it emitted.
func read(t testing.TB, mem memory.Allocator, opts Options, path string, data []byte, batchSize int) ([]gotRow, []pipeline.SheetResult, error) {
	t.Helper()
	var rows []gotRow
	emit := func(rec arrow.Record, orig pipeline.Originals) error {
		if !rec.Schema().Equal(pipeline.RawSchema) {
			t.Fatalf("schema %v, want RawSchema", rec.Schema())
		}
		if int(rec.NumRows()) > batchSize {
			t.Fatalf("batch of %d rows, want at most %d", rec.NumRows(), batchSize)
		}
		rows = append(rows, recordRows(t, rec, orig)...)
		return nil
	}
	res, err := New(opts).Read(context.Background(), mem, memInput(path, data), batchSize, emit)
	return rows, res, err
}

// recordRows copies the rows of rec, a batch the source emitted with orig,
// out of it: their originals as orig writes them, after checking that the
// record's are null.
func recordRows(t testing.TB, rec arrow.Record, orig pipeline.Originals) []gotRow {
	t.Helper()
	col := func(name string) arrow.Array {
		return rec.Column(rec.Schema().FieldIndices(name)[0])
	}
	file := col(pipeline.ColFile).(*array.String)
	sheet := col(pipeline.ColSheet).(*array.String)
	row := col(pipeline.ColRow).(*array.Int32)
	if o := col(pipeline.ColOriginal); o.NullN() != o.Len() {
		t.Fatalf("%d originals in a batch the source emitted, want none", o.Len()-o.NullN())
	}
	nikNum := col(pipeline.ColNIKNumeric).(*array.Boolean)
	warns := col(pipeline.ColCellWarnings).(*array.List)
	wvals := warns.ListValues().(*array.String)
	var out []gotRow
	for i := 0; i < int(rec.NumRows()); i++ {
		g := gotRow{
			File: file.Value(i), Sheet: sheet.Value(i), Row: row.Value(i),
			Original: string(orig.AppendOriginal(nil, i)), NIKNumeric: nikNum.Value(i),
			Cols: map[string]string{},
		}
		if warns.IsValid(i) {
			s, e := warns.ValueOffsets(i)
			for j := s; j < e; j++ {
				g.Warnings = append(g.Warnings, wvals.Value(int(j)))
			}
		}
		for _, c := range pipeline.InputColumns() {
			a := col(c).(*array.String)
			if a.IsNull(i) {
				g.Cols[c] = null
			} else {
				g.Cols[c] = a.Value(i)
			}
		}
		out = append(out, g)
	}
	return out
}

func TestUnreadable(t *testing.T) {
	tests := []struct {
		name string
		path string
		data []byte
	}{
		{"old xls", "kab/seluma.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}},
		{"ods", "kab/seluma.ODS", []byte("PK\x03\x04")},
		{"no extension", "kab/seluma", []byte("NIK;NAMA")},
		{"pdf", "kab/seluma.pdf", []byte("%PDF-1.4")},
		{"zero-byte xlsx", "kab/seluma.xlsx", nil},
		{"zero-byte csv", "kab/seluma.csv", nil},
		{"garbage xlsx", "kab/seluma.XLSX", []byte("this is not a workbook at all")},
		{"xls renamed xlsx", "kab/seluma.xlsx", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}},
		{"truncated zip", "kab/seluma.xlsx", []byte("PK\x03\x04\x14\x00\x00\x00")},
		{"zip that is no workbook", "kab/seluma.xlsx", zipOf(t, map[string]string{"readme.txt": "hello"})},
		{"workbook as csv", "kab/seluma.csv", zipOf(t, map[string]string{"readme.txt": "hello"})},
		{"binary as csv", "kab/seluma.csv", []byte("NIK;NAMA\x00\x01\x02")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rows, _, err := read(t, mem, Options{}, tt.path, tt.data, 10)
			if !errors.Is(err, pipeline.ErrUnreadable) {
				t.Fatalf("err = %v, want ErrUnreadable", err)
			}
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.File != tt.path {
				t.Fatalf("err = %#v, want *InputError for %s", err, tt.path)
			}
			if len(rows) != 0 {
				t.Fatalf("emitted %d rows", len(rows))
			}
		})
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
		if got := refColumn([]byte(want + "12")); got != i+1 {
			t.Errorf("refColumn(%q) = %d, want %d", want+"12", got, i+1)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for in, want := range map[string]string{
		``:         `""`,
		`abc`:      `"abc"`,
		"a\"b\\c":  `"a\"b\\c"`,
		"l1\nl2\r": `"l1\nl2\r"`,
		"\x00\x1f": `"\u0000\u001f"`,
		"José ✓":   `"José ✓"`,
	} {
		if got := string(appendJSONString(nil, in)); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", in, got, want)
		}
	}
}

// bomb returns an xlsx whose one sheet part inflates to size bytes of
// spaces (about size/1000 compressed), written without holding it in
// memory.
func bomb(t testing.TB, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	add("_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	spaces := bytes.Repeat([]byte(" "), 1<<16)
	for n := 0; n < size; n += len(spaces) {
		w.Write(spaces)
	}
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestUnreadableSays: each unreadable file fails whole, and the message
// says why in words a regional office can act on.
func TestUnreadableSays(t *testing.T) {
	good := workbook(t, []string{"S"}, join(
		row("S", 1, "NIK", "NAMA", "Jenis Perubahan"),
		row("S", 2, "1705014101900001", "SITI", "MATI"),
	))
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
	tests := []struct {
		name, path string
		data       []byte
		opts       Options
		is         error
		msg        string
	}{
		{"truncated xlsx", "a.xlsx", good[:len(good)/2], Options{}, pipeline.ErrUnreadable, "corrupt zip archive"},
		{"png renamed xlsx", "a.xlsx", png, Options{}, pipeline.ErrUnreadable, "a PNG image, not a spreadsheet"},
		{"pdf renamed xlsx", "a.xlsx", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"), Options{}, pipeline.ErrUnreadable, "a PDF document, not a spreadsheet"},
		{"png renamed csv", "a.csv", png, Options{}, pipeline.ErrUnreadable, "a PNG image"},
		{"binary blob without nul named csv", "a.csv", []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11NIK;NAMA;JK"), Options{}, pipeline.ErrUnreadable, "not a text file"},
		{"utf-16 csv without BOM", "a.csv", utf16LE("NIK;NAMA;Jenis Perubahan\n")[2:], Options{}, pipeline.ErrUnreadable, "not a text file"},
		{"zip bomb", "a.xlsx", bomb(t, 40<<20), Options{MaxUnzipSize: 8 << 20}, pipeline.ErrUnreadable,
			"part xl/worksheets/sheet1.xml inflates to 40.0 MiB, over the limit of 4 MiB per part (half the 8 MiB unzip limit)"},
		{"shared strings gone", "a.xlsx", patchZip(t, good, "xl/sharedStrings.xml", func(string) string { return "" }), Options{},
			pipeline.ErrUnreadable, "no sheet could be read"},
		{"only sheet is garbage", "a.xlsx", patchZip(t, good, "xl/worksheets/sheet1.xml", func(string) string { return "garbage" }), Options{},
			pipeline.ErrUnreadable, "no sheet could be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rows, _, err := read(t, mem, tt.opts, tt.path, tt.data, 10)
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), tt.path+": ") {
				t.Fatalf("err = %v, want %v saying %q", err, tt.is, tt.msg)
			}
			if len(rows) != 0 {
				t.Fatalf("emitted %d rows", len(rows))
			}
		})
	}
}
