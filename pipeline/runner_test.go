package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// fakeSource emits, per input, the RawSchema rows of its text (one NIK per
// line), each row's original {"nik":"<the line>"}; an input named "bad"
// fails as unreadable. It fails the run unless the input's reader can read
// the snapshot in place and gives it whole (see Input). With asked set, it
// notes the originals the runner asks for.
type fakeSource struct {
	asked *askedOriginals
}

// askedOriginals notes, by input, the rows whose original was asked for
// (their row numbers) and how many were asked for once the emit had
// returned.
type askedOriginals struct {
	mu   sync.Mutex
	rows map[string][]int32
	late int
}

// fakeOriginals is the Originals of a fakeSource batch.
type fakeOriginals struct {
	path  string
	lines []string // the batch's
	first int      // the batch's first line in the input
	done  *bool    // set when the emit has returned
	asked *askedOriginals
}

func (o fakeOriginals) AppendOriginal(dst []byte, i int) []byte {
	if o.asked != nil {
		o.asked.mu.Lock()
		if *o.done {
			o.asked.late++
		}
		o.asked.rows[o.path] = append(o.asked.rows[o.path], int32(o.first+i+2))
		o.asked.mu.Unlock()
	}
	return fmt.Appendf(dst, `{"nik":%q}`, o.lines[i])
}

func (f fakeSource) Read(ctx context.Context, mem memory.Allocator, in Input, batch int, emit func(arrow.Record, Originals) error) ([]SheetResult, error) {
	if in.Path == "bad" {
		return nil, &InputError{File: in.Path, Err: ErrUnreadable}
	}
	rc, _ := in.Open()
	ra, ok := rc.(interface {
		io.ReaderAt
		Size() int64
		Bytes() []byte
	})
	if !ok || ra.Size() != in.Size {
		return nil, fmt.Errorf("%s: the input's reader %T is no io.ReaderAt of its size with its bytes", in.Path, rc)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if string(ra.Bytes()) != string(data) {
		return nil, fmt.Errorf("%s: the input's reader gives other bytes than it reads", in.Path)
	}
	lines := strings.Fields(string(data))
	b := array.NewRecordBuilder(mem, RawSchema)
	defer b.Release()
	for i := range lines {
		b.Field(0).(*array.StringBuilder).Append(in.Path)
		b.Field(1).(*array.StringBuilder).Append("")
		b.Field(2).(*array.Int32Builder).Append(int32(i + 2))
		for j := 3; j < len(RawSchema.Fields()); j++ {
			b.Field(j).AppendNull()
		}
		if (i+1)%batch == 0 || i == len(lines)-1 {
			rec := b.NewRecord()
			first := i + 1 - int(rec.NumRows())
			done := false
			err := emit(rec, fakeOriginals{path: in.Path, lines: lines[first : i+1], first: first, done: &done, asked: f.asked})
			done = true
			rec.Release()
			if err != nil {
				return nil, err
			}
		}
	}
	return []SheetResult{{DataRows: len(lines)}}, nil
}

// widen appends null columns up to schema: a stand-in for the row stages.
type widen struct {
	name   string
	schema *arrow.Schema
	reject func(row int) bool // the validate stand-in marks rejects
}

func (w widen) Name() string { return w.name }

func (w widen) Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	cols := append([]arrow.Array{}, rec.Columns()...)
	var made []arrow.Array
	for i := len(cols); i < len(w.schema.Fields()); i++ {
		f := w.schema.Field(i)
		b := array.NewBuilder(mem, f.Type)
		for r := 0; r < int(rec.NumRows()); r++ {
			switch {
			case f.Name == ColReason && w.reject != nil && w.reject(r):
				b.(*array.StringBuilder).Append("NIK_MISSING")
			case f.Name == ColDuplicate:
				b.(*array.BooleanBuilder).Append(r%5 == 4)
			default:
				b.AppendNull()
			}
		}
		a := b.NewArray()
		b.Release()
		made = append(made, a)
		cols = append(cols, a)
	}
	out := array.NewRecord(w.schema, cols, rec.NumRows())
	for _, a := range made {
		a.Release()
	}
	return out, nil
}

// counter stands in for a gathering stage: it reads the tables of ports,
// counts their rows, and when it finishes emits an empty batch of table
// emits (if set).
type counter struct {
	name     string
	ports    Ports
	emits    Table
	rows     int
	fail     bool
	released int
}

