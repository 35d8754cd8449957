package pipeline

import (
	"errors"
	"os"
	"testing"
)

// A scratch file is its owner's only, reads back what was written at any
// offset, and is gone once closed; reads and writes after Close fail.
func TestDiskScratch(t *testing.T) {
	dir := t.TempDir()
	s, err := DiskScratch(dir)()
	if err != nil {
		t.Fatal(err)
	}
	es, err := os.ReadDir(dir)
	if err != nil || len(es) != 1 {
		t.Fatalf("folder holds %v (%v), want one file", es, err)
	}
	if fi, err := es[0].Info(); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v (%v), want 0600", fi.Mode(), err)
	}
	for _, w := range []struct {
		off int64
		s   string
	}{{0, "abc"}, {3, "defg"}, {10, "xyz"}} {
		if _, err := s.WriteAt([]byte(w.s), w.off); err != nil {
			t.Fatal(err)
		}
	}
	b := make([]byte, 4)
	if n, err := s.ReadAt(b, 2); err != nil || string(b[:n]) != "cdef" {
		t.Fatalf("ReadAt: %q, %v", b[:n], err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if es, err := os.ReadDir(dir); err != nil || len(es) != 0 {
		t.Errorf("folder holds %v (%v) after Close", es, err)
	}
	if _, err := s.ReadAt(b, 0); !errors.Is(err, errScratchClosed) {
		t.Errorf("ReadAt after Close: %v, want %v", err, errScratchClosed)
	}
	if _, err := s.WriteAt(b, 0); !errors.Is(err, errScratchClosed) {
		t.Errorf("WriteAt after Close: %v, want %v", err, errScratchClosed)
	}
}

// A folder that does not exist is an error, not a panic.
func TestDiskScratchNoFolder(t *testing.T) {
	if _, err := DiskScratch(t.TempDir() + "/missing")(); err == nil {
		t.Fatal("no error")
	}
}
