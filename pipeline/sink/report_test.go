package sink

import (
	"archive/zip"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

var testInfo = ReportInfo{
	AsOf:         time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC),
	ElectionDate: time.Date(2020, 12, 9, 0, 0, 0, 0, time.UTC),
	PrintDays:    116,
	RegionNames:  map[string]string{"17": "Bengkulu", "1701": "Bengkulu Selatan", "1709": "Bengkulu Tengah", "1771": "Kota Bengkulu"},
	ProvinceCode: "17",
}

// serial is the Excel serial number of a date, as a raw cell value.
func serial(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return strconv.Itoa(int(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24))
}

// writeReport writes the shared fixtures in pipeline order and reopens
// the workbook with raw cell values.
func writeReport(t *testing.T, info ReportInfo, batches []batch) (*excelize.File, string) {
	t.Helper()
	dir := t.TempDir()
	r := NewWorkbooks(dir, info, true, nil)
	if err := run(t, r, batches); err != nil {
		t.Fatal(err)
	}
	assertFiles(t, dir, ReportFile)
	f, err := excelize.OpenFile(onlyFile(t, dir, r), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, onlyFile(t, dir, r)
}

var allBatches = []batch{
	{pipeline.TableRows, rowsJSON},
	{pipeline.TablePersons, personsJSON},
	{pipeline.TableSummary, summaryJSON},
}

func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rs, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %q: %v", sheet, err)
	}
	return rs
}

