package sink

import (
	"archive/zip"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// sharedBatches reach every list of two regencies, a transfer between
// them and one out of the province, rejected rows of a regency, of no
// region (of a file whose region is known only from a later row, and of
// a file without any), a text cut at the cell limit in 1771's rows only,
// and a name wider than 1771's widest in 1701's.
var sharedBatches = []batch{
	{pipeline.TableRows, `[
{"file":"in/kota.xlsx","sheet":"Data","row":5,"original":"{\"NIK\":\"1.77E+15\"}","reason":"NIK_PRECISION_LOST","detail":"scientific notation"},
{"file":"in/bs.csv","sheet":"","row":3,"original":"{\"nik\":\"\",\"nama\":\"AHMAD\"}","reason":"NIK_MISSING","detail":"-- empty","region_code":"1701"},
{"file":"in/lost.csv","sheet":"","row":2,"original":"{}","reason":"NIK_MISSING"}
]`},
	{pipeline.TableRows, `[
{"file":"in/kota.xlsx","sheet":"Data","row":6,"original":"{}","reason":null,"region_code":"1771"},
{"file":"in/kota.xlsx","sheet":"Data","row":7,"original":"{\"NIK\":\"` + strings.Repeat("7", maxCellChars+10) + `\"}","reason":"NIK_INVALID","region_code":"1771"}
]`},
	{pipeline.TablePersons, personsJSON},
	{pipeline.TablePersons, `[
{"nik":"1701010101900006","nama":"ABDURRAHMAN SALAHUDDIN","tanggal_lahir":"1990-01-01","region_code":"1701","status":"NEEDS_PRINT","events":["RUSAK"],"flags":[],"rows":1,"sources":["in/bs.csv||5"]},
{"nik":"1771010101900007","nama":"SRI","tanggal_lahir":"1990-01-01","region_code":"1771","status":"NEEDS_PRINT","events":["RUSAK"],"flags":[],"rows":1,"sources":["in/kota.xlsx|Data|10"]},
{"nik":"1709010101900008","nama":"DEWI","tanggal_lahir":"1990-01-01","region_code":"1709","origin_region_code":"1709","status":"NEEDS_RECORDING","events":["REKAM"],"flags":["NIK_DOB_MISMATCH"],"rows":1,"sources":["in/bt.csv||2"]}
]`},
	{pipeline.TableSummary, summaryJSON},
}

var sharedRegencies = []Regency{{"1701", "BENGKULU SELATAN"}, {"1702", "REJANG LEBONG"}, {"1709", "BENGKULU TENGAH"}, {"1771", "KOTA BENGKULU"}}

// Workbooks builds each list row once for the province's workbook and
// its regency's: every workbook must come out as the same workbook
// written on its own, part for part — its own widths, row heights, cut
// texts, rejected rows and transfers; only its shared string table holds
// more, the texts of the other workbooks — and a regency's lists must be
// the province's rows of that regency.
func TestWorkbooksShareRows(t *testing.T) {
	shared := t.TempDir()
	s := NewWorkbooks(shared, testInfo, true, sharedRegencies)
	if err := run(t, s, sharedBatches); err != nil {
		t.Fatal(err)
	}
	alone := t.TempDir()
	var files []string
	var cut int
	for _, rg := range append([]Regency{{}}, sharedRegencies...) {
		r := NewWorkbooks(alone, testInfo, true, nil) // the province's alone
		if rg.Code != "" {
			r = NewWorkbooks(alone, testInfo, false, []Regency{rg})
		}
		if err := run(t, r, sharedBatches); err != nil {
			t.Fatal(err)
		}
		files = append(files, r.Files()...)
		cut += r.Findings().CutTexts
	}
	want := []string{ReportFile, "regions/1701 BENGKULU SELATAN.xlsx", "regions/1709 BENGKULU TENGAH.xlsx", "regions/1771 KOTA BENGKULU.xlsx"}
	if !slices.Equal(files, want) || !slices.Equal(s.Files(), want) {
		t.Fatalf("files: shared %q, alone %q, want %q", s.Files(), files, want)
	}
	if got := s.Findings().CutTexts; got != 2 || cut != 2 {
		t.Errorf("cut texts: shared %d, alone %d, want 2 (the province's and 1771's)", got, cut)
	}
	for _, f := range want {
		// The workbooks written together share one string table, those
		// written alone have one each: the same once every shared
		// string is back in its cell.
		a, b := filepath.Join(shared, f), filepath.Join(alone, f)
		sameParts(t, f, resolveShared(t, f, zipParts(t, a)), resolveShared(t, f, zipParts(t, b)))
		sameCells(t, f, openRaw(t, a), openRaw(t, b))
	}

	province := openRaw(t, filepath.Join(shared, ReportFile))
	for _, rg := range []struct{ code, file, name string }{
		{"1701", want[1], "Bengkulu Selatan"}, {"1771", want[3], "Kota Bengkulu"},
	} {
		regency := openRaw(t, filepath.Join(shared, rg.file))
		for _, sheet := range []string{"Cetak KTP", "Perekaman", "Meninggal", "Tinjauan"} {
			all, own := rows(t, province, sheet), rows(t, regency, sheet)
			var mine [][]string
			for _, row := range all[listHeaderRows(t, all):] {
				if len(row) > 3 && row[3] == rg.name {
					mine = append(mine, row)
				}
			}
			var got [][]string // without the "none" line of an empty list
			for _, row := range own[listHeaderRows(t, own):] {
				if len(row) > 1 {
					got = append(got, row)
				}
			}
			if !slices.EqualFunc(got, mine, slices.Equal) {
				t.Errorf("%s %s: %q, want the province's rows of %s %q", rg.code, sheet, got, rg.code, mine)
			}
		}
	}
	w1701, err1 := openRaw(t, filepath.Join(shared, want[1])).GetColWidth("Cetak KTP", "B")
	w1771, err2 := openRaw(t, filepath.Join(shared, want[3])).GetColWidth("Cetak KTP", "B")
	if err1 != nil || err2 != nil || w1701 <= w1771 {
		t.Errorf("name column: 1701's %v wide, 1771's %v (%v, %v); want 1701's wider", w1701, w1771, err1, err2)
	}
	for _, tc := range []struct {
		file  string
		moves int
	}{
		{want[1], 1}, // RINA, in from 1771
		{want[2], 1}, // DEWI, once though her origin is her region
		{want[3], 2}, // RINA, out to 1701, and JOKO, out of the province
	} {
		moves := rows(t, openRaw(t, filepath.Join(shared, tc.file)), "Pindah")
		if n := len(moves) - listHeaderRows(t, moves); n != tc.moves {
			t.Errorf("%s: %d transfers, want %d: %q", tc.file, n, tc.moves, moves)
		}
	}
}

// The workbooks must encode a row alike; when they would not (here a
// regency's workbook in another language: other labels, other date
// styles), Workbooks says so rather than write one workbook's XML into
// another.
func TestWorkbooksDifferentColumns(t *testing.T) {
	dir := t.TempDir()
	s := NewWorkbooks(dir, testInfo, true, sharedRegencies[:1])
	s.reports[1].lb = labelsFor("en")
	err := run(t, s, sharedBatches)
	if err == nil || !strings.Contains(err.Error(), "cannot share their rows") {
		t.Errorf("err = %v, want the workbooks' difference", err)
	}
	assertFiles(t, dir)
}

// listHeaderRows is the number of rows above a list's data: up to its
// header row, which starts with the NIK's or the file's label.
func listHeaderRows(t *testing.T, rs [][]string) int {
	t.Helper()
	for i, r := range rs {
		if len(r) > 0 && (r[0] == "NIK" || r[0] == "File") {
			return i + 1
		}
	}
	t.Fatalf("no header row in %q", rs)
	return 0
}

func openRaw(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// zipParts reads every part of a zip file.
func zipParts(t *testing.T, path string) map[string][]byte {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	parts := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return parts
}