func (c *counter) Name() string { return c.name }
func (c *counter) Ports() Ports { return c.ports }
func (c *counter) Apply(ctx context.Context, mem memory.Allocator, t Table, rec arrow.Record, emit Emit) error {
	if c.fail {
		return errors.New("boom")
	}
	c.rows += int(rec.NumRows())
	return nil
}
func (c *counter) Finish(ctx context.Context, mem memory.Allocator, emit Emit) error {
	if c.emits == "" {
		return nil
	}
	b := array.NewRecordBuilder(mem, PersonSchema)
	defer b.Release()
	rec := b.NewRecord()
	defer rec.Release()
	return emit(c.emits, rec)
}
func (c *counter) Release() { c.released++ }

type memSink struct {
	rows    map[Table]int
	closed  bool
	aborted bool
}

func (s *memSink) Name() string { return "mem" }
func (s *memSink) Write(ctx context.Context, t Table, rec arrow.Record) error {
	s.rows[t] += int(rec.NumRows())
	return nil
}
func (s *memSink) Close(context.Context) error { s.closed = true; return nil }
func (s *memSink) Abort()                      { s.aborted = true }
func (s *memSink) Files() []string             { return nil }

func input(path, text string) Input {
	return Input{Path: path, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }}
}

func TestRunnerAccounting(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	persons := &counter{name: "persons", ports: Ports{Reads: []Table{TableRows}}, emits: TablePersons}
	summary := &counter{name: "summary", ports: Ports{Reads: []Table{TableRows, TablePersons}}, emits: TableSummary}
	sink := &memSink{rows: map[Table]int{}}
	r := &Runner{
		Source: fakeSource{},
		Stages: []TableStage{
			RowStage(widen{name: "normalize", schema: NormSchema}),
			RowStage(widen{name: "validate", schema: ValidSchema, reject: func(r int) bool { return r%3 == 0 }}),
			RowStage(widen{name: "dedupe", schema: RowSchema}),
			persons, summary,
		},
		Sinks: []Sink{sink}, BatchSize: 4,
	}
	ins := []Input{input("a.csv", strings.Repeat("x ", 10)), {Path: "bad", Open: input("bad", "").Open}, input("b.csv", "x x x")}
	res, err := r.Run(context.Background(), mem, ins)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Error(), "bad") || len(res.Skipped) != 0 {
		t.Errorf("failed = %v", res.Failed)
	}
	a := res.Accounting
	if a.RowsIn != 13 || !a.Balanced || a.RowsIn != a.RowsInPersons+a.DuplicateRows+a.RowsRejected {
		t.Errorf("accounting %+v", a)
	}
	for _, in := range res.Inputs {
		acc := in.ManifestAccount
		if acc.RowsIn != acc.RowsInPersons+acc.DuplicateRows+acc.RowsRejected || !acc.Balanced {
			t.Errorf("%s: %+v", in.Path, acc)
		}
		if in.Path != "bad" && len(in.SHA256) != 64 {
			t.Errorf("%s: sha256 %q", in.Path, in.SHA256)
		}
	}
	if got := fmt.Sprint(res.Inputs[0].RowsIn, res.Inputs[1].Error != "", res.Inputs[2].RowsIn); got != "10 true 3" {
		t.Errorf("per input: %s", got)
	}
	if persons.rows != 13 || summary.rows != 13 || sink.rows[TableRows] != 13 || !sink.closed || sink.aborted {
		t.Errorf("persons %d summary %d sink %+v", persons.rows, summary.rows, sink)
	}
	if persons.released != 1 || summary.released != 1 {
		t.Errorf("released %d and %d times, want once", persons.released, summary.released)
	}
	// Each stage reports only what it did: validate the rejects, dedupe
	// the duplicates (rows 4 and 9 of a.csv; row 4 of the batch of rows
	// 5-8 is rejected, so not a duplicate), and no one else.
	rejected, dups := 0, 0
	for _, st := range res.Stages {
		rejected += st.Rejected
		dups += st.Duplicates
	}
	if len(res.Stages) != 5 || res.Stages[1].Name != "validate" || res.Stages[1].Rejected != a.RowsRejected ||
		rejected != a.RowsRejected || dups != a.DuplicateRows || res.Stages[2].Duplicates != a.DuplicateRows {
		t.Errorf("stages %+v, accounting %+v", res.Stages, a)
	}
	if st := res.Stages[4]; st.In["rows"] != 13 || st.In["persons"] != 0 || st.Out["summary"] != 0 || len(st.Out) != 1 {
		t.Errorf("summary stage figures %+v", st)
	}
}

