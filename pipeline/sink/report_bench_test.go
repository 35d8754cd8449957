package sink

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// personsBatch builds n persons needing a print, with their allocation.
func personsBatch(mem memory.Allocator, n int) arrow.Record {
	schema := arrow.NewSchema(append(pipeline.PersonSchema.Fields(), pipeline.AllocationColumns()...), nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i, f := range schema.Fields() {
		fb := b.Field(i)
		for j := 0; j < n; j++ {
			switch f.Name {
			case pipeline.ColNIK:
				fb.(*array.StringBuilder).Append(fmt.Sprintf("17710101%08d", j))
			case pipeline.ColNama:
				fb.(*array.StringBuilder).Append("SITI AMINAH BINTI AHMAD")
			case pipeline.ColAlamat:
				fb.(*array.StringBuilder).Append("JL. KUALA LEMPUING NO. 82")
			case pipeline.ColKecamatan, pipeline.ColKelurahan:
				fb.(*array.StringBuilder).Append("GADING CEMPAKA")
			case pipeline.ColRegionCode:
				fb.(*array.StringBuilder).Append([]string{"1771", "1701", "1702"}[j%3])
			case pipeline.ColStatus:
				fb.(*array.StringBuilder).Append(pipeline.StatusNeedsPrint)
			case pipeline.ColCardEvent, pipeline.ColBlank:
				fb.(*array.StringBuilder).Append(map[string]string{pipeline.ColCardEvent: "SUKET", pipeline.ColBlank: "STOCK"}[f.Name])
			case pipeline.ColTanggalLahir, pipeline.ColFirstRequestDate, pipeline.ColLastRequestDate:
				fb.(*array.Date32Builder).Append(arrow.Date32(18000 + j%300))
			case pipeline.ColTier:
				fb.(*array.Int8Builder).Append(2)
			case pipeline.ColPrintOrder:
				fb.(*array.Int32Builder).Append(int32(n - j))
			case pipeline.ColEvents:
				lb := fb.(*array.ListBuilder)
				lb.Append(true)
				lb.ValueBuilder().(*array.StringBuilder).Append("SUKET")
			case pipeline.ColFlags, pipeline.ColSources:
				fb.(*array.ListBuilder).Append(true)
			default:
				fb.AppendNull()
			}
		}
	}
	return b.NewRecord()
}

// BenchmarkReportLists writes a print list of 100,000 persons into the
// province's workbook: the rows/s of the lists (excelize's stream writer,
// which wrote them before, manages about 40–60k rows/s here).
func BenchmarkReportLists(b *testing.B) {
	const n = 100_000
	mem := memory.NewGoAllocator()
	rec := personsBatch(mem, n)
	defer rec.Release()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r := NewWorkbooks(b.TempDir(), ReportInfo{ProvinceCode: "17"}, true, nil)
		if err := r.Write(context.Background(), pipeline.TablePersons, rec); err != nil {
			b.Fatal(err)
		}
		if err := r.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
