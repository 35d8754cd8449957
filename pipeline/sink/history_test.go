package sink

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

const deltasJSON = `[
{"nik":"1709010101900001","region_code":"1709","change":"PRINTED","before":"","after":"2020-06-30","nama":"A"},
{"nik":"1771010101900002","region_code":"1771","change":"MOVED","before":"1709","after":"1771","nama":"B"},
{"nik":"1771010101900003","region_code":"1771","change":"BLANK_CHANGED","before":"=cmd","after":"STOCK"},
{"nik":"1771010101900004","region_code":"1771","change":"VANISHED","before":"NEEDS_PRINT","after":"","nama":"C","card_event":"RUSAK","last_request_date":"2020-05-01","sources":["in/kota.xlsx|Data|9"]},
{"nik":"3171010101900005","region_code":"3171","change":"MOVED","before":"1771","after":"3171"}
]`

// deltas.csv: the five columns, a row per change, formula-like text made
// inert; the header alone when nothing changed.
func TestDeltasCSV(t *testing.T) {
	dir := t.TempDir()
	if err := run(t, NewDeltasCSV(dir), []batch{{pipeline.TableDeltas, deltasJSON}, {pipeline.TableSummary, summaryJSON}}); err != nil {
		t.Fatal(err)
	}
	assertFiles(t, dir, DeltasFile)
	data, _ := os.ReadFile(filepath.Join(dir, DeltasFile))
	want := "nik,region_code,change,before,after\n" +
		"1709010101900001,1709,PRINTED,,2020-06-30\n" +
		"1771010101900002,1771,MOVED,1709,1771\n" +
		"1771010101900003,1771,BLANK_CHANGED,'=cmd,STOCK\n" +
		"1771010101900004,1771,VANISHED,NEEDS_PRINT,\n" +
		"3171010101900005,3171,MOVED,1771,3171\n"
	if string(data) != want {
		t.Errorf("deltas.csv\n%s\nwant\n%s", data, want)
	}
	empty := t.TempDir()
	if err := run(t, NewDeltasCSV(empty), nil); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(empty, DeltasFile)); string(data) != "nik,region_code,change,before,after\n" {
		t.Errorf("empty deltas.csv %q", data)
	}
}

var historyInfo = func() ReportInfo {
	info := testInfo
	pct := func(v float64) *float64 { return &v }
	info.History = &History{
		Prior: time.Date(2020, 6, 29, 0, 0, 0, 0, time.UTC),
		Runs: []TrendRun{{AsOf: time.Date(2020, 6, 15, 0, 0, 0, 0, time.UTC), Rows: []TrendRow{
			{Code: "1701", Name: "KAB. BENGKULU SELATAN", BlanksNeeded: 60, Ready: 50, Pct: pct(80)},
			{Code: "1709", Name: "KAB. BENGKULU TENGAH"},
			{Code: "1771", Name: "KOTA BENGKULU", BlanksNeeded: 4500, Ready: 0, Pct: pct(23.3)},
			{Code: "17", Name: "PROVINSI BENGKULU", BlanksNeeded: 4560, Ready: 50, Pct: pct(24)},
		}}},
	}
	return info
}()