func TestRunnerAbortsSinksOnStageError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sink := &memSink{rows: map[Table]int{}}
	persons := &counter{name: "persons", ports: Ports{Reads: []Table{TableRows}}, fail: true}
	r := &Runner{
		Source: fakeSource{},
		Stages: []TableStage{
			RowStage(widen{name: "normalize", schema: NormSchema}),
			RowStage(widen{name: "validate", schema: ValidSchema}),
			RowStage(widen{name: "dedupe", schema: RowSchema}),
			persons,
		},
		Sinks: []Sink{sink}, BatchSize: 4,
	}
	_, err := r.Run(context.Background(), mem, []Input{input("a.csv", "x x")})
	if err == nil || !strings.Contains(err.Error(), "stage persons: boom") {
		t.Fatalf("err = %v", err)
	}
	if !sink.aborted || sink.closed {
		t.Errorf("sink %+v: want aborted, not closed", sink)
	}
	if persons.released != 1 {
		t.Errorf("failing stage released %d times, want once", persons.released)
	}
}

func TestPrintDays(t *testing.T) {
	tests := []struct {
		asOf, election string
		holidays       []string
		want           int
	}{
		{"2020-06-30", "2020-12-09", nil, 116},
		{"2020-12-07", "2020-12-09", nil, 2}, // Monday and Tuesday
		{"2020-12-05", "2020-12-07", nil, 0}, // a weekend
		{"2020-12-09", "2020-12-09", nil, 0},
		{"2020-06-30", "2020-12-09", []string{"2020-08-17", "2020-08-22"}, 115}, // a Saturday holiday changes nothing
	}
	for _, tc := range tests {
		var hs []time0
		for _, h := range tc.holidays {
			hs = append(hs, parseDay(h))
		}
		if got := PrintDays(parseDay(tc.asOf), parseDay(tc.election), hs); got != tc.want {
			t.Errorf("PrintDays(%s, %s, %v) = %d, want %d", tc.asOf, tc.election, tc.holidays, got, tc.want)
		}
	}
}

// The manifest's hash is of the bytes the source read: a file that
// changes while the run reads it (a regency uploading during the nightly
// run) is read once, and hashed as read.
func TestRunnerHashesTheBytesRead(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opens := 0
	changing := Input{Path: "a.csv", Open: func() (io.ReadCloser, error) {
		opens++
		text := "x x"
		if opens > 1 {
			text = "x x x x" // what a second open would see
		}
		return io.NopCloser(strings.NewReader(text)), nil
	}}
	r := &Runner{Source: fakeSource{}, BatchSize: 10,
		Stages: []TableStage{RowStage(widen{name: "dedupe", schema: RowSchema})}}
	res, err := r.Run(context.Background(), mem, []Input{changing})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("x x"))
	in := res.Inputs[0]
	if opens != 1 || in.RowsIn != 2 || in.SHA256 != hex.EncodeToString(sum[:]) || in.Size != 3 {
		t.Errorf("opened %d times; manifest %+v", opens, in)
	}
}

// Failed inputs keep their typed error, and the manifest classifies it.
func TestRunnerKeepsTypedErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := &Runner{Source: fakeSource{}, BatchSize: 10}
	res, err := r.Run(context.Background(), mem, []Input{input("bad", "")})
	if err != nil {
		t.Fatal(err)
	}
	var ie *InputError
	if len(res.Failed) != 1 || !errors.As(res.Failed[0], &ie) || ie.File != "bad" || !errors.Is(res.Failed[0], ErrUnreadable) {
		t.Fatalf("failed %v", res.Failed)
	}
	if res.Inputs[0].ErrorKind != KindUnreadable {
		t.Errorf("error_kind %q", res.Inputs[0].ErrorKind)
	}
	for err, want := range map[error]string{
		fmt.Errorf("x: %w", ErrNoHeader): KindNoHeader, context.Canceled: KindCancelled,
		errors.New("other"): KindOther, nil: "",
	} {
		if got := ErrorKind(err); got != want {
			t.Errorf("ErrorKind(%v) = %q, want %q", err, got, want)
		}
	}
}

// local is a widen that declares itself row-local, as normalize and
// validate do; failOn, if set, fails the batch of that file whose first
// row is at that row number.
type local struct {
	widen
	failFile string
	failRow  int32
}

