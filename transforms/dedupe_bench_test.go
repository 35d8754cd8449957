package transforms

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// BenchmarkDedupe marks N synthetic accepted requests (batches of 4096,
// built beforehand; one request in eight repeats an earlier one) with a
// fresh Dedupe per iteration: the cost is mostly the set of keys seen.
func BenchmarkDedupe(b *testing.B) {
	for _, n := range []int{1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			mem := memory.NewGoAllocator()
			const batch = 4096
			var recs []arrow.Record
			for start := 0; start < n; start += batch {
				recs = append(recs, syntheticRequests(mem, start, min(batch, n-start)))
			}
			defer func() {
				for _, rec := range recs {
					rec.Release()
				}
			}()
			for b.Loop() {
				d := NewDedupe()
				for _, rec := range recs {
					out, err := d.Apply(context.Background(), mem, rec)
					if err != nil {
						b.Fatal(err)
					}
					out.Release()
				}
				d.Flush()
			}
		})
	}
}

// syntheticRequests returns n accepted ValidSchema rows numbered from
// start with a NIK, event and request date each.
func syntheticRequests(mem memory.Allocator, start, n int) arrow.Record {
	events := []string{"RUSAK", "HILANG", "SUKET", "PINDAH", "UBAH_DATA", "MATI", "REKAM", "KAWIN"}
	b := array.NewRecordBuilder(mem, pipeline.ValidSchema)
	defer b.Release()
	for i := start; i < start+n; i++ {
		person := i - i/8 // every eighth row repeats the request before it
		for f, field := range pipeline.ValidSchema.Fields() {
			switch field.Name {
			case pipeline.ColNIKClean:
				b.Field(f).(*array.StringBuilder).Append(fmt.Sprintf("%06d%010d", 110101+person%500, person))
			case pipeline.ColEvent:
				b.Field(f).(*array.StringBuilder).Append(events[person%len(events)])
			case pipeline.ColRequestDate:
				b.Field(f).(*array.Date32Builder).Append(arrow.Date32(18262 + person%180))
			default:
				b.Field(f).AppendNull()
			}
		}
	}
	return b.NewRecord()
}
