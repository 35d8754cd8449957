package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func utf16BE(s string) []byte {
	out := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

func TestCSV(t *testing.T) {
	type want struct {
		row  int32
		nik  string
		nama string
		col  string // column checked with val
		val  string
		orig string // "" to skip
		warn []string
	}
	tests := []struct {
		name  string
		data  []byte
		batch int
		want  []want
	}{
		{
			name: "semicolon with title lines and blank lines",
			data: []byte("DATA PERUBAHAN, KAB. SELUMA\n\nNIK;NAMA;Jenis Perubahan;TGL_LHR\r\n" +
				"1705014101900001;SITI;KTP RUSAK;30/06/1990\r\n\r\n;;;\r\n  ;\t;;\r\n" +
				"'1705014101900002;BUDI;HILANG;\r\n"),
			want: []want{
				{row: 4, nik: "1705014101900001", nama: "SITI", col: "tanggal_lahir", val: "30/06/1990",
					orig: `{"NIK":"1705014101900001","NAMA":"SITI","Jenis Perubahan":"KTP RUSAK","TGL_LHR":"30/06/1990"}`},
				{row: 8, nik: "'1705014101900002", nama: "BUDI", col: "tanggal_lahir", val: ""},
			},
		},
		{
			name:  "comma",
			data:  []byte("nik,nama,jenis_perubahan\n1,A,MATI\n2,B,MATI\n3,C,MATI\n"),
			batch: 2,
			want: []want{
				{row: 2, nik: "1", nama: "A", col: "nkk", val: null},
				{row: 3, nik: "2", nama: "B"},
				{row: 4, nik: "3", nama: "C"},
			},
		},
		{
			name: "tab",
			data: []byte("NIK\tNAMA\tJENIS LAYANAN\tKEC\n1\tA, B\tSUKET\tRATU SAMBAN\n"),
			want: []want{{row: 2, nik: "1", nama: "A, B", col: "kecamatan", val: "RATU SAMBAN"}},
		},
		{
			name: "utf-8 BOM",
			data: []byte("\xEF\xBB\xBFNIK;NAMA;Jenis Perubahan\n1;JOSÉ;RUSAK\n"),
			want: []want{{row: 2, nik: "1", nama: "JOSÉ", orig: `{"NIK":"1","NAMA":"JOSÉ","Jenis Perubahan":"RUSAK"}`}},
		},
		{
			name: "windows-1252",
			data: []byte("NIK;NAMA;Jenis Perubahan;ALAMAT\n1;JOS\xC9;RUSAK;JL. \x93MAWAR\x94\n"),
			want: []want{{row: 2, nik: "1", nama: "JOSÉ", col: "alamat", val: "JL. “MAWAR”"}},
		},
		{
			name: "utf-16le with BOM",
			data: utf16LE("Laporan\r\nNIK;NAMA;Jenis Perubahan\r\n1;JOSÉ;PINDAH\r\n"),
			want: []want{{row: 3, nik: "1", nama: "JOSÉ", col: "jenis_perubahan", val: "PINDAH"}},
		},
		{
			name: "utf-16be with BOM",
			data: utf16BE("NIK,NAMA,Jenis Perubahan\r\n1,JOSÉ 😀,PINDAH\r\n"),
			want: []want{{row: 2, nik: "1", nama: "JOSÉ 😀", col: "jenis_perubahan", val: "PINDAH"}},
		},
		{
			name: "quoted newline",
			data: []byte("NIK;NAMA;Jenis Perubahan;ALAMAT\n1;A;RUSAK;\"JL. MAWAR\nRT 01\"\n2;B;RUSAK;X\n\"3\";\"C\";\"RUSAK\";\"\"\n"),
			want: []want{
				{row: 2, nik: "1", nama: "A", col: "alamat", val: "JL. MAWAR\nRT 01"},
				{row: 4, nik: "2", nama: "B"},
				{row: 5, nik: "3", nama: "C", col: "alamat", val: ""},
			},
		},
		{
			name: "ragged rows, duplicate and empty headers",
			data: []byte("NIK;NAMA;NAMA;;Jenis Perubahan\n1;A\n2;B;B2;x;MATI;extra;;more\n"),
			want: []want{
				{row: 2, nik: "1", nama: "A", col: "jenis_perubahan", val: "",
					orig: `{"NIK":"1","NAMA":"A","NAMA (2)":"","D":"","Jenis Perubahan":""}`},
				{row: 3, nik: "2", nama: "B", col: "jenis_perubahan", val: "MATI",
					orig: `{"NIK":"2","NAMA":"B","NAMA (2)":"B2","D":"x","Jenis Perubahan":"MATI","F":"extra","H":"more"}`},
			},
		},
		{
			name: "quoted newline in the last field of the last record, blank lines after",
			data: []byte("NIK;NAMA;Jenis Perubahan;ALAMAT\n1;A;RUSAK;\"JL\nRT 1\"\n;;;\n\n"),
			want: []want{{row: 2, nik: "1", nama: "A", col: "alamat", val: "JL\nRT 1"}},
		},
		{
			name: "quoted newline closing the file",
			data: []byte("NIK;NAMA;Jenis Perubahan;ALAMAT\n1;A;RUSAK;X\n2;B;RUSAK;\"JL\nRT 1\""),
			want: []want{{row: 2, nik: "1", nama: "A"}, {row: 3, nik: "2", nama: "B", col: "alamat", val: "JL\nRT 1"}},
		},
		{
			name: "lazy quotes",
			data: []byte("NIK;NAMA;Jenis Perubahan\n1;A \"ACIL\" B;RUSAK\n"),
			want: []want{{row: 2, nik: "1", nama: "A \"ACIL\" B"}},
		},
		{
			name: "cell too long",
			data: []byte("NIK;NAMA;Jenis Perubahan;ALAMAT\n1;A;RUSAK;" + strings.Repeat("é", maxCellChars+5) + "\n"),
			want: []want{{row: 2, nik: "1", nama: "A", col: "alamat", val: strings.Repeat("é", maxCellChars),
				warn: []string{pipeline.WarnCellTooLong}}},
		},
		{
			name: "header only",
			data: []byte("NIK;NAMA;Jenis Perubahan\n\n"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			if tt.batch == 0 {
				tt.batch = 100
			}
			rows, res, err := read(t, mem, Options{}, "in/1705.csv", tt.data, tt.batch)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || res[0].Name != "" || res[0].Err != nil || res[0].DataRows != len(tt.want) {
				t.Fatalf("results %+v, want one sheet with %d rows", res, len(tt.want))
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("%d rows, want %d: %+v", len(rows), len(tt.want), rows)
			}
			for i, w := range tt.want {
				g := rows[i]
				if g.File != "in/1705.csv" || g.Sheet != "" || g.Row != w.row || g.NIKNumeric {
					t.Errorf("row %d: file %q sheet %q row %d numeric %v, want row %d", i, g.File, g.Sheet, g.Row, g.NIKNumeric, w.row)
				}
				if g.Cols["nik"] != w.nik || g.Cols["nama"] != w.nama {
					t.Errorf("row %d: nik %q nama %q, want %q %q", i, g.Cols["nik"], g.Cols["nama"], w.nik, w.nama)
				}
				if w.col != "" && g.Cols[w.col] != w.val {
					t.Errorf("row %d: %s = %.40q, want %.40q", i, w.col, g.Cols[w.col], w.val)
				}
				if w.orig != "" && g.Original != w.orig {
					t.Errorf("row %d: original\n got %s\nwant %s", i, g.Original, w.orig)
				}
				if !slices.Equal(g.Warnings, w.warn) {
					t.Errorf("row %d: warnings %v, want %v", i, g.Warnings, w.warn)
				}
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		is      error
		row     int
		missing []string
	}{
		{"no header", "1;A;RUSAK\n2;B;HILANG\n", pipeline.ErrNoHeader, 0, nil},
		{"only blank lines", "\n \n;;\n", pipeline.ErrNoHeader, 0, nil},
		{"header without required columns", "Laporan\nNIK;KEC;KEL;TGL_LHR\n1;A;B;C\n", pipeline.ErrNoHeader, 2,
			[]string{pipeline.ColNama, pipeline.ColJenisPerubahan}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rows, _, err := read(t, mem, Options{}, "x.csv", []byte(tt.data), 10)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.File != "x.csv" || ie.Row != tt.row {
				t.Fatalf("err = %#v, want InputError at row %d", err, tt.row)
			}
			var me *MissingColumnsError
			if tt.missing != nil && (!errors.As(err, &me) || !slices.Equal(me.Columns, tt.missing)) {
				t.Fatalf("err = %v, want missing %v", err, tt.missing)
			}
			if len(rows) != 0 {
				t.Fatalf("%d rows emitted", len(rows))
			}
		})
	}
}

// TestCSVQuoteNeverClosed: a quote opened and never closed would make the
// rest of the file one cell; the rows before it are read, then the file
// fails at the line of the quote.
func TestCSVQuoteNeverClosed(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	data := "NIK;NAMA;Jenis Perubahan\n1;A;MATI\n2;\"B;MATI\n3;C;MATI\n4;D;MATI\n"
	rows, _, err := read(t, mem, Options{}, "x.csv", []byte(data), 10)
	var ie *pipeline.InputError
	if !errors.Is(err, pipeline.ErrUnreadable) || !errors.As(err, &ie) || ie.File != "x.csv" || ie.Row != 3 ||
		!strings.Contains(err.Error(), "never closed") {
		t.Fatalf("err = %v, want unreadable at row 3", err)
	}
	if len(rows) != 1 || rows[0].Row != 2 {
		t.Fatalf("rows %+v, want row 2 only", rows)
	}
}

func TestScanText(t *testing.T) {
	long := strings.Repeat("a", 64<<10-1)
	tests := []struct {
		name  string
		data  string
		valid bool
		err   error
	}{
		{"ascii", "NIK;NAMA", true, nil},
		{"rune across chunk boundary", long + "é" + long, true, nil},
		{"invalid at chunk boundary", long + "\xC3", false, nil},
		{"cp1252", "JOS\xC9", false, nil},
		{"nul", "A\x00B", false, errNotText},
		{"binary without nul", "NIK;NAMA\n\x01\x02\x03\x04\x05\x06\x07\x08garbage\x0e\x0f", false, errNotText},
		{"a stray control character", "NIK;NAMA;Jenis Perubahan\n" + strings.Repeat("1;A\x01;MATI\n", 1) + strings.Repeat("1;A;MATI\n", 20), true, nil},
		{"form feed and ctrl-z", "NIK;NAMA\f\n1;A\x1a", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			valid, err := scanText(strings.NewReader(tt.data))
			if valid != tt.valid || !errors.Is(err, tt.err) {
				t.Fatalf("scanText = %v, %v; want %v, %v", valid, err, tt.valid, tt.err)
			}
		})
	}
}

// FuzzCSV checks the CSV source on any bytes: it never panics and frees
// every Arrow buffer (checked allocator); it fails only with an
// InputError that is a missing header or an unreadable file; it emits at
// most one row a line, numbered by the line the record starts on, after
// the header, in increasing order; each row satisfies checkRow (original
// is a JSON object of the cells); and the batch size changes nothing.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"NIK;NAMA;Jenis Perubahan\n1;A;RUSAK\n",
		"Judul\nnik,nama,jenis_perubahan\n\"1\n2\",A,B\n,,\n",
		"\xEF\xBB\xBFNIK\tNAMA\tJK\tJenis Perubahan\n1\tA\n",
		"NIK;NAMA;KEC\n\"unterminated;x\n",
		"\xFF\xFEN\x00I\x00K\x00;\x00",
		"NIK;NAMA;Jenis Perubahan\r\n1;JOS\xC9;\"a\"\"b\"\r\n\r\n2;B;C;D;E\n",
	} {
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, batch uint8) {
		const file = "f.csv"
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rows, res, err := read(t, mem, Options{}, file, data, 1+int(batch%8))
		lines := csvLines(data)
		if err != nil {
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || ie.File != file || ie.Row < 0 || ie.Row > lines ||
				!errors.Is(err, pipeline.ErrNoHeader) && !errors.Is(err, pipeline.ErrUnreadable) {
				t.Fatalf("err = %v (%#v), %d lines", err, err, lines)
			}
			return
		}
		if len(res) != 1 || res[0].Err != nil || res[0].DataRows != len(rows) {
			t.Fatalf("results %+v for %d rows", res, len(rows))
		}
		if len(rows) > lines {
			t.Fatalf("%d rows from %d lines", len(rows), lines)
		}
		prev := int32(1) // the header is on line 1 at the earliest
		for _, r := range rows {
			if r.Row <= prev || int(r.Row) > lines {
				t.Fatalf("row number %d after %d, %d lines", r.Row, prev, lines)
			}
			prev = r.Row
			checkRow(t, file, r)
		}
		whole, _, err := read(t, mem, Options{}, file, data, len(rows)+1)
		if err != nil || !sameRows(rows, whole) {
			t.Fatalf("in one batch: %v, %d rows differ from %d rows in batches of %d", err, len(whole), len(rows), 1+batch%8)
		}
	})
}