func (l local) RowLocal() bool { return true }

func (l local) Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	if l.failFile != "" && rec.Column(0).(*array.String).Value(0) == l.failFile &&
		rec.Column(2).(*array.Int32).Value(0) == l.failRow {
		return nil, errors.New("boom")
	}
	return l.widen.Apply(ctx, mem, rec)
}

// recorder stands in for the order-dependent stages: it notes every row
// it reads as file:row, and fails (if failAfter > 0) once it has read
// that many rows.
type recorder struct {
	seen      []string
	failAfter int
	released  int
}

func (r *recorder) Name() string { return "recorder" }
func (r *recorder) Ports() Ports { return Ports{Reads: []Table{TableRows}} }
func (r *recorder) Apply(ctx context.Context, mem memory.Allocator, t Table, rec arrow.Record, emit Emit) error {
	files, rows := rec.Column(0).(*array.String), rec.Column(2).(*array.Int32)
	for i := 0; i < int(rec.NumRows()); i++ {
		r.seen = append(r.seen, fmt.Sprintf("%s:%d", files.Value(i), rows.Value(i)))
	}
	if r.failAfter > 0 && len(r.seen) >= r.failAfter {
		return errors.New("boom")
	}
	return nil
}
func (r *recorder) Finish(context.Context, memory.Allocator, Emit) error { return nil }
func (r *recorder) Release()                                             { r.released++ }

// manyInputs returns n inputs of different lengths, the third unreadable.
func manyInputs(n int) []Input {
	var ins []Input
	for i := range n {
		if i == 2 {
			ins = append(ins, Input{Path: "bad", Open: input("bad", "").Open})
			continue
		}
		ins = append(ins, input(fmt.Sprintf("f%d.csv", i), strings.Repeat("x ", 5+7*i)))
	}
	return ins
}

// headTail is a chain whose head (normalize, validate) is row-local and
// whose tail (dedupe, rec) is not.
func headTail(rec *recorder, failFile string, failRow int32) []TableStage {
	return []TableStage{
		RowStage(local{widen: widen{name: "normalize", schema: NormSchema}}),
		RowStage(local{widen: widen{name: "validate", schema: ValidSchema, reject: func(r int) bool { return r%3 == 0 }},
			failFile: failFile, failRow: failRow}),
		RowStage(widen{name: "dedupe", schema: RowSchema}),
		rec,
	}
}

// Reading the inputs in several workers changes nothing the rest of the
// chain, the sinks or the manifest see: the same rows in the same order,
// the same per-input entries, accounting and stage figures.
func TestRunnerWorkersKeepInputOrder(t *testing.T) {
	run := func(workers, inputs int) (*recorder, *memSink, *Result) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rec, sink := &recorder{}, &memSink{rows: map[Table]int{}}
		r := &Runner{Source: fakeSource{}, Stages: headTail(rec, "", 0), Sinks: []Sink{sink},
			BatchSize: 3, Workers: workers, Progress: &Progress{}}
		res, err := r.Run(context.Background(), mem, manyInputs(inputs))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Progress.Snapshot(); got.Files != int64(inputs) || got.Rows != int64(len(rec.seen)) {
			t.Errorf("workers %d: progress %+v", workers, got)
		}
		for i := range res.Stages {
			res.Stages[i].DurationMS = 0
		}
		return rec, sink, res
	}
	for _, inputs := range []int{1, 8} {
		rec1, sink1, res1 := run(1, inputs)
		for _, workers := range []int{2, 4, 16} {
			rec, sink, res := run(workers, inputs)
			if !slices.Equal(rec.seen, rec1.seen) {
				t.Errorf("%d inputs, workers %d: rows seen in another order:\n%v\nwant\n%v", inputs, workers, rec.seen, rec1.seen)
			}
			if !reflect.DeepEqual(sink.rows, sink1.rows) {
				t.Errorf("%d inputs, workers %d: sink got %v, want %v", inputs, workers, sink.rows, sink1.rows)
			}
			if !reflect.DeepEqual(res, res1) {
				t.Errorf("%d inputs, workers %d: result\n%+v\nwant\n%+v", inputs, workers, res, res1)
			}
		}
		if len(rec1.seen) == 0 || res1.Stages[1].Rejected == 0 || res1.Stages[1].In["rows"] != len(rec1.seen) {
			t.Errorf("the run proves nothing: %d rows, stages %+v", len(rec1.seen), res1.Stages)
		}
	}
}

