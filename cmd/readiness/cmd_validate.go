package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/cmd/job"
	"readiness/pipeline"
)

// maxListed bounds the rejected rows validate prints one by one.
const maxListed = 50

// cmdValidate is "readiness validate": the run's checks, nothing written.
func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s settings
	if err := s.parse("readiness validate", args, false, stderr); err != nil {
		return err
	}
	log, err := newLogger(stderr, s.logFormat, s.logLevel)
	if err != nil {
		return err
	}
	if err := s.resolve(time.Now(), false); err != nil {
		return err
	}
	problems := &problemList{reasons: map[string]int{}, warnings: map[string]int{}}
	runner, err := job.New(job.Spec{Config: s.cfg, Regions: s.ref, Sinks: []pipeline.Sink{problems}})
	if err != nil {
		return err
	}
	res, err := runner.Run(log.WithContext(ctx), memory.NewGoAllocator(), s.inputs)
	if err != nil {
		return err
	}
	if err := problems.print(stdout, res); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("%w: %d input file(s)", pipeline.ErrPartial, len(res.Failed))
	}
	return nil
}

// problemList is a sink gathering what validate reports.
type problemList struct {
	reasons, warnings map[string]int
	listed            []string
	rejected          int
}

func (*problemList) Name() string                    { return "validation report" }
func (*problemList) Close(ctx context.Context) error { return nil }
func (*problemList) Abort()                          {}
func (*problemList) Files() []string                 { return nil }

func (p *problemList) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	switch t {
	case pipeline.TableRows:
		col := func(name string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(name)[0]) }
		file, sheet := col(pipeline.ColFile).(*array.String), col(pipeline.ColSheet).(*array.String)
		row := col(pipeline.ColRow).(*array.Int32)
		reason, detail := col(pipeline.ColReason).(*array.String), col(pipeline.ColDetail).(*array.String)
		warns := col(pipeline.ColWarnings).(*array.List)
		wv := warns.ListValues().(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			if reason.IsValid(i) {
				p.rejected++
				p.reasons[reason.Value(i)]++
				if len(p.listed) < maxListed {
					where := file.Value(i)
					if sheet.Value(i) != "" {
						where += " sheet " + sheet.Value(i)
					}
					p.listed = append(p.listed, fmt.Sprintf("%s row %d: %s: %s", where, row.Value(i), reason.Value(i), detail.Value(i)))
				}
				continue
			}
			if warns.IsValid(i) {
				start, end := warns.ValueOffsets(i)
				for k := start; k < end; k++ {
					p.warnings[wv.Value(int(k))]++
				}
			}
		}
	case pipeline.TablePersons:
		flags := rec.Column(rec.Schema().FieldIndices(pipeline.ColFlags)[0]).(*array.List)
		fv := flags.ListValues().(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			start, end := flags.ValueOffsets(i)
			for k := start; k < end; k++ {
				if f := fv.Value(int(k)); f == pipeline.FlagNIKConflict || f == pipeline.FlagEventAfterDeath {
					p.warnings[f+" (persons)"]++
				}
			}
		}
	}
	return nil
}

func (p *problemList) print(w io.Writer, res *pipeline.Result) error {
	ew := &errWriter{w: w}
	a := res.Accounting
	ew.printf("%d input file(s), %d data rows: %d rejected, %d duplicates, %d in persons\n",
		len(res.Inputs), a.RowsIn, a.RowsRejected, a.DuplicateRows, a.RowsInPersons)
	for _, err := range res.Failed {
		ew.printf("unreadable: %v\n", err)
	}
	for _, err := range res.Skipped {
		ew.printf("sheet skipped: %v\n", err)
	}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	tew := &errWriter{w: tw}
	for _, code := range pipeline.Reasons() {
		if n := p.reasons[code]; n > 0 {
			tew.printf("rejected\t%s\t%d\n", code, n)
		}
	}
	var codes []string
	for c := range p.warnings {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		tew.printf("warning\t%s\t%d\n", c, p.warnings[c])
	}
	if err := errors.Join(tew.err, tw.Flush()); err != nil {
		return err
	}
	for _, l := range p.listed {
		ew.printf("%s\n", l)
	}
	if p.rejected > len(p.listed) {
		ew.printf("… and %d more rejected rows (readiness run writes them all to exceptions.csv)\n", p.rejected-len(p.listed))
	}
	return ew.err
}
