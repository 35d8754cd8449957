package transforms

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/colbuild"
	"readiness/pipeline/regions"
)

// NormalizeConfig configures the normalize stage.
type NormalizeConfig struct {
	// Regions resolves kabupaten_kota, sheet and file names to regency
	// codes. Required.
	Regions *regions.Reference
	// AsOf is the run's as-of date: a birth date after it is dropped
	// (birthImplausible). Required; validate must get the same date.
	AsOf time.Time
}

func (c NormalizeConfig) validate() error {
	var errs []error
	if c.Regions == nil {
		errs = append(errs, errors.New("normalize: no region reference"))
	}
	if c.AsOf.IsZero() {
		errs = append(errs, errors.New("normalize: no as-of date"))
	}
	return errors.Join(errs...)
}

// Normalize reads the values of every row: it takes a RawSchema batch and
// returns a NormSchema batch with the same rows in the same order.
//
// Input columns are passed on as they are (retained, not copied), except
// the free-text columns nkk, tempat_lahir, nama_ibu, alamat, rt, rw,
// kelurahan and kecamatan, which are replaced by a cleaned version:
// trimmed, white space collapsed, invisible characters dropped, upper
// case (nkk is cleaned like a NIK instead: see cleanNIK). An
// empty cell stays "" and a null stays null. nik, nama, the dates,
// kabupaten_kota, jenis_perubahan, status_layanan and kabupaten_tujuan
// stay raw, so validate can explain what was wrong with them.
//
// Appended columns (pipeline/schema.go):
//
//	nik_clean        cleanNIK(nik); null when nik is null or nothing is left
//	name_display     displayName(nama); null when nama is null
//	name_norm        normalizeName(nama); null when nama is null
//	mother_norm      normalizeName(nama_ibu); null when nama_ibu is null
//	birth_date       parseDate(tanggal_lahir); null when empty, unreadable
//	                 or implausible: before 1900 or after AsOf
//	                 (birthImplausible)
//	request_date, service_date
//	                 parseDate of tanggal_pengajuan, tanggal_layanan; null
//	                 when empty or unreadable. A date after AsOf is kept.
//	sex, marital, event, service_state
//	                 the tables of events.go; null when empty or unknown
//	region_code      Regions.Resolve(kabupaten_kota), else a regency named
//	                 in the sheet name, else in the file name, else null
//	dest_region_code Regions.ResolveAny(kabupaten_tujuan), any province; else null
//
// Normalize never rejects a row and never warns: validate does, from the
// raw text normalize keeps.
//
// Why an implausible birth date is dropped here and not by a later stage:
// birth_date is read only where a date that can be true is wanted.
// Classify takes a person's birth date from their rows, falling back to
// the NIK; a tanggal_lahir of 2030 for a man whose NIK says 1990 would
// otherwise make him INELIGIBLE, and two rows of one NIK, one with such a
// typo, would be flagged NIK_CONFLICT. Dropping it here keeps classify
// free of any knowledge of validate's warnings; validate warns
// (BIRTH_BEFORE_1900, BIRTH_AFTER_AS_OF) from the raw text, which
// normalize keeps. Request and service dates have no
// fallback, so one after AsOf stays (validate warns DATE_AFTER_AS_OF):
// nulling it would also make two distinct requests of the same event look
// like one (SPEC §5 K1 keys on the request date).
type Normalize struct {
	cfg  NormalizeConfig
	asOf asOfDay // cfg.AsOf, for birthImplausible
}

var _ pipeline.RowLocalStage = (*Normalize)(nil)

// NewNormalize returns a normalize stage, or an error naming every
// missing setting.
func NewNormalize(cfg NormalizeConfig) (*Normalize, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Normalize{cfg: cfg, asOf: newAsOfDay(cfg.AsOf)}, nil
}

// Name identifies the stage.
func (*Normalize) Name() string { return "normalize" }

// RowLocal reports true: Apply reads only its batch and the stage's
// configuration (the region reference is read-only; lookups are memoised
// per call), so the runner may call it on several batches at once.
func (*Normalize) RowLocal() bool { return true }

