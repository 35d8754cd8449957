// Package history reads and writes the run history (readiness run
// --history DIR): every run's person table, summary and manifest, keyed
// by as-of date, in a layout DuckDB, pandas/pyarrow and Spark read
// directly with hive partitioning:
//
//	DIR/
//	  as_of=2020-06-30/persons.parquet   the run's persons.parquet, every column
//	  as_of=2020-06-30/summary.parquet   the run's summary (pipeline.SummarySchema)
//	  as_of=2020-06-30/manifest.json     the run's manifest.json
//	  as_of=2020-07-01/…
//	  .lock                              held by the run writing the history
//	  .staging/                          days being written (never two levels
//	                                     deep under a day, so DIR/*/x.parquet
//	                                     globs never see them)
//
// The files hold no as_of column: the date is the folder's (DuckDB types
// it DATE). Folders are 0700 and files 0600, like the outputs: the
// history holds personal data.
//
// A day is written whole or not at all: a run stages it under .staging,
// and Day.Commit swaps it into place in one step (renameat2
// RENAME_EXCHANGE on Linux; elsewhere two renames, repaired by the next
// Open), so re-running a date replaces that day atomically and a run
// killed at any moment leaves every stored day whole. The run holds the
// history's lock (.lock, flock) from Open to Close, beside the output
// folder's, so two runs never write one history.
//
// The package never logs and never puts a NIK or a name in an error.
package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"readiness/pipeline"
	"readiness/pipeline/sink"
)

// The files of a stored day.
const (
	PersonsFile  = "persons.parquet"
	SummaryFile  = "summary.parquet"
	ManifestFile = "manifest.json"
)

const (
	dayPrefix   = "as_of="
	lockName    = ".lock"
	stagingName = ".staging"
	oldPrefix   = "old-" // a day swapped out by the two-rename fallback
)

// ErrDamaged marks a stored day whose files cannot be read: not written
// by readiness, or damaged since. It needs a person; retrying does not
// help.
var ErrDamaged = errors.New("a stored run of the history cannot be read")

// DayName is the folder name of the day of an as-of date.
func DayName(asOf time.Time) string { return dayPrefix + asOf.Format(time.DateOnly) }

// Store is a history folder opened for writing: locked until Close.
type Store struct {
	dir    string
	unlock func() error
	// exchange swaps two folders atomically (sink.ExchangeDirs); tests
	// make it fail to take the two-rename path.
	exchange func(a, b string) error
}

// Open creates the history folder if needed (0700), locks it, and repairs
// what a killed run left: a day swapped out by the two-rename fallback
// goes back in place if its successor is missing, and every staging
// folder is removed. It fails with an error matching pipeline.ErrLocked
// when another run holds the history.
func Open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(abs, stagingName), 0o700); err != nil {
		return nil, fmt.Errorf("creating the history folder: %w", err)
	}
	unlock, err := sink.LockFile(filepath.Join(abs, lockName))
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", dir, err)
	}
	s := &Store{dir: abs, unlock: unlock, exchange: sink.ExchangeDirs}
	if err := s.repair(); err != nil {
		return nil, fmt.Errorf("history %s: %w", dir, errors.Join(err, unlock()))
	}
	return s, nil
}

