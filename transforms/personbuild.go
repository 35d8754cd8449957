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
	n int
}

func newPersonBuilder(mem memory.Allocator) *personBuilder {
	return &personBuilder{b: array.NewRecordBuilder(mem, pipeline.PersonSchema)}
}

func (pb *personBuilder) len() int { return pb.n }

func (pb *personBuilder) release() { pb.b.Release() }

// newRecord returns the batch built so far and starts a new one.
func (pb *personBuilder) newRecord() arrow.Record {
	pb.n = 0
	return pb.b.NewRecord()
}

func (pb *personBuilder) append(p person) {
	pb.n++
	f := pb.b.Fields()
	i := 0
	next := func() array.Builder { i++; return f[i-1] }
	str := func(v string) { appendString(next().(*array.StringBuilder), v) }
	day := func(v int32) {
		b := next().(*array.Date32Builder)
		if v == noDate {
			b.AppendNull()
			return
		}
		b.Append(arrow.Date32(v))
	}
	list := func(vs []string) {
		b := next().(*array.ListBuilder)
		b.Append(true)
		vb := b.ValueBuilder().(*array.StringBuilder)
		for _, v := range vs {
			vb.Append(v)
		}
	}
	// In PersonSchema order.
	str(p.nik)
	str(p.nkk)
	str(p.name)
	str(p.birthPlace)
	day(p.birth)
	str(p.sex)
	str(p.marital)
	str(p.mother)
	str(p.address)
	str(p.kecamatan)
	str(p.kelurahan)
	str(p.region)
	str(p.origin)
	str(p.status)
	list(p.events)
	day(p.firstReq)
	day(p.lastReq)
	list(p.flags)
	day(p.death)
	day(p.lastPrint)
	str(p.cardEvent)
	next().(*array.Int32Builder).Append(p.rows)
	list(p.sources)
}

// appendString appends v, or null when v is empty.
func appendString(b *array.StringBuilder, v string) {
	if v == "" {
		b.AppendNull()
		return
	}
	b.Append(v)
}