func TestCSVSizedBatches(t *testing.T) {
	// A batch of more than sizeAfter rows sizes its buffers from the bytes
	// per row so far; rows longer than those, and files whose decoded text
	// is not as long as the file, read the same as with small batches,
	// which never size.
	var sb strings.Builder
	sb.WriteString("nik;nama;alamat;jenis_perubahan\n")
	for i := range 3000 {
		addr := "JL. MERDEKA"
		if i > 1500 {
			addr = strings.Repeat("JL. PANJANG SEKALI ", 1+i%7)
		}
		fmt.Fprintf(&sb, "17710112059%05d;NAMA %d;%s;KTP HILANG\n", i, i, addr)
	}
	text := sb.String()
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"utf-8", []byte(text)},
		{"utf-16", utf16LE(text)},
	} {
		t.Run(f.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			want, _, err := read(t, mem, Options{}, "kab/kota.csv", f.data, sizeAfter-1)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := read(t, mem, Options{}, "kab/kota.csv", f.data, 2000)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3000 || !reflect.DeepEqual(got, want) {
				t.Fatalf("%d rows with batches of 2000, %d with batches of %d, or they differ", len(got), len(want), sizeAfter-1)
			}
		})
	}
}

func TestUnreadRows(t *testing.T) {
	tests := []struct {
		name                string
		size, start, offset int64
		n, want             int
	}{
		{"halfway", 1000, 100, 550, 9, 9},
		{"at the end", 1000, 100, 1000, 18, 0},
		{"decoded text longer than the file", 1000, 100, 1200, 22, 0},
		{"nothing read yet", 1000, 100, 100, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unreadRows(tt.size, tt.start, tt.offset, tt.n); got != tt.want {
				t.Errorf("unreadRows(%d, %d, %d, %d) = %d, want %d", tt.size, tt.start, tt.offset, tt.n, got, tt.want)
			}
		})
	}
}

