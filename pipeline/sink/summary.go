package sink

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"readiness/pipeline"
)

// SummaryFile is the file name of the summary output.
const SummaryFile = "summary.csv"

// SummaryCSV writes summary.csv from the summary table: the columns of
// pipeline.SummarySchema in its order, found by name; integers written
// plain, projected_ready_pct with one decimal ("87.5", "100.0") and empty
// when null. Text that a spreadsheet would evaluate (a region name from a
// --regions file starting with "=") is made inert.
type SummaryCSV struct {
	csv csvFile
}

var _ pipeline.Sink = (*SummaryCSV)(nil)

// NewSummaryCSV returns a sink writing dir/summary.csv.
func NewSummaryCSV(dir string) *SummaryCSV {
	return &SummaryCSV{csv: csvFile{dir: dir, name: SummaryFile, header: pipeline.SummaryColumns()}}
}

// Name implements pipeline.Sink.
func (s *SummaryCSV) Name() string { return SummaryFile }

// Files implements pipeline.Sink.
func (s *SummaryCSV) Files() []string { return s.csv.files() }

// Write implements pipeline.Sink; it ignores every table but the summary.
func (s *SummaryCSV) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if t != pipeline.TableSummary {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	rows, err := readSummary(rec)
	if err != nil {
		return err
	}
	if err := s.csv.open(); err != nil {
		return err
	}
	for _, r := range rows {
		if err := s.csv.write(r.csvRecord()); err != nil {
			return err
		}
	}
	return nil
}

// Close implements pipeline.Sink.
func (s *SummaryCSV) Close(ctx context.Context) error { return s.csv.close(ctx) }

// Abort implements pipeline.Sink.
func (s *SummaryCSV) Abort() { s.csv.abort() }

// summaryRow is one row of the summary table, its counts by column name.
type summaryRow struct {
	code, name string
	ints       map[string]int64 // null counts are absent
	pct        float64
	hasPct     bool
}

// int returns the count in column name (0 when null).
func (r *summaryRow) int(name string) int64 { return r.ints[name] }

// csvRecord formats the row in pipeline.SummarySchema's column order.
func (r *summaryRow) csvRecord() []string {
	fields := pipeline.SummarySchema.Fields()
	out := make([]string, len(fields))
	for i, f := range fields {
		switch f.Name {
		case pipeline.SumRegionCode:
			out[i] = csvSafe(r.code)
		case pipeline.SumRegionName:
			out[i] = csvSafe(r.name)
		case pipeline.SumPct:
			if r.hasPct {
				out[i] = formatPct(r.pct)
			}
		default:
			if v, ok := r.ints[f.Name]; ok {
				out[i] = strconv.FormatInt(v, 10)
			}
		}
	}
	return out
}

// formatPct writes a percentage with one decimal, rounding half away
// from zero (the value should already be rounded; this only guards the
// representation).
func formatPct(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
}

// readSummary decodes a batch of the summary table, every column of
// pipeline.SummarySchema by name and type.
func readSummary(rec arrow.Record) ([]summaryRow, error) {
	r := colReader{rec: rec}
	code, name := r.str(pipeline.SumRegionCode), r.str(pipeline.SumRegionName)
	pct := r.float64(pipeline.SumPct)
	ints := map[string]*array.Int64{}
	for _, f := range pipeline.SummarySchema.Fields() {
		switch f.Type.ID() {
		case arrow.INT64:
			ints[f.Name] = r.int64(f.Name)
		case arrow.STRING, arrow.FLOAT64:
		default:
			return nil, fmt.Errorf("summary column %s of type %s: %w", f.Name, f.Type, ErrSchema)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	rows := make([]summaryRow, rec.NumRows())
	for i := range rows {
		row := &rows[i]
		row.code, row.name = code.at(i), name.at(i)
		row.ints = make(map[string]int64, len(ints))
		for n, a := range ints {
			if a.IsValid(i) {
				row.ints[n] = a.Value(i)
			}
		}
		if pct.IsValid(i) && !math.IsNaN(pct.Value(i)) && !math.IsInf(pct.Value(i), 0) {
			row.pct, row.hasPct = pct.Value(i), true
		}
	}
	return rows, nil
}
