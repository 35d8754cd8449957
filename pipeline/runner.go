package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/rs/zerolog"
)

// DefaultMaxInputSize bounds the size of one input file: the runner holds
// a file's bytes while it is read (see Runner).
const DefaultMaxInputSize = 4 << 30

// Runner drives one run. Every input is read once into memory, hashed,
// and handed to the Source, whose rows (TableRows) flow down the chain of
// Stages and then into every Sink. When the inputs are done, each stage in
// turn finishes (a gathering stage emits what it gathered; see
// TableStage), then the sinks are closed.
//
// The runner observes the stages, so they stay silent: one log line each
// with the rows of each table it received and emitted, the rejects and
// duplicates it added itself, and its own time (time spent downstream of
// an emit is not counted).
type Runner struct {
	Source       Source
	Stages       []TableStage // in chain order
	Sinks        []Sink       // written in order; closed only if everything else succeeded
	BatchSize    int
	MaxInputSize int64     // 0 means DefaultMaxInputSize; a larger file is unreadable
	Progress     *Progress // optional: updated as the run goes, for a progress display
}

// Result is what a run did, for the manifest.
type Result struct {
	Inputs     []ManifestInput
	Stages     []ManifestStage
	Accounting ManifestAccount
	Failed     []error // input files that could not be read at all (*InputError); the run went on
	Skipped    []error // sheets skipped (no header, unreadable) in files otherwise read
}

// Run processes inputs in the order given. An input that cannot be read
// is recorded in the result and the run goes on; any other error stops
// the run and aborts the sinks. Every stage is released when Run returns,
// whatever happened. The logger comes from ctx (zerolog.Ctx).
func (r *Runner) Run(ctx context.Context, mem memory.Allocator, inputs []Input) (res *Result, err error) {
	log := zerolog.Ctx(ctx)
	c := &chain{sinks: r.Sinks, mem: mem}
	for _, s := range r.Stages {
		c.stages = append(c.stages, observe(s))
	}
	defer func() {
		for _, s := range c.stages {
			s.Release()
		}
		if err != nil {
			for _, s := range r.Sinks {
				s.Abort()
			}
		}
	}()

	res = &Result{}
	r.Progress.begin(len(inputs))
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mi, err := r.readInput(ctx, c, in)
		if err != nil {
			return nil, err
		}
		res.Inputs = append(res.Inputs, mi.ManifestInput)
		res.Accounting.add(mi.ManifestAccount)
		if mi.err != nil {
			res.Failed = append(res.Failed, mi.err)
		}
		res.Skipped = append(res.Skipped, mi.skipped...)
		r.Progress.fileDone()
	}

	for i, s := range c.stages {
		r.Progress.setPhase("stage " + s.Name())
		if err := s.finish(ctx, mem, c.emitAfter(ctx, i)); err != nil {
			return nil, err
		}
	}
	for _, s := range r.Sinks {
		r.Progress.setPhase("writing " + s.Name())
		start := time.Now()
		if err := s.Close(ctx); err != nil {
			return nil, fmt.Errorf("writing %s: %w", s.Name(), err)
		}
		log.Debug().Str("sink", s.Name()).Float64("duration_ms", ms(time.Since(start))).Msg("output written")
	}

	for _, s := range c.stages {
		m := s.manifest()
		res.Stages = append(res.Stages, m)
		log.Info().Str("stage", m.Name).Interface("in", m.In).Interface("out", m.Out).
			Int("rejected", m.Rejected).Int("duplicate_rows", m.Duplicates).
			Float64("duration_ms", m.DurationMS).Msg("stage done")
	}
	res.Accounting.balance()
	return res, nil
}

// inputResult is one input's manifest entry with its typed errors.
type inputResult struct {
	ManifestInput
	err     error   // the file could not be read at all
	skipped []error // sheets skipped
}