// A run that fails while several workers read — in a row-local stage run
// by a worker, or in the serial part while workers wait with batches —
// stops: nothing stays allocated, no goroutine is left, every stage is
// released once and the sinks are aborted.
func TestRunnerFailureStopsWorkers(t *testing.T) {
	tests := []struct {
		name      string
		failFile  string // the row-local validate fails on this file ...
		failRow   int32  // ... at the batch starting with this row
		failAfter int    // the recorder fails after this many rows
	}{
		{name: "head stage", failFile: "f4.csv", failRow: 8},
		{name: "first head batch", failFile: "f0.csv", failRow: 2},
		{name: "serial stage", failAfter: 40},
		{name: "serial stage at once", failAfter: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			rec, sink := &recorder{failAfter: tc.failAfter}, &memSink{rows: map[Table]int{}}
			r := &Runner{Source: fakeSource{}, Stages: headTail(rec, tc.failFile, tc.failRow), Sinks: []Sink{sink},
				BatchSize: 2, Workers: 4}
			_, err := r.Run(context.Background(), mem, manyInputs(10))
			if err == nil || !strings.Contains(err.Error(), "boom") {
				t.Fatalf("err = %v, want the stage's failure", err)
			}
			mem.AssertSize(t, 0)
			if !sink.aborted || sink.closed || rec.released != 1 {
				t.Errorf("sink %+v, recorder released %d times", sink, rec.released)
			}
			// Run waits for its goroutines; they may take a moment to be
			// gone from the count after they are done.
			for range 200 {
				if runtime.NumGoroutine() <= before {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				t.Errorf("%d goroutines left running", n-before)
			}
		})
	}
}

// A cancelled run stops its workers too.
func TestRunnerWorkersCancelled(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	rec := &cancelling{cancel: cancel}
	r := &Runner{Source: fakeSource{}, BatchSize: 2, Workers: 3, Stages: []TableStage{
		RowStage(local{widen: widen{name: "normalize", schema: NormSchema}}), rec}}
	if _, err := r.Run(ctx, mem, manyInputs(6)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want cancelled", err)
	}
}

// cancelling cancels the run at the first batch it sees.
type cancelling struct{ cancel func() }

func (c *cancelling) Name() string { return "cancelling" }
func (c *cancelling) Ports() Ports { return Ports{Reads: []Table{TableRows}} }
func (c *cancelling) Apply(ctx context.Context, mem memory.Allocator, t Table, rec arrow.Record, emit Emit) error {
	c.cancel()
	return nil
}
func (c *cancelling) Finish(context.Context, memory.Allocator, Emit) error { return nil }
func (c *cancelling) Release()                                             {}

// ctxSink keeps the ctx of every Write and, at Close, fails if any of
// them is done: a sink may use a Write's ctx later (pipeline.Async does).
type ctxSink struct {
	memSink
	ctxs []context.Context
}

func (s *ctxSink) Write(ctx context.Context, t Table, rec arrow.Record) error {
	s.ctxs = append(s.ctxs, ctx)
	return s.memSink.Write(ctx, t, rec)
}

func (s *ctxSink) Close(ctx context.Context) error {
	for _, c := range s.ctxs {
		if c.Err() != nil {
			return fmt.Errorf("a write's ctx is done: %w", c.Err())
		}
	}
	return s.memSink.Close(ctx)
}

// The stages after the head and the sinks get the run's ctx, not one
// the runner cancels when the inputs are done.
func TestRunnerWorkersKeepTheRunsContext(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sink := &ctxSink{memSink: memSink{rows: map[Table]int{}}}
	r := &Runner{Source: fakeSource{}, Stages: headTail(&recorder{}, "", 0), Sinks: []Sink{sink}, BatchSize: 3, Workers: 4}
	if _, err := r.Run(context.Background(), mem, manyInputs(5)); err != nil {
		t.Fatal(err)
	}
	if len(sink.ctxs) == 0 || !sink.closed {
		t.Errorf("sink %+v, %d writes", sink.memSink, len(sink.ctxs))
	}
}

// flushing is a row stage with state to let go of, and counts its Flushes
// and the batches it saw after one.
type flushing struct {
	widen
	flushes, late int
}

func (f *flushing) Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	if f.flushes > 0 {
		f.late++
	}
	return f.widen.Apply(ctx, mem, rec)
}

func (f *flushing) Flush() { f.flushes++ }

