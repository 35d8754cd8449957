package transforms

import (
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// personBuilder builds PersonSchema batches from resolved persons. It
// writes each column's value bytes, offsets and validity straight into
// memory from the allocator, as the sources do, instead of through
// Arrow's builders, which cost a call and a bounds check per buffer per
// value: a string column's validity bitmap is kept only when it holds a
// null, the NIK and NKK are written as digits from their packed form,
// and a source as "file|sheet|row" from its parts.
type personBuilder struct {
	mem memory.Allocator
	n   int // persons so far

	nik, nkk, name, birthPlace, sex, marital   textColumn
	mother, address, kecamatan, kelurahan      textColumn
	region, origin, status, cardEvent          textColumn
	birth, firstReq, lastReq, death, lastPrint dayColumn
	cardRequest                                dayColumn
	events, flags, sources                     listColumn
	rows                                       allocBuf // int32 values
}

func newPersonBuilder(mem memory.Allocator) *personBuilder {
	return &personBuilder{mem: mem}
}

// texts, days and lists return the builder's columns of each kind.
func (pb *personBuilder) texts() []*textColumn {
	return []*textColumn{&pb.nik, &pb.nkk, &pb.name, &pb.birthPlace, &pb.sex, &pb.marital,
		&pb.mother, &pb.address, &pb.kecamatan, &pb.kelurahan, &pb.region, &pb.origin,
		&pb.status, &pb.cardEvent}
}

func (pb *personBuilder) days() []*dayColumn {
	return []*dayColumn{&pb.birth, &pb.firstReq, &pb.lastReq, &pb.death, &pb.lastPrint, &pb.cardRequest}
}

func (pb *personBuilder) lists() []*listColumn {
	return []*listColumn{&pb.events, &pb.flags, &pb.sources}
}

// release lets go of what is built and not yet handed out.
func (pb *personBuilder) release() {
	for _, c := range pb.texts() {
		c.release()
	}
	for _, c := range pb.days() {
		c.release()
	}
	for _, c := range pb.lists() {
		c.release()
	}
	pb.rows.release()
	pb.n = 0
}

// reserve makes room for n more persons in every column's offsets,
// validity and fixed-width values, about n more events and sources
// (every person has a source, most an event); the text bytes, once a
// few values are in, for as many more values as there is room for.
func (pb *personBuilder) reserve(n int) {
	m := pb.n + n
	for _, c := range pb.texts() {
		c.reserve(pb.mem, m)
	}
	for _, c := range pb.days() {
		c.reserve(pb.mem, m)
	}
	pb.events.reserve(pb.mem, m, pb.events.values.n+n)
	pb.flags.reserve(pb.mem, m, pb.flags.values.n)
	pb.sources.reserve(pb.mem, m, pb.sources.values.n+n+n/8)
	pb.rows.room(pb.mem, 4*m)
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
		var d arrow.ArrayData
		switch c := col.(type) {
		case *textColumn:
			d = c.finish(pb.mem)
		case *dayColumn:
			d = c.finish(pb.mem)
		case *listColumn:
			d = c.finish(pb.mem)
		case *allocBuf:
			d = fixedData(arrow.PrimitiveTypes.Int32, n, nil, 0, c.finish(pb.mem, 4*n))
		}
		arrs = append(arrs, array.MakeFromData(d))
		d.Release()
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
	mem, i := pb.mem, pb.n
	pb.nik.add(mem, p.nik)
	if p.nkkNum != 0 {
		pb.nkk.addDigits16(mem, p.nkkNum-1)
	} else {
		pb.nkk.add(mem, p.nkk)
	}
	pb.name.add(mem, p.name)
	pb.birthPlace.add(mem, p.birthPlace)
	pb.birth.add(mem, p.birth)
	pb.sex.add(mem, p.sex)
	pb.marital.add(mem, p.marital)
	pb.mother.add(mem, p.mother)
	pb.address.add(mem, p.address)
	pb.kecamatan.add(mem, p.kecamatan)
	pb.kelurahan.add(mem, p.kelurahan)
	pb.region.add(mem, p.region)
	pb.origin.add(mem, p.origin)
	pb.status.add(mem, p.status)
	pb.events.add(mem, p.events)
	pb.firstReq.add(mem, p.firstReq)
	pb.lastReq.add(mem, p.lastReq)
	pb.flags.add(mem, p.flags)
	pb.death.add(mem, p.death)
	pb.lastPrint.add(mem, p.lastPrint)
	pb.cardEvent.add(mem, p.cardEvent)
	pb.cardRequest.add(mem, p.cardRequest)
	pb.rows.room(mem, 4*(i+1))
	arrow.Int32Traits.CastFromBytes(pb.rows.b)[i] = p.rows
	pb.sources.addSources(mem, p.sources)
	pb.n++
}

// allocBuf is memory from an allocator being filled: b is the whole
// allocation, written up to where its owner keeps count.
type allocBuf struct {
	buf *memory.Buffer
	b   []byte
}

// room makes b at least need bytes long, keeping its contents and at
// least doubling it when it grows.
func (x *allocBuf) room(mem memory.Allocator, need int) {
	if need > len(x.b) {
		x.grow(mem, need)
	}
}

// grow makes b at least need bytes long, keeping its contents and at
// least doubling it.
func (x *allocBuf) grow(mem memory.Allocator, need int) {
	if x.buf == nil {
		x.buf = memory.NewResizableBuffer(mem)
	}
	x.buf.Reserve(max(need, 2*len(x.b), 64))
	x.b = x.buf.Buf()
}

// finish returns the first size bytes as a buffer the caller owns; x
// starts anew.
func (x *allocBuf) finish(mem memory.Allocator, size int) *memory.Buffer {
	x.room(mem, size)
	if x.buf == nil {
		x.buf = memory.NewResizableBuffer(mem)
	}
	buf := x.buf
	buf.ResizeNoShrink(size)
	*x = allocBuf{}
	return buf
}

func (x *allocBuf) release() {
	if x.buf != nil {
		x.buf.Release()
	}
	*x = allocBuf{}
}

// validity is a validity bitmap being filled, kept only once it holds a
// null: until then every value is valid.
type validity struct {
	allocBuf
	nulls int
}

// null marks value i as null; the values after it are valid until
// marked.
func (v *validity) null(mem memory.Allocator, i int) {
	if v.nulls == 0 {
		// The first null: every value so far is valid, and those to come
		// are until marked.
		v.room(mem, i>>3+1)
		for k := range v.b {
			v.b[k] = 0xff
		}
	} else {
		v.grow(mem, i>>3+1)
	}
	bitutil.ClearBit(v.b, i)
	v.nulls++
}

// grow makes room for size bytes of bits, the new ones valid, once the
// bitmap is kept.
func (v *validity) grow(mem memory.Allocator, size int) {
	if v.nulls == 0 || size <= len(v.b) {
		return
	}
	old := len(v.b)
	v.room(mem, size)
	for k := old; k < len(v.b); k++ {
		v.b[k] = 0xff
	}
}

// reserve makes room for n values' bits.
func (v *validity) reserve(mem memory.Allocator, n int) {
	v.grow(mem, int(bitutil.BytesForBits(int64(n))))
}

// finish returns the bitmap of n values as a buffer the caller owns (nil
// when none is null) and the number of nulls; v starts anew.
func (v *validity) finish(mem memory.Allocator, n int) (*memory.Buffer, int) {
	nulls := v.nulls
	if nulls == 0 {
		v.release()
		return nil, 0
	}
	size := int(bitutil.BytesForBits(int64(n)))
	v.grow(mem, size)
	v.nulls = 0
	return v.allocBuf.finish(mem, size), nulls
}

func (v *validity) release() {
	v.allocBuf.release()
	v.nulls = 0
}

// textColumn is a string column being filled.
type textColumn struct {
	bytes   allocBuf // the values' bytes
	offsets allocBuf // int32 offsets: one more than the values
	offs    []int32  // offsets.b as int32s
	valid   validity
	n, size int // values and bytes so far
	expect  int // values expected in all (reserve), for sizing the bytes
}

// reserve makes room for n values in all, their offsets and validity.
func (c *textColumn) reserve(mem memory.Allocator, n int) {
	c.expect = n
	c.offsets.room(mem, 4*(n+1))
	c.offs = arrow.Int32Traits.CastFromBytes(c.offsets.b)
	c.offs[0] = 0
	c.valid.reserve(mem, n)
}

// next makes room for the offset of the next value, and returns the bytes
// with room for size more.
func (c *textColumn) next(mem memory.Allocator, size int) []byte {
	if c.n+2 > len(c.offs) {
		c.offsets.grow(mem, 4*(c.n+2))
		c.offs = arrow.Int32Traits.CastFromBytes(c.offsets.b)
		c.offs[0] = 0
	}
	if c.size+size > len(c.bytes.b) {
		c.growBytes(mem, size)
	}
	return c.bytes.b
}

// growBytes makes room for size more bytes: once a few values are in,
// for as many more values as expected of the size so far, and an
// eighth.
func (c *textColumn) growBytes(mem memory.Allocator, size int) {
	need := c.size + size
	if c.n >= 16 && c.expect > c.n {
		need = max(need, c.size+c.size/c.n*(c.expect-c.n)*9/8)
	}
	c.bytes.grow(mem, need)
}

// end ends the value being appended at size bytes.
func (c *textColumn) end(size int) {
	c.size = size
	c.n++
	c.offs[c.n] = int32(size)
}

// add appends v, null when empty.
func (c *textColumn) add(mem memory.Allocator, v string) {
	b := c.next(mem, len(v))
	if v == "" {
		c.valid.null(mem, c.n)
	}
	c.end(c.size + copy(b[c.size:], v))
}

// addDigits16 appends n as a value of 16 digits, zero-padded.
func (c *textColumn) addDigits16(mem memory.Allocator, n uint64) {
	b := c.next(mem, nikLen)[c.size : c.size+nikLen]
	for k := nikLen - 1; k >= 0; k-- {
		b[k] = byte('0' + n%10)
		n /= 10
	}
	c.end(c.size + nikLen)
}

// addSource appends s as "file|sheet|line".
func (c *textColumn) addSource(mem memory.Allocator, s *source) {
	b := c.next(mem, len(s.file)+len(s.sheet)+2+11)[:c.size]
	b = append(append(append(append(b, s.file...), '|'), s.sheet...), '|')
	c.end(len(strconv.AppendInt(b, int64(s.line), 10)))
}

// finish returns the values as array data the caller owns; c starts
// anew.
func (c *textColumn) finish(mem memory.Allocator) arrow.ArrayData {
	if c.n == 0 {
		c.next(mem, 0)
	}
	valid, nulls := c.valid.finish(mem, c.n)
	offs := c.offsets.finish(mem, 4*(c.n+1))
	d := array.NewData(arrow.BinaryTypes.String, c.n, []*memory.Buffer{valid, offs, c.bytes.finish(mem, c.size)}, nil, nulls, 0)
	releaseBuffers(d.Buffers())
	*c = textColumn{}
	return d
}

func (c *textColumn) release() {
	c.bytes.release()
	c.offsets.release()
	c.valid.release()
	*c = textColumn{}
}

// dayColumn is a date32 column being filled.
type dayColumn struct {
	values allocBuf
	valid  validity
	n      int
}

// reserve makes room for n values in all.
func (c *dayColumn) reserve(mem memory.Allocator, n int) {
	c.values.room(mem, 4*n)
	c.valid.reserve(mem, n)
}

// add appends v, null when noDate.
func (c *dayColumn) add(mem memory.Allocator, v int32) {
	c.values.room(mem, 4*(c.n+1))
	if v == noDate {
		c.valid.null(mem, c.n)
		v = 0
	}
	arrow.Int32Traits.CastFromBytes(c.values.b)[c.n] = v
	c.n++
}

func (c *dayColumn) finish(mem memory.Allocator) arrow.ArrayData {
	n := c.n
	valid, nulls := c.valid.finish(mem, n)
	c.n = 0
	return fixedData(arrow.FixedWidthTypes.Date32, n, valid, nulls, c.values.finish(mem, 4*n))
}

func (c *dayColumn) release() {
	c.values.release()
	c.valid.release()
	c.n = 0
}

// listColumn is a column of lists of strings, never null, being filled.
type listColumn struct {
	offsets allocBuf // int32 offsets into the values: one more than the lists
	values  textColumn
	n       int // lists so far
}

// reserve makes room for n lists in all, and values values.
func (c *listColumn) reserve(mem memory.Allocator, n, values int) {
	c.offsets.room(mem, 4*(n+1))
	c.values.reserve(mem, values)
}

// add appends vs as the next list.
func (c *listColumn) add(mem memory.Allocator, vs []string) {
	for _, v := range vs {
		b := c.values.next(mem, len(v))
		c.values.end(c.values.size + copy(b[c.values.size:], v))
	}
	c.end(mem)
}

// addSources appends the sources as the next list.
func (c *listColumn) addSources(mem memory.Allocator, ss []source) {
	for k := range ss {
		c.values.addSource(mem, &ss[k])
	}
	c.end(mem)
}

// end closes the list being appended.
func (c *listColumn) end(mem memory.Allocator) {
	c.offsets.room(mem, 4*(c.n+2))
	offs := arrow.Int32Traits.CastFromBytes(c.offsets.b)
	if c.n == 0 {
		offs[0] = 0
	}
	c.n++
	offs[c.n] = int32(c.values.n)
}

func (c *listColumn) finish(mem memory.Allocator) arrow.ArrayData {
	if c.n == 0 {
		c.offsets.room(mem, 4)
		arrow.Int32Traits.CastFromBytes(c.offsets.b)[0] = 0
	}
	n := c.n
	values := c.values.finish(mem)
	defer values.Release()
	offs := c.offsets.finish(mem, 4*(n+1))
	d := array.NewData(listOfStrings, n, []*memory.Buffer{nil, offs}, []arrow.ArrayData{values}, 0, 0)
	offs.Release()
	*c = listColumn{}
	return d
}

func (c *listColumn) release() {
	c.offsets.release()
	c.values.release()
	*c = listColumn{}
}

// listOfStrings is PersonSchema's type of a list column.
var listOfStrings = pipeline.PersonSchema.Field(pipeline.PersonSchema.FieldIndices(pipeline.ColSources)[0]).Type

// fixedData returns array data of a fixed-width type over values and
// valid, taking over the caller's references to them.
func fixedData(t arrow.DataType, n int, valid *memory.Buffer, nulls int, values *memory.Buffer) arrow.ArrayData {
	d := array.NewData(t, n, []*memory.Buffer{valid, values}, nil, nulls, 0)
	releaseBuffers(d.Buffers())
	return d
}

// releaseBuffers releases the caller's references to bufs, which
// array.NewData retained.
func releaseBuffers(bufs []*memory.Buffer) {
	for _, x := range bufs {
		if x != nil {
			x.Release()
		}
	}
}
