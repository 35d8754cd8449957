package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/cmd/job"
	"readiness/pipeline"
	"readiness/pipeline/sink"
)

// cmdRun is "readiness run": the nightly job.
func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	var s settings
	if err := s.parse("readiness run", args, true, stderr); err != nil {
		return err
	}
	started := time.Now().UTC()
	log, tty, err := runLogger(&s, stderr)
	if err != nil {
		return err
	}
	if err := s.resolve(started, true); err != nil {
		return err
	}
	ctx = log.WithContext(ctx)

	cfg := &s.cfg
	out, err := sink.OpenOutDir(s.outDir)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	dir := out.Path()
	var hist *runHistory
	if s.history != "" {
		if hist, err = openHistory(ctx, s.history, cfg.AsOf); err != nil {
			return err
		}
		defer func() { err = errors.Join(err, hist.close()) }()
	}
	console, whatIf, ganda := &summaryTable{}, &whatIfTable{}, &gandaStats{}
	spec := job.Spec{Config: s.cfg, Regions: s.ref, Stock: s.stock, OutDir: dir,
		Outputs: s.outList, RunTime: started, Sinks: []pipeline.Sink{console, whatIf, ganda}}
	if hist != nil {
		spec.History, spec.Sinks = hist.spec, append(spec.Sinks, hist.counts)
	}
	runner, err := job.New(spec)
	if err != nil {
		return err
	}
	runner.Progress = &pipeline.Progress{}

	log.Info().Int("inputs", len(s.inputs)).Str("out", s.outDir).
		Str("as_of", cfg.AsOf.Format(time.DateOnly)).Str("election", cfg.Projection.ElectionDate.Format(time.DateOnly)).
		Int("print_days", cfg.PrintDays()).Msg("run started")
	stopProgress := func() {}
	if !s.quiet {
		stopProgress = startProgress(runner.Progress, tty, s.progress, log)
	}
	res, err := runner.Run(ctx, memory.NewGoAllocator(), s.inputs)
	stopProgress()
	if err != nil {
		return err
	}

	m := manifest(&s, started, res, whatIf)
	m.Ganda = ganda.m
	if m.Outputs, err = sink.Outputs(dir, runner.Sinks); err != nil {
		return fmt.Errorf("listing the outputs: %w", err)
	}
	for _, name := range job.OutputNames() {
		if !slices.Contains(s.outList, name) {
			m.SkippedOutputs = append(m.SkippedOutputs, name)
		}
	}
	m.Workbooks = workbookFindings(runner.Sinks)
	if w := m.Workbooks; w != nil {
		log.Warn().Strs("continued_sheets", w.ContinuedSheets).Int("cut_texts", w.CutTexts).
			Msg("the workbooks exceed Excel's limits: lists continue on further sheets, long texts are cut; see manifest.json")
	}
	if hist != nil {
		if m.History, err = hist.manifest(s.history, cfg.AsOf, res.Inputs); err != nil {
			return fmt.Errorf("listing the history's files: %w", err)
		}
	}
	if err := sink.WriteManifest(dir, m); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	if hist != nil {
		if err := sink.WriteManifest(hist.day.Path(), m); err != nil {
			return fmt.Errorf("writing the history's manifest: %w", err)
		}
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("putting the outputs in place: %w", err)
	}
	if hist != nil {
		// After the outputs: a run killed in between leaves the outputs
		// new and the history as it was (see README, "Run history").
		if err := hist.day.Commit(); err != nil {
			return fmt.Errorf("storing the run in the history (the outputs are in place): %w", err)
		}
		log.Info().Str("history", s.history).Str("day", "as_of="+m.History.AsOf).Str("compared_with", m.History.ComparedWith).
			Interface("changes", m.History.Changes).Msg("run stored in the history")
	}
	if !s.quiet {
		if err := printSummary(stdout, &s, res, m, console, whatIf); err != nil {
			return fmt.Errorf("writing the summary: %w", err)
		}
	}
	if len(res.Failed) > 0 {
		log.Warn().Int("failed", len(res.Failed)).Msg("some inputs could not be read; see manifest.json")
		return fmt.Errorf("%w: %d input file(s); see %s", pipeline.ErrPartial, len(res.Failed),
			filepath.Join(s.outDir, sink.ManifestFile))
	}
	return nil
}

