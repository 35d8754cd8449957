package sink

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// openWith opens the output folder out with a manifest written into its
// staging folder; when previous is set, a committed run is there first.
func openWith(t *testing.T, out string, previous bool) *OutDir {
	t.Helper()
	if previous {
		o, err := OpenOutDir(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(o.Path(), ManifestFile), []byte("1"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := o.Close(); err != nil {
			t.Fatal(err)
		}
	}
	o, err := OpenOutDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(o.Path(), ManifestFile), []byte("2"), 0o600); err != nil {
		t.Fatal(err)
	}
	return o
}

// TestOutDirCommitReportsFailedRollback: when Commit fails and so does
// its rollback, the error reports both, and the next run repairs what the
// rollback left.
func TestOutDirCommitReportsFailedRollback(t *testing.T) {
	errRename := errors.New("rename failed")
	errRemove := errors.New("remove failed")
	errRestore := errors.New("restore failed")

	t.Run("first run: staging folder not removed", func(t *testing.T) {
		parent := t.TempDir()
		out := filepath.Join(parent, "out")
		o := openWith(t, out, false)
		o.rename = func(string, string) error { return errRename }
		o.removeAll = func(string) error { return errRemove }
		err := o.Commit()
		if !errors.Is(err, errRename) || !errors.Is(err, errRemove) || !strings.Contains(err.Error(), "staging folder") {
			t.Fatalf("Commit = %v, want the rename and the failed removal of the staging folder", err)
		}
		if err := o.Close(); err != nil {
			t.Fatalf("Close after Commit: %v", err)
		}
		// The next run removes the staging folder left behind.
		o = openWith(t, out, false)
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := o.Close(); err != nil {
			t.Fatal(err)
		}
		if got, _ := filepath.Glob(filepath.Join(parent, ".out.*-*")); len(got) > 0 {
			t.Errorf("left behind: %v", got)
		}
	})

	t.Run("fallback swap: previous outputs not put back", func(t *testing.T) {
		parent := t.TempDir()
		out := filepath.Join(parent, "out")
		o := openWith(t, out, true)
		o.exchange = func(a, b string) error { return errors.New("not here") }
		renames := 0
		o.rename = func(from, to string) error {
			renames++
			switch renames {
			case 1: // out → .out.old-*
				return os.Rename(from, to)
			case 2: // staging → out
				return errRename
			default: // .out.old-* → out, the rollback
				return errRestore
			}
		}
		o.removeAll = func(string) error { return errRemove }
		err := o.Commit()
		for _, want := range []error{errRename, errRestore, errRemove} {
			if !errors.Is(err, want) {
				t.Errorf("Commit = %v, does not report %v", err, want)
			}
		}
		if err := o.Close(); err != nil {
			t.Fatalf("Close after Commit: %v", err)
		}
		// The next run puts the previous outputs back before anything else.
		o, err = OpenOutDir(out)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(out, ManifestFile)); err != nil || string(b) != "1" {
			t.Errorf("previous outputs not restored: %q, %v", b, err)
		}
		if err := o.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestOutDirCloseReportsFailedAbort: Close reports a staging folder it
// cannot remove and still releases the lock.
func TestOutDirCloseReportsFailedAbort(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	o := openWith(t, out, false)
	errRemove := errors.New("remove failed")
	o.removeAll = func(string) error { return errRemove }
	if err := o.Close(); !errors.Is(err, errRemove) {
		t.Fatalf("Close = %v, want %v", err, errRemove)
	}
	if err := o.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	second, err := OpenOutDir(out)
	if err != nil {
		t.Fatalf("lock not released: %v", err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
}
