package sink

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// columnsWriter writes the very bytes pqarrow's FileWriter writes: random
// batches of a schema with every kind of column it takes (strings, dates,
// integers, required or not; lists of strings, required or not, with null
// lists, empty lists and null elements), with row groups crossing
// batches, the dictionary and statistics settings of the persons' file
// included, and an empty batch. The texts come from a small set that
// shifts from batch to batch, so that the string columns' dictionaries
// (and dictMirror) meet both values they hold and new ones; with small
// write batches most values go to the writer as dictionary indices, and
// small pages and a small dictionary limit make the writer start pages
// and fall back to plain encoding in the middle of a batch (integers too:
// the dates come from a large set, the row counts from a small one). The
// column none is all nulls, empty all nulls and empty texts.
func TestColumnsWriterWritesWhatPqarrowWrites(t *testing.T) {
	meta := arrow.NewMetadata([]string{"table"}, []string{"test"})
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "nik", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "nama", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "code", Type: arrow.BinaryTypes.String},
		{Name: "birth", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "rows", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "tier", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "flags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "sources", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "k3_with", Type: arrow.ListOf(arrow.BinaryTypes.String)},
		{Name: "none", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "empty", Type: arrow.BinaryTypes.String, Nullable: true},
	}, &meta)
	r := rand.New(rand.NewPCG(4, 11))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.Record
	for i, n := range []int{0, 1, 7, 300, 64, 1000, 5, 700} {
		recs = append(recs, randomRecord(r, mem, schema, n, 5*i))
	}
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	for _, tc := range []struct {
		name     string
		opts     []parquet.WriterProperty
		indexed  bool // many values written as indices
		fallback bool // some column chunks fall back to plain encoding
	}{
		{name: "persons' settings"},
		{name: "small write batches", opts: []parquet.WriterProperty{parquet.WithBatchSize(16)}, indexed: true},
		{name: "small pages", opts: []parquet.WriterProperty{parquet.WithBatchSize(16), parquet.WithDataPageSize(300)}},
		{name: "small dictionary", opts: []parquet.WriterProperty{parquet.WithBatchSize(16), parquet.WithDictionaryPageSizeLimit(90)}, fallback: true},
		{name: "no statistics", opts: []parquet.WriterProperty{parquet.WithBatchSize(16), parquet.WithStats(false)}, indexed: true},
	} {
		props := func() *parquet.WriterProperties {
			return parquet.NewWriterProperties(append([]parquet.WriterProperty{
				parquet.WithCompression(compress.Codecs.Snappy),
				parquet.WithMaxRowGroupLength(256), parquet.WithCreatedBy("readiness"),
				parquet.WithDictionaryFor("nik", false), parquet.WithStatsFor("nik", false),
				parquet.WithDictionaryFor("sources.list.element", false), parquet.WithAllocator(mem),
			}, tc.opts...)...)
		}
		for _, batches := range [][]arrow.Record{recs, recs[:1]} { // and no rows at all
			var want bytes.Buffer
			fw, err := pqarrow.NewFileWriter(schema, &want, props(), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			cw, err := newColumnsWriter(schema, &got, props(), 256)
			if err != nil {
				t.Fatal(err)
			}
			for _, rec := range batches {
				if err := fw.WriteBuffered(rec); err != nil {
					t.Fatal(err)
				}
				if err := cw.write(rec); err != nil {
					t.Fatal(err)
				}
			}
			if err := fw.Close(); err != nil {
				t.Fatal(err)
			}
			if err := cw.close(); err != nil {
				t.Fatal(err)
			}
			same := bytes.Equal(got.Bytes(), want.Bytes())
			if tc.fallback {
				// The footer lists a column chunk's page encodings from a
				// map: with dictionary and plain pages their order varies
				// from one file to the next, pqarrow's own included.
				same = samePages(got.Bytes(), want.Bytes())
			}
			if got.Len() < 500 || !same {
				t.Fatalf("%s, %d batches: columnsWriter wrote %d bytes, pqarrow %d, not the same", tc.name, len(batches), got.Len(), want.Len())
			}
			if err := cw.write(recs[1]); err == nil {
				t.Errorf("%s: a write after close did not fail", tc.name)
			}
			if texts, ints := cw.strs[1].indexed, cw.ints[4].indexed; len(batches) > 1 && tc.indexed && (texts < 500 || ints < 1000) {
				t.Errorf("%s: %d names and %d integers written as dictionary indices", tc.name, texts, ints)
			}
		}
	}
}

// samePages reports whether the Parquet files a and b have the same
// bytes up to their footers and footers of the same length.
func samePages(a, b []byte) bool {
	if len(a) != len(b) || len(a) < 12 {
		return false
	}
	n := len(a) - 8 - int(binary.LittleEndian.Uint32(a[len(a)-8:]))
	return n > 0 && bytes.Equal(a[:n], b[:n]) && bytes.Equal(a[len(a)-8:], b[len(b)-8:])
}

// A type it is not known to write as pqarrow does is refused, not
// written wrong: a struct, a list of lists, a list whose elements are
// required.
func TestColumnsWriterRefusesOtherTypes(t *testing.T) {
	for _, typ := range []arrow.DataType{
		arrow.StructOf(arrow.Field{Name: "a", Type: arrow.BinaryTypes.String}),
		arrow.ListOf(arrow.ListOf(arrow.BinaryTypes.String)),
		arrow.ListOfNonNullable(arrow.BinaryTypes.String),
	} {
		schema := arrow.NewSchema([]arrow.Field{{Name: "c", Type: typ, Nullable: true}}, nil)
		if _, err := newColumnsWriter(schema, &bytes.Buffer{}, parquet.NewWriterProperties(), 10); err == nil {
			t.Errorf("a column of %s was taken", typ)
		}
	}
}

// randomRecord is n rows of schema with random values, nulls where a
// field may have them (all of a column named none), lists of 0 to 3 elements, texts from v<from> to
// v<from+39>.
func randomRecord(r *rand.Rand, mem memory.Allocator, schema *arrow.Schema, n, from int) arrow.Record {
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	text := func() string { return fmt.Sprintf("v%d", from+r.IntN(40)) }
	for i, f := range schema.Fields() {
		for range n {
			fb := b.Field(i)
			if f.Nullable && (r.IntN(5) == 0 || f.Name == "none") {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				if f.Name == "empty" {
					fb.Append("")
				} else {
					fb.Append(text())
				}
			case *array.Date32Builder:
				fb.Append(arrow.Date32(r.IntN(20000)))
			case *array.Int32Builder:
				fb.Append(int32(r.IntN(9)))
			case *array.Int8Builder:
				fb.Append(int8(r.IntN(3)))
			case *array.ListBuilder:
				fb.Append(true)
				vb := fb.ValueBuilder().(*array.StringBuilder)
				elemNullable := f.Type.(*arrow.ListType).ElemField().Nullable
				for range r.IntN(4) {
					if elemNullable && r.IntN(4) == 0 {
						vb.AppendNull()
					} else {
						vb.Append(text())
					}
				}
			default:
				panic(fmt.Sprintf("no random values for %T", fb))
			}
		}
	}
	return b.NewRecord()
}
