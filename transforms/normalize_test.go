package transforms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/regions"
)

// batchOf builds a batch of schema from rows given as Go maps (absent keys
// are null), by way of JSON.
func batchOf(t *testing.T, mem memory.Allocator, schema *arrow.Schema, rows ...map[string]any) arrow.Record {
	t.Helper()
	if rows == nil {
		rows = []map[string]any{}
	}
	text, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(string(text)))
	if err != nil {
		t.Fatalf("building batch: %v", err)
	}
	return rec
}

// decode returns the rows of a batch as JSON-decoded maps; dates read as
// "YYYY-MM-DD", nulls as nil.
func decode(t *testing.T, rec arrow.Record) []map[string]any {
	t.Helper()
	text, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(text, &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// with returns a copy of row with the given fields set.
func with(row map[string]any, kv ...any) map[string]any {
	out := maps.Clone(row)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func newTestNormalize(t *testing.T) *Normalize {
	t.Helper()
	n, err := NewNormalize(NormalizeConfig{Regions: regions.Default(), AsOf: testAsOf})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNormalize(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	in := batchOf(t, mem, pipeline.RawSchema,
		map[string]any{
			"file": "in/kota.xlsx", "sheet": "Juni", "row": 5, "original": "{}",
			"nik": "'1771 0112 0590 0001", "nkk": " 17.71.01.0101.0001 ",
			"nama": "  h. abdul  rahman, s.pd ", "tempat_lahir": " bengkulu ",
			"tanggal_lahir": "12/05/1990", "jenis_kelamin": "laki-laki", "status_kawin": "kawin",
			"nama_ibu": "Hj. Siti  Aminah", "alamat": "jl.  merdeka no 1", "rt": " 001", "rw": "002 ",
			"kelurahan": "padang  jati", "kecamatan": "ratu samban", "kabupaten_kota": "Kota Bengkulu",
			"jenis_perubahan": "KTP-el Rusak", "tanggal_pengajuan": "44012", "status_layanan": "sudah cetak",
			"tanggal_layanan": "30 Juni 2020", "kabupaten_tujuan": "Kab. Seluma",
		},
		map[string]any{ // nulls everywhere; the region comes from the file name
			"file": "in/1705_seluma.xlsx", "sheet": "Sheet1", "row": 6, "nama": "",
		},
		map[string]any{ // ambiguous BENGKULU: the sheet decides; unknown codes are null
			"file": "in/x.xlsx", "sheet": "KAUR", "row": 7, "nik": "   ", "kabupaten_kota": "BENGKULU",
			"tanggal_lahir": "06/30/2020", "jenis_kelamin": "X", "jenis_perubahan": "GANTI FOTO",
			"status_layanan": "PROSES", "kabupaten_tujuan": "Kota Padang", "nkk": "", "alamat": "",
		},
		map[string]any{ // no region anywhere; a destination nobody knows
			"file": "data.csv", "sheet": "", "row": 8, "nik": "-", "kabupaten_kota": "",
			"kabupaten_tujuan": "ATLANTIS", "tanggal_pengajuan": "",
		},
	)
	defer in.Release()

	out, err := newTestNormalize(t).Apply(context.Background(), mem, in)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()

	if !out.Schema().Equal(pipeline.NormSchema) {
		t.Fatalf("schema %v, want NormSchema", out.Schema())
	}
	if out.NumRows() != in.NumRows() {
		t.Fatalf("%d rows, want %d", out.NumRows(), in.NumRows())
	}
	// Raw columns pass through as the same arrays; cleaned ones are new.
	for i, f := range pipeline.RawSchema.Fields() {
		_, cleaned := cleaners[f.Name]
		if same := out.Column(i) == in.Column(i); same == cleaned {
			t.Errorf("column %s: same array %v, want %v", f.Name, same, !cleaned)
		}
	}

	want := []map[string]any{
		{
			"nik": "'1771 0112 0590 0001", "nkk": "1771010101000" + "1", "nama": "  h. abdul  rahman, s.pd ",
			"tempat_lahir": "BENGKULU", "nama_ibu": "HJ. SITI AMINAH", "alamat": "JL. MERDEKA NO 1",
			"rt": "001", "rw": "002", "kelurahan": "PADANG JATI", "kecamatan": "RATU SAMBAN",
			"tanggal_lahir": "12/05/1990", "kabupaten_kota": "Kota Bengkulu", "jenis_perubahan": "KTP-el Rusak",
			"status_layanan": "sudah cetak", "kabupaten_tujuan": "Kab. Seluma",
			"nik_clean": "1771011205900001", "name_display": "H. ABDUL RAHMAN, S.PD", "name_norm": "ABDUL RAHMAN",
			"mother_norm": "SITI AMINAH", "birth_date": "1990-05-12", "sex": "L", "marital": "KAWIN",
			"event": "RUSAK", "request_date": "2020-06-30", "service_state": "SUDAH CETAK",
			"service_date": "2020-06-30", "region_code": "1771", "dest_region_code": "1705",
		},
		{
			"nik": nil, "nkk": nil, "nama": "", "tempat_lahir": nil, "nama_ibu": nil,
			"nik_clean": nil, "name_display": "", "name_norm": "", "mother_norm": nil,
			"birth_date": nil, "sex": nil, "marital": nil, "event": nil, "request_date": nil,
			"service_state": nil, "service_date": nil, "region_code": "1705", "dest_region_code": nil,
		},
		{
			"nkk": "", "alamat": "", "nik_clean": nil, "name_display": nil, "name_norm": nil,
			"birth_date": nil, "sex": nil, "event": nil, "service_state": nil,
			"region_code": "1704", "dest_region_code": "1371",
		},
		{
			"nik_clean": nil, "region_code": nil, "dest_region_code": nil, "request_date": nil,
		},
	}
	got := decode(t, out)
	for i := range want {
		for k, w := range want[i] {
			if g := got[i][k]; g != w {
				t.Errorf("row %d %s = %#v, want %#v", i, k, g, w)
			}
		}
	}
}

func TestNormalizeEmptyBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := batchOf(t, mem, pipeline.RawSchema)
	defer in.Release()
	out, err := newTestNormalize(t).Apply(context.Background(), mem, in)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if out.NumRows() != 0 || !out.Schema().Equal(pipeline.NormSchema) {
		t.Errorf("got %d rows of %v", out.NumRows(), out.Schema())
	}
}

func TestNormalizeErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	n := newTestNormalize(t)

	wrong := batchOf(t, mem, pipeline.NormSchema, map[string]any{"row": 1})
	defer wrong.Release()
	if out, err := n.Apply(context.Background(), mem, wrong); err == nil {
		out.Release()
		t.Error("a NormSchema batch was accepted")
	}
	noNIK := batchOf(t, mem, arrow.NewSchema(pipeline.RawSchema.Fields()[:6], nil), map[string]any{"row": 1})
	defer noNIK.Release()
	if out, err := n.Apply(context.Background(), mem, noNIK); err == nil || !strings.Contains(err.Error(), `"nik"`) {
		if out != nil {
			out.Release()
		}
		t.Errorf("a batch without the nik column: err %v", err)
	}

	in := batchOf(t, mem, pipeline.RawSchema, map[string]any{"row": 1})
	defer in.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if out, err := n.Apply(ctx, mem, in); !errors.Is(err, context.Canceled) {
		if out != nil {
			out.Release()
		}
		t.Errorf("cancelled context: err %v", err)
	}
}

func TestNewNormalizeConfig(t *testing.T) {
	_, err := NewNormalize(NormalizeConfig{})
	if err == nil || !strings.Contains(err.Error(), "region reference") || !strings.Contains(err.Error(), "as-of") {
		t.Errorf("empty config: err %v, want both settings named", err)
	}
	if n, err := NewNormalize(NormalizeConfig{Regions: regions.Default(), AsOf: testAsOf}); err != nil || n.Name() != "normalize" {
		t.Errorf("valid config: %v, %v", n, err)
	}
}

// A batch that arrives as a slice of a larger one (offsets not zero) reads
// the same.
func TestNormalizeSlicedInput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	base := map[string]any{"file": "f.csv", "kabupaten_kota": "1771", "nkk": " 1.2 "}
	full := batchOf(t, mem, pipeline.RawSchema,
		with(base, "row", 1, "nama", "A"), with(base, "row", 2, "nama", "H. B"), with(base, "row", 3, "nama", "C"))
	defer full.Release()
	in := full.NewSlice(1, 3)
	defer in.Release()
	out, err := newTestNormalize(t).Apply(context.Background(), mem, in)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	got := decode(t, out)
	if len(got) != 2 || got[0]["name_norm"] != "B" || got[1]["name_norm"] != "C" || got[0]["nkk"] != "12" {
		t.Errorf("sliced batch: %v", got)
	}
}

// BenchmarkNormalizeValidate runs both stages over one full batch of
// typical rows.
func BenchmarkNormalizeValidate(b *testing.B) {
	mem := memory.NewGoAllocator()
	rb := array.NewRecordBuilder(mem, pipeline.RawSchema)
	defer rb.Release()
	values := map[string]func(i int) string{
		pipeline.ColFile: func(int) string { return "in/1771_kota.xlsx" }, pipeline.ColSheet: func(int) string { return "Juni" },
		pipeline.ColOriginal: func(int) string { return "{}" },
		pipeline.ColNIK:      func(i int) string { return fmt.Sprintf("'177101%02d0590%04d", 1+i%28, 1+i%9999) },
		pipeline.ColNKK:      func(i int) string { return fmt.Sprintf("17710101%08d", i) },
		pipeline.ColNama:     func(i int) string { return fmt.Sprintf("H. Abdul Rahman %d, S.Pd", i%100) },
		pipeline.ColNamaIbu:  func(int) string { return "Hj. Siti Aminah" }, pipeline.ColTempatLahir: func(int) string { return "bengkulu" },
		pipeline.ColTanggalLahir: func(i int) string { return fmt.Sprintf("%02d/05/1990", 1+i%28) },
		pipeline.ColJenisKelamin: func(int) string { return "LAKI-LAKI" }, pipeline.ColStatusKawin: func(int) string { return "KAWIN" },
		pipeline.ColAlamat: func(int) string { return "Jl. Merdeka No. 1" }, pipeline.ColRT: func(int) string { return "001" },
		pipeline.ColRW: func(int) string { return "002" }, pipeline.ColKelurahan: func(int) string { return "Padang Jati" },
		pipeline.ColKecamatan: func(int) string { return "Ratu Samban" }, pipeline.ColKabupatenKota: func(int) string { return "Kota Bengkulu" },
		pipeline.ColJenisPerubahan: func(int) string { return "KTP-el Rusak" }, pipeline.ColTanggalPengajuan: func(int) string { return "44012" },
		pipeline.ColStatusLayanan: func(int) string { return "SUDAH REKAM" }, pipeline.ColTanggalLayanan: func(int) string { return "2020-06-30" },
		pipeline.ColKabupatenTujuan: func(int) string { return "" },
	}
	const rows = pipeline.DefaultBatchSize
	for f, field := range pipeline.RawSchema.Fields() {
		for i := 0; i < rows; i++ {
			switch bld := rb.Field(f).(type) {
			case *array.StringBuilder:
				bld.Append(values[field.Name](i))
			case *array.Int32Builder:
				bld.Append(int32(i + 2))
			case *array.BooleanBuilder:
				bld.Append(false)
			case *array.ListBuilder:
				bld.AppendNull()
			}
		}
	}
	rec := rb.NewRecord()
	defer rec.Release()
	n, v := mustNormalize(), mustValidate()
	b.ResetTimer()
	for range b.N {
		norm, err := n.Apply(context.Background(), mem, rec)
		if err != nil {
			b.Fatal(err)
		}
		out, err := v.Apply(context.Background(), mem, norm)
		if err != nil {
			b.Fatal(err)
		}
		norm.Release()
		out.Release()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func mustNormalize() *Normalize {
	n, err := NewNormalize(NormalizeConfig{Regions: regions.Default(), AsOf: testAsOf})
	if err != nil {
		panic(err)
	}
	return n
}

func mustValidate() *Validate {
	v, err := NewValidate(ValidateConfig{Regions: regions.Default(), AsOf: testAsOf})
	if err != nil {
		panic(err)
	}
	return v
}

// birth_date holds only a plausible date: one before 1900 or after the
// as-of date is dropped, so a person's birth date falls back to the NIK's.
// Request and service dates after the as-of date are kept (validate warns).
func TestNormalizeDates(t *testing.T) {
	tests := []struct {
		name   string
		column string // the raw date column
		raw    string
		want   any // the parsed column: "YYYY-MM-DD" or nil
	}{
		{"birth", pipeline.ColTanggalLahir, "12/05/1990", "1990-05-12"},
		{"birth on 1900-01-01", pipeline.ColTanggalLahir, "01/01/1900", "1900-01-01"},
		{"birth before 1900 dropped", pipeline.ColTanggalLahir, "31/12/1899", nil},
		{"birth on the as-of date", pipeline.ColTanggalLahir, "30/06/2020", "2020-06-30"},
		{"birth after the as-of date dropped", pipeline.ColTanggalLahir, "01/07/2020", nil},
		{"birth typo 2030 dropped", pipeline.ColTanggalLahir, "12/05/2030", nil},
		{"birth serial 60 dropped", pipeline.ColTanggalLahir, "60", nil},
		{"birth serial 61", pipeline.ColTanggalLahir, "61", "1900-03-01"},
		{"birth bare year dropped", pipeline.ColTanggalLahir, "1985", nil},
		{"birth with no-break spaces", pipeline.ColTanggalLahir, "12\u00a0Mei\u00a01990", "1990-05-12"},
		{"request after the as-of date kept", pipeline.ColTanggalPengajuan, "01/07/2030", "2030-07-01"},
		{"request bare year dropped", pipeline.ColTanggalPengajuan, "2020", nil},
		{"service after the as-of date kept", pipeline.ColTanggalLayanan, "2020-07-01", "2020-07-01"},
		{"service serial 60 dropped", pipeline.ColTanggalLayanan, "60", nil},
	}
	parsedOf := map[string]string{
		pipeline.ColTanggalLahir:     pipeline.ColBirthDate,
		pipeline.ColTanggalPengajuan: pipeline.ColRequestDate,
		pipeline.ColTanggalLayanan:   pipeline.ColServiceDate,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			in := batchOf(t, mem, pipeline.RawSchema, with(validRow, tt.column, tt.raw))
			defer in.Release()
			out, err := newTestNormalize(t).Apply(context.Background(), mem, in)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Release()
			got := decode(t, out)[0]
			if g := got[parsedOf[tt.column]]; g != tt.want {
				t.Errorf("%s %q: %s = %v, want %v", tt.column, tt.raw, parsedOf[tt.column], g, tt.want)
			}
			if got[tt.column] != tt.raw {
				t.Errorf("raw %s = %q, want it kept as %q", tt.column, got[tt.column], tt.raw)
			}
		})
	}
}

// Dirty cells: invisible characters, no-break spaces, full-width digits.
func TestNormalizeDirtyCells(t *testing.T) {
	tests := []struct {
		name   string
		column string
		raw    string
		out    string // the column normalize fills
		want   any
	}{
		{"nik full-width", pipeline.ColNIK, "１７７１０１１２０５９００００１", pipeline.ColNIKClean, "1771011205900001"},
		{"nik zero-width and BOM", pipeline.ColNIK, "\ufeff1771\u200b011205900001", pipeline.ColNIKClean, "1771011205900001"},
		{"nik Arabic-Indic kept for validate", pipeline.ColNIK, "١٧٧١", pipeline.ColNIKClean, "١٧٧١"},
		{"nkk full-width", pipeline.ColNKK, "１７７１０１０１０１０００００１", pipeline.ColNKK, "1771010101000001"},
		{"name display", pipeline.ColNama, "\ufeffbudi\u00a0\u200bsantoso\x00", pipeline.ColNameDisplay, "BUDI SANTOSO"},
		{"name norm", pipeline.ColNama, "H.\u00a0BU\u200bDI\x07 SANTOSO", pipeline.ColNameNorm, "BUDI SANTOSO"},
		{"text column", pipeline.ColKelurahan, "padang\u00a0jati\u200e", pipeline.ColKelurahan, "PADANG JATI"},
		{"sex full-width code", pipeline.ColJenisKelamin, "２", pipeline.ColSex, "P"},
		{"event with no-break space", pipeline.ColJenisPerubahan, "KTP\u00a0RUSAK\ufeff", pipeline.ColEvent, pipeline.EventRusak},
		{"state with control byte", pipeline.ColStatusLayanan, "SUDAH\tCETAK\x00", pipeline.ColServiceState, pipeline.StateSudahCetak},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			in := batchOf(t, mem, pipeline.RawSchema, with(validRow, tt.column, tt.raw))
			defer in.Release()
			out, err := newTestNormalize(t).Apply(context.Background(), mem, in)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Release()
			if got := decode(t, out)[0][tt.out]; got != tt.want {
				t.Errorf("%s %q: %s = %#v, want %#v", tt.column, tt.raw, tt.out, got, tt.want)
			}
		})
	}
}

