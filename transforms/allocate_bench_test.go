package transforms

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

// BenchmarkAllocate runs the allocation's two stages over N synthetic
// persons (batches of 16,384, built beforehand, of the columns the stages
// read; about two in three need a blank, of every regency of the default
// reference, region by region as the inputs come): plan notes them and
// waits for the plan, annotate appends the allocation's columns to every
// batch and emits the allocation table.
func BenchmarkAllocate(b *testing.B) {
	const n, batch = 1_000_000, 16_384
	mem := memory.NewGoAllocator()
	var recs []arrow.Record
	for start := 0; start < n; start += batch {
		recs = append(recs, syntheticPersons(mem, start, min(batch, n-start), n))
	}
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	cfg := AllocateConfig{Regions: regions.Default(), AsOf: day("2020-06-30"), ElectionDate: day("2020-12-09"),
		Stock: &stock.Plan{Regions: map[string]stock.Region{"1771": {Stock: 5000, CapacityDay: 300}}, BufferInHand: 20000}}
	ctx, discard := context.Background(), func(pipeline.Table, arrow.Record) error { return nil }
	plan := func(b *testing.B) *Allocate {
		a, err := NewAllocate(cfg)
		if err != nil {
			b.Fatal(err)
		}
		planner := a.Planner()
		for _, rec := range recs {
			if err := planner.Apply(ctx, mem, pipeline.TablePersons, rec, discard); err != nil {
				b.Fatal(err)
			}
		}
		if err := planner.Finish(ctx, mem, discard); err != nil {
			b.Fatal(err)
		}
		a.madePlan()
		return a
	}
	b.Run("plan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plan(b).Annotator().Release()
		}
	})
	b.Run("annotate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			annotator := plan(b).Annotator()
			b.StartTimer()
			for _, rec := range recs {
				if err := annotator.Apply(ctx, mem, pipeline.TablePersons, rec, discard); err != nil {
					b.Fatal(err)
				}
			}
			if err := annotator.Finish(ctx, mem, discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// syntheticPersons returns n persons numbered from start, of the columns
// the allocation reads: of total persons, the regencies of the default
// reference take consecutive runs; statuses and card events cycle, and
// request dates spread over two years, one in ten missing.
func syntheticPersons(mem memory.Allocator, start, n, total int) arrow.Record {
	var fields []arrow.Field
	for _, name := range allocateReads {
		f, _ := pipeline.PersonSchema.FieldsByName(name)
		fields = append(fields, f[0])
	}
	schema := arrow.NewSchema(fields, nil)
	regencies := regions.Default().Regencies()
	statuses := []string{pipeline.StatusNeedsPrint, pipeline.StatusNeedsRecording, pipeline.StatusReady,
		pipeline.StatusNeedsPrint, pipeline.StatusDeceased, pipeline.StatusNeedsPrint}
	events := []string{pipeline.EventRusak, pipeline.EventHilang, pipeline.EventSuket, pipeline.EventRekam,
		pipeline.EventKawin, pipeline.EventPindah, pipeline.EventUbahData}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := start; i < start+n; i++ {
		for f, name := range allocateReads {
			switch name {
			case pipeline.ColRegionCode:
				b.Field(f).(*array.StringBuilder).Append(regencies[i*len(regencies)/total].Code)
			case pipeline.ColStatus:
				b.Field(f).(*array.StringBuilder).Append(statuses[i%len(statuses)])
			case pipeline.ColCardEvent:
				b.Field(f).(*array.StringBuilder).Append(events[i%len(events)])
			case pipeline.ColCardRequestDate:
				if i%10 == 0 {
					b.Field(f).AppendNull()
				} else {
					b.Field(f).(*array.Date32Builder).Append(arrow.Date32(18000 + (i*7919)%730))
				}
			default:
				panic(fmt.Sprintf("syntheticPersons: no value for column %s", name))
			}
		}
	}
	return b.NewRecord()
}
