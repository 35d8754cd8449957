package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// runFixtures runs the embedded fixtures once per test binary: the
// end-to-end tests below read its outputs.
var fixtureRun struct {
	out            string
	stdout, stderr string
	err            error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "readiness-e2e-")
	if err != nil {
		panic(err)
	}
	fixtureRun.out = filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	fixtureRun.err = run(context.Background(),
		[]string{"run", "--out", fixtureRun.out, "--log-format", "json", "--log-level", "debug"}, &stdout, &stderr)
	fixtureRun.stdout, fixtureRun.stderr = stdout.String(), stderr.String()
	code := m.Run()
	os.RemoveAll(dir)
	if nightlyResult.dir != "" {
		os.RemoveAll(nightlyResult.dir) // the nightly scenario's folders (nightly_test.go)
	}
	os.Exit(code)
}

func fixtureOut(t *testing.T) string {
	t.Helper()
	if fixtureRun.err != nil {
		t.Fatalf("readiness run on the fixtures: %v\nstderr:\n%s", fixtureRun.err, fixtureRun.stderr)
	}
	return fixtureRun.out
}

// expectedTable parses the markdown table between the markers
// <!-- expected-NAME:begin --> and <!-- expected-NAME:end --> of
// fixtures/README.md: the counts the fixture generator planted.
func expectedTable(t *testing.T, name string) (header []string, rows [][]string) {
	t.Helper()
	data, err := os.ReadFile("../../fixtures/README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	begin, end := "<!-- expected-"+name+":begin -->", "<!-- expected-"+name+":end -->"
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("fixtures/README.md has no %s table", name)
	}
	for _, line := range strings.Split(text[i+len(begin):j], "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			continue
		}
		var cells []string
		for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
			cells = append(cells, strings.Trim(strings.TrimSpace(c), "`"))
		}
		switch {
		case header == nil:
			header = cells
		case strings.Trim(strings.Join(cells, ""), "-: ") == "":
			// the |---|---| line
		default:
			rows = append(rows, cells)
		}
	}
	if header == nil || len(rows) == 0 {
		t.Fatalf("fixtures/README.md: empty %s table", name)
	}
	return header, rows
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func readManifest(t *testing.T, dir string) *pipeline.Manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m pipeline.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestFixtureSummary: summary.csv equals, column for column, the counts
// fixtures/README.md says were planted.
func TestFixtureSummary(t *testing.T) {
	out := fixtureOut(t)
	header, want := expectedTable(t, "summary")
	got := readCSV(t, filepath.Join(out, "summary.csv"))
	if strings.Join(got[0], ",") != strings.Join(pipeline.SummaryColumns(), ",") {
		t.Fatalf("summary.csv header\n got %v\nwant %v", got[0], pipeline.SummaryColumns())
	}
	if strings.Join(header, ",") != strings.Join(pipeline.SummaryColumns(), ",") {
		t.Fatalf("fixtures/README.md summary header %v", header)
	}
	if len(got)-1 != len(want) {
		t.Fatalf("summary.csv has %d rows, fixtures/README.md %d", len(got)-1, len(want))
	}
	for i, w := range want {
		for j, col := range header {
			if g := got[i+1][j]; g != w[j] {
				t.Errorf("region %s %s = %s, planted %s", w[0], col, g, w[j])
			}
		}
	}
}

