package transforms

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// GandaConfig configures the ganda (K3) stage.
type GandaConfig struct {
	NameThreshold float64 // Jaro-Winkler at or above which names are similar, in (0, 1]
	Workers       int     // goroutines comparing blocks; 0 means GOMAXPROCS
}

func (c GandaConfig) validate() error {
	if !(c.NameThreshold > 0 && c.NameThreshold <= 1) {
		return fmt.Errorf("ganda: name threshold %v outside (0, 1]", c.NameThreshold)
	}
	if c.Workers < 0 {
		return fmt.Errorf("ganda: %d workers", c.Workers)
	}
	return nil
}

// Ganda finds K3 candidates (SPEC §5): pairs of persons under two NIKs who
// are probably one resident — a second NIK issued after a lost card, a
// NIK typed wrong, a record made twice in two regencies. It lists them
// for review and never merges them: no count changes.
//
// A pair is a candidate when its normalised names are similar, its birth
// dates are the same or have day and month swapped, and at least two of
// birthplace, sex, mother's name and NKK agree (a value missing on either
// side neither agrees nor disagrees). Name plus birth date alone never
// make a candidate, nor do siblings, who share NKK, mother, birthplace
// and often sex but not name and birth date. Names are similar when one
// of three forms meets the name threshold: as written, parts sorted
// (SITI AMINAH / AMINAH SITI), both after reading the parts through
// name_variants.txt (MUH., MOH., M., MUHAMAD → MUHAMMAD), and parts
// joined (NUR HAYATI / NURHAYATI). Mothers' names agree by the same rule;
// birthplaces when equal after normalizePlace; NKKs when equal (16
// digits). Deceased persons and persons who moved out of the province are
// compared like everyone else. The search compares only persons of one
// birth-date block (gandamatch.go), so it grows about linearly.
//
// Each candidate has a score from 0 to 100 that orders the review:
// 30 × the name similarity (the best Jaro-Winkler over the three forms),
// 20 for the same birth date (10 when day and month are swapped), then for
// each other field its weight added when it agrees and taken away when it
// disagrees: NKK 20, mother's name 15, birthplace 10, sex 5.
//
// It rewrites the persons table: it gathers every person, and when it
// finishes emits them again, in the same batches and order, with
// K3_CANDIDATE added to the flags of every person in a pair and the
// column pipeline.ColK3With appended (the other NIKs, in increasing
// order). Then it emits the candidates table (pipeline.CandidateSchema:
// one row per pair, nik_a < nik_b, by score, highest first, then NIKs)
// and the one-row candidate_stats table (pipeline.CandidateStatsSchema).
type Ganda struct {
	cfg     GandaConfig
	batches []arrow.Record
}

var _ pipeline.TableStage = (*Ganda)(nil)

// NewGanda returns a ganda stage.
func NewGanda(cfg GandaConfig) (*Ganda, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Ganda{cfg: cfg}, nil
}

// Name implements pipeline.TableStage.
func (*Ganda) Name() string { return "ganda" }

// Ports implements pipeline.TableStage.
func (*Ganda) Ports() pipeline.Ports {
	return pipeline.Ports{Rewrites: []pipeline.Table{pipeline.TablePersons}}
}

// gandaReads are the person columns the stage reads.
var gandaReads = []string{
	pipeline.ColNIK, pipeline.ColNKK, pipeline.ColNama, pipeline.ColTempatLahir, pipeline.ColTanggalLahir,
	pipeline.ColJenisKelamin, pipeline.ColNamaIbu, pipeline.ColRegionCode, pipeline.ColStatus, pipeline.ColFlags,
}

// Apply implements pipeline.TableStage: it retains rec until Finish.
func (g *Ganda) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	if err := requireColumns(g.Name(), rec, pipeline.PersonSchema, gandaReads...); err != nil {
		return err
	}
	rec.Retain()
	g.batches = append(g.batches, rec)
	return nil
}

// Finish implements pipeline.TableStage.
func (g *Ganda) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	defer g.Release()
	pairs, st, err := findK3(ctx, prepareK3(g.extract()), g.cfg.NameThreshold, g.cfg.Workers)
	if err != nil {
		return err
	}
	v := newPersonViews(g.batches)
	// nik_a is the smaller NIK.
	for i := range pairs {
		if v.nik(pairs[i].b) < v.nik(pairs[i].a) {
			pairs[i].a, pairs[i].b = pairs[i].b, pairs[i].a
		}
	}
	with := map[int32][]int32{}
	for _, p := range pairs {
		with[p.a] = append(with[p.a], p.b)
		with[p.b] = append(with[p.b], p.a)
	}
	offset := int32(0)
	for _, rec := range g.batches {
		out, err := g.annotate(mem, rec, offset, with, v)
		if err != nil {
			return err
		}
		offset += int32(rec.NumRows())
		err = emit(pipeline.TablePersons, out)
		out.Release()
		if err != nil {
			return err
		}
	}
	slices.SortFunc(pairs, func(x, y k3Pair) int {
		return cmp.Or(cmp.Compare(y.score, x.score), strings.Compare(v.nik(x.a), v.nik(y.a)), strings.Compare(v.nik(x.b), v.nik(y.b)))
	})
	if err := emitCandidates(mem, pairs, v, emit); err != nil {
		return err
	}
	return emitCandidateStats(mem, st, emit)
}