// A FlushStage lets go of its state once the rows are done: at Finish in
// a run that succeeds, at Release in one that fails; never before its
// last batch.
func TestRowStageFlushes(t *testing.T) {
	for _, fail := range []bool{false, true} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		dedupe := &flushing{widen: widen{name: "dedupe", schema: RowSchema}}
		stages := []TableStage{
			RowStage(widen{name: "normalize", schema: NormSchema}),
			RowStage(widen{name: "validate", schema: ValidSchema}),
			RowStage(dedupe),
		}
		if fail {
			stages = append(stages, &counter{name: "broken", ports: Ports{Reads: []Table{TableRows}}, fail: true})
		}
		r := &Runner{Source: fakeSource{}, Stages: stages, Sinks: []Sink{&memSink{rows: map[Table]int{}}}, BatchSize: 2}
		_, err := r.Run(context.Background(), mem, []Input{input("a.csv", strings.Repeat("x ", 9)), input("b.csv", "x x x")})
		if (err != nil) != fail {
			t.Fatalf("fail=%v: Run: %v", fail, err)
		}
		if dedupe.flushes == 0 || dedupe.late != 0 {
			t.Errorf("fail=%v: flushed %d times, %d batches after a flush; want flushed, none after", fail, dedupe.flushes, dedupe.late)
		}
		mem.AssertSize(t, 0)
	}
}

// logged stands in for a person stage and notes in log when it is called:
// Apply of the tables in its ports, Finish as it starts and returns. A
// gathering one (gathers) holds the batches it gets and emits them from
// Finish; one that rewrites without gathering emits each batch at once.
type logged struct {
	name    string
	ports   Ports
	gathers bool
	log     *[]string
	held    []arrow.Record
}

func (s *logged) Name() string { return s.name }
func (s *logged) Ports() Ports { return s.ports }
func (s *logged) Apply(ctx context.Context, mem memory.Allocator, t Table, rec arrow.Record, emit Emit) error {
	*s.log = append(*s.log, fmt.Sprintf("%s apply %s", s.name, t))
	switch {
	case s.gathers:
		rec.Retain()
		s.held = append(s.held, rec)
	case slices.Contains(s.ports.Rewrites, t):
		return emit(t, rec)
	}
	return nil
}
func (s *logged) Finish(ctx context.Context, mem memory.Allocator, emit Emit) error {
	*s.log = append(*s.log, s.name+" finish")
	defer s.Release()
	for _, rec := range s.held {
		if err := emit(TablePersons, rec); err != nil {
			return err
		}
	}
	*s.log = append(*s.log, s.name+" finished")
	return nil
}
func (s *logged) Release() {
	for _, rec := range s.held {
		rec.Release()
	}
	s.held = nil
}

// The runner finishes the stages in chain order, each Finish returning
// before the next begins, so what a gathering stage emits from its Finish
// reaches a stage after it only once every stage before the gathering
// one has finished: a pair of stages around it can hand state from the
// first's Finish to the second's Apply (allocate_plan, ganda, allocate).
func TestRunnerFinishesInChainOrder(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var log []string
	persons := Ports{Reads: []Table{TablePersons}}
	rewrites := Ports{Rewrites: []Table{TablePersons}}
	r := &Runner{
		Source: fakeSource{},
		Stages: []TableStage{
			RowStage(widen{name: "dedupe", schema: RowSchema}),
			&counter{name: "classify", ports: Ports{Reads: []Table{TableRows}}, emits: TablePersons},
			&logged{name: "plan", ports: persons, log: &log},
			&logged{name: "gather", ports: rewrites, gathers: true, log: &log},
			&logged{name: "annotate", ports: rewrites, log: &log},
		},
		Sinks: []Sink{&memSink{rows: map[Table]int{}}}, BatchSize: 4,
	}
	if _, err := r.Run(context.Background(), mem, []Input{input("a.csv", "x x x")}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"plan apply persons", "gather apply persons", // classify's Finish
		"plan finish", "plan finished",
		"gather finish", "annotate apply persons", "gather finished",
		"annotate finish", "annotate finished",
	}
	if !slices.Equal(log, want) {
		t.Errorf("calls\n%q\nwant\n%q", log, want)
	}
}

// barrierSink's Close waits until every barrierSink of its group has
// begun closing, so a runner closing them one after another would wait
// forever (until the test's timeout). fail makes Close fail after that.
type barrierSink struct {
	memSink
	name    string
	started *sync.WaitGroup
	fail    bool
	order   *[]string
	mu      *sync.Mutex
}

