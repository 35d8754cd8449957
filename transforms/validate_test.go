package transforms

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/regions"
)

// validRow is a raw row every rule accepts: a man born 1990-05-12,
// registered in district 177101 of Kota Bengkulu.
var validRow = map[string]any{
	"file": "in/kota.csv", "sheet": "", "row": 2, "original": "{}",
	"nik": "1771011205900001", "nama": "Budi Santoso", "jenis_perubahan": "KTP RUSAK",
	"kabupaten_kota": "1771",
}

// runValidate passes raw rows through normalize and validate and returns
// the output rows.
func runValidate(t *testing.T, mem memory.Allocator, rows ...map[string]any) []map[string]any {
	t.Helper()
	in := batchOf(t, mem, pipeline.RawSchema, rows...)
	defer in.Release()
	norm, err := newTestNormalize(t).Apply(context.Background(), mem, in)
	if err != nil {
		t.Fatal(err)
	}
	defer norm.Release()
	out, err := newTestValidate(t).Apply(context.Background(), mem, norm)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if !out.Schema().Equal(pipeline.ValidSchema) {
		t.Fatalf("schema %v, want ValidSchema", out.Schema())
	}
	for i := range norm.Columns() {
		if out.Column(i) != norm.Column(i) {
			t.Errorf("column %s was not passed through", norm.ColumnName(i))
		}
	}
	return decode(t, out)
}

