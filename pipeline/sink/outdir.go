package sink

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"readiness/pipeline"
)

// OutDir is a run's output folder. The run writes into a staging folder
// beside it (".NAME.staging-*", 0700); Commit swaps the staging folder into
// place whole, so a run killed at any moment leaves either the previous
// outputs or the new ones, never a mix. A lock file beside it (".NAME.lock")
// keeps two runs from writing the same folder; the operating system
// releases it when the process ends, however it ends.
type OutDir struct {
	final    string
	staging  string
	unlock   func() error
	exchange func(a, b string) error // atomic swap of two paths, if the platform has one
	// os.Rename and os.RemoveAll as Commit and Abort use them; tests
	// replace them to make a step or its rollback fail.
	rename    func(oldpath, newpath string) error
	removeAll func(path string) error
}

// OpenOutDir locks the output folder path and creates its staging folder.
// It refuses to replace an existing folder that is neither empty nor a
// readiness output (no manifest.json), and fails with an error matching
// pipeline.ErrLocked when another run holds the folder. Staging folders
// left by killed runs are removed.
func OpenOutDir(path string) (*OutDir, error) {
	final, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	parent, base := filepath.Dir(final), filepath.Base(final)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return nil, fmt.Errorf("creating the folder of %s: %w", path, err)
	}
	unlock, err := lockFile(filepath.Join(parent, "."+base+".lock"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	o := &OutDir{final: final, unlock: unlock, exchange: exchange, rename: os.Rename, removeAll: os.RemoveAll}
	if err := o.prepare(parent, base); err != nil {
		return nil, fmt.Errorf("%s: %w", path, errors.Join(err, unlock()))
	}
	return o, nil
}

func (o *OutDir) prepare(parent, base string) error {
	// A run killed between the two renames of the fallback swap leaves the
	// previous outputs under .NAME.old-*: put them back.
	olds, _ := filepath.Glob(filepath.Join(parent, "."+base+".old-*"))
	if _, err := os.Lstat(o.final); errors.Is(err, os.ErrNotExist) && len(olds) > 0 {
		if err := os.Rename(olds[0], o.final); err != nil {
			return err
		}
		olds = olds[1:]
	}
	stale, _ := filepath.Glob(filepath.Join(parent, "."+base+".staging-*"))
	for _, p := range append(stale, olds...) {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	if err := checkReplaceable(o.final); err != nil {
		return err
	}
	staging, err := os.MkdirTemp(parent, "."+base+".staging-")
	if err != nil {
		return err
	}
	o.staging = staging
	return nil
}

// checkReplaceable refuses to swap away a folder that is not ours: a
// mistyped --out must never delete somebody's files.
func checkReplaceable(final string) error {
	info, err := os.Lstat(final)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !info.IsDir():
		return &pipeline.SettingError{Setting: "--out", Err: fmt.Errorf("%s exists and is not a folder", final)}
	}
	entries, err := os.ReadDir(final)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(final, ManifestFile)); err != nil {
		return &pipeline.SettingError{Setting: "--out", Err: fmt.Errorf(
			"refusing to replace %s: it holds files and no %s, so it is not a readiness output folder", final, ManifestFile)}
	}
	return nil
}

// Path returns the staging folder the outputs are written to.
func (o *OutDir) Path() string { return o.staging }

// Final returns the output folder the outputs end up in.
func (o *OutDir) Final() string { return o.final }

// Commit puts the staging folder in place of the output folder in one
// step and removes the previous outputs. When it fails, the returned
// error also reports any failure to roll back (remove the staging folder,
// put the previous outputs back).
func (o *OutDir) Commit() error {
	if o.staging == "" {
		return ErrClosed
	}
	syncDir(o.staging)
	staging := o.staging
	o.staging = ""
	if _, err := os.Lstat(o.final); errors.Is(err, os.ErrNotExist) {
		if err := o.rename(staging, o.final); err != nil {
			return errors.Join(err, o.removeStaging(staging))
		}
		syncDir(filepath.Dir(o.final))
		return nil
	}
	if err := o.exchange(staging, o.final); err == nil {
		// staging now holds the previous outputs.
		syncDir(filepath.Dir(o.final))
		return o.removeAll(staging)
	}
	// No atomic exchange here: two renames, repaired by the next
	// OpenOutDir if the run dies between them.
	old := strings.Replace(staging, ".staging-", ".old-", 1)
	if err := o.rename(o.final, old); err != nil {
		return errors.Join(err, o.removeStaging(staging))
	}
	if err := o.rename(staging, o.final); err != nil {
		if rerr := o.rename(old, o.final); rerr != nil {
			err = errors.Join(err, fmt.Errorf("putting the previous outputs back (the next run does it): %w", rerr))
		}
		return errors.Join(err, o.removeStaging(staging))
	}
	syncDir(filepath.Dir(o.final))
	return o.removeAll(old)
}

// Abort removes the staging folder; the previous outputs stay. A staging
// folder it cannot remove is removed by the next OpenOutDir.
func (o *OutDir) Abort() error {
	if o.staging == "" {
		return nil
	}
	staging := o.staging
	o.staging = ""
	return o.removeStaging(staging)
}

// Close aborts what was not committed and releases the lock. Its error
// joins those of both; the lock is released whatever happens.
func (o *OutDir) Close() error {
	err := o.Abort()
	if o.unlock != nil {
		err = errors.Join(err, o.unlock())
		o.unlock = nil
	}
	return err
}

// removeStaging removes a staging folder, saying in its error that it is
// the staging folder that is left (the next OpenOutDir removes it).
func (o *OutDir) removeStaging(dir string) error {
	if err := o.removeAll(dir); err != nil {
		return fmt.Errorf("removing the staging folder: %w", err)
	}
	return nil
}

// pidText is what the lock file holds: the pid of the run holding it.
func pidText() []byte { return []byte(strconv.Itoa(os.Getpid()) + "\n") }
