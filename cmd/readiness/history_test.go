package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// expectedDeltas restates the kinds of change (pipeline.Changes) over two
// nights' persons.parquet: rows of nik, region_code, change, before,
// after.
func expectedDeltas(before, now []personState) [][]string {
	needs := func(s string) bool { return s == pipeline.StatusNeedsPrint || s == pipeline.StatusNeedsRecording }
	was := map[string]personState{}
	for _, p := range before {
		was[p.nik] = p
	}
	var rows [][]string
	add := func(p personState, change, b, a string) { rows = append(rows, []string{p.nik, p.region, change, b, a}) }
	seen := map[string]bool{}
	for _, p := range now {
		w, ok := was[p.nik]
		if !ok {
			add(p, pipeline.ChangeNewRequest, "", p.status)
			continue
		}
		seen[p.nik] = true
		if !needs(w.status) && w.status != pipeline.StatusDeceased && needs(p.status) {
			add(p, pipeline.ChangeNewRequest, w.status, p.status)
		}
		if p.lastPrint != "" && (w.lastPrint == "" || p.lastPrint > w.lastPrint) {
			add(p, pipeline.ChangePrinted, w.lastPrint, p.lastPrint)
		}
		if w.status == pipeline.StatusNeedsRecording && (p.status == pipeline.StatusNeedsPrint || p.status == pipeline.StatusReady) {
			add(p, pipeline.ChangeRecorded, w.status, p.status)
		}
		if p.status == pipeline.StatusDeceased && w.status != pipeline.StatusDeceased {
			add(p, pipeline.ChangeDeceased, w.status, p.status)
		}
		if p.region != w.region {
			add(p, pipeline.ChangeMoved, w.region, p.region)
		}
		if w.tier != "" && p.tier != "" {
			if w.tier != p.tier {
				add(p, pipeline.ChangeTier, w.tier, p.tier)
			}
			if w.blank != p.blank {
				add(p, pipeline.ChangeBlank, w.blank, p.blank)
			}
		}
	}
	for _, w := range before {
		if !seen[w.nik] && needs(w.status) {
			rows = append(rows, []string{w.nik, w.region, pipeline.ChangeVanished, w.status, ""})
		}
	}
	return rows
}

func sortedRows(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.Join(r, ",")
	}
	sort.Strings(out)
	return out
}

