package sink

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"readiness/pipeline"
)

// write commits a run whose output folder holds files name → content.
func writeRun(t *testing.T, path string, files map[string]string) {
	t.Helper()
	o, err := OpenOutDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(o.Path(), name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

func TestOutDirReplacesWhole(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	writeRun(t, out, map[string]string{ManifestFile: "1", "summary.csv": "night 1", "extra.csv": "only night 1"})
	writeRun(t, out, map[string]string{ManifestFile: "2", "summary.csv": "night 2"})
	if got := listDir(t, out); got != "manifest.json summary.csv" {
		t.Errorf("output folder holds %q: a file of the previous run survived", got)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "summary.csv")); string(b) != "night 2" {
		t.Errorf("summary.csv = %q", b)
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", info.Mode().Perm())
	}
	if got := listDir(t, parent); got != ".out.lock out" {
		t.Errorf("beside the output folder: %q", got)
	}
}

func TestOutDirAbortKeepsPrevious(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	writeRun(t, out, map[string]string{ManifestFile: "1"})
	o, err := OpenOutDir(out)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(o.Path(), ManifestFile), []byte("half"), 0o600)
	o.Close() // without Commit: a failed run
	if b, _ := os.ReadFile(filepath.Join(out, ManifestFile)); string(b) != "1" {
		t.Errorf("previous outputs changed: %q", b)
	}
	if got := listDir(t, parent); got != ".out.lock out" {
		t.Errorf("staging left behind: %q", got)
	}
}

func TestOutDirLock(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	first, err := OpenOutDir(out)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenOutDir(out)
	if !errors.Is(err, pipeline.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "pid ") {
		t.Errorf("message does not name the holder: %v", err)
	}
	first.Close()
	second, err := OpenOutDir(out)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	second.Close()
}

func TestOutDirRefusesForeignFolder(t *testing.T) {
	parent := t.TempDir()
	home := filepath.Join(parent, "documents")
	os.Mkdir(home, 0o755)
	os.WriteFile(filepath.Join(home, "thesis.docx"), []byte("precious"), 0o644)
	file := filepath.Join(parent, "notes.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, p := range []string{home, file} {
		_, err := OpenOutDir(p)
		if !errors.Is(err, pipeline.ErrUsage) {
			t.Errorf("OpenOutDir(%s) = %v, want a usage error", p, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(home, "thesis.docx")); string(b) != "precious" {
		t.Error("foreign folder touched")
	}
	// An empty folder is fine.
	empty := filepath.Join(parent, "empty")
	os.Mkdir(empty, 0o700)
	writeRun(t, empty, map[string]string{ManifestFile: "1"})
}

func TestOutDirRecoversFromKilledRuns(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	writeRun(t, out, map[string]string{ManifestFile: "1"})
	// A run killed while writing leaves a staging folder; one killed
	// between the two renames of the fallback swap leaves no out, only
	// .out.old-*.
	os.Mkdir(filepath.Join(parent, ".out.staging-123"), 0o700)
	if err := os.Rename(out, filepath.Join(parent, ".out.old-456")); err != nil {
		t.Fatal(err)
	}
	o, err := OpenOutDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, ManifestFile)); string(b) != "1" {
		t.Errorf("previous outputs not restored: %q", b)
	}
	o.Close()
	if got := listDir(t, parent); got != ".out.lock out" {
		t.Errorf("leftovers: %q", got)
	}
}

func TestOutDirWithoutAtomicExchange(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	writeRun(t, out, map[string]string{ManifestFile: "1", "old.csv": "x"})
	o, err := OpenOutDir(out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	o.exchange = func(a, b string) error { return errors.New("not here") }
	os.WriteFile(filepath.Join(o.Path(), ManifestFile), []byte("2"), 0o600)
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, out); got != "manifest.json" {
		t.Errorf("output folder holds %q", got)
	}
	if got := listDir(t, parent); got != ".out.lock out" {
		t.Errorf("leftovers: %q", got)
	}
}
