package transforms

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// personBuilder builds PersonSchema batches from resolved persons.
type personBuilder struct {
	b *array.RecordBuilder
}

func newPersonBuilder(mem memory.Allocator) *personBuilder {
	return &personBuilder{b: array.NewRecordBuilder(mem, pipeline.PersonSchema)}
}

func (pb *personBuilder) release() { pb.b.Release() }

// newRecord returns the batch built so far and starts a new one.
func (pb *personBuilder) newRecord() arrow.Record {
	return pb.b.NewRecord()
}

func (pb *personBuilder) append(p person) {
	field := func(name string) array.Builder {
		return pb.b.Field(pipeline.PersonSchema.FieldIndices(name)[0])
	}
	str := func(name, v string) { appendString(field(name).(*array.StringBuilder), v) }
	day := func(name string, v int32) {
		b := field(name).(*array.Date32Builder)
		if v == noDate {
			b.AppendNull()
			return
		}
		b.Append(arrow.Date32(v))
	}
	list := func(name string, vs []string) {
		b := field(name).(*array.ListBuilder)
		b.Append(true)
		vb := b.ValueBuilder().(*array.StringBuilder)
		for _, v := range vs {
			vb.Append(v)
		}
	}
	str(pipeline.ColNIK, p.nik)
	str(pipeline.ColNKK, p.nkk)
	str(pipeline.ColNama, p.name)
	str(pipeline.ColTempatLahir, p.birthPlace)
	day(pipeline.ColTanggalLahir, p.birth)
	str(pipeline.ColJenisKelamin, p.sex)
	str(pipeline.ColStatusKawin, p.marital)
	str(pipeline.ColNamaIbu, p.mother)
	str(pipeline.ColAlamat, p.address)
	str(pipeline.ColKecamatan, p.kecamatan)
	str(pipeline.ColKelurahan, p.kelurahan)
	str(pipeline.ColRegionCode, p.region)
	str(pipeline.ColOriginRegionCode, p.origin)
	str(pipeline.ColStatus, p.status)
	list(pipeline.ColEvents, p.events)
	day(pipeline.ColFirstRequestDate, p.firstReq)
	day(pipeline.ColLastRequestDate, p.lastReq)
	list(pipeline.ColFlags, p.flags)
	day(pipeline.ColDeathDate, p.death)
	day(pipeline.ColLastPrintDate, p.lastPrint)
	str(pipeline.ColCardEvent, p.cardEvent)
	day(pipeline.ColCardRequestDate, p.cardRequest)
	field(pipeline.ColRowCount).(*array.Int32Builder).Append(p.rows)
	list(pipeline.ColSources, p.sources)
}

// appendString appends v, or null when v is empty.
func appendString(b *array.StringBuilder, v string) {
	if v == "" {
		b.AppendNull()
		return
	}
	b.Append(v)
}
