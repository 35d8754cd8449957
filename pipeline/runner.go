package pipeline

import (
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

// Runner drives one run: every input through the source and the row
// stages, the rows into the person stage and the summary stage, and every
// table into the sinks. It observes the stages — one log line each, with
// rows in, rows out, rejected and duration — so they stay silent.
type Runner struct {
	Source    Source
	RowStages []Stage // RawSchema in, RowSchema out
	Persons   Stage   // RowSchema in; a Flusher emitting PersonSchema
	Summary   Stage   // RowSchema and PersonSchema in; a Flusher emitting SummarySchema; optional
	Sinks     []Sink  // written in order; closed only if everything else succeeded
	BatchSize int
}

// Result is what a run did, for the manifest.
type Result struct {
	Inputs     []ManifestInput
	Stages     []ManifestStage
	Accounting ManifestAccount
	Failed     []error // input files that could not be read at all; the run went on
	Skipped    []error // sheets skipped (no header, unreadable) in files otherwise read
}

// Run processes inputs in the order given. An input that cannot be read
// is recorded in the result and the run goes on; any other error stops
// the run and aborts the sinks. The logger comes from ctx
// (zerolog.Ctx).
func (r *Runner) Run(ctx context.Context, mem memory.Allocator, inputs []Input) (res *Result, err error) {
	log := zerolog.Ctx(ctx)
	defer func() {
		if err != nil {
			for _, s := range r.Sinks {
				s.Abort()
			}
		}
	}()
	stages := make([]*observed, 0, len(r.RowStages)+2)
	for _, s := range r.RowStages {
		stages = append(stages, &observed{Stage: s})
	}
	persons := &observed{Stage: r.Persons}
	summary := &observed{Stage: r.Summary}
	if r.Summary == nil {
		summary.Stage = nopStage{}
	}
	res = &Result{}

	for _, in := range inputs {
		mi, err := r.readInput(ctx, mem, in, stages, persons, summary)
		if err != nil {
			return nil, err
		}
		res.Inputs = append(res.Inputs, mi)
		res.Accounting.add(mi.ManifestAccount)
		if mi.Error != "" {
			res.Failed = append(res.Failed, errors.New(mi.Error))
		}
		for _, s := range mi.Sheets {
			if s.Error != "" {
				res.Skipped = append(res.Skipped, errors.New(s.Error))
			}
		}
	}

	recs, err := persons.flush(ctx, mem)
	if err != nil {
		return nil, err
	}
	err = r.each(recs, func(rec arrow.Record) error {
		if err := r.write(ctx, TablePersons, rec); err != nil {
			return err
		}
		_, err := summary.apply(ctx, mem, rec)
		return err
	})
	if err != nil {
		return nil, err
	}
	recs, err = summary.flush(ctx, mem)
	if err != nil {
		return nil, err
	}
	if err := r.each(recs, func(rec arrow.Record) error { return r.write(ctx, TableSummary, rec) }); err != nil {
		return nil, err
	}
	for _, s := range r.Sinks {
		start := time.Now()
		if err := s.Close(ctx); err != nil {
			return nil, fmt.Errorf("writing %s: %w", s.Name(), err)
		}
		log.Debug().Str("sink", s.Name()).Float64("duration_ms", ms(time.Since(start))).Msg("output written")
	}

	for _, s := range append(stages, persons, summary) {
		if _, nop := s.Stage.(nopStage); nop {
			continue
		}
		ms := s.manifest()
		res.Stages = append(res.Stages, ms)
		log.Info().Str("stage", ms.Name).Int("rows_in", ms.RowsIn).Int("rows_out", ms.RowsOut).
			Int("rejected", ms.Rejected).Float64("duration_ms", ms.DurationMS).Msg("stage done")
	}
	res.Accounting.balance()
	return res, nil
}

// readInput reads one input through the row stages. Only a failure of the
// run itself is returned as an error; an unreadable input is recorded.
func (r *Runner) readInput(ctx context.Context, mem memory.Allocator, in Input, stages []*observed, persons, summary *observed) (ManifestInput, error) {
	log := zerolog.Ctx(ctx)
	mi := ManifestInput{Path: in.Path, Size: in.Size}
	sum, size, err := hashInput(in)
	if err != nil {
		mi.Error = (&InputError{File: in.Path, Err: fmt.Errorf("%w: %v", ErrUnreadable, err)}).Error()
		log.Error().Str("file", in.Path).Msg(mi.Error)
		return mi, nil
	}
	mi.SHA256, mi.Size = sum, size

	var acct ManifestAccount
	emit := func(raw arrow.Record) error {
		rec := raw
		rec.Retain()
		for _, s := range stages {
			out, err := s.apply(ctx, mem, rec)
			rec.Release()
			if err != nil {
				return err
			}
			if out == nil {
				return fmt.Errorf("row stage %s emitted nothing", s.Name())
			}
			rec = out
		}
		defer rec.Release()
		acct.add(tallyRows(rec))
		if err := r.write(ctx, TableRows, rec); err != nil {
			return err
		}
		if _, err := persons.apply(ctx, mem, rec); err != nil {
			return err
		}
		_, err := summary.apply(ctx, mem, rec)
		return err
	}
	start := time.Now()
	sheets, err := r.Source.Read(ctx, mem, in, r.BatchSize, emit)
	for _, s := range sheets {
		ms := ManifestSheet{Name: s.Name, Rows: s.DataRows, Hidden: s.Hidden}
		if s.Err != nil {
			ms.Error = s.Err.Error()
			log.Warn().Str("file", in.Path).Str("sheet", s.Name).Msg(ms.Error)
		}
		mi.Sheets = append(mi.Sheets, ms)
	}
	switch {
	case err == nil:
	case errors.Is(err, ErrUnreadable) || errors.Is(err, ErrNoHeader):
		mi.Error = err.Error()
		log.Error().Str("file", in.Path).Msg(mi.Error)
	default:
		return mi, err
	}
	acct.balance()
	mi.ManifestAccount = acct
	log.Info().Str("file", in.Path).Int("rows_in", acct.RowsIn).Int("rejected", acct.RowsRejected).
		Int("duplicates", acct.DuplicateRows).Float64("duration_ms", ms(time.Since(start))).Msg("input read")
	return mi, nil
}

func (r *Runner) write(ctx context.Context, t Table, rec arrow.Record) error {
	for _, s := range r.Sinks {
		if err := s.Write(ctx, t, rec); err != nil {
			return fmt.Errorf("writing %s: %w", s.Name(), err)
		}
	}
	return nil
}

// each calls fn on every record and releases them all, whatever happens.
func (r *Runner) each(recs []arrow.Record, fn func(arrow.Record) error) error {
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	for _, rec := range recs {
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
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

// tallyRows counts a RowSchema batch for the nothing-lost accounting.
func tallyRows(rec arrow.Record) ManifestAccount {
	reason := rec.Column(RowSchema.FieldIndices(ColReason)[0])
	dup := rec.Column(RowSchema.FieldIndices(ColDuplicate)[0]).(*array.Boolean)
	var a ManifestAccount
	for i := 0; i < int(rec.NumRows()); i++ {
		a.RowsIn++
		switch {
		case reason.IsValid(i):
			a.RowsRejected++
		case dup.IsValid(i) && dup.Value(i):
			a.DuplicateRows++
		default:
			a.RowsInPersons++
		}
	}
	return a
}

func hashInput(in Input) (string, int64, error) {
	f, err := in.Open()
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// nopStage stands in for an absent summary stage.
type nopStage struct{}

func (nopStage) Name() string { return "none" }
func (nopStage) Apply(context.Context, memory.Allocator, arrow.Record) (arrow.Record, error) {
	return nil, nil
}
func (nopStage) Flush(context.Context, memory.Allocator) ([]arrow.Record, error) { return nil, nil }

// observed wraps a stage with the totals the runner logs.
type observed struct {
	Stage
	rowsIn, rowsOut, rejected int
	dur                       time.Duration
}

func (o *observed) apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	start := time.Now()
	out, err := o.Apply(ctx, mem, rec)
	o.dur += time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("stage %s: %w", o.Name(), err)
	}
	o.rowsIn += int(rec.NumRows())
	if out != nil {
		o.count(out)
	}
	return out, nil
}

func (o *observed) flush(ctx context.Context, mem memory.Allocator) ([]arrow.Record, error) {
	f, ok := o.Stage.(Flusher)
	if !ok {
		return nil, fmt.Errorf("stage %s cannot be flushed", o.Name())
	}
	start := time.Now()
	recs, err := f.Flush(ctx, mem)
	o.dur += time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("stage %s: %w", o.Name(), err)
	}
	for _, rec := range recs {
		o.count(rec)
	}
	return recs, nil
}

func (o *observed) count(rec arrow.Record) {
	o.rowsOut += int(rec.NumRows())
	if idx := rec.Schema().FieldIndices(ColReason); len(idx) == 1 {
		o.rejected += int(rec.NumRows()) - rec.Column(idx[0]).NullN()
	}
}

func (o *observed) manifest() ManifestStage {
	return ManifestStage{Name: o.Name(), RowsIn: o.rowsIn, RowsOut: o.rowsOut, Rejected: o.rejected,
		DurationMS: ms(o.dur)}
}

// ms is a duration in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
