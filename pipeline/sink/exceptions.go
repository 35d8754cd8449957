package sink

import (
	"context"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// ExceptionsFile is the file name of the rejected-rows output.
const ExceptionsFile = "exceptions.csv"

// ExceptionsColumns is the header of exceptions.csv (SPEC §8).
func ExceptionsColumns() []string {
	return []string{"file", "sheet", "row", "reason", "detail", "original"}
}

// ExceptionsCSV writes exceptions.csv: every TableRows row whose reason is
// non-null, in the order the rows arrive. original is the row's JSON text
// as the source wrote it. The header is written even when no row is
// rejected.
//
// The file, sheet and detail cells are text a spreadsheet program would
// evaluate if it began with = + - @, tab, CR or LF (OWASP "CSV
// injection"); such a cell is written with a leading apostrophe. original
// is a JSON object and always begins with "{".
type ExceptionsCSV struct {
	csv csvFile
}

var _ pipeline.Sink = (*ExceptionsCSV)(nil)

// NewExceptionsCSV returns a sink writing dir/exceptions.csv.
func NewExceptionsCSV(dir string) *ExceptionsCSV {
	return &ExceptionsCSV{csv: csvFile{dir: dir, name: ExceptionsFile, header: ExceptionsColumns()}}
}

// Name implements pipeline.Sink.
func (s *ExceptionsCSV) Name() string { return ExceptionsFile }

// Files implements pipeline.Sink.
func (s *ExceptionsCSV) Files() []string { return s.csv.files() }

// Write implements pipeline.Sink; it ignores every table but the rows.
func (s *ExceptionsCSV) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if t != pipeline.TableRows {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := colReader{rec: rec}
	file, sheet, row := r.str(pipeline.ColFile), r.str(pipeline.ColSheet), r.int32(pipeline.ColRow)
	reason, detail, original := r.str(pipeline.ColReason), r.str(pipeline.ColDetail), r.str(pipeline.ColOriginal)
	if r.err != nil {
		return r.err
	}
	if err := s.csv.open(); err != nil {
		return err
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		if !reason.valid(i) {
			continue
		}
		rowNum := ""
		if row.IsValid(i) {
			rowNum = strconv.Itoa(int(row.Value(i)))
		}
		err := s.csv.write([]string{
			csvSafe(file.at(i)), csvSafe(sheet.at(i)), rowNum,
			reason.at(i), csvSafe(detail.at(i)), original.at(i),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Close implements pipeline.Sink.
func (s *ExceptionsCSV) Close(ctx context.Context) error { return s.csv.close(ctx) }

// Abort implements pipeline.Sink.
func (s *ExceptionsCSV) Abort() { s.csv.abort() }

// formulaLead reports whether a spreadsheet program would evaluate text
// beginning with its first byte.
func formulaLead(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return true
	}
	return false
}

// csvSafe prefixes an apostrophe to text a spreadsheet would evaluate.
func csvSafe(s string) string {
	if formulaLead(s) {
		return "'" + s
	}
	return s
}
