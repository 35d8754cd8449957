package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"readiness/pipeline"
	"readiness/pipeline/sink"
)

// checkWhole fails unless dir holds exactly the outputs its manifest lists,
// each with the SHA-256 the manifest gives: one run's outputs, not a mix.
// It returns the manifest's start time, which tells runs apart.
func checkWhole(t *testing.T, dir string) string {
	t.Helper()
	m := readManifest(t, dir)
	want := map[string]string{sink.ManifestFile: ""}
	for _, o := range m.Outputs {
		want[o.Path] = o.SHA256
		data, err := os.ReadFile(filepath.Join(dir, o.Path))
		if err != nil {
			t.Fatalf("output %s listed in the manifest: %v", o.Path, err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != o.SHA256 {
			t.Fatalf("%s does not match the manifest: outputs of two runs mixed", o.Path)
		}
	}
	files := walkFiles(t, dir)
	for _, f := range files {
		if _, ok := want[f]; !ok {
			t.Fatalf("%s in the output folder is not in the manifest", f)
		}
	}
	if len(files) != len(want) {
		t.Fatalf("output folder holds %d files, manifest lists %d outputs", len(files)-1, len(want)-1)
	}
	return m.StartedAt
}

// TestKilledRunKeepsPreviousOutputs kills real runs (SIGKILL, no chance to
// clean up) at moments spread over the whole run, most while outputs are
// being written, and checks each time that the output folder still holds
// one run's outputs, whole, and that the lock died with the process.
func TestKilledRunKeepsPreviousOutputs(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "readiness")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "out")
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "run", "--out", out, "--log-format", "json")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	if err := start().Wait(); err != nil {
		t.Fatalf("first run: %v", err)
	}
	previous := checkWhole(t, out)

	// staged reports what the staging folder holds right now.
	staged := func() (exists bool, files []string) {
		matches, _ := filepath.Glob(filepath.Join(dir, ".out.staging-*"))
		for _, m := range matches {
			entries, err := os.ReadDir(m)
			if err != nil {
				continue
			}
			exists = true
			for _, e := range entries {
				files = append(files, e.Name())
			}
		}
		return exists, files
	}
	// Kill when the staging folder first holds a file whose name contains
	// the marker ("" = as soon as the folder exists).
	markers := []string{"", ".tmp-", "exceptions.csv", "persons.parquet", "summary.csv", ".report.xlsx.tmp", "report.xlsx", ".manifest.json.tmp"}
	killedMidWrite := 0
	for _, marker := range markers {
		cmd := start()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		hit := false
	poll:
		for {
			select {
			case <-done:
				break poll // finished before the moment came
			default:
			}
			exists, files := staged()
			if marker == "" && exists {
				hit = true
				break
			}
			for _, f := range files {
				if marker != "" && strings.Contains(f, marker) {
					hit = true
					break poll
				}
			}
			time.Sleep(200 * time.Microsecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		now := checkWhole(t, out)
		if hit && now == previous {
			killedMidWrite++
		}
		previous = now
	}
	t.Logf("%d of %d runs killed before their outputs were in place", killedMidWrite, len(markers))
	if killedMidWrite < len(markers)/2 {
		t.Errorf("only %d of %d runs were killed while writing: the test did not test much", killedMidWrite, len(markers))
	}
	// The lock died with the killed processes; leftovers are cleaned up.
	if err := start().Wait(); err != nil {
		t.Fatalf("run after the kills: %v", err)
	}
	checkWhole(t, out)
	if got, _ := filepath.Glob(filepath.Join(dir, ".out.*-*")); len(got) > 0 {
		t.Errorf("left behind: %v", got)
	}
}

// TestSecondRunIsLockedOut: while one run holds the output folder, another
// exits at once with its own code and a clear message, touching nothing.
func TestSecondRunIsLockedOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	holder, err := sink.OpenOutDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"run", "--out", out, "--log-format", "json"}, &stdout, &stderr)
	if !errors.Is(err, pipeline.ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if code := exitCode(err, &stderr); code != exitLocked {
		t.Errorf("exit code %d, want %d", code, exitLocked)
	}
	msg := stderr.String()
	for _, want := range []string{out, "locked by another run", "pid "} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Error("the locked-out run created the output folder")
	}
}

// walkFiles lists the files under dir, slash-separated and relative to it,
// checking that files are owner-only (0600) and folders 0700.
func walkFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, info.Mode().Perm(), want)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