// TestNightlyDeltas runs the fixtures for three nights with changed
// inputs and checks deltas.csv: every row against the definitions applied
// to the two nights' persons.parquet, and every planted change by kind,
// region and NIK.
func TestNightlyDeltas(t *testing.T) {
	s := nightly(t)
	p := s.plan
	type key struct{ region, change string }
	planted := []map[key][]string{
		nil, // the first night compares with nothing
		{
			{"1709", pipeline.ChangeNewRequest}: {p.newNIK},
			{"1709", pipeline.ChangePrinted}:    p.printed2,
			{"1709", pipeline.ChangeRecorded}:   p.recorded2,
			{"1709", pipeline.ChangeDeceased}:   {p.died2},
			{"1771", pipeline.ChangeMoved}:      {p.moved2},
		},
		{
			{"1709", pipeline.ChangePrinted}:  p.printed3,
			{"1709", pipeline.ChangeVanished}: {p.vanished3},
		},
	}
	for n, out := range s.nights {
		got := readCSV(t, filepath.Join(out, "deltas.csv"))
		if strings.Join(got[0], ",") != "nik,region_code,change,before,after" {
			t.Fatalf("night %d: deltas.csv header %v", n+1, got[0])
		}
		if n == 0 {
			if len(got) != 1 {
				t.Errorf("night 1 has no earlier run, but deltas.csv has %d rows", len(got)-1)
			}
			continue
		}
		// Every row, against the definitions.
		before, err := readPersonStates(s.nights[n-1])
		if err != nil {
			t.Fatal(err)
		}
		now, err := readPersonStates(out)
		if err != nil {
			t.Fatal(err)
		}
		if want, have := sortedRows(expectedDeltas(before, now)), sortedRows(got[1:]); !slices.Equal(want, have) {
			t.Errorf("night %d: deltas.csv differs from the definitions\n got %d rows: %.600q\nwant %d rows: %.600q",
				n+1, len(have), have, len(want), want)
		}
		// The planted changes, exactly; no other of these kinds.
		byKey := map[key][]string{}
		for _, r := range got[1:] {
			k := key{r[1], r[2]}
			if r[2] == pipeline.ChangeTier || r[2] == pipeline.ChangeBlank {
				continue
			}
			byKey[k] = append(byKey[k], r[0])
		}
		for k, want := range planted[n] {
			if g := slices.Sorted(slices.Values(byKey[k])); !slices.Equal(g, slices.Sorted(slices.Values(want))) {
				t.Errorf("night %d: %s at %s: %d rows %v, planted %d %v", n+1, k.change, k.region, len(g), g, len(want), want)
			}
			delete(byKey, k)
		}
		for k, v := range byKey {
			t.Errorf("night %d: %d unplanted %s rows at %s", n+1, len(v), k.change, k.region)
		}
		// The mover's row says where from and where to; the alarm's what
		// the request was.
		for _, r := range got[1:] {
			switch {
			case r[2] == pipeline.ChangeMoved && (r[3] != "1709" || r[4] != "1771"):
				t.Errorf("night %d: move %v", n+1, r)
			case r[2] == pipeline.ChangeVanished && (r[3] != pipeline.StatusNeedsPrint || r[4] != ""):
				t.Errorf("night %d: vanished %v", n+1, r)
			case r[2] == pipeline.ChangePrinted && r[4] != map[int]string{1: "2020-07-01", 2: "2020-07-02"}[n]:
				t.Errorf("night %d: printed %v", n+1, r)
			}
		}
		// The manifest and the console count the same.
		m := readManifest(t, out)
		counts := map[string]int{}
		for _, r := range got[1:] {
			counts[r[2]]++
		}
		for _, c := range pipeline.Changes() {
			if m.History.Changes[c] != counts[c] {
				t.Errorf("night %d: manifest counts %d %s, deltas.csv %d", n+1, m.History.Changes[c], c, counts[c])
			}
		}
		if want := fmt.Sprintf("since %s: %d new requests, %d printed or handed over", nights[n-1],
			counts[pipeline.ChangeNewRequest], counts[pipeline.ChangePrinted]); !strings.Contains(s.stdout[n], want) {
			t.Errorf("night %d: console lacks %q:\n%s", n+1, want, s.stdout[n])
		}
		if alarm := strings.Contains(s.stdout[n], "ALARM: 1 request(s) vanished"); alarm != (n == 2) {
			t.Errorf("night %d: console alarm %v:\n%s", n+1, alarm, s.stdout[n])
		}
		// No NIK or name of a changed person reaches the console or the log.
		for _, r := range got[1:] {
			if strings.Contains(s.stdout[n]+s.stderr[n], r[0]) {
				t.Errorf("night %d: the console or the log holds a NIK of deltas.csv", n+1)
				break
			}
		}
		if strings.Contains(strings.ToUpper(s.stdout[n]+s.stderr[n]), "TESTA PENDUDUK BARU") {
			t.Errorf("night %d: the console or the log holds a name", n+1)
		}
	}
}

// rawRows reads a sheet's cells as stored (dates as serial numbers).
func rawRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s: sheet %q: %v", filepath.Base(path), sheet, err)
	}
	return rows
}

// serialDate reads an Excel date serial.
func serialDate(t *testing.T, s string) string {
	t.Helper()
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a date serial", s)
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)).Format(time.DateOnly)
}

// table returns the rows after the first row whose first cell is header,
// up to the first empty row.
func table(rows [][]string, header string) [][]string {
	for i, r := range rows {
		if len(r) > 0 && r[0] == header {
			var out [][]string
			for _, d := range rows[i+1:] {
				if strings.Join(d, "") == "" {
					break
				}
				out = append(out, d)
			}
			return out
		}
	}
	return nil
}

