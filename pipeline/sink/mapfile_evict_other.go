//go:build !linux

package sink

// evict does nothing where the pages cannot be let go of (see the Linux
// version).
func (m *mapped) evict(from, to int64) {}
