package pipeline

import (
	"context"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Table names a table of a run. Stages and sinks tell batches apart by
// table name, never by schema: a table gains columns as it goes (a stage
// annotating persons appends its own), and whoever reads it asks for the
// columns it needs by name.
type Table string

// The tables of every run. Stages may emit further tables (candidate
// pairs, deltas); a sink writes the tables it knows and ignores the rest.
const (
	TableRows    Table = "rows"    // every data row with its verdict (RowSchema columns, then any added)
	TablePersons Table = "persons" // one row per person (PersonSchema columns, then any added)
	TableSummary Table = "summary" // one row per region, then the province (SummarySchema)
)

// Stage maps one batch of rows to one batch of rows. It is the contract of
// the row stages (normalize, validate, dedupe); RowStage makes one a
// TableStage that rewrites the rows table.
//
//   - rec is borrowed: Apply must not release it, and must Retain anything
//     of it that it keeps after returning.
//   - The returned record is owned by the caller, who releases it. It has
//     the same rows in the same order: the input's columns, by name, and
//     the stage's own appended (or some replaced by cleaned versions).
//   - Row problems are data: a bad row is marked with a reason code and
//     travels on. An error means the run cannot go on.
//   - Stages never log, never exit, never open files.
type Stage interface {
	// Name identifies the stage in logs and the manifest.
	Name() string
	// Apply processes one batch.
	Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error)
}

// RowLocalStage is a Stage that declares itself row-local: Apply depends
// only on the batch it is given (and the stage's configuration), keeps no
// state across calls and is safe to call from several goroutines at once.
// RowStage of such a stage has Ports.RowLocal set when RowLocal returns
// true.
type RowLocalStage interface {
	Stage
	RowLocal() bool
}

// ReasonKeeper is a Stage that declares it rejects no row: it sets no
// row's reason and keeps every other column it is given, "original"
// included. RowStage of such a stage has Ports.KeepsReasons set when
// KeepsReasons returns true.
type ReasonKeeper interface {
	Stage
	KeepsReasons() bool
}

// FlushStage is a Stage that keeps state across batches (dedupe's keys
// seen so far) and can let go of it: RowStage calls Flush once no more
// batches come — when the stage finishes, or is released without
// finishing.
type FlushStage interface {
	Stage
	Flush()
}

// Emit passes one batch of table t to what follows the stage that calls
// it. rec is borrowed: the caller keeps its reference and releases it
// after Emit returns.
type Emit func(t Table, rec arrow.Record) error

// Ports says which tables a TableStage sees.
type Ports struct {
	// Reads are delivered to Apply and then passed on unchanged.
	Reads []Table
	// Rewrites are delivered to Apply and go on only as the stage emits
	// them: rebuilt with more columns, or gathered and emitted by Finish.
	Rewrites []Table
	// RowLocal declares that what Apply emits for a batch depends only on
	// that batch (and the stage's configuration): the stage keeps no state
	// across calls, emits nothing from Finish, and Apply is safe to call
	// from several goroutines at once, each with its own batches. The
	// runner runs the leading row-local stages of the chain in the
	// goroutines reading the inputs (see Runner); a row-local stage after
	// one that is not is run like any other.
	RowLocal bool
	// KeepsReasons declares that the stage rejects no row: every row of
	// the rows table it emits is a row it was given, with the reason and
	// the original it came with (dedupe marks duplicates, it rejects
	// nothing). A stage whose Ports do not rewrite the rows table never
	// emits it. The runner writes a row's original only when the row-local
	// stages at the head of the chain rejected it, and only if every stage
	// after them that rewrites rows keeps reasons; otherwise it writes
	// every row's (see Runner).
	KeepsReasons bool
}

