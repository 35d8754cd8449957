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

// SummaryCSV writes summary.csv from TableSummary batches: the header is
// pipeline.SummaryColumns, integers are written plain, projected_ready_pct
// with one decimal ("87.5", "100.0") and empty when null.
type SummaryCSV struct {
	csv csvFile
}

var (
	_ pipeline.Sink   = (*SummaryCSV)(nil)
	_ pipeline.Output = (*SummaryCSV)(nil)
)

// NewSummaryCSV returns a sink writing dir/summary.csv.
func NewSummaryCSV(dir string) *SummaryCSV {
	return &SummaryCSV{csv: csvFile{dir: dir, name: SummaryFile, header: pipeline.SummaryColumns}}
}

// Name implements pipeline.Sink.
func (s *SummaryCSV) Name() string { return SummaryFile }

// Path implements pipeline.Output.
func (s *SummaryCSV) Path() string { return s.csv.path() }

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

// summaryRow is one row of the summary table, its integer columns indexed
// like pipeline.SummaryColumns.
type summaryRow struct {
	code, name string
	ints       [summaryWidth]int64
	null       [summaryWidth]bool // integer column is null
	pct        float64
	hasPct     bool
}

const summaryWidth = 20 // len(pipeline.SummaryColumns), checked in readSummary

// Indexes into pipeline.SummaryColumns.
const (
	sumRegionCode = iota
	sumRegionName
	sumRowsIn
	sumRowsRejected
	sumDuplicateRows
	sumPersons
	sumDeceased
	sumIneligible
	sumNeedsRecording
	sumNeedsPrint
	sumReady
	sumEligible
	sumMovedIn
	sumMovedOut
	sumBlanksNeeded
	sumStock
	sumAllocation
	sumShortfall
	sumPrintable
	sumPct
)

func (r *summaryRow) csvRecord() []string {
	out := make([]string, summaryWidth)
	out[sumRegionCode], out[sumRegionName] = r.code, r.name
	for i := sumRowsIn; i < sumPct; i++ {
		if !r.null[i] {
			out[i] = strconv.FormatInt(r.ints[i], 10)
		}
	}
	if r.hasPct {
		out[sumPct] = formatPct(r.pct)
	}
	return out
}

// formatPct writes a percentage with one decimal, rounding half away
// from zero (the value should already be rounded; this only guards the
// representation).
func formatPct(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
}

// readSummary decodes a SummarySchema batch.
func readSummary(rec arrow.Record) ([]summaryRow, error) {
	cols := pipeline.SummaryColumns
	if len(cols) != summaryWidth || cols[sumPct] != "projected_ready_pct" || cols[sumPrintable] != "printable_by_election" {
		return nil, fmt.Errorf("pipeline.SummaryColumns changed; update the sink: %w", ErrSchema)
	}
	r := colReader{rec: rec}
	code, name := r.str(cols[sumRegionCode]), r.str(cols[sumRegionName])
	var ints [summaryWidth]*array.Int64
	for i := sumRowsIn; i < sumPct; i++ {
		ints[i] = r.int64(cols[i])
	}
	pct := r.float64(cols[sumPct])
	if r.err != nil {
		return nil, r.err
	}
	rows := make([]summaryRow, rec.NumRows())
	for i := range rows {
		row := &rows[i]
		row.code, row.name = code.at(i), name.at(i)
		for j := sumRowsIn; j < sumPct; j++ {
			if ints[j].IsNull(i) {
				row.null[j] = true
			} else {
				row.ints[j] = ints[j].Value(i)
			}
		}
		if pct.IsValid(i) && !math.IsNaN(pct.Value(i)) && !math.IsInf(pct.Value(i), 0) {
			row.pct, row.hasPct = pct.Value(i), true
		}
	}
	return rows, nil
}
