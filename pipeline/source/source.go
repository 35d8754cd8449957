// Package source reads regional submissions (SPEC §2) into
// pipeline.RawSchema record batches. It implements pipeline.Source.
//
// The contract:
//
//   - The file type comes from the extension, case-insensitively: .xlsx and
//     .xlsm are workbooks, .csv and .txt are delimited text. Anything else
//     (an old binary .xls, an .ods) fails with an *pipeline.InputError
//     wrapping pipeline.ErrUnreadable, and so does content that does not
//     match its extension: an empty file, a workbook that is not a zip, a
//     CSV that is not text, a workbook part inflating past the limit.
//   - In each sheet (a CSV is one sheet named "") the header is the first
//     row naming nik and at least two other known columns through the
//     alias table (header.go); rows above it are title rows. A header
//     without every column of pipeline.RequiredColumns is a
//     *MissingColumnsError, which matches pipeline.ErrNoHeader.
//   - Every part of a workbook is checked against the unzip limits
//     (Options.MaxUnzipSize) from the zip directory, before anything is
//     inflated; a part over them fails the file.
//   - A workbook sheet without a header, or whose XML is malformed (an
//     undefined entity, a forbidden character, a part cut short or not a
//     worksheet, rows excelize stops reading, cells whose values cannot be
//     resolved), is reported in its pipeline.SheetResult and skipped; the
//     other sheets go on. A malformed sheet emits no rows, except when
//     excelize stops partway through a part that passed the byte checks:
//     the rows before stay emitted and the result names the first row not
//     read. A workbook none of whose sheets is read, or a CSV without a
//     header, fails as a whole.
//   - Hidden and very hidden sheets are read like any other: they are part
//     of the submission.
//   - Merged cells hold their value in the top-left cell only (as the
//     file stores them): a merged title above the header is a title row; a
//     header cell merged across columns names the first, and the others,
//     unnamed, are keyed by column letter in "original"; in data rows the
//     other cells of a merged range are empty.
//   - Blank rows (every cell empty or white space) are skipped; they are
//     not data rows and do not end the table. Row numbers are those a
//     spreadsheet program shows: the sheet row, or the CSV line on which
//     the record starts (the first line is 1; a quoted field spanning lines
//     keeps the record on its first line). Rows shorter than the header
//     have their missing cells empty; cells beyond the header width that
//     are not empty are kept in "original", keyed by column letter.
//   - A CSV is decoded by its byte-order mark (UTF-8, UTF-16 LE or BE),
//     else as UTF-8 when valid, else as Windows-1252; bytes that are no
//     text (a NUL, many control characters, a PDF or image) fail the file.
//   - A workbook cell reads as its stored value: a date cell (a number with
//     a date format) as its serial number, with one exception: in a
//     workbook using the 1904 date system a date cell reads as the 1900
//     system's serial of the same day, the system every other workbook
//     uses (date1904.go).
//   - Every data row becomes one RawSchema row: provenance, each
//     canonical column's cell text untouched but for a trailing "\r"
//     (empty when the cell is empty, null when the file has no such
//     column), nik_numeric (the NIK came from a numeric workbook cell) and
//     cell warnings (pipeline.WarnFormulaNoCache, pipeline.WarnCellTooLong).
//     Its "original", the cells as a JSON object keyed by the file's own
//     header texts, is null in the record: the pipeline.Originals emitted
//     with the batch writes it, for any row of the batch, until emit
//     returns.
//   - Errors name file, sheet, row and column, never a cell's value. The
//     source never logs.
package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// DefaultMaxUnzipSize is the default limit on the inflated size of a
// workbook (SPEC §8: parts that inflate past the configured limit make the
// file unreadable).
const DefaultMaxUnzipSize = 256 << 20

// Options configures the source.
type Options struct {
	// MaxUnzipSize bounds the inflated size of a whole workbook; one part
	// of it (a sheet, the shared strings) may take at most half. 0 means
	// DefaultMaxUnzipSize (256 MiB, so 128 MiB per part). A workbook is
	// held inflated in memory while it is read, so this also bounds the
	// memory one workbook takes.
	MaxUnzipSize int64
	// TmpDir is where large workbook parts are inflated; empty means the
	// system temporary folder. Inputs hold personal data: give a private
	// folder.
	TmpDir string
}