func newTestValidate(t *testing.T) *Validate {
	t.Helper()
	v, err := NewValidate(ValidateConfig{Regions: regions.Default(), AsOf: testAsOf})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestValidateReasons(t *testing.T) {
	tests := []struct {
		name   string
		row    map[string]any
		reason string
		detail string // a substring of the detail
	}{
		{"accepted", validRow, "", ""},
		{"nik null", with(validRow, "nik", nil), pipeline.ReasonNIKMissing, "nik is empty"},
		{"nik blank", with(validRow, "nik", " \u00a0 "), pipeline.ReasonNIKMissing, "nik is empty"},
		{"nik only a dash", with(validRow, "nik", "-"), pipeline.ReasonNIKMissing, "nik is empty"},
		{"scientific text", with(validRow, "nik", "1.77101120590E+15"), pipeline.ReasonNIKPrecisionLost, "scientific notation"},
		{"scientific numeric cell", with(validRow, "nik", "1,771E15", "nik_numeric", true), pipeline.ReasonNIKPrecisionLost, "scientific notation"},
		{"numeric ending in 0", with(validRow, "nik", "1771011205900010", "nik_numeric", true), pipeline.ReasonNIKPrecisionLost, "ends in 0"},
		{"numeric 15 digits", with(validRow, "nik", "177101120590001", "nik_numeric", true), pipeline.ReasonNIKPrecisionLost, "15 significant digits"},
		{"bad length 15", with(validRow, "nik", "177101120590001"), pipeline.ReasonNIKBadLength, "nik has 15 digits, want 16"},
		{"bad length 17", with(validRow, "nik", "17710112059000011"), pipeline.ReasonNIKBadLength, "nik has 17 digits, want 16"},
		{"bad length with letters", with(validRow, "nik", "NIK BELUM ADA"), pipeline.ReasonNIKBadLength, "nik has 11 characters, want 16"},
		{"not digits", with(validRow, "nik", "17710112O5900001"), pipeline.ReasonNIKNotDigits, "position 9"},
		{"bad province", with(validRow, "nik", "9971011205900001"), pipeline.ReasonNIKBadProvince, "province"},
		{"bad date", with(validRow, "nik", "1771013204900001"), pipeline.ReasonNIKBadDate, "birth date"},
		{"29 Feb of a non-leap year", with(validRow, "nik", "1771012902190001"), pipeline.ReasonNIKBadDate, "birth date"},
		{"bad serial", with(validRow, "nik", "1771011205900000"), pipeline.ReasonNIKBadSerial, "0000"},
		{"name empty", with(validRow, "nama", ""), pipeline.ReasonNameMissing, "nama is empty"},
		{"name null", with(validRow, "nama", nil), pipeline.ReasonNameMissing, "nama is empty"},
		{"name only titles", with(validRow, "nama", "H. Dr., S.Pd"), pipeline.ReasonNameMissing, "titles"},
		{"event empty", with(validRow, "jenis_perubahan", " "), pipeline.ReasonEventMissing, "jenis_perubahan is empty"},
		{"event null", with(validRow, "jenis_perubahan", nil), pipeline.ReasonEventMissing, "jenis_perubahan is empty"},
		{"event unknown", with(validRow, "jenis_perubahan", "GANTI FOTO"), pipeline.ReasonEventUnknown, `jenis_perubahan text not recognised: "GANTI FOTO"`},
		{"event holding a NIK is not quoted", with(validRow, "jenis_perubahan", "1771011205900001"), pipeline.ReasonEventUnknown, "not quoted"},
		{"region empty, file says nothing", with(validRow, "kabupaten_kota", ""), pipeline.ReasonRegionUnknown, "kabupaten_kota is empty"},
		{"region ambiguous", with(validRow, "kabupaten_kota", "BENGKULU"), pipeline.ReasonRegionUnknown, `"BENGKULU"`},
		{"region of another province", with(validRow, "kabupaten_kota", "1371"), pipeline.ReasonRegionUnknown, `"1371"`},
		{"region from the file name", with(validRow, "kabupaten_kota", "", "file", "in/kab-kaur.csv"), "", ""},

		// Dirty NIK text (see cleanNIK).
		{"nik full-width digits are read", with(validRow, "nik", "１７７１０１１２０５９００００１"), "", ""},
		{"nik with zero-width space and BOM", with(validRow, "nik", "\ufeff1771011205900001\u200b"), "", ""},
		{"nik with a control byte", with(validRow, "nik", "1771011205900001\x00"), "", ""},
		{"nik of Arabic-Indic digits", with(validRow, "nik", "١٧٧١٠١١٢٠٥٩٠٠٠٠١"), pipeline.ReasonNIKNotDigits, "position 1"},
		{"nik only invisible", with(validRow, "nik", "\u200b\ufeff"), pipeline.ReasonNIKMissing, "nik is empty"},

		// Priority: the first rule broken wins.
		{"missing beats everything", map[string]any{"row": 1, "file": "x.csv"}, pipeline.ReasonNIKMissing, ""},
		{"precision beats length", with(validRow, "nik", "177101120590", "nik_numeric", true, "nama", ""), pipeline.ReasonNIKPrecisionLost, ""},
		{"length beats digits", with(validRow, "nik", "17710112O590001"), pipeline.ReasonNIKBadLength, ""},
		{"province beats date and serial", with(validRow, "nik", "9971013204900000"), pipeline.ReasonNIKBadProvince, ""},
		{"date beats serial", with(validRow, "nik", "1771013204900000"), pipeline.ReasonNIKBadDate, ""},
		{"serial beats name", with(validRow, "nik", "1771011205900000", "nama", ""), pipeline.ReasonNIKBadSerial, ""},
		{"name beats event", with(validRow, "nama", "", "jenis_perubahan", ""), pipeline.ReasonNameMissing, ""},
		{"event missing beats region", with(validRow, "jenis_perubahan", "", "kabupaten_kota", ""), pipeline.ReasonEventMissing, ""},
		{"event unknown beats region", with(validRow, "jenis_perubahan", "X", "kabupaten_kota", ""), pipeline.ReasonEventUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got := runValidate(t, mem, tt.row)[0]
			reason, _ := got[pipeline.ColReason].(string)
			detail, _ := got[pipeline.ColDetail].(string)
			if reason != tt.reason {
				t.Fatalf("reason %q (%s), want %q", reason, detail, tt.reason)
			}
			if tt.reason == "" {
				if got[pipeline.ColDetail] != nil {
					t.Errorf("accepted row has detail %v", got[pipeline.ColDetail])
				}
				if w, ok := got[pipeline.ColWarnings].([]any); !ok || len(w) != 0 {
					t.Errorf("accepted row: warnings %#v, want an empty list", got[pipeline.ColWarnings])
				}
				return
			}
			if !strings.Contains(detail, tt.detail) {
				t.Errorf("detail %q, want it to contain %q", detail, tt.detail)
			}
			if got[pipeline.ColWarnings] != nil {
				t.Errorf("rejected row has warnings %v", got[pipeline.ColWarnings])
			}
			// A detail never holds the NIK, the NKK or a name.
			for _, secret := range []string{"1771011205900001", "177101120590", "Budi", "BUDI"} {
				if strings.Contains(detail, secret) {
					t.Errorf("detail %q holds %q", detail, secret)
				}
			}
		})
	}
}

