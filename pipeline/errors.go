package pipeline

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors, matched with errors.Is. They classify why a run or an
// input failed; exit codes are chosen from them in cmd/readiness.
var (
	// ErrUsage marks bad command-line usage or settings.
	ErrUsage = errors.New("bad usage or settings")
	// ErrUnreadable marks an input file (or sheet) that could not be read at all.
	ErrUnreadable = errors.New("unreadable input")
	// ErrNoHeader marks a sheet or CSV without a recognisable header row.
	ErrNoHeader = errors.New("no header row with nik and at least two other known columns")
	// ErrPartial marks a run that completed while some inputs could not be read.
	ErrPartial = errors.New("run completed but some inputs could not be read")
	// ErrLocked marks an output folder (or history) another run is writing.
	ErrLocked = errors.New("folder is locked by another run")
)

// Error kinds, the machine-readable classes of a failed input or sheet in
// manifest.json.
const (
	KindUnreadable = "unreadable" // not a readable spreadsheet: empty, corrupt, wrong type, too large
	KindNoHeader   = "no_header"  // no header row with nik and two other known columns, or a required column missing
	KindCancelled  = "cancelled"  // the run was cancelled while reading it
	KindOther      = "other"      // anything else
)

// ErrorKind classifies err for the manifest: one of the Kind constants.
func ErrorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNoHeader):
		return KindNoHeader
	case errors.Is(err, ErrUnreadable):
		return KindUnreadable
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return KindCancelled
	}
	return KindOther
}

// InputError locates a problem in an input: file, sheet, row (as a
// spreadsheet program numbers it) and column. Empty or zero parts are left
// out of the message. It never holds cell values: a NIK or a name must not
// reach a log.
type InputError struct {
	File   string
	Sheet  string
	Row    int
	Column string
	Err    error
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		b.WriteString(": sheet ")
		b.WriteString(strconv.Quote(e.Sheet))
	}
	if e.Row > 0 {
		b.WriteString(": row ")
		b.WriteString(strconv.Itoa(e.Row))
	}
	if e.Column != "" {
		b.WriteString(": column ")
		b.WriteString(e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// SettingError names a run setting that is wrong. It matches ErrUsage.
type SettingError struct {
	Setting string // flag or file the value came from, e.g. "--as-of" or "stock.csv: line 4"
	Err     error
}

func (e *SettingError) Error() string { return e.Setting + ": " + e.Err.Error() }

func (e *SettingError) Unwrap() []error { return []error{e.Err, ErrUsage} }
