package job

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"

	"readiness/pipeline"
	"readiness/pipeline/sink"
)

// fixtureRun returns the reference scenario's spec writing into a
// temporary folder, in batches of batch rows, and its inputs.
func fixtureRun(t *testing.T, batch int) (Spec, []pipeline.Input) {
	t.Helper()
	spec, err := FixtureSpec()
	if err != nil {
		t.Fatal(err)
	}
	spec.Config.BatchSize = batch
	spec.OutDir = t.TempDir()
	spec.TmpDir = t.TempDir()
	ins, err := FixtureInputs()
	if err != nil {
		t.Fatal(err)
	}
	return spec, ins
}

// TestEveryArrowObjectReleased runs the real source, stages and sinks over
// the reference fixtures, in small batches so that every path is taken
// many times, on a checked allocator: nothing may be left allocated.
// The person stages' spools run in memory (the default budget) and on
// disk (budget 0), and leave no file behind.
func TestEveryArrowObjectReleased(t *testing.T) {
	for _, budget := range []int64{pipeline.DefaultSpoolBudget, 0} {
		t.Run(fmt.Sprintf("spool budget %d", budget), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			spec, ins := fixtureRun(t, 1000)
			spec.Config.SpoolBudget = budget
			r, err := New(spec)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Run(context.Background(), mem, ins)
			if err != nil {
				t.Fatal(err)
			}
			if res.Accounting.RowsIn < 10000 || !res.Accounting.Balanced {
				t.Errorf("accounting %+v", res.Accounting)
			}
			if left, _ := os.ReadDir(spec.TmpDir); len(left) != 0 {
				t.Errorf("run left %d temporary files", len(left))
			}
		})
	}
}

// failingSink fails its nth Write (counting every table), or its Close
// when n is 0.
type failingSink struct {
	n, writes int
}

var errSinkFailed = errors.New("sink failed on purpose")

func (s *failingSink) Name() string    { return "failing" }
func (s *failingSink) Files() []string { return nil }
func (s *failingSink) Abort()          {}
func (s *failingSink) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	s.writes++
	if s.writes == s.n {
		return errSinkFailed
	}
	return nil
}
func (s *failingSink) Close(context.Context) error {
	if s.n == 0 {
		return errSinkFailed
	}
	return nil
}

// A run that fails — at the first rows batch, in the middle of the rows
// while classify holds gathered batches, at the first persons batch while
// classify is finishing, at the summary, or when the outputs are closed —
// leaves nothing allocated: the runner releases what the gathering stages
// hold, and the run's outputs are removed.
func TestFailedRunReleasesEverything(t *testing.T) {
	const batch = 1000
	spec, ins := fixtureRun(t, batch)
	probe := &failingSink{n: -1}
	spec.Sinks = []pipeline.Sink{probe}
	r, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(context.Background(), memory.NewGoAllocator(), ins); err != nil {
		t.Fatal(err)
	}
	total := probe.writes // rows batches, then persons batches, then the summary
	points := []int{0, 1, total / 3, total / 2, total - 1, total}
	for _, n := range points {
		t.Run(fmt.Sprintf("write %d of %d", n, total), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			spec, ins := fixtureRun(t, batch)
			spec.Config.SpoolBudget = 0 // the persons go through files
			spec.Sinks = []pipeline.Sink{&failingSink{n: n}}
			r, err := New(spec)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Run(context.Background(), mem, ins); !errors.Is(err, errSinkFailed) {
				t.Fatalf("err = %v, want the sink's failure", err)
			}
			// A failure at Close comes after the sinks before it committed
			// their files: the output folder's staging folder, not the
			// runner, discards them (sink.OutDir).
			if left, _ := os.ReadDir(spec.OutDir); n != 0 && len(left) != 0 {
				t.Errorf("failed run left %d files", len(left))
			}
			if left, _ := os.ReadDir(spec.TmpDir); len(left) != 0 {
				t.Errorf("failed run left %d temporary files", len(left))
			}
		})
	}
}

// tagger is a toy person stage: it rewrites the persons, appending a
// column, as the allocation will.
type tagger struct{}

func (tagger) Name() string { return "tagger" }
func (tagger) Ports() pipeline.Ports {
	return pipeline.Ports{Rewrites: []pipeline.Table{pipeline.TablePersons}}
}
func (tagger) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for i := 0; i < int(rec.NumRows()); i++ {
		b.Append("toy")
	}
	tag := b.NewArray()
	defer tag.Release()
	fields := append(slices.Clone(rec.Schema().Fields()), arrow.Field{Name: "toy_tag", Type: arrow.BinaryTypes.String, Nullable: true})
	out := array.NewRecord(arrow.NewSchema(fields, nil), append(slices.Clone(rec.Columns()), tag), rec.NumRows())
	defer out.Release()
	return emit(t, out)
}
func (tagger) Finish(context.Context, memory.Allocator, pipeline.Emit) error { return nil }
func (tagger) Release()                                                      {}

