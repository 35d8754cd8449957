package pipeline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Spool holds the batches a gathering stage must give back when it
// finishes (every person, for a stage that must see them all before it can
// annotate any), so that the stage itself keeps only the compact keys it
// computes on. The contract:
//
//   - Append borrows rec: the spool retains it or writes it away before
//     returning. Every batch of one spool has the same schema.
//   - Replay calls fn with the batches in the order they were appended.
//     Each is valid only during fn (fn Retains what it keeps). It stops at
//     the first error of fn or of reading, or when ctx is done, and returns
//     that error. Replay may be called more than once; Append may not be
//     called after it.
//   - Release drops everything the spool holds, in memory and on disk. It
//     is safe to call more than once, and after a failure.
//
// A spool is used by one goroutine at a time.
type Spool interface {
	Append(rec arrow.Record) error
	Replay(ctx context.Context, fn func(rec arrow.Record) error) error
	Release()
}

// NewSpool makes a spool whose batches are built, and read back, with mem.
// Stages take one in their configuration (stages never open files): the
// command decides whether batches may go to disk. A nil NewSpool means
// MemorySpool.
type NewSpool func(mem memory.Allocator) Spool

// MemorySpool returns a spool that retains every batch in memory.
func MemorySpool(memory.Allocator) Spool { return &spool{budget: math.MaxInt64} }

// DiskSpool returns a NewSpool whose spools retain batches in memory while
// their buffers total at most budget bytes, and write every later batch
// to a scratch file from newScratch (DiskScratch: owner-only, in a given
// folder) in the Arrow IPC stream format; budget 0 writes every batch.
// The file is created at the first batch that goes to disk and closed
// (removed) by Release, and by Append or Replay when they fail.
func DiskSpool(newScratch NewScratch, budget int64) NewSpool {
	return func(mem memory.Allocator) Spool { return &spool{mem: mem, newScratch: newScratch, budget: budget} }
}

// spool implements both: batches in memory up to budget bytes, the rest on
// disk.
type spool struct {
	mem        memory.Allocator
	newScratch NewScratch
	budget     int64 // bytes of batches kept in memory

	schema   *arrow.Schema
	held     []arrow.Record // the first batches, within budget
	heldSize int64
	failed   error // a failure that removed the file: the spool is unusable

	file     Scratch // the rest, on disk; nil until a batch goes there
	ow       *io.OffsetWriter
	buf      *bufio.Writer
	w        *ipc.Writer
	written  int   // batches on disk
	size     int64 // bytes on disk, once written
	replayed bool
}

// Append implements Spool.
func (s *spool) Append(rec arrow.Record) error {
	switch {
	case s.failed != nil:
		return s.failed
	case s.replayed:
		return errors.New("spool: append after replay")
	case s.schema == nil:
		s.schema = rec.Schema()
	case !s.schema.Equal(rec.Schema()):
		return fmt.Errorf("spool: batch schema %s differs from the first batch's %s", rec.Schema(), s.schema)
	}
	if s.file == nil {
		if size := recordSize(rec); size <= s.budget-s.heldSize {
			rec.Retain()
			s.held = append(s.held, rec)
			s.heldSize += size
			return nil
		}
		if err := s.create(); err != nil {
			return s.fail(err)
		}
	}
	if err := s.w.Write(rec); err != nil {
		return s.fail(fmt.Errorf("spool: writing: %w", err))
	}
	s.written++
	return nil
}

// create opens the spool's file and its IPC writer.
func (s *spool) create() error {
	f, err := s.newScratch()
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.file = f
	s.ow = io.NewOffsetWriter(f, 0)
	s.buf = bufio.NewWriterSize(s.ow, 1<<20)
	s.w = ipc.NewWriter(s.buf, ipc.WithSchema(s.schema), ipc.WithAllocator(s.mem))
	return nil
}

// Replay implements Spool.
func (s *spool) Replay(ctx context.Context, fn func(rec arrow.Record) error) error {
	if s.failed != nil {
		return s.failed
	}
	if err := s.finishWriting(); err != nil {
		return s.fail(err)
	}
	s.replayed = true
	for _, rec := range s.held {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if s.file == nil {
		return nil
	}
	r, err := ipc.NewReader(bufio.NewReaderSize(io.NewSectionReader(s.file, 0, s.size), 1<<20),
		ipc.WithSchema(s.schema), ipc.WithAllocator(s.mem))
	if err != nil {
		return s.fail(fmt.Errorf("spool: reading back: %w", err))
	}
	defer r.Release()
	n := 0
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(r.Record()); err != nil {
			return err
		}
		n++
	}
	if err := r.Err(); err != nil {
		return s.fail(fmt.Errorf("spool: reading back: %w", err))
	}
	if n != s.written {
		return s.fail(fmt.Errorf("spool: the file holds %d batches, want %d", n, s.written))
	}
	return nil
}

// finishWriting ends the IPC stream and flushes it to the file, once.
func (s *spool) finishWriting() error {
	if s.w == nil {
		return nil
	}
	err := s.w.Close()
	s.w = nil
	if err == nil {
		err = s.buf.Flush()
	}
	if err == nil {
		s.size, err = s.ow.Seek(0, io.SeekCurrent)
	}
	if err != nil {
		return fmt.Errorf("spool: writing: %w", err)
	}
	return nil
}

// fail releases everything, the file too, and keeps err as the answer to
// every later call.
func (s *spool) fail(err error) error {
	s.Release()
	s.failed = err
	return err
}

// Release implements Spool.
func (s *spool) Release() {
	for _, rec := range s.held {
		rec.Release()
	}
	s.held, s.heldSize = nil, 0
	if s.w != nil {
		_ = s.w.Close() // releases what the writer holds; the file goes anyway
		s.w = nil
	}
	if s.file != nil {
		_ = s.file.Close() // removes it; nothing of it is wanted any more
		s.file, s.ow, s.buf = nil, nil, nil
	}
	if s.failed == nil {
		s.failed = errors.New("spool: used after release")
	}
}

// recordSize is the bytes of rec's buffers (a sliced batch counts its
// whole buffers: what retaining it keeps alive).
func recordSize(rec arrow.Record) int64 {
	var n int64
	for _, c := range rec.Columns() {
		n += dataSize(c.Data())
	}
	return n
}

func dataSize(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataSize(c)
	}
	if d.DataType().ID() == arrow.DICTIONARY {
		n += dataSize(d.Dictionary())
	}
	return n
}
