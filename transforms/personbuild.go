package transforms

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// personBuilder builds PersonSchema batches from resolved persons. Each
// column's typed builder is looked up once, when the builder is made, so
// appending a person does no lookup by name.
type personBuilder struct {
	b *array.RecordBuilder

	nik, nkk, name, birthPlace, sex, marital   *array.StringBuilder
	mother, address, kecamatan, kelurahan      *array.StringBuilder
	region, origin, status, cardEvent          *array.StringBuilder
	birth, firstReq, lastReq, death, lastPrint *array.Date32Builder
	cardRequest                                *array.Date32Builder
	events, flags, sources                     *array.ListBuilder
	eventValues, flagValues, sourceValues      *array.StringBuilder
	rows                                       *array.Int32Builder
}

func newPersonBuilder(mem memory.Allocator) *personBuilder {
	b := array.NewRecordBuilder(mem, pipeline.PersonSchema)
	field := func(name string) array.Builder {
		return b.Field(pipeline.PersonSchema.FieldIndices(name)[0])
	}
	str := func(name string) *array.StringBuilder { return field(name).(*array.StringBuilder) }
	day := func(name string) *array.Date32Builder { return field(name).(*array.Date32Builder) }
	list := func(name string) (*array.ListBuilder, *array.StringBuilder) {
		l := field(name).(*array.ListBuilder)
		return l, l.ValueBuilder().(*array.StringBuilder)
	}
	pb := &personBuilder{
		b:   b,
		nik: str(pipeline.ColNIK), nkk: str(pipeline.ColNKK), name: str(pipeline.ColNama),
		birthPlace: str(pipeline.ColTempatLahir), sex: str(pipeline.ColJenisKelamin),
		marital: str(pipeline.ColStatusKawin), mother: str(pipeline.ColNamaIbu),
		address: str(pipeline.ColAlamat), kecamatan: str(pipeline.ColKecamatan),
		kelurahan: str(pipeline.ColKelurahan), region: str(pipeline.ColRegionCode),
		origin: str(pipeline.ColOriginRegionCode), status: str(pipeline.ColStatus),
		cardEvent: str(pipeline.ColCardEvent),
		birth:     day(pipeline.ColTanggalLahir), firstReq: day(pipeline.ColFirstRequestDate),
		lastReq: day(pipeline.ColLastRequestDate), death: day(pipeline.ColDeathDate),
		lastPrint: day(pipeline.ColLastPrintDate), cardRequest: day(pipeline.ColCardRequestDate),
		rows: field(pipeline.ColRowCount).(*array.Int32Builder),
	}
	pb.events, pb.eventValues = list(pipeline.ColEvents)
	pb.flags, pb.flagValues = list(pipeline.ColFlags)
	pb.sources, pb.sourceValues = list(pipeline.ColSources)
	return pb
}

func (pb *personBuilder) release() { pb.b.Release() }

// reserve makes room for n more persons in every column and n more
// sources (every person has one at least); text bytes and the other
// lists' values grow as needed.
func (pb *personBuilder) reserve(n int) {
	pb.b.Reserve(n)
	pb.sourceValues.Reserve(n)
}

// newRecord returns the batch built so far and starts a new one.
func (pb *personBuilder) newRecord() arrow.Record {
	return pb.b.NewRecord()
}

// append appends p as one row, in PersonSchema's column order. Empty
// strings and noDate become nulls; the lists are never null. p is only
// read.
func (pb *personBuilder) append(p *person) {
	appendString(pb.nik, p.nik)
	appendString(pb.nkk, p.nkk)
	appendString(pb.name, p.name)
	appendString(pb.birthPlace, p.birthPlace)
	appendDay(pb.birth, p.birth)
	appendString(pb.sex, p.sex)
	appendString(pb.marital, p.marital)
	appendString(pb.mother, p.mother)
	appendString(pb.address, p.address)
	appendString(pb.kecamatan, p.kecamatan)
	appendString(pb.kelurahan, p.kelurahan)
	appendString(pb.region, p.region)
	appendString(pb.origin, p.origin)
	appendString(pb.status, p.status)
	appendList(pb.events, pb.eventValues, p.events)
	appendDay(pb.firstReq, p.firstReq)
	appendDay(pb.lastReq, p.lastReq)
	appendList(pb.flags, pb.flagValues, p.flags)
	appendDay(pb.death, p.death)
	appendDay(pb.lastPrint, p.lastPrint)
	appendString(pb.cardEvent, p.cardEvent)
	appendDay(pb.cardRequest, p.cardRequest)
	pb.rows.Append(p.rows)
	appendList(pb.sources, pb.sourceValues, p.sources)
}

// appendString appends v, or null when v is empty.
func appendString(b *array.StringBuilder, v string) {
	if v == "" {
		b.AppendNull()
		return
	}
	b.Append(v)
}

// appendDay appends v (days since 1970-01-01), or null when it is noDate.
func appendDay(b *array.Date32Builder, v int32) {
	if v == noDate {
		b.AppendNull()
		return
	}
	b.Append(arrow.Date32(v))
}

// appendList appends vs as one valid list (empty when vs is), its values
// going to values, l's value builder.
func appendList(l *array.ListBuilder, values *array.StringBuilder, vs []string) {
	l.Append(true)
	for _, v := range vs {
		values.Append(v)
	}
}
