package pipeline

import (
	"context"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Stage transforms record batches. It is the contract every transform
// keeps:
//
//   - rec is borrowed: Apply must not release it, and must Retain anything
//     of it that it keeps after returning.
//   - The returned record is owned by the caller, who releases it. A stage
//     passing its input through unchanged returns it after rec.Retain().
//   - A nil record with a nil error means "nothing to emit for this batch"
//     (a stage that gathers rows until Flush).
//   - Row problems are data: a bad row is marked with a reason code and
//     travels on. An error means the run cannot go on.
//   - Stages never log, never exit, never open files. Batches arrive in
//     input order and a stage keeps that order.
type Stage interface {
	// Name identifies the stage in logs and the manifest.
	Name() string
	// Apply processes one batch.
	Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error)
}

// Flusher is implemented by stages that keep state across batches. After
// the last Apply the runner calls Flush once; the returned records are
// owned by the caller.
type Flusher interface {
	Flush(ctx context.Context, mem memory.Allocator) ([]arrow.Record, error)
}

// Input is one input file. Open may be called more than once (to read the
// file, then to hash it).
type Input struct {
	Path string // slash-separated, as reported in outputs
	Size int64
	Open func() (io.ReadCloser, error)
}

// SheetResult reports one sheet of an input (a CSV is one sheet named "").
type SheetResult struct {
	Name     string
	DataRows int   // data rows emitted; blank rows are not data rows
	Err      error // non-nil when the sheet was skipped or, with DataRows > 0, read only up to the error; other sheets go on
	Hidden   bool  // the workbook hides the sheet (hidden or very hidden); it is read like any other
}

// Source reads one input file and emits its data rows as RawSchema batches
// of at most batchSize rows, in input order (sheets in workbook order,
// then rows). emit borrows the record. A returned error means the whole
// file could not be read; it wraps ErrUnreadable or ErrNoHeader and is an
// *InputError naming the file. Rows emitted before a failure (a CSV
// breaking mid-file, a sheet whose XML breaks) stay emitted: the runner
// counts them as read.
type Source interface {
	Read(ctx context.Context, mem memory.Allocator, in Input, batchSize int, emit func(arrow.Record) error) ([]SheetResult, error)
}

// Table names the tables a run produces.
type Table int

const (
	TableRows    Table = iota // RowSchema: every data row with its verdict
	TablePersons              // PersonSchema
	TableSummary              // SummarySchema
)

func (t Table) String() string {
	switch t {
	case TableRows:
		return "rows"
	case TablePersons:
		return "persons"
	case TableSummary:
		return "summary"
	}
	return "unknown"
}

// Sink writes one output. Write borrows rec and is called with batches of
// every table, rows first, then persons, then the summary; a sink ignores
// the tables it does not need. Close completes the output: only after it
// returns nil may the file exist under its final name. Abort removes
// whatever a failed run left; it is safe to call after Close.
type Sink interface {
	Name() string
	Write(ctx context.Context, t Table, rec arrow.Record) error
	Close(ctx context.Context) error
	Abort()
}

// Output is implemented by sinks that produce one file, so the manifest
// can list it.
type Output interface {
	Path() string
}
