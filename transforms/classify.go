package transforms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// ClassifyConfig configures the classify stage.
type ClassifyConfig struct {
	AsOf          time.Time // resolves the century of a NIK's birth year
	ElectionDate  time.Time // eligibility: 17 years old on this day
	NameThreshold float64   // Jaro-Winkler at or above which names are similar
	BatchSize     int       // persons per output batch
	Workers       int       // goroutines resolving batches of persons; 0 means GOMAXPROCS
	// Spill, when set, gives the scratch file the gathered rows go to
	// beyond SpillBudget bytes of them in memory (see Classify); nil keeps
	// them all in memory.
	Spill       pipeline.NewScratch
	SpillBudget int64 // >= 0; 0 spills every full chunk of rows
}

func (c ClassifyConfig) validate() error {
	var errs []error
	if c.AsOf.IsZero() {
		errs = append(errs, errors.New("classify: as-of date missing"))
	}
	if c.ElectionDate.IsZero() {
		errs = append(errs, errors.New("classify: election date missing"))
	}
	if c.NameThreshold <= 0 || c.NameThreshold > 1 {
		errs = append(errs, fmt.Errorf("classify: name threshold %v outside (0, 1]", c.NameThreshold))
	}
	if c.BatchSize <= 0 {
		errs = append(errs, fmt.Errorf("classify: batch size %d not positive", c.BatchSize))
	}
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("classify: %d workers", c.Workers))
	}
	if c.SpillBudget < 0 {
		errs = append(errs, fmt.Errorf("classify: spill budget %d negative", c.SpillBudget))
	}
	return errors.Join(errs...)
}

// Classify resolves persons and classifies them (SPEC §5–§6). It reads the
// rows table, gathering the accepted rows (duplicates included) grouped by
// NIK, and when it finishes emits the persons table: one row per NIK in
// order of first appearance, with PersonSchema's columns.
//
//   - Attributes are the most recent non-empty values by request date,
//     then input order (the later row wins); a missing request date sorts
//     first. Birth date and sex missing from every row come from the NIK.
//   - Rows sharing a NIK that disagree on birth date, or whose normalised
//     names are not similar, stay one person flagged NIK_CONFLICT (K2).
//   - Duplicate rows (K1) take part only in finding a move's origin and in
//     the person's sources; everything else uses the kept rows.
//
// Rows with a reason are ignored. Each accepted row is copied, as it
// arrives, into a compact store (rowStore) of the fields person
// resolution reads, and nothing of the batch is retained: about the
// row's free text (name, mother's name, address; a name equal to its
// normalised form is kept once) plus 20 to 40 bytes (NIK, provenance,
// dates, codes, the low-cardinality text as ids) and 16 bytes of index
// per row, until Finish or Release. Finish links the rows of each NIK
// (the index drops to 8 bytes a row and 4 a NIK) and lets the store go as
// the persons are emitted.
//
// With Spill set, the encoded rows beyond SpillBudget bytes go to a
// scratch file as they are gathered, a full 1 MiB chunk at a time, and
// Finish reads each chunk back once, in order, as the persons being
// resolved reach it, holding only the chunks of the batches in flight (a
// person's rows far ahead of their first are read alone). The index
// stays in memory. The file is
// removed by Finish and Release, and on every failure; a failed write or
// read is Apply's or Finish's error.
type Classify struct {
	cfg  ClassifyConfig
	asOf asOfDay  // cfg.AsOf, for nikBirth
	rows rowStore // every gathered row, in input order, chained by NIK
	ws   []string // scratch for a row's warnings
}

var _ pipeline.TableStage = (*Classify)(nil)

// NewClassify returns a classify stage.
func NewClassify(cfg ClassifyConfig) (*Classify, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Classify{cfg: cfg, asOf: newAsOfDay(cfg.AsOf), rows: newRowStore(cfg.Spill, cfg.SpillBudget)}, nil
}

// Name implements pipeline.TableStage.
func (*Classify) Name() string { return "classify" }

