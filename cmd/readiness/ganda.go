package main

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"readiness/pipeline"
)

// gandaStats is a sink keeping the figures of the K3 candidate search for
// the manifest and the console.
type gandaStats struct {
	m *pipeline.ManifestGanda
}

var _ pipeline.Sink = (*gandaStats)(nil)

func (*gandaStats) Name() string                    { return "ganda" }
func (*gandaStats) Close(ctx context.Context) error { return nil }
func (*gandaStats) Abort()                          {}
func (*gandaStats) Files() []string                 { return nil }

func (g *gandaStats) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if t != pipeline.TableCandidateStats || rec.NumRows() == 0 {
		return nil
	}
	var m pipeline.ManifestGanda
	for name, v := range map[string]*int64{
		pipeline.StatPersons: &m.Persons, pipeline.StatPersonsCompared: &m.PersonsCompared,
		pipeline.StatBlocks: &m.Blocks, pipeline.StatLargestBlock: &m.LargestBlock,
		pipeline.StatComparisons: &m.Comparisons, pipeline.StatCandidates: &m.Candidates,
	} {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return fmt.Errorf("candidate figures lack %s", name)
		}
		a, ok := rec.Column(idx[0]).(*array.Int64)
		if !ok {
			return fmt.Errorf("candidate figure %s is not an int64", name)
		}
		*v = a.Value(0)
	}
	g.m = &m
	return nil
}
