package sink

import (
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"readiness/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

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

func TestSummaryCSVGolden(t *testing.T) {
	dir := t.TempDir()
	s := NewSummaryCSV(dir)
	if err := run(t, s, []batch{{pipeline.TableSummary, summaryJSON}}); err != nil {
		t.Fatal(err)
	}
	assertFiles(t, dir, SummaryFile)
	golden := filepath.Join("testdata", "summary.golden.csv")
	if *update {
		b, err := os.ReadFile(onlyFile(t, dir, s))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, want := readCSV(t, onlyFile(t, dir, s)), readCSV(t, golden)
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("summary.csv differs from %s (run with -update to accept):\ngot  %q\nwant %q", golden, got, want)
	}
}

func TestSummaryCSV(t *testing.T) {
	row := func(code, pct string) string {
		return `{"region_code":"` + code + `","region_name":"X","rows_in":1234567,"rows_rejected":0,"duplicate_rows":0,"persons":0,"deceased":0,"ineligible":0,"needs_recording":0,"needs_print":0,"ready":0,"eligible":0,"moved_in":0,"moved_out":0,"blanks_needed":0,"stock":0,"allocation":0,"shortfall":0,"printable_by_election":0,"projected_ready_pct":` + pct + `}`
	}
	tests := []struct {
		name    string
		batches []batch
		want    [][]string // data rows: region_code, rows_in, projected_ready_pct
	}{
		{"no batch writes the header only", nil, nil},
		{"other tables are ignored", []batch{{pipeline.TableRows, rowsJSON}, {pipeline.TablePersons, personsJSON}}, nil},
		{"pct one decimal", []batch{{pipeline.TableSummary, "[" + row("1701", "87.5") + "," + row("1702", "100") + "," + row("1703", "0") + "]"}},
			[][]string{{"1701", "1234567", "87.5"}, {"1702", "1234567", "100.0"}, {"1703", "1234567", "0.0"}}},
		{"null pct is empty", []batch{{pipeline.TableSummary, "[" + row("1701", "null") + "]"}},
			[][]string{{"1701", "1234567", ""}}},
		{"two batches append", []batch{{pipeline.TableSummary, "[" + row("1701", "1") + "]"}, {pipeline.TableSummary, "[" + row("17", "2") + "]"}},
			[][]string{{"1701", "1234567", "1.0"}, {"17", "1234567", "2.0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := NewSummaryCSV(dir)
			if err := run(t, s, tc.batches); err != nil {
				t.Fatal(err)
			}
			assertFiles(t, dir, SummaryFile)
			recs := readCSV(t, onlyFile(t, dir, s))
			if !slices.Equal(recs[0], pipeline.SummaryColumns()) {
				t.Errorf("header = %q", recs[0])
			}
			var got [][]string
			for _, r := range recs[1:] {
				got = append(got, []string{r[0], r[2], r[19]})
			}
			if !slices.EqualFunc(got, tc.want, slices.Equal[[]string]) {
				t.Errorf("rows = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSummaryCSVSchemaMismatch(t *testing.T) {
	mem := newMem(t)
	rec := fromJSON(t, mem, pipeline.PersonSchema, personsJSON)
	defer rec.Release()
	s := NewSummaryCSV(t.TempDir())
	defer s.Abort()
	err := s.Write(t.Context(), pipeline.TableSummary, rec)
	if !errors.Is(err, ErrSchema) {
		t.Errorf("Write(persons as summary) = %v, want ErrSchema", err)
	}
}
