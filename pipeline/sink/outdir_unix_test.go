//go:build unix

package sink

import (
	"path/filepath"
	"testing"
)

// TestLockFileUnlockReportsErrors: releasing the lock reports a failure
// rather than dropping it (here: releasing it twice).
func TestLockFileUnlockReportsErrors(t *testing.T) {
	unlock, err := lockFile(filepath.Join(t.TempDir(), ".out.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("unlock = %v", err)
	}
	if err := unlock(); err == nil {
		t.Error("second unlock = nil, want an error")
	}
}
