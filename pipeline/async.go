package pipeline

import (
	"context"
	"errors"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
)

// Async returns s written from a goroutine of its own, so that the chain
// goes on while s encodes: Write retains the batch and queues it, at most
// depth batches waiting (a Write blocks while the queue is full). The
// wrapped sink sees every Write in the order they were made, from one
// goroutine, and is closed or aborted only once it has written them all.
//
// A failed Write of s is returned by a later Write, or by Close. Close
// waits for the queue to empty, then closes s. Abort drops what is still
// queued (releasing it), waits for the goroutine, then aborts s. After
// Close or Abort, Write returns ErrSinkClosed. Like any Sink, it is
// called from one goroutine (the runner's).
func Async(s Sink, depth int) Sink {
	if depth < 1 {
		depth = 1
	}
	a := &asyncSink{sink: s, queue: make(chan asyncBatch, depth), done: make(chan struct{}), stop: make(chan struct{})}
	go a.loop()
	return a
}

// ErrSinkClosed is returned by a Write after the sink was closed or
// aborted.
var ErrSinkClosed = errors.New("pipeline: write to a closed sink")

type asyncSink struct {
	sink  Sink
	queue chan asyncBatch
	done  chan struct{} // closed when loop returns
	stop  chan struct{} // closed by Abort: loop drops what is queued

	mu     sync.Mutex
	err    error // the first failed Write of sink, set by loop
	closed bool  // queue closed (by Close or Abort)
}

type asyncBatch struct {
	ctx context.Context
	t   Table
	rec arrow.Record
}

var _ Sink = (*asyncSink)(nil)

func (a *asyncSink) loop() {
	defer close(a.done)
	for b := range a.queue {
		select {
		case <-a.stop:
			b.rec.Release()
			continue
		default:
		}
		if a.failed() == nil {
			if err := a.sink.Write(b.ctx, b.t, b.rec); err != nil {
				a.mu.Lock()
				a.err = err
				a.mu.Unlock()
			}
		}
		b.rec.Release()
	}
}

func (a *asyncSink) failed() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Name implements Sink.
func (a *asyncSink) Name() string { return a.sink.Name() }

// Write implements Sink: it queues rec (retained) and returns at once,
// unless the queue is full, a previous Write failed, or ctx is done.
func (a *asyncSink) Write(ctx context.Context, t Table, rec arrow.Record) error {
	if err := a.failed(); err != nil {
		return err
	}
	if a.closed {
		return ErrSinkClosed
	}
	rec.Retain()
	select {
	case a.queue <- asyncBatch{ctx: ctx, t: t, rec: rec}:
		return nil
	case <-ctx.Done():
		rec.Release()
		return ctx.Err()
	}
}

// finish closes the queue once and waits for the goroutine.
func (a *asyncSink) finish() {
	if !a.closed {
		a.closed = true
		close(a.queue)
	}
	<-a.done
}

// Close implements Sink.
func (a *asyncSink) Close(ctx context.Context) error {
	a.finish()
	if err := a.failed(); err != nil {
		return err
	}
	return a.sink.Close(ctx)
}

// Abort implements Sink.
func (a *asyncSink) Abort() {
	select {
	case <-a.stop:
	default:
		close(a.stop)
	}
	a.finish()
	a.sink.Abort()
}

// Files implements Sink.
func (a *asyncSink) Files() []string { return a.sink.Files() }

// Unwrap returns the sink Async was given, for what a caller asks of it
// beyond Sink (a workbook's findings) once it is closed.
func (a *asyncSink) Unwrap() Sink { return a.sink }
