package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// slowSink records what it is given; gate, when set, holds every Write
// until a value arrives; failAt fails that Write (1-based).
type slowSink struct {
	got             []int64
	tables          []Table
	gate            chan struct{}
	failAt          int
	closed, aborted int
	closedAfter     int // writes seen when Close was called
}

var errSinkFull = errors.New("disk full")

func (s *slowSink) Name() string { return "slow" }
func (s *slowSink) Write(ctx context.Context, t Table, rec arrow.Record) error {
	if s.gate != nil {
		<-s.gate
	}
	if len(s.got)+1 == s.failAt {
		return errSinkFull
	}
	s.got = append(s.got, rec.Column(0).(*array.Int64).Value(0))
	s.tables = append(s.tables, t)
	return nil
}
func (s *slowSink) Close(context.Context) error { s.closed++; s.closedAfter = len(s.got); return nil }
func (s *slowSink) Abort()                      { s.aborted++ }
func (s *slowSink) Files() []string             { return []string{"slow.txt"} }

// numbered returns a one-row record holding n.
func numbered(mem memory.Allocator, n int64) arrow.Record {
	b := array.NewRecordBuilder(mem, arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}}, nil))
	defer b.Release()
	b.Field(0).(*array.Int64Builder).Append(n)
	return b.NewRecord()
}

// write writes n numbered batches, alternating two tables, releasing its
// own references as a stage does.
func write(t *testing.T, mem memory.Allocator, s Sink, n int) error {
	t.Helper()
	for i := range n {
		rec := numbered(mem, int64(i))
		table := TableRows
		if i%2 == 1 {
			table = TablePersons
		}
		err := s.Write(context.Background(), table, rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

func TestAsyncWritesInOrderThenCloses(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	inner := &slowSink{}
	s := Async(inner, 2)
	if err := write(t, mem, s, 50); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if inner.closed != 1 || inner.closedAfter != 50 || inner.aborted != 0 {
		t.Fatalf("closed %d times after %d writes, aborted %d; want once after 50, never", inner.closed, inner.closedAfter, inner.aborted)
	}
	for i, n := range inner.got {
		if n != int64(i) || (inner.tables[i] == TablePersons) != (i%2 == 1) {
			t.Fatalf("write %d got batch %d of %s", i, n, inner.tables[i])
		}
	}
	if s.Name() != "slow" || len(s.Files()) != 1 {
		t.Errorf("Name/Files not passed through: %q %v", s.Name(), s.Files())
	}
	rec := numbered(mem, 1)
	defer rec.Release()
	if err := s.Write(context.Background(), TableRows, rec); !errors.Is(err, ErrSinkClosed) {
		t.Errorf("Write after Close: %v, want ErrSinkClosed", err)
	}
}

func TestAsyncReportsAFailedWrite(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	inner := &slowSink{failAt: 3}
	s := Async(inner, 1)
	err := write(t, mem, s, 40) // the failure surfaces at a later Write, or at Close
	if err == nil {
		err = s.Close(context.Background())
	}
	if !errors.Is(err, errSinkFull) {
		t.Fatalf("got %v, want the sink's error", err)
	}
	s.Abort()
	if len(inner.got) != 2 || inner.closed != 0 || inner.aborted != 1 {
		t.Fatalf("wrote %d, closed %d, aborted %d; want 2 written, not closed, aborted once", len(inner.got), inner.closed, inner.aborted)
	}
}

func TestAsyncAbortDropsTheQueue(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	inner := &slowSink{gate: make(chan struct{})}
	s := Async(inner, 3)
	// The first batch is taken by the goroutine (held at the gate), three
	// more wait in the queue.
	if err := write(t, mem, s, 4); err != nil {
		t.Fatal(err)
	}
	aborted := make(chan struct{})
	go func() { s.Abort(); close(aborted) }()
	<-s.(*asyncSink).stop // Abort has begun: what is queued is dropped
	close(inner.gate)
	<-aborted
	if inner.aborted != 1 || inner.closed != 0 {
		t.Fatalf("aborted %d, closed %d", inner.aborted, inner.closed)
	}
	if len(inner.got) > 1 {
		t.Errorf("wrote %d batches after Abort, want at most the one in hand", len(inner.got))
	}
}

func TestAsyncWriteGivesUpWhenCancelled(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	inner := &slowSink{gate: make(chan struct{})}
	s := Async(inner, 1)
	if err := write(t, mem, s, 2); err != nil { // one in hand, one queued: full
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := numbered(mem, 9)
	err := s.Write(ctx, TableRows, rec)
	rec.Release()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write on a full queue with a cancelled context: %v", err)
	}
	close(inner.gate)
	s.Abort()
}
