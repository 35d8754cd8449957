package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/cmd/job"
	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/source"
	"readiness/pipeline/stock"
)

// batch is one batch of a table on its way down the chain.
type batch struct {
	t   pipeline.Table
	rec arrow.Record
}

// stageSpec is the run the stage benchmarks take their chain from.
func stageSpec() job.Spec {
	cfg := pipeline.DefaultConfig(asOf)
	cfg.Projection = &pipeline.Projection{ElectionDate: election}
	plan := &stock.Plan{Regions: map[string]stock.Region{"1771": {Stock: 1000, CapacityDay: 80}}, BufferInHand: 1650}
	return job.Spec{Config: cfg, Regions: regions.Default(), Stock: plan}
}

// feed passes batches through stage s as the runner does: the tables of
// its ports to Apply, the others by, then Finish. It returns what comes
// out, in order; the caller releases it.
func feed(b *testing.B, s pipeline.TableStage, mem memory.Allocator, in []batch) []batch {
	ctx := context.Background()
	ports := s.Ports()
	var out []batch
	emit := func(t pipeline.Table, rec arrow.Record) error {
		rec.Retain()
		out = append(out, batch{t, rec})
		return nil
	}
	for _, x := range in {
		reads, rewrites := slices.Contains(ports.Reads, x.t), slices.Contains(ports.Rewrites, x.t)
		if reads || rewrites {
			if err := s.Apply(ctx, mem, x.t, x.rec, emit); err != nil {
				b.Fatal(err)
			}
		}
		if !rewrites {
			x.rec.Retain()
			out = append(out, x)
		}
	}
	if err := s.Finish(ctx, mem, emit); err != nil {
		b.Fatal(err)
	}
	return out
}

func release(bs []batch) {
	for _, x := range bs {
		x.rec.Release()
	}
}

// BenchmarkStages times each stage of the chain alone, with its
// allocations, on what reaches it in a run of 100,000 CSV rows: the
// batches are computed once by the stages before it, then fed to a new
// instance of the stage at every iteration. The rows/s are of the run's
// input rows.
func BenchmarkStages(b *testing.B) {
	const n = 100_000
	mem := memory.NewGoAllocator()
	in, _ := csvInput(n)
	// The rows' originals stay null: a run writes only the rejected
	// rows', after validate (see pipeline.Runner).
	var stream []batch
	if _, err := source.New(source.Options{}).Read(context.Background(), mem, in, pipeline.DefaultBatchSize, func(rec arrow.Record, _ pipeline.Originals) error {
		rec.Retain()
		stream = append(stream, batch{pipeline.TableRows, rec})
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	chain, err := job.Stages(stageSpec())
	if err != nil {
		b.Fatal(err)
	}
	// inputs[k] is what reaches stage k.
	inputs := [][]batch{stream}
	defer func() {
		for _, in := range inputs {
			release(in)
		}
	}()
	for k := range chain {
		name := chain[k].Name()
		// allocate annotates from the plan that allocate_plan, earlier in
		// the same chain, made: its planner is fed first, untimed.
		planner := -1
		if name == "allocate" {
			planner = slices.IndexFunc(chain, func(s pipeline.TableStage) bool { return s.Name() == "allocate_plan" })
		}
		b.Run(fmt.Sprintf("%d-%s", k+1, name), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				stages, err := job.Stages(stageSpec())
				if err != nil {
					b.Fatal(err)
				}
				if planner >= 0 {
					b.StopTimer()
					release(feed(b, stages[planner], mem, inputs[planner]))
					stages[planner].Release()
					b.StartTimer()
				}
				release(feed(b, stages[k], mem, inputs[k]))
				stages[k].Release()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		inputs = append(inputs, feed(b, chain[k], mem, inputs[k]))
	}
	for _, s := range chain {
		s.Release()
	}
}