func manifest(s *settings, started time.Time, res *pipeline.Result, whatIf *whatIfTable) *pipeline.Manifest {
	cfg := &s.cfg
	set := pipeline.ManifestSettings{
		Inputs: s.in, Stock: s.stockFile, Regions: s.regionsFile, Lang: cfg.Lang,
		BatchSize: cfg.BatchSize, NameThreshold: cfg.NameThreshold,
	}
	if len(set.Inputs) == 0 {
		set.Inputs = []string{"(embedded fixtures)"}
	}
	if set.Stock == "" {
		set.Stock = "(embedded fixtures/stock.csv)"
	}
	if set.Regions == "" {
		set.Regions = "(embedded Bengkulu 2020)"
	}
	m := &pipeline.Manifest{
		Tool: "readiness", Version: version, StartedAt: started.Format(time.RFC3339),
		AsOf: cfg.AsOf.Format(time.DateOnly), PrintDays: cfg.PrintDays(), Settings: set,
		Inputs: res.Inputs, Stages: res.Stages, Accounting: res.Accounting,
	}
	if p := cfg.Projection; p != nil {
		m.ElectionDate = p.ElectionDate.Format(time.DateOnly)
		for _, h := range p.Holidays {
			set.Holidays = append(set.Holidays, h.Format(time.DateOnly))
		}
		m.Settings.Holidays = set.Holidays
	}
	for _, err := range append(res.Failed, res.Skipped...) {
		m.Errors = append(m.Errors, err.Error())
	}
	if len(whatIf.regions) > 0 {
		m.WhatIf = &pipeline.ManifestWhatIf{TooLate: whatIf.tooLate, Surplus: whatIf.surplus, Regions: whatIf.regions}
		for _, d := range s.stock.Deliveries {
			m.WhatIf.Deliveries = append(m.WhatIf.Deliveries,
				pipeline.ManifestDelivery{Arrives: d.Arrives.Format(time.DateOnly), Quantity: d.Quantity})
		}
	}
	return m
}

// printSummary writes the human end-of-run summary: per region, what is
// needed, and the files written.
func printSummary(w io.Writer, s *settings, res *pipeline.Result, m *pipeline.Manifest, table *summaryTable, whatIf *whatIfTable) error {
	ew := &errWriter{w: w}
	a := res.Accounting
	ew.printf("readiness %s: %d input file(s), %d data rows: %d in persons, %d duplicates, %d rejected (balanced: %v)\n",
		s.cfg.AsOf.Format(time.DateOnly), len(res.Inputs), a.RowsIn, a.RowsInPersons, a.DuplicateRows, a.RowsRejected, a.Balanced)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	tew := &errWriter{w: tw}
	cols := []string{pipeline.SumRegionCode, pipeline.SumRegionName, pipeline.SumPersons, pipeline.SumNeedsPrint,
		pipeline.SumNeedsRecording, pipeline.SumStock, pipeline.SumShortfall, pipeline.SumPct}
	for _, c := range cols {
		tew.printf("%s\t", c)
	}
	tew.printf("\n")
	for _, r := range table.rows {
		for _, c := range cols {
			tew.printf("%s\t", r[c])
		}
		tew.printf("\n")
	}
	if err := errors.Join(tew.err, tw.Flush()); err != nil {
		return err
	}
	if p, ok := whatIf.province(); ok && m.WhatIf != nil {
		var quantity int
		var dates []string
		for _, d := range m.WhatIf.Deliveries {
			quantity += d.Quantity
			dates = append(dates, d.Arrives)
		}
		ew.printf("what if %d blanks arrive on %s: projected readiness %s %% without, %s %% with the delivery (%d of them printed by election day, %d too late, %d beyond the need)\n",
			quantity, strings.Join(dates, ", "), pctText(p.ProjectedReadyPct), pctText(p.PctIfDelivered),
			p.DeliveryAllocation, m.WhatIf.TooLate, m.WhatIf.Surplus)
	}
	if g := m.Ganda; g != nil {
		ew.printf("probable duplicates (K3): %d pairs of NIKs to review in %s (%d persons compared in %d birth-date blocks, %d pairs within them); none merged\n",
			g.Candidates, sink.CandidatesFile, g.PersonsCompared, g.Blocks, g.Comparisons)
	}
	if m.History != nil {
		printHistory(ew, s.outDir, m.History)
	}
	// The files as the folder holds them; a subfolder's files counted.
	var files []string
	inDir := map[string]int{}
	for _, o := range m.Outputs {
		if dir, _, ok := strings.Cut(o.Path, "/"); ok {
			if inDir[dir] == 0 {
				files = append(files, dir+"/")
			}
			inDir[dir]++
			continue
		}
		files = append(files, o.Path)
	}
	for i, f := range files {
		if n := inDir[strings.TrimSuffix(f, "/")]; n > 0 {
			files[i] = fmt.Sprintf("%s (%d files)", f, n)
		}
	}
	files = append(files, sink.ManifestFile)
	ew.printf("outputs in %s: %s\n", s.outDir, strings.Join(files, " "))
	return ew.err
}

// pctText formats a percentage for the console; "-" when there is none.
func pctText(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

// workbookFindings gathers what the workbooks had to adapt to Excel's
// limits; nil when nothing.
func workbookFindings(sinks []pipeline.Sink) *pipeline.ManifestWorkbooks {
	w := &pipeline.ManifestWorkbooks{}
	for _, s := range sinks {
		// File sinks are wrapped in pipeline.Async.
		for {
			u, ok := s.(interface{ Unwrap() pipeline.Sink })
			if !ok {
				break
			}
			s = u.Unwrap()
		}
		if f, ok := s.(interface{ Findings() sink.Findings }); ok {
			got := f.Findings()
			w.ContinuedSheets = append(w.ContinuedSheets, got.ContinuedSheets...)
			w.CutTexts += got.CutTexts
		}
	}
	if len(w.ContinuedSheets) == 0 && w.CutTexts == 0 {
		return nil
	}
	return w
}
