package transforms

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/cmd/fixturegen/ganda"
	"readiness/pipeline"
)

// peakHeap samples the Go heap every few milliseconds until stop is
// called, and returns the largest size seen, in bytes.
func peakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// resetPeakRSS resets the process's resident-set high-water mark (Linux;
// false elsewhere) after returning freed memory to the system.
func resetPeakRSS() bool {
	runtime.GC()
	debug.FreeOSMemory()
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the resident-set high-water mark (VmHWM), in bytes.
func peakRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuSeconds is the CPU time the Go runtime has spent, goroutines and
// garbage collector, so far: with other processes on the machine, a
// figure that wall time is not.
func cpuSeconds() float64 {
	sample := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(sample)
	return sample[0].Value.Float64() - sample[1].Value.Float64()
}

// BenchmarkGanda is the K3 candidate search over 1,000,000 generated
// persons (cmd/fixturegen/ganda): the whole stage, from the gathered
// person batches to the annotated persons and the candidates table. It
// reports the peak Go heap and, on Linux, the peak resident set during
// the run (the person batches themselves included, some 150 MB at
// 1,000,000), and the figures of the search.
//
//	go test ./transforms -run '^$' -bench Ganda -benchtime 3x -cpu 2
func BenchmarkGanda(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			mem := memory.NewGoAllocator()
			batches := populationBatches(mem, ganda.Generate(ganda.Options{Persons: n, Seed: 20200630, NoTruth: true}),
				pipeline.DefaultBatchSize)
			defer func() {
				for _, r := range batches {
					r.Release()
				}
			}()
			var peak, rss uint64
			var cpu float64
			var candidates, comparisons int64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				rssOK := resetPeakRSS()
				b.StartTimer()
				stop := peakHeap()
				cpu0 := cpuSeconds()
				g, err := NewGanda(GandaConfig{NameThreshold: pipeline.DefaultNameThreshold})
				if err != nil {
					b.Fatal(err)
				}
				for _, rec := range batches {
					if err := g.Apply(context.Background(), mem, pipeline.TablePersons, rec, nil); err != nil {
						b.Fatal(err)
					}
				}
				err = g.Finish(context.Background(), mem, func(t pipeline.Table, rec arrow.Record) error {
					switch t {
					case pipeline.TableCandidates:
						candidates += rec.NumRows()
					case pipeline.TableCandidateStats:
						comparisons = column(rec, pipeline.StatComparisons).(*array.Int64).Value(0)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				cpu += cpuSeconds() - cpu0
				peak = max(peak, stop())
				if rssOK {
					rss = max(rss, peakRSS())
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
			if rss > 0 {
				b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
			}
			b.ReportMetric(float64(candidates)/float64(b.N), "candidates")
			b.ReportMetric(float64(comparisons), "comparisons")
		})
	}
}