func (s *barrierSink) Name() string { return s.name }
func (s *barrierSink) Close(ctx context.Context) error {
	if s.started != nil {
		s.started.Done()
		done := make(chan struct{})
		go func() { s.started.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			return errors.New("the other file sinks were not closed meanwhile")
		}
	}
	s.mu.Lock()
	*s.order = append(*s.order, s.name)
	s.mu.Unlock()
	if s.fail {
		return errors.New("disk full")
	}
	s.closed = true
	return nil
}

// The file sinks (Async) are closed together; the others after them, in
// order, and not at all when a file sink failed, whose error is the run's.
func TestRunnerClosesFileSinksTogether(t *testing.T) {
	for _, fail := range []bool{false, true} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var started sync.WaitGroup
		started.Add(2)
		var order []string
		var mu sync.Mutex
		sink := func(name string, file, fail bool) (*barrierSink, Sink) {
			s := &barrierSink{memSink: memSink{rows: map[Table]int{}}, name: name, fail: fail, order: &order, mu: &mu}
			if !file {
				return s, s
			}
			s.started = &started
			return s, Async(s, 2)
		}
		console1, c1 := sink("console 1", false, false)
		report, rs := sink("report", true, fail)
		console2, c2 := sink("console 2", false, false)
		regions, gs := sink("regions", true, false)
		r := &Runner{Source: fakeSource{}, Stages: []TableStage{RowStage(widen{name: "normalize", schema: NormSchema})},
			Sinks: []Sink{c1, rs, c2, gs}, BatchSize: 4}
		_, err := r.Run(context.Background(), mem, []Input{input("a.csv", "x x")})
		mem.AssertSize(t, 0)
		if fail {
			if err == nil || !strings.Contains(err.Error(), "writing report: disk full") {
				t.Fatalf("err = %v, want the report's", err)
			}
			if console1.closed || console2.closed || !console1.aborted || !regions.closed {
				t.Errorf("after a failed file sink: console %+v %+v, regions %+v", console1.memSink, console2.memSink, regions.memSink)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if !report.closed || !regions.closed || len(order) != 4 || order[2] != "console 1" || order[3] != "console 2" {
			t.Errorf("closed in order %v", order)
		}
	}
}

// A worker reads its next input into the memory of its last snapshot:
// what each input is read and hashed as must be its own bytes, whether a
// shorter input follows a longer one or the other way round.
func TestRunnerSnapshotsReuseMemory(t *testing.T) {
	texts := []string{
		strings.Repeat("aaaa ", 3000), "b b", strings.Repeat("cc ", 5000), "d", strings.Repeat("e ", 4000), "",
	}
	for _, workers := range []int{1, 2} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var inputs []Input
		for i, text := range texts {
			inputs = append(inputs, input(fmt.Sprintf("in%d.csv", i), text))
		}
		r := &Runner{Source: fakeSource{}, BatchSize: 1000, Workers: workers,
			Stages: []TableStage{RowStage(widen{name: "dedupe", schema: RowSchema})}}
		res, err := r.Run(context.Background(), mem, inputs)
		if err != nil {
			t.Fatal(err)
		}
		for i, in := range res.Inputs {
			sum := sha256.Sum256([]byte(texts[i]))
			if in.SHA256 != hex.EncodeToString(sum[:]) || in.Size != int64(len(texts[i])) || in.RowsIn != len(strings.Fields(texts[i])) {
				t.Errorf("%d workers: input %d: %d bytes, %d rows, SHA-256 %s; want %d bytes, %d rows, %x",
					workers, i, in.Size, in.RowsIn, in.SHA256, len(texts[i]), len(strings.Fields(texts[i])), sum)
			}
		}
		mem.AssertSize(t, 0)
	}
}

// keeper is a row stage declaring it keeps reasons (ReasonKeeper), as
// dedupe does; with reject set it breaks that promise.
type keeper struct{ widen }

func (keeper) KeepsReasons() bool { return true }

// rowsSink notes every row of the rows table as file:row, with its
// reason and original ("-" for null).
type rowsSink struct {
	memSink
	seen []string
}

