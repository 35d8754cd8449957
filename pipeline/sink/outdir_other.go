//go:build !unix

package sink

import "os"

// lockFile creates the lock file but cannot hold an OS lock here: two runs
// on the same folder are not prevented on this platform.
func lockFile(path string) (func() error, error) {
	if err := os.WriteFile(path, pidText(), 0o600); err != nil {
		return nil, err
	}
	return func() error { return nil }, nil
}