// cleaners are the input columns normalize replaces, with their cleaning.
var cleaners = map[string]cleaner{
	pipeline.ColNKK:         {cleanNIK, digitsColumn},
	pipeline.ColTempatLahir: {cleanText, displayedColumn},
	pipeline.ColNamaIbu:     {cleanText, displayedColumn},
	pipeline.ColAlamat:      {cleanText, displayedColumn},
	pipeline.ColRT:          {cleanText, displayedColumn},
	pipeline.ColRW:          {cleanText, displayedColumn},
	pipeline.ColKelurahan:   {cleanText, displayedColumn},
	pipeline.ColKecamatan:   {cleanText, displayedColumn},
}

// A cleaner is the cleaning of a text column: clean of each value, and
// asIs, a test of the whole column at once that, when it holds, proves
// clean leaves every value as it is (when it does not, the values are
// looked at one by one).
type cleaner struct {
	clean func(string) string
	asIs  func(*array.String) bool
}

// Apply normalises one RawSchema batch. rec is borrowed; the returned
// NormSchema record is the caller's. The only errors are a cancelled
// context and a batch of the wrong schema.
func (n *Normalize) Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := requireColumns(n.Name(), rec, pipeline.RawSchema, normalizeReads...); err != nil {
		return nil, err
	}
	for _, f := range pipeline.NormColumns() {
		if rec.Schema().HasField(f.Name) {
			return nil, fmt.Errorf("%s: input batch already has column %q", n.Name(), f.Name)
		}
	}
	var owned []arrow.Array // arrays built here, released once the record holds them
	defer func() {
		for _, a := range owned {
			a.Release()
		}
	}()

	cols := make([]arrow.Array, 0, int(rec.NumCols())+len(pipeline.NormColumns()))
	for i, f := range rec.Schema().Fields() {
		c, ok := cleaners[f.Name]
		if !ok || c.asIs(rec.Column(i).(*array.String)) {
			cols = append(cols, rec.Column(i))
			continue
		}
		a := mapStrings(mem, rec.Column(i).(*array.String), c.clean)
		owned = append(owned, a)
		cols = append(cols, a)
	}

	str := func(name string) *array.String { return stringCol(rec, name) }
	var (
		nik, nama, ibu   = str(pipeline.ColNIK), str(pipeline.ColNama), str(pipeline.ColNamaIbu)
		lahir, aju, lyn  = str(pipeline.ColTanggalLahir), str(pipeline.ColTanggalPengajuan), str(pipeline.ColTanggalLayanan)
		jk, kawin, jenis = str(pipeline.ColJenisKelamin), str(pipeline.ColStatusKawin), str(pipeline.ColJenisPerubahan)
		layanan, kab     = str(pipeline.ColStatusLayanan), str(pipeline.ColKabupatenKota)
		tujuan           = str(pipeline.ColKabupatenTujuan)
		file, sheet      = str(pipeline.ColFile), str(pipeline.ColSheet)
	)

	rows := int(rec.NumRows())
	var (
		bNIK, bDisplay, bNorm, bMother     colbuild.Strings
		bSex, bMarital, bEvent, bState     colbuild.Strings
		bRegion, bDest                     colbuild.Strings
		bBirth, bRequest, bService         colbuild.Dates
		regionOf                           = n.regionFinder()
		destOf                             = memoLookup(n.cfg.Regions.ResolveAny)
		sexOf, maritalOf, eventOf, stateOf = memoLookup(lookupSex), memoLookup(lookupMarital), memoLookup(lookupEvent), memoLookup(lookupState)
		requestOf, serviceOf               = memoLookup(parseDay), memoLookup(parseDay) // a few hundred days a batch
	)
	strs := []*colbuild.Strings{&bNIK, &bDisplay, &bNorm, &bMother, &bSex, &bMarital, &bEvent, &bState, &bRegion, &bDest}
	dates := []*colbuild.Dates{&bBirth, &bRequest, &bService}
	defer func() {
		for _, b := range strs {
			b.Release()
		}
		for _, b := range dates {
			b.Release()
		}
	}()
	// The cleaned texts are about as long as the raw ones; the codes are
	// short, and their bytes grow as the first rows show (Expect).
	bNIK.Reserve(mem, rows, dataLen(nik))
	bDisplay.Reserve(mem, rows, dataLen(nama))
	bNorm.Reserve(mem, rows, dataLen(nama))
	bMother.Reserve(mem, rows, dataLen(ibu))
	for _, b := range strs[4:] {
		b.Reserve(mem, rows, 0)
		b.Expect(rows)
	}
	for _, b := range dates {
		b.Reserve(mem, rows)
	}

	for i := 0; i < rows; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if v, ok := cellText(nik, i); ok {
			c := cleanNIK(v)
			appendOptString(mem, &bNIK, c, c != "")
		} else {
			bNIK.AppendNull(mem)
		}
		if v, ok := cellText(nama, i); ok {
			bDisplay.Append(mem, displayName(v))
			bNorm.Append(mem, normalizeName(v))
		} else {
			bDisplay.AppendNull(mem)
			bNorm.AppendNull(mem)
		}
		if v, ok := cellText(ibu, i); ok {
			bMother.Append(mem, normalizeName(v))
		} else {
			bMother.AppendNull(mem)
		}
		appendBirth(mem, &bBirth, lahir, i, n.asOf)
		appendLookup(mem, &bSex, jk, i, sexOf)
		appendLookup(mem, &bMarital, kawin, i, maritalOf)
		appendLookup(mem, &bEvent, jenis, i, eventOf)
		appendDate(mem, &bRequest, aju, i, requestOf)
		appendLookup(mem, &bState, layanan, i, stateOf)
		appendDate(mem, &bService, lyn, i, serviceOf)
		kabText, _ := cellText(kab, i)
		sheetName, _ := cellText(sheet, i)
		fileName, _ := cellText(file, i)
		code, ok := regionOf(kabText, sheetName, fileName)
		appendOptString(mem, &bRegion, code, ok)
		appendLookup(mem, &bDest, tujuan, i, destOf)
	}

	// In the order of pipeline.NormColumns.
	built := []arrow.Array{
		bNIK.Finish(mem), bDisplay.Finish(mem), bNorm.Finish(mem), bMother.Finish(mem), bBirth.Finish(mem),
		bSex.Finish(mem), bMarital.Finish(mem), bEvent.Finish(mem), bRequest.Finish(mem), bState.Finish(mem),
		bService.Finish(mem), bRegion.Finish(mem), bDest.Finish(mem),
	}
	owned = append(owned, built...)
	cols = append(cols, built...)
	fields := append(append([]arrow.Field{}, rec.Schema().Fields()...), pipeline.NormColumns()...)
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(rows)), nil
}