// validPrefix reports whether p can begin valid UTF-8: valid but for a
// rune cut at its end.
func validPrefix(p []byte) bool {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				p = p[:i]
			}
			break
		}
	}
	return utf8.Valid(p)
}

// chunkReader reads its text in chunks of random sizes, one a read; the
// last comes with io.EOF or before it.
type chunkReader struct {
	text []byte
	rng  *rand.Rand
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.text) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1+c.rng.IntN(9))], c.text)
	c.text = c.text[n:]
	if len(c.text) == 0 && c.rng.IntN(2) == 0 {
		return n, io.EOF
	}
	return n, nil
}

// TestUTF8Reader: after each read, utf8Reader says invalid exactly when
// the text read so far cannot begin valid UTF-8, and at the end when the
// text is not valid UTF-8, however the reads cut it.
func TestUTF8Reader(t *testing.T) {
	pieces := []string{"a", "é", "日", "😀", "\xff", "\xe6\x97", "\x80", "\xf0\x9f\x98", "\uFFFD", ";\n"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var text []byte
		for range rng.IntN(12) {
			if p := pieces[rng.IntN(len(pieces))]; utf8.ValidString(p) || rng.IntN(8) == 0 {
				text = append(text, p...)
			}
		}
		v := &utf8Reader{r: &chunkReader{text: text, rng: rng}}
		buf := make([]byte, 16)
		read := 0
		for {
			n, err := v.Read(buf)
			read += n
			if err == io.EOF {
				if v.invalid != !utf8.Valid(text) {
					t.Fatalf("%q: invalid %v at the end", text, v.invalid)
				}
				break
			}
			if v.invalid != !validPrefix(text[:read]) {
				t.Fatalf("%q: invalid %v after %d bytes", text, v.invalid, read)
			}
		}
	}
}

