package sink

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// DeltasFile is the file name of the changes since the latest earlier run.
const DeltasFile = "deltas.csv"

// DeltasCSV writes deltas.csv from the deltas table (--history): one row
// per person and change, pipeline.DeltaColumns — nik, region_code,
// change, before, after — in the order the table comes (by region, kind
// of change, NIK). The header is written even when nothing changed or no
// earlier run is stored. Text a spreadsheet would evaluate is made inert,
// as in exceptions.csv.
type DeltasCSV struct {
	csv csvFile
}

var _ pipeline.Sink = (*DeltasCSV)(nil)

// NewDeltasCSV returns a sink writing dir/deltas.csv.
func NewDeltasCSV(dir string) *DeltasCSV {
	return &DeltasCSV{csv: csvFile{dir: dir, name: DeltasFile, header: pipeline.DeltaColumns()}}
}

// Name implements pipeline.Sink.
func (s *DeltasCSV) Name() string { return DeltasFile }

// Files implements pipeline.Sink.
func (s *DeltasCSV) Files() []string { return s.csv.files() }

// Write implements pipeline.Sink; it ignores every table but the deltas.
func (s *DeltasCSV) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if t != pipeline.TableDeltas {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := colReader{rec: rec}
	var cols []strCol
	for _, name := range pipeline.DeltaColumns() {
		cols = append(cols, r.str(name))
	}
	if r.err != nil {
		return r.err
	}
	if err := s.csv.open(); err != nil {
		return err
	}
	record := make([]string, len(cols))
	for i := 0; i < int(rec.NumRows()); i++ {
		for j, c := range cols {
			record[j] = csvSafe(c.at(i))
		}
		if err := s.csv.write(record); err != nil {
			return err
		}
	}
	return nil
}

// Close implements pipeline.Sink.
func (s *DeltasCSV) Close(ctx context.Context) error { return s.csv.close(ctx) }

// Abort implements pipeline.Sink.
func (s *DeltasCSV) Abort() { s.csv.abort() }
