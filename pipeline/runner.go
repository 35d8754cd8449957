package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
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
// TableStage), then the sinks are closed: those made with Async (each
// writing files of its own) at the same time, each in a goroutine, then
// the others in order (see closeSinks).
//
// Inputs are read Workers at a time. The head of the chain — the Source
// and the leading run of stages whose Ports are RowLocal (normalize,
// validate) — runs in a worker goroutine, one input per worker; the rest
// of the chain and the sinks run in one goroutine that takes the batches
// of each input strictly in input order. So every stage after the head
// and every sink sees exactly the batches, in exactly the order, of a run
// that reads the inputs one after the other. A worker that is ahead goes
// on while the batches waiting, over every input, hold at most 32 MiB
// (one batch of each input may always wait; at most Workers inputs are
// snapshotted, read or waiting at once). What the runner records of an
// input — its manifest entry, its log lines, the files done in Progress —
// is recorded in input order, when its last batch has gone down the
// chain.
//
// The rows' originals (ColOriginal: a row's cells as the file holds them)
// are written by the runner from the Source's Originals, while the
// source's batch is alive. When the head's stages are row stages
// (RowStage) and no stage after them that rewrites the rows may reject
// one (Ports.KeepsReasons), only the rows the head rejected get theirs,
// as their batch leaves the head (the others' stays null): they are the
// only rows a sink prints it for. Otherwise every row gets its original
// as the source emits it. A rows batch reaching the sinks with more
// rejected rows than originals, in the first case, fails the run: a
// stage rejected rows though it declared it keeps reasons.
//
// The runner observes the stages, so they stay silent: one log line each
// with the rows of each table it received and emitted, the rejects and
// duplicates it added itself, and its own time (time spent downstream of
// an emit is not counted). The time of a head stage is the sum over its
// calls, which may overlap in several workers.
//
// An unreadable input is recorded and the run goes on. Any other error —
// a stage's, a sink's, ctx cancelled — stops every worker; Run returns
// only when no goroutine it started is left, with every batch in flight
// released.
type Runner struct {
	Source       Source
	Stages       []TableStage // in chain order
	Sinks        []Sink       // written in order; closed only if everything else succeeded
	BatchSize    int
	MaxInputSize int64 // 0 means DefaultMaxInputSize; a larger file is unreadable
	// Workers is how many inputs are read at once; 0 means
	// runtime.GOMAXPROCS(0). With 1 the inputs are read one after the
	// other in Run's goroutine; with more, even a single input is read in
	// a worker while Run's goroutine runs the rest of the chain.
	Workers  int
	Progress *Progress // optional: updated as the run goes, for a progress display
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
// whatever happened, and no goroutine of the run is left. The logger
// comes from ctx (zerolog.Ctx).
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
	if err := r.readInputs(ctx, c, inputs, res); err != nil {
		return nil, err
	}

	for i, s := range c.stages {
		r.Progress.setPhase("stage " + s.Name())
		if err := s.finish(ctx, mem, c.emitAfter(ctx, i)); err != nil {
			return nil, err
		}
	}
	if err := r.closeSinks(ctx); err != nil {
		return nil, err
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

// closeSinks closes the sinks. Those made with Async write files of their
// own and are closed at once, each in a goroutine (a workbook is laid out
// and zipped in its Close); the others (the console's) in order, once
// those are done and only if none failed. The error is that of the first
// sink, in order, that failed.
func (r *Runner) closeSinks(ctx context.Context) error {
	log := zerolog.Ctx(ctx)
	errs := make([]error, len(r.Sinks))
	closeSink := func(i int) {
		s := r.Sinks[i]
		start := time.Now()
		if err := s.Close(ctx); err != nil {
			errs[i] = fmt.Errorf("writing %s: %w", s.Name(), err)
			return
		}
		log.Debug().Str("sink", s.Name()).Float64("duration_ms", ms(time.Since(start))).Msg("output written")
	}
	r.Progress.setPhase("writing the outputs")
	var wg sync.WaitGroup
	for i, s := range r.Sinks {
		if _, ok := s.(*asyncSink); ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				closeSink(i)
			}()
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for i, s := range r.Sinks {
		if _, ok := s.(*asyncSink); !ok {
			if closeSink(i); errs[i] != nil {
				return errs[i]
			}
		}
	}
	return nil
}

// readInputs reads every input through the chain and records it in res,
// in input order. With more than one worker, the head of the chain (the
// source and the leading row-local stages) runs in worker goroutines and
// the rest in this one; see Runner.
func (r *Runner) readInputs(ctx context.Context, c *chain, inputs []Input, res *Result) error {
	head := c.rowLocal()
	c.headOriginals = c.originalsAtHead(head)
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 || len(inputs) == 0 {
		var buf []byte
		for _, in := range inputs {
			if err := ctx.Err(); err != nil {
				return err
			}
			var acct ManifestAccount
			c.rows = &acct
			var h headResult
			h, buf = r.readHead(ctx, c, head, in, buf, func(t Table, rec arrow.Record) error {
				return c.push(ctx, head, t, rec)
			})
			c.rows = nil
			if err := r.record(ctx, c, in, h, acct, res); err != nil {
				return err
			}
		}
		return nil
	}

	// Even one input is read in a worker of its own, while this goroutine
	// runs the rest of the chain. Only the workers get wctx, which is
	// cancelled when this returns: the rest of the chain gets the run's
	// ctx, which a stage or a sink may keep for later (pipeline.Async
	// writes with it after the inputs are done). A failed worker cancels
	// wctx, and this goroutine stops at the next batch. The workers take inputs in order from
	// work; the window of inputs dispatched and not yet recorded is at
	// most workers wide, so one worker is always free for the input this
	// goroutine waits on.
	workers = min(workers, len(inputs))
	wctx, cancel := context.WithCancelCause(ctx)
	queued, stopWaking := newWaiting(wctx, len(inputs), waitingBudget)
	heads := make([]headResult, len(inputs))
	work := make(chan int, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte // the last snapshot's memory, for the next
			for i := range work {
				buf = r.readWorker(wctx, cancel, c, head, inputs[i], i, queued, &heads[i], buf)
			}
		}()
	}
	dispatched, closed := 0, false
	dispatch := func(n int) {
		for ; dispatched < min(n, len(inputs)); dispatched++ {
			work <- dispatched
		}
		if dispatched == len(inputs) && !closed {
			close(work)
			closed = true
		}
	}
	defer func() {
		cancel(nil)
		if !closed {
			close(work)
		}
		wg.Wait()
		stopWaking()
		queued.release()
	}()
	// fail stops the workers and returns the run's first failure.
	fail := func(err error) error {
		cancel(err)
		return context.Cause(wctx)
	}

	dispatch(workers)
	for i, in := range inputs {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		var acct ManifestAccount
		c.rows = &acct
		for {
			b, ok := queued.take(i)
			if !ok {
				break
			}
			err := c.push(ctx, head, b.t, b.rec)
			b.rec.Release()
			if err != nil {
				c.rows = nil
				return fail(err)
			}
		}
		c.rows = nil
		if wctx.Err() != nil { // a worker failed: what is queued is dropped
			return fail(context.Cause(wctx))
		}
		// The worker said input i was done after setting heads[i].
		if err := r.record(ctx, c, in, heads[i], acct, res); err != nil {
			return fail(err)
		}
		dispatch(i + 1 + workers)
	}
	return nil
}

// readWorker reads input i through the head of the chain, queueing what
// it emits, and says the input is done when it is (after setting *h). A
// failure that stops the run cancels ctx at once, so that the other
// workers stop too. buf is memory the snapshot may use; readWorker
// returns the memory it is done with, for the worker's next input.
func (r *Runner) readWorker(ctx context.Context, cancel context.CancelCauseFunc, c *chain, head int, in Input, i int, queued *waiting, h *headResult, buf []byte) []byte {
	defer queued.done(i)
	if err := ctx.Err(); err != nil {
		h.err = context.Cause(ctx)
		return buf
	}
	*h, buf = r.readHead(ctx, c, head, in, buf, func(t Table, rec arrow.Record) error {
		rec.Retain()
		if !queued.put(i, tableBatch{t, rec, recordSize(rec)}) {
			rec.Release()
			return context.Cause(ctx)
		}
		return nil
	})
	if h.err != nil && !inputFailure(h.err) {
		cancel(h.err)
	}
	return buf
}

// headResult is what reading one input through the head of the chain
// gave: the snapshot's hash, the source's sheets and error, and the head
// stages' figures for this input.
type headResult struct {
	snapErr error // the file could not be read into memory (an *InputError)
	sha256  string
	size    int64
	sheets  []SheetResult
	err     error // Source.Read's error, or the head's
	stages  []*observed
	start   time.Time
}

// readHead reads one input: its snapshot, then the source, whose batches
// go through the first head stages of c (in copies that count this
// input's figures) and then to deliver. It may run in a worker goroutine:
// it touches nothing of c but its allocator and the head stages' Apply.
// The snapshot goes into buf when it fits; readHead returns the memory the
// snapshot used, which nothing refers to once the source is done.
func (r *Runner) readHead(ctx context.Context, c *chain, head int, in Input, buf []byte, deliver func(Table, arrow.Record) error) (headResult, []byte) {
	var h headResult
	data, err := r.snapshot(in, buf)
	if err != nil {
		h.snapErr = err
		return h, buf
	}
	sum := sha256.Sum256(data)
	h.sha256, h.size = hex.EncodeToString(sum[:]), int64(len(data))
	read := Input{Path: in.Path, Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
		return snapshotReader{bytes.NewReader(data), data}, nil
	}}
	hc := &chain{mem: c.mem, deliver: deliver}
	for _, s := range c.stages[:head] {
		hc.stages = append(hc.stages, s.clone())
	}
	h.stages = hc.stages
	// The source's batch being emitted, while it is: the head's rows
	// batch for it gets the originals of its rejected rows.
	var (
		orig Originals
		rows int64
	)
	if c.headOriginals {
		hc.deliver = func(t Table, rec arrow.Record) error {
			if t != TableRows {
				return deliver(t, rec)
			}
			if orig == nil || rec.NumRows() != rows {
				return fmt.Errorf("the row-local stages emitted %d rows for a batch of %d", rec.NumRows(), rows)
			}
			out, err := rejectedOriginals(c.mem, rec, orig)
			if err != nil {
				return err
			}
			defer out.Release()
			return deliver(t, out)
		}
	}
	h.start = time.Now()
	h.sheets, h.err = r.Source.Read(ctx, c.mem, read, r.BatchSize, func(rec arrow.Record, o Originals) error {
		r.Progress.addRows(rec.NumRows())
		if !c.headOriginals {
			all, err := WithOriginals(c.mem, rec, o, nil)
			if err != nil {
				return err
			}
			defer all.Release()
			return hc.push(ctx, 0, TableRows, all)
		}
		orig, rows = o, rec.NumRows()
		defer func() { orig, rows = nil, 0 }()
		return hc.push(ctx, 0, TableRows, rec)
	})
	return h, data
}