// Ports implements pipeline.TableStage: it reads the rows, which go on
// unchanged, and emits persons.
func (*Classify) Ports() pipeline.Ports {
	return pipeline.Ports{Reads: []pipeline.Table{pipeline.TableRows}}
}

// Apply implements pipeline.TableStage. It copies the fields it needs of
// rec's accepted rows into its store, retains nothing of rec, and emits
// nothing.
func (c *Classify) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	if err := requireColumns(c.Name(), rec, pipeline.RowSchema, classifyColumns...); err != nil {
		return err
	}
	reason := stringCol(rec, pipeline.ColReason)
	var v *rowColumns
	for i := 0; i < int(rec.NumRows()); i++ {
		if reason.IsValid(i) {
			continue
		}
		if v == nil {
			cols := newRowColumns(rec)
			v = &cols
		}
		var err error
		if c.ws, err = v.gather(&c.rows, i, c.ws); err != nil {
			return err
		}
	}
	return nil
}

// Finish implements pipeline.TableStage: it emits the persons in batches
// of BatchSize, in order of first appearance, and releases the gathered
// rows as it goes. Batches are resolved by up to Workers goroutines at
// once, each building its own batch; they are emitted in order, and a
// batch's rows are dropped from the store once it is emitted, so at most
// Workers batches are held besides the store.
func (c *Classify) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	defer c.Release()
	c.rows.seal()
	heads, size := c.rows.heads, c.cfg.BatchSize
	if len(heads) == 0 { // an empty batch: the persons table exists
		res := c.resolveBatch(ctx, mem, nil)
		if res.err != nil {
			return res.err
		}
		defer res.rec.Release()
		return emit(pipeline.TablePersons, res.rec)
	}
	nb := (len(heads) + size - 1) / size
	results := make([]chan personBatch, nb)
	for i := range results {
		results[i] = make(chan personBatch, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Batches are started in order, at most Workers ahead of the one
	// being emitted.
	ahead := workersOr(c.cfg.Workers)
	var wg sync.WaitGroup
	defer wg.Wait() // before Release drops the store (deferred first, runs last)
	started := 0
	start := func() {
		k := started
		started++
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[k] <- c.resolveBatch(ctx, mem, heads[k*size:min((k+1)*size, len(heads))])
		}()
	}
	for k := 0; k < nb; k++ {
		for started < nb && started-k < ahead {
			start()
		}
		res := <-results[k]
		err := res.err
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = emit(pipeline.TablePersons, res.rec)
		}
		if res.rec != nil {
			res.rec.Release()
		}
		if err != nil {
			cancel()
			// Drain what was started, releasing it.
			for j := k + 1; j < started; j++ {
				if r := <-results[j]; r.rec != nil {
					r.rec.Release()
				}
			}
			return err
		}
		if k+1 < nb {
			// Every batch still being resolved begins at or after this
			// head, and a NIK's rows all come at or after its first row.
			c.rows.dropBefore(heads[(k+1)*size])
		}
	}
	return nil
}

// personBatch is one resolved batch of persons, or why it failed.
type personBatch struct {
	rec arrow.Record
	err error
}

// resolveBatch resolves the persons whose first rows are heads into one
// batch. It only reads the store, so batches resolve concurrently.
func (c *Classify) resolveBatch(ctx context.Context, mem memory.Allocator, heads []int32) personBatch {
	pb := newPersonBuilder(mem)
	defer pb.release()
	pb.reserve(len(heads))
	rows := make([]row, 0, 8)
	var sc resolveScratch
	var cc chunkCache
	for n, head := range heads {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return personBatch{err: err}
			}
		}
		var nik string
		var err error
		if rows, nik, err = c.rows.groupWith(head, rows[:0], &cc); err != nil {
			return personBatch{err: err}
		}
		p := c.resolve(nik, rows, &sc)
		pb.append(&p)
	}
	return personBatch{rec: pb.newRecord()}
}

// Release implements pipeline.TableStage: it drops the gathered rows and
// removes the scratch file.
func (c *Classify) Release() {
	c.rows.release()
	c.rows, c.ws = rowStore{}, nil
}

