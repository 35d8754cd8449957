package colbuild

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// checkedMem returns an allocator that fails t unless everything taken
// from it is given back by the end of the test.
func checkedMem(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// str returns a pointer to s: a value of a case; nil is a null.
func str(s string) *string { return &s }

// repeat returns n copies of v.
func repeat[T any](v T, n int) []T {
	vs := make([]T, n)
	for i := range vs {
		vs[i] = v
	}
	return vs
}

// texts returns n distinct values "v0", "v1", ….
func texts(n int) []*string {
	vs := make([]*string, n)
	for i := range vs {
		vs[i] = str(fmt.Sprint("v", i))
	}
	return vs
}

// stringCases are sequences of values, nil for a null, that a string
// column must build as Arrow's builder does.
var stringCases = []struct {
	name string
	vals []*string
}{
	{"zero values", nil},
	{"one value", []*string{str("a")}},
	{"one null", []*string{nil}},
	{"empty strings are values", []*string{str(""), str(""), nil, str("")}},
	{"no nulls, growing", texts(1000)},
	{"only nulls", repeat[*string](nil, 1000)},
	{"null first", append([]*string{nil}, texts(20)...)},
	{"first null after many values", append(append(texts(1000), nil), texts(30)...)},
	{"first null on a byte boundary", append(texts(64), nil, str("x"))},
	{"nulls around byte boundaries", []*string{
		str("a"), str("b"), str("c"), str("d"), str("e"), str("f"), str("g"), nil,
		nil, str("j"), str("k"), str("l"), str("m"), str("n"), str("o"), nil, nil,
	}},
	{"last value null", append(texts(13), nil)},
	{"long values", []*string{str(strings.Repeat("é", 5000)), nil, str(strings.Repeat("x", 70000)), str("")}},
}

// TestStringsSameAsBuilder: for each case, Strings builds the same
// offsets, value bytes, null count and validity bitmap as Arrow's
// StringBuilder, whether the values come through Append or through Room
// and EndValue, with or without Reserve and Expect, and a builder used
// again after Finish starts anew.
func TestStringsSameAsBuilder(t *testing.T) {
	for _, tc := range stringCases {
		for _, how := range []string{"append", "room", "reserve", "expect"} {
			t.Run(tc.name+"/"+how, func(t *testing.T) {
				mem := checkedMem(t)
				want := refStrings(mem, tc.vals)
				defer want.Release()
				var c Strings
				defer c.Release()
				for range 2 { // the same builder twice: Finish starts it anew
					switch how {
					case "reserve":
						c.Reserve(mem, len(tc.vals), 3*len(tc.vals))
					case "expect":
						c.Expect(len(tc.vals))
					}
					for i, v := range tc.vals {
						switch {
						case v == nil:
							c.AppendNull(mem)
						case how == "room":
							// Room for a little of the value only: the rest
							// is appended beyond the allocation.
							b := c.Room(mem, min(len(*v), i%3))
							c.EndValue(mem, append(b, *v...))
						default:
							c.Append(mem, *v)
						}
						if c.Len() != i+1 {
							t.Fatalf("Len %d after %d values", c.Len(), i+1)
						}
					}
					got := c.Finish(mem)
					checkSameStrings(t, got, want)
					got.Release()
					if c.Len() != 0 || c.DataLen() != 0 {
						t.Fatalf("after Finish: Len %d, DataLen %d, want 0 and 0", c.Len(), c.DataLen())
					}
				}
			})
		}
	}
}

// refStrings builds vals with Arrow's builder.
func refStrings(mem memory.Allocator, vals []*string) *array.String {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
		} else {
			b.Append(*v)
		}
	}
	return b.NewStringArray()
}

// checkSameStrings fails unless got and want hold the same offsets, value
// bytes, nulls and bitmap.
func checkSameStrings(t *testing.T, got, want *array.String) {
	t.Helper()
	if !array.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if !slices.Equal(got.ValueOffsets(), want.ValueOffsets()) {
		t.Fatalf("offsets %v, want %v", got.ValueOffsets(), want.ValueOffsets())
	}
	if !bytes.Equal(got.ValueBytes(), want.ValueBytes()) {
		t.Fatalf("value bytes differ")
	}
	if got.Data().Buffers()[2].Len() != len(want.ValueBytes()) {
		t.Fatalf("value buffer of %d bytes, want %d", got.Data().Buffers()[2].Len(), len(want.ValueBytes()))
	}
	checkSameValidity(t, got, want)
}