// extract reads the persons into the matcher's form, the batches in
// parallel: normalising two names a person is most of the stage's time
// before the search.
func (g *Ganda) extract() []k3Person {
	offsets := make([]int, len(g.batches)+1)
	for i, rec := range g.batches {
		offsets[i+1] = offsets[i] + int(rec.NumRows())
	}
	persons := make([]k3Person, offsets[len(g.batches)])
	var wg sync.WaitGroup
	sem := make(chan struct{}, workersOr(g.cfg.Workers))
	for i, rec := range g.batches {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			extractBatch(rec, persons[offsets[i]:offsets[i+1]])
		}()
	}
	wg.Wait()
	return persons
}

// extractBatch fills out with the persons of rec.
func extractBatch(rec arrow.Record, out []k3Person) {
	name, mother, place := stringCol(rec, pipeline.ColNama), stringCol(rec, pipeline.ColNamaIbu), stringCol(rec, pipeline.ColTempatLahir)
	nkk, sex, birth := stringCol(rec, pipeline.ColNKK), stringCol(rec, pipeline.ColJenisKelamin), dateCol(rec, pipeline.ColTanggalLahir)
	str := func(a *array.String, i int) string {
		if a.IsNull(i) {
			return ""
		}
		return a.Value(i)
	}
	for i := range out {
		p := k3Person{
			name:   normalizeName(str(name, i)),
			mother: normalizeName(str(mother, i)),
			place:  normalizePlace(str(place, i)),
			nkk:    nkkKey(str(nkk, i)),
			birth:  noDate,
		}
		if s := str(sex, i); s == "L" || s == "P" {
			p.sex = s[0]
		}
		if birth.IsValid(i) {
			p.birth = int32(birth.Value(i))
		}
		out[i] = p
	}
}

// normalizePlace is the form birthplaces are compared in: upper case,
// punctuation to spaces, spaces collapsed. Nothing more: KOTA PADANG (a
// district of Rejang Lebong) is not PADANG (a city of West Sumatra).
func normalizePlace(s string) string { return punctToSpace(strings.ToUpper(s)) }