// classifyColumns are the columns of RowSchema that person resolution
// reads.
var classifyColumns = []string{
	pipeline.ColFile, pipeline.ColSheet, pipeline.ColRow, pipeline.ColNKK,
	pipeline.ColTempatLahir, pipeline.ColNamaIbu, pipeline.ColAlamat,
	pipeline.ColKelurahan, pipeline.ColKecamatan, pipeline.ColNIKClean,
	pipeline.ColNameDisplay, pipeline.ColNameNorm, pipeline.ColBirthDate,
	pipeline.ColSex, pipeline.ColMarital, pipeline.ColEvent,
	pipeline.ColRequestDate, pipeline.ColServiceState, pipeline.ColServiceDate,
	pipeline.ColRegionCode, pipeline.ColDestRegionCode, pipeline.ColReason,
	pipeline.ColWarnings, pipeline.ColDuplicate,
}

// rowColumns holds the typed classifyColumns of one batch.
type rowColumns struct {
	nik, file, sheet                                 *array.String
	nkk, name, nameNorm, birthPlace, mother, address *array.String
	kecamatan, kelurahan, sex, marital, event, state *array.String
	region, dest                                     *array.String
	birth, request, service                          *array.Date32
	row                                              *array.Int32
	dup                                              *array.Boolean
	warnings                                         *array.List
	warnValues                                       *array.String
}

func newRowColumns(rec arrow.Record) rowColumns {
	col := func(name string) arrow.Array { return column(rec, name) }
	str := func(name string) *array.String { return col(name).(*array.String) }
	warnings := col(pipeline.ColWarnings).(*array.List)
	return rowColumns{
		nik: str(pipeline.ColNIKClean), file: str(pipeline.ColFile), sheet: str(pipeline.ColSheet),
		nkk: str(pipeline.ColNKK), name: str(pipeline.ColNameDisplay), nameNorm: str(pipeline.ColNameNorm),
		birthPlace: str(pipeline.ColTempatLahir), mother: str(pipeline.ColNamaIbu),
		address: str(pipeline.ColAlamat), kecamatan: str(pipeline.ColKecamatan),
		kelurahan: str(pipeline.ColKelurahan), sex: str(pipeline.ColSex),
		marital: str(pipeline.ColMarital), event: str(pipeline.ColEvent),
		state: str(pipeline.ColServiceState), region: str(pipeline.ColRegionCode),
		dest:  str(pipeline.ColDestRegionCode),
		birth: col(pipeline.ColBirthDate).(*array.Date32), request: col(pipeline.ColRequestDate).(*array.Date32),
		service:  col(pipeline.ColServiceDate).(*array.Date32),
		row:      col(pipeline.ColRow).(*array.Int32),
		dup:      col(pipeline.ColDuplicate).(*array.Boolean),
		warnings: warnings, warnValues: warnings.ListValues().(*array.String),
	}
}

// gather adds row j of the batch to the store. The strings it reads alias
// the batch; the store copies them. ws is scratch for the row's warnings.
func (v *rowColumns) gather(s *rowStore, j int, ws []string) ([]string, error) {
	get := func(a *array.String) string {
		if a.IsNull(j) {
			return ""
		}
		return a.Value(j)
	}
	day := func(a *array.Date32) int32 {
		if a.IsNull(j) {
			return noDate
		}
		return int32(a.Value(j))
	}
	ws = ws[:0]
	if v.warnings.IsValid(j) {
		start, end := v.warnings.ValueOffsets(j)
		for k := start; k < end; k++ {
			ws = append(ws, v.warnValues.Value(int(k)))
		}
	}
	r := row{
		dup:  v.dup.IsValid(j) && v.dup.Value(j),
		name: get(v.name), nameNorm: get(v.nameNorm), nkk: get(v.nkk),
		birthPlace: get(v.birthPlace), mother: get(v.mother), address: get(v.address),
		kecamatan: get(v.kecamatan), kelurahan: get(v.kelurahan), sex: get(v.sex),
		marital: get(v.marital), event: get(v.event), state: get(v.state),
		region: get(v.region), dest: get(v.dest),
		birth: day(v.birth), request: day(v.request), service: day(v.service),
		warnings: ws,
	}
	return ws, s.add(get(v.nik), get(v.file), get(v.sheet), v.row.Value(j), &r)
}

