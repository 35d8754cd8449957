package sink

import "syscall"

// evict lets go of the mapping's resident pages (they are clean: the file
// is only read). The bytes stay readable; a page read again is faulted in
// from the page cache. Without it a large list's whole spill file counts
// in the process's resident memory until the sheet is written.
func (m *mapped) evict() {
	if len(m.data) > 0 {
		_ = syscall.Madvise(m.data, syscall.MADV_DONTNEED) // advice only: on failure the pages stay resident
	}
}