func TestReportLists(t *testing.T) {
	f, _ := writeReport(t, testInfo, allBatches)
	wantSheets := []string{"Ringkasan", "Cetak KTP", "Perekaman", "Meninggal", "Pindah", "Tinjauan", "Ditolak", "Alokasi", "Ganda"}
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets = %q, want %q", got, wantSheets)
	}
	tests := []struct {
		sheet string
		want  [][]string // data rows, header excluded, trailing empty cells trimmed
	}{
		{"Cetak KTP", [][]string{
			{"1771014506800001", "SITI AMINAH", serial("1980-06-05"), "Kota Bengkulu", "GADING CEMPAKA", "JALAN GEDANG", "", "", "", "", "KTP rusak", "KTP rusak", serial("2020-02-01"), serial("2020-02-01")},
			{"1771010101950005", "JOKO", serial("1995-01-01"), "3171", "", "", "", "", "", "", "Pindah", "Pindah", "", "", "", "NIK sama, orang berbeda (K2); NIK diketik sebagai angka"},
			nil,
			{"Termasuk 1 penduduk yang pindah ke luar provinsi: mereka ada di daftar ini tetapi tidak dihitung di ringkasan provinsi."},
		}},
		{"Perekaman", [][]string{
			{"1771010101900002", `=HYPERLINK("http://x","klik")`, serial("1990-01-01"), "Kota Bengkulu", "", "", "", "", "", "", "Perekaman", "Perekaman", "", "", "", "Tanggal lahir tidak sesuai NIK"},
		}},
		{"Meninggal", [][]string{
			{"1701010101500003", "AHMAD", serial("1950-01-01"), "Bengkulu Selatan", "", "", "", serial("2020-03-10"), "Meninggal, KTP rusak", "Permohonan sesudah tanggal meninggal"},
		}},
		{"Pindah", [][]string{
			{"1771010101950004", "RINA", serial("1995-01-01"), "Kota Bengkulu", "Bengkulu Selatan", "1701", "Antar kabupaten/kota", "Siap", serial("2020-04-01")},
			{"1771010101950005", "JOKO", serial("1995-01-01"), "Kota Bengkulu", "3171", "3171", "Ke luar provinsi", "Perlu cetak"},
		}},
		{"Tinjauan", [][]string{
			{"1771010101900002", `=HYPERLINK("http://x","klik")`, serial("1990-01-01"), "Kota Bengkulu", "Perlu rekam", "NIK_DOB_MISMATCH", "Tanggal lahir tidak sesuai NIK", "in/kota.xlsx, Data, baris 7"},
			{"1701010101500003", "AHMAD", serial("1950-01-01"), "Bengkulu Selatan", "Meninggal", "EVENT_AFTER_DEATH", "Permohonan sesudah tanggal meninggal", "in/bs.csv, baris 4; in/bs.csv, baris 9"},
			{"1771010101950005", "JOKO", serial("1995-01-01"), "3171", "Perlu cetak", "NIK_CONFLICT, NIK_NUMERIC_CELL", "NIK sama, orang berbeda (K2); NIK diketik sebagai angka", "in/kota.xlsx, Data, baris 9; in/seluma.csv, baris 3"},
		}},
		{"Ditolak", [][]string{
			{"in/kota.xlsx", "Data", "5", "NIK_PRECISION_LOST", "NIK rusak oleh Excel (notasi ilmiah atau digit terakhir hilang)", "scientific notation", "NIK: 1.77E+15\nNAMA: BUDI"},
			{"in/seluma.csv", "", "12", "NIK_MISSING", "NIK kosong", "-- empty", "nik: \nnama: =HYPERLINK(\"x\")"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.sheet, func(t *testing.T) {
			rs := rows(t, f, tc.sheet)
			if len(rs) == 0 || rs[0][0] == "" {
				t.Fatalf("no header")
			}
			if got := rs[1:]; !slices.EqualFunc(got, tc.want, slices.Equal[[]string]) {
				t.Errorf("rows:\ngot  %q\nwant %q", got, tc.want)
			}
			// Text never becomes a number or a formula.
			for row := 2; row < len(rs)+1; row++ {
				for col := 1; col <= len(rs[row-1]); col++ {
					cell := cellName(col, row)
					formula, err := f.GetCellFormula(tc.sheet, cell)
					if err != nil || formula != "" {
						t.Errorf("%s: formula %q, %v", cell, formula, err)
					}
				}
			}
			if tc.sheet != "Ditolak" {
				typ, err := f.GetCellType(tc.sheet, "A2")
				if err != nil || typ != excelize.CellTypeInlineString {
					t.Errorf("NIK cell A2 type %v (%v), want inline string", typ, err)
				}
			}
		})
	}
	typ, _ := f.GetCellType("Perekaman", "B2")
	if typ != excelize.CellTypeInlineString {
		t.Errorf("formula-like name stored as type %v, want inline string", typ)
	}
}

func TestReportSummary(t *testing.T) {
	f, path := writeReport(t, testInfo, allBatches)
	const sheet = "Ringkasan"
	rs := rows(t, f, sheet)
	if got := rs[0][0]; got != "Kesiapan KTP-el Pemilih Menjelang Pilkada — Bengkulu" {
		t.Errorf("title = %q", got)
	}
	info := [][]string{
		{"Data per tanggal", "", serial("2020-06-30")},
		{"Hari pemungutan suara", "", serial("2020-12-09")},
		{"Hari kerja cetak tersisa", "", "116"},
	}
	if got := rs[1:4]; !slices.EqualFunc(got, info, slices.Equal[[]string]) {
		t.Errorf("info rows = %q, want %q", got, info)
	}
	header := rs[5]
	// The summary's columns, then, past a gap, the chart's 100 % target.
	if len(header) != len(pipeline.SummaryColumns())+2 || header[0] != "Kode" || header[19] != "Proyeksi siap (%)" || header[21] != "Target siap (%)" {
		t.Errorf("header = %q", header)
	}
	want := [][]string{
		{"1701", "KAB. BENGKULU SELATAN", "120", "3", "2", "110", "5", "1", "10", "40", "54", "104", "1", "0", "50", "30", "0", "20", "30", "80.8"},
		{"1709", "KAB. BENGKULU TENGAH", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"},
		{"1771", "KOTA BENGKULU", "4500", "12", "8", "4400", "100", "0", "1400", "3000", "0", "4300", "0", "1", "4400", "1000", "0", "3400", "1000", "23.3"},
		{"17", "PROVINSI BENGKULU", "4625", "16", "10", "4510", "105", "1", "1410", "3040", "54", "4404", "0", "1", "4450", "1650", "0", "3420", "1030", "24.6"},
	}
	got := rs[6:10]
	for i := range got[:3] {
		if len(got[i]) != 22 || got[i][21] != "100" {
			t.Errorf("row %d has no target: %q", i, got[i])
		}
		got[i] = got[i][:20]
		if got[i][19] == "" {
			got[i] = got[i][:19]
		}
	}
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("table:\ngot  %q\nwant %q", got, want)
	}
	// Numbers are numbers, with #,##0; the province row is bold.
	for _, tc := range []struct {
		cell   string
		numFmt int
		custom string
		bold   bool
	}{
		{"C7", 3, "", false},
		{"T7", 0, "0.0", false},
		{"C10", 3, "", true},
		{"B10", 0, "", true},
		{"C2", 0, testLabels("id").dateFmt, false},
	} {
		typ, _ := f.GetCellType(sheet, tc.cell)
		if tc.cell != "B10" && typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s: type %v, want a number", tc.cell, typ)
		}
		id, err := f.GetCellStyle(sheet, tc.cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		custom := ""
		if st.CustomNumFmt != nil {
			custom = *st.CustomNumFmt
		}
		if st.NumFmt != tc.numFmt || custom != tc.custom {
			t.Errorf("%s: number format %d %q, want %d %q", tc.cell, st.NumFmt, custom, tc.numFmt, tc.custom)
		}
		if bold := st.Font != nil && st.Font.Bold; bold != tc.bold {
			t.Errorf("%s: bold %v, want %v", tc.cell, bold, tc.bold)
		}
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != summarySheetHeaderRow {
		t.Errorf("panes = %+v, %v; want frozen below the header", panes, err)
	}
	props, err := f.GetDocProps()
	if err != nil || !strings.Contains(props.Title, "Bengkulu") {
		t.Errorf("doc title = %q, %v", props.Title, err)
	}
	if n := zipEntries(t, path, "xl/charts/"); n != 2 {
		t.Errorf("%d charts, want 2", n)
	}
	if v, _ := f.GetCellValue("Alokasi", "D2"); v != "620" {
		t.Errorf("buffer in hand = %q, want 620 (1650 − 30 − 0 − 1000)", v)
	}
}

// The allocation sheet: per region and tier where the blanks come from and
// why, the province per tier, then the what-if.
func TestReportAllocation(t *testing.T) {
	alloc := `[
		{"region_code":"1701","tier":1,"need":10,"from_stock":10,"from_buffer":0,"from_delivery":0,"unmet":0,"unmet_if_delivered":0,"reason":"OWN_STOCK"},
		{"region_code":"1701","tier":2,"need":30,"from_stock":20,"from_buffer":10,"from_delivery":0,"unmet":0,"unmet_if_delivered":0,"reason":"BUFFER"},
		{"region_code":"1701","tier":3,"need":10,"from_stock":0,"from_buffer":0,"from_delivery":4,"unmet":10,"unmet_if_delivered":6,"reason":"BUFFER_OUT_EARLIER"},
		{"region_code":"1771","tier":1,"need":1400,"from_stock":1000,"from_buffer":400,"from_delivery":0,"unmet":0,"unmet_if_delivered":0,"reason":"BUFFER"},
		{"region_code":"1771","tier":2,"need":3000,"from_stock":0,"from_buffer":210,"from_delivery":2000,"unmet":2790,"unmet_if_delivered":790,"reason":"BUFFER_OUT"},
		{"region_code":"1771","tier":3,"need":5,"from_stock":0,"from_buffer":0,"from_delivery":0,"unmet":5,"unmet_if_delivered":5,"reason":"CAPACITY"}]`
	whatIf := `[
		{"region_code":"1701","region_name":"KAB. BENGKULU SELATAN","delivery_allocation":4,"printable_by_election":40,"printable_if_delivered":44,"projected_ready_pct":80.0,"projected_ready_pct_if_delivered":88.0},
		{"region_code":"1771","region_name":"KOTA BENGKULU","delivery_allocation":2000,"printable_by_election":1610,"printable_if_delivered":3610,"projected_ready_pct":40.0,"projected_ready_pct_if_delivered":90.0},
		{"region_code":"17","region_name":"PROVINSI BENGKULU","delivery_allocation":2004,"printable_by_election":1650,"printable_if_delivered":3654,"projected_ready_pct":41.0,"projected_ready_pct_if_delivered":91.0,"delivery_too_late":100,"delivery_surplus":22896}]`
	info := testInfo
	info.Deliveries = []Delivery{{Quantity: 25000, Arrives: time.Date(2020, 9, 15, 0, 0, 0, 0, time.UTC)}}
	f, _ := writeReport(t, info, append(slices.Clone(allBatches),
		batch{pipeline.TableAllocation, alloc}, batch{pipeline.TableWhatIf, whatIf}))
	rs := rows(t, f, "Alokasi")
	find := func(prefix string) int {
		for i, r := range rs {
			if len(r) > 0 && strings.HasPrefix(r[0], prefix) {
				return i
			}
		}
		t.Fatalf("no row starting %q in %q", prefix, rs)
		return -1
	}
	if r := rs[find("Kiriman 25.000")]; r[3] != serial("2020-09-15") {
		t.Errorf("delivery line %q", r)
	}
	h := find("Kode")
	want := [][]string{
		{"1701", "Bengkulu Selatan", "1", "10", "10", "0", "0", "0", "0", "Stok sendiri cukup"},
		{"1701", "Bengkulu Selatan", "2", "30", "20", "10", "0", "0", "0", "Dipenuhi dari buffer provinsi"},
		{"1701", "Bengkulu Selatan", "3", "10", "0", "0", "4", "10", "6", "Buffer habis di tier 2: 10 belum terlayani"},
		{"1771", "Kota Bengkulu", "1", "1400", "1000", "400", "0", "0", "0", "Dipenuhi dari buffer provinsi"},
		{"1771", "Kota Bengkulu", "2", "3000", "0", "210", "2000", "2790", "790", "Buffer habis di tier 2: 2.790 belum terlayani"},
		{"1771", "Kota Bengkulu", "3", "5", "0", "0", "0", "5", "5", "Dibatasi kapasitas cetak: 5 tidak sempat dicetak sebelum hari-H"},
		{"17", "Bengkulu", "1", "1410", "1010", "400", "0", "0", "0", "Buffer provinsi ke tier ini: 400 blangko"},
		{"17", "Bengkulu", "2", "3030", "20", "220", "2000", "2790", "790", "Buffer provinsi ke tier ini: 220 blangko"},
		{"17", "Bengkulu", "3", "15", "0", "0", "4", "15", "11", "Buffer provinsi ke tier ini: 0 blangko"},
	}
	if got := rs[h+1 : h+1+len(want)]; !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("allocation rows:\ngot  %q\nwant %q", got, want)
	}
	w := find("Bagaimana jika")
	wantWhatIf := [][]string{
		{"1701", "KAB. BENGKULU SELATAN", "50", "40", "4", "44", "80", "88"},
		{"1771", "KOTA BENGKULU", "4400", "1610", "2000", "3610", "40", "90"},
		{"17", "PROVINSI BENGKULU", "4450", "1650", "2004", "3654", "41", "91"},
	}
	if got := rs[w+2 : w+5]; !slices.EqualFunc(got, wantWhatIf, slices.Equal[[]string]) {
		t.Errorf("what-if rows:\ngot  %q\nwant %q", got, wantWhatIf)
	}
	if r := rs[find("Blangko kiriman yang tiba terlambat")]; !strings.HasSuffix(r[0], ": 100") {
		t.Errorf("too-late line %q", r)
	}
	if r := rs[find("Blangko kiriman melebihi")]; !strings.HasSuffix(r[0], ": 22.896") {
		t.Errorf("surplus line %q", r)
	}
}

func testLabels(lang string) *labels { return labelsFor(lang) }

func zipEntries(t *testing.T, path, prefix string) int {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	n := 0
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, prefix) && strings.HasSuffix(f.Name, ".xml") {
			n++
		}
	}
	return n
}