// readInput reads one input through the chain. Only a failure of the run
// itself is returned as an error; an unreadable input is recorded.
func (r *Runner) readInput(ctx context.Context, c *chain, in Input) (inputResult, error) {
	log := zerolog.Ctx(ctx)
	mi := inputResult{ManifestInput: ManifestInput{Path: in.Path, Size: in.Size}}
	fail := func(err error) {
		mi.err = err
		mi.Error, mi.ErrorKind = err.Error(), ErrorKind(err)
		log.Error().Str("file", in.Path).Str("error_kind", mi.ErrorKind).Msg(mi.Error)
	}
	data, err := r.snapshot(in)
	if err != nil {
		fail(err)
		return mi, nil
	}
	sum := sha256.Sum256(data)
	mi.SHA256, mi.Size = hex.EncodeToString(sum[:]), int64(len(data))
	read := Input{Path: in.Path, Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}

	var acct ManifestAccount
	c.rows = &acct
	defer func() { c.rows = nil }()
	start := time.Now()
	sheets, err := r.Source.Read(ctx, c.mem, read, r.BatchSize, func(rec arrow.Record) error {
		r.Progress.addRows(rec.NumRows())
		return c.push(ctx, 0, TableRows, rec)
	})
	for _, s := range sheets {
		ms := ManifestSheet{Name: s.Name, Rows: s.DataRows, Hidden: s.Hidden}
		if s.Err != nil {
			ms.Error, ms.ErrorKind = s.Err.Error(), ErrorKind(s.Err)
			mi.skipped = append(mi.skipped, s.Err)
			log.Warn().Str("file", in.Path).Str("sheet", s.Name).Str("error_kind", ms.ErrorKind).Msg(ms.Error)
		}
		mi.Sheets = append(mi.Sheets, ms)
	}
	switch {
	case err == nil:
	case errors.Is(err, ErrUnreadable) || errors.Is(err, ErrNoHeader):
		fail(err)
	default:
		return mi, err
	}
	acct.balance()
	mi.ManifestAccount = acct
	log.Info().Str("file", in.Path).Int("rows_in", acct.RowsIn).Int("rejected", acct.RowsRejected).
		Int("duplicates", acct.DuplicateRows).Float64("duration_ms", ms(time.Since(start))).Msg("input read")
	return mi, nil
}

