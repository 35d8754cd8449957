package sink

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"

	"readiness/pipeline"
)

// PersonsFile is the file name of the persons output.
const PersonsFile = "persons.parquet"

// parquetRowGroup bounds the rows buffered in memory before a row group is
// written (about 40 MB of persons).
const parquetRowGroup = 128 * 1024

// plainColumns are the column paths written without a dictionary and
// without statistics: a NIK, an NKK and a row's source are all but
// unique, so a dictionary would be built for each row group only to be
// given up when it outgrows its page, and their minimum and maximum help
// no reader skip a row group.
var plainColumns = []string{pipeline.ColNIK, pipeline.ColNKK, pipeline.ColSources + ".list.element"}

// PersonsParquet writes persons.parquet from the persons table, every
// column it has (PersonSchema's and any a later stage appended): strings
// as UTF-8 strings, dates as DATE, lists as LIST, snappy-compressed (zstd's encoders cost 320 MB of allocations per
// 10,000 persons here), the Arrow schema stored in the file metadata so
// that Arrow readers get the same types back. Small batches are gathered
// into row groups of up to 131,072 rows.
type PersonsParquet struct{ tableParquet }

// SummaryParquet writes summary.parquet from the summary table, like
// PersonsParquet: the run history keeps the summary this way.
type SummaryParquet struct{ tableParquet }

// tableParquet writes one table to a Parquet file.
type tableParquet struct {
	dir, name string
	table     pipeline.Table
	empty     *arrow.Schema // the schema of a file without rows
	out       *atomicFile
	fw        *columnsWriter
	schema    *arrow.Schema // of the first batch
	done      bool
	committed bool
}

var (
	_ pipeline.Sink = (*PersonsParquet)(nil)
	_ pipeline.Sink = (*SummaryParquet)(nil)
)

// NewPersonsParquet returns a sink writing dir/persons.parquet.
func NewPersonsParquet(dir string) *PersonsParquet {
	return &PersonsParquet{tableParquet{dir: dir, name: PersonsFile, table: pipeline.TablePersons, empty: pipeline.PersonSchema}}
}

// SummaryParquetFile is the file name of the summary in the history.
const SummaryParquetFile = "summary.parquet"

// NewSummaryParquet returns a sink writing dir/summary.parquet.
func NewSummaryParquet(dir string) *SummaryParquet {
	return &SummaryParquet{tableParquet{dir: dir, name: SummaryParquetFile, table: pipeline.TableSummary, empty: pipeline.SummarySchema}}
}

// Name implements pipeline.Sink.
func (s *tableParquet) Name() string { return s.name }

// Files implements pipeline.Sink.
func (s *tableParquet) Files() []string {
	if s.committed {
		return []string{s.name}
	}
	return nil
}

// open starts the file with the schema of the first batch, or the
// table's own when there is none: stages after classify may have appended
// columns to the persons, and every one of them is written.
func (s *tableParquet) open(schema *arrow.Schema) error {
	if s.done {
		return ErrClosed
	}
	if s.fw != nil {
		return nil
	}
	out, err := createAtomic(s.dir, s.name)
	if err != nil {
		return err
	}
	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(parquetRowGroup),
		parquet.WithCreatedBy("readiness"),
	}
	for _, col := range plainColumns {
		opts = append(opts, parquet.WithDictionaryFor(col, false), parquet.WithStatsFor(col, false))
	}
	props := parquet.NewWriterProperties(opts...)
	// out has no Close method, so the parquet writer leaves the file to us.
	fw, err := newColumnsWriter(schema, out, props, parquetRowGroup)
	if err != nil {
		out.abort()
		return err
	}
	s.out, s.fw, s.schema = out, fw, schema
	return nil
}

// Write implements pipeline.Sink; it ignores every table but its own.
func (s *tableParquet) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if t != s.table {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.open(rec.Schema()); err != nil {
		return err
	}
	if !rec.Schema().Equal(s.schema) {
		return fmt.Errorf("%s batch with columns %v after %v: %w",
			s.table, pipeline.ColumnNames(rec.Schema()), pipeline.ColumnNames(s.schema), ErrSchema)
	}
	if err := s.fw.write(rec); err != nil {
		s.Abort()
		return err
	}
	if s.out.err != nil {
		err := s.out.err
		s.Abort()
		return err
	}
	return nil
}

// Close implements pipeline.Sink. With no rows it writes a valid file
// with the schema and no rows.
func (s *tableParquet) Close(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		s.Abort()
		return err
	}
	if err := s.open(s.empty); err != nil {
		return err
	}
	s.done = true
	// The v17 writer drops the error of writing the footer; a failed
	// write still shows in out.err, which commit reports.
	if err := s.fw.close(); err != nil {
		s.out.abort()
		return err
	}
	if err := s.out.commit(); err != nil {
		return err
	}
	s.committed = true
	return nil
}

// Abort implements pipeline.Sink.
func (s *tableParquet) Abort() {
	s.done = true
	if s.fw != nil {
		_ = s.fw.close() // releases buffers; the output is removed below
	}
	s.out.abort()
}