// TestNightlyWorkbookSheets: the third night's workbook counts the
// changes per regency as deltas.csv does and lists the vanished request;
// its trend has every night's summary with each region's line, the rows
// below it coloured, and the chart; a regency's workbook shows its own.
func TestNightlyWorkbookSheets(t *testing.T) {
	s := nightly(t)
	out := s.nights[2]
	report := filepath.Join(out, "report.xlsx")

	// Since the last run.
	deltas := readCSV(t, filepath.Join(out, "deltas.csv"))
	count := map[string]map[string]int{"17": {}}
	for _, r := range deltas[1:] {
		if count[r[1]] == nil {
			count[r[1]] = map[string]int{}
		}
		count[r[1]][r[2]]++
		count["17"][r[2]]++ // the province counts every row
	}
	rows := rawRows(t, report, "Sejak run terakhir")
	if serialDate(t, rows[2][3]) != "2020-07-01" {
		t.Errorf("compared with %v", rows[2])
	}
	counts := table(rows, "Kode")
	if len(counts) != 11 || counts[10][0] != "17" {
		t.Fatalf("counts table %q", counts)
	}
	for _, r := range counts {
		for j, c := range pipeline.Changes() {
			if r[2+j] != strconv.Itoa(count[r[0]][c]) {
				t.Errorf("region %s %s: sheet %s, deltas.csv %d", r[0], c, r[2+j], count[r[0]][c])
			}
		}
	}
	alarms := table(rows, "NIK")
	if len(alarms) != 1 || alarms[0][0] != s.plan.vanished3 || !strings.Contains(alarms[0][6], nightlyFile) {
		t.Errorf("alarm list %q, want the vanished request %s", alarms, s.plan.vanished3)
	}

	// The trend: every night, every region, against summary.csv.
	type key struct{ date, code string }
	want := map[key][]string{}
	first := map[string]float64{}
	for n, night := range s.nights {
		sum := readCSV(t, filepath.Join(night, "summary.csv"))
		col := func(name string) int { return slices.Index(sum[0], name) }
		for _, r := range sum[1:] {
			pct := r[col(pipeline.SumPct)]
			want[key{nights[n], r[0]}] = []string{r[col(pipeline.SumBlanksNeeded)], r[col(pipeline.SumReady)], pct}
			if n == 0 {
				first[r[0]], _ = strconv.ParseFloat(pct, 64)
			}
		}
	}
	election, _ := time.Parse(time.DateOnly, "2020-12-09")
	lineAt := func(code, date string) float64 {
		d, _ := time.Parse(time.DateOnly, date)
		d0, _ := time.Parse(time.DateOnly, nights[0])
		p0 := first[code]
		return math.Round((p0+(100-p0)*d.Sub(d0).Hours()/election.Sub(d0).Hours())*10) / 10
	}
	f, err := excelize.OpenFile(report)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	trend := rawRows(t, report, "Tren")
	var regionRows [][]string
	var at int
	for i, r := range trend {
		if len(r) > 0 && strings.HasPrefix(r[0], "Per kabupaten/kota") {
			at = i + 2
			regionRows = table(trend[i+1:], "Tanggal data")
		}
	}
	if len(regionRows) != len(want) || len(want) != 33 {
		t.Fatalf("trend has %d region rows, want %d (3 nights × 11)", len(regionRows), len(want))
	}
	behind := 0
	for i, r := range regionRows {
		k := key{serialDate(t, r[0]), r[1]}
		w, ok := want[k]
		if !ok {
			t.Errorf("trend row %v: no such night and region", r)
			continue
		}
		pct, _ := strconv.ParseFloat(r[5], 64)
		if r[3] != w[0] || r[4] != w[1] || (w[2] != "" && pct != mustFloat(t, w[2])) {
			t.Errorf("trend %v: %q, summary.csv %q", k, r[3:6], w)
		}
		line := lineAt(k.code, k.date)
		if got := mustFloat(t, r[6]); math.Abs(got-line) > 1e-9 {
			t.Errorf("trend %v: line %v, want %v", k, got, line)
		}
		delete(want, k)
		// Below the line: coloured.
		style, err := f.GetCellStyle("Tren", fmt.Sprintf("A%d", at+1+i))
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(style)
		if err != nil {
			t.Fatal(err)
		}
		red := len(st.Fill.Color) > 0 && st.Fill.Color[0] == "FFC7CE"
		if red != (pct < line) {
			t.Errorf("trend %v: projected %v, line %v, coloured %v", k, pct, line, red)
		}
		if red {
			behind++
		}
	}
	if behind == 0 {
		t.Error("no region is behind its line: the colouring is not tested")
	}
	// The chart: a scatter of the province's rows on the trend sheet.
	if chart := chartXML(t, report); !strings.Contains(chart, "scatterChart") || !strings.Contains(chart, "'Tren'!$F$7:$F$9") ||
		!strings.Contains(chart, "'Tren'!$G$7:$G$10") {
		t.Errorf("trend chart:\n%.2000s", chart)
	}

	// A regency's workbook: its own counts, alarms and trend, in
	// LibreOffice too.
	regional := filepath.Join(out, "regions", "1709 KAB. BENGKULU TENGAH.xlsx")
	counts = table(rawRows(t, regional, "Sejak run terakhir"), "Kode")
	if len(counts) != 1 || counts[0][0] != "1709" {
		t.Errorf("1709's counts %q", counts)
	}
	sheets := sheetsAsCSV(t, regional)
	tr := sheets["Tren"]
	if tr == nil || sheets["Sejak run terakhir"] == nil {
		t.Fatalf("LibreOffice reads no history sheets in %s", regional)
	}
	n := 0
	for _, r := range tr {
		if len(r) > 1 && r[1] == "1709" {
			n++
		}
		if len(r) > 1 && (r[1] == "17" || r[1] == "1771") {
			t.Errorf("1709's trend shows %v", r)
		}
	}
	if n != 3+1+3 { // the chart's rows (each night, election day) and the table's
		t.Errorf("1709's trend has %d rows of 1709, want 7", n)
	}
	openpyxlLoads(t, report)
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

// chartXML returns the chart parts of a workbook that mention the trend
// sheet.
func chartXML(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var b strings.Builder
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/charts/chart") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		data = bytes.ReplaceAll(data, []byte("&#39;"), []byte("'"))
		if bytes.Contains(data, []byte("'Tren'!")) {
			b.Write(data)
		}
	}
	return b.String()
}