// TableStage is one stage of a run's chain. Batches of every table flow
// down the chain in order; a stage sees the tables of its Ports, and every
// other batch passes it by unchanged. What a stage emits goes to the
// stages after it, then to the sinks. The contract:
//
//   - Apply receives one batch of a table in Ports. rec is borrowed (see
//     Stage); emit may be called any number of times, also with new
//     tables.
//   - Finish is called once, after every stage before it has finished, so
//     a stage that gathers (classify gathers rows into persons; a stage
//     that must see every person before annotating them) has seen its
//     whole input. It emits what it holds. The runner finishes the stages
//     one at a time in chain order, each Finish returning before the next
//     is called; so what a stage emits from Finish reaches the stages
//     after it only once every stage before it has finished. Two stages
//     built together around a gathering one may rely on that: the first's
//     Finish hands state to the second, whose Apply gets the gathered
//     batches only from the gathering stage's Finish (the allocation's
//     planner and annotator, around ganda).
//   - Release drops whatever the stage still holds. The runner calls it
//     exactly once for every stage when the run ends, whether the run
//     succeeded, failed or was cancelled; a stage must not rely on Finish
//     having run. A stage that gathers batches Retains them in Apply and
//     releases them in Finish or Release, whichever comes first.
//   - Stages never log, never exit, never open files. Row problems are
//     data; an error means the run cannot go on.
type TableStage interface {
	Name() string
	Ports() Ports
	Apply(ctx context.Context, mem memory.Allocator, t Table, rec arrow.Record, emit Emit) error
	Finish(ctx context.Context, mem memory.Allocator, emit Emit) error
	Release()
}

// Input is one input file. Open may be called more than once; the runner
// reads the file once and gives the source an Input that opens those very
// bytes, so that the SHA-256 in the manifest is of what was processed.
// The reader Open gives there is also an io.ReaderAt with a method Size()
// int64 (a bytes.Reader's) and a method Bytes() []byte that returns them
// all, so that a source may read the bytes in place instead of copying
// them; they must not be changed, and they are the source's only until
// Read returns (the runner then reads its next input into the same
// memory): nothing emitted may refer to them.
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
// then rows). emit borrows the record. The record's ColOriginal column is
// null in every row: with the record, emit gets the batch's Originals,
// from which the runner writes the originals of the rows that need one
// (the rejected rows; see Runner) before emit returns. A returned error
// means the whole file could not be read; it wraps ErrUnreadable or
// ErrNoHeader and is an *InputError naming the file. Rows emitted before a failure (a CSV
// breaking mid-file, a sheet whose XML breaks) stay emitted: the runner
// counts them as read. The runner calls Read from several goroutines at
// once, each with its own input: a Source keeps no state across inputs
// that is not safe for that.
type Source interface {
	Read(ctx context.Context, mem memory.Allocator, in Input, batchSize int, emit func(arrow.Record, Originals) error) ([]SheetResult, error)
}

// Originals writes the originals of the rows of the batch a Source is
// emitting: a row's cells as a JSON object keyed by the file's own header
// texts, as ColOriginal holds them once written. It is valid only until
// the emit it was passed to returns, and only in that emit's goroutine;
// AppendOriginal may be called for any row of the batch, in any order,
// any number of times. WithOriginals puts them in a batch.
type Originals interface {
	// AppendOriginal appends the original of row i of the batch to dst
	// and returns the extended slice.
	AppendOriginal(dst []byte, i int) []byte
}

// Sink writes outputs. Write borrows rec and is called with the batches of
// every table that reaches the end of the chain, in order; a sink ignores
// the tables it does not write. Close completes the outputs: only after it
// returns nil may its files exist under their final names. Abort removes
// whatever a failed run left; it is safe to call after Close.
type Sink interface {
	Name() string
	Write(ctx context.Context, t Table, rec arrow.Record) error
	Close(ctx context.Context) error
	Abort()
	// Files lists the files Close wrote, as slash-separated paths relative
	// to the output folder, so the manifest can list them. A sink that
	// writes nothing (the console) returns none.
	Files() []string
}
