// Package colbuild builds Arrow columns straight into memory from a
// memory.Allocator, for the paths that fill millions of values (a source's
// batches, classify's persons), where Arrow's builders cost a call and a
// bounds check per buffer per value.
//
// A builder keeps its whole allocation as a slice and counts the values
// so far; a value is written by index, and the allocation grows (at
// least doubling) only when a value does not fit. The slice changes only
// when the allocation does: a builder in the heap takes no GC write
// barrier per value, as appending to a slice field would. A caller that
// writes a string value itself appends it to the bytes so far
// (Strings.Room, then Strings.EndValue). A validity bitmap exists only
// from the first null: until then every value is valid and costs no bit.
//
// The contract every builder here keeps:
//
//   - The zero value is an empty builder that holds no memory.
//   - Memory comes from the allocator passed to each call; pass the same
//     allocator to every call of one builder until Finish or Release.
//   - The builder owns its allocations until Finish hands them over: what
//     Finish returns (an Arrow buffer or array) is the caller's to
//     Release, and the builder starts anew, empty and holding nothing, so
//     one builder makes batch after batch.
//   - Release frees what the builder holds and leaves it empty; it may be
//     called at any time, again and again, and after Finish.
//   - A builder is not safe for concurrent use.
//
// The package knows Arrow only; it imports nothing of readiness.
package colbuild

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Bytes is a byte buffer being filled.
type Bytes struct {
	buf *memory.Buffer
	b   []byte // buf's whole allocation
	n   int    // bytes so far
}

// Len returns the number of bytes so far.
func (x *Bytes) Len() int { return x.n }

// Bytes returns the bytes so far. Its capacity reaches to the end of the
// allocation, so a caller may write past its length in place (a bitmap's
// bits, say); it holds until the next call that may grow x.
func (x *Bytes) Bytes() []byte { return x.b[:x.n] }

// Grow makes room for n more bytes, at least doubling the allocation when
// it grows.
func (x *Bytes) Grow(mem memory.Allocator, n int) {
	if len(x.b)-x.n < n {
		x.grow(mem, n)
	}
}

// grow moves the bytes into an allocation with room for n more, at least
// twice the one before.
func (x *Bytes) grow(mem memory.Allocator, n int) {
	x.move(mem, max(x.n+n, 2*len(x.b), 64))
}

// move puts the bytes into an allocation of at least c bytes.
func (x *Bytes) move(mem memory.Allocator, c int) {
	if x.buf == nil {
		x.buf = memory.NewResizableBuffer(mem)
	}
	x.buf.Reserve(c)
	x.b = x.buf.Buf()
}

// AppendByte appends c.
func (x *Bytes) AppendByte(mem memory.Allocator, c byte) {
	if x.n == len(x.b) {
		x.grow(mem, 1)
	}
	x.b[x.n] = c
	x.n++
}

// adopt takes in b, the bytes so far with more appended: within their
// capacity (written in place), or beyond it, in memory of Go's, which is
// copied into a larger allocation.
func (x *Bytes) adopt(mem memory.Allocator, b []byte) {
	if cap(b) != cap(x.b) {
		x.move(mem, max(len(b), 2*len(x.b)))
		copy(x.b[x.n:], b[x.n:])
	}
	x.n = len(b)
}

// Finish returns the bytes as a buffer of their length, which the caller
// owns; x starts anew.
func (x *Bytes) Finish(mem memory.Allocator) *memory.Buffer {
	if x.buf == nil {
		x.buf = memory.NewResizableBuffer(mem)
	}
	buf := x.buf
	buf.ResizeNoShrink(x.n)
	*x = Bytes{}
	return buf
}

// Release frees the allocation; x starts anew.
func (x *Bytes) Release() {
	if x.buf != nil {
		x.buf.Release()
	}
	*x = Bytes{}
}

// Int32s is a buffer of 32-bit values (int32, date32, offsets) being
// filled.
type Int32s struct {
	buf *memory.Buffer
	v   []int32 // buf's whole allocation
	n   int     // values so far
}

// Len returns the number of values so far.
func (x *Int32s) Len() int { return x.n }

