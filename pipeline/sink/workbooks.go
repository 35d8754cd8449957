package sink

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// Workbooks writes the province's workbook (report.xlsx, see Report)
// and the regencies' workbooks, or either: one workbook per regency with
// data, regions/<code> <name>.xlsx, holding the regency's summary row and
// allocation, then its lists (print list in the order its blanks are
// used, recording, deceased, transfers in and out, review, the rejected
// rows of the files it sent), so that the province can send each regency
// exactly its work. A regency without a person or row of its own gets no
// workbook.
//
// Each row of the lists is built and encoded once and its XML added to
// the province's workbook and to the workbooks of the regencies it
// belongs to (listRows), rather than every workbook reading every batch
// and encoding its own rows; its repeated texts refer to one shared
// string table, which every workbook carries whole (xlsxstrings.go). A
// regency's print and recording lists keep only keys into the
// province's rows, and a regency's run of them is deflated once for both
// workbooks (xlsxshare.go). The workbooks are laid out and written side
// by side at Close.
type Workbooks struct {
	province *Report   // nil without the province's workbook
	reports  []*Report // the province's first, then the regencies'
	lists    *listRows
	started  bool
}

var _ pipeline.Sink = (*Workbooks)(nil)

// NewWorkbooks returns a sink writing the province's workbook into dir
// when province is true, and the workbooks of regencies under
// dir/regions.
func NewWorkbooks(dir string, info ReportInfo, province bool, regencies []Regency) *Workbooks {
	s := &Workbooks{}
	if province {
		pi := info
		pi.Scope, pi.File = "", ReportFile
		s.province = newReport(dir, pi)
		s.reports = append(s.reports, s.province)
	}
	var regional []*Report
	for _, rg := range regencies {
		ri := info
		ri.Scope, ri.File = rg.Code, RegionFile(rg.Code, rg.Name)
		regional = append(regional, newReport(dir, ri))
	}
	s.reports = append(s.reports, regional...)
	if len(s.reports) > 0 {
		s.lists = newListRows(s.reports[0], s.province, regional)
	}
	return s
}

// Name implements pipeline.Sink.
func (s *Workbooks) Name() string {
	switch {
	case s.province == nil:
		return RegionsDir
	case len(s.reports) > 1:
		return ReportFile + " and " + RegionsDir
	}
	return ReportFile
}

// start starts every workbook and checks that they encode the lists'
// rows alike: same styles and columns, so one row's XML serves them all.
func (s *Workbooks) start() error {
	if s.started {
		return nil
	}
	for _, r := range s.reports {
		if err := r.start(); err != nil {
			return err
		}
	}
	s.started = true
	first := s.lists.cells
	for _, r := range s.reports {
		if r.st != first.st {
			return errors.New("workbooks with different styles cannot share their rows")
		}
		for k := range r.stores {
			if !slices.Equal(r.stores[k].cols, first.stores[k].cols) {
				return errors.New("workbooks with different list columns cannot share their rows")
			}
		}
	}
	// Every row of a regency's print and recording lists is added to the
	// province's first (listRows.add): the regency keeps only its keys.
	if s.province != nil {
		for _, r := range s.reports {
			for _, k := range []listKind{listPrint, listRecording} {
				if r != s.province {
					r.stores[k].borrow(s.province.stores[k])
				}
			}
		}
	}
	return nil
}

// Write implements pipeline.Sink: the lists' rows are built once for
// every workbook; the other tables go to each workbook, which keeps what
// is its own.
func (s *Workbooks) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if len(s.reports) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.start(); err != nil {
		return s.fail(err)
	}
	var err error
	switch t {
	case pipeline.TableRows:
		err = s.lists.writeRejected(rec)
	case pipeline.TablePersons:
		err = s.lists.writePersons(rec)
	default:
		for _, r := range s.reports {
			if err = r.Write(ctx, t, rec); err != nil {
				break
			}
		}
	}
	if err != nil {
		return s.fail(err)
	}
	return nil
}

func (s *Workbooks) fail(err error) error {
	s.Abort()
	return err
}

