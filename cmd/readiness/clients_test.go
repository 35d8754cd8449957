package main

// The workbooks opened in real spreadsheet programs: LibreOffice converts
// every sheet to CSV, openpyxl loads them with warnings as errors. Both
// are installed by `make test` (target clients); this test does not skip
// when they are missing, it fails.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"

	"readiness/pipeline"
)

// sheetsAsCSV converts every sheet of the workbook at path with
// LibreOffice and returns them by sheet name.
func sheetsAsCSV(t *testing.T, path string) map[string][][]string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatalf("LibreOffice (soffice) is not installed: run `make clients`, or `make test`, which installs it")
	}
	dir := t.TempDir()
	cmd := exec.Command(soffice, "--headless", "--norestore", "--convert-to",
		"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", dir, path)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	base := strings.TrimSuffix(filepath.Base(path), ".xlsx")
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	sheets := map[string][][]string{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), base+"-"), ".csv")
		sheets[name] = readCSV(t, f)
	}
	if len(sheets) == 0 {
		t.Fatalf("soffice wrote no sheet of %s", path)
	}
	return sheets
}

// listRows returns a list sheet's data rows: after the header, up to the
// first empty row (a note may follow).
func listRows(sheet [][]string) [][]string {
	var rows [][]string
	for _, r := range sheet[1:] {
		if strings.Join(r, "") == "" {
			break
		}
		rows = append(rows, r)
	}
	return rows
}

// personCounts counts, from persons.parquet, the persons each list of a
// workbook of scope (a regency code, or "" for the province) must hold.
func personCounts(t *testing.T, out, scope string, outside func(string) bool) map[string]int {
	t.Helper()
	tbl := readPersons(t, out)
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	n := map[string]int{}
	for tr.Next() {
		rec := tr.Record()
		col := func(name string) *array.String {
			return rec.Column(rec.Schema().FieldIndices(name)[0]).(*array.String)
		}
		region, origin, status := col(pipeline.ColRegionCode), col(pipeline.ColOriginRegionCode), col(pipeline.ColStatus)
		flags := rec.Column(rec.Schema().FieldIndices(pipeline.ColFlags)[0]).(*array.List)
		for i := 0; i < int(rec.NumRows()); i++ {
			reg, org := region.Value(i), ""
			if origin.IsValid(i) {
				org = origin.Value(i)
			}
			mine := scope == "" || reg == scope
			if mine {
				n[status.Value(i)]++
				if s, e := flags.ValueOffsets(i); e > s {
					n["review"]++
				}
			}
			if (org != "" || outside(reg)) && (mine || org == scope) {
				n["moves"]++
			}
		}
	}
	return n
}

