package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// generateInto runs the command into a fresh temporary folder.
func generateInto(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := run([]string{"-out", dir}, io.Discard); err != nil {
		t.Fatal(err)
	}
	return dir
}

// section returns the text between <!-- name:begin --> and <!-- name:end -->.
func section(t *testing.T, readme, name string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "<!-- "+name+":begin -->")
	body, _, ok2 := strings.Cut(rest, "<!-- "+name+":end -->")
	if !ok || !ok2 {
		t.Fatalf("README has no %s section", name)
	}
	return body
}

// parseTable reads a markdown table into rows of trimmed cells, header
// first, separator dropped.
func parseTable(s string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) > 0 && cells[0] == "---" {
			continue
		}
		rows = append(rows, cells)
	}
	return rows
}

// xlsxParts reads every part of an xlsx archive, decompressed.
func xlsxParts(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(b)
	}
	return parts
}

func TestDeterministic(t *testing.T) {
	a, b := generateInto(t), generateInto(t)
	ra, err := os.ReadFile(filepath.Join(a, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	rb, err := os.ReadFile(filepath.Join(b, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"expected-summary", "expected-files", "expected-reasons"} {
		if section(t, string(ra), s) != section(t, string(rb), s) {
			t.Errorf("%s differs between two runs", s)
		}
	}
	if !bytes.Equal(ra, rb) {
		t.Error("README.md differs between two runs")
	}
	err = filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		other := filepath.Join(b, rel)
		if strings.HasSuffix(path, ".xlsx") {
			pa, pb := xlsxParts(t, path), xlsxParts(t, other)
			if len(pa) != len(pb) {
				t.Errorf("%s: %d parts against %d", rel, len(pa), len(pb))
			}
			for name, body := range pa {
				if pb[name] != body {
					t.Errorf("%s: part %s differs", rel, name)
				}
			}
			return nil
		}
		x, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(other)
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExpectedIsConsistent(t *testing.T) {
	g := generate()
	e := g.expect()
	if e.days != 116 {
		t.Errorf("print_days = %d, want 116", e.days)
	}
	if e.totalIn < 15000 || e.totalIn > 20000 {
		t.Errorf("%d data rows, want 15,000–20,000", e.totalIn)
	}
	sumIn := 0
	for _, f := range e.files {
		if f.rowsIn != f.persons+f.dups+f.rejected {
			t.Errorf("%s: rows_in %d != %d + %d + %d", f.path, f.rowsIn, f.persons, f.dups, f.rejected)
		}
		sumIn += f.rowsIn
	}
	prov := e.summary[len(e.summary)-1]
	if prov.code != "17" || prov.rowsIn != sumIn {
		t.Errorf("province rows_in %d, files %d", prov.rowsIn, sumIn)
	}
	rejected := 0
	for _, r := range reasonOrder {
		if e.reasons[r] == 0 {
			t.Errorf("no row rejected with %s", r)
		}
		rejected += e.reasons[r]
	}
	if rejected != prov.rejected {
		t.Errorf("reasons sum to %d, province rows_rejected %d", rejected, prov.rejected)
	}
	for _, w := range []string{"NIK_DOB_MISMATCH", "NIK_SEX_MISMATCH", "NIK_NUMERIC_CELL", "DATE_UNPARSEABLE", "DISTRICT_UNKNOWN"} {
		if e.warnings[w] == 0 {
			t.Errorf("no row warns %s", w)
		}
	}
	for _, s := range e.summary[:len(e.summary)-1] {
		if s.persons != s.deceased+s.ineligible+s.recording+s.print+s.ready {
			t.Errorf("%s: statuses do not add up to persons", s.code)
		}
	}
	kota := e.summary[len(e.summary)-2]
	if kota.code != "1771" || kota.print < 4000 || kota.allocation == 0 || kota.shortfall != kota.blanks-kota.stock-kota.allocation {
		t.Errorf("Kota Bengkulu: %+v", kota)
	}
	given := 0
	for _, s := range e.summary[:len(e.summary)-1] {
		given += s.allocation
	}
	if prov := e.summary[len(e.summary)-1]; given != bufferStock || prov.allocation != bufferStock {
		t.Errorf("allocations sum to %d, province %d; the buffer in hand is %d and short", given, prov.allocation, bufferStock)
	}
}

// TestFilesMatchModel reads the written files back and checks the row
// counts and a few planted cells against the model.
func TestFilesMatchModel(t *testing.T) {
	dir := generateInto(t)
	g := generate()
	e := g.expect()
	for i, f := range g.files {
		path := filepath.Join(dir, filepath.FromSlash(f.spec.path))
		got := 0
		for _, sh := range f.sheets {
			var records [][]string
			if f.spec.kind == csvFile {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
				r.Comma, r.FieldsPerRecord, r.LazyQuotes = f.spec.delim, -1, true
				if records, err = r.ReadAll(); err != nil {
					t.Fatalf("%s: %v", f.spec.path, err)
				}
			} else {
				x, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				records, err = x.GetRows(sh.spec.name)
				x.Close()
				if err != nil {
					t.Fatal(err)
				}
			}
			skip := 0
			for _, tl := range sh.spec.titles {
				if tl != "" {
					skip++
				}
			}
			nonEmpty := 0
			for _, rec := range records {
				if strings.Join(rec, "") != "" {
					nonEmpty++
				}
			}
			if sh.spec.notes != nil {
				if nonEmpty != len(sh.spec.notes) {
					t.Errorf("%s [%s]: %d lines, want the %d notes", f.spec.path, sh.spec.name, nonEmpty, len(sh.spec.notes))
				}
				continue
			}
			got += nonEmpty - skip - 1 // titles and header
		}
		if got != e.files[i].rowsIn {
			t.Errorf("%s: %d data rows in the file, model says %d", f.spec.path, got, e.files[i].rowsIn)
		}
	}

	parts := xlsxParts(t, filepath.Join(dir, "inputs", "1771_kota_bengkulu.xlsx"))
	if n := strings.Count(parts["xl/worksheets/sheet1.xml"], "<f>"); n != 3 {
		t.Errorf("%d formula cells on Cetak, want 3", n)
	}
	if !strings.Contains(parts["xl/worksheets/sheet1.xml"], "</f><v>") {
		t.Error("formula cells carry no cached value")
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	sum := parseTable(section(t, string(readme), "expected-summary"))
	if len(sum) != 12 || len(sum[0]) != 20 || sum[11][0] != "17" || sum[11][1] != "BENGKULU" {
		t.Errorf("summary table shape: %d rows, header %v", len(sum), sum[0])
	}
	for _, name := range []string{"expected-files", "expected-reasons"} {
		if rows := parseTable(section(t, string(readme), name)); len(rows) < 2 {
			t.Errorf("%s table is empty", name)
		}
	}
}

// TestGandaMode: -ganda writes the K3 ground truth into the folder -out
// names, never into the fixtures by default, within its size bounds.
func TestGandaMode(t *testing.T) {
	dir := t.TempDir()
	if err := run([]string{"-ganda", "10000", "-out", dir}, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"inputs/ganda.csv", "truth.csv"} {
		recs := readCSVFile(t, filepath.Join(dir, name))
		if len(recs) < 100 {
			t.Errorf("%s: %d records", name, len(recs))
		}
	}
	if n := len(readCSVFile(t, filepath.Join(dir, "inputs/ganda.csv"))); n != 10001 {
		t.Errorf("ganda.csv has %d lines, want a header and 10,000 persons", n)
	}
	for _, args := range [][]string{{"-ganda", "10000"}, {"-ganda", "9999", "-out", dir}, {"-ganda", "1000001", "-out", dir}} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
