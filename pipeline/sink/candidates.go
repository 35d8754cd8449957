package sink

import (
	"context"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// CandidatesFile is the file name of the K3 candidates output.
const CandidatesFile = "candidates.csv"

// CandidatesCSV writes candidates.csv: every row of the candidates table
// (SPEC §5, §8), in the order it arrives (by score, highest first, then
// NIKs), with the columns of pipeline.CandidateCSVColumns: both NIKs, the
// score with one decimal, each field's agreement (agree, disagree,
// missing), both regions, and keputusan, empty, for the reviewer. The
// header is written even when there is no candidate.
//
// Like exceptions.csv it is written under a temporary name, owner-only,
// and renamed into place on Close; every text cell a spreadsheet program
// would evaluate (= + - @, tab, CR, LF first) gets a leading apostrophe.
type CandidatesCSV struct {
	csv csvFile
}

var _ pipeline.Sink = (*CandidatesCSV)(nil)

// NewCandidatesCSV returns a sink writing dir/candidates.csv.
func NewCandidatesCSV(dir string) *CandidatesCSV {
	return &CandidatesCSV{csv: csvFile{dir: dir, name: CandidatesFile, header: pipeline.CandidateCSVColumns()}}
}

// Name implements pipeline.Sink.
func (s *CandidatesCSV) Name() string { return CandidatesFile }

// Files implements pipeline.Sink.
func (s *CandidatesCSV) Files() []string { return s.csv.files() }

// Write implements pipeline.Sink; it ignores every table but the
// candidates.
func (s *CandidatesCSV) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if t != pipeline.TableCandidates {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := colReader{rec: rec}
	cols := pipeline.CandidateCSVColumns()
	text := make([]strCol, len(cols))
	for i, c := range cols {
		if c != pipeline.CandScore {
			text[i] = r.str(c)
		}
	}
	score := r.float64(pipeline.CandScore)
	if r.err != nil {
		return r.err
	}
	if err := s.csv.open(); err != nil {
		return err
	}
	record := make([]string, len(cols))
	for i := 0; i < int(rec.NumRows()); i++ {
		for j, c := range cols {
			switch {
			case c != pipeline.CandScore:
				record[j] = csvSafe(text[j].at(i))
			case score.IsValid(i):
				record[j] = strconv.FormatFloat(score.Value(i), 'f', 1, 64)
			default:
				record[j] = ""
			}
		}
		if err := s.csv.write(record); err != nil {
			return err
		}
	}
	return nil
}

// Close implements pipeline.Sink.
func (s *CandidatesCSV) Close(ctx context.Context) error { return s.csv.close(ctx) }

// Abort implements pipeline.Sink.
func (s *CandidatesCSV) Abort() { s.csv.abort() }
