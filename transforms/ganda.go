package transforms

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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
	Workers       int     // goroutines reading persons and comparing blocks; 0 means GOMAXPROCS
	// NewSpool holds the persons until Finish; nil keeps them in memory.
	NewSpool pipeline.NewSpool
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
//
// Until Finish it holds the person batches in its spool (cfg.NewSpool:
// in memory, or on disk) and, in memory, what the search compares: each
// person's interned name keys, birthplace, NKK, sex and birth date
// (k3Rec), and each NIK (8 bytes for a NIK of 16 digits). Apply reads a
// batch into that form in the background, up to cfg.Workers batches at a
// time; Finish and Release wait for them.
type Ganda struct {
	cfg   GandaConfig
	spool pipeline.Spool
	niks  nikTable
	prep  *k3Preparer
	parts [][]k3Rec // per batch, in order; filled by the readers
	last  chan struct{}
	sem   chan struct{}
	wg    sync.WaitGroup
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

// Apply implements pipeline.TableStage: it keeps rec's NIKs, starts
// reading rec into the search's form, and spools rec until Finish.
func (g *Ganda) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	if err := requireColumns(g.Name(), rec, pipeline.PersonSchema, gandaReads...); err != nil {
		return err
	}
	if g.spool == nil {
		g.spool = newSpool(g.cfg.NewSpool, mem)
		g.prep = newK3Preparer()
		g.sem = make(chan struct{}, workersOr(g.cfg.Workers))
	}
	g.niks.add(stringCol(rec, pipeline.ColNIK))
	out := make([]k3Rec, rec.NumRows())
	g.parts = append(g.parts, out)
	// The batches are read in parallel and prepared in order, each after
	// the one before it: the interning is the same as in one pass.
	prev, done := g.last, make(chan struct{})
	g.last = done
	rec.Retain()
	g.sem <- struct{}{}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer func() { <-g.sem }()
		defer rec.Release()
		persons := make([]k3Person, rec.NumRows())
		extractBatch(rec, persons)
		if prev != nil {
			<-prev
		}
		g.prep.prepare(persons, out)
		close(done)
	}()
	return g.spool.Append(rec)
}

// Finish implements pipeline.TableStage.
func (g *Ganda) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	defer g.Release()
	g.wg.Wait()
	persons := k3Prepared{recs: make([]k3Rec, 0, g.niks.len())}
	for _, p := range g.parts {
		persons.recs = append(persons.recs, p...)
	}
	if g.prep != nil {
		persons.keys = g.prep.keys
	}
	g.parts, g.prep = nil, nil
	pairs, st, err := findK3(ctx, persons, g.cfg.NameThreshold, g.cfg.Workers)
	if err != nil {
		return err
	}
	v := personViews{niks: &g.niks, details: map[int32]*candidateDetails{}}
	// nik_a is the smaller NIK.
	for i := range pairs {
		if g.niks.compare(pairs[i].b, pairs[i].a) < 0 {
			pairs[i].a, pairs[i].b = pairs[i].b, pairs[i].a
		}
	}
	with := newPairedWith(g.niks.len(), pairs)
	if g.spool != nil {
		offset := int32(0)
		err := g.spool.Replay(ctx, func(rec arrow.Record) error {
			if int(offset)+int(rec.NumRows()) > g.niks.len() {
				return fmt.Errorf("%s: the spool gives back more persons than were given", g.Name())
			}
			v.keep(rec, offset, with)
			out, err := g.annotate(mem, rec, offset, with, v)
			if err != nil {
				return err
			}
			offset += int32(rec.NumRows())
			defer out.Release()
			return emit(pipeline.TablePersons, out)
		})
		if err != nil {
			return err
		}
	}
	slices.SortFunc(pairs, func(x, y k3Pair) int {
		return cmp.Or(cmp.Compare(y.score, x.score), g.niks.compare(x.a, y.a), g.niks.compare(x.b, y.b))
	})
	if err := emitCandidates(mem, pairs, v, emit); err != nil {
		return err
	}
	return emitCandidateStats(mem, st, emit)
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
		p := k3Person{name: str(name, i), mother: str(mother, i), place: str(place, i), nkk: str(nkk, i), birth: noDate}
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

// nikTable holds the NIK of every person, by index over all batches: a
// NIK of 16 digits as its number, any other text (the stage does not
// judge NIKs) apart.
type nikTable struct {
	nums  []uint64 // the NIK's number, or nikText | its index into texts
	texts []string
}

// nikText marks a NIK held as text; a 16-digit number is below 2^54.
const nikText = 1 << 63

// add appends the NIKs of one batch; a null NIK is "".
func (t *nikTable) add(a *array.String) {
	for i := 0; i < a.Len(); i++ {
		s := ""
		if a.IsValid(i) {
			s = a.Value(i)
		}
		if n, ok := nik16(s); ok {
			t.nums = append(t.nums, n)
			continue
		}
		t.nums = append(t.nums, nikText|uint64(len(t.texts)))
		t.texts = append(t.texts, strings.Clone(s))
	}
}

