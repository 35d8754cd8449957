// Package job wires one run of readiness: the source, the chain of stages
// and the sinks, from a checked pipeline.Config. It is the one wiring the
// command, the end-to-end tests and the bench share, so that what is
// tested and measured is what runs.
//
// The chain, in order (see pipeline/doc.go for the flow):
//
//	normalize → validate → dedupe → classify → allocate_plan → ganda → allocate → [deltas] → aggregate
//
// deltas only with a history (Spec.History). allocate_plan and allocate
// are the two stages of one transforms.Allocate: the plan is made from
// the persons on their way into ganda, which gathers them, and allocate
// annotates them as ganda gives them back, so the persons are held
// (spooled) once. A stage added later is a new file in transforms and one
// line in Stages.
package job

import (
	"errors"
	"slices"
	"time"

	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/sink"
	"readiness/pipeline/source"
	"readiness/pipeline/stock"
	"readiness/transforms"
)

// Spec is what a run is built from.
type Spec struct {
	Config  pipeline.Config    // checked with Validate before New
	Regions *regions.Reference // the province's reference
	Stock   *stock.Plan        // required when Config has a projection
	// OutDir is the folder the file sinks write to (the output folder's
	// staging folder); empty means no files (readiness validate).
	OutDir string
	// TmpDir is where large workbook parts are inflated while reading,
	// where classify spills the rows it gathers and ganda spools the
	// persons beyond their memory budget (Config.SpoolBudget); empty
	// means the system's temporary folder.
	TmpDir string
	// Outputs names the output files to write (OutputNames); nil means
	// all of them.
	Outputs []string
	// RunTime is when the run started, for the workbooks' properties.
	RunTime time.Time
	// Sinks are written after the file sinks: the console, a test's probe.
	Sinks []pipeline.Sink
	// Workers is how many goroutines a stage of the run keeps busy: input
	// files read at once (Runner.Workers), batches of persons resolved at
	// once (classify), K3 blocks searched at once (ganda); 0 means one per
	// CPU.
	Workers int
	// History is the run history (--history): the deltas stage, deltas.csv,
	// the workbooks' history sheets and this run's stored day. nil without.
	History *History
}

// The outputs a run can write besides manifest.json (always written).
const (
	OutputReport     = "report"     // report.xlsx, the province's workbook
	OutputRegions    = "regions"    // regions/<code> <name>.xlsx, a workbook per regency
	OutputSummary    = "summary"    // summary.csv
	OutputExceptions = "exceptions" // exceptions.csv
	OutputPersons    = "persons"    // persons.parquet
	OutputCandidates = "candidates" // candidates.csv, the probable duplicates (K3)
)

// OutputNames lists the outputs in the order they are written.
func OutputNames() []string {
	return []string{OutputSummary, OutputExceptions, OutputPersons, OutputCandidates, OutputReport, OutputRegions}
}

// wants reports whether spec asks for output name.
func (spec Spec) wants(name string) bool {
	return spec.Outputs == nil || slices.Contains(spec.Outputs, name)
}

// New returns the runner of one run. Every constructor's error is
// returned: a misconfigured stage is a failed run, not a zero value.
func New(spec Spec) (*pipeline.Runner, error) {
	if spec.Regions == nil {
		return nil, errors.New("job: no region reference")
	}
	cfg := spec.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	stages, err := Stages(spec)
	if err != nil {
		return nil, err
	}
	r := &pipeline.Runner{
		Source:    source.New(source.Options{MaxUnzipSize: cfg.MaxUnzipSize, TmpDir: spec.TmpDir}),
		Stages:    stages,
		BatchSize: cfg.BatchSize,
		Workers:   spec.Workers,
	}
	if spec.OutDir != "" {
		r.Sinks = FileSinks(spec)
	}
	r.Sinks = append(r.Sinks, spec.Sinks...)
	return r, nil
}