// row is one gathered row, decoded for person resolution. Dates are days
// since 1970-01-01; noDate marks a missing one.
type row struct {
	seq                                     int // input order
	dup                                     bool
	name, nameNorm, nkk, birthPlace, mother string
	address, kecamatan, kelurahan, sex      string
	marital, event, state, region, dest     string
	nkkNum                                  uint64 // a 16-digit NKK packed, plus one (nkk is then ""); 0 otherwise
	birth, request, service                 int32
	warnings                                []string
	source                                  source
}

// source is where a row came from; a person's sources column holds it
// as "file|sheet|line".
type source struct {
	file, sheet string
	line        int32
}

const noDate = int32(-1 << 31)

// person is one resolved person, ready for the PersonSchema builder.
type person struct {
	nkkNum                                           uint64 // as row's
	nik, nkk, name, birthPlace, sex, marital, mother string
	address, kecamatan, kelurahan                    string
	region, origin, status, cardEvent                string
	birth, firstReq, lastReq, death, lastPrint       int32
	cardRequest                                      int32
	events, flags                                    []string
	sources                                          []source
	rows                                             int32
}

// resolveScratch is the memory resolve reuses from one person to the
// next. The zero value is ready to use; one goroutine uses it at a time.
type resolveScratch struct {
	kept, byDate  []row
	sources       []source
	events, flags []string
}

// keptRows returns the rows of all that are not duplicates, in order:
// all itself when there is no duplicate, else sc's memory (valid until
// the next keptRows).
func (sc *resolveScratch) keptRows(all []row) []row {
	i := 0
	for i < len(all) && !all[i].dup {
		i++
	}
	if i == len(all) {
		return all
	}
	kept := append(sc.kept[:0], all[:i]...)
	for k := i + 1; k < len(all); k++ {
		if !all[k].dup {
			kept = append(kept, all[k])
		}
	}
	sc.kept = kept
	return kept
}

// byRequestDate returns rows stably sorted by request date (a missing
// one first): rows itself when already so, else a sorted copy in sc's
// memory (valid until the next byRequestDate).
func (sc *resolveScratch) byRequestDate(rows []row) []row {
	sorted := true
	for k := 1; k < len(rows) && sorted; k++ {
		sorted = rows[k-1].request <= rows[k].request
	}
	if sorted {
		return rows
	}
	sc.byDate = append(sc.byDate[:0], rows...)
	slices.SortStableFunc(sc.byDate, compareRequest)
	return sc.byDate
}

