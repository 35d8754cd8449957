package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The garbage collector's policy, unless the environment sets GOGC or
// GOMEMLIMIT: while the heap is small it may double between collections
// (the runtime's default, GOGC=100), and once the live heap is large the
// heap may grow to 1.5× it (as with GOGC=50) before the next. A run keeps
// its large data in compact arenas and spill files, so the live heap is
// small next to its garbage; at ten million rows it is over a gigabyte,
// and its doubling would be most of the peak.
//
// The runtime has no such policy, so it is made of two: GOGC=100 and a
// soft memory limit, raised after every collection to
// max(heapFloor, 1.5 × live heap + heapSlack). The limit makes the
// collector start early once the heap nears it; it is never below what
// the live heap needs, so the collector does not run back to back.
// Against GOGC=50 alone (measured 2026-12-01, docs/PERFORMANCE.md): 1M
// rows tables only about 4 % faster at the same peak; the whole 1M run's
// peak 330 MB instead of 375–395 (the limit also makes the runtime give
// freed memory back sooner); 10M rows 1.41 GB instead of 1.84, about 4 %
// slower.
const (
	heapFloor = 256 << 20
	heapSlack = 32 << 20
	// gcGrowth is the heap's growth over the live heap above heapFloor,
	// in percent.
	gcGrowth = 50
)

// tuneGC sets the policy above, unless GOGC or GOMEMLIMIT is set.
func tuneGC() {
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		if _, set := os.LookupEnv(v); set {
			return
		}
	}
	debug.SetGCPercent(100)
	newGCTuner().arm()
}

func newGCTuner() *gcTuner {
	t := &gcTuner{sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.update()
	return t
}

// gcTuner raises the memory limit after every collection.
type gcTuner struct {
	sample  []metrics.Sample
	updates atomic.Int64 // limits set, for the tests
	stopped atomic.Bool  // no more limits set (a test's tuner)
}

// memoryLimit is the limit for a live heap of live bytes.
func memoryLimit(live uint64) int64 {
	return max(heapFloor, int64(live)+int64(live)*gcGrowth/100+heapSlack)
}

// update sets the limit from the live heap of the last collection.
func (t *gcTuner) update() {
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		debug.SetMemoryLimit(memoryLimit(t.sample[0].Value.Uint64()))
		t.updates.Add(1)
	}
}

// gcSentinel is unreachable as soon as it is made: its finalizer runs
// after the next collection, updates the limit and arms the next one.
type gcSentinel struct{ t *gcTuner }

func (t *gcTuner) arm() {
	runtime.SetFinalizer(&gcSentinel{t}, func(s *gcSentinel) {
		if s.t.stopped.Load() {
			return
		}
		s.t.update()
		s.t.arm()
	})
}