// inputFailure reports whether err is the failure of one input (it is
// recorded and the run goes on) rather than of the run.
func inputFailure(err error) bool {
	return errors.Is(err, ErrUnreadable) || errors.Is(err, ErrNoHeader)
}

// inputResult is one input's manifest entry with its typed errors.
type inputResult struct {
	ManifestInput
	err     error   // the file could not be read at all
	skipped []error // sheets skipped
}

// record records one input, read through the whole chain, in res: its
// manifest entry, accounting (acct) and errors, the head stages' figures,
// its log lines and Progress. Only a failure of the run itself is
// returned as an error; an unreadable input is recorded.
func (r *Runner) record(ctx context.Context, c *chain, in Input, h headResult, acct ManifestAccount, res *Result) error {
	log := zerolog.Ctx(ctx)
	mi := inputResult{ManifestInput: ManifestInput{Path: in.Path, Size: in.Size}}
	fail := func(err error) {
		mi.err = err
		mi.Error, mi.ErrorKind = err.Error(), ErrorKind(err)
		log.Error().Str("file", in.Path).Str("error_kind", mi.ErrorKind).Msg(mi.Error)
	}
	if h.snapErr != nil {
		fail(h.snapErr)
	} else {
		mi.SHA256, mi.Size = h.sha256, h.size
		for _, s := range h.sheets {
			ms := ManifestSheet{Name: s.Name, Rows: s.DataRows, Hidden: s.Hidden}
			if s.Err != nil {
				ms.Error, ms.ErrorKind = s.Err.Error(), ErrorKind(s.Err)
				mi.skipped = append(mi.skipped, s.Err)
				log.Warn().Str("file", in.Path).Str("sheet", s.Name).Str("error_kind", ms.ErrorKind).Msg(ms.Error)
			}
			mi.Sheets = append(mi.Sheets, ms)
		}
		switch {
		case h.err == nil:
		case inputFailure(h.err):
			fail(h.err)
		default:
			return h.err
		}
		for i, s := range h.stages {
			c.stages[i].merge(s)
		}
		acct.balance()
		mi.ManifestAccount = acct
		log.Info().Str("file", in.Path).Int("rows_in", acct.RowsIn).Int("rejected", acct.RowsRejected).
			Int("duplicates", acct.DuplicateRows).Float64("duration_ms", ms(time.Since(h.start))).Msg("input read")
	}

	res.Inputs = append(res.Inputs, mi.ManifestInput)
	res.Accounting.add(mi.ManifestAccount)
	if mi.err != nil {
		res.Failed = append(res.Failed, mi.err)
	}
	res.Skipped = append(res.Skipped, mi.skipped...)
	r.Progress.fileDone()
	return nil
}

