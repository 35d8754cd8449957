package transforms

import (
	"context"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/cmd/fixturegen/ganda"
	"readiness/pipeline"
)

// populationBatches writes a generated population as PersonSchema
// batches of at most size persons, as classify would emit them: names,
// mothers' names and birthplaces as written, sex and birth date as read.
// The caller releases the batches.
func populationBatches(mem memory.Allocator, pop *ganda.Population, size int) []arrow.Record {
	var out []arrow.Record
	b := array.NewRecordBuilder(mem, pipeline.PersonSchema)
	defer b.Release()
	field := func(name string) array.Builder { return b.Field(pipeline.PersonSchema.FieldIndices(name)[0]) }
	str := func(name, v string) { appendString(field(name).(*array.StringBuilder), v) }
	list := func(name string) { field(name).(*array.ListBuilder).Append(true) }
	n := 0
	for _, p := range pop.Persons {
		status := pipeline.StatusReady
		if p.Deceased {
			status = pipeline.StatusDeceased
		}
		str(pipeline.ColNIK, p.NIK)
		str(pipeline.ColNKK, p.NKK)
		str(pipeline.ColNama, displayName(p.Name))
		str(pipeline.ColTempatLahir, cleanText(p.BirthPlace))
		field(pipeline.ColTanggalLahir).(*array.Date32Builder).Append(arrow.Date32FromTime(p.Birth))
		str(pipeline.ColJenisKelamin, string(p.Sex))
		str(pipeline.ColStatusKawin, pipeline.MaritalKawin)
		str(pipeline.ColNamaIbu, cleanText(p.Mother))
		str(pipeline.ColRegionCode, p.Region)
		str(pipeline.ColStatus, status)
		list(pipeline.ColEvents)
		list(pipeline.ColFlags)
		list(pipeline.ColSources)
		field(pipeline.ColRowCount).(*array.Int32Builder).Append(1)
		for _, name := range []string{pipeline.ColAlamat, pipeline.ColKecamatan, pipeline.ColKelurahan,
			pipeline.ColOriginRegionCode, pipeline.ColCardEvent} {
			field(name).AppendNull()
		}
		for _, name := range []string{pipeline.ColFirstRequestDate, pipeline.ColLastRequestDate,
			pipeline.ColDeathDate, pipeline.ColLastPrintDate, pipeline.ColCardRequestDate} {
			field(name).AppendNull()
		}
		if n++; n == size {
			out, n = append(out, b.NewRecord()), 0
		}
	}
	if n > 0 {
		out = append(out, b.NewRecord())
	}
	return out
}

// runGanda runs the ganda stage over batches (borrowed) and returns what
// it emitted.
func runGanda(t testing.TB, mem memory.Allocator, threshold float64, batches []arrow.Record) emitted {
	t.Helper()
	g, err := NewGanda(GandaConfig{NameThreshold: threshold})
	if err != nil {
		t.Fatal(err)
	}
	out := emitted{}
	emit := func(tb pipeline.Table, rec arrow.Record) error {
		rec.Retain()
		out[tb] = append(out[tb], rec)
		t.Cleanup(rec.Release)
		return nil
	}
	defer g.Release()
	for _, rec := range batches {
		if err := g.Apply(context.Background(), mem, pipeline.TablePersons, rec, emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Finish(context.Background(), mem, emit); err != nil {
		t.Fatal(err)
	}
	return out
}

// candidatePairs returns the candidates emitted, as "nikA nikB".
func candidatePairs(out emitted) map[string]bool {
	pairs := map[string]bool{}
	for _, rec := range out[pipeline.TableCandidates] {
		a, b := stringCol(rec, pipeline.CandNIKA), stringCol(rec, pipeline.CandNIKB)
		for i := 0; i < int(rec.NumRows()); i++ {
			pairs[a.Value(i)+" "+b.Value(i)] = true
		}
	}
	return pairs
}

func nikPair(pop *ganda.Population, a, b int) string {
	x, y := pop.Persons[a].NIK, pop.Persons[b].NIK
	if y < x {
		x, y = y, x
	}
	return x + " " + y
}

// TestGandaTruth measures the stage against the generator's ground truth
// at 100,000 persons: precision and recall against the pairs the SPEC
// rule should find (the generator's independent oracle), and how the
// planted true duplicates and hard non-duplicates fare. docs/GANDA.md
// quotes its log.
func TestGandaTruth(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	pop := ganda.Generate(ganda.Options{Persons: n, Seed: 20200630, Threshold: pipeline.DefaultNameThreshold})
	mem := checkedMem(t)
	batches := populationBatches(mem, pop, 16*1024)
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	found := candidatePairs(runGanda(t, mem, pipeline.DefaultNameThreshold, batches))

	expected := map[string]bool{}
	for _, ab := range pop.Expected() {
		expected[nikPair(pop, ab[0], ab[1])] = true
	}
	tp := 0
	for p := range found {
		if expected[p] {
			tp++
		}
	}
	precision, recall := ratio(tp, len(found)), ratio(tp, len(expected))
	t.Logf("%d persons: %d candidates, %d pairs the SPEC rule should find, %d found: precision %.4f, recall %.4f",
		n, len(found), len(expected), tp, precision, recall)
	if precision < 0.99 || recall < 0.95 {
		t.Errorf("precision %.4f (want ≥ 0.99), recall %.4f (want ≥ 0.95)", precision, recall)
	}
	for p := range found {
		if !expected[p] {
			t.Errorf("candidate %s is no pair of the SPEC rule", p)
		}
	}
	for p := range expected {
		if !found[p] {
			t.Errorf("pair %s of the SPEC rule not found", p)
		}
	}

	// The planted pairs by kind: duplicates found, hard non-duplicates not.
	type tally struct{ planted, expected, found int }
	kinds := map[string]*tally{}
	var order []string
	for _, p := range pop.Pairs {
		k := kinds[p.Kind]
		if k == nil {
			k = &tally{}
			kinds[p.Kind] = k
			order = append(order, p.Kind)
		}
		k.planted++
		if p.Expected {
			k.expected++
		}
		if found[nikPair(pop, p.A, p.B)] {
			k.found++
		}
	}
	for _, kind := range order {
		k := kinds[kind]
		t.Logf("%-12s %5d pairs, %5d the rule should find, %5d found", kind, k.planted, k.expected, k.found)
		if kind != ganda.KindDuplicate && kind != ganda.KindCoincidence && k.found > 0 {
			t.Errorf("%d %s pairs made candidates", k.found, kind)
		}
	}
	if d := kinds[ganda.KindDuplicate]; d != nil {
		t.Logf("true duplicates found: %d of %d planted (%.1f %%); candidates that are no planted duplicate: %d of %d",
			d.found, d.planted, 100*ratio(d.found, d.planted), len(found)-d.found, len(found))
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