// checkSameValidity fails unless got has the null count and bitmap of
// want, and a bitmap only when it has a null: the bitmap's bytes, the
// bits past the last value clear, as Arrow's builder leaves them.
func checkSameValidity(t *testing.T, got, want arrow.Array) {
	t.Helper()
	if got.Len() != want.Len() || got.NullN() != want.NullN() {
		t.Fatalf("%d values, %d nulls; want %d and %d", got.Len(), got.NullN(), want.Len(), want.NullN())
	}
	bits := got.Data().Buffers()[0]
	if want.NullN() == 0 {
		if bits != nil {
			t.Fatalf("a bitmap of %d bytes without a null", bits.Len())
		}
		return
	}
	size := int(bitutil.BytesForBits(int64(want.Len())))
	if bits.Len() != size {
		t.Fatalf("bitmap of %d bytes, want %d", bits.Len(), size)
	}
	if !bytes.Equal(bits.Bytes(), want.NullBitmapBytes()[:size]) {
		t.Fatalf("bitmap %x, want %x", bits.Bytes(), want.NullBitmapBytes()[:size])
	}
}

// TestDatesSameAsBuilder: Dates builds what Arrow's Date32Builder does,
// a null's value being 0.
func TestDatesSameAsBuilder(t *testing.T) {
	for _, tc := range stringCases {
		for _, reserve := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/reserve %v", tc.name, reserve), func(t *testing.T) {
				mem := checkedMem(t)
				ref := array.NewDate32Builder(mem)
				defer ref.Release()
				var c Dates
				defer c.Release()
				if reserve {
					c.Reserve(mem, len(tc.vals))
				}
				for i, v := range tc.vals {
					if v == nil {
						ref.AppendNull()
						c.AppendNull(mem)
					} else {
						ref.Append(arrow.Date32(i - 500))
						c.Append(mem, int32(i-500))
					}
				}
				if c.Len() != len(tc.vals) {
					t.Fatalf("Len %d, want %d", c.Len(), len(tc.vals))
				}
				want := ref.NewDate32Array()
				defer want.Release()
				got := c.Finish(mem)
				defer got.Release()
				if !array.Equal(got, want) {
					t.Fatalf("got %v, want %v", got, want)
				}
				if g, w := got.Data().Buffers()[1].Bytes(), arrow.Int32Traits.CastToBytes(zeroNulls(want)); !bytes.Equal(g, w) {
					t.Fatalf("values %x, want %x", g, w)
				}
				checkSameValidity(t, got, want)
			})
		}
	}
}

// zeroNulls returns a's values with 0 for each null.
func zeroNulls(a *array.Date32) []int32 {
	vs := make([]int32, a.Len())
	for i := range vs {
		if a.IsValid(i) {
			vs[i] = int32(a.Value(i))
		}
	}
	return vs
}

