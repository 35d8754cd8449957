//go:build unix

package sink

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"readiness/pipeline"
)

// lockFile takes an exclusive flock on path, held until the returned
// function is called or the process ends, and writes the pid of this
// process into it. The returned function releases the lock and reports
// what failed doing so.
func lockFile(path string) (func() error, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	unlock := func() error {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		if err != nil {
			err = fmt.Errorf("unlocking %s: %w", path, err)
		}
		return errors.Join(err, f.Close())
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		// The holder's pid only makes the message more helpful.
		holder, _ := os.ReadFile(path)
		cerr := f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.Join(fmt.Errorf("%w (pid %s, lock %s)", pipeline.ErrLocked, strings.TrimSpace(string(holder)), path), cerr)
		}
		return nil, errors.Join(fmt.Errorf("locking %s: %w", path, err), cerr)
	}
	if err := f.Truncate(0); err != nil {
		return nil, errors.Join(fmt.Errorf("writing the pid into %s: %w", path, err), unlock())
	}
	if _, err := f.WriteAt(pidText(), 0); err != nil {
		return nil, errors.Join(fmt.Errorf("writing the pid into %s: %w", path, err), unlock())
	}
	return unlock, nil
}
