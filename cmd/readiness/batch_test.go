package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"readiness/pipeline"
	"readiness/pipeline/history"
)

// TestProgressLines: when stderr is not a terminal, a run logs progress
// lines (files read of all, rows, rows/s, what it is doing) every
// --progress-every; --quiet writes nothing on stdout and only warnings in
// the log.
func TestProgressLines(t *testing.T) {
	var stdout, stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "out")
	err := run(context.Background(), []string{"run", "--out", out, "--progress-every", "2ms", "--log-format", "json"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	progress := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %.80s", sc.Text())
		}
		if line["message"] != "progress" {
			continue
		}
		progress++
		for _, k := range []string{"files_read", "files", "rows", "rows_per_s", "phase", "elapsed_s"} {
			if _, ok := line[k]; !ok {
				t.Errorf("progress line lacks %s: %v", k, line)
			}
		}
		if line["files"] != 10.0 {
			t.Errorf("progress line %v: want 10 files", line)
		}
	}
	if progress == 0 {
		t.Error("no progress line")
	}
	if regexp.MustCompile(`\d{16}`).MatchString(stderr.String()) {
		t.Error("the log holds a 16-digit number")
	}

	stdout.Reset()
	stderr.Reset()
	err = run(context.Background(), []string{"run", "--out", out, "--quiet", "--progress-every", "1ms", "--log-format", "json"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run --quiet: %v", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("--quiet wrote on stdout:\n%s", stdout.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if !strings.Contains(line, `"level":"warn"`) {
			t.Errorf("--quiet logged %.120s", line)
		}
	}
}

// The status line of a terminal: log lines are written above it, and it
// is drawn again after each.
func TestStatusLine(t *testing.T) {
	var b bytes.Buffer
	s := &statusLine{w: &b}
	s.show("readiness: 1/2 files")
	s.Write([]byte("a log line\n"))
	s.show("")
	want := "\r\x1b[Kreadiness: 1/2 files\r\x1b[Ka log line\nreadiness: 1/2 files\r\x1b[K"
	if b.String() != want {
		t.Errorf("terminal got %q, want %q", b.String(), want)
	}
	snap := pipeline.ProgressSnapshot{Files: 3, FilesTotal: 10, Rows: 1234567, Phase: "stage classify", Elapsed: 2e9}
	if got := progressText(snap); got != "readiness: 3/10 files, 1,234,567 rows, 617,283 rows/s, stage classify [2s]" {
		t.Errorf("status %q", got)
	}
}

// TestHistorySettings: the history's problems and their exit codes. A
// history inside the output folder or a missing one is a usage error; a
// history another run holds exits 4 and touches nothing; a damaged day is
// left out, said in the log and the manifest, and listed by "readiness
// history" with its error.
func TestHistorySettings(t *testing.T) {
	dir := t.TempDir()
	out, hist := filepath.Join(dir, "out"), filepath.Join(dir, "history")
	var stdout, stderr bytes.Buffer
	code := func(args ...string) int {
		stdout.Reset()
		stderr.Reset()
		return exitCode(run(context.Background(), args, &stdout, &stderr), &stderr)
	}
	if c := code("run", "--out", out, "--history", filepath.Join(out, "h")); c != exitUsage || !strings.Contains(stderr.String(), "inside the output folder") {
		t.Errorf("history inside the output folder: exit %d, %s", c, stderr.String())
	}
	if c := code("run", "--out", filepath.Join(hist, "out"), "--history", hist); c != exitUsage || !strings.Contains(stderr.String(), "would read as a stored run") {
		t.Errorf("output folder inside the history: exit %d, %s", c, stderr.String())
	}
	if c := code("run", "--out", out, "--progress-every", "-1s"); c != exitUsage {
		t.Errorf("negative --progress-every: exit %d", c)
	}
	for _, args := range [][]string{{"history"}, {"history", "--history", filepath.Join(dir, "none")}, {"history", "--history", hist, "x"}} {
		if c := code(args...); c != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, c, exitUsage)
		}
	}
	os.MkdirAll(hist, 0o700)
	if c := code("history", "--history", hist); c != exitOK || !strings.Contains(stdout.String(), "no runs stored") {
		t.Errorf("empty history: exit %d, %q", c, stdout.String())
	}
	if c := code("history", "--help"); c != exitOK || !strings.Contains(stderr.String(), "Exit codes:") {
		t.Errorf("history --help: exit %d", c)
	}

	// Locked by another run.
	holder, err := history.Open(hist)
	if err != nil {
		t.Fatal(err)
	}
	c := code("run", "--out", out, "--history", hist, "--log-format", "json")
	holder.Close()
	if c != exitLocked || !strings.Contains(stderr.String(), "locked by another run") {
		t.Errorf("locked history: exit %d, %s", c, stderr.String())
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Error("a run locked out of the history left an output folder")
	}

	// A damaged day.
	bad := filepath.Join(hist, "as_of=2020-06-29")
	os.MkdirAll(bad, 0o700)
	os.WriteFile(filepath.Join(bad, "manifest.json"), []byte("{not json"), 0o600)
	if c := code("run", "--out", out, "--history", hist, "--log-format", "json"); c != exitOK {
		t.Fatalf("run with a damaged day: exit %d\n%s", c, stderr.String())
	}
	if !strings.Contains(stderr.String(), "as_of=2020-06-29") {
		t.Errorf("the damaged day is not in the log:\n%s", stderr.String())
	}
	if m := readManifest(t, out); m.History.ComparedWith != "" || len(m.History.Damaged) != 1 || len(m.History.Trend) != 1 {
		t.Errorf("manifest history %+v", m.History)
	}
	if c := code("history", "--history", hist); c != exitOK || !strings.Contains(stdout.String(), "cannot be read") ||
		!strings.Contains(stdout.String(), "2020-06-30") {
		t.Errorf("history with a damaged day: exit %d\n%s", c, stdout.String())
	}
}