func TestValidateWarnings(t *testing.T) {
	tests := []struct {
		name string
		row  map[string]any
		want []string
	}{
		{"none", with(validRow, "tanggal_lahir", "12/05/1990", "jenis_kelamin", "L", "kabupaten_tujuan", "KAB. SELUMA"), nil},
		{"dob mismatch", with(validRow, "tanggal_lahir", "13/05/1990"), []string{pipeline.WarnNIKDOBMismatch}},
		{"dob other century is no mismatch", with(validRow, "nik", "1771011205200001", "tanggal_lahir", "12/05/1920"), nil},
		{"birth before 1900", with(validRow, "tanggal_lahir", "12/05/1890"), []string{pipeline.WarnBirthBefore1900}},
		{"birth on 1900-01-01 is plausible", with(validRow, "nik", "1771010101000001", "tanggal_lahir", "01/01/1900"), nil},
		{"birth typo in the future", with(validRow, "tanggal_lahir", "12/05/2030"), []string{pipeline.WarnNIKDOBMismatch, pipeline.WarnBirthAfterAsOf}},
		{"birth on the as-of date", with(validRow, "nik", "1771013006200001", "tanggal_lahir", "30/06/2020"), nil},
		{"birth serial 60", with(validRow, "tanggal_lahir", "60"), []string{pipeline.WarnDateUnparseable, pipeline.WarnExcelLeapDay1900}},
		{"birth a bare year", with(validRow, "tanggal_lahir", "1990"), []string{pipeline.WarnDateUnparseable}},
		{"request a bare year", with(validRow, "tanggal_pengajuan", "2020"), []string{pipeline.WarnDateUnparseable}},
		{"birth with no-break spaces", with(validRow, "tanggal_lahir", "12\u00a0Mei\u00a01990"), nil},
		{"birth in full-width digits", with(validRow, "tanggal_lahir", "１２/０５/１９９０"), nil},
		{"date cell of invisible characters is blank", with(validRow, "tanggal_pengajuan", "\u200b"), nil},
		{"request after as-of", with(validRow, "tanggal_pengajuan", "01/07/2030"), []string{pipeline.WarnDateAfterAsOf}},
		{"service after as-of", with(validRow, "tanggal_layanan", "2020-07-01"), []string{pipeline.WarnDateAfterAsOf}},
		{"request and service after as-of, one warning", with(validRow, "tanggal_pengajuan", "01/07/2020", "tanggal_layanan", "02/07/2020"), []string{pipeline.WarnDateAfterAsOf}},
		{"request on the as-of date", with(validRow, "tanggal_pengajuan", "30/06/2020", "tanggal_layanan", "44012"), nil},
		{"sex mismatch", with(validRow, "jenis_kelamin", "PEREMPUAN"), []string{pipeline.WarnNIKSexMismatch}},
		{"woman matches", with(validRow, "nik", "1771015205900001", "jenis_kelamin", "P", "tanggal_lahir", "1990-05-12"), nil},
		{"numeric cell", with(validRow, "nik_numeric", true), []string{pipeline.WarnNIKNumericCell}},
		{"date unparseable", with(validRow, "tanggal_pengajuan", "06/30/2020"), []string{pipeline.WarnDateUnparseable}},
		{"two bad dates, one warning", with(validRow, "tanggal_lahir", "?", "tanggal_layanan", "x"), []string{pipeline.WarnDateUnparseable}},
		{"serial 60", with(validRow, "tanggal_layanan", "60"), []string{pipeline.WarnDateUnparseable, pipeline.WarnExcelLeapDay1900}},
		{"birth after as-of", with(validRow, "nik", "1771010107200001", "tanggal_lahir", "01/07/2020"), []string{pipeline.WarnBirthAfterAsOf}},
		{"birth the day before the as-of date", with(validRow, "nik", "1771012906200001", "tanggal_lahir", "2020-06-29"), nil},
		{"NIK year 20 after the as-of day is 1920", with(validRow, "nik", "1771010107200001", "tanggal_lahir", "01/07/1920"), nil},
		{"NIK year 99 is 1999, a birth of 1899 matches its digits", with(validRow, "nik", "1771013112990001", "tanggal_lahir", "31/12/1899"),
			[]string{pipeline.WarnBirthBefore1900}},
		{"leap day 2000", with(validRow, "nik", "1771012902000001", "tanggal_lahir", "29.02.2000"), nil},
		{"woman's leap day 2004", with(validRow, "nik", "1771016902040001", "jenis_kelamin", "P", "tanggal_lahir", "2004/02/29"), nil},
		{"woman's day + 40 read as a man's", with(validRow, "nik", "1771016902040001", "jenis_kelamin", "L", "tanggal_lahir", "28/02/2004"),
			[]string{pipeline.WarnNIKDOBMismatch, pipeline.WarnNIKSexMismatch}},
		{"request the day after the as-of date", with(validRow, "tanggal_pengajuan", "2020-07-01", "tanggal_layanan", "30/06/2020"),
			[]string{pipeline.WarnDateAfterAsOf}},
		{"district unknown", with(validRow, "nik", "1771991205900001"), []string{pipeline.WarnDistrictUnknown}},
		{"other province's district not checked", with(validRow, "nik", "3171991205900001"), nil},
		{"destination unknown", with(validRow, "kabupaten_tujuan", "ATLANTIS"), []string{pipeline.WarnDestUnknown}},
		{"destination in another province", with(validRow, "kabupaten_tujuan", "Kota Padang"), nil},
		{"cell warnings follow", with(validRow, "cell_warnings", []string{pipeline.WarnFormulaNoCache}), []string{pipeline.WarnFormulaNoCache}},
		{"formula without value in an optional cell", with(validRow, "tanggal_lahir", "", "cell_warnings", []string{pipeline.WarnFormulaNoCache}),
			[]string{pipeline.WarnFormulaNoCache}},
		{"cell too long follows", with(validRow, "alamat", strings.Repeat("JL MERDEKA ", 2978), "cell_warnings", []string{pipeline.WarnCellTooLong}),
			[]string{pipeline.WarnCellTooLong}},
		{"all of them, in order, each once", with(validRow,
			"nik", "1771991205900001", "nik_numeric", true, "tanggal_lahir", "13/05/2030", "jenis_kelamin", "P",
			"tanggal_pengajuan", "60", "tanggal_layanan", "01/07/2020", "kabupaten_tujuan", "ATLANTIS",
			"cell_warnings", []string{pipeline.WarnFormulaNoCache, pipeline.WarnCellTooLong, pipeline.WarnNIKNumericCell}),
			[]string{pipeline.WarnNIKDOBMismatch, pipeline.WarnNIKSexMismatch, pipeline.WarnNIKNumericCell,
				pipeline.WarnDateUnparseable, pipeline.WarnExcelLeapDay1900, pipeline.WarnBirthAfterAsOf, pipeline.WarnDateAfterAsOf,
				pipeline.WarnDistrictUnknown, pipeline.WarnDestUnknown, pipeline.WarnFormulaNoCache, pipeline.WarnCellTooLong}},
		{"birth before 1900 in order", with(validRow, "tanggal_lahir", "13/05/1890", "tanggal_pengajuan", "2030-01-01"),
			[]string{pipeline.WarnNIKDOBMismatch, pipeline.WarnBirthBefore1900, pipeline.WarnDateAfterAsOf}},
		{"rejected rows carry none", with(validRow, "nama", "", "tanggal_lahir", "13/05/1990"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got := runValidate(t, mem, tt.row)[0]
			var warnings []string
			if list, ok := got[pipeline.ColWarnings].([]any); ok {
				for _, w := range list {
					warnings = append(warnings, w.(string))
				}
			}
			if !reflect.DeepEqual(warnings, tt.want) {
				t.Errorf("warnings %v, want %v (reason %v)", warnings, tt.want, got[pipeline.ColReason])
			}
		})
	}
}

