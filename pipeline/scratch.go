package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Scratch is a temporary file a stage writes its gathered data to and
// reads back while it finishes (stages never open files: they take a
// NewScratch in their configuration). The contract:
//
//   - WriteAt and ReadAt are those of io.WriterAt and io.ReaderAt; ReadAt
//     may be called from several goroutines at once, WriteAt from one
//     goroutine at a time and not beside ReadAt of the same bytes.
//   - Close removes the file and everything written to it. It is safe to
//     call more than once; reads and writes after it fail.
type Scratch interface {
	io.WriterAt
	io.ReaderAt
	Close() error
}

// NewScratch creates an empty scratch file. A stage calls it when it first
// needs one, and Closes what it got on every path, failures included.
type NewScratch func() (Scratch, error)

// DiskScratch returns a NewScratch whose files are created in dir (empty:
// os.TempDir()), readable and writable by their owner only (0600), and
// removed by Close.
func DiskScratch(dir string) NewScratch {
	return func() (Scratch, error) {
		f, err := os.CreateTemp(dir, "readiness-scratch-*") // mode 0600
		if err != nil {
			return nil, fmt.Errorf("scratch: %w", err)
		}
		return &diskScratch{f: f}, nil
	}
}

// diskScratch is a temporary file, removed on Close.
type diskScratch struct {
	f    *os.File
	once sync.Once
	err  error
}

// errScratchClosed answers reads and writes after Close.
var errScratchClosed = errors.New("scratch: file closed")

func (s *diskScratch) WriteAt(p []byte, off int64) (int, error) {
	n, err := s.f.WriteAt(p, off)
	if err != nil {
		return n, s.wrap(err)
	}
	return n, nil
}

func (s *diskScratch) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.f.ReadAt(p, off)
	if err != nil && err != io.EOF {
		return n, s.wrap(err)
	}
	return n, err
}

// wrap names the file in an error; a closed file's error is errScratchClosed.
func (s *diskScratch) wrap(err error) error {
	if errors.Is(err, os.ErrClosed) {
		return errScratchClosed
	}
	return fmt.Errorf("scratch: %w", err) // an *os.PathError names the file
}

// Close implements Scratch: it closes and removes the file.
func (s *diskScratch) Close() error {
	s.once.Do(func() {
		name := s.f.Name()
		err := s.f.Close()
		if rmErr := os.Remove(name); rmErr != nil {
			err = errors.Join(err, rmErr)
		}
		if err != nil {
			s.err = fmt.Errorf("scratch: %w", err)
		}
	})
	return s.err
}
