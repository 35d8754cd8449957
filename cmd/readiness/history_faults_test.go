package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"readiness/pipeline/history"
)

// checkHistory fails unless every day of the history is readable and
// whole (its folder holds its manifest and exactly the files the manifest
// lists, with their hashes), and "readiness history" lists them. It
// returns each day's start time.
func checkHistory(t *testing.T, hist string) map[string]string {
	t.Helper()
	runs, err := history.List(hist)
	if err != nil {
		t.Fatal(err)
	}
	started := map[string]string{}
	for _, r := range runs {
		day := history.DayName(r.AsOf)
		if r.Err != nil {
			t.Fatalf("%s cannot be read: %v", day, r.Err)
		}
		want := []string{"manifest.json"}
		for _, f := range r.Manifest.History.Files {
			want = append(want, f.Path)
			size, sum, err := hashFile(filepath.Join(r.Dir, f.Path))
			if err != nil || size != f.Size || sum != f.SHA256 {
				t.Fatalf("%s: %s does not match its manifest: a day of two runs", day, f.Path)
			}
		}
		entries, _ := os.ReadDir(r.Dir)
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if slices.Sort(want); !slices.Equal(got, want) {
			t.Fatalf("%s holds %q, its manifest %q", day, got, want)
		}
		started[r.AsOf.Format(time.DateOnly)] = r.Manifest.StartedAt
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"history", "--history", hist, "--json"}, &stdout, &stderr); err != nil {
		t.Fatalf("readiness history: %v", err)
	}
	var listed []historyEntry
	if err := json.Unmarshal(stdout.Bytes(), &listed); err != nil || len(listed) != len(runs) {
		t.Fatalf("readiness history lists %d runs (%v), the folder holds %d", len(listed), err, len(runs))
	}
	return started
}

// dayHashes returns the SHA-256 of every file of a stored day.
func dayHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		_, sum, err := hashFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = sum
	}
	return out
}

// TestKilledRunKeepsHistoryWhole kills real runs (SIGKILL) while they
// write the history: while a night is re-run (its day replaced) and while
// a new night is stored, at moments spread over the writing of the day's
// files and its commit. Each time every stored day stays readable and
// whole, the earlier nights untouched, the replaced day either the old or
// the new one; the outputs stay whole; and the next run cleans up.
func TestKilledRunKeepsHistoryWhole(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "readiness")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	hist, out := filepath.Join(dir, "history"), filepath.Join(dir, "out")
	start := func(asOf string) *exec.Cmd {
		cmd := exec.Command(bin, "run", "--out", out, "--history", hist, "--as-of", asOf, "--log-format", "json")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	for _, night := range nights[:2] {
		if err := start(night).Wait(); err != nil {
			t.Fatalf("night %s: %v", night, err)
		}
	}
	first := dayHashes(t, filepath.Join(hist, "as_of="+nights[0]))
	previous := checkHistory(t, hist)

	// staged lists the files of the staging folders made since known.
	staging := filepath.Join(hist, ".staging")
	staged := func(known map[string]bool) (exists bool, files []string) {
		entries, _ := os.ReadDir(staging)
		for _, e := range entries {
			if known[e.Name()] {
				continue
			}
			exists = true
			inner, _ := os.ReadDir(filepath.Join(staging, e.Name()))
			for _, f := range inner {
				files = append(files, f.Name())
			}
		}
		return exists, files
	}
	markers := []string{"", ".persons.parquet.tmp", ".summary.parquet.tmp", "persons.parquet", "summary.parquet", ".manifest.json.tmp", "manifest.json"}
	killedMidWrite := 0
	for round, night := range []string{nights[1], nights[2]} { // a replaced day, then a new one
		for _, marker := range markers {
			known := map[string]bool{}
			entries, _ := os.ReadDir(staging)
			for _, e := range entries {
				known[e.Name()] = true
			}
			cmd := start(night)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			hit := false
		poll:
			for {
				select {
				case <-done:
					break poll
				default:
				}
				exists, files := staged(known)
				if marker == "" && exists {
					hit = true
					break
				}
				for _, f := range files {
					if marker != "" && strings.HasPrefix(f, marker) {
						hit = true
						break poll
					}
				}
				time.Sleep(100 * time.Microsecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			checkWhole(t, out)
			now := checkHistory(t, hist)
			if !maps.Equal(first, dayHashes(t, filepath.Join(hist, "as_of="+nights[0]))) {
				t.Fatalf("killed at %q: the first night's day changed", marker)
			}
			if hit && now[night] == previous[night] {
				killedMidWrite++
			}
			if round == 0 && now[nights[2]] != "" {
				t.Fatalf("a day for %s appeared", nights[2])
			}
			previous = now
		}
	}
	t.Logf("%d of %d runs killed before their day was in place", killedMidWrite, 2*len(markers))
	if killedMidWrite < len(markers) {
		t.Errorf("only %d of %d runs were killed while writing the history: the test did not test much", killedMidWrite, 2*len(markers))
	}
	// The next run cleans up what the killed ones left, and the locks died
	// with them.
	if err := start(nights[2]).Wait(); err != nil {
		t.Fatalf("run after the kills: %v", err)
	}
	if now := checkHistory(t, hist); len(now) != 3 {
		t.Errorf("history holds %v after the last run", now)
	}
	if left, _ := os.ReadDir(staging); len(left) > 0 {
		t.Errorf("left in .staging: %v", left)
	}
}