// An empty required cell of a row the source marked FORMULA_NO_VALUE is
// rejected as empty, and the detail says it may be a formula without a
// saved value (a rejected row has no warnings to say it).
func TestValidateFormulaCells(t *testing.T) {
	formula := []string{pipeline.WarnFormulaNoCache}
	tests := []struct {
		name    string
		row     map[string]any
		reason  string
		formula bool // the detail mentions the formula
	}{
		{"nik", with(validRow, "nik", "", "cell_warnings", formula), pipeline.ReasonNIKMissing, true},
		{"nik, no formula", with(validRow, "nik", ""), pipeline.ReasonNIKMissing, false},
		{"nik, other cell warnings", with(validRow, "nik", "", "cell_warnings", []string{pipeline.WarnCellTooLong}), pipeline.ReasonNIKMissing, false},
		{"nama", with(validRow, "nama", "", "cell_warnings", formula), pipeline.ReasonNameMissing, true},
		{"event", with(validRow, "jenis_perubahan", "", "cell_warnings", formula), pipeline.ReasonEventMissing, true},
		{"event, no formula", with(validRow, "jenis_perubahan", ""), pipeline.ReasonEventMissing, false},
		{"region", with(validRow, "kabupaten_kota", "", "cell_warnings", formula), pipeline.ReasonRegionUnknown, true},
		{"a cell with text is no formula", with(validRow, "jenis_perubahan", "GANTI FOTO", "cell_warnings", formula), pipeline.ReasonEventUnknown, false},
		{"accepted row keeps the warning", with(validRow, "cell_warnings", formula), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got := runValidate(t, mem, tt.row)[0]
			reason, _ := got[pipeline.ColReason].(string)
			detail, _ := got[pipeline.ColDetail].(string)
			if reason != tt.reason {
				t.Fatalf("reason %q (%s), want %q", reason, detail, tt.reason)
			}
			if strings.Contains(detail, "formula") != tt.formula {
				t.Errorf("detail %q: mentions a formula %v, want %v", detail, !tt.formula, tt.formula)
			}
			if reason == "" && !reflect.DeepEqual(got[pipeline.ColWarnings], []any{pipeline.WarnFormulaNoCache}) {
				t.Errorf("warnings %v, want [%s]", got[pipeline.ColWarnings], pipeline.WarnFormulaNoCache)
			}
		})
	}
}

