package pipeline_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"path"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/fixtures"
	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/sink"
	"readiness/pipeline/source"
	"readiness/pipeline/stock"
	"readiness/transforms"
)

// TestEveryArrowObjectReleased runs the real source, stages and sinks over
// the reference fixtures, in small batches so that every path is taken
// many times, on a checked allocator: nothing may be left allocated.
func TestEveryArrowObjectReleased(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	asOf, _ := time.Parse(time.DateOnly, fixtures.AsOf)
	election, _ := time.Parse(time.DateOnly, fixtures.ElectionDate)
	ref := regions.Default()
	plan, err := stock.Read(bytes.NewReader(fixtures.Stock), "stock.csv", ref)
	if err != nil {
		t.Fatal(err)
	}
	const batch = 1000
	norm, err := transforms.NewNormalize(transforms.NormalizeConfig{Regions: ref, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	val, err := transforms.NewValidate(transforms.ValidateConfig{Regions: ref, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	cls, err := transforms.NewClassify(transforms.ClassifyConfig{AsOf: asOf, ElectionDate: election, NameThreshold: 0.92, BatchSize: batch})
	if err != nil {
		t.Fatal(err)
	}
	printDays := pipeline.PrintDays(asOf, election, nil)
	agg, err := transforms.NewAggregate(transforms.AggregateConfig{Regions: ref, Stock: plan, PrintDays: printDays})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := &pipeline.Runner{
		Source:    source.New(source.Options{}),
		RowStages: []pipeline.Stage{norm, val, transforms.NewDedupe()},
		Persons:   cls, Summary: agg, BatchSize: batch,
		Sinks: []pipeline.Sink{sink.NewSummaryCSV(dir), sink.NewExceptionsCSV(dir), sink.NewPersonsParquet(dir),
			sink.NewReport(dir, sink.ReportInfo{AsOf: asOf, ElectionDate: election, PrintDays: printDays, ProvinceCode: "17"})},
	}
	var ins []pipeline.Input
	fs.WalkDir(fixtures.Inputs, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			ins = append(ins, pipeline.Input{Path: path.Base(p), Open: func() (io.ReadCloser, error) { return fixtures.Inputs.Open(p) }})
		}
		return err
	})
	res, err := r.Run(context.Background(), mem, ins)
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounting.RowsIn < 10000 || !res.Accounting.Balanced {
		t.Errorf("accounting %+v", res.Accounting)
	}
}