// resolve turns the rows of one NIK (in input order) into a person. The
// person's lists are sc's memory: they stay valid until the next resolve
// with sc.
func (c *Classify) resolve(nik string, all []row, sc *resolveScratch) person {
	p := person{nik: nik, birth: noDate, firstReq: noDate, lastReq: noDate, death: noDate, lastPrint: noDate,
		sources: sc.sources[:0], events: sc.events[:0], flags: sc.flags[:0]}
	defer func() { sc.sources, sc.events, sc.flags = p.sources, p.events, p.flags }()
	for k := range all {
		r := &all[k]
		p.sources = append(p.sources, r.source)
	}
	kept := sc.keptRows(all)
	p.rows = int32(len(kept))

	// Attributes: the latest non-empty value by request date, then input order.
	byDate := sc.byRequestDate(kept)
	for k := range byDate {
		r := &byDate[k]
		if r.nkkNum != 0 {
			p.nkkNum, p.nkk = r.nkkNum, ""
		} else if r.nkk != "" {
			p.nkkNum, p.nkk = 0, r.nkk
		}
		set(&p.name, r.name)
		set(&p.birthPlace, r.birthPlace)
		set(&p.sex, r.sex)
		set(&p.marital, r.marital)
		set(&p.mother, r.mother)
		set(&p.address, r.address)
		set(&p.kecamatan, r.kecamatan)
		set(&p.kelurahan, r.kelurahan)
		if r.birth != noDate {
			p.birth = r.birth
		}
		if r.event != "" && !slices.Contains(p.events, r.event) {
			p.events = append(p.events, r.event)
		}
		if r.request != noDate {
			if p.firstReq == noDate {
				p.firstReq = r.request
			}
			p.lastReq = r.request
		}
	}
	if p.birth == noDate || p.sex == "" {
		nikDate, female, nikOK := nikBirth(nik, c.asOf)
		if p.birth == noDate && nikOK {
			p.birth = int32(nikDate)
		}
		if p.sex == "" && nikOK {
			p.sex = "L"
			if female {
				p.sex = "P"
			}
		}
	}

	if c.conflict(all) {
		p.flags = append(p.flags, pipeline.FlagNIKConflict)
	}
	v := judge(kept, p.birth, p.marital, c.cfg.ElectionDate)
	p.status, p.cardEvent, p.cardRequest, p.death, p.lastPrint = v.status, v.cardEvent, v.cardRequest, v.death, v.lastPrint
	if p.status == pipeline.StatusDeceased {
		for k := range kept {
			r := &kept[k]
			if r.event != pipeline.EventMati && r.request != noDate && r.request > p.death {
				p.flags = append(p.flags, pipeline.FlagEventAfterDeath)
				break
			}
		}
	}
	for k := range all {
		r := &all[k]
		for _, w := range r.warnings {
			if !slices.Contains(p.flags, w) {
				p.flags = append(p.flags, w)
			}
		}
	}
	p.region, p.origin = currentRegion(kept, all)
	return p
}

// conflict reports whether rows sharing a NIK look like different people.
func (c *Classify) conflict(rows []row) bool {
	var births []int32
	var names []string
	for k := range rows {
		r := &rows[k]
		if r.birth != noDate && !slices.Contains(births, r.birth) {
			births = append(births, r.birth)
		}
		if r.nameNorm != "" && !slices.Contains(names, r.nameNorm) {
			names = append(names, r.nameNorm)
		}
	}
	if len(births) > 1 {
		return true
	}
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if !similarNames(names[i], names[j], c.cfg.NameThreshold) {
				return true
			}
		}
	}
	return false
}

// verdict is the outcome of SPEC §6 for one person.
type verdict struct {
	status      string
	cardEvent   string // the request the blank is for (NEEDS_RECORDING, NEEDS_PRINT)
	cardRequest int32  // that request's date
	death       int32  // request date of the MATI row
	lastPrint   int32  // latest service date of a done row
}

// judge applies the rules of SPEC §6 in order to a person's kept rows
// (input order), birth date and marital status. It is pure: the rules are
// the small functions below.
func judge(rows []row, birth int32, marital string, election time.Time) verdict {
	v := verdict{death: deathDate(rows), lastPrint: noDate, cardRequest: noDate}
	switch {
	case hasEvent(rows, pipeline.EventMati):
		v.status = pipeline.StatusDeceased
	case ineligible(birth, marital, election):
		v.status = pipeline.StatusIneligible
	default:
		// The last print date is reported for the persons the card rules
		// apply to: not for the deceased or the ineligible.
		v.lastPrint = lastPrintDate(rows)
		if i, ok := needsRecording(rows); ok {
			v.status, v.cardEvent, v.cardRequest = pipeline.StatusNeedsRecording, pipeline.EventRekam, rows[i].request
		} else if i := pendingCard(rows, v.lastPrint); i >= 0 {
			v.status, v.cardEvent, v.cardRequest = pipeline.StatusNeedsPrint, rows[i].event, rows[i].request
		} else {
			v.status = pipeline.StatusReady
		}
	}
	return v
}

// hasEvent reports whether a row is of event.
func hasEvent(rows []row, event string) bool {
	for k := range rows {
		if rows[k].event == event {
			return true
		}
	}
	return false
}

