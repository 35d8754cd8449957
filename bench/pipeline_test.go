package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/xuri/excelize/v2"

	"readiness/cmd/job"
	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

var (
	asOf     = time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC)
	election = time.Date(2020, 12, 9, 0, 0, 0, 0, time.UTC)
	header   = []string{"nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
		"nama_ibu", "kecamatan", "kabupaten_kota", "jenis_perubahan", "tanggal_pengajuan", "status_layanan"}
	events = []string{"KTP RUSAK", "KTP HILANG", "SUKET", "PINDAH DATANG", "PERUBAHAN DATA", "MENINGGAL", "BELUM REKAM", "KAWIN"}
	states = []string{"", "SUDAH REKAM", "SUDAH CETAK", "SELESAI", "BELUM REKAM"}
	firsts = []string{"BUDI", "SITI", "AGUS", "RINA", "DEWI", "ANDI", "YANTI", "HENDRA", "NURUL", "IWAN"}
	lasts  = []string{"SANTOSO", "RAHMAN", "HIDAYAT", "SIREGAR", "PRATAMA", "KURNIAWAN", "LUBIS", "SAPUTRA"}
)

// rows returns n synthetic data rows of Kota Bengkulu: about one person
// in eight has two requests.
func rows(n int) [][]string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([][]string, 0, n)
	for i := 0; len(out) < n; i++ {
		birth := time.Date(1950+r.IntN(55), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		day := birth.Day()
		if r.IntN(2) == 1 {
			day += 40
		}
		nik := fmt.Sprintf("177101%02d%02d%02d%04d", day, birth.Month(), birth.Year()%100, 1+i%9999)
		name := firsts[r.IntN(len(firsts))] + " " + lasts[r.IntN(len(lasts))]
		reqs := 1
		if r.IntN(8) == 0 {
			reqs = 2
		}
		for k := 0; k < reqs && len(out) < n; k++ {
			out = append(out, []string{nik, "1771010101900001", name, "BENGKULU", birth.Format("02/01/2006"),
				"L", "KAWIN", "SITI AMINAH", "GADING CEMPAKA", "1771", events[r.IntN(len(events))],
				time.Date(2020, time.Month(1+r.IntN(6)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
				states[r.IntN(len(states))]})
		}
	}
	return out
}

func csvInput(n int) (pipeline.Input, int64) {
	var b bytes.Buffer
	for _, rec := range append([][]string{header}, rows(n)...) {
		for i, c := range rec {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
	data := b.Bytes()
	return pipeline.Input{Path: "kota_bengkulu.csv", Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}, int64(len(data))
}

func xlsxInput(b *testing.B, n int) (pipeline.Input, int64) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	for i, rec := range append([][]string{header}, rows(n)...) {
		cells := make([]any, len(rec))
		for j, c := range rec {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	return pipeline.Input{Path: "kota_bengkulu.xlsx", Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}, int64(len(data))
}

// runOnce runs the whole pipeline, outputs included, on in, wired as
// the command wires it.
func runOnce(b *testing.B, in pipeline.Input, dir string) *pipeline.Result {
	cfg := pipeline.DefaultConfig(asOf)
	cfg.Projection = &pipeline.Projection{ElectionDate: election}
	plan := &stock.Plan{Regions: map[string]stock.Region{"1771": {Stock: 1000, CapacityDay: 80}}, BufferInHand: 1650}
	r, err := job.New(job.Spec{Config: cfg, Regions: regions.Default(), Stock: plan, OutDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	res, err := r.Run(context.Background(), memory.NewGoAllocator(), []pipeline.Input{in})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

func benchRun(b *testing.B, in pipeline.Input, size int64, n int) {
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := runOnce(b, in, filepath.Join(b.TempDir()))
		if res.Accounting.RowsIn != n {
			b.Fatalf("%d rows read, want %d", res.Accounting.RowsIn, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkPipelineCSV: CSV in, every output written.
func BenchmarkPipelineCSV(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			in, size := csvInput(n)
			benchRun(b, in, size, n)
		})
	}
}

// BenchmarkPipelineXLSX: xlsx in, every output written.
func BenchmarkPipelineXLSX(b *testing.B) {
	for _, n := range []int{10_000, 50_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			in, size := xlsxInput(b, n)
			benchRun(b, in, size, n)
		})
	}
}