// snapshotReader reads a snapshot. It is an io.ReaderAt with a Size, and
// Bytes gives the snapshot whole, so that a source may read the bytes in
// place instead of copying them (see Input).
type snapshotReader struct {
	*bytes.Reader
	data []byte
}

func (snapshotReader) Close() error { return nil }

// Bytes returns the snapshot, not to be changed.
func (s snapshotReader) Bytes() []byte { return s.data }

// snapshot reads the whole input: the source reads these bytes and the
// manifest's hash is of them, even if the file changes meanwhile. They go
// into buf's memory when it is large enough: a new buffer would be zeroed
// and faulted in, page by page, for every input (about 0.2 CPU s for the
// 180 MB of a 1M-row set).
func (r *Runner) snapshot(in Input, buf []byte) ([]byte, error) {
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
	if need := int(in.Size) + bytes.MinRead; in.Size > 0 && cap(buf) < need {
		// ReadFrom wants bytes.MinRead free before it sees the end: without
		// them it would double a buffer the file just fills. A buffer too
		// small for this input is replaced by one of the input's size, not
		// doubled as bytes.Buffer's Grow would: the runtime zeroes (and the
		// kernel maps) every byte of it.
		buf = make([]byte, 0, need)
	}
	b := bytes.NewBuffer(buf[:0])
	_, err = b.ReadFrom(io.LimitReader(f, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, unreadable(err)
	}
	if int64(b.Len()) > limit {
		return nil, unreadable(fmt.Errorf("file is larger than %d bytes", limit))
	}
	return b.Bytes(), nil
}

// chain pushes batches down the stages and into the sinks, or, for the
// head of the chain run by a worker, down the head stages and then to
// deliver.
type chain struct {
	stages  []*observed
	sinks   []Sink
	mem     memory.Allocator
	rows    *ManifestAccount                // accounting of the input being read; rows reaching the sinks are counted
	deliver func(Table, arrow.Record) error // if set, takes what leaves the last stage instead of the sinks
	// headOriginals says the head of the chain writes the originals of
	// the rows it rejects, and only those (originalsAtHead); otherwise
	// every row's is written as the source emits it.
	headOriginals bool
}

// rowLocal returns how many of the first stages are row-local (Ports).
func (c *chain) rowLocal() int {
	n := 0
	for n < len(c.stages) && c.stages[n].rowLocal {
		n++
	}
	return n
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
	if c.deliver != nil {
		return c.deliver(t, rec)
	}
	if t == TableRows && c.rows != nil {
		c.rows.add(tallyRows(rec))
	}
	if t == TableRows && c.headOriginals {
		if err := checkOriginals(rec); err != nil {
			return err
		}
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
	rowLocal             bool
	keepsReasons         bool
	in, out              map[Table]int
	rejected, duplicates int // added by the stage itself to the tables it rewrites
	dur, downstream      time.Duration
	released             bool
}

func observe(s TableStage) *observed {
	o := &observed{TableStage: s, reads: map[Table]bool{}, rewrites: map[Table]bool{},
		in: map[Table]int{}, out: map[Table]int{}}
	p := s.Ports()
	o.rowLocal, o.keepsReasons = p.RowLocal, p.KeepsReasons
	for _, t := range p.Reads {
		o.reads[t] = true
	}
	for _, t := range p.Rewrites {
		o.rewrites[t] = true
	}
	return o
}

// clone returns an observed of the same stage with figures of its own,
// for a worker to count one input in; merge adds them back.
func (o *observed) clone() *observed {
	return &observed{TableStage: o.TableStage, reads: o.reads, rewrites: o.rewrites, rowLocal: o.rowLocal,
		keepsReasons: o.keepsReasons, in: map[Table]int{}, out: map[Table]int{}}
}

// merge adds the figures of w, a clone of o, to o's.
func (o *observed) merge(w *observed) {
	for t, n := range w.in {
		o.in[t] += n
	}
	for t, n := range w.out {
		o.out[t] += n
	}
	o.rejected += w.rejected
	o.duplicates += w.duplicates
	o.dur += w.dur
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
// every batch in gives exactly one batch out, with the same rows. Its
// Ports are RowLocal when s is a RowLocalStage that says so, and
// KeepsReasons when s is a ReasonKeeper that says so.
func RowStage(s Stage) TableStage { return rowStage{s} }

type rowStage struct{ Stage }

func (s rowStage) Ports() Ports {
	rl, local := s.Stage.(RowLocalStage)
	rk, keeps := s.Stage.(ReasonKeeper)
	return Ports{Rewrites: []Table{TableRows}, RowLocal: local && rl.RowLocal(), KeepsReasons: keeps && rk.KeepsReasons()}
}

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

// Finish flushes a FlushStage: the rows are done.
func (s rowStage) Finish(context.Context, memory.Allocator, Emit) error {
	s.flush()
	return nil
}

// Release flushes a FlushStage, in case the run ended before Finish.
func (s rowStage) Release() { s.flush() }

func (s rowStage) flush() {
	if f, ok := s.Stage.(FlushStage); ok {
		f.Flush()
	}
}

// ms is a duration in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
