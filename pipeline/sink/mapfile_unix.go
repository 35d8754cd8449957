//go:build unix

package sink

import (
	"os"
	"syscall"
)

// mapped is a file's bytes, mapped read-only into memory.
type mapped struct{ data []byte }

// mapFile maps the first size bytes of f: the rows of a spilled list are
// read in print order, one small piece at a time, which a read per row
// made slow.
func mapFile(f *os.File, size int64) (*mapped, error) {
	if size == 0 {
		return &mapped{}, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	return &mapped{data: data}, nil
}

func (m *mapped) close() error {
	if m.data == nil {
		return nil
	}
	return syscall.Munmap(m.data)
}