// snapshot reads the whole input: the source reads these bytes and the
// manifest's hash is of them, even if the file changes meanwhile.
func (r *Runner) snapshot(in Input) ([]byte, error) {
	limit := r.MaxInputSize
	if limit <= 0 {
		limit = DefaultMaxInputSize
	}
	unreadable := func(err error) error {
		return &InputError{File: in.Path, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
	}
	if in.Size > limit {
		return nil, unreadable(fmt.Errorf("file is larger than %d bytes", limit))
	}
	f, err := in.Open()
	if err != nil {
		return nil, unreadable(err)
	}
	var buf bytes.Buffer
	if in.Size > 0 {
		buf.Grow(int(in.Size))
	}
	_, err = buf.ReadFrom(io.LimitReader(f, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, unreadable(err)
	}
	if int64(buf.Len()) > limit {
		return nil, unreadable(fmt.Errorf("file is larger than %d bytes", limit))
	}
	return buf.Bytes(), nil
}

// chain pushes batches down the stages and into the sinks.
type chain struct {
	stages []*observed
	sinks  []Sink
	mem    memory.Allocator
	rows   *ManifestAccount // accounting of the input being read; rows reaching the sinks are counted
}

// push delivers rec, a batch of t, to stage i and what follows it. rec is
// borrowed.
func (c *chain) push(ctx context.Context, i int, t Table, rec arrow.Record) error {
	for ; i < len(c.stages); i++ {
		s := c.stages[i]
		switch {
		case s.rewrites[t]:
			return s.apply(ctx, c.mem, t, rec, c.emitAfter(ctx, i))
		case s.reads[t]:
			if err := s.apply(ctx, c.mem, t, rec, c.emitAfter(ctx, i)); err != nil {
				return err
			}
		}
	}
	if t == TableRows && c.rows != nil {
		c.rows.add(tallyRows(rec))
	}
	for _, s := range c.sinks {
		if err := s.Write(ctx, t, rec); err != nil {
			return fmt.Errorf("writing %s: %w", s.Name(), err)
		}
	}
	return nil
}

// emitAfter is the Emit of stage i: it counts what the stage emits and
// pushes it on to stage i+1, timing the downstream work so that it is not
// charged to stage i.
func (c *chain) emitAfter(ctx context.Context, i int) Emit {
	s := c.stages[i]
	return func(t Table, rec arrow.Record) error {
		s.emitted(t, rec)
		start := time.Now()
		err := c.push(ctx, i+1, t, rec)
		s.downstream += time.Since(start)
		return err
	}
}

// balance sets Balanced: every row is in a person, a duplicate or rejected.
func (a *ManifestAccount) balance() {
	a.Balanced = a.RowsIn == a.RowsInPersons+a.DuplicateRows+a.RowsRejected
}

func (a *ManifestAccount) add(b ManifestAccount) {
	a.RowsIn += b.RowsIn
	a.RowsInPersons += b.RowsInPersons
	a.DuplicateRows += b.DuplicateRows
	a.RowsRejected += b.RowsRejected
}

// tallyRows counts a batch of the rows table for the nothing-lost
// accounting: a row with a reason is rejected, one marked duplicate is a
// duplicate, any other is in a person.
func tallyRows(rec arrow.Record) ManifestAccount {
	rejected, dups := rejectedRows(rec), duplicateRows(rec)
	n := int(rec.NumRows())
	return ManifestAccount{RowsIn: n, RowsRejected: rejected, DuplicateRows: dups, RowsInPersons: n - rejected - dups}
}

// rejectedRows counts the rows of rec with a reason.
func rejectedRows(rec arrow.Record) int {
	idx := rec.Schema().FieldIndices(ColReason)
	if len(idx) != 1 {
		return 0
	}
	return int(rec.NumRows()) - rec.Column(idx[0]).NullN()
}

// duplicateRows counts the accepted rows of rec marked duplicate.
func duplicateRows(rec arrow.Record) int {
	idx := rec.Schema().FieldIndices(ColDuplicate)
	if len(idx) != 1 {
		return 0
	}
	dup, ok := rec.Column(idx[0]).(*array.Boolean)
	if !ok {
		return 0
	}
	var reason arrow.Array
	if r := rec.Schema().FieldIndices(ColReason); len(r) == 1 {
		reason = rec.Column(r[0])
	}
	n := 0
	for i := 0; i < dup.Len(); i++ {
		if dup.IsValid(i) && dup.Value(i) && (reason == nil || reason.IsNull(i)) {
			n++
		}
	}
	return n
}

// observed wraps a stage with the figures the runner logs.
type observed struct {
	TableStage
	reads, rewrites      map[Table]bool
	in, out              map[Table]int
	rejected, duplicates int // added by the stage itself to the tables it rewrites
	dur, downstream      time.Duration
	released             bool
}

func observe(s TableStage) *observed {
	o := &observed{TableStage: s, reads: map[Table]bool{}, rewrites: map[Table]bool{},
		in: map[Table]int{}, out: map[Table]int{}}
	p := s.Ports()
	for _, t := range p.Reads {
		o.reads[t] = true
	}
	for _, t := range p.Rewrites {
		o.rewrites[t] = true
	}
	return o
}

func (o *observed) apply(ctx context.Context, mem memory.Allocator, t Table, rec arrow.Record, emit Emit) error {
	o.in[t] += int(rec.NumRows())
	if o.rewrites[t] {
		o.rejected -= rejectedRows(rec)
		o.duplicates -= duplicateRows(rec)
	}
	start, down := time.Now(), o.downstream
	err := o.Apply(ctx, mem, t, rec, emit)
	o.dur += time.Since(start) - (o.downstream - down)
	if err != nil {
		return fmt.Errorf("stage %s: %w", o.Name(), err)
	}
	return nil
}

func (o *observed) finish(ctx context.Context, mem memory.Allocator, emit Emit) error {
	start, down := time.Now(), o.downstream
	err := o.Finish(ctx, mem, emit)
	o.dur += time.Since(start) - (o.downstream - down)
	if err != nil {
		return fmt.Errorf("stage %s: %w", o.Name(), err)
	}
	return nil
}

func (o *observed) emitted(t Table, rec arrow.Record) {
	o.out[t] += int(rec.NumRows())
	if o.rewrites[t] {
		o.rejected += rejectedRows(rec)
		o.duplicates += duplicateRows(rec)
	}
}

// Release releases the stage once.
func (o *observed) Release() {
	if !o.released {
		o.released = true
		o.TableStage.Release()
	}
}

func (o *observed) manifest() ManifestStage {
	m := ManifestStage{Name: o.Name(), In: map[string]int{}, Out: map[string]int{},
		Rejected: o.rejected, Duplicates: o.duplicates, DurationMS: ms(o.dur)}
	for t, n := range o.in {
		m.In[string(t)] = n
	}
	for t, n := range o.out {
		m.Out[string(t)] = n
	}
	return m
}

// RowStage makes a row Stage a TableStage that rewrites the rows table:
// every batch in gives exactly one batch out, with the same rows.
func RowStage(s Stage) TableStage { return rowStage{s} }

type rowStage struct{ Stage }

func (rowStage) Ports() Ports { return Ports{Rewrites: []Table{TableRows}} }

func (s rowStage) Apply(ctx context.Context, mem memory.Allocator, t Table, rec arrow.Record, emit Emit) error {
	out, err := s.Stage.Apply(ctx, mem, rec)
	if err != nil {
		return err
	}
	if out == nil {
		return errors.New("row stage emitted nothing")
	}
	defer out.Release()
	if out.NumRows() != rec.NumRows() {
		return fmt.Errorf("row stage emitted %d rows for %d", out.NumRows(), rec.NumRows())
	}
	return emit(t, out)
}

func (rowStage) Finish(context.Context, memory.Allocator, Emit) error { return nil }

func (rowStage) Release() {}

// ms is a duration in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