// counter is a toy stage that emits a table of its own, as K3 will: one
// row with the number of tagged persons it read.
type counter struct{ n int64 }

const tableToy pipeline.Table = "toy_counts"

func (*counter) Name() string { return "counter" }
func (*counter) Ports() pipeline.Ports {
	return pipeline.Ports{Reads: []pipeline.Table{pipeline.TablePersons}}
}
func (c *counter) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	if rec.Schema().HasField("toy_tag") {
		c.n += rec.NumRows()
	}
	return nil
}
func (c *counter) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.Append(c.n)
	a := b.NewArray()
	defer a.Release()
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "tagged", Type: arrow.PrimitiveTypes.Int64}}, nil), []arrow.Array{a}, 1)
	defer rec.Release()
	return emit(tableToy, rec)
}
func (*counter) Release() {}

// probe is a sink that keeps what it sees of the toy table and the
// summary.
type probe struct {
	tagged  int64
	summary int
}

func (*probe) Name() string                    { return "probe" }
func (*probe) Files() []string                 { return nil }
func (*probe) Close(ctx context.Context) error { return nil }
func (*probe) Abort()                          {}
func (p *probe) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	switch t {
	case tableToy:
		p.tagged += rec.Column(0).(*array.Int64).Value(0)
	case pipeline.TableSummary:
		p.summary += int(rec.NumRows())
	}
	return nil
}

// Stages plug in without changing the runner: a person stage that adds a
// column and a stage that emits a table of its own go between classify and
// aggregate; the column reaches persons.parquet, the table reaches a sink,
// and aggregate still finds its columns by name.
func TestStagesPlugIn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	spec, ins := fixtureRun(t, 4096)
	p := &probe{}
	spec.Sinks = []pipeline.Sink{p}
	r, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	at := slices.IndexFunc(r.Stages, func(s pipeline.TableStage) bool { return s.Name() == "classify" }) + 1
	r.Stages = slices.Insert(r.Stages, at, pipeline.TableStage(tagger{}), pipeline.TableStage(&counter{}))
	res, err := r.Run(context.Background(), mem, ins)
	if err != nil {
		t.Fatal(err)
	}
	var persons int
	for _, st := range res.Stages {
		if st.Name == "classify" {
			persons = st.Out["persons"]
		}
		if st.Name == "tagger" && (st.In["persons"] != persons || st.Out["persons"] != persons) {
			t.Errorf("tagger figures %+v, want %d persons in and out", st, persons)
		}
	}
	if persons == 0 || p.tagged != int64(persons) || p.summary != 11 {
		t.Errorf("%d persons, %d tagged, %d summary rows", persons, p.tagged, p.summary)
	}
	pf, err := file.OpenParquetFile(filepath.Join(spec.OutDir, "persons.parquet"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if pf.MetaData().Schema.ColumnIndexByName("toy_tag") < 0 || pf.NumRows() != int64(persons) {
		t.Errorf("persons.parquet: %d rows, columns %v", pf.NumRows(), pf.MetaData().Schema)
	}
}

// The run's chain lets the runner write only the rejected rows'
// originals: every row reaching the sinks with a reason has its original
// (the JSON of its cells), every other row none.
func TestOriginalsOfRejectedRowsOnly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	spec, ins := fixtureRun(t, 1000)
	spec.Outputs = []string{OutputExceptions}
	rows := &tables{want: map[pipeline.Table]bool{pipeline.TableRows: true}, rows: map[pipeline.Table][]map[string]string{}}
	spec.Sinks = []pipeline.Sink{rows}
	r, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(context.Background(), mem, ins); err != nil {
		t.Fatal(err)
	}
	rejected := 0
	for i, row := range rows.rows[pipeline.TableRows] {
		orig, has := row[pipeline.ColOriginal]
		_, bad := row[pipeline.ColReason]
		switch {
		case bad && (!has || !strings.HasPrefix(orig, "{")):
			t.Fatalf("rejected row %d (%s:%s): original %q", i, row[pipeline.ColFile], row[pipeline.ColRow], orig)
		case !bad && has:
			t.Fatalf("accepted row %d (%s:%s) has an original", i, row[pipeline.ColFile], row[pipeline.ColRow])
		}
		if bad {
			rejected++
		}
	}
	if rejected == 0 || rejected == len(rows.rows[pipeline.TableRows]) {
		t.Fatalf("the run proves nothing: %d rows, %d rejected", len(rows.rows[pipeline.TableRows]), rejected)
	}
}

