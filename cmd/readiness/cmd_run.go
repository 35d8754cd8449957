package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/sink"
	"readiness/pipeline/source"
	"readiness/transforms"
)

// cmdRun is "readiness run": the nightly job.
func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s settings
	if err := s.parse("readiness run", args, true, stderr); err != nil {
		return err
	}
	started := time.Now().UTC()
	log, err := newLogger(stderr, s.logFormat, s.logLevel)
	if err != nil {
		return err
	}
	if err := s.resolve(started, true); err != nil {
		return err
	}
	ctx = log.WithContext(ctx)

	cfg := &s.cfg
	out, err := sink.OpenOutDir(cfg.OutDir)
	if err != nil {
		return err
	}
	defer out.Close()
	dir := out.Path()
	printDays := pipeline.PrintDays(cfg.AsOf, cfg.ElectionDate, cfg.Holidays)
	runner, err := newRunner(&s, printDays)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, r := range s.ref.Regencies() {
		names[r.Code] = r.Name
	}
	summary := sink.NewSummaryCSV(dir)
	exceptions := sink.NewExceptionsCSV(dir)
	persons := sink.NewPersonsParquet(dir)
	report := sink.NewReport(dir, sink.ReportInfo{
		Lang: cfg.Language(), AsOf: cfg.AsOf, ElectionDate: cfg.ElectionDate,
		PrintDays: printDays, RegionNames: names, ProvinceCode: s.ref.Province().Code,
	})
	console := &summaryTable{}
	runner.Sinks = []pipeline.Sink{summary, exceptions, persons, report, console}

	log.Info().Int("inputs", len(s.inputs)).Str("out", cfg.OutDir).
		Str("as_of", cfg.AsOf.Format(time.DateOnly)).Str("election", cfg.ElectionDate.Format(time.DateOnly)).
		Int("print_days", printDays).Msg("run started")
	res, err := runner.Run(ctx, memory.NewGoAllocator(), s.inputs)
	if err != nil {
		return err
	}

	m := manifest(&s, started, printDays, res)
	for _, o := range []pipeline.Output{report, summary, persons, exceptions} {
		size, sum, err := sink.HashFile(o.Path())
		if err != nil {
			return err
		}
		m.Outputs = append(m.Outputs, pipeline.ManifestOutput{Path: filepath.Base(o.Path()), Size: size, SHA256: sum})
	}
	if err := sink.WriteManifest(dir, m); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("putting the outputs in place: %w", err)
	}
	printSummary(stdout, &s, res, console)
	if len(res.Failed) > 0 {
		log.Warn().Int("failed", len(res.Failed)).Msg("some inputs could not be read; see manifest.json")
		return fmt.Errorf("%w: %d input file(s); see %s", pipeline.ErrPartial, len(res.Failed),
			filepath.Join(cfg.OutDir, sink.ManifestFile))
	}
	return nil
}

// newRunner wires the source and the stages of a run.
func newRunner(s *settings, printDays int) (*pipeline.Runner, error) {
	cfg := &s.cfg
	normalize, err := transforms.NewNormalize(transforms.NormalizeConfig{Regions: s.ref, AsOf: cfg.AsOf})
	if err != nil {
		return nil, err
	}
	validate, err := transforms.NewValidate(transforms.ValidateConfig{Regions: s.ref, AsOf: cfg.AsOf})
	if err != nil {
		return nil, err
	}
	classify, err := transforms.NewClassify(transforms.ClassifyConfig{
		AsOf: cfg.AsOf, ElectionDate: cfg.ElectionDate,
		NameThreshold: cfg.NameThreshold(), BatchSize: cfg.Batch(),
	})
	if err != nil {
		return nil, err
	}
	r := &pipeline.Runner{
		Source:    source.New(source.Options{MaxUnzipSize: cfg.MaxUnzipSize}),
		RowStages: []pipeline.Stage{normalize, validate, transforms.NewDedupe()},
		Persons:   classify,
		BatchSize: cfg.Batch(),
	}
	if s.stock != nil {
		agg, err := transforms.NewAggregate(transforms.AggregateConfig{Regions: s.ref, Stock: s.stock, PrintDays: printDays})
		if err != nil {
			return nil, err
		}
		r.Summary = agg
	}
	return r, nil
}

func manifest(s *settings, started time.Time, printDays int, res *pipeline.Result) *pipeline.Manifest {
	cfg := &s.cfg
	set := pipeline.ManifestSettings{
		Inputs: cfg.Inputs, Stock: cfg.StockFile, Regions: cfg.RegionsFile, Lang: cfg.Language(),
		BatchSize: cfg.Batch(), NameThreshold: cfg.NameThreshold(),
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
	for _, h := range cfg.Holidays {
		set.Holidays = append(set.Holidays, h.Format(time.DateOnly))
	}
	m := &pipeline.Manifest{
		Tool: "readiness", Version: version, StartedAt: started.Format(time.RFC3339),
		AsOf: cfg.AsOf.Format(time.DateOnly), ElectionDate: cfg.ElectionDate.Format(time.DateOnly),
		PrintDays: printDays, Settings: set, Inputs: res.Inputs, Stages: res.Stages,
		Accounting: res.Accounting,
	}
	for _, err := range append(res.Failed, res.Skipped...) {
		m.Errors = append(m.Errors, err.Error())
	}
	return m
}

// printSummary writes the human end-of-run summary: where the outputs
// are and, per region, what is needed.
func printSummary(w io.Writer, s *settings, res *pipeline.Result, table *summaryTable) {
	a := res.Accounting
	fmt.Fprintf(w, "readiness %s: %d input file(s), %d data rows: %d in persons, %d duplicates, %d rejected (balanced: %v)\n",
		s.cfg.AsOf.Format(time.DateOnly), len(res.Inputs), a.RowsIn, a.RowsInPersons, a.DuplicateRows, a.RowsRejected, a.Balanced)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	cols := []string{"region_code", "region_name", "persons", "needs_print", "needs_recording", "stock", "shortfall", "projected_ready_pct"}
	for _, c := range cols {
		fmt.Fprintf(tw, "%s\t", c)
	}
	fmt.Fprintln(tw)
	for _, r := range table.rows {
		for _, c := range cols {
			fmt.Fprintf(tw, "%s\t", r[c])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintf(w, "outputs in %s: report.xlsx summary.csv exceptions.csv persons.parquet manifest.json\n", s.cfg.OutDir)
}