func TestReportLanguages(t *testing.T) {
	tests := []struct {
		name    string
		lang    string
		sheets  []string
		dateFmt string
		none    string
	}{
		{"Indonesian by default", "", []string{"Ringkasan", "Cetak KTP", "Perekaman", "Meninggal", "Pindah", "Tinjauan", "Ditolak", "Alokasi", "Ganda"}, `[$-421]d mmmm yyyy`, "(tidak ada)"},
		{"English", "en", []string{"Summary", "Print cards", "Recording", "Deceased", "Transfers", "Review", "Rejected", "Allocation", "Ganda"}, `d mmm yyyy`, "(none)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info := testInfo
			info.Lang = tc.lang
			f, _ := writeReport(t, info, nil)
			if got := f.GetSheetList(); !slices.Equal(got, tc.sheets) {
				t.Errorf("sheets = %q, want %q", got, tc.sheets)
			}
			for _, s := range tc.sheets[1:7] {
				rs := rows(t, f, s)
				if len(rs) != 2 || rs[1][0] != tc.none {
					t.Errorf("empty list %q = %q", s, rs)
				}
			}
			id, _ := f.GetCellStyle(tc.sheets[0], "C2")
			st, _ := f.GetStyle(id)
			if st.CustomNumFmt == nil || *st.CustomNumFmt != tc.dateFmt {
				t.Errorf("date format = %v, want %q", st.CustomNumFmt, tc.dateFmt)
			}
		})
	}
}