// nik16 is s as a number when it is 16 ASCII digits.
func nik16(s string) (uint64, bool) {
	if len(s) != 16 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

func (t *nikTable) len() int { return len(t.nums) }

// at returns person i's NIK as it was given.
func (t *nikTable) at(i int32) string {
	n := t.nums[i]
	if n&nikText != 0 {
		return t.texts[n&^nikText]
	}
	var b [16]byte
	for k := 15; k >= 0; k-- {
		b[k] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// compare orders persons i and j by NIK as text.
func (t *nikTable) compare(i, j int32) int {
	a, b := t.nums[i], t.nums[j]
	if a&nikText == 0 && b&nikText == 0 {
		return cmp.Compare(a, b) // 16 digits each: numbers order as texts do
	}
	return strings.Compare(t.at(i), t.at(j))
}

// pairedWith lists, for each person in a pair, the others of its pairs,
// and tells in a bit whether a person is in one: the persons given back
// are nearly all in none.
type pairedWith struct {
	in     []uint64 // bit i%64 of in[i/64]: person i is in a pair
	others map[int32][]int32
}

// newPairedWith indexes the pairs among n persons.
func newPairedWith(n int, pairs []k3Pair) *pairedWith {
	w := &pairedWith{in: make([]uint64, (n+63)/64), others: map[int32][]int32{}}
	for _, p := range pairs {
		w.others[p.a] = append(w.others[p.a], p.b)
		w.others[p.b] = append(w.others[p.b], p.a)
		w.in[p.a/64] |= 1 << (p.a % 64)
		w.in[p.b/64] |= 1 << (p.b % 64)
	}
	return w
}

func (w *pairedWith) paired(i int32) bool { return w.in[i/64]&(1<<(i%64)) != 0 }

// of returns the others of person i's pairs; nil when it is in none.
func (w *pairedWith) of(i int32) []int32 {
	if !w.paired(i) {
		return nil
	}
	return w.others[i]
}

// candidateDetails are what the candidates table shows of a person in a
// pair, copied from the batch as it is given back.
type candidateDetails struct {
	region, name, place, sex, mother, status string
	birth                                    arrow.Date32
	hasBirth                                 bool
}

// personViews reads the persons of the pairs by their index over all
// batches: NIKs for everyone, the rest for persons in a pair once keep
// has seen their batch.
type personViews struct {
	niks    *nikTable
	details map[int32]*candidateDetails
}

// keep copies the details of rec's persons who are in a pair; offset is
// the index of rec's first person.
func (v personViews) keep(rec arrow.Record, offset int32, with *pairedWith) {
	str := func(col string, j int) string {
		a := stringCol(rec, col)
		if a.IsNull(j) {
			return ""
		}
		return strings.Clone(a.Value(j))
	}
	birth := dateCol(rec, pipeline.ColTanggalLahir)
	for j := 0; j < int(rec.NumRows()); j++ {
		if !with.paired(offset + int32(j)) {
			continue
		}
		v.details[offset+int32(j)] = &candidateDetails{
			region: str(pipeline.ColRegionCode, j), name: str(pipeline.ColNama, j), place: str(pipeline.ColTempatLahir, j),
			sex: str(pipeline.ColJenisKelamin, j), mother: str(pipeline.ColNamaIbu, j), status: str(pipeline.ColStatus, j),
			birth: birth.Value(j), hasBirth: birth.IsValid(j),
		}
	}
}

func (v personViews) nik(i int32) string { return v.niks.at(i) }

// of returns the details of person i, in a pair.
func (v personViews) of(i int32) *candidateDetails { return v.details[i] }

// annotate returns rec with K3_CANDIDATE added to the flags of its
// persons in a pair and the k3_with column appended; offset is the index
// of rec's first person.
func (g *Ganda) annotate(mem memory.Allocator, rec arrow.Record, offset int32, with *pairedWith, v personViews) (arrow.Record, error) {
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
		others := with.of(offset + int32(j))
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
	day := func(name string, d *candidateDetails) {
		if !d.hasBirth {
			field(name).AppendNull()
			return
		}
		field(name).(*array.Date32Builder).Append(d.birth)
	}
	flush := func() error {
		rec := b.NewRecord()
		defer rec.Release()
		return emit(pipeline.TableCandidates, rec)
	}
	fields := pipeline.CandidateFields()
	for n, p := range pairs {
		a, b := v.of(p.a), v.of(p.b)
		str(pipeline.CandNIKA, v.nik(p.a))
		str(pipeline.CandNIKB, v.nik(p.b))
		field(pipeline.CandScore).(*array.Float64Builder).Append(p.score)
		for f, col := range fields {
			str(col, agreementNames[p.agree[f]])
		}
		str(pipeline.CandRegionA, a.region)
		str(pipeline.CandRegionB, b.region)
		field(pipeline.CandKeputusan).AppendNull()
		str(pipeline.CandNamaA, a.name)
		str(pipeline.CandNamaB, b.name)
		day(pipeline.CandTanggalLahirA, a)
		day(pipeline.CandTanggalLahirB, b)
		str(pipeline.CandTempatLahirA, a.place)
		str(pipeline.CandTempatLahirB, b.place)
		str(pipeline.CandJenisKelaminA, a.sex)
		str(pipeline.CandJenisKelaminB, b.sex)
		str(pipeline.CandNamaIbuA, a.mother)
		str(pipeline.CandNamaIbuB, b.mother)
		str(pipeline.CandStatusA, a.status)
		str(pipeline.CandStatusB, b.status)
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

// Release implements pipeline.TableStage: it waits for the readers and
// drops the gathered persons.
func (g *Ganda) Release() {
	g.wg.Wait()
	if g.spool != nil {
		g.spool.Release()
	}
	g.spool, g.prep, g.parts, g.last = nil, nil, nil, nil
	g.niks = nikTable{}
}
