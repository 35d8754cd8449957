package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, heapFloor},
		{100 << 20, heapFloor},                 // 182 MB: the floor
		{200 << 20, 300<<20 + heapSlack},       // 1.5× the live heap, and the slack
		{1 << 30, 1<<30 + 512<<20 + heapSlack}, // a ten-million-row run
	} {
		if got := memoryLimit(c.live); got != c.want {
			t.Errorf("live heap %d MB: limit %d MB, want %d MB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

// The tuner sets the limit at once and again after each collection.
func TestGCTunerFollowsCollections(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	tu := newGCTuner()
	defer tu.stopped.Store(true)
	if got := debug.SetMemoryLimit(-1); got < heapFloor {
		t.Fatalf("memory limit %d, want at least %d", got, heapFloor)
	}
	if n := tu.updates.Load(); n != 1 {
		t.Fatalf("%d limits set before arming, want 1", n)
	}
	tu.arm()
	// The finalizer runs in the background after a collection: wait for
	// it (this is not a timing assertion; a minute is far beyond need).
	for deadline := time.Now().Add(time.Minute); tu.updates.Load() < 3; {
		if time.Now().After(deadline) {
			t.Fatalf("%d limits set after collections, want 3", tu.updates.Load())
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

// GOGC or GOMEMLIMIT in the environment is the user's: tuneGC keeps it.
func TestTuneGCLeavesTheEnvironment(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOGC", "77")
	tuneGC()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("with GOGC set, GC percent %d, want 77", got)
	}
}