// Values returns the values so far; they hold until the next call that
// may grow x.
func (x *Int32s) Values() []int32 { return x.v[:x.n] }

// Append appends v.
func (x *Int32s) Append(mem memory.Allocator, v int32) {
	if x.n == len(x.v) {
		x.grow(mem, 1)
	}
	x.v[x.n] = v
	x.n++
}

// Grow makes room for n more values, at least doubling the allocation
// when it grows.
func (x *Int32s) Grow(mem memory.Allocator, n int) {
	if len(x.v)-x.n < n {
		x.grow(mem, n)
	}
}

func (x *Int32s) grow(mem memory.Allocator, n int) {
	if x.buf == nil {
		x.buf = memory.NewResizableBuffer(mem)
	}
	x.buf.Reserve(arrow.Int32Traits.BytesRequired(max(x.n+n, 2*len(x.v), 16)))
	x.v = arrow.Int32Traits.CastFromBytes(x.buf.Buf())
}

// Finish returns the values as a buffer of their length, which the caller
// owns; x starts anew.
func (x *Int32s) Finish(mem memory.Allocator) *memory.Buffer {
	if x.buf == nil {
		x.buf = memory.NewResizableBuffer(mem)
	}
	buf := x.buf
	buf.ResizeNoShrink(arrow.Int32Traits.BytesRequired(x.n))
	*x = Int32s{}
	return buf
}

// Release frees the allocation; x starts anew.
func (x *Int32s) Release() {
	if x.buf != nil {
		x.buf.Release()
	}
	*x = Int32s{}
}

// Validity is a validity bitmap being filled: every value is valid until
// SetNull marks it null. It holds no memory until the first null; from
// then its bytes run to the last null marked, every bit set but the
// nulls'.
type Validity struct {
	bits  Bytes
	nulls int
}

// SetNull marks value i null. Mark each value at most once.
func (v *Validity) SetNull(mem memory.Allocator, i int) {
	if i>>3 >= v.bits.n {
		v.extend(mem, i>>3+1)
	}
	v.bits.b[i>>3] &^= 1 << (i & 7)
	v.nulls++
}

// Nulls returns the number of values marked null.
func (v *Validity) Nulls() int { return v.nulls }

// extend makes the bitmap n bytes long, the new bits set.
func (v *Validity) extend(mem memory.Allocator, n int) {
	old := v.bits.n
	v.bits.Grow(mem, n-old)
	for k := old; k < n; k++ {
		v.bits.b[k] = 0xff
	}
	v.bits.n = max(old, n)
}

// reserve makes room for the bits of n values in all, once there is a
// bitmap.
func (v *Validity) reserve(mem memory.Allocator, n int) {
	if v.nulls > 0 {
		v.bits.Grow(mem, int(bitutil.BytesForBits(int64(n)))-v.bits.n)
	}
}

// Finish returns the bitmap of the first n values as a buffer the caller
// owns, nil when none is null, and the number of nulls; v starts anew.
// Every null marked is below n. The bits past n in the last byte are
// clear, as Arrow's builders leave them.
func (v *Validity) Finish(mem memory.Allocator, n int) (*memory.Buffer, int) {
	nulls := v.nulls
	if nulls == 0 {
		v.Release()
		return nil, 0
	}
	size := int(bitutil.BytesForBits(int64(n)))
	v.extend(mem, size)
	if n%8 != 0 {
		v.bits.b[size-1] &= 1<<(n%8) - 1
	}
	v.nulls = 0
	return v.bits.Finish(mem), nulls
}

// Release frees the bitmap; v starts anew.
func (v *Validity) Release() {
	v.bits.Release()
	v.nulls = 0
}

// Strings is a string column being filled: value bytes, offsets and
// validity.
type Strings struct {
	data  Bytes
	offs  Int32s // a leading 0, then each value's end; none before the first value
	valid Validity
	// expect is the number of values expected in all (Expect): the value
	// bytes grow towards it once a few values are in.
	expect int
}

// Len returns the number of values so far.
func (c *Strings) Len() int { return max(c.offs.n-1, 0) }