// Cells of 32,767 characters (the most the source lets through, marked
// CELL_TOO_LONG) pass normalize and validate quickly and are quoted short.
func TestValidateLongCells(t *testing.T) {
	const maxCell = 32767
	long := func(s string) string { return strings.Repeat(s, maxCell/len(s)) }
	tooLong := []string{pipeline.WarnCellTooLong}
	tests := []struct {
		name     string
		row      map[string]any
		reason   string
		warnings []any
	}{
		{"long name and address", with(validRow, "nama", "BUDI "+long("SANTOSO "), "alamat", long("JL. "), "cell_warnings", tooLong),
			"", []any{pipeline.WarnCellTooLong}},
		{"long destination", with(validRow, "kabupaten_tujuan", long("KOTA "), "cell_warnings", tooLong),
			"", []any{pipeline.WarnDestUnknown, pipeline.WarnCellTooLong}},
		{"long date", with(validRow, "tanggal_lahir", long("30/06/2020 "), "cell_warnings", tooLong),
			"", []any{pipeline.WarnDateUnparseable, pipeline.WarnCellTooLong}},
		{"long nik", with(validRow, "nik", long("1771011205900001"), "cell_warnings", tooLong), pipeline.ReasonNIKBadLength, nil},
		{"long event", with(validRow, "jenis_perubahan", long("GANTI FOTO "), "cell_warnings", tooLong), pipeline.ReasonEventUnknown, nil},
		{"long region", with(validRow, "kabupaten_kota", long("KAB "), "cell_warnings", tooLong), pipeline.ReasonRegionUnknown, nil},
		{"long title list", with(validRow, "nama", long("H. "), "cell_warnings", tooLong), pipeline.ReasonNameMissing, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got := runValidate(t, mem, tt.row)[0]
			reason, _ := got[pipeline.ColReason].(string)
			detail, _ := got[pipeline.ColDetail].(string)
			if reason != tt.reason {
				t.Fatalf("reason %q (%.80s), want %q", reason, detail, tt.reason)
			}
			if len(detail) > 300 {
				t.Errorf("detail of %d bytes: %.80s…", len(detail), detail)
			}
			if tt.reason == "" && !reflect.DeepEqual(got[pipeline.ColWarnings], tt.warnings) {
				t.Errorf("warnings %v, want %v", got[pipeline.ColWarnings], tt.warnings)
			}
		})
	}
}