// limits returns the whole-file and per-part inflated size limits.
func (o Options) limits() (total, part int64) {
	total = o.MaxUnzipSize
	if total <= 0 {
		total = DefaultMaxUnzipSize
	}
	return total, total / 2
}

// reader is the pipeline.Source of this package.
type reader struct {
	opts Options
	// excelizeOnly turns the fast xlsx reader off: the equivalence tests
	// compare the two.
	excelizeOnly bool
	// window and windowLimit, when not 0, replace partWindow and
	// maxWindow: the tests read parts through small windows.
	window, windowLimit int
}

var _ pipeline.Source = (*reader)(nil)

// New returns a pipeline.Source reading .xlsx/.xlsm workbooks and .csv/.txt
// files, chosen by extension.
func New(opts Options) pipeline.Source { return &reader{opts: opts} }

// Read implements pipeline.Source.
func (s *reader) Read(ctx context.Context, mem memory.Allocator, in pipeline.Input, batchSize int, emit func(arrow.Record, pipeline.Originals) error) ([]pipeline.SheetResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch ext := strings.ToLower(path.Ext(in.Path)); ext {
	case ".xlsx", ".xlsm":
		return s.readXLSX(ctx, mem, in, batchSize, emit)
	case ".csv", ".txt":
		return s.readCSV(ctx, mem, in, batchSize, emit)
	case ".xls":
		return nil, unreadable(in.Path, "old binary .xls is not supported; save it as .xlsx")
	case ".ods":
		return nil, unreadable(in.Path, "OpenDocument .ods is not supported; save it as .xlsx")
	case "":
		return nil, unreadable(in.Path, "file has no extension; expected .xlsx or .csv")
	default:
		return nil, unreadable(in.Path, fmt.Sprintf("unsupported file type %q; expected .xlsx or .csv", ext))
	}
}

// Magic numbers of the containers a submission may arrive in.
var (
	magicZip = []byte("PK\x03\x04")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// otherKinds are file types regional offices send by mistake under a
// spreadsheet name, by magic number, so the message can say what the file
// is.
var otherKinds = []struct {
	magic, kind string
}{
	{"%PDF-", "a PDF document"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xFF\xD8\xFF", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"{\\rtf", "an RTF document"},
	{"Rar!\x1a\x07", "a RAR archive"},
	{"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"},
	{"\x1f\x8b", "a gzip archive"},
}

// notSpreadsheet returns why a file starting with head is not a
// spreadsheet, "" when its magic number is not one of otherKinds.
func notSpreadsheet(head []byte) string {
	for _, k := range otherKinds {
		if bytes.HasPrefix(head, []byte(k.magic)) {
			return k.kind + ", not a spreadsheet; save the data as .xlsx or CSV"
		}
	}
	return ""
}

// unreadable returns an InputError for file wrapping pipeline.ErrUnreadable.
func unreadable(file, why string) error {
	return &pipeline.InputError{File: file, Err: fmt.Errorf("%w: %s", pipeline.ErrUnreadable, why)}
}

// sheetUnreadable returns an InputError for a sheet wrapping
// pipeline.ErrUnreadable.
func sheetUnreadable(file, sheet string, row int, why string) error {
	return &pipeline.InputError{File: file, Sheet: sheet, Row: row, Err: fmt.Errorf("%w: %s", pipeline.ErrUnreadable, why)}
}

// openErr classifies an error of in.Open or of reading the file.
func openErr(file string, err error) error {
	return &pipeline.InputError{File: file, Err: fmt.Errorf("%w: %w", pipeline.ErrUnreadable, err)}
}

// readAllLimit reads r to the end, failing when it holds more than limit
// bytes. size is how many bytes r is expected to hold (0: unknown), so
// that the buffer is made once, at its size.
func readAllLimit(file string, r io.Reader, size, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if size > 0 {
		// ReadFrom wants bytes.MinRead free before it sees the end.
		buf.Grow(int(min(size, limit)) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, openErr(file, err)
	}
	if n > limit {
		return nil, unreadable(file, fmt.Sprintf("file is larger than the %s unzip limit", mib(uint64(limit))))
	}
	return buf.Bytes(), nil
}

// mib formats a size in bytes as MiB for messages: "8 MiB", "40.5 MiB".
func mib(n uint64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
