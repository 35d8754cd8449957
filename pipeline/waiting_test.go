package pipeline

import (
	"context"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// intBatch is a record of one int64 column holding vs.
func intBatch(mem memory.Allocator, vs ...int64) arrow.Record {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vs, nil)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	return array.NewRecord(schema, []arrow.Array{col}, int64(len(vs)))
}

func TestWaitingBudget(t *testing.T) {
	w, stop := newWaiting(context.Background(), 2, 100)
	defer stop()
	put := func(i int, n int64) {
		t.Helper()
		if w.full(i, n) {
			t.Fatalf("a batch of %d bytes for input %d would wait with %d bytes waiting", n, i, w.bytes)
		}
		if !w.put(i, tableBatch{bytes: n}) {
			t.Fatal("put refused")
		}
	}
	// The input ahead goes on within the budget…
	put(1, 60)
	put(1, 40)
	if !w.full(1, 1) {
		t.Error("input 1 may queue past the budget")
	}
	// …and the input the chain takes may always queue a batch, but only one
	// once the budget is spent.
	put(0, 500)
	if !w.full(0, 1) {
		t.Error("input 0 may queue a second batch past the budget")
	}
	if b, ok := w.take(0); !ok || b.bytes != 500 {
		t.Fatalf("take(0) = %d bytes, %v; want the 500-byte batch", b.bytes, ok)
	}
	// Taking frees the budget, in the order the batches came.
	for _, want := range []int64{60, 40} {
		if b, ok := w.take(1); !ok || b.bytes != want {
			t.Fatalf("take(1) = %d bytes, %v; want %d", b.bytes, ok, want)
		}
	}
	if w.bytes != 0 || w.full(1, 100) {
		t.Errorf("%d bytes waiting after every batch was taken", w.bytes)
	}
	w.done(1)
	if _, ok := w.take(1); ok {
		t.Error("take of a done, empty input gave a batch")
	}
}

// TestWaitingWakes checks that a put waiting for the budget and a take
// waiting for a batch are woken by the other side, and both by the
// context.
func TestWaitingWakes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	w, stop := newWaiting(context.Background(), 2, 10)
	defer stop()

	const batches = 50
	var wg sync.WaitGroup
	wg.Add(2)
	for i := range 2 {
		go func() { // each batch is over the budget: every put waits for a take
			defer wg.Done()
			defer w.done(i)
			for v := range batches {
				rec := intBatch(mem, int64(v))
				if !w.put(i, tableBatch{TableRows, rec, recordSize(rec)}) {
					rec.Release()
					t.Error("put refused")
					return
				}
			}
		}()
	}
	for i := range 2 {
		var got []int64
		for {
			b, ok := w.take(i)
			if !ok {
				break
			}
			got = append(got, b.rec.Column(0).(*array.Int64).Value(0))
			b.rec.Release()
		}
		if len(got) != batches {
			t.Fatalf("input %d: %d batches, want %d", i, len(got), batches)
		}
		for v, g := range got {
			if g != int64(v) {
				t.Fatalf("input %d: batch %d holds %d", i, v, g)
			}
		}
	}
	wg.Wait()

	ctx, cancel := context.WithCancel(context.Background())
	w, stop = newWaiting(ctx, 2, 10)
	defer stop()
	rec := intBatch(mem, 1, 2, 3)
	if !w.put(1, tableBatch{TableRows, rec, recordSize(rec)}) {
		t.Fatal("put refused")
	}
	res := make(chan bool, 2)
	go func() { res <- w.put(1, tableBatch{bytes: 100}) }() // waits for input 0
	go func() { _, ok := w.take(0); res <- ok }()           // waits for a batch
	cancel()
	for range 2 {
		if <-res {
			t.Error("a put or take waiting went through after the context was cancelled")
		}
	}
	w.release() // releases rec
}
