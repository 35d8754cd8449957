package job

import (
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"readiness/fixtures"
	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

// FixtureInputs lists the reference fixtures compiled into the binary, by
// path ("fixtures/inputs/…").
func FixtureInputs() ([]pipeline.Input, error) {
	var ins []pipeline.Input
	err := fs.WalkDir(fixtures.Inputs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		ins = append(ins, pipeline.Input{
			Path: path.Join("fixtures", p),
			Size: info.Size(),
			Open: func() (io.ReadCloser, error) { return fixtures.Inputs.Open(p) },
		})
		return nil
	})
	sort.Slice(ins, func(i, j int) bool { return ins[i].Path < ins[j].Path })
	return ins, err
}

// FixtureSpec returns the spec of the reference scenario: the embedded
// Bengkulu reference and stock, the fixtures' dates, default settings.
func FixtureSpec() (Spec, error) {
	asOf, err := time.Parse(time.DateOnly, fixtures.AsOf)
	if err != nil {
		return Spec{}, err
	}
	election, err := time.Parse(time.DateOnly, fixtures.ElectionDate)
	if err != nil {
		return Spec{}, err
	}
	ref := regions.Default()
	plan, err := stock.Read(strings.NewReader(fixtures.Stock()), "embedded fixtures/stock.csv", ref)
	if err != nil {
		return Spec{}, err
	}
	cfg := pipeline.DefaultConfig(asOf)
	cfg.Projection = &pipeline.Projection{ElectionDate: election}
	return Spec{Config: cfg, Regions: ref, Stock: plan}, nil
}
