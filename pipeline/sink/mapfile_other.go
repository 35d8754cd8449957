//go:build !unix

package sink

import (
	"io"
	"os"
)

// mapped is a file's bytes, read into memory where mmap is not at hand.
type mapped struct{ data []byte }

func mapFile(f *os.File, size int64) (*mapped, error) {
	data := make([]byte, size)
	_, err := io.ReadFull(io.NewSectionReader(f, 0, size), data)
	return &mapped{data: data}, err
}

func (m *mapped) close() error { return nil }