// Close implements pipeline.Sink. The workbooks are written side by side:
// the province's, the longest, in a goroutine of its own, the regencies'
// one per processor beside it; each is independent of the others.
func (s *Workbooks) Close(ctx context.Context) error {
	if s.lists != nil {
		if err := s.start(); err != nil {
			return s.fail(err)
		}
		s.lists.addPending()
		if s.province != nil {
			// The regencies read the province's rows as it writes its
			// own workbook: its files are complete before any starts.
			for _, k := range []listKind{listPrint, listRecording} {
				if err := s.province.stores[k].flush(); err != nil {
					return s.fail(err)
				}
			}
		}
		s.shareRuns()
	}
	errs := make([]error, len(s.reports))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i, r := range s.reports {
		wg.Add(1)
		own := r == s.province
		if !own {
			sem <- struct{}{}
		}
		go func() {
			defer wg.Done()
			if !own {
				defer func() { <-sem }()
			}
			errs[i] = r.Close(ctx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		s.Abort() // the workbooks not yet committed; committed ones stay for the output folder to drop
		return err
	}
	return nil
}

// shareRuns marks, in the sorted lists (print, recording), each
// regency's rows as a run the province's workbook and the regency's
// share, to be deflated once for both (xlsxshare.go): when both
// workbooks are written, the province's list holds exactly the
// regency's rows (as many, as many bytes) in one group of its sorted
// order (groupStarts), so that they are one run of it, the same bytes in
// the same order as the regency's whole list, and that run lies within
// one sheet of the province's list and the regency's list within one of
// its own.
func (s *Workbooks) shareRuns() {
	if s.province == nil {
		return
	}
	per := s.province.listRows()
	for _, k := range []listKind{listPrint, listRecording} {
		ps := s.province.stores[k]
		if !ps.sorted || ps.rows() == 0 {
			continue
		}
		rank := ps.regionRanks()
		start := ps.groupStarts(rank)
		rows, size := make([]int, len(ps.regionNames)), make([]int64, len(ps.regionNames))
		for _, key := range ps.keys {
			rows[key.region]++
			size[key.region] += int64(key.n)
		}
		for _, r := range s.reports {
			rs := r.stores[k]
			id, ok := ps.regions[r.info.Scope]
			if r == s.province || !r.hasData || !ok || !rs.sorted || rs.rows() > r.listRows() ||
				rs.rows() != rows[id] || rs.size != size[id] || len(rs.regionNames) != 1 || rs.regionNames[0] != r.info.Scope {
				continue
			}
			g := int(rank[id]) // the group of the region's rows, inside the province or out
			if start[g+1]-start[g] != rows[id] {
				g += len(rank)
			}
			from, to := start[g], start[g+1]
			if to-from != rows[id] || from/per != (to-1)/per {
				continue
			}
			run := &sharedRun{rows: rows[id], size: size[id]}
			run.users.Store(2)
			if ps.runs == nil {
				ps.runs = map[string]*sharedRun{}
			}
			ps.runs[r.info.Scope] = run
			rs.runs = map[string]*sharedRun{r.info.Scope: run}
		}
	}
}

// Abort implements pipeline.Sink.
func (s *Workbooks) Abort() {
	for _, r := range s.reports {
		r.Abort()
	}
}

// Files implements pipeline.Sink.
func (s *Workbooks) Files() []string {
	var files []string
	for _, r := range s.reports {
		files = append(files, r.Files()...)
	}
	return files
}

// Findings returns what the workbooks had to adapt, the regencies'
// sheets named with their workbook.
func (s *Workbooks) Findings() Findings {
	var f Findings
	for _, r := range s.reports {
		rf := r.Findings()
		if r == s.province {
			f.ContinuedSheets = append(f.ContinuedSheets, rf.ContinuedSheets...)
		} else {
			for _, sh := range rf.ContinuedSheets {
				f.ContinuedSheets = append(f.ContinuedSheets, r.info.File+": "+sh)
			}
		}
		f.CutTexts += rf.CutTexts
	}
	return f
}