// TestStringListsSameAsBuilder: StringLists builds the lists, null, empty
// and not, that Arrow's ListBuilder does: the same list offsets, values
// and bitmaps.
func TestStringListsSameAsBuilder(t *testing.T) {
	many := make([][]string, 0, 1100)
	for i := range 1000 {
		many = append(many, repeat(fmt.Sprint("w", i), i%4))
	}
	for _, tc := range []struct {
		name  string
		lists [][]string // nil: a null list
	}{
		{"zero lists", nil},
		{"one empty list", [][]string{{}}},
		{"one null list", [][]string{nil}},
		{"only nulls", repeat[[]string](nil, 300)},
		{"first null after many lists", append(slices.Clone(many), nil, []string{"x"}, nil)},
		{"mixed", [][]string{{"a", "b"}, nil, {}, {""}, nil, nil, {"c"}, {}, {"d", "", "e"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			typ := arrow.ListOf(arrow.BinaryTypes.String)
			ref := array.NewListBuilder(mem, arrow.BinaryTypes.String)
			defer ref.Release()
			refValues := ref.ValueBuilder().(*array.StringBuilder)
			var c StringLists
			defer c.Release()
			c.Reserve(mem, len(tc.lists)/2)
			for i, l := range tc.lists {
				if l == nil {
					ref.AppendNull()
					c.AppendNull(mem)
					continue
				}
				ref.Append(true)
				for _, v := range l {
					refValues.Append(v)
				}
				if i%2 == 0 {
					c.Append(mem, l)
				} else {
					for _, v := range l {
						c.Values().Append(mem, v)
					}
					c.EndList(mem)
				}
			}
			if c.Len() != len(tc.lists) {
				t.Fatalf("Len %d, want %d", c.Len(), len(tc.lists))
			}
			want := ref.NewListArray()
			defer want.Release()
			got := c.Finish(mem, typ)
			defer got.Release()
			if !arrow.TypeEqual(got.DataType(), typ) {
				t.Fatalf("type %s, want %s", got.DataType(), typ)
			}
			if !array.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			if !slices.Equal(got.Offsets(), want.Offsets()) {
				t.Fatalf("list offsets %v, want %v", got.Offsets(), want.Offsets())
			}
			checkSameValidity(t, got, want)
			checkSameStrings(t, got.ListValues().(*array.String), want.ListValues().(*array.String))
		})
	}
}

// TestInt32sAndBytes: the values appended, and no more, go to the buffer
// Finish returns; an empty builder gives an empty buffer; Grow keeps what
// is in.
func TestInt32sAndBytes(t *testing.T) {
	mem := checkedMem(t)
	for _, n := range []int{0, 1, 15, 16, 17, 1000} {
		var x Int32s
		var b Bytes
		var want []int32
		var wantBytes []byte
		for i := range n {
			if i == n/2 {
				x.Grow(mem, 3*n)
				b.Grow(mem, 3*n)
			}
			x.Append(mem, int32(i*7-3))
			b.AppendByte(mem, byte(i))
			want = append(want, int32(i*7-3))
			wantBytes = append(wantBytes, byte(i))
		}
		if x.Len() != n || !slices.Equal(x.Values(), want) {
			t.Fatalf("%d values: Len %d, values %v", n, x.Len(), x.Values())
		}
		if b.Len() != n || !bytes.Equal(b.Bytes(), wantBytes) {
			t.Fatalf("%d bytes: Len %d, bytes %v", n, b.Len(), b.Bytes())
		}
		buf, bbuf := x.Finish(mem), b.Finish(mem)
		if got := arrow.Int32Traits.CastFromBytes(buf.Bytes()); !slices.Equal(got, want) {
			t.Errorf("%d values: buffer holds %v", n, got)
		}
		if !bytes.Equal(bbuf.Bytes(), wantBytes) {
			t.Errorf("%d bytes: buffer holds %v", n, bbuf.Bytes())
		}
		buf.Release()
		bbuf.Release()
		if x.Len() != 0 || b.Len() != 0 {
			t.Fatalf("after Finish: Len %d and %d, want 0", x.Len(), b.Len())
		}
	}
}

// TestValidity: the bitmap Finish returns has the bits of exactly the
// values marked null clear, the bits past n clear, and is nil without a
// null, however far apart the nulls are marked.
func TestValidity(t *testing.T) {
	mem := checkedMem(t)
	for _, tc := range []struct {
		name  string
		n     int
		nulls []int
	}{
		{"none", 100, nil},
		{"zero values", 0, nil},
		{"first", 1, []int{0}},
		{"last of a byte", 8, []int{7}},
		{"far apart", 5000, []int{3, 4000, 4999}},
		{"every value", 19, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}},
		{"out of order", 40, []int{33, 2, 17}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v Validity
			defer v.Release()
			want := make([]byte, bitutil.BytesForBits(int64(tc.n)))
			bitutil.SetBitsTo(want, 0, int64(tc.n), true)
			for _, i := range tc.nulls {
				v.SetNull(mem, i)
				bitutil.ClearBit(want, i)
			}
			if v.Nulls() != len(tc.nulls) {
				t.Fatalf("Nulls %d, want %d", v.Nulls(), len(tc.nulls))
			}
			buf, nulls := v.Finish(mem, tc.n)
			if nulls != len(tc.nulls) {
				t.Fatalf("Finish says %d nulls, want %d", nulls, len(tc.nulls))
			}
			if len(tc.nulls) == 0 {
				if buf != nil {
					t.Fatalf("a bitmap without a null")
				}
				return
			}
			defer buf.Release()
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("bitmap %x, want %x", buf.Bytes(), want)
			}
		})
	}
}

