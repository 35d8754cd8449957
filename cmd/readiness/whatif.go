package main

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"readiness/pipeline"
)

// whatIfTable is a sink keeping the what-if table for the manifest and
// the console.
type whatIfTable struct {
	regions          []pipeline.ManifestWhatIfRegion
	tooLate, surplus int64
}

var _ pipeline.Sink = (*whatIfTable)(nil)

func (*whatIfTable) Name() string                    { return "what-if" }
func (*whatIfTable) Close(ctx context.Context) error { return nil }
func (*whatIfTable) Abort()                          {}
func (*whatIfTable) Files() []string                 { return nil }

func (w *whatIfTable) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if t != pipeline.TableWhatIf {
		return nil
	}
	col := func(name string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(name)[0]) }
	str := func(name string, i int) string { return col(name).(*array.String).Value(i) }
	num := func(name string, i int) int64 { return col(name).(*array.Int64).Value(i) }
	pct := func(name string, i int) *float64 {
		a := col(name).(*array.Float64)
		if a.IsNull(i) {
			return nil
		}
		v := a.Value(i)
		return &v
	}
	tooLate, surplus := col(pipeline.WhatIfTooLate).(*array.Int64), col(pipeline.WhatIfSurplus).(*array.Int64)
	for i := 0; i < int(rec.NumRows()); i++ {
		w.regions = append(w.regions, pipeline.ManifestWhatIfRegion{
			RegionCode: str(pipeline.WhatIfRegionCode, i), RegionName: str(pipeline.WhatIfRegionName, i),
			DeliveryAllocation:   num(pipeline.WhatIfDelivered, i),
			PrintableByElection:  num(pipeline.WhatIfPrintable, i),
			PrintableIfDelivered: num(pipeline.WhatIfPrintableDelivered, i),
			ProjectedReadyPct:    pct(pipeline.WhatIfPct, i),
			PctIfDelivered:       pct(pipeline.WhatIfPctDelivered, i),
		})
		if tooLate.IsValid(i) {
			w.tooLate += tooLate.Value(i)
			w.surplus += surplus.Value(i)
		}
	}
	return nil
}

// province returns the province row, false without a what-if.
func (w *whatIfTable) province() (pipeline.ManifestWhatIfRegion, bool) {
	if len(w.regions) == 0 {
		return pipeline.ManifestWhatIfRegion{}, false
	}
	return w.regions[len(w.regions)-1], true
}