func (s *Store) repair() error {
	staging := filepath.Join(s.dir, stagingName)
	entries, err := os.ReadDir(staging)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(staging, e.Name())
		if day, ok := strings.CutPrefix(e.Name(), oldPrefix); ok && len(day) >= len(dayPrefix)+10 {
			final := filepath.Join(s.dir, day[:len(dayPrefix)+10])
			if _, err := os.Lstat(final); errors.Is(err, os.ErrNotExist) {
				if err := os.Rename(p, final); err != nil {
					return err
				}
				continue
			}
		}
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// Dir returns the history folder, absolute.
func (s *Store) Dir() string { return s.dir }

// Close releases the lock.
func (s *Store) Close() error {
	if s.unlock == nil {
		return nil
	}
	err := s.unlock()
	s.unlock = nil
	return err
}

// Run is one stored day.
type Run struct {
	AsOf     time.Time
	Dir      string
	Manifest *pipeline.Manifest
	Summary  []SummaryRow // the regions by code, then the province
	Err      error        // the day's files could not be read (matches ErrDamaged); the fields above may be empty
}

// Province returns the province row of the summary (the last), false
// when there is none.
func (r *Run) Province() (SummaryRow, bool) {
	if len(r.Summary) == 0 {
		return SummaryRow{}, false
	}
	return r.Summary[len(r.Summary)-1], true
}

// List returns the stored days of the history at dir, oldest first, with
// their manifests and summaries. A day that cannot be read is listed with
// its Err; a folder that is not a day (no as_of= name) is ignored. A
// history that does not exist is empty. It takes no lock: every day it
// sees is whole.
func List(dir string) ([]Run, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var runs []Run
	for _, e := range entries {
		date, ok := strings.CutPrefix(e.Name(), dayPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		asOf, err := time.Parse(time.DateOnly, date)
		if err != nil {
			continue
		}
		r := Run{AsOf: asOf, Dir: filepath.Join(dir, e.Name())}
		r.Manifest, err = readManifest(filepath.Join(r.Dir, ManifestFile))
		if err == nil {
			r.Summary, err = ReadSummary(filepath.Join(r.Dir, SummaryFile))
		}
		if err != nil {
			r.Err = fmt.Errorf("%w: %s: %w", ErrDamaged, e.Name(), err)
		}
		runs = append(runs, r)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].AsOf.Before(runs[j].AsOf) })
	return runs, nil
}

func readManifest(path string) (*pipeline.Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m pipeline.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return &m, nil
}

// Runs lists the stored days (see List).
func (s *Store) Runs() ([]Run, error) { return List(s.dir) }

// Day is one day being written: files go into Path, and Commit puts the
// folder in place of the stored day of that date, if any.
type Day struct {
	store          *Store
	final, staging string
}

// Stage creates the staging folder of the day of asOf.
func (s *Store) Stage(asOf time.Time) (*Day, error) {
	name := DayName(asOf)
	staging, err := os.MkdirTemp(filepath.Join(s.dir, stagingName), name+"-")
	if err != nil {
		return nil, err
	}
	return &Day{store: s, final: filepath.Join(s.dir, name), staging: staging}, nil
}

// Path returns the staging folder the day's files are written to.
func (d *Day) Path() string { return d.staging }

// Files lists the day's files but the manifest, with size and SHA-256,
// sorted by name, for the manifest.
func (d *Day) Files() ([]pipeline.ManifestOutput, error) {
	entries, err := os.ReadDir(d.staging)
	if err != nil {
		return nil, err
	}
	var out []pipeline.ManifestOutput
	for _, e := range entries {
		if e.IsDir() || e.Name() == ManifestFile || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		size, sum, err := sink.HashFile(filepath.Join(d.staging, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, pipeline.ManifestOutput{Path: e.Name(), Size: size, SHA256: sum})
	}
	return out, nil
}

// Commit puts the day in place in one step, replacing a stored day of the
// same date, whose files are then removed.
func (d *Day) Commit() error {
	if d.staging == "" {
		return sink.ErrClosed
	}
	staging := d.staging
	d.staging = ""
	syncDir(staging)
	if _, err := os.Lstat(d.final); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(staging, d.final); err != nil {
			return errors.Join(err, os.RemoveAll(staging))
		}
		syncDir(d.store.dir)
		return nil
	}
	if err := d.store.exchange(staging, d.final); err == nil {
		syncDir(d.store.dir)
		return os.RemoveAll(staging) // the replaced day
	}
	// Two renames; Open puts the old day back if the second never happens.
	old := filepath.Join(filepath.Dir(staging), oldPrefix+filepath.Base(staging))
	if err := os.Rename(d.final, old); err != nil {
		return errors.Join(err, os.RemoveAll(staging))
	}
	if err := os.Rename(staging, d.final); err != nil {
		return errors.Join(err, os.Rename(old, d.final), os.RemoveAll(staging))
	}
	syncDir(d.store.dir)
	return os.RemoveAll(old)
}

// Abort removes the staging folder; the stored day, if any, stays.
func (d *Day) Abort() error {
	if d.staging == "" {
		return nil
	}
	staging := d.staging
	d.staging = ""
	return os.RemoveAll(staging)
}

// syncDir makes renames in dir durable where the file system can.
func syncDir(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = f.Sync()
	_ = f.Close()
}
