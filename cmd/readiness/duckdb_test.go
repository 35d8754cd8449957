package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"readiness/pipeline"
)

// TestHistoryReadByDuckDB: DuckDB reads the three nights' history the way
// an analyst would, read_parquet('DIR/*/summary.parquet', hive_partitioning
// = true), and gets one row per regency (and the province) and run date,
// the date typed DATE from the folder name, the numbers of each night's
// summary.csv. DuckDB runs from its own module (bench/historycheck), built
// with cgo here: it is no dependency of readiness. The first build of
// DuckDB's bindings takes a while; later ones come from the build cache.
func TestHistoryReadByDuckDB(t *testing.T) {
	s := nightly(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go command is needed to build the DuckDB check: %v", err)
	}
	hist, err := filepath.Abs(s.hist)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cmd := exec.Command("go", "run", ".", hist)
	cmd.Dir = filepath.Join("..", "..", "bench", "historycheck")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run bench/historycheck: %v\n%s", err, stderr.String())
	}
	t.Logf("DuckDB check built and ran in %v", time.Since(start).Round(time.Millisecond))
	rows, err := csv.NewReader(&stdout).ReadAll()
	if err != nil {
		t.Fatalf("historycheck output: %v\n%s", err, stdout.String())
	}
	if !slices.Equal(rows[0], []string{"as_of_type", "as_of", "region_code", "region_name", "blanks_needed", "ready", "projected_ready_pct"}) {
		t.Fatalf("header %v", rows[0])
	}
	want := map[[2]string][]string{}
	for n, night := range s.nights {
		sum := readCSV(t, filepath.Join(night, "summary.csv"))
		col := func(r []string, name string) string { return r[slices.Index(sum[0], name)] }
		for _, r := range sum[1:] {
			want[[2]string{nights[n], r[0]}] = []string{col(r, pipeline.SumRegionName), col(r, pipeline.SumBlanksNeeded),
				col(r, pipeline.SumReady), col(r, pipeline.SumPct)}
		}
	}
	if len(want) != 3*11 {
		t.Fatalf("%d night-region pairs in the summaries, want 33", len(want))
	}
	if len(rows)-1 != len(want) {
		t.Errorf("DuckDB read %d rows, want %d: one per region and run date", len(rows)-1, len(want))
	}
	for _, r := range rows[1:] {
		k := [2]string{r[1], r[2]}
		w, ok := want[k]
		if !ok {
			t.Errorf("DuckDB row %v: no such night and region, or a second row of it", r)
			continue
		}
		delete(want, k)
		if r[0] != "DATE" {
			t.Errorf("as_of typed %s, want DATE", r[0])
		}
		if !slices.Equal(r[3:], w) {
			t.Errorf("DuckDB row %v, summary.csv %v", r, w)
		}
	}
}
