package transforms

import (
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/colbuild"
)

// personBuilder builds PersonSchema batches from resolved persons. Its
// columns are colbuild's, which write value bytes, offsets and validity
// straight into memory from the allocator, as the sources' batches do,
// instead of through Arrow's builders, which cost a call and a bounds
// check per buffer per value: a validity bitmap is kept only once a
// column holds a null, the NIK and NKK are written as digits from their
// packed form, and a source as "file|sheet|row" from its parts.
type personBuilder struct {
	mem memory.Allocator
	n   int // persons so far

	nik, nkk, name, birthPlace, sex, marital   colbuild.Strings
	mother, address, kecamatan, kelurahan      colbuild.Strings
	region, origin, status, cardEvent          colbuild.Strings
	birth, firstReq, lastReq, death, lastPrint colbuild.Dates
	cardRequest                                colbuild.Dates
	events, flags, sources                     colbuild.StringLists
	rows                                       colbuild.Int32s
}

func newPersonBuilder(mem memory.Allocator) *personBuilder {
	return &personBuilder{mem: mem}
}

// texts, days and lists return the builder's columns of each kind.
func (pb *personBuilder) texts() []*colbuild.Strings {
	return []*colbuild.Strings{&pb.nik, &pb.nkk, &pb.name, &pb.birthPlace, &pb.sex, &pb.marital,
		&pb.mother, &pb.address, &pb.kecamatan, &pb.kelurahan, &pb.region, &pb.origin,
		&pb.status, &pb.cardEvent}
}

func (pb *personBuilder) days() []*colbuild.Dates {
	return []*colbuild.Dates{&pb.birth, &pb.firstReq, &pb.lastReq, &pb.death, &pb.lastPrint, &pb.cardRequest}
}

func (pb *personBuilder) lists() []*colbuild.StringLists {
	return []*colbuild.StringLists{&pb.events, &pb.flags, &pb.sources}
}

// release lets go of what is built and not yet handed out.
func (pb *personBuilder) release() {
	for _, c := range pb.texts() {
		c.Release()
	}
	for _, c := range pb.days() {
		c.Release()
	}
	for _, c := range pb.lists() {
		c.Release()
	}
	pb.rows.Release()
	pb.n = 0
}

// reserve makes room for n more persons in every column's offsets,
// validity and fixed-width values, about n more events and sources
// (every person has a source, most an event); the text bytes, once a
// few values are in, for as many more values as there is room for.
func (pb *personBuilder) reserve(n int) {
	for _, c := range pb.texts() {
		c.Reserve(pb.mem, n, 0)
		c.Expect(n)
	}
	for _, c := range pb.days() {
		c.Reserve(pb.mem, n)
	}
	for _, l := range [...]struct {
		c      *colbuild.StringLists
		values int
	}{{&pb.events, n}, {&pb.flags, 0}, {&pb.sources, n + n/8}} {
		l.c.Reserve(pb.mem, n)
		l.c.Values().Reserve(pb.mem, l.values, 0)
		l.c.Values().Expect(l.values)
	}
	pb.rows.Grow(pb.mem, n)
}

