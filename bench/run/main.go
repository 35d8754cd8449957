// Command run is make bench: it generates synthetic submission sets with
// cmd/fixturegen -rows (CSV and xlsx, under bench/data, never committed),
// runs the whole pipeline on each as a separate process, and prints a
// table of rows/s, wall time, per-stage time (from manifest.json) and peak
// RSS, beside its peers measured in the same run: DuckDB doing read_csv,
// dedupe by NIK, group by region and Parquet on the same CSV (bench/duckdb,
// its own module), and plain inflation of the same workbooks' parts. On a
// shared machine the ratios are the figures to compare, not the times.
//
//	go run ./bench/run -sizes "100000 1000000" -data bench/data
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/source"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// The dates of every bench run (those of the reference scenario).
const (
	asOf     = "2020-06-30"
	election = "2020-12-09"
)

// config is the command's flags.
type config struct {
	sizes   []int
	formats []string
	data    string // generated inputs, binaries and outputs
	peer    bool   // run the DuckDB peer
}

func run(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := fl.String("sizes", "100000 1000000", "data `rows` of each generated set, space-separated")
	formats := fl.String("formats", "csv xlsx", "input `formats` to generate and run")
	data := fl.String("data", "bench/data", "`folder` for generated inputs, binaries and outputs (not committed)")
	peer := fl.Bool("peer", true, "time the DuckDB peer (bench/duckdb) on the CSV sets")
	if err := fl.Parse(args); err != nil {
		return err
	}
	cfg := config{formats: strings.Fields(*formats), data: *data, peer: *peer}
	for _, s := range strings.Fields(*sizes) {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return fmt.Errorf("-sizes: %q is not a row count", s)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	bin := filepath.Join(cfg.data, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	readiness, fixturegen := filepath.Join(bin, "readiness"), filepath.Join(bin, "fixturegen")
	if err := goBuild(".", readiness, "./cmd/readiness"); err != nil {
		return err
	}
	if err := goBuild(".", fixturegen, "./cmd/fixturegen"); err != nil {
		return err
	}
	duck := ""
	if cfg.peer {
		duck, _ = filepath.Abs(filepath.Join(bin, "duckdb-peer"))
		fmt.Fprintln(os.Stderr, "bench: building the DuckDB peer (cgo; the first build takes a while)")
		if err := goBuild("bench/duckdb", duck, "."); err != nil {
			return err
		}
	}
	outputs := supportsOutputs(readiness)

	var rows []result
	for _, n := range cfg.sizes {
		for _, format := range cfg.formats {
			dir := filepath.Join(cfg.data, fmt.Sprintf("%s-%d", format, n))
			if err := generate(fixturegen, dir, format, n); err != nil {
				return err
			}
			ingest, err := ingest(dir, 2)
			if err != nil {
				return err
			}
			r, err := runPipeline(readiness, cfg.data, dir, format, n, "")
			if err != nil {
				return err
			}
			r.ingest = ingest
			switch format {
			case "csv":
				if duck != "" {
					p, rss, err := runDuck(duck, cfg.data, dir, n)
					if err != nil {
						return err
					}
					r.peer, r.peerName, r.peerRSS = p, "DuckDB", rss
				}
			case "xlsx":
				s, err := inflate(dir)
				if err != nil {
					return err
				}
				r.peer, r.peerName = s, "inflate"
			}
			rows = append(rows, r)
			if outputs && format == "csv" {
				t, err := runPipeline(readiness, cfg.data, dir, format, n, "summary,exceptions,persons")
				if err != nil {
					return err
				}
				t.peer, t.peerName, t.peerRSS = r.peer, r.peerName, r.peerRSS
				rows = append(rows, t)
			}
			fmt.Fprintf(os.Stderr, "bench: %s done\n", r.name)
		}
	}
	return printTable(stdout, rows, outputs)
}

// result is one pipeline run and its peer.
type result struct {
	name     string
	rows     int
	wall     time.Duration
	rssMB    float64 // peak resident set of the process, 0 if unknown
	stages   []pipeline.ManifestStage
	ingest   float64       // rows/s of the source alone, 0 if not measured
	peer     time.Duration // the peer's time on the same input
	peerName string
	peerRSS  float64
}

// goBuild builds pkg (relative to dir) into out.
func goBuild(dir, out, pkg string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", abs, pkg)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s: %w", pkg, dir, err)
	}
	return nil
}

// supportsOutputs reports whether readiness run takes --outputs (the
// tables-only run).
func supportsOutputs(readiness string) bool {
	out, _ := exec.Command(readiness, "run", "--help").CombinedOutput()
	return bytes.Contains(out, []byte("-outputs"))
}

// generate writes a set with fixturegen unless dir holds one already.
func generate(fixturegen, dir, format string, n int) error {
	stamp := dir + ".complete" // beside the set: inside, readiness would read it
	if _, err := os.Stat(stamp); err == nil {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: generating %s\n", dir)
	cmd := exec.Command(fixturegen, "-rows", strconv.Itoa(n), "-format", format, "-out", dir)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("fixturegen %s: %w", dir, err)
	}
	return os.WriteFile(stamp, nil, 0o644)
}

// inputs lists the input files of a set.
func inputs(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.*"))
	sort.Strings(names)
	return names, err
}