// TestFixtureNothingLost: for every input, rows in = rows in persons +
// duplicate rows + rejected rows, as manifest.json reports it, and as
// fixtures/README.md says was planted.
func TestFixtureNothingLost(t *testing.T) {
	out := fixtureOut(t)
	m := readManifest(t, out)
	_, want := expectedTable(t, "files")
	byPath := map[string]pipeline.ManifestInput{}
	for _, in := range m.Inputs {
		a := in.ManifestAccount
		if a.RowsIn != a.RowsInPersons+a.DuplicateRows+a.RowsRejected || !a.Balanced {
			t.Errorf("%s: %d rows in ≠ %d in persons + %d duplicates + %d rejected",
				in.Path, a.RowsIn, a.RowsInPersons, a.DuplicateRows, a.RowsRejected)
		}
		if len(in.SHA256) != 64 || in.Size <= 0 {
			t.Errorf("%s: size %d sha256 %q", in.Path, in.Size, in.SHA256)
		}
		byPath[strings.TrimPrefix(in.Path, "fixtures/")] = in
	}
	if !m.Accounting.Balanced {
		t.Errorf("manifest accounting not balanced: %+v", m.Accounting)
	}
	if len(want) != len(m.Inputs) {
		t.Errorf("manifest lists %d inputs, fixtures/README.md %d", len(m.Inputs), len(want))
	}
	for _, w := range want {
		in, ok := byPath[w[0]]
		if !ok {
			t.Errorf("%s missing from the manifest", w[0])
			continue
		}
		a := in.ManifestAccount
		got := []int{a.RowsIn, a.RowsInPersons, a.DuplicateRows, a.RowsRejected}
		for k, g := range got {
			if itoa(g) != w[k+1] {
				t.Errorf("%s: got (in, persons, dup, rejected) = %v, planted %v", w[0], got, w[1:])
				break
			}
		}
	}
	for _, o := range m.Outputs {
		if len(o.SHA256) != 64 {
			t.Errorf("output %s: sha256 %q", o.Path, o.SHA256)
		}
	}
	if len(m.Outputs) != 15 || m.PrintDays != 116 || m.AsOf != "2020-06-30" || m.ElectionDate != "2020-12-09" {
		t.Errorf("manifest: %d outputs, print days %d, as of %s, election %s", len(m.Outputs), m.PrintDays, m.AsOf, m.ElectionDate)
	}
	// Each stage reports only its own rejects and duplicates.
	rejected, dups := 0, 0
	for _, s := range m.Stages {
		rejected += s.Rejected
		dups += s.Duplicates
		if (s.Rejected > 0) != (s.Name == "validate") || (s.Duplicates > 0) != (s.Name == "dedupe") {
			t.Errorf("stage %s: %d rejected, %d duplicates", s.Name, s.Rejected, s.Duplicates)
		}
	}
	if rejected != m.Accounting.RowsRejected || dups != m.Accounting.DuplicateRows {
		t.Errorf("stages: %d rejected, %d duplicates; accounting %+v", rejected, dups, m.Accounting)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestFixtureExceptions: every reject reason of SPEC §3–§4 appears in
// exceptions.csv, with file, sheet and the row number as the spreadsheet
// program shows it, and the original values — checked against the input
// workbook itself.
func TestFixtureExceptions(t *testing.T) {
	out := fixtureOut(t)
	recs := readCSV(t, filepath.Join(out, "exceptions.csv"))
	if strings.Join(recs[0], ",") != "file,sheet,row,reason,detail,original" {
		t.Fatalf("exceptions.csv header %v", recs[0])
	}
	_, wantReasons := expectedTable(t, "reasons")
	count := map[string]int{}
	books := map[string]*excelize.File{}
	defer func() {
		for _, f := range books {
			f.Close()
		}
	}()
	checked := 0
	for _, r := range recs[1:] {
		file, sheet, row, reason, detail, original := r[0], r[1], r[2], r[3], r[4], r[5]
		count[reason]++
		var orig map[string]string
		if err := json.Unmarshal([]byte(original), &orig); err != nil {
			t.Errorf("%s row %s: original is not a JSON object of strings: %v", file, row, err)
			continue
		}
		if detail == "" || row == "" || row == "0" {
			t.Errorf("%s row %q: reason %s without detail or row", file, row, reason)
		}
		if !strings.HasSuffix(file, ".xlsx") {
			continue
		}
		if sheet == "" {
			t.Errorf("%s row %s: an xlsx row without its sheet", file, row)
			continue
		}
		f := books[file]
		if f == nil {
			var err error
			if f, err = excelize.OpenFile(filepath.Join("../..", file), excelize.Options{RawCellValue: true}); err != nil {
				t.Fatal(err)
			}
			books[file] = f
		}
		// The header row's texts are the keys; the cells of the row named
		// are the values.
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		n := atoi(t, row)
		if n > len(rows) {
			t.Errorf("%s sheet %s: row %d beyond the sheet", file, sheet, n)
			continue
		}
		cells := strings.Join(rows[n-1], "\x00")
		for _, v := range orig {
			if v != "" && !strings.Contains(cells, v) {
				t.Errorf("%s sheet %s row %d (%s): original value not in the workbook's row", file, sheet, n, reason)
				break
			}
		}
		checked++
	}
	if checked == 0 {
		t.Error("no xlsx rejected row was checked against its workbook")
	}
	for _, code := range pipeline.Reasons() {
		if count[code] == 0 {
			t.Errorf("reason %s does not appear in exceptions.csv", code)
		}
	}
	for _, w := range wantReasons {
		if itoa(count[w[0]]) != w[1] {
			t.Errorf("reason %s: %d rows, planted %s", w[0], count[w[0]], w[1])
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

// TestFixtureOutputs: the five outputs exist, owner-only, no temporary
// files left, persons.parquet readable with one row per person.
func TestFixtureOutputs(t *testing.T) {
	out := fixtureOut(t)
	// Owner-only, and one workbook per regency with data (all ten).
	names := walkFiles(t, out)
	var regional int
	for _, n := range names {
		if strings.HasPrefix(n, "regions/17") && strings.HasSuffix(n, ".xlsx") {
			regional++
		}
	}
	if regional != 10 || !slices.Contains(names, "regions/1771 KOTA BENGKULU.xlsx") || !slices.Contains(names, "candidates.csv") || len(names) != 16 {
		t.Errorf("output folder holds %q", names)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("output folder mode %v, want 0700", info.Mode().Perm())
	}
	// The manifest lists exactly the other files, with their hashes.
	m := readManifest(t, out)
	var listed []string
	for _, o := range m.Outputs {
		listed = append(listed, o.Path)
		data, err := os.ReadFile(filepath.Join(out, o.Path))
		if sum := sha256.Sum256(data); err != nil || hex.EncodeToString(sum[:]) != o.SHA256 || int64(len(data)) != o.Size {
			t.Errorf("manifest entry %+v does not match the file", o)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(append(listed, "manifest.json"))), slices.Sorted(slices.Values(names))) {
		t.Errorf("manifest lists %q, the folder holds %q", listed, names)
	}
	if !strings.Contains(fixtureRun.stdout, "outputs in ") ||
		!strings.Contains(fixtureRun.stdout, "candidates.csv exceptions.csv persons.parquet regions/ (10 files) report.xlsx summary.csv manifest.json") {
		t.Errorf("console does not list the outputs:\n%s", fixtureRun.stdout)
	}

	tbl := readPersons(t, out)
	defer tbl.Release()
	// Strings as strings, dates as dates, lists as lists: the same names
	// and types (the Parquet reader adds field-id metadata).
	got, want := tbl.Schema().Fields(), slices.Concat(pipeline.PersonSchema.Fields(), pipeline.GandaColumns(), pipeline.AllocationColumns())
	if len(got) != len(want) {
		t.Fatalf("persons.parquet has %d columns, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !arrow.TypeEqual(got[i].Type, want[i].Type) {
			t.Errorf("persons.parquet column %d: %s %v, want %s %v", i, got[i].Name, got[i].Type, want[i].Name, want[i].Type)
		}
	}
	sum := readCSV(t, filepath.Join(out, "summary.csv"))
	province := sum[len(sum)-1]
	persons, movedOut := atoi(t, province[5]), atoi(t, province[13])
	// Persons who left the province are in persons.parquet but in no
	// region's person count.
	if int(tbl.NumRows()) != persons+movedOut {
		t.Errorf("persons.parquet has %d rows; summary says %d persons + %d moved out of the province",
			tbl.NumRows(), persons, movedOut)
	}

	// Every number of the allocation is a count of persons: per region,
	// the persons with a BUFFER blank are its allocation, those with any
	// blank its printable_by_election.
	buffer, withBlank := map[string]int{}, map[string]int{}
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	for tr.Next() {
		rec := tr.Record()
		col := func(name string) *array.String {
			return rec.Column(rec.Schema().FieldIndices(name)[0]).(*array.String)
		}
		region, blank := col(pipeline.ColRegionCode), col(pipeline.ColBlank)
		for i := 0; i < int(rec.NumRows()); i++ {
			if blank.IsValid(i) {
				withBlank[region.Value(i)]++
				if blank.Value(i) == pipeline.BlankBuffer {
					buffer[region.Value(i)]++
				}
			}
		}
	}
	header := sum[0]
	at := func(row []string, name string) int { return atoi(t, row[slices.Index(header, name)]) }
	for _, row := range sum[1 : len(sum)-1] {
		code := row[0]
		if at(row, pipeline.SumAllocation) != buffer[code] || at(row, pipeline.SumPrintable) != withBlank[code] {
			t.Errorf("region %s: allocation %d, printable %d; persons with a BUFFER blank %d, with a blank %d",
				code, at(row, pipeline.SumAllocation), at(row, pipeline.SumPrintable), buffer[code], withBlank[code])
		}
	}
	if at(province, pipeline.SumAllocation) != 1650 {
		t.Errorf("province allocation %d, want the whole buffer in hand, 1650", at(province, pipeline.SumAllocation))
	}

	// The what-if of the requested delivery, in the manifest and on the
	// console: the province's readiness without and with it.
	wi := m.WhatIf
	if wi == nil || len(wi.Deliveries) != 1 || wi.Deliveries[0] != (pipeline.ManifestDelivery{Arrives: "2020-09-15", Quantity: 25000}) {
		t.Fatalf("manifest what_if %+v", wi)
	}
	p := wi.Regions[len(wi.Regions)-1]
	if p.RegionCode != "17" || p.ProjectedReadyPct == nil || *p.ProjectedReadyPct != 53.1 || p.PctIfDelivered == nil ||
		*p.PctIfDelivered != 100 || p.PrintableByElection != int64(at(province, pipeline.SumPrintable)) {
		t.Errorf("what-if province row %+v", p)
	}
	if want := "what if 25000 blanks arrive on 2020-09-15: projected readiness 53.1 % without, 100.0 % with the delivery"; !strings.Contains(fixtureRun.stdout, want) {
		t.Errorf("console lacks %q:\n%s", want, fixtureRun.stdout)
	}
}

// TestFixtureLogsHoldNoPersonalData: debug-level JSON logs and the console
// summary never hold a 16-digit number (a NIK or NKK).
func TestFixtureLogsHoldNoPersonalData(t *testing.T) {
	fixtureOut(t)
	nik := regexp.MustCompile(`\d{16}`)
	for name, text := range map[string]string{"stderr": fixtureRun.stderr, "stdout": fixtureRun.stdout} {
		if loc := nik.FindStringIndex(text); loc != nil {
			t.Errorf("%s holds a 16-digit number at byte %d", name, loc[0])
		}
	}
	// Nor any planted name: every person's name and mother's name, read
	// back from persons.parquet.
	names := plantedNames(t, fixtureRun.out)
	if len(names) < 1000 {
		t.Fatalf("only %d names read back", len(names))
	}
	logs := strings.ToUpper(fixtureRun.stderr + fixtureRun.stdout)
	for _, n := range names {
		if strings.Contains(logs, n) {
			t.Errorf("the logs hold a planted name")
			break
		}
	}
	// One line per stage, JSON.
	stages := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(fixtureRun.stderr))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %.80s", sc.Text())
		}
		if s, ok := line["stage"].(string); ok {
			if stages[s] {
				t.Errorf("stage %s logged twice", s)
			}
			stages[s] = true
			for _, k := range []string{"in", "out", "rejected", "duplicate_rows", "duration_ms"} {
				if _, ok := line[k]; !ok {
					t.Errorf("stage %s log line lacks %s", s, k)
				}
			}
		}
	}
	for _, s := range []string{"normalize", "validate", "dedupe", "classify", "aggregate"} {
		if !stages[s] {
			t.Errorf("no log line for stage %s", s)
		}
	}
}

// plantedNames returns the names (of persons and their mothers) in
// persons.parquet, upper case, those of two words or more.
func plantedNames(t *testing.T, out string) []string {
	t.Helper()
	tbl := readPersons(t, out)
	defer tbl.Release()
	var names []string
	for _, col := range []string{pipeline.ColNama, pipeline.ColNamaIbu} {
		idx := tbl.Schema().FieldIndices(col)[0]
		for _, chunk := range tbl.Column(idx).Data().Chunks() {
			a := chunk.(*array.String)
			for i := 0; i < a.Len(); i++ {
				if n := strings.ToUpper(a.Value(i)); a.IsValid(i) && strings.Contains(n, " ") {
					names = append(names, n)
				}
			}
		}
	}
	return names
}

// TestFixtureDetailsHoldNoPersonalData: the detail of a rejected row
// explains the problem without repeating the row's NIK or name.
func TestFixtureDetailsHoldNoPersonalData(t *testing.T) {
	out := fixtureOut(t)
	recs := readCSV(t, filepath.Join(out, "exceptions.csv"))
	digits := regexp.MustCompile(`\d{6,}`)
	for _, r := range recs[1:] {
		detail := strings.ToUpper(r[4])
		if digits.MatchString(detail) {
			t.Errorf("%s row %s: detail holds a run of digits", r[0], r[2])
		}
		var orig map[string]string
		json.Unmarshal([]byte(r[5]), &orig)
		for k, v := range orig {
			k = strings.ToUpper(k)
			if v != "" && len(v) > 3 && (strings.Contains(k, "NAMA") || strings.Contains(k, "NIK") || strings.Contains(k, "IBU")) &&
				strings.Contains(detail, strings.ToUpper(strings.TrimSpace(v))) {
				t.Errorf("%s row %s: detail repeats the %s cell", r[0], r[2], k)
			}
		}
	}
}

// readPersons reads persons.parquet of an output folder with the Arrow
// Parquet reader; the caller releases the table.
func readPersons(t *testing.T, out string) arrow.Table {
	t.Helper()
	pf, err := file.OpenParquetFile(filepath.Join(out, "persons.parquet"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.NewGoAllocator())
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// TestFormulaLikeNameStaysText: the fixtures hold a person and a rejected
// row named =HYPERLINK("x"); every output keeps the name as text.
func TestFormulaLikeNameStaysText(t *testing.T) {
	out := fixtureOut(t)
	const name = `=HYPERLINK("X")` // names are shown upper case
	for _, file := range []string{"report.xlsx", "regions/1771 KOTA BENGKULU.xlsx"} {
		f, err := excelize.OpenFile(filepath.Join(out, file))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		rows, err := f.Rows("Cetak KTP")
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; rows.Next(); n++ {
			cells, _ := rows.Columns()
			if len(cells) > 1 && cells[1] == name {
				found = true
				cell := fmt.Sprintf("B%d", n)
				formula, _ := f.GetCellFormula("Cetak KTP", cell)
				typ, _ := f.GetCellType("Cetak KTP", cell)
				if formula != "" || typ != excelize.CellTypeInlineString {
					t.Errorf("%s %s: formula %q, type %v; want inline text", file, cell, formula, typ)
				}
			}
		}
		_ = rows.Close()
		_ = f.Close()
		if !found {
			t.Errorf("%s: the print list does not show %s as text", file, name)
		}
	}
	// exceptions.csv: the row's cells are JSON, which starts with "{".
	found := false
	for _, r := range readCSV(t, filepath.Join(out, "exceptions.csv"))[1:] {
		if strings.Contains(r[5], `=HYPERLINK(\"x\")`) {
			found = true
			if !strings.HasPrefix(r[5], "{") {
				t.Errorf("original %q does not start with {", r[5])
			}
		}
		for _, c := range r[:5] {
			if strings.HasPrefix(c, "=") {
				t.Errorf("exceptions.csv cell %q would be evaluated", c)
			}
		}
	}
	if !found {
		t.Error("exceptions.csv lacks the rejected row named =HYPERLINK(\"x\")")
	}
}