// newRecord returns the batch built so far and starts a new one.
func (pb *personBuilder) newRecord() arrow.Record {
	n := pb.n
	fields := pipeline.PersonSchema.Fields()
	arrs := make([]arrow.Array, 0, len(fields))
	for _, col := range [...]any{
		&pb.nik, &pb.nkk, &pb.name, &pb.birthPlace, &pb.birth, &pb.sex, &pb.marital,
		&pb.mother, &pb.address, &pb.kecamatan, &pb.kelurahan, &pb.region, &pb.origin,
		&pb.status, &pb.events, &pb.firstReq, &pb.lastReq, &pb.flags, &pb.death,
		&pb.lastPrint, &pb.cardEvent, &pb.cardRequest, &pb.rows, &pb.sources,
	} {
		switch c := col.(type) {
		case *colbuild.Strings:
			arrs = append(arrs, c.Finish(pb.mem))
		case *colbuild.Dates:
			arrs = append(arrs, c.Finish(pb.mem))
		case *colbuild.StringLists:
			arrs = append(arrs, c.Finish(pb.mem, listOfStrings))
		case *colbuild.Int32s:
			d := array.NewData(arrow.PrimitiveTypes.Int32, n, []*memory.Buffer{nil, c.Finish(pb.mem)}, nil, 0, 0)
			d.Buffers()[1].Release() // NewData retained it
			arrs = append(arrs, array.MakeFromData(d))
			d.Release()
		}
	}
	rec := array.NewRecord(pipeline.PersonSchema, arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	pb.n = 0
	return rec
}

// append appends p as one row, in PersonSchema's column order. Empty
// strings and noDate become nulls; the lists are never null. p is only
// read.
func (pb *personBuilder) append(p *person) {
	mem := pb.mem
	addText(mem, &pb.nik, p.nik)
	if p.nkkNum != 0 {
		addDigits16(mem, &pb.nkk, p.nkkNum-1)
	} else {
		addText(mem, &pb.nkk, p.nkk)
	}
	addText(mem, &pb.name, p.name)
	addText(mem, &pb.birthPlace, p.birthPlace)
	addDay(mem, &pb.birth, p.birth)
	addText(mem, &pb.sex, p.sex)
	addText(mem, &pb.marital, p.marital)
	addText(mem, &pb.mother, p.mother)
	addText(mem, &pb.address, p.address)
	addText(mem, &pb.kecamatan, p.kecamatan)
	addText(mem, &pb.kelurahan, p.kelurahan)
	addText(mem, &pb.region, p.region)
	addText(mem, &pb.origin, p.origin)
	addText(mem, &pb.status, p.status)
	pb.events.Append(mem, p.events)
	addDay(mem, &pb.firstReq, p.firstReq)
	addDay(mem, &pb.lastReq, p.lastReq)
	pb.flags.Append(mem, p.flags)
	addDay(mem, &pb.death, p.death)
	addDay(mem, &pb.lastPrint, p.lastPrint)
	addText(mem, &pb.cardEvent, p.cardEvent)
	addDay(mem, &pb.cardRequest, p.cardRequest)
	pb.rows.Append(mem, p.rows)
	addSources(mem, &pb.sources, p.sources)
	pb.n++
}

// addText appends v to c, null when empty.
func addText(mem memory.Allocator, c *colbuild.Strings, v string) {
	if v == "" {
		c.AppendNull(mem)
		return
	}
	c.Append(mem, v)
}

// addDay appends v to c, null when noDate.
func addDay(mem memory.Allocator, c *colbuild.Dates, v int32) {
	if v == noDate {
		c.AppendNull(mem)
		return
	}
	c.Append(mem, v)
}

// addDigits16 appends n to c as a value of 16 digits, zero-padded.
func addDigits16(mem memory.Allocator, c *colbuild.Strings, n uint64) {
	b := c.Room(mem, nikLen)
	b = b[:len(b)+nikLen]
	d := b[len(b)-nikLen:]
	for k := nikLen - 1; k >= 0; k-- {
		d[k] = byte('0' + n%10)
		n /= 10
	}
	c.EndValue(mem, b)
}

// addSources appends the sources to c as one list of "file|sheet|line".
func addSources(mem memory.Allocator, c *colbuild.StringLists, ss []source) {
	vs := c.Values()
	for k := range ss {
		s := &ss[k]
		b := vs.Room(mem, len(s.file)+len(s.sheet)+2+11)
		b = append(append(append(append(b, s.file...), '|'), s.sheet...), '|')
		vs.EndValue(mem, strconv.AppendInt(b, int64(s.line), 10))
	}
	c.EndList(mem)
}

// listOfStrings is PersonSchema's type of a list column.
var listOfStrings = pipeline.PersonSchema.Field(pipeline.PersonSchema.FieldIndices(pipeline.ColSources)[0]).Type