func (s *rowsSink) Write(ctx context.Context, t Table, rec arrow.Record) error {
	if t == TableRows {
		col := func(name string) *array.String { return rec.Column(rec.Schema().FieldIndices(name)[0]).(*array.String) }
		files, rows := col(ColFile), rec.Column(2).(*array.Int32)
		reason, orig := col(ColReason), col(ColOriginal)
		text := func(a *array.String, i int) string {
			if a.IsNull(i) {
				return "-"
			}
			return a.Value(i)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			s.seen = append(s.seen, fmt.Sprintf("%s:%d %s %s", files.Value(i), rows.Value(i), text(reason, i), text(orig, i)))
		}
	}
	return s.memSink.Write(ctx, t, rec)
}

// The runner asks the source for the originals of the rows the row-local
// stages reject, and only those, while the source emits their batch, and
// puts each in its row; the other rows' stay null. When a stage after the
// row-local ones may reject rows (it does not declare KeepsReasons), or
// none is row-local, every row gets its original as the source emits it.
// A stage that declares it keeps reasons and rejects rows fails the run.
func TestRunnerOriginalsOfRejectedRows(t *testing.T) {
	validate := widen{name: "validate", schema: ValidSchema, reject: func(r int) bool { return r%3 == 0 }}
	ins := []Input{input("a.csv", "a1 a2 a3 a4 a5 a6 a7 a8 a9 a10"), input("b.csv", "b1 b2 b3 b4 b5")}
	tests := []struct {
		name   string
		stages []TableStage
		all    bool   // every row gets its original
		err    string // the run's error
	}{
		{name: "row-local validate, dedupe keeps reasons", stages: []TableStage{
			RowStage(local{widen: widen{name: "normalize", schema: NormSchema}}),
			RowStage(local{widen: validate}),
			RowStage(keeper{widen{name: "dedupe", schema: RowSchema}}),
		}},
		{name: "dedupe may reject", all: true, stages: []TableStage{
			RowStage(local{widen: widen{name: "normalize", schema: NormSchema}}),
			RowStage(local{widen: validate}),
			RowStage(widen{name: "dedupe", schema: RowSchema}),
		}},
		{name: "validate not row-local", all: true, stages: []TableStage{
			RowStage(local{widen: widen{name: "normalize", schema: NormSchema}}),
			RowStage(validate),
			RowStage(keeper{widen{name: "dedupe", schema: RowSchema}}),
		}},
		{name: "none row-local", all: true, stages: []TableStage{
			RowStage(widen{name: "normalize", schema: NormSchema}),
			RowStage(validate),
		}},
		{name: "a keeper rejects", err: "2 rows rejected and 0 originals", stages: []TableStage{
			RowStage(local{widen: widen{name: "normalize", schema: NormSchema}}),
			RowStage(keeper{validate}),
		}},
	}
	for _, tc := range tests {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s, workers %d", tc.name, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				asked := &askedOriginals{rows: map[string][]int32{}}
				sink := &rowsSink{memSink: memSink{rows: map[Table]int{}}}
				r := &Runner{Source: fakeSource{asked: asked}, Stages: tc.stages, Sinks: []Sink{sink}, BatchSize: 4, Workers: workers}
				_, err := r.Run(context.Background(), mem, ins)
				if tc.err != "" {
					if err == nil || !strings.Contains(err.Error(), tc.err) {
						t.Fatalf("err = %v, want %q", err, tc.err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				// Rows 0 and 3 of each batch of 4 are rejected.
				var want []string
				wantAsked := map[string][]int32{}
				for _, in := range ins {
					rc, _ := in.Open()
					data, _ := io.ReadAll(rc)
					for i, line := range strings.Fields(string(data)) {
						row := int32(i + 2)
						reason, orig := "-", "-"
						if i%4%3 == 0 {
							reason = "NIK_MISSING"
						}
						if reason != "-" || tc.all {
							orig = fmt.Sprintf(`{"nik":%q}`, line)
							wantAsked[in.Path] = append(wantAsked[in.Path], row)
						}
						want = append(want, fmt.Sprintf("%s:%d %s %s", in.Path, row, reason, orig))
					}
				}
				if !slices.Equal(sink.seen, want) {
					t.Errorf("rows reaching the sink:\n%s\nwant\n%s", strings.Join(sink.seen, "\n"), strings.Join(want, "\n"))
				}
				if !reflect.DeepEqual(asked.rows, wantAsked) || asked.late != 0 {
					t.Errorf("originals asked for %v (%d once the emit had returned), want %v", asked.rows, asked.late, wantAsked)
				}
			})
		}
	}
}