// A list longer than a sheet holds continues on numbered sheets, each
// with its header and table; the workbook reports the continuation, and a
// text past Excel's cell limit is cut visibly and counted.
func TestReportContinuesPastSheetLimit(t *testing.T) {
	dir := t.TempDir()
	r := NewWorkbooks(dir, testInfo, true, nil)
	r.province.maxRows = 2
	rows := `[{"file":"a.csv","row":2,"reason":"NIK_MISSING","detail":"nik is empty","original":"{}"},
		{"file":"a.csv","row":3,"reason":"NIK_MISSING","detail":"nik is empty","original":"{}"},
		{"file":"a.csv","row":4,"reason":"NIK_MISSING","detail":"nik is empty","original":"{}"},
		{"file":"a.csv","row":5,"reason":"NIK_MISSING","detail":"nik is empty","original":"{\"NIK\":\"` + strings.Repeat("9", 40000) + `\"}"},
		{"file":"a.csv","row":6,"reason":"NIK_MISSING","detail":"nik is empty","original":"{}"}]`
	if err := run(t, r, []batch{{pipeline.TableRows, rows}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(onlyFile(t, dir, r), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sheet, want := range map[string][]string{"Ditolak": {"2", "3"}, "Ditolak (2)": {"4", "5"}, "Ditolak (3)": {"6"}} {
		rs := rows2(t, f, sheet)
		var got []string
		for _, row := range rs[1:] {
			got = append(got, row[2])
		}
		if rs[0][0] != "Berkas" || !slices.Equal(got, want) {
			t.Errorf("%s: header %q, rows %q, want %q", sheet, rs[0], got, want)
		}
	}
	if got := r.Findings(); !slices.Equal(got.ContinuedSheets, []string{"Ditolak (2)", "Ditolak (3)"}) || got.CutTexts != 1 {
		t.Errorf("findings %+v", got)
	}
	cut, _ := f.GetCellValue("Ditolak (2)", "G3")
	if n := utf8.RuneCountInString(cut); n != maxCellChars || !strings.HasSuffix(cut, "…[dipotong]") || !strings.HasPrefix(cut, "NIK: 999") {
		t.Errorf("cut text has %d characters, ends %q", n, cut[max(0, len(cut)-20):])
	}
}

func rows2(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	return rows(t, f, sheet)
}

func TestReportCancelled(t *testing.T) {
	dir := t.TempDir()
	r := NewWorkbooks(dir, testInfo, true, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Close(ctx); err == nil {
		t.Error("Close with a cancelled context succeeded")
	}
	assertFiles(t, dir)
}

// The print list is in print order: the province's regions by code, each
// in the order it uses its blanks, persons without a blank after, persons
// who moved out of the province last; with tier and blank source.
func TestReportPrintOrder(t *testing.T) {
	mem := newMem(t)
	schema := arrow.NewSchema(append(pipeline.PersonSchema.Fields(), pipeline.AllocationColumns()...), nil)
	persons := fromJSON(t, mem, schema, `[
		{"nik":"1","nama":"A","region_code":"3171","status":"NEEDS_PRINT","tier":2},
		{"nik":"2","nama":"B","region_code":"1771","status":"NEEDS_PRINT","tier":3},
		{"nik":"3","nama":"C","region_code":"1771","status":"NEEDS_PRINT","tier":2,"blank":"BUFFER","print_order":2},
		{"nik":"4","nama":"D","region_code":"1701","status":"NEEDS_PRINT","tier":1,"blank":"STOCK","print_order":1},
		{"nik":"5","nama":"E","region_code":"1771","status":"NEEDS_PRINT","tier":1,"blank":"STOCK","print_order":1}]`)
	defer persons.Release()
	dir := t.TempDir()
	r := NewWorkbooks(dir, testInfo, true, nil)
	if err := r.Write(context.Background(), pipeline.TablePersons, persons); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(onlyFile(t, dir, r), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	for _, row := range rows(t, f, "Cetak KTP")[1:] {
		if len(row) > 1 && row[1] != "" { // a person, not the note below the list
			row = append(row, "", "", "", "")
			got = append(got, row[0]+":"+strings.Join(row[7:10], "/"))
		}
	}
	want := []string{"4:1/1/Stok sendiri", "5:1/1/Stok sendiri", "3:2/2/Buffer provinsi", "2:/3/", "1:/2/"}
	if !slices.Equal(got, want) {
		t.Errorf("print list order %q, want %q", got, want)
	}
}
