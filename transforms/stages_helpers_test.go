package transforms

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// checkedMem returns an allocator that fails the test if anything is left
// allocated when the test ends.
func checkedMem(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// recordJSON builds a batch of schema from a JSON array; absent fields are null.
func recordJSON(t *testing.T, mem memory.Allocator, schema *arrow.Schema, text string) arrow.Record {
	t.Helper()
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(text))
	if err != nil {
		t.Fatalf("building %s batch: %v", schema, err)
	}
	return rec
}

// rowsOf decodes a batch into one map per row, keyed by column name, with
// dates as YYYY-MM-DD.
func rowsOf(t *testing.T, rec arrow.Record) []map[string]any {
	t.Helper()
	data, err := rec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func jsonMarshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// applyStages passes rec (borrowed) through stages in order and returns
// the last output, which the caller releases.
func applyStages(t *testing.T, mem memory.Allocator, rec arrow.Record, stages ...pipeline.Stage) arrow.Record {
	t.Helper()
	rec.Retain()
	for _, s := range stages {
		out, err := s.Apply(context.Background(), mem, rec)
		rec.Release()
		if err != nil {
			t.Fatalf("%s: %v", s.Name(), err)
		}
		rec = out
	}
	return rec
}

// emitted gathers what a TableStage emits, by table; the records are
// retained and released when the test ends.
type emitted map[pipeline.Table][]arrow.Record

func (e emitted) emit(t *testing.T) pipeline.Emit {
	return func(tb pipeline.Table, rec arrow.Record) error {
		rec.Retain()
		e[tb] = append(e[tb], rec)
		t.Cleanup(rec.Release)
		return nil
	}
}

// applyTable gives rec (borrowed), a batch of table tb, to s and fails the
// test on an error.
func applyTable(t *testing.T, mem memory.Allocator, s pipeline.TableStage, tb pipeline.Table, rec arrow.Record, out emitted) {
	t.Helper()
	if err := s.Apply(context.Background(), mem, tb, rec, out.emit(t)); err != nil {
		t.Fatalf("%s: Apply(%s): %v", s.Name(), tb, err)
	}
}

// finish finishes s, releases it, and returns everything it emitted,
// including what out already holds.
func finish(t *testing.T, mem memory.Allocator, s pipeline.TableStage, out emitted) emitted {
	t.Helper()
	defer s.Release()
	if err := s.Finish(context.Background(), mem, out.emit(t)); err != nil {
		t.Fatalf("%s: Finish: %v", s.Name(), err)
	}
	return out
}

// spoolCase is a spool a gathering stage is tested with.
type spoolCase struct {
	name string
	new  func(t *testing.T) pipeline.NewSpool
}

// spoolCases are in memory (nil, the default) and every batch on disk (a
// budget of 0), whose folder must be empty again when the test ends.
var spoolCases = []spoolCase{
	{"memory", func(*testing.T) pipeline.NewSpool { return nil }},
	{"disk", func(t *testing.T) pipeline.NewSpool {
		return pipeline.DiskSpool(pipeline.DiskScratch(emptiedDir(t)), 0)
	}},
}

// emptiedDir returns a temporary folder that must be empty again when the
// test ends.
func emptiedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() {
		if es, err := os.ReadDir(dir); err != nil || len(es) != 0 {
			t.Errorf("temporary folder holds %v (%v) after the test", es, err)
		}
	})
	return dir
}

// storeCase is where classify keeps the rows it gathers in a test.
type storeCase struct {
	name  string
	spill func(t *testing.T) pipeline.NewScratch
	chunk int // bytes of a chunk of the store; 0: storeChunkSize
}

// storeCases are in memory (nil, the default) and every full chunk on
// disk (a budget of 0) in chunks of 300 bytes, so that a test's rows
// spread over many chunks, some rows are longer than a chunk, and a NIK's
// later rows are often in a chunk far ahead; the folder must be empty
// again when the test ends.
var storeCases = []storeCase{
	{"memory", func(*testing.T) pipeline.NewScratch { return nil }, 0},
	{"disk", func(t *testing.T) pipeline.NewScratch { return pipeline.DiskScratch(emptiedDir(t)) }, 300},
}

// newClassify returns a classify stage of cfg keeping its rows as sc says.
func (sc storeCase) newClassify(t *testing.T, cfg ClassifyConfig) *Classify {
	t.Helper()
	cfg.Spill, cfg.SpillBudget = sc.spill(t), 0
	c, err := NewClassify(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.rows.chunkSize = sc.chunk
	return c
}