// Stages returns the chain of stages of a run, in order.
func Stages(spec Spec) ([]pipeline.TableStage, error) {
	cfg := spec.Config
	normalize, err := transforms.NewNormalize(transforms.NormalizeConfig{Regions: spec.Regions, AsOf: cfg.AsOf})
	if err != nil {
		return nil, err
	}
	validate, err := transforms.NewValidate(transforms.ValidateConfig{Regions: spec.Regions, AsOf: cfg.AsOf})
	if err != nil {
		return nil, err
	}
	election := cfg.AsOf // without a projection, eligibility is judged on the as-of date
	if cfg.Projection != nil {
		election = cfg.Projection.ElectionDate
	}
	classify, err := transforms.NewClassify(transforms.ClassifyConfig{
		AsOf: cfg.AsOf, ElectionDate: election, NameThreshold: cfg.NameThreshold, BatchSize: cfg.BatchSize,
		Spill: pipeline.DiskScratch(spec.TmpDir), SpillBudget: cfg.SpoolBudget, Workers: spec.Workers,
	})
	if err != nil {
		return nil, err
	}
	stages := []pipeline.TableStage{
		pipeline.RowStage(normalize),
		pipeline.RowStage(validate),
		pipeline.RowStage(transforms.NewDedupe()),
		classify,
	}
	if cfg.Projection == nil {
		return stages, nil
	}
	if spec.Stock == nil {
		return nil, errors.New("job: a projection needs a stock plan")
	}
	spool := pipeline.DiskSpool(pipeline.DiskScratch(spec.TmpDir), cfg.SpoolBudget)
	ganda, err := transforms.NewGanda(transforms.GandaConfig{NameThreshold: cfg.NameThreshold, NewSpool: spool, Workers: spec.Workers})
	if err != nil {
		return nil, err
	}
	allocate, err := transforms.NewAllocate(transforms.AllocateConfig{
		Regions: spec.Regions, Stock: spec.Stock, AsOf: cfg.AsOf,
		ElectionDate: cfg.Projection.ElectionDate, Holidays: cfg.Projection.Holidays,
	})
	if err != nil {
		return nil, err
	}
	aggregate, err := transforms.NewAggregate(transforms.AggregateConfig{
		Regions: spec.Regions, Stock: spec.Stock, PrintDays: cfg.PrintDays(),
	})
	if err != nil {
		return nil, err
	}
	stages = append(stages, allocate.Planner(), ganda, allocate.Annotator())
	if spec.History != nil {
		deltas, err := transforms.NewDeltas(transforms.DeltasConfig{Prior: spec.History.Prior, BatchSize: cfg.BatchSize})
		if err != nil {
			return nil, err
		}
		stages = append(stages, deltas)
	}
	return append(stages, aggregate), nil
}

// FileSinks returns the sinks writing the output files into spec.OutDir,
// those spec.Outputs asks for, each written asynchronously (pipeline.Async).
func FileSinks(spec Spec) []pipeline.Sink {
	cfg := spec.Config
	names := map[string]string{}
	var regencies []sink.Regency
	for _, r := range spec.Regions.Regencies() {
		names[r.Code] = r.Name
		regencies = append(regencies, sink.Regency{Code: r.Code, Name: r.Name})
	}
	info := sink.ReportInfo{
		Lang: cfg.Lang, AsOf: cfg.AsOf, RunTime: spec.RunTime, PrintDays: cfg.PrintDays(),
		RegionNames: names, Names: spec.Regions.Name, ProvinceCode: spec.Regions.Province().Code,
	}
	if cfg.Projection != nil {
		info.ElectionDate = cfg.Projection.ElectionDate
	}
	info.History = spec.History.info()
	if spec.Stock != nil {
		for _, d := range spec.Stock.Deliveries {
			info.Deliveries = append(info.Deliveries, sink.Delivery{Quantity: d.Quantity, Arrives: d.Arrives})
		}
	}
	dir := spec.OutDir
	var sinks []pipeline.Sink
	workbooks := false
	for _, name := range OutputNames() {
		if !spec.wants(name) {
			continue
		}
		switch name {
		case OutputSummary:
			sinks = append(sinks, sink.NewSummaryCSV(dir))
		case OutputExceptions:
			sinks = append(sinks, sink.NewExceptionsCSV(dir))
		case OutputPersons:
			sinks = append(sinks, sink.NewPersonsParquet(dir))
		case OutputCandidates:
			sinks = append(sinks, sink.NewCandidatesCSV(dir))
		case OutputReport, OutputRegions:
			// One sink for both: it builds each list row once for the
			// province's workbook and its regency's.
			if workbooks {
				continue
			}
			workbooks = true
			var regional []sink.Regency
			if spec.wants(OutputRegions) {
				regional = regencies
			}
			sinks = append(sinks, sink.NewWorkbooks(dir, info, spec.wants(OutputReport), regional))
		}
	}
	sinks = append(sinks, spec.History.sinks(dir)...)
	// Each file sink encodes in a goroutine of its own, beside the chain
	// and the other sinks: a couple of batches queued each.
	for i, s := range sinks {
		sinks[i] = pipeline.Async(s, asyncDepth)
	}
	return sinks
}

// asyncDepth is how many batches a file sink may have queued.
const asyncDepth = 2