// Reading the inputs in several workers gives the run of one worker:
// every table reaching the sinks holds the same rows in the same order,
// the output files have the same content, and the manifest's inputs,
// accounting and stage figures (but their durations) are the same.
func TestWorkersGiveTheSameRun(t *testing.T) {
	type run struct {
		tables *tables
		res    *pipeline.Result
		files  map[string]string
	}
	read := func(workers int) run {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		spec, ins := fixtureRun(t, 1000)
		spec.Workers = workers
		spec.Outputs = []string{OutputSummary, OutputExceptions, OutputCandidates}
		all := &tables{want: map[pipeline.Table]bool{}, rows: map[pipeline.Table][]map[string]string{}}
		for _, tb := range []pipeline.Table{pipeline.TableRows, pipeline.TablePersons, pipeline.TableSummary,
			pipeline.TableCandidates, pipeline.TableCandidateStats, pipeline.TableAllocation, pipeline.TableWhatIf} {
			all.want[tb] = true
		}
		spec.Sinks = []pipeline.Sink{all}
		r, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Run(context.Background(), mem, ins)
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.Stages {
			res.Stages[i].DurationMS = 0
		}
		files := map[string]string{}
		for _, s := range r.Sinks {
			for _, f := range s.Files() {
				b, err := os.ReadFile(filepath.Join(spec.OutDir, f))
				if err != nil {
					t.Fatal(err)
				}
				files[f] = string(b)
			}
		}
		return run{all, res, files}
	}
	one := read(1)
	if len(one.tables.rows[pipeline.TableRows]) < 10000 || len(one.tables.rows[pipeline.TablePersons]) == 0 || len(one.files) != 3 {
		t.Fatalf("the run proves nothing: %d rows, %d persons, files %d", len(one.tables.rows[pipeline.TableRows]),
			len(one.tables.rows[pipeline.TablePersons]), len(one.files))
	}
	four := read(4)
	for tb, rows := range one.tables.rows {
		if !reflect.DeepEqual(four.tables.rows[tb], rows) {
			t.Errorf("table %s differs with 4 workers", tb)
		}
	}
	if !reflect.DeepEqual(four.files, one.files) {
		t.Errorf("output files differ with 4 workers")
	}
	if !reflect.DeepEqual(four.res, one.res) {
		t.Errorf("result with 4 workers\n%+v\nwant\n%+v", four.res, one.res)
	}
}

// The province's workbook and the regencies' are written by one sink,
// asked for together or alone: each alone writes its own files, and both
// together write the same workbooks as each alone.
func TestWorkbookOutputs(t *testing.T) {
	write := func(outputs ...string) map[string]map[string]string {
		spec, ins := fixtureRun(t, 5000)
		spec.Outputs = outputs
		r, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Run(context.Background(), memory.DefaultAllocator, ins); err != nil {
			t.Fatal(err)
		}
		books := map[string]map[string]string{}
		for _, s := range r.Sinks {
			for _, f := range s.Files() {
				books[f] = workbookParts(t, filepath.Join(spec.OutDir, f))
			}
		}
		return books
	}
	report, regions, both := write(OutputReport), write(OutputRegions), write(OutputReport, OutputRegions)
	if len(report) != 1 || report[sink.ReportFile] == nil {
		t.Errorf("--outputs report wrote %q", slices.Sorted(maps.Keys(report)))
	}
	if len(regions) < 2 || regions[sink.ReportFile] != nil {
		t.Errorf("--outputs regions wrote %q", slices.Sorted(maps.Keys(regions)))
	}
	maps.Copy(regions, report)
	if !slices.Equal(slices.Sorted(maps.Keys(both)), slices.Sorted(maps.Keys(regions))) {
		t.Fatalf("both wrote %q, want %q", slices.Sorted(maps.Keys(both)), slices.Sorted(maps.Keys(regions)))
	}
	for f, parts := range both {
		if !maps.Equal(parts, regions[f]) {
			t.Errorf("%s differs from the workbook written alone", f)
		}
	}
}

// workbookParts reads the parts of a workbook but its properties (the
// time of writing) and [Content_Types].xml (its parts in any order).
func workbookParts(t *testing.T, path string) map[string]string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	parts := map[string]string{}
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "docProps/") || f.Name == "[Content_Types].xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(b)
	}
	return parts
}
