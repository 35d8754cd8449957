package pipeline

import (
	"context"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
)

// waitingBudget is how many bytes of batches, over every input, may wait
// for the serial part of the chain beyond the one batch of each input
// that may always wait. With one batch an input, the worker ahead of the
// input the chain takes stopped after its first batch, so that reading
// ran on about one core plus the chain; a count of batches per input
// instead (3, 5, 8) gained 0.2-0.3 s of a 4 s run at 1M rows for 35-115
// MB more peak RSS, which grows with the rows' width. A budget in bytes
// bounds it whatever the rows hold.
const waitingBudget = 32 << 20

// tableBatch is one batch the head of the chain emitted, owned by whoever
// holds it, with the bytes its buffers hold.
type tableBatch struct {
	t     Table
	rec   arrow.Record
	bytes int64
}

// waiting holds the batches the workers made that wait for the serial
// part of the chain: a queue for each input, taken from in input order.
// A worker may always queue a batch when its input has none waiting, and
// more while the batches waiting over every input hold at most budget
// bytes: so the worker of the input the chain takes never waits for the
// others', and a worker ahead of it goes on reading within the budget.
// It is safe for concurrent use.
type waiting struct {
	mu      sync.Mutex
	changed sync.Cond // signalled when a queue or the bytes change, or on stop
	budget  int64
	bytes   int64 // held by the batches waiting
	queues  []inputQueue
	stopped bool
}

type inputQueue struct {
	batches []tableBatch // the next one first
	done    bool
}

// newWaiting returns the queues of n inputs. When ctx is done, put and
// take stop waiting; call the returned stop function when done with it.
func newWaiting(ctx context.Context, n int, budget int64) (*waiting, func() bool) {
	w := &waiting{budget: budget, queues: make([]inputQueue, n)}
	w.changed.L = &w.mu
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.stopped = true
		w.changed.Broadcast()
		w.mu.Unlock()
	})
	return w, stop
}

// put queues b for input i, waiting while i has a batch waiting and b
// would take the bytes waiting past the budget. It reports false, with b
// not queued, when the context was done first.
func (w *waiting) put(i int, b tableBatch) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for !w.stopped && w.full(i, b.bytes) {
		w.changed.Wait()
	}
	if w.stopped {
		return false
	}
	q := &w.queues[i]
	q.batches = append(q.batches, b)
	w.bytes += b.bytes
	w.changed.Broadcast()
	return true
}

// full reports whether a batch of n bytes for input i must wait: i has a
// batch waiting and n would take the bytes waiting past the budget.
func (w *waiting) full(i int, n int64) bool {
	return len(w.queues[i].batches) > 0 && w.bytes+n > w.budget
}

// done says input i will have no more batches.
func (w *waiting) done(i int) {
	w.mu.Lock()
	w.queues[i].done = true
	w.changed.Broadcast()
	w.mu.Unlock()
}

// take returns the next batch of input i, which the caller then owns,
// waiting for one. It reports false when the input is done and every
// batch of it taken, or when the context was done.
func (w *waiting) take(i int) (tableBatch, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := &w.queues[i]
	for !w.stopped && len(q.batches) == 0 && !q.done {
		w.changed.Wait()
	}
	if w.stopped || len(q.batches) == 0 {
		return tableBatch{}, false
	}
	b := q.batches[0]
	q.batches[0] = tableBatch{}
	q.batches = q.batches[1:]
	w.bytes -= b.bytes
	w.changed.Broadcast()
	return b, true
}

// release releases every batch still waiting; call it once nothing puts.
func (w *waiting) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.queues {
		for _, b := range w.queues[i].batches {
			b.rec.Release()
		}
		w.queues[i].batches = nil
	}
	w.bytes = 0
}
