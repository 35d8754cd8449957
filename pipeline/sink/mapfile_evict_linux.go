package sink

import "syscall"

// evict lets go of the mapping's resident pages holding bytes [from, to)
// (they are clean: the file is only read), from rounded down to a page.
// The bytes stay readable; a page read again is faulted in from the page
// cache. Without it a large list's whole spill file counts in the
// process's resident memory until the sheet is written.
func (m *mapped) evict(from, to int64) {
	from &^= pageSize - 1
	if to = min(to, int64(len(m.data))); from < to {
		_ = syscall.Madvise(m.data[from:to], syscall.MADV_DONTNEED) // advice only: on failure the pages stay resident
	}
}
