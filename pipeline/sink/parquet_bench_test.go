package sink

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// parquetBatch is n persons with their allocation, their texts drawn
// from sets as large as in the 1M benchmark set's row groups (a few
// thousand names, tens of places, a handful of codes), NIKs, NKKs and
// sources all distinct; with distinctNames every name, mother's name and
// address is too, as in a real register, where the dictionaries of those
// columns fill up and fall back to plain encoding.
func parquetBatch(mem memory.Allocator, r *rand.Rand, first, n int, distinctNames bool) arrow.Record {
	schema := arrow.NewSchema(append(pipeline.PersonSchema.Fields(), pipeline.AllocationColumns()...), nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	pick := func(prefix string, k int) string {
		return fmt.Sprintf("%s %d", prefix, r.IntN(k))
	}
	name := func(prefix string, k int) string {
		if distinctNames {
			return fmt.Sprintf("%s %d %d", prefix, r.IntN(k), r.Uint32())
		}
		return pick(prefix, k)
	}
	for i, f := range schema.Fields() {
		fb := b.Field(i)
		for j := first; j < first+n; j++ {
			var s string
			switch f.Name {
			case pipeline.ColNIK:
				s = fmt.Sprintf("17710101%08d", j)
			case pipeline.ColNKK:
				s = fmt.Sprintf("17710202%08d", j)
			case pipeline.ColNama:
				s = name("SITI AMINAH", 6000)
			case pipeline.ColNamaIbu:
				s = name("NURHAYATI", 3000)
			case pipeline.ColAlamat:
				s = name("JL. KUALA LEMPUING NO.", 1800)
			case pipeline.ColTempatLahir:
				s = pick("BENGKULU", 20)
			case pipeline.ColKecamatan:
				s = pick("GADING CEMPAKA", 28)
			case pipeline.ColKelurahan:
				s = pick("JALAN GEDANG", 85)
			case pipeline.ColRegionCode:
				s = fmt.Sprint(1701 + j/2000%10)
			case pipeline.ColJenisKelamin:
				s = []string{"L", "P"}[r.IntN(2)]
			case pipeline.ColStatusKawin:
				s = []string{"BELUM KAWIN", "KAWIN", "CERAI MATI"}[r.IntN(3)]
			case pipeline.ColStatus, pipeline.ColCardEvent:
				s = []string{pipeline.StatusNeedsPrint, pipeline.StatusNeedsRecording, pipeline.StatusReady, pipeline.StatusDeceased}[r.IntN(4)]
			case pipeline.ColBlank, pipeline.ColBlankIfDelivered:
				s = pipeline.BlankStock
			}
			// Mostly null: the blanks, a person's death, print, card.
			if null := map[string]int{pipeline.ColBlank: 90, pipeline.ColBlankIfDelivered: 90, pipeline.ColPrintOrder: 90,
				pipeline.ColTier: 70, pipeline.ColDeathDate: 97, pipeline.ColLastPrintDate: 60, pipeline.ColCardRequestDate: 50,
				pipeline.ColFlags: 95}[f.Name]; r.IntN(100) < null {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				if s == "" {
					fb.AppendNull()
				} else {
					fb.Append(s)
				}
			case *array.Date32Builder:
				if f.Name == pipeline.ColTanggalLahir {
					fb.Append(arrow.Date32(r.IntN(20000)))
				} else {
					fb.Append(arrow.Date32(18000 + r.IntN(700)))
				}
			case *array.Int32Builder:
				if f.Name == pipeline.ColPrintOrder {
					fb.Append(int32(1 + j%2000))
				} else {
					fb.Append(int32(1 + r.IntN(3)))
				}
			case *array.Int8Builder:
				fb.Append(int8(1 + r.IntN(3)))
			case *array.ListBuilder:
				fb.Append(true)
				vb := fb.ValueBuilder().(*array.StringBuilder)
				for k := range 1 + r.IntN(2) {
					if f.Name == pipeline.ColSources {
						vb.Append(fmt.Sprintf("data/kec-%d.csv||%d", j%40, 2*j+k))
					} else {
						vb.Append(pick("SUKET", 9))
					}
				}
			default:
				panic(fmt.Sprintf("no values for %s", f.Name))
			}
		}
	}
	return b.NewRecord()
}

// BenchmarkPersonsParquet writes a row group of persons (131,072 rows in
// batches of 16,384, as K3 hands them back) to persons.parquet: the
// rows/s and allocations of the Parquet writer.
func BenchmarkPersonsParquet(b *testing.B) {
	for _, distinct := range []bool{false, true} {
		b.Run(fmt.Sprintf("distinct-names=%v", distinct), func(b *testing.B) {
			mem := memory.NewGoAllocator()
			r := rand.New(rand.NewPCG(1, 2))
			var recs []arrow.Record
			rows := 0
			for range parquetRowGroup / 16384 {
				recs = append(recs, parquetBatch(mem, r, rows, 16384, distinct))
				rows += 16384
			}
			defer func() {
				for _, rec := range recs {
					rec.Release()
				}
			}()
			ctx := context.Background()
			dir := b.TempDir()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				s := NewPersonsParquet(dir)
				for _, rec := range recs {
					if err := s.Write(ctx, pipeline.TablePersons, rec); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Close(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