// deathDate is the request date of the person's MATI row (the earliest,
// folded in input order), noDate without one.
func deathDate(rows []row) int32 {
	d := noDate
	for k := range rows {
		r := &rows[k]
		if r.event == pipeline.EventMati && (d == noDate || r.request < d) {
			d = r.request
		}
	}
	return d
}

// ineligible: under 17 on election day and never married (BELUM KAWIN or
// unknown). An unknown birth date is not ineligible.
func ineligible(birth int32, marital string, election time.Time) bool {
	if birth == noDate || (marital != "" && marital != pipeline.MaritalBelumKawin) {
		return false
	}
	return time.Unix(int64(birth)*86400, 0).UTC().AddDate(17, 0, 0).After(election)
}

// serviceDate is a row's tanggal_layanan, else its tanggal_pengajuan.
func serviceDate(r *row) int32 {
	if r.service != noDate {
		return r.service
	}
	return r.request
}

// lastPrintDate is the latest service date of a done row, noDate without
// one.
func lastPrintDate(rows []row) int32 {
	d := noDate
	for k := range rows {
		r := &rows[k]
		if pipeline.Done(r.state) && serviceDate(r) != noDate && (d == noDate || serviceDate(r) > d) {
			d = serviceDate(r)
		}
	}
	return d
}

// needsRecording reports whether the person awaits recording and the row
// that says so: the latest service state (by service date, ties to the
// later row) is BELUM REKAM, or a REKAM request is neither recorded
// itself nor followed by a recorded row.
func needsRecording(rows []row) (int, bool) {
	latest := -1
	for i := range rows {
		r := &rows[i]
		if r.state != "" && (latest < 0 || serviceDate(r) >= serviceDate(&rows[latest])) {
			latest = i
		}
	}
	if latest >= 0 && rows[latest].state == pipeline.StateBelumRekam {
		return latest, true
	}
	for i := range rows {
		r := &rows[i]
		if r.event != pipeline.EventRekam || pipeline.Recorded(r.state) {
			continue
		}
		if !recordedAfter(rows, i) {
			return i, true
		}
	}
	return -1, false
}

// recordedAfter reports whether a recorded row follows row i: a later
// service date, or the same date later in input order.
func recordedAfter(rows []row, i int) bool {
	for j := range rows {
		s := &rows[j]
		if pipeline.Recorded(s.state) && (serviceDate(s) > serviceDate(&rows[i]) || serviceDate(s) == serviceDate(&rows[i]) && j > i) {
			return true
		}
	}
	return false
}

// pendingCard returns the latest card-needing request (by request date,
// ties to the later row) dated after the last print, or with no print at
// all, that is not itself done; -1 without one.
func pendingCard(rows []row, lastPrint int32) int {
	pending := -1
	for i := range rows {
		r := &rows[i]
		if !pipeline.NeedsCard(r.event) || pipeline.Done(r.state) {
			continue
		}
		after := lastPrint == noDate || r.request != noDate && r.request > lastPrint
		if after && (pending < 0 || r.request >= rows[pending].request) {
			pending = i
		}
	}
	return pending
}

// currentRegion returns the person's current region and, when they moved,
// the origin (SPEC §6).
func currentRegion(kept, all []row) (region, origin string) {
	move := -1
	for i := range kept {
		r := &kept[i]
		if r.event == pipeline.EventPindah && r.dest != "" &&
			(move < 0 || r.request >= kept[move].request) {
			move = i
		}
	}
	if move < 0 {
		return kept[0].region, ""
	}
	dest := kept[move].dest
	for k := range all {
		r := &all[k]
		if r.event == pipeline.EventPindah && (r.dest == dest || r.dest == "") && r.region != dest {
			return dest, r.region
		}
	}
	return dest, ""
}

func set(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// compareRequest orders rows by request date, a missing one first.
func compareRequest(a, b row) int { return cmpInt32(a.request, b.request) }

func cmpInt32(a, b int32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