// DataLen returns the number of value bytes so far.
func (c *Strings) DataLen() int { return c.data.n }

// Append appends s.
func (c *Strings) Append(mem memory.Allocator, s string) {
	if len(c.data.b)-c.data.n < len(s) || c.offs.n == len(c.offs.v) {
		c.grow(mem, len(s))
	}
	c.data.n += copy(c.data.b[c.data.n:], s)
	c.offs.v[c.offs.n] = int32(c.data.n)
	c.offs.n++
}

// AppendNull appends a null.
func (c *Strings) AppendNull(mem memory.Allocator) {
	if c.offs.n == len(c.offs.v) {
		c.grow(mem, 0)
	}
	c.valid.SetNull(mem, c.offs.n-1)
	c.offs.v[c.offs.n] = int32(c.data.n)
	c.offs.n++
}

// Room returns the value bytes so far with room for n more within its
// capacity, for a caller that writes the next value itself: it appends
// the value to what Room returns (beyond n bytes too) and hands the result
// to EndValue before any other call on c.
func (c *Strings) Room(mem memory.Allocator, n int) []byte {
	if len(c.data.b)-c.data.n < n {
		c.grow(mem, n)
	}
	return c.data.b[:c.data.n]
}

// EndValue appends the value written after Room: b is what Room returned
// with the value appended.
func (c *Strings) EndValue(mem memory.Allocator, b []byte) {
	c.data.adopt(mem, b)
	if c.offs.n == len(c.offs.v) {
		c.grow(mem, 0)
	}
	c.offs.v[c.offs.n] = int32(c.data.n)
	c.offs.n++
}

// grow makes room for n more value bytes and one more offset. Once 16
// values are in and more are expected, the value bytes grow for those
// still expected at the mean size so far, and an eighth.
func (c *Strings) grow(mem memory.Allocator, n int) {
	if len(c.data.b)-c.data.n < n {
		size := c.data.n
		need := size + n
		if k := c.Len(); k >= 16 && c.expect > k {
			need = max(need, size+size/k*(c.expect-k)*9/8)
		}
		c.data.grow(mem, need-size)
	}
	c.growOffsets(mem, 1)
}

// growOffsets makes room for n more offsets, and the leading one.
func (c *Strings) growOffsets(mem memory.Allocator, n int) {
	if c.offs.n == 0 {
		c.offs.Grow(mem, n+1)
		c.offs.Append(mem, 0)
		return
	}
	c.offs.Grow(mem, n)
}

// Reserve makes room for values more values and bytes more value bytes.
func (c *Strings) Reserve(mem memory.Allocator, values, bytes int) {
	c.growOffsets(mem, values)
	c.data.Grow(mem, bytes)
	c.valid.reserve(mem, c.Len()+values)
}

// Expect says that about n more values are to come. When the value bytes
// next outgrow their allocation, once 16 values are in, they grow for
// those values at the mean size so far, and an eighth, rather than to
// twice their size.
func (c *Strings) Expect(n int) { c.expect = c.Len() + n }

// Finish returns the values as a string array the caller owns; c starts
// anew.
func (c *Strings) Finish(mem memory.Allocator) *array.String {
	d := c.finishData(mem)
	defer d.Release()
	return array.NewStringData(d)
}

// finishData returns the values as string array data the caller owns; c
// starts anew.
func (c *Strings) finishData(mem memory.Allocator) arrow.ArrayData {
	n := c.Len()
	c.growOffsets(mem, 0)
	valid, nulls := c.valid.Finish(mem, n)
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{valid, c.offs.Finish(mem), c.data.Finish(mem)}, nil, nulls, 0)
	releaseBuffers(d.Buffers())
	*c = Strings{}
	return d
}

// Release frees what c holds; c starts anew.
func (c *Strings) Release() {
	c.data.Release()
	c.offs.Release()
	c.valid.Release()
	*c = Strings{}
}

// Dates is a date32 column being filled: days since 1970-01-01.
type Dates struct {
	days  Int32s
	valid Validity
}

// Len returns the number of values so far.
func (c *Dates) Len() int { return c.days.n }