// nkkKey is an NKK as compared: 16 digits, not all zero; anything else is
// missing.
func nkkKey(s string) string {
	if len(s) != 16 || strings.Trim(s, "0") == "" {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	return s
}

// personViews reads the gathered persons by their index over all batches.
type personViews struct {
	offsets []int32 // first index of each batch
	recs    []arrow.Record
}

func newPersonViews(batches []arrow.Record) personViews {
	v := personViews{recs: batches}
	n := int32(0)
	for _, rec := range batches {
		v.offsets = append(v.offsets, n)
		n += int32(rec.NumRows())
	}
	return v
}

// at returns the batch and row of person i.
func (v personViews) at(i int32) (arrow.Record, int) {
	b := sort.Search(len(v.offsets), func(k int) bool { return v.offsets[k] > i }) - 1
	return v.recs[b], int(i - v.offsets[b])
}

// str returns person i's value of a string column, "" when null.
func (v personViews) str(i int32, col string) string {
	rec, j := v.at(i)
	a := stringCol(rec, col)
	if a.IsNull(j) {
		return ""
	}
	return a.Value(j)
}

func (v personViews) nik(i int32) string { return v.str(i, pipeline.ColNIK) }

// birth returns person i's birth date, false when null.
func (v personViews) birth(i int32) (arrow.Date32, bool) {
	rec, j := v.at(i)
	a := dateCol(rec, pipeline.ColTanggalLahir)
	return a.Value(j), a.IsValid(j)
}

// annotate returns rec with K3_CANDIDATE added to the flags of its
// persons in a pair and the k3_with column appended; offset is the index
// of rec's first person.
func (g *Ganda) annotate(mem memory.Allocator, rec arrow.Record, offset int32, with map[int32][]int32, v personViews) (arrow.Record, error) {
	fi := rec.Schema().FieldIndices(pipeline.ColFlags)[0]
	old := rec.Column(fi).(*array.List)
	oldValues := old.ListValues().(*array.String)
	flags := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer flags.Release()
	fv := flags.ValueBuilder().(*array.StringBuilder)
	k3 := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer k3.Release()
	kv := k3.ValueBuilder().(*array.StringBuilder)
	for j := 0; j < int(rec.NumRows()); j++ {
		others := with[offset+int32(j)]
		if old.IsNull(j) && len(others) == 0 {
			flags.AppendNull()
		} else {
			flags.Append(true)
			has := false
			if old.IsValid(j) {
				start, end := old.ValueOffsets(j)
				for k := start; k < end; k++ {
					fv.Append(oldValues.Value(int(k)))
					has = has || oldValues.Value(int(k)) == pipeline.FlagK3Candidate
				}
			}
			if len(others) > 0 && !has {
				fv.Append(pipeline.FlagK3Candidate)
			}
		}
		k3.Append(true)
		niks := make([]string, len(others))
		for k, o := range others {
			niks[k] = v.nik(o)
		}
		slices.Sort(niks)
		for _, n := range niks {
			kv.Append(n)
		}
	}
	newFlags, newK3 := flags.NewArray(), k3.NewArray()
	defer newFlags.Release()
	defer newK3.Release()
	if !arrow.TypeEqual(newFlags.DataType(), old.DataType()) {
		return nil, fmt.Errorf("%s: column %q has type %s, want %s", g.Name(), pipeline.ColFlags, old.DataType(), newFlags.DataType())
	}
	cols := slices.Clone(rec.Columns())
	cols[fi] = newFlags
	replaced := array.NewRecord(rec.Schema(), cols, rec.NumRows())
	defer replaced.Release()
	return appendColumns(replaced, pipeline.GandaColumns(), newK3)
}

// agreementNames are the texts of the field agreements.
var agreementNames = map[int8]string{
	fieldAgree: pipeline.FieldAgree, fieldDisagree: pipeline.FieldDisagree, fieldMissing: pipeline.FieldMissing,
}

// candidateBatch is the most rows of one candidates batch.
const candidateBatch = 64 * 1024

// emitCandidates emits the candidates table, pairs in order.
func emitCandidates(mem memory.Allocator, pairs []k3Pair, v personViews, emit pipeline.Emit) error {
	b := array.NewRecordBuilder(mem, pipeline.CandidateSchema)
	defer b.Release()
	field := func(name string) array.Builder { return b.Field(pipeline.CandidateSchema.FieldIndices(name)[0]) }
	str := func(name, s string) { appendString(field(name).(*array.StringBuilder), s) }
	day := func(name string, i int32) {
		d, ok := v.birth(i)
		if !ok {
			field(name).AppendNull()
			return
		}
		field(name).(*array.Date32Builder).Append(d)
	}
	flush := func() error {
		rec := b.NewRecord()
		defer rec.Release()
		return emit(pipeline.TableCandidates, rec)
	}
	fields := pipeline.CandidateFields()
	for n, p := range pairs {
		str(pipeline.CandNIKA, v.nik(p.a))
		str(pipeline.CandNIKB, v.nik(p.b))
		field(pipeline.CandScore).(*array.Float64Builder).Append(p.score)
		for f, col := range fields {
			str(col, agreementNames[p.agree[f]])
		}
		str(pipeline.CandRegionA, v.str(p.a, pipeline.ColRegionCode))
		str(pipeline.CandRegionB, v.str(p.b, pipeline.ColRegionCode))
		field(pipeline.CandKeputusan).AppendNull()
		str(pipeline.CandNamaA, v.str(p.a, pipeline.ColNama))
		str(pipeline.CandNamaB, v.str(p.b, pipeline.ColNama))
		day(pipeline.CandTanggalLahirA, p.a)
		day(pipeline.CandTanggalLahirB, p.b)
		str(pipeline.CandTempatLahirA, v.str(p.a, pipeline.ColTempatLahir))
		str(pipeline.CandTempatLahirB, v.str(p.b, pipeline.ColTempatLahir))
		str(pipeline.CandJenisKelaminA, v.str(p.a, pipeline.ColJenisKelamin))
		str(pipeline.CandJenisKelaminB, v.str(p.b, pipeline.ColJenisKelamin))
		str(pipeline.CandNamaIbuA, v.str(p.a, pipeline.ColNamaIbu))
		str(pipeline.CandNamaIbuB, v.str(p.b, pipeline.ColNamaIbu))
		str(pipeline.CandStatusA, v.str(p.a, pipeline.ColStatus))
		str(pipeline.CandStatusB, v.str(p.b, pipeline.ColStatus))
		if (n+1)%candidateBatch == 0 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(pairs) == 0 || len(pairs)%candidateBatch != 0 {
		return flush()
	}
	return nil
}

// emitCandidateStats emits the one-row candidate_stats table.
func emitCandidateStats(mem memory.Allocator, st k3Stats, emit pipeline.Emit) error {
	b := array.NewRecordBuilder(mem, pipeline.CandidateStatsSchema)
	defer b.Release()
	for name, n := range map[string]int64{
		pipeline.StatPersons: int64(st.Persons), pipeline.StatPersonsCompared: int64(st.Compared),
		pipeline.StatBlocks: int64(st.Blocks), pipeline.StatLargestBlock: int64(st.LargestBlock),
		pipeline.StatComparisons: st.Comparisons, pipeline.StatCandidates: int64(st.Candidates),
	} {
		b.Field(pipeline.CandidateStatsSchema.FieldIndices(name)[0]).(*array.Int64Builder).Append(n)
	}
	rec := b.NewRecord()
	defer rec.Release()
	return emit(pipeline.TableCandidateStats, rec)
}

// Release implements pipeline.TableStage: it drops the gathered persons.
func (g *Ganda) Release() {
	for _, r := range g.batches {
		r.Release()
	}
	g.batches = nil
}