// TestNightlyHistoryLayout: the history holds one folder per night, in
// hive layout, owner-only, each with the night's persons, summary and
// manifest; the manifest lists the day's files with their hashes; and
// "readiness history" lists the nights newest first.
func TestNightlyHistoryLayout(t *testing.T) {
	s := nightly(t)
	var days []string
	err := filepath.WalkDir(s.hist, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if want := map[bool]fs.FileMode{true: 0o700, false: 0o600}[d.IsDir()]; info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, info.Mode().Perm(), want)
		}
		rel, _ := filepath.Rel(s.hist, p)
		if !d.IsDir() {
			days = append(days, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range nights {
		for _, f := range []string{"manifest.json", "persons.parquet", "summary.parquet"} {
			want = append(want, "as_of="+n+"/"+f)
		}
	}
	want = append([]string{".lock"}, want...)
	if !slices.Equal(days, want) {
		t.Errorf("history holds %q, want %q", days, want)
	}
	for n, night := range nights {
		day := filepath.Join(s.hist, "as_of="+night)
		m := readManifest(t, day)
		out := readManifest(t, s.nights[n])
		if m.StartedAt != out.StartedAt || m.History == nil || m.History.AsOf != night || len(m.History.Trend) != n+1 {
			t.Errorf("night %s: the day's manifest is not the night's: %+v", night, m.History)
			continue
		}
		for _, f := range m.History.Files {
			size, sum, err := hashFile(filepath.Join(day, f.Path))
			if err != nil || size != f.Size || sum != f.SHA256 {
				t.Errorf("night %s: %s does not match the manifest", night, f.Path)
			}
		}
		// The stored persons are the night's persons.parquet (decoded: the
		// writer orders some footer statistics at random).
		if decodedParquet(t, filepath.Join(day, "persons.parquet")) != decodedParquet(t, filepath.Join(s.nights[n], "persons.parquet")) {
			t.Errorf("night %s: the stored persons.parquet differs from the output", night)
		}
		if compared := map[int]string{1: nights[0], 2: nights[1]}[n]; m.History.ComparedWith != compared {
			t.Errorf("night %s compared with %q, want %q", night, m.History.ComparedWith, compared)
		}
	}

	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"history", "--history", s.hist, "--json"}, &stdout, &stderr); err != nil {
		t.Fatalf("history --json: %v\n%s", err, stderr.String())
	}
	var listed []historyEntry
	if err := json.Unmarshal(stdout.Bytes(), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 3 {
		t.Fatalf("history lists %d runs", len(listed))
	}
	for i, e := range listed {
		n := len(nights) - 1 - i
		sum := readCSV(t, filepath.Join(s.nights[n], "summary.csv"))
		p := sum[len(sum)-1]
		col := func(name string) string { return p[slices.Index(sum[0], name)] }
		if e.AsOf != nights[n] || e.Inputs != 10 || strconv.FormatInt(e.Persons, 10) != col(pipeline.SumPersons) ||
			strconv.FormatInt(e.Ready, 10) != col(pipeline.SumReady) || strconv.FormatInt(e.BlanksNeeded, 10) != col(pipeline.SumBlanksNeeded) ||
			e.Pct == nil || formatPct(*e.Pct) != col(pipeline.SumPct) || e.Error != "" {
			t.Errorf("history entry %d %+v, summary %v", i, e, p)
		}
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"history", "--history", s.hist}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "projected_ready_pct") || !strings.HasPrefix(strings.TrimSpace(lines[1]), nights[2]) {
		t.Errorf("history table:\n%s", stdout.String())
	}
}

func formatPct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func hashFile(path string) (int64, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, "", err
	}
	sum := sha256.Sum256(data)
	return int64(len(data)), hex.EncodeToString(sum[:]), nil
}

// decodedParquet reads a Parquet file back into JSON lines, its schema
// first.
func decodedParquet(t *testing.T, path string) string {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
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
	defer tbl.Release()
	var b strings.Builder
	b.WriteString(tbl.Schema().String())
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	for tr.Next() {
		data, err := tr.Record().MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
