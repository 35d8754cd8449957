package source

import (
	"bytes"
	"context"
	"errors"
	"io"
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
	emit := func(rec arrow.Record) error {
		if !rec.Schema().Equal(pipeline.RawSchema) {
			t.Fatalf("schema %v, want RawSchema", rec.Schema())
		}
		if int(rec.NumRows()) > batchSize {
			t.Fatalf("batch of %d rows, want at most %d", rec.NumRows(), batchSize)
		}
		rows = append(rows, recordRows(rec)...)
		return nil
	}
	res, err := New(opts).Read(context.Background(), mem, memInput(path, data), batchSize, emit)
	return rows, res, err
}

func recordRows(rec arrow.Record) []gotRow {
	col := func(name string) arrow.Array {
		return rec.Column(rec.Schema().FieldIndices(name)[0])
	}
	file := col(pipeline.ColFile).(*array.String)
	sheet := col(pipeline.ColSheet).(*array.String)
	row := col(pipeline.ColRow).(*array.Int32)
	orig := col(pipeline.ColOriginal).(*array.String)
	nikNum := col(pipeline.ColNIKNumeric).(*array.Boolean)
	warns := col(pipeline.ColCellWarnings).(*array.List)
	wvals := warns.ListValues().(*array.String)
	var out []gotRow
	for i := 0; i < int(rec.NumRows()); i++ {
		g := gotRow{
			File: file.Value(i), Sheet: sheet.Value(i), Row: row.Value(i),
			Original: orig.Value(i), NIKNumeric: nikNum.Value(i),
			Cols: map[string]string{},
		}
		if warns.IsValid(i) {
			s, e := warns.ValueOffsets(i)
			for j := s; j < e; j++ {
				g.Warnings = append(g.Warnings, wvals.Value(int(j)))
			}
		}
		for _, c := range pipeline.InputColumns {
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
