package transforms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// BenchmarkClassify gathers N synthetic accepted rows (about 1.15 rows per
// NIK, batches of 4096 released after Apply, as the runner does) and
// finishes. retained-B/row is the live heap after gathering, after a GC,
// per row: what classify holds until Finish.
func BenchmarkClassify(b *testing.B) {
	for _, n := range []int{100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			mem := memory.NewGoAllocator()
			const batch = 4096
			var retained float64
			for b.Loop() {
				c, err := NewClassify(ClassifyConfig{AsOf: day("2020-06-30"), ElectionDate: day("2020-12-09"),
					NameThreshold: 0.92, BatchSize: 4096})
				if err != nil {
					b.Fatal(err)
				}
				r := rand.New(rand.NewPCG(1, 2))
				b.StopTimer()
				before := liveHeap()
				b.StartTimer()
				for start := 0; start < n; start += batch {
					b.StopTimer()
					rec := syntheticRows(mem, r, start, min(batch, n-start))
					b.StartTimer()
					err := c.Apply(context.Background(), mem, pipeline.TableRows, rec, nil)
					rec.Release()
					if err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				retained = float64(liveHeap()-before) / float64(n)
				b.StartTimer()
				if err := c.Finish(context.Background(), mem, func(pipeline.Table, arrow.Record) error { return nil }); err != nil {
					b.Fatal(err)
				}
				c.Release()
			}
			b.ReportMetric(retained, "retained-B/row")
		})
	}
}

func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// syntheticRows returns n accepted RowSchema rows numbered from start,
// shaped like the bench inputs: one NIK in seven has a second request.
func syntheticRows(mem memory.Allocator, r *rand.Rand, start, n int) arrow.Record {
	firsts := []string{"BUDI", "SITI", "AGUS", "RINA", "DEWI", "ANDI", "YANTI", "HENDRA", "NURUL", "IWAN"}
	lasts := []string{"SANTOSO", "RAHMAN", "HIDAYAT", "SIREGAR", "PRATAMA", "KURNIAWAN", "LUBIS", "SAPUTRA"}
	events := []string{"RUSAK", "HILANG", "SUKET", "PINDAH", "UBAH_DATA", "MATI", "REKAM", "KAWIN"}
	states := []string{"", "SUDAH REKAM", "SUDAH CETAK", "SELESAI", "BELUM REKAM"}
	b := array.NewRecordBuilder(mem, pipeline.RowSchema)
	defer b.Release()
	for i := start; i < start+n; i++ {
		person := i - i/8 // every eighth row repeats the NIK before it
		name := firsts[person%len(firsts)] + " " + lasts[person/len(firsts)%len(lasts)]
		values := map[string]string{
			pipeline.ColFile: "kota_bengkulu.csv", pipeline.ColNIKClean: fmt.Sprintf("177101%010d", person),
			pipeline.ColNKK: fmt.Sprintf("177101%010d", person/4), pipeline.ColNameDisplay: name,
			pipeline.ColNameNorm: name, pipeline.ColTempatLahir: "BENGKULU", pipeline.ColSex: "L",
			pipeline.ColMarital: "KAWIN", pipeline.ColNamaIbu: "SITI AMINAH " + lasts[r.IntN(len(lasts))],
			pipeline.ColAlamat:    fmt.Sprintf("JL. MELATI NO. %d RT %02d", r.IntN(200), r.IntN(20)),
			pipeline.ColKecamatan: "GADING CEMPAKA", pipeline.ColKelurahan: "CEMPAKA PERMAI",
			pipeline.ColRegionCode: "1771", pipeline.ColEvent: events[r.IntN(len(events))],
			pipeline.ColServiceState: states[r.IntN(len(states))],
		}
		for f, field := range pipeline.RowSchema.Fields() {
			switch fb := b.Field(f).(type) {
			case *array.StringBuilder:
				if v, ok := values[field.Name]; ok && v != "" {
					fb.Append(v)
				} else {
					fb.AppendNull()
				}
			case *array.Date32Builder:
				switch field.Name {
				case pipeline.ColBirthDate:
					fb.Append(arrow.Date32(-7000 + r.IntN(20000)))
				case pipeline.ColRequestDate:
					fb.Append(arrow.Date32(18262 + r.IntN(180)))
				default:
					fb.AppendNull()
				}
			case *array.Int32Builder:
				fb.Append(int32(i + 2))
			case *array.BooleanBuilder:
				fb.Append(false)
			default:
				fb.AppendNull()
			}
		}
	}
	return b.NewRecord()
}

// BenchmarkPersonBuilder appends 16,384 persons like those of a run (one
// or two sources, some nulls, a packed NKK) and builds the batch.
func BenchmarkPersonBuilder(b *testing.B) {
	mem := memory.NewGoAllocator()
	ps := make([]person, 16384)
	for i := range ps {
		ps[i] = person{nik: fmt.Sprintf("%016d", 1771010101900000+i), nkkNum: 1771010101900000 + uint64(i),
			name: fmt.Sprint("BUDI SANTOSO ", i), birthPlace: "BENGKULU", sex: "L", marital: "KAWIN",
			mother: "SITI AMINAH", address: fmt.Sprint("JL. MELATI NO. ", i), kecamatan: "GADING CEMPAKA",
			kelurahan: "CEMPAKA PERMAI", region: "1771", status: pipeline.StatusReady,
			birth: 7305, firstReq: 18262, lastReq: 18263, death: noDate, lastPrint: 18265, cardRequest: noDate,
			events: []string{"RUSAK"}, sources: []source{{file: "kota_bengkulu.csv", line: int32(i + 2)}}, rows: 1}
		if i%8 == 0 {
			ps[i].origin, ps[i].cardEvent, ps[i].cardRequest = "1702", "RUSAK", 18263
			ps[i].flags = []string{pipeline.FlagNIKConflict}
			ps[i].sources = append(ps[i].sources, source{file: "kab_rejang_lebong.csv", line: int32(i)})
		}
	}
	for b.Loop() {
		pb := newPersonBuilder(mem)
		pb.reserve(len(ps))
		for i := range ps {
			pb.append(&ps[i])
		}
		pb.newRecord().Release()
		pb.release()
	}
}