// The two history sheets: counts per regency and kind with the province
// total, the alarm list; the trend of every run with each region's line,
// the rows below it coloured, and the chart.
func TestReportHistorySheets(t *testing.T) {
	f, path := writeReport(t, historyInfo, append(slices.Clone(allBatches), batch{pipeline.TableDeltas, deltasJSON}))
	sheets := f.GetSheetList()
	if !slices.Equal(sheets[len(sheets)-4:], []string{"Alokasi", "Ganda", "Sejak run terakhir", "Tren"}) {
		t.Fatalf("sheets %q", sheets)
	}
	deltas := rows(t, f, "Sejak run terakhir")
	if deltas[2][3] != serial("2020-06-29") {
		t.Errorf("compared with %q", deltas[2])
	}
	counts := map[string][]string{}
	for _, r := range deltas[5:9] {
		counts[r[0]] = r[2:]
	}
	want := map[string][]string{
		"1701": {"0", "0", "0", "0", "0", "0", "0", "0"},
		"1709": {"0", "1", "0", "0", "0", "0", "0", "0"},
		"1771": {"0", "0", "0", "0", "1", "0", "1", "1"},
		"17":   {"0", "1", "0", "0", "2", "0", "1", "1"}, // every row, 3171 too
	}
	for code, w := range want {
		if !slices.Equal(counts[code], w) {
			t.Errorf("counts of %s %q, want %q", code, counts[code], w)
		}
	}
	var alarm []string
	for i, r := range deltas {
		if len(r) > 0 && r[0] == "NIK" {
			alarm = deltas[i+1]
		}
	}
	if !slices.Equal(alarm, []string{"1771010101900004", "C", "Kota Bengkulu", "Perlu cetak", "KTP rusak", serial("2020-05-01"), "in/kota.xlsx, Data, baris 9"}) {
		t.Errorf("alarm row %q", alarm)
	}

	// The trend. 1771's line: 23.3 on 15 June to 100 on 9 December (177
	// days), 15 days on: 23.3 + 76.7 × 15/177 = 29.8.
	trend := rows(t, f, "Tren")
	byKey := map[string][]string{}
	for _, r := range trend {
		if len(r) > 1 && (r[0] == serial("2020-06-15") || r[0] == serial("2020-06-30")) {
			byKey[r[0]+" "+r[1]] = append(r, make([]string, 8-len(r))...) // trailing empty cells are trimmed
		}
	}
	for key, w := range map[string][]string{
		serial("2020-06-30") + " 1771": {"4400", "0", "23.3", "29.8", "-6.5"},
		serial("2020-06-15") + " 1771": {"4500", "0", "23.3", "23.3", "0"},
		serial("2020-06-30") + " 1709": {"0", "0", "", "", ""},
		serial("2020-06-30") + " 17":   {"4450", "54", "24.6", "30.4", "-5.8"}, // 24 + 76 × 15/177
	} {
		if got := byKey[key]; len(got) < 8 || !slices.Equal(got[3:8], w) {
			t.Errorf("trend %s: %q, want %q", key, got, w)
		}
	}
	colour := func(cell string) string {
		id, _ := f.GetCellStyle("Tren", cell)
		st, _ := f.GetStyle(id)
		if len(st.Fill.Color) == 0 {
			return ""
		}
		return st.Fill.Color[0]
	}
	for i, r := range trend {
		if len(r) > 1 && r[0] == serial("2020-06-30") {
			behind := r[1] != "1709" // 1701: 80.8 against 80 + 20 × 15/177 = 81.7; 1709 has no projection
			if got := colour(cellName(1, i+1)) == "FFC7CE"; got != behind {
				t.Errorf("trend row %q coloured %v", r, got)
			}
		}
	}
	if n := zipEntries(t, path, "xl/charts/chart"); n != 3 {
		t.Errorf("%d charts, want the summary's two and the trend's", n)
	}
}

// Without an earlier run the changes sheet says so; in English the sheets
// are named in English; a regency's workbook holds its own rows.
func TestReportHistoryFirstRunEnglishRegency(t *testing.T) {
	info := historyInfo
	info.History = &History{}
	info.Lang = "en"
	f, _ := writeReport(t, info, append(slices.Clone(allBatches), batch{pipeline.TableDeltas, `[]`}))
	sheets := f.GetSheetList()
	if !slices.Equal(sheets[len(sheets)-2:], []string{"Since the last run", "Trend"}) {
		t.Fatalf("sheets %q", sheets)
	}
	if r := rows(t, f, "Since the last run"); len(r) != 4 || !strings.HasPrefix(r[3][0], "No earlier run") {
		t.Errorf("first run: %q", r)
	}

	dir := t.TempDir()
	regional := NewWorkbooks(dir, historyInfo, false, []Regency{{"1771", "KOTA BENGKULU"}})
	if err := run(t, regional, append(slices.Clone(allBatches), batch{pipeline.TableDeltas, deltasJSON})); err != nil {
		t.Fatal(err)
	}
	rf, err := excelize.OpenFile(filepath.Join(dir, regional.Files()[0]), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	for _, r := range rows(t, rf, "Tren") {
		if len(r) > 1 && (r[1] == "17" || r[1] == "1701") {
			t.Errorf("1771's trend holds %q", r)
		}
	}
	d := rows(t, rf, "Sejak run terakhir")
	if len(d) < 7 || d[5][0] != "1771" || len(d[6]) != 0 { // its row only, no province total
		t.Errorf("1771's counts %q", d[5:7])
	}
}
