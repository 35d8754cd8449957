package source

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// csvReaderCases are texts on which csvReader must read what encoding/csv
// reads.
var csvReaderCases = map[string]string{
	"plain":                     "nik;nama\n1;A\n2;B\n",
	"no final line break":       "a;b\n1;2",
	"CRLF":                      "a;b\r\n1;2\r\n",
	"CR ending the text":        "a;b\n1;2\r",
	"lone CR":                   "a\rb;c\n",
	"empty lines":               "\n\na;b\n\n\r\n1;2\n\n",
	"empty fields":              ";;\n;\n",
	"quoted":                    "\"a;b\";\"c\"\"d\"\n",
	"quoted line breaks":        "\"a\nb\";c\n\"x\r\ny\"\n",
	"quote inside unquoted":     "a\"b;c\n",
	"bare quote in quoted":      "\"a\"b;c\n",
	"quote then text then end":  "\"a\" b\n",
	"never closed":              "a;\"b\nc;d\ne\n",
	"never closed, empty":       "\"",
	"quoted empty":              "\"\";\"\"\n",
	"quoted then CR at the end": "\"a\"\r",
	"long line":                 strings.Repeat("x", 100) + ";" + strings.Repeat("\"y\"", 30) + "\n",
	"long quoted line":          "\"" + strings.Repeat("z;", 60) + "\n" + strings.Repeat("w", 50) + "\"\n",
	"invalid UTF-8":             "\xff;\"\xfe\"\n",
}

// checkCSVReader fails unless csvReader reads text with delimiter comma as
// encoding/csv does: the records, each one's line and the offset after
// it, and the end. A small buffer makes lines longer than it.
func checkCSVReader(t *testing.T, text string, comma byte) {
	t.Helper()
	want := csv.NewReader(strings.NewReader(text))
	want.Comma = rune(comma)
	want.LazyQuotes = true
	want.FieldsPerRecord = -1
	want.ReuseRecord = true
	got := newCSVReader(bufio.NewReaderSize(strings.NewReader(text), 16), comma)
	var (
		prev []string   // the record kept, every other record
		kept int        // its number
		seen [][]string // the records so far
	)
	for n := 0; ; n++ {
		w, werr := want.Read()
		g, gerr := got.Read()
		if (werr == nil) != (gerr == nil) || werr != nil && werr != io.EOF {
			t.Fatalf("%q: record %d: error %v, want %v", text, n, gerr, werr)
		}
		if werr == io.EOF {
			if gerr != io.EOF {
				t.Fatalf("%q: after %d records: %v, want io.EOF", text, n, gerr)
			}
			break
		}
		line, _ := want.FieldPos(0)
		if !slices.Equal(g, w) || got.Line() != line || got.InputOffset() != want.InputOffset() {
			t.Fatalf("%q: record %d: %q on line %d to offset %d, want %q on line %d to offset %d",
				text, n, g, got.Line(), got.InputOffset(), w, line, want.InputOffset())
		}
		if n > 0 && !slices.Equal(prev, seen[kept]) {
			t.Fatalf("%q: record %d kept as %q, want %q", text, kept, prev, seen[kept])
		}
		seen = append(seen, slices.Clone(w))
		if n%2 == 0 { // kept across one Read, then two
			got.Keep()
			prev, kept = g, n
		}
	}
}

func TestCSVReader(t *testing.T) {
	for name, text := range csvReaderCases {
		t.Run(name, func(t *testing.T) {
			for _, comma := range []byte{';', ',', '\t'} {
				checkCSVReader(t, text, comma)
			}
		})
	}
}

func FuzzCSVReader(f *testing.F) {
	for _, text := range csvReaderCases {
		f.Add([]byte(text), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, comma uint8) {
		checkCSVReader(t, string(data), []byte{';', ',', '\t'}[comma%3])
	})
}

// BenchmarkCSV reads a CSV of 50,000 rows like a regional office's
// through the source, batches built and dropped.
func BenchmarkCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("nik,nkk,nama,tempat_lahir,tanggal_lahir,jenis_kelamin,status_kawin,nama_ibu,alamat,rt,rw," +
		"kelurahan,kecamatan,kabupaten_kota,jenis_perubahan,tanggal_pengajuan,status_layanan,tanggal_layanan,kabupaten_tujuan\n")
	for i := range 50000 {
		fmt.Fprintf(&sb, "17010962065%05d,170109260419%04d,UMI ARDIANSYAH,BINTUHAN,22/06/1957,PEREMPUAN,KAWIN,NOVI KADIR,"+
			"\"JL. MERDEKA NO. %d, RT 1\",001,002,KEBUN TEBENG,RATU AGUNG,KOTA BENGKULU,KTP HILANG,2020-05-01,SELESAI,2020-05-03,\n", i, i%10000, i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_, err := New(Options{}).Read(b.Context(), memory.NewGoAllocator(), memInput("kab/kota.csv", data), 16384,
			func(arrow.Record, pipeline.Originals) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}