// Several rows in one batch keep their order and their own verdicts.
func TestValidateBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got := runValidate(t, mem,
		with(validRow, "row", 2),
		with(validRow, "row", 3, "nik", ""),
		with(validRow, "row", 4, "jenis_kelamin", "P"),
		with(validRow, "row", 5, "jenis_perubahan", "WAFAT"),
	)
	wantReason := []any{nil, pipeline.ReasonNIKMissing, nil, nil}
	for i, r := range got {
		if r[pipeline.ColRow] != float64(i+2) || r[pipeline.ColReason] != wantReason[i] {
			t.Errorf("row %d: row %v reason %v, want %d %v", i, r[pipeline.ColRow], r[pipeline.ColReason], i+2, wantReason[i])
		}
	}
	if got[3][pipeline.ColEvent] != pipeline.EventMati {
		t.Errorf("event %v", got[3][pipeline.ColEvent])
	}
}

func TestValidateErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	v := newTestValidate(t)

	raw := batchOf(t, mem, pipeline.RawSchema, validRow)
	defer raw.Release()
	if out, err := v.Apply(context.Background(), mem, raw); err == nil {
		out.Release()
		t.Error("a RawSchema batch was accepted")
	}

	norm := batchOf(t, mem, pipeline.NormSchema, map[string]any{"row": 1})
	defer norm.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if out, err := v.Apply(ctx, mem, norm); !errors.Is(err, context.Canceled) {
		if out != nil {
			out.Release()
		}
		t.Errorf("cancelled context: err %v", err)
	}

	if _, err := NewValidate(ValidateConfig{}); err == nil || !strings.Contains(err.Error(), "region reference") || !strings.Contains(err.Error(), "as-of") {
		t.Errorf("empty config: err %v, want both settings named", err)
	}
}

// The quoted text of a detail is short and never a long number.
func TestQuoteCell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", " GANTI  FOTO ", `"GANTI FOTO"`},
		{"region code", "1371", `"1371"`},
		{"nik-like", "NIK 1771011205900001", "(not quoted: it holds a long number)"},
		{"long", strings.Repeat("A", 50), `"` + strings.Repeat("A", 40) + `…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quoteCell(tt.in); got != tt.want {
				t.Errorf("quoteCell(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