// runPipeline runs readiness on a set as its own process.
func runPipeline(readiness, data, dir, format string, n int, outputs string) (result, error) {
	name := fmt.Sprintf("%s %s", format, count(n))
	out := filepath.Join(data, "out", filepath.Base(dir))
	if outputs != "" {
		name += " tables only"
		out += "-tables"
	}
	if err := os.RemoveAll(out); err != nil {
		return result{}, err
	}
	args := []string{"run", "--in", dir, "--out", out, "--as-of", asOf, "--election-date", election,
		"--log-format", "json", "--log-level", "warn"}
	if outputs != "" {
		args = append(args, "--outputs", outputs)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(readiness, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{name: name, wall: time.Since(start), rssMB: peakRSS(cmd)}
	if err != nil {
		return r, fmt.Errorf("readiness on %s: %w\n%s", dir, err, tail(stderr.String()))
	}
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		return r, err
	}
	var m pipeline.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return r, err
	}
	r.rows, r.stages = m.Accounting.RowsIn, m.Stages
	if r.rows != n {
		return r, fmt.Errorf("readiness read %d rows of %s, want %d", r.rows, dir, n)
	}
	return r, nil
}

// runDuck runs the DuckDB peer on a CSV set: its wall time and peak RSS.
func runDuck(duck, data, dir string, n int) (time.Duration, float64, error) {
	out := filepath.Join(data, "out", filepath.Base(dir)+"-duckdb")
	if err := os.RemoveAll(out); err != nil {
		return 0, 0, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(duck, "-in", dir, "-out", out)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("duckdb peer on %s: %w\n%s", dir, err, tail(stderr.String()))
	}
	wall := time.Since(start)
	var res struct{ Rows int }
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Rows != n {
		return 0, 0, fmt.Errorf("duckdb peer on %s: read %d rows, want %d (%v)", dir, res.Rows, n, err)
	}
	return wall, peakRSS(cmd), nil
}

// inflate times inflating every part of every workbook of a set: the
// floor of any xlsx reader.
func inflate(dir string) (time.Duration, error) {
	names, err := inputs(dir)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	for _, name := range names {
		zr, err := zip.OpenReader(name)
		if err != nil {
			return 0, err
		}
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err == nil {
				_, err = io.Copy(io.Discard, rc)
				_ = rc.Close() // read to the end: the checksum error came from Copy
			}
			if err != nil {
				_ = zr.Close() // read only
				return 0, fmt.Errorf("%s: %s: %w", name, zf.Name, err)
			}
		}
		_ = zr.Close() // read only
	}
	return time.Since(start), nil
}

// ingest reads a set through the source alone (no stage, no sink), best
// of tries, and returns its rows per second.
func ingest(dir string, tries int) (float64, error) {
	best := 0.0
	for range tries {
		r, err := ingestOnce(dir)
		if err != nil {
			return 0, err
		}
		best = max(best, r)
	}
	return best, nil
}

func ingestOnce(dir string) (float64, error) {
	names, err := inputs(dir)
	if err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "bench-ingest-")
	if err != nil {
		return 0, err
	}
	defer func() { _ = os.RemoveAll(tmp) }() // excelize's parts of synthetic data
	src := source.New(source.Options{TmpDir: tmp})
	mem := memory.NewGoAllocator()
	rows := 0
	start := time.Now()
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return 0, err
		}
		in := pipeline.Input{Path: name, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		if _, err := src.Read(context.Background(), mem, in, pipeline.DefaultBatchSize, func(rec arrow.Record, _ pipeline.Originals) error {
			rows += int(rec.NumRows())
			return nil
		}); err != nil {
			return 0, err
		}
	}
	return float64(rows) / time.Since(start).Seconds(), nil
}

// printTable writes the results as a markdown table.
func printTable(w io.Writer, rows []result, outputs bool) error {
	var stages []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, s := range r.stages {
			if !seen[s.Name] {
				seen[s.Name] = true
				stages = append(stages, s.Name)
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	head := []string{"run", "rows", "wall s", "rows/s", "peak RSS MB", "ingest rows/s"}
	for _, s := range stages {
		head = append(head, s+" s")
	}
	head = append(head, "rest s", "peer", "peer s", "peer RSS MB", "× peer")
	line := func(cells []string) { _, _ = fmt.Fprintln(tw, "| "+strings.Join(cells, "\t| ")+"\t|") } // Flush reports errors
	line(head)
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range rows {
		cells := []string{r.name, strconv.Itoa(r.rows), secs(r.wall), strconv.FormatFloat(float64(r.rows)/r.wall.Seconds(), 'f', 0, 64),
			mb(r.rssMB), rate(r.ingest)}
		var sum float64
		for _, name := range stages {
			v := "–"
			for _, s := range r.stages {
				if s.Name == name {
					v = strconv.FormatFloat(s.DurationMS/1000, 'f', 2, 64)
					sum += s.DurationMS / 1000
				}
			}
			cells = append(cells, v)
		}
		cells = append(cells, strconv.FormatFloat(r.wall.Seconds()-sum, 'f', 2, 64))
		if r.peer > 0 {
			cells = append(cells, r.peerName, secs(r.peer), mb(r.peerRSS), strconv.FormatFloat(r.wall.Seconds()/r.peer.Seconds(), 'f', 2, 64))
		} else {
			cells = append(cells, "–", "–", "–", "–")
		}
		line(cells)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	notes := "\nrest: the time outside the stages (reading, writing the outputs, start-up). ingest: the source alone, in this process, best of two.\n" +
		"× peer: wall time over the peer's (DuckDB read_csv + dedupe by NIK + group by region + Parquet on the same CSV; for xlsx, inflating every part of the same workbooks).\n"
	if !outputs {
		notes += "tables only: this readiness has no --outputs yet; only whole runs were timed.\n"
	}
	_, err := io.WriteString(w, notes)
	return err
}

func count(n int) string {
	switch {
	case n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n%1_000 == 0:
		return strconv.Itoa(n/1_000) + "k"
	}
	return strconv.Itoa(n)
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) }

func mb(v float64) string {
	if v == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func rate(v float64) string {
	if v == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// tail returns the last lines of a process's error output.
func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-5):], "\n")
}
