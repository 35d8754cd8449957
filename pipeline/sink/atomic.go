package sink

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
)

// ErrClosed is returned by Write after Close or Abort.
var ErrClosed = errors.New("sink is closed")

// atomicFile is an output written under a temporary name in its final
// folder and renamed into place by commit. os.CreateTemp creates the
// temporary file 0600, so the output is owner-only from its first byte.
type atomicFile struct {
	path string // final path
	f    *os.File
	w    *bufio.Writer
	err  error // first write error, reported by commit
}

// createAtomic creates the temporary file for dir/name.
func createAtomic(dir, name string) (*atomicFile, error) {
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return nil, err // an *os.PathError naming the temporary file
	}
	return &atomicFile{path: filepath.Join(dir, name), f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

// Write buffers p. The first error sticks: later writes fail with it, and
// commit reports it even if the caller (a library that drops errors of
// its sink) never saw it.
func (a *atomicFile) Write(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n, err := a.w.Write(p)
	if err != nil {
		a.err = err
	}
	return n, a.err
}

// commit flushes, syncs and closes the temporary file and renames it to
// the final path. On any error the temporary file is removed.
func (a *atomicFile) commit() error {
	if a.f == nil {
		return ErrClosed
	}
	// Errors of os are *PathError or *LinkError: they name the file.
	err := a.err
	if err == nil {
		err = a.w.Flush()
	}
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); cerr != nil && err == nil {
		err = cerr
	}
	tmp := a.f.Name()
	a.f = nil
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(a.path))
	return nil
}

// abort closes and removes the temporary file; it does nothing after
// commit or a previous abort.
func (a *atomicFile) abort() {
	if a == nil || a.f == nil {
		return
	}
	_ = a.f.Close()
	_ = os.Remove(a.f.Name())
	a.f = nil
}

// syncDir makes a rename durable. Failure is not an error: some file
// systems cannot sync a directory, and the file itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
