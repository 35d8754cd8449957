package sink

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"unicode"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// RegionsDir is the folder of the regencies' workbooks in the output
// folder.
const RegionsDir = "regions"

// Regency is a regency of the province, for its own workbook.
type Regency struct {
	Code, Name string
}

// RegionReports writes one workbook per regency with data,
// regions/<code> <name>.xlsx: the regency's summary row and allocation,
// then its lists (print list in the order its blanks are used,
// recording, deceased, transfers in and out, review, the rejected rows of
// the files it sent), so that the province can send each regency exactly
// its work. A regency without a person or row of its own gets no
// workbook.
type RegionReports struct {
	reports []*Report
}

var _ pipeline.Sink = (*RegionReports)(nil)

// NewRegionReports returns a sink writing the regencies' workbooks under
// dir/regions.
func NewRegionReports(dir string, info ReportInfo, regencies []Regency) *RegionReports {
	s := &RegionReports{}
	for _, rg := range regencies {
		ri := info
		ri.Scope, ri.File = rg.Code, RegionFile(rg.Code, rg.Name)
		s.reports = append(s.reports, NewReport(dir, ri))
	}
	return s
}

// RegionFile is the path of a regency's workbook in the output folder:
// "regions/<code> <name>.xlsx", the name cleaned so that no text of a
// --regions file can leave the folder or trouble a file system: no path
// separators, no "..", no control characters, at most 60 characters.
func RegionFile(code, name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-' || r == '(' || r == ')' || r == ',':
			b.WriteRune(r)
		case r == '.':
			if !strings.HasSuffix(b.String(), ".") {
				b.WriteRune(r)
			}
		default:
			b.WriteRune('_')
		}
	}
	clean := strings.Trim(b.String(), " ._-")
	if rs := []rune(clean); len(rs) > 60 {
		clean = strings.TrimRight(string(rs[:60]), " ._-")
	}
	code = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, code)
	file := code
	if clean != "" {
		file += " " + clean
	}
	return RegionsDir + "/" + file + ".xlsx"
}

// Name implements pipeline.Sink.
func (s *RegionReports) Name() string { return RegionsDir }

// Write implements pipeline.Sink: every workbook takes what is its own.
func (s *RegionReports) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	for _, r := range s.reports {
		if err := r.Write(ctx, t, rec); err != nil {
			return err
		}
	}
	return nil
}

// Close implements pipeline.Sink. The workbooks are written side by side,
// one per processor: each is independent of the others.
func (s *RegionReports) Close(ctx context.Context) error {
	errs := make([]error, len(s.reports))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i, r := range s.reports {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
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

// Abort implements pipeline.Sink.
func (s *RegionReports) Abort() {
	for _, r := range s.reports {
		r.Abort()
	}
}

// Files implements pipeline.Sink.
func (s *RegionReports) Files() []string {
	var files []string
	for _, r := range s.reports {
		files = append(files, r.Files()...)
	}
	return files
}

// Findings returns what the workbooks had to adapt, the sheets named with
// their workbook.
func (s *RegionReports) Findings() Findings {
	var f Findings
	for _, r := range s.reports {
		rf := r.Findings()
		for _, sh := range rf.ContinuedSheets {
			f.ContinuedSheets = append(f.ContinuedSheets, r.info.File+": "+sh)
		}
		f.CutTexts += rf.CutTexts
	}
	return f
}
