package bench

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/source"
)

// BenchmarkIngest reads every file of the folder named by
// READINESS_BENCH_IN (make bench generates it with cmd/fixturegen -rows)
// through the source alone: the input bytes to Arrow batches, no stage.
// It reports rows/s, and rows per CPU second (steadier on a shared
// machine); without the variable it is skipped.
//
//	READINESS_BENCH_IN=bench/data/xlsx-100000 go test ./bench -run '^$' -bench Ingest -benchtime 3x
func BenchmarkIngest(b *testing.B) {
	dir := os.Getenv("READINESS_BENCH_IN")
	if dir == "" {
		b.Skip("READINESS_BENCH_IN is not set")
	}
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(names) == 0 {
		b.Fatalf("no inputs in %s: %v", dir, err)
	}
	sort.Strings(names)
	var inputs []pipeline.Input
	var size int64
	for _, name := range names {
		fi, err := os.Stat(name)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, pipeline.Input{Path: name, Size: fi.Size(),
			Open: func() (io.ReadCloser, error) { return os.Open(name) }})
		size += fi.Size()
	}
	src := source.New(source.Options{TmpDir: b.TempDir()})
	mem := memory.NewGoAllocator()
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	rows := 0
	for range b.N {
		for _, in := range inputs {
			if _, err := src.Read(context.Background(), mem, in, pipeline.DefaultBatchSize, func(rec arrow.Record, _ pipeline.Originals) error {
				rows += int(rec.NumRows())
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(rows)/cpu.Seconds(), "rows/cpu-s")
	}
}