// normalizeReads are the columns normalize reads: the raw cells it cleans
// or parses and the provenance that locates the region.
var normalizeReads = []string{
	pipeline.ColFile, pipeline.ColSheet, pipeline.ColNIK, pipeline.ColNKK, pipeline.ColNama,
	pipeline.ColTempatLahir, pipeline.ColTanggalLahir, pipeline.ColJenisKelamin,
	pipeline.ColStatusKawin, pipeline.ColNamaIbu, pipeline.ColAlamat, pipeline.ColRT,
	pipeline.ColRW, pipeline.ColKelurahan, pipeline.ColKecamatan, pipeline.ColKabupatenKota,
	pipeline.ColJenisPerubahan, pipeline.ColTanggalPengajuan, pipeline.ColStatusLayanan,
	pipeline.ColTanggalLayanan, pipeline.ColKabupatenTujuan,
}

// regionFinder returns the submitting-region rule of one batch, memoised:
// the kabupaten_kota cell, else the sheet name, else the file name.
func (n *Normalize) regionFinder() func(kab, sheet, file string) (string, bool) {
	ref := n.cfg.Regions
	resolve := memoLookup(ref.Resolve)
	find := memoLookup(ref.FindIn)
	return func(kab, sheet, file string) (string, bool) {
		if code, ok := resolve(kab); ok {
			return code, true
		}
		if code, ok := find(sheet); ok {
			return code, true
		}
		return find(file)
	}
}

// memoLookup caches a lookup for the length of one batch: the same few texts
// repeat on every row. At most 4096 texts of up to maxMemoKey bytes are
// kept, so a batch of long, distinct cells (up to 32,767 characters each)
// cannot grow the cache past a few megabytes; longer texts are looked up
// every time.
func memoLookup[V any](f func(string) (V, bool)) func(string) (V, bool) {
	type result struct {
		v  V
		ok bool
	}
	cache := map[string]result{}
	return func(s string) (V, bool) {
		if r, hit := cache[s]; hit {
			return r.v, r.ok
		}
		v, ok := f(s)
		if len(cache) < 4096 && len(s) <= maxMemoKey {
			cache[s] = result{v, ok}
		}
		return v, ok
	}
}