// checkWorkbook checks one workbook as LibreOffice reads it: the summary
// equals summary.csv (the province's rows, or the regency's and the
// province's), each list has a row per person it must hold, every
// destination has a name, and the Indonesian workbook explains rejects in
// Indonesian.
func checkWorkbook(t *testing.T, out, file, scope string, lang string) {
	t.Helper()
	sheets := sheetsAsCSV(t, filepath.Join(out, file))
	names := map[string]string{"summary": "Ringkasan", "print": "Cetak KTP", "recording": "Perekaman",
		"deceased": "Meninggal", "moves": "Pindah", "review": "Tinjauan", "rejected": "Ditolak"}
	if lang == "en" {
		names = map[string]string{"summary": "Summary", "print": "Print cards", "recording": "Recording",
			"deceased": "Deceased", "moves": "Transfers", "review": "Review", "rejected": "Rejected"}
	}
	for _, n := range names {
		if sheets[n] == nil {
			t.Fatalf("%s: no sheet %q among %v", file, n, slices.Sorted(func(yield func(string) bool) {
				for k := range sheets {
					if !yield(k) {
						return
					}
				}
			}))
		}
	}

	// The summary table, columns A–T, equals summary.csv.
	summary := readCSV(t, filepath.Join(out, "summary.csv"))
	var want [][]string
	for _, r := range summary[1:] {
		if scope == "" || r[0] == scope || r[0] == "17" {
			want = append(want, r)
		}
	}
	sheet := sheets[names["summary"]]
	start := slices.IndexFunc(sheet, func(r []string) bool { return len(r) > 0 && (r[0] == "Kode" || r[0] == "Code") })
	if start < 0 {
		t.Fatalf("%s: summary sheet has no table header", file)
	}
	for i, w := range want {
		got := slices.Clone(sheet[start+1+i][:len(w)])
		// LibreOffice shows a whole percentage without its decimal.
		if p := len(w) - 1; got[p]+".0" == w[p] {
			got[p] = w[p]
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: summary row %d\n got %q\nwant %q", file, i, got, w)
		}
	}

	counts := personCounts(t, out, scope, func(code string) bool { return !strings.HasPrefix(code, "17") })
	for list, n := range map[string]int{
		"print": counts[pipeline.StatusNeedsPrint], "recording": counts[pipeline.StatusNeedsRecording],
		"deceased": counts[pipeline.StatusDeceased], "moves": counts["moves"], "review": counts["review"],
	} {
		if got := len(listRows(sheets[names[list]])); got != n {
			t.Errorf("%s: %s has %d rows, want %d", file, names[list], got, n)
		}
	}

	// The person named =HYPERLINK("x") is text, not a link LibreOffice
	// evaluated (it would show "x").
	if scope == "" || scope == "1771" {
		if !slices.ContainsFunc(listRows(sheets[names["print"]]), func(r []string) bool { return r[1] == `=HYPERLINK("X")` }) {
			t.Errorf("%s: the print list does not show =HYPERLINK(\"X\") as text", file)
		}
	}

	// Every destination of a transfer has a name, not a bare code.
	moves := sheets[names["moves"]]
	dest := slices.Index(moves[0], map[string]string{"id": "Tujuan", "en": "To"}[lang])
	if dest < 0 {
		t.Fatalf("%s: no destination column in %q", file, moves[0])
	}
	code := regexp.MustCompile(`^\d{2,4}$`)
	for _, r := range listRows(moves) {
		if code.MatchString(r[dest]) {
			t.Errorf("%s: a destination shows only its code %s", file, r[dest])
		}
	}

	// The rejected rows: no English in the Indonesian workbook's details.
	if lang == "id" {
		english := regexp.MustCompile(`\b(is empty|want 16|has \d+|not recognised|neither|came from|other than|scientific notation|holds nothing)\b`)
		for _, r := range listRows(sheets[names["rejected"]]) {
			if english.MatchString(r[4]) || english.MatchString(r[5]) {
				t.Errorf("%s: a reject is explained in English: %q / %q", file, r[4], r[5])
			}
		}
	}
}

// openpyxlLoads loads the workbook with openpyxl, warnings as errors.
func openpyxlLoads(t *testing.T, path string) {
	t.Helper()
	py := "/usr/bin/python3"
	out, err := exec.Command(py, "-W", "error", "-c",
		"import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); print(len(wb.sheetnames))", path).CombinedOutput()
	if err != nil {
		t.Errorf("openpyxl cannot read %s cleanly (installed by `make clients`): %v\n%s", filepath.Base(path), err, out)
	}
}

func TestWorkbooksInRealClients(t *testing.T) {
	out := fixtureOut(t)
	checkWorkbook(t, out, "report.xlsx", "", "id")
	checkWorkbook(t, out, "regions/1771 KOTA BENGKULU.xlsx", "1771", "id")
	openpyxlLoads(t, filepath.Join(out, "report.xlsx"))
	openpyxlLoads(t, filepath.Join(out, "regions/1771 KOTA BENGKULU.xlsx"))

	// The same workbooks in English.
	en := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"run", "--out", en, "--lang", "en", "--log-format", "json"}, &stdout, &stderr); err != nil {
		t.Fatalf("run --lang en: %v\n%s", err, stderr.String())
	}
	checkWorkbook(t, en, "report.xlsx", "", "en")
	checkWorkbook(t, en, "regions/1771 KOTA BENGKULU.xlsx", "1771", "en")
}