// Append appends the date of day v.
func (c *Dates) Append(mem memory.Allocator, v int32) {
	c.days.Append(mem, v)
}

// AppendNull appends a null.
func (c *Dates) AppendNull(mem memory.Allocator) {
	c.valid.SetNull(mem, c.days.n)
	c.days.Append(mem, 0)
}

// Reserve makes room for n more values.
func (c *Dates) Reserve(mem memory.Allocator, n int) {
	c.days.Grow(mem, n)
	c.valid.reserve(mem, c.days.n+n)
}

// Finish returns the values as a date32 array the caller owns; c starts
// anew.
func (c *Dates) Finish(mem memory.Allocator) *array.Date32 {
	n := c.days.n
	valid, nulls := c.valid.Finish(mem, n)
	d := array.NewData(arrow.FixedWidthTypes.Date32, n, []*memory.Buffer{valid, c.days.Finish(mem)}, nil, nulls, 0)
	releaseBuffers(d.Buffers())
	defer d.Release()
	return array.NewDate32Data(d)
}

// Release frees what c holds; c starts anew.
func (c *Dates) Release() {
	c.days.Release()
	c.valid.Release()
}

// StringLists is a column of lists of strings being filled: a list's
// strings are appended to Values, then EndList closes the list.
type StringLists struct {
	offs   Int32s // a leading 0, then each list's end in values; none before the first list
	valid  Validity
	values Strings
}

// Len returns the number of lists so far.
func (c *StringLists) Len() int { return max(c.offs.n-1, 0) }

// Values returns the strings of the lists, to which the strings of the
// list being made are appended.
func (c *StringLists) Values() *Strings { return &c.values }

// EndList appends the list of the strings appended to Values since the
// list before.
func (c *StringLists) EndList(mem memory.Allocator) {
	if c.offs.n == len(c.offs.v) {
		c.growOffsets(mem, 1)
	}
	c.offs.v[c.offs.n] = int32(c.values.Len())
	c.offs.n++
}

// Append appends vs as a list (empty when vs is).
func (c *StringLists) Append(mem memory.Allocator, vs []string) {
	for _, v := range vs {
		c.values.Append(mem, v)
	}
	c.EndList(mem)
}

// AppendNull appends a null list. No string may have been appended to
// Values since the list before.
func (c *StringLists) AppendNull(mem memory.Allocator) {
	c.valid.SetNull(mem, c.Len())
	c.EndList(mem)
}

// growOffsets makes room for n more offsets, and the leading one.
func (c *StringLists) growOffsets(mem memory.Allocator, n int) {
	if c.offs.n == 0 {
		c.offs.Grow(mem, n+1)
		c.offs.Append(mem, 0)
		return
	}
	c.offs.Grow(mem, n)
}

// Reserve makes room for n more lists (Values has its own Reserve).
func (c *StringLists) Reserve(mem memory.Allocator, n int) {
	c.growOffsets(mem, n)
	c.valid.reserve(mem, c.Len()+n)
}

// Finish returns the lists as an array of type t, which must be a list
// of strings, that the caller owns; c starts anew.
func (c *StringLists) Finish(mem memory.Allocator, t arrow.DataType) *array.List {
	n := c.Len()
	c.growOffsets(mem, 0)
	values := c.values.finishData(mem)
	defer values.Release()
	valid, nulls := c.valid.Finish(mem, n)
	d := array.NewData(t, n, []*memory.Buffer{valid, c.offs.Finish(mem)}, []arrow.ArrayData{values}, nulls, 0)
	releaseBuffers(d.Buffers())
	defer d.Release()
	*c = StringLists{}
	return array.NewListData(d)
}

// Release frees what c holds; c starts anew.
func (c *StringLists) Release() {
	c.offs.Release()
	c.valid.Release()
	c.values.Release()
	*c = StringLists{}
}

// releaseBuffers releases the references to bufs that array.NewData took
// on besides the builder's.
func releaseBuffers(bufs []*memory.Buffer) {
	for _, x := range bufs {
		if x != nil {
			x.Release()
		}
	}
}