// maxMemoKey bounds the texts memoLookup caches, in bytes.
const maxMemoKey = 256

// cellText returns the value of row i, false when it is null.
func cellText(a *array.String, i int) (string, bool) {
	if a.IsNull(i) {
		return "", false
	}
	return a.Value(i), true
}

// appendLookup appends the lookup of a cell, or a null when the cell is
// null or the lookup fails.
func appendLookup(mem memory.Allocator, b *colbuild.Strings, a *array.String, i int, f func(string) (string, bool)) {
	v, ok := cellText(a, i)
	if ok {
		v, ok = f(v)
	}
	appendOptString(mem, b, v, ok)
}

// appendOptString appends v, or a null when ok is false.
func appendOptString(mem memory.Allocator, b *colbuild.Strings, v string, ok bool) {
	if ok {
		b.Append(mem, v)
	} else {
		b.AppendNull(mem)
	}
}

// appendDate appends the date of a text cell as parse (parseDay,
// memoised) reads it, or a null.
func appendDate(mem memory.Allocator, b *colbuild.Dates, a *array.String, i int, parse func(string) (arrow.Date32, bool)) {
	v, ok := cellText(a, i)
	if !ok {
		b.AppendNull(mem)
		return
	}
	d, ok := parse(v)
	if !ok {
		b.AppendNull(mem)
		return
	}
	b.Append(mem, int32(d))
}

// appendBirth appends the parsed birth date of a text cell, or a null when
// the cell is null, unreadable or implausible (birthImplausible).
func appendBirth(mem memory.Allocator, b *colbuild.Dates, a *array.String, i int, asOf asOfDay) {
	v, ok := cellText(a, i)
	if !ok {
		b.AppendNull(mem)
		return
	}
	d, ok := parseDay(v)
	if !ok || birthImplausible(d, asOf) != "" {
		b.AppendNull(mem)
		return
	}
	b.Append(mem, int32(d))
}

// dataLen is the number of bytes of a's values.
func dataLen(a *array.String) int {
	if a.Len() == 0 {
		return 0
	}
	return int(a.ValueOffset64(a.Len()) - a.ValueOffset64(0))
}

// displayedColumn reports whether every value of a is one displayName
// leaves as it is because displayedASCII holds for it, tested on the
// column's bytes at once: no value starts or ends with a space, and
// displayedASCII holds for all the values' bytes together (a value that
// ends without a space and one that starts without one make no pair of
// spaces). The bytes of a null value are tested too: a false answer only
// means the values are to be looked at one by one.
func displayedColumn(a *array.String) bool {
	data := a.ValueBytes()
	if len(data) == 0 {
		return true // every value is ""
	}
	offs := a.ValueOffsets()
	base := offs[0]
	for i := 1; i < len(offs); i++ {
		start, end := offs[i-1]-base, offs[i]-base
		if start < end && (data[start] == ' ' || data[end-1] == ' ') {
			return false
		}
	}
	return displayedASCII(unsafe.String(&data[0], len(data)))
}

// digitsColumn reports whether every value of a is ASCII digits (or
// empty), which cleanNIK leaves as they are, tested on the column's bytes
// at once.
func digitsColumn(a *array.String) bool {
	for _, c := range a.ValueBytes() {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// mapStrings returns a string array holding f of every value of a; nulls
// stay null. When f changes no value, that is a itself, retained.
func mapStrings(mem memory.Allocator, a *array.String, f func(string) string) arrow.Array {
	first := -1 // the first value f changes
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			continue
		}
		if v := a.Value(i); f(v) != v {
			first = i
			break
		}
	}
	if first < 0 {
		a.Retain()
		return a
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	b.ReserveData(dataLen(a))
	for i := 0; i < a.Len(); i++ {
		switch {
		case a.IsNull(i):
			b.AppendNull()
		case i < first:
			b.Append(a.Value(i))
		default:
			b.Append(f(a.Value(i)))
		}
	}
	return b.NewArray()
}