// TestRelease: Release frees whatever a builder holds, part filled,
// finished or released before; the allocator ends at 0.
func TestRelease(t *testing.T) {
	mem := checkedMem(t)
	var (
		s Strings
		d Dates
		l StringLists
		x Int32s
		b Bytes
		v Validity
	)
	release := func() {
		s.Release()
		d.Release()
		l.Release()
		x.Release()
		b.Release()
		v.Release()
	}
	release() // zero values: nothing to free
	for i := range 100 {
		s.Append(mem, "abc")
		s.AppendNull(mem)
		d.AppendNull(mem)
		d.Append(mem, int32(i))
		l.Append(mem, []string{"a", "b"})
		l.AppendNull(mem)
		x.Append(mem, int32(i))
		b.AppendByte(mem, 1)
		v.SetNull(mem, 2*i)
	}
	if mem.CurrentAlloc() == 0 {
		t.Fatal("nothing allocated")
	}
	release()
	if n := mem.CurrentAlloc(); n != 0 {
		t.Fatalf("%d bytes held after Release", n)
	}
	s.Append(mem, "x")
	s.Finish(mem).Release()
	release() // after Finish
	release() // twice
}

// TestColumnsRandom builds random columns batch after batch with one set
// of builders and compares each batch with Arrow's builders'.
func TestColumnsRandom(t *testing.T) {
	for seed := range uint64(20) {
		checkRandom(t, seed)
	}
}

func FuzzColumns(f *testing.F) {
	f.Add(uint64(1))
	f.Fuzz(checkRandom)
}

// checkRandom builds three batches of random strings, dates and lists
// (of random sizes, null rates and value lengths) from seed.
func checkRandom(t *testing.T, seed uint64) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(seed, 7))
	var (
		s Strings
		d Dates
		l StringLists
	)
	defer s.Release()
	defer d.Release()
	defer l.Release()
	typ := arrow.ListOf(arrow.BinaryTypes.String)
	for range 3 {
		n := rng.IntN(3000)
		nullRate := []int{0, 1, 50, 99, 100}[rng.IntN(5)]
		null := func() bool { return rng.IntN(100) < nullRate }
		text := func() string { return strings.Repeat("ab", rng.IntN(40)) }
		if rng.IntN(2) == 0 {
			s.Reserve(mem, rng.IntN(n+1), rng.IntN(10*n+1))
			s.Expect(rng.IntN(2 * (n + 1)))
			d.Reserve(mem, rng.IntN(n+1))
			l.Reserve(mem, rng.IntN(n+1))
		}
		rs := array.NewStringBuilder(mem)
		rd := array.NewDate32Builder(mem)
		rl := array.NewListBuilder(mem, arrow.BinaryTypes.String)
		rlv := rl.ValueBuilder().(*array.StringBuilder)
		for range n {
			if null() {
				s.AppendNull(mem)
				rs.AppendNull()
				d.AppendNull(mem)
				rd.AppendNull()
			} else {
				v := text()
				s.Append(mem, v)
				rs.Append(v)
				d.Append(mem, int32(len(v)))
				rd.Append(arrow.Date32(len(v)))
			}
			if null() {
				l.AppendNull(mem)
				rl.AppendNull()
				continue
			}
			vs := make([]string, rng.IntN(4))
			for k := range vs {
				vs[k] = text()
			}
			l.Append(mem, vs)
			rl.Append(true)
			for _, v := range vs {
				rlv.Append(v)
			}
		}
		gs, ws := s.Finish(mem), rs.NewStringArray()
		checkSameStrings(t, gs, ws)
		gd, wd := d.Finish(mem), rd.NewDate32Array()
		if !array.Equal(gd, wd) {
			t.Fatalf("seed %d: dates differ", seed)
		}
		checkSameValidity(t, gd, wd)
		gl, wl := l.Finish(mem, typ), rl.NewListArray()
		if !array.Equal(gl, wl) || !slices.Equal(gl.Offsets(), wl.Offsets()) {
			t.Fatalf("seed %d: lists differ", seed)
		}
		checkSameValidity(t, gl, wl)
		for _, a := range []arrow.Array{gs, ws, gd, wd, gl, wl} {
			a.Release()
		}
		for _, b := range []array.Builder{rs, rd, rl} {
			b.Release()
		}
	}
}
