package transforms

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// refGather is classify's previous way of gathering, kept as a reference
// for the compact store: it retains the columns it reads of every batch
// with an accepted row and indexes the rows by NIK.
type refGather struct {
	batches []refRowView
	refs    []refRowRef      // every gathered row, in input order
	byNIK   map[string][]int // NIK → indexes into refs
	order   []string         // NIKs by first appearance
}

func (c *refGather) apply(rec arrow.Record) {
	if c.byNIK == nil {
		c.byNIK = make(map[string][]int)
	}
	reason := stringCol(rec, pipeline.ColReason)
	var v refRowView
	kept := false
	for i := 0; i < int(rec.NumRows()); i++ {
		if reason.IsValid(i) {
			continue
		}
		if !kept {
			v = newRefRowView(refKeepColumns(rec))
			c.batches = append(c.batches, v)
			kept = true
		}
		nik := v.nik.Value(i)
		idx, seen := c.byNIK[nik]
		if !seen {
			c.order = append(c.order, nik)
		}
		c.byNIK[nik] = append(idx, len(c.refs))
		c.refs = append(c.refs, refRowRef{batch: int32(len(c.batches) - 1), row: int32(i)})
	}
}

// groups returns the gathered rows of each NIK, NIKs by first appearance.
func (c *refGather) groups() (niks []string, rows [][]row) {
	for _, nik := range c.order {
		var rs []row
		for _, i := range c.byNIK[nik] {
			rs = append(rs, c.load(i))
		}
		niks, rows = append(niks, nik), append(rows, rs)
	}
	return niks, rows
}

func (c *refGather) release() {
	for _, v := range c.batches {
		v.rec.Release()
	}
	c.batches = nil
}

// refRowRef locates a gathered row in refGather.
type refRowRef struct{ batch, row int32 }

// refRowView holds the typed columns of one gathered batch.
type refRowView struct {
	rec                                              arrow.Record
	nik, reason, file, sheet                         *array.String
	nkk, name, nameNorm, birthPlace, mother, address *array.String
	kecamatan, kelurahan, sex, marital, event, state *array.String
	region, dest                                     *array.String
	birth, request, service                          *array.Date32
	row                                              *array.Int32
	dup                                              *array.Boolean
	warnings                                         *array.List
	warnValues                                       *array.String
}

// refKeptColumns are the columns of RowSchema that person resolution reads.
var refKeptColumns = []string{
	pipeline.ColFile, pipeline.ColSheet, pipeline.ColRow, pipeline.ColNKK,
	pipeline.ColTempatLahir, pipeline.ColNamaIbu, pipeline.ColAlamat,
	pipeline.ColKelurahan, pipeline.ColKecamatan, pipeline.ColNIKClean,
	pipeline.ColNameDisplay, pipeline.ColNameNorm, pipeline.ColBirthDate,
	pipeline.ColSex, pipeline.ColMarital, pipeline.ColEvent,
	pipeline.ColRequestDate, pipeline.ColServiceState, pipeline.ColServiceDate,
	pipeline.ColRegionCode, pipeline.ColDestRegionCode, pipeline.ColReason,
	pipeline.ColWarnings, pipeline.ColDuplicate,
}