// A batch of long, distinct cells does not fill the lookup caches.
func TestMemoLookupLongKeys(t *testing.T) {
	calls := 0
	f := memoLookup(func(s string) (string, bool) { calls++; return s[:1], true })
	long := strings.Repeat("A", maxMemoKey+1)
	for range 3 {
		f("KOTA")
		f(long)
	}
	if calls != 4 { // KOTA once, the long text every time
		t.Errorf("%d lookups, want 4", calls)
	}
}

// The whole-column tests of the cleaners (displayedColumn, digitsColumn)
// against their values one by one, on columns of 0 to 40 values mixing
// clean values, values each cleaner changes (spaces at an end, two
// spaces, lower case, controls, non-ASCII, separators in a number), empty
// values and nulls, whole and sliced; and where a test holds, mapStrings
// gives the column itself.
func TestCleanersAsIs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	clean := []string{"", "A", "JL. MERDEKA NO. 1", "001", "RATU SAMBAN", "BENGKULU", "ABCDEFGH", "ABCDEFGHI J", "17710101", "1771010101900001"}
	dirty := []string{" A", "A ", "A  B", "a", "JL. merdeka", "A\tB", "A\x00", "\x7f", "É", "12 34", "12.34", "'1771", "17-71",
		"ABCDEFG  H", "ABCDEFGH ", " ABCDEFGH", "ABCDEFGh"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20_000 {
		b := array.NewStringBuilder(mem)
		n := rng.IntN(41)
		for range n {
			switch rng.IntN(20) {
			case 0:
				b.AppendNull()
			case 1:
				b.Append(dirty[rng.IntN(len(dirty))])
			default:
				b.Append(clean[rng.IntN(len(clean))])
			}
		}
		whole := b.NewStringArray()
		b.Release()
		lo := rng.IntN(n + 1)
		hi := lo + rng.IntN(n-lo+1)
		sliced := array.NewSlice(whole, int64(lo), int64(hi)).(*array.String)
		for _, a := range []*array.String{whole, sliced} {
			wantDisplayed, wantDigits := true, true
			for i := range a.Len() {
				v := a.Value(i) // a null's bytes count too
				wantDisplayed = wantDisplayed && displayedASCII(v)
				wantDigits = wantDigits && (v == "" || allDigits(v))
			}
			if got := displayedColumn(a); got != wantDisplayed {
				t.Fatalf("displayedColumn(%v) = %v, want %v", a, got, wantDisplayed)
			}
			if got := digitsColumn(a); got != wantDigits {
				t.Fatalf("digitsColumn(%v) = %v, want %v", a, got, wantDigits)
			}
			for _, c := range []cleaner{{cleanText, displayedColumn}, {cleanNIK, digitsColumn}} {
				if !c.asIs(a) {
					continue
				}
				m := mapStrings(mem, a, c.clean)
				if m != arrow.Array(a) {
					t.Fatalf("column %v passes its test, but mapStrings made %v", a, m)
				}
				m.Release()
			}
		}
		sliced.Release()
		whole.Release()
	}
}