// TestCSVChangedToInvalidUTF8: a file found to be UTF-8 that holds bytes
// that are not when it is read (it changed in between) has them replaced,
// in the rows after them as before.
func TestCSVChangedToInvalidUTF8(t *testing.T) {
	good := "nik;nama;alamat;jenis_perubahan\n" + strings.Repeat("1705014101900001;SITI;JL. MERDEKA;KTP HILANG\n", 3000)
	bad := strings.Replace(good, "MERDEKA", "MER\xffDEKA", 1)
	i := strings.LastIndex(bad, "MERDEKA")
	bad = bad[:i] + "MER\xe6\x97DEKA" + bad[i+len("MERDEKA"):]
	opens := 0
	in := pipeline.Input{Path: "kab/kota.csv", Size: int64(len(good)), Open: func() (io.ReadCloser, error) {
		opens++
		if opens == 1 {
			return io.NopCloser(strings.NewReader(good)), nil
		}
		return io.NopCloser(strings.NewReader(bad)), nil
	}}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []gotRow
	_, err := New(Options{}).Read(t.Context(), mem, in, 1000, func(rec arrow.Record, orig pipeline.Originals) error {
		rows = append(rows, recordRows(t, rec, orig)...)
		return nil
	})
	if err != nil || len(rows) != 3000 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for k, r := range rows {
		want := "JL. MERDEKA"
		switch k {
		case 0:
			want = "JL. MER\uFFFDDEKA"
		case len(rows) - 1:
			want = "JL. MER\uFFFDDEKA"
		}
		if got := r.Cols[pipeline.ColAlamat]; got != want || !utf8.ValidString(r.Original) || !bytes.Contains([]byte(r.Original), []byte(want)) {
			t.Fatalf("row %d: alamat %q, original %q; want %q", r.Row, got, r.Original, want)
		}
	}
}