// refKeepColumns returns a record of rec's refKeptColumns, shared
// (retained, not copied); the caller releases it.
func refKeepColumns(rec arrow.Record) arrow.Record {
	cols := make([]arrow.Array, len(refKeptColumns))
	fields := make([]arrow.Field, len(refKeptColumns))
	for i, name := range refKeptColumns {
		j := rec.Schema().FieldIndices(name)[0]
		cols[i], fields[i] = rec.Column(j), rec.Schema().Field(j)
	}
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

func newRefRowView(rec arrow.Record) refRowView {
	col := func(name string) arrow.Array { return column(rec, name) }
	str := func(name string) *array.String { return col(name).(*array.String) }
	warnings := col(pipeline.ColWarnings).(*array.List)
	return refRowView{
		rec: rec, nik: str(pipeline.ColNIKClean), reason: str(pipeline.ColReason),
		file: str(pipeline.ColFile), sheet: str(pipeline.ColSheet),
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

func (c *refGather) load(i int) row {
	ref := c.refs[i]
	v, j := c.batches[ref.batch], int(ref.row)
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
	r := row{
		seq: i, dup: v.dup.IsValid(j) && v.dup.Value(j),
		name: get(v.name), nameNorm: get(v.nameNorm), nkk: get(v.nkk),
		birthPlace: get(v.birthPlace), mother: get(v.mother), address: get(v.address),
		kecamatan: get(v.kecamatan), kelurahan: get(v.kelurahan), sex: get(v.sex),
		marital: get(v.marital), event: get(v.event), state: get(v.state),
		region: get(v.region), dest: get(v.dest),
		birth: day(v.birth), request: day(v.request), service: day(v.service),
		source: source{file: get(v.file), sheet: get(v.sheet), line: v.row.Value(j)},
	}
	if v.warnings.IsValid(j) {
		start, end := v.warnings.ValueOffsets(j)
		for k := start; k < end; k++ {
			r.warnings = append(r.warnings, v.warnValues.Value(int(k)))
		}
	}
	return r
}

// randomRows returns a RowSchema batch of n random rows for comparing
// gatherings: NIKs from a small pool (16 digits, with leading zeros, and
// others), null and empty text, non-ASCII text, now and then text longer
// than 64 KiB, missing and negative dates, warnings, rejected rows. The
// columns classify does not read are null.
func randomRows(mem memory.Allocator, r *rand.Rand, n int) arrow.Record {
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	niks := []string{"1771010501900001", "0000000000000001", "1771015203850002", "9999999999999999",
		"1", "", "ABCDEFGHIJKLMNOP", "17710105019000０1", "177101050190000"}
	text := func() (string, bool) {
		switch r.IntN(20) {
		case 0:
			return "", false // null
		case 1:
			return "", true
		case 2:
			return "ŞİTİ Ñ 名前 " + strconv.Itoa(r.IntN(50)), true
		case 3:
			if r.IntN(10) == 0 {
				return strings.Repeat("JALAN PANJANG ", 5000+r.IntN(100)), true
			}
		}
		return pick("BUDI", "SITI AMINAH", "JL. MELATI NO. 5", "AGUS") + " " + strconv.Itoa(r.IntN(1000)), true
	}
	low := func(vs ...string) (string, bool) {
		if r.IntN(8) == 0 {
			return "", false
		}
		return pick(vs...), true
	}
	b := array.NewRecordBuilder(mem, pipeline.RowSchema)
	defer b.Release()
	for range n {
		for f, field := range pipeline.RowSchema.Fields() {
			fb := b.Field(f)
			str := func(v string, ok bool) {
				if ok {
					fb.(*array.StringBuilder).Append(v)
				} else {
					fb.AppendNull()
				}
			}
			switch field.Name {
			case pipeline.ColNIKClean:
				str(pick(niks...), r.IntN(30) > 0)
			case pipeline.ColReason:
				str("REGION_UNKNOWN", r.IntN(10) == 0)
			case pipeline.ColNameDisplay, pipeline.ColNamaIbu, pipeline.ColAlamat:
				str(text())
			case pipeline.ColNameNorm:
				str(text()) // equal to the name half the time: see below
			case pipeline.ColNKK:
				str(low("1771010101900001", "0000000000000007", "177101010190000", "17710101019000AB", ""))
			case pipeline.ColFile:
				str(low("a.csv", "b.xlsx", "kota bengkulu.csv"))
			case pipeline.ColSheet:
				str(low("", "Sheet1", "Data Ü"))
			case pipeline.ColTempatLahir:
				if r.IntN(4) == 0 {
					str(text())
				} else {
					str(low("BENGKULU", "CURUP", "MANNA", ""))
				}
			case pipeline.ColKecamatan, pipeline.ColKelurahan:
				str(low("GADING CEMPAKA", "RATU SAMBAN", "SELEBAR", ""))
			case pipeline.ColSex:
				str(low("L", "P", ""))
			case pipeline.ColMarital:
				str(low("KAWIN", "BELUM KAWIN", "CERAI MATI"))
			case pipeline.ColEvent:
				str(low(pipeline.EventRekam, pipeline.EventMati, pipeline.EventPindah, "RUSAK", "HILANG"))
			case pipeline.ColServiceState:
				str(low(pipeline.StateBelumRekam, "SUDAH REKAM", "SUDAH CETAK", "SELESAI"))
			case pipeline.ColRegionCode, pipeline.ColDestRegionCode:
				str(low("1771", "1705", "1671", ""))
			case pipeline.ColBirthDate, pipeline.ColRequestDate, pipeline.ColServiceDate:
				if r.IntN(5) == 0 {
					fb.AppendNull()
				} else {
					fb.(*array.Date32Builder).Append(arrow.Date32(r.IntN(50000) - 25000))
				}
			case pipeline.ColRow:
				fb.(*array.Int32Builder).Append(int32(r.Int64N(1<<32) - 1<<31))
			case pipeline.ColDuplicate:
				if r.IntN(3) == 0 {
					fb.AppendNull()
				} else {
					fb.(*array.BooleanBuilder).Append(r.IntN(4) == 0)
				}
			case pipeline.ColWarnings:
				lb := fb.(*array.ListBuilder)
				switch k := r.IntN(6); k {
				case 0, 1, 2:
					lb.AppendNull()
				case 3:
					lb.Append(true) // an empty list
				default:
					lb.Append(true)
					vb := lb.ValueBuilder().(*array.StringBuilder)
					for range k - 2 {
						vb.Append(pick(pipeline.WarnNIKDOBMismatch, pipeline.WarnCellTooLong, pipeline.WarnDateAfterAsOf))
					}
				}
			default:
				fb.AppendNull()
			}
		}
	}
	rec := b.NewRecord()
	// Half the rows get a normalised name equal to the display name.
	return sameNameHalfTheTime(mem, r, rec)
}

// sameNameHalfTheTime returns rec (taking its reference) with name_norm
// replaced by name_display on about half the rows.
func sameNameHalfTheTime(mem memory.Allocator, r *rand.Rand, rec arrow.Record) arrow.Record {
	defer rec.Release()
	name, norm := stringCol(rec, pipeline.ColNameDisplay), stringCol(rec, pipeline.ColNameNorm)
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for i := range int(rec.NumRows()) {
		switch a := name; {
		case r.IntN(2) == 0:
			a = norm
			fallthrough
		default:
			if a.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(a.Value(i))
			}
		}
	}
	col := b.NewArray()
	defer col.Release()
	cols := slices.Clone(rec.Columns())
	cols[rec.Schema().FieldIndices(pipeline.ColNameNorm)[0]] = col
	return array.NewRecord(rec.Schema(), cols, rec.NumRows())
}
