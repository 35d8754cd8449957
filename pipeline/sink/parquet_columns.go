package sink

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/flight"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// columnsWriter writes record batches to a Parquet file as pqarrow's
// FileWriter (WithStoreSchema, WriteBuffered) does, but encodes the
// columns of a batch at the same time, on up to GOMAXPROCS goroutines:
// pqarrow encodes them one after the other, and the persons' Parquet was
// the longest single task of a run's end. The file is the same: the
// Parquet schema of pqarrow.ToParquet, the Arrow schema in the metadata
// under ARROW:schema, row groups of up to maxRows rows, and each column's
// values and levels as pqarrow.WriteArrowToColumn writes them.
//
// Every column must be of a primitive type or a list of one whose
// elements may be null (each is then one leaf of the Parquet schema): the
// tables written here are, and TestColumnsWriterWritesWhatPqarrowWrites
// checks the bytes for those. It is used from one goroutine.
type columnsWriter struct {
	w       *file.Writer
	schema  *arrow.Schema
	rgw     file.BufferedRowGroupWriter
	rows    int64 // in rgw
	maxRows int64
	workers []*columnWorker
	strs    []*dictMirror[parquet.ByteArray] // by column, for the string columns
	ints    []*dictMirror[int32]             // by column, for the 32-bit integer ones
	closed  bool
}

// columnWorker is what one of the goroutines encoding columns keeps from
// batch to batch.
type columnWorker struct {
	ctx context.Context // pqarrow's write context
	def []int16
	ba  []parquet.ByteArray
	idx []int32 // dictionary indices of a column's values
	i32 []int32 // an 8-bit column's values
}

func newColumnsWriter(schema *arrow.Schema, out io.Writer, props *parquet.WriterProperties, maxRows int64) (*columnsWriter, error) {
	for _, f := range schema.Fields() {
		if !leafType(f.Type) {
			if l, ok := f.Type.(*arrow.ListType); !ok || !leafType(l.Elem()) || !l.ElemField().Nullable {
				return nil, fmt.Errorf("column %s: type %s is neither primitive nor a list of nullable ones", f.Name, f.Type)
			}
		}
	}
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())
	pqschema, err := pqarrow.ToParquet(schema, props, arrProps)
	if err != nil {
		return nil, err
	}
	meta := metadata.KeyValueMetadata{}
	for i, k := range schema.Metadata().Keys() {
		if err := meta.Append(k, schema.Metadata().Values()[i]); err != nil {
			return nil, err
		}
	}
	if err := meta.Append("ARROW:schema", base64.StdEncoding.EncodeToString(flight.SerializeSchema(schema, props.Allocator()))); err != nil {
		return nil, err
	}
	cw := &columnsWriter{
		w:      file.NewParquetWriter(out, pqschema.Root(), file.WithWriterProps(props), file.WithWriteMetadata(meta)),
		schema: schema, maxRows: maxRows,
	}
	cw.strs = make([]*dictMirror[parquet.ByteArray], len(schema.Fields()))
	cw.ints = make([]*dictMirror[int32], len(schema.Fields()))
	for i, f := range schema.Fields() {
		switch f.Type.ID() {
		case arrow.STRING:
			cw.strs[i] = &dictMirror[parquet.ByteArray]{}
		case arrow.LIST:
			if f.Type.(*arrow.ListType).Elem().ID() == arrow.STRING {
				cw.strs[i] = &dictMirror[parquet.ByteArray]{}
			}
		case arrow.INT32, arrow.DATE32, arrow.INT8:
			cw.ints[i] = &dictMirror[int32]{}
		}
	}
	for range min(runtime.GOMAXPROCS(0), len(schema.Fields())) {
		cw.workers = append(cw.workers, &columnWorker{ctx: pqarrow.NewArrowWriteContext(context.Background(), &arrProps)})
	}
	return cw, nil
}

// leafType reports whether t is written as one Parquet leaf column by
// itself (not a nested type).
func leafType(t arrow.DataType) bool {
	switch t.(type) {
	case arrow.NestedType, *arrow.DictionaryType, arrow.ExtensionType:
		return false
	}
	return true
}

// write adds rec's rows to the row group being written, starting a new
// one at maxRows rows.
func (cw *columnsWriter) write(rec arrow.Record) error {
	if cw.closed {
		return ErrClosed
	}
	if cw.rgw == nil { // even for no rows, as pqarrow does
		cw.rgw = cw.w.AppendBufferedRowGroup()
	}
	for off := int64(0); off < rec.NumRows(); {
		if cw.rgw == nil || cw.rows == cw.maxRows {
			if cw.rgw != nil {
				if err := cw.closeRowGroup(); err != nil {
					return err
				}
			}
			cw.rgw, cw.rows = cw.w.AppendBufferedRowGroup(), 0
		}
		n := min(rec.NumRows()-off, cw.maxRows-cw.rows)
		part := rec
		if n != rec.NumRows() {
			part = rec.NewSlice(off, off+n)
		}
		err := cw.writeColumns(part)
		if part != rec {
			part.Release()
		}
		if err != nil {
			return err
		}
		cw.rows += n
		off += n
	}
	return nil
}

// writeColumns writes the columns of rec to the row group.
func (cw *columnsWriter) writeColumns(rec arrow.Record) error {
	return cw.each(func(cwk *columnWorker, i int) error {
		return cw.writeColumn(cwk, i, rec.Column(i), cw.schema.Field(i))
	})
}

// each calls f for every column on the workers, each taking the next
// column not yet taken.
func (cw *columnsWriter) each(f func(cwk *columnWorker, i int) error) error {
	errs := make([]error, len(cw.schema.Fields()))
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, cwk := range cw.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(errs) {
					return
				}
				errs[i] = f(cwk, i)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// closeRowGroup closes the row group being written. Closing it writes
// each column chunk's pages to the file in turn, after encoding and
// compressing the page still open, all of a chunk's values when its
// dictionary holds them (about a fifth of the Parquet's wall time at 1M,
// on one core): those pages are finished first, on the workers.
func (cw *columnsWriter) closeRowGroup() error {
	err := cw.each(func(_ *columnWorker, i int) error {
		w, err := cw.rgw.Column(i)
		if err != nil {
			return err
		}
		return finishPage(w)
	})
	if err != nil {
		return err
	}
	return cw.rgw.Close()
}

// finishPage writes out w's open page as Close would, first thing, when
// the page holds values: Close writes the page only when it holds levels,
// which w does not tell, but values imply levels. A page of nulls alone
// is left to Close.
func finishPage(w file.ColumnChunkWriter) error {
	pw, ok := w.(interface {
		EstimatedBufferedValueBytes() int64
		FlushCurrentPage() error
	})
	switch w.Type() {
	case parquet.Types.ByteArray, parquet.Types.Int32, parquet.Types.Int64: // whose encoders write a value as it comes
	default:
		return nil
	}
	if !ok || w.Properties().DataPageVersion() != parquet.DataPageV1 {
		return nil
	}
	// The encoder's size estimate without values: nothing for the plain
	// encoders; for the dictionary's, the run-length encoder's least
	// buffer for the indices' width, and a byte for the width.
	var none int64
	if enc := w.CurrentEncoder(); enc.Encoding() == parquet.Encodings.PlainDict {
		d, ok := enc.(interface{ BitWidth() int })
		if !ok {
			return nil
		}
		none = 1 + rleMinBuffer(int64(d.BitWidth()))
	} else if enc.Encoding() != parquet.Encodings.Plain {
		return nil
	}
	if pw.EstimatedBufferedValueBytes() <= none {
		return nil
	}
	return pw.FlushCurrentPage()
}

// writeColumn writes one column's values with their definition and
// repetition levels, as pqarrow's level builder makes them.
func (cw *columnsWriter) writeColumn(cwk *columnWorker, i int, col arrow.Array, f arrow.Field) error {
	w, err := cw.rgw.Column(i)
	if err != nil {
		return err
	}
	list, ok := col.(*array.List)
	if !ok {
		var def []int16
		if f.Nullable {
			cwk.def = slices.Grow(cwk.def[:0], col.Len())[:col.Len()]
			def = cwk.def
			if col.NullN() == 0 {
				for r := range def {
					def[r] = 1
				}
			} else {
				valid, off := col.NullBitmapBytes(), col.Data().Offset()
				for r := range def {
					def[r] = int16(valid[(off+r)>>3] >> ((off + r) & 7) & 1)
				}
			}
		}
		if s, ok := col.(*array.String); ok {
			return cwk.writeStrings(w, s, def, nil, f.Nullable, cw.strs[i])
		}
		if wr, ok := w.(*file.Int32ColumnChunkWriter); ok && cw.ints[i] != nil && !nullsAbove(w, f.Nullable) {
			return cwk.writeInts(wr, col, def, cw.ints[i])
		}
		return pqarrow.WriteArrowToColumn(cwk.ctx, w, col, def, nil, f.Nullable)
	}
	elem := f.Type.(*arrow.ListType).ElemField()
	def, rep := listLevels(list, f.Nullable, elem.Nullable)
	offsets := listOffsets(list)
	values := array.NewSlice(list.ListValues(), int64(offsets[0]), int64(offsets[list.Len()]))
	defer values.Release()
	if s, ok := values.(*array.String); ok {
		return cwk.writeStrings(w, s, def, rep, elem.Nullable, cw.strs[i])
	}
	return pqarrow.WriteArrowToColumn(cwk.ctx, w, values, def, rep, elem.Nullable)
}

// nullsAbove reports whether WriteArrowToColumn would write a leaf
// column of w through the bits buffer it keeps for nulls above the leaf;
// that case is left to it.
func nullsAbove(w file.ColumnChunkWriter, nullable bool) bool {
	lv := w.LevelInfo()
	single := lv.DefLevel == lv.RepeatedAncestorDefLevel+1 && nullable
	return lv.HasNullableValues() && !single
}

// writeStrings writes a string column as pqarrow.WriteArrowToColumn does
// (its writeDenseArrow), through a slice of values the worker keeps
// rather than one made for each column of each batch: that allocation,
// and collecting it, was a third of the Parquet's time. While the column
// is dictionary-encoded, m (if not nil) spares the encoder most of its
// hashing (see dictMirror).
func (cwk *columnWorker) writeStrings(w file.ColumnChunkWriter, s *array.String, def, rep []int16, nullable bool, m *dictMirror[parquet.ByteArray]) error {
	wr, ok := w.(*file.ByteArrayColumnChunkWriter)
	if !ok {
		return fmt.Errorf("a string column written to a %s column", w.Type())
	}
	if nullsAbove(w, nullable) {
		return pqarrow.WriteArrowToColumn(cwk.ctx, w, s, def, rep, nullable)
	}
	values := []byte{} // not nil, as WriteArrowToColumn has it: the statistics tell
	if b := s.Data().Buffers()[2]; b != nil {
		values = b.Bytes()
	}
	offsets := s.ValueOffsets()
	cwk.ba = slices.Grow(cwk.ba[:0], s.Len())[:s.Len()]
	data := cwk.ba
	for i := range data {
		data[i] = values[offsets[i]:offsets[i+1]]
	}
	err := writeValues(cwk, wr, m, s, data, def, rep)
	clear(data) // keep no reference to the batch's values
	return err
}

// writeInts writes a column of 32-bit integers or dates, or of 8-bit
// integers widened, as WriteArrowToColumn does, a column not in a list.
func (cwk *columnWorker) writeInts(wr *file.Int32ColumnChunkWriter, col arrow.Array, def []int16, m *dictMirror[int32]) error {
	var data []int32
	switch col := col.(type) {
	case *array.Int8:
		cwk.i32 = slices.Grow(cwk.i32[:0], col.Len())[:col.Len()]
		data = cwk.i32
		for r, v := range col.Int8Values() {
			data[r] = int32(v)
		}
	default: // Int32, Date32: the values buffer as it is
		if b := col.Data().Buffers()[1]; b != nil {
			off := col.Data().Offset()
			data = arrow.Int32Traits.CastFromBytes(b.Bytes())[off : off+col.Len()]
		}
	}
	return writeValues(cwk, wr, m, col, data, def, nil)
}

// dictWriter is a column chunk writer of values of type T.
type dictWriter[T parquet.ByteArray | int32] interface {
	file.ColumnChunkWriter
	WriteBatch(values []T, defLevels, repLevels []int16) (int64, error)
	WriteBatchSpaced(values []T, defLevels, repLevels []int16, validBits []byte, validBitsOffset int64)
}

// dictStats are the statistics of a column of values of type T.
type dictStats[T parquet.ByteArray | int32] interface {
	Update(values []T, numNull int64)
	IncNulls(n int64)
	IncNumValues(n int64)
}

// writeValues writes the values of arr (data, one for each of its slots,
// nulls included) with their levels to wr as WriteArrowToColumn does:
// through WriteBatch when there are no nulls, WriteBatchSpaced when there
// are; through m (if not nil) while the column is dictionary-encoded.
func writeValues[T parquet.ByteArray | int32](cwk *columnWorker, wr dictWriter[T], m *dictMirror[T], arr arrow.Array, data []T, def, rep []int16) error {
	noNulls := wr.Descr().SchemaNode().RepetitionType() == parquet.Repetitions.Required || arr.NullN() == 0
	switch {
	case m != nil && m.follows(wr):
		return m.write(cwk, wr, arr, data, def, rep, noNulls)
	case noNulls:
		_, err := wr.WriteBatch(data, def, rep)
		return err
	default:
		wr.WriteBatchSpaced(data, def, rep, arr.NullBitmapBytes(), int64(arr.Data().Offset()))
		return nil
	}
}

// dictMirror keeps, for one column of texts or of 32-bit integers, the
// dictionary its column chunk writer's encoder is building: the same
// values with the same indices, for the encoder adds the values it is
// given in their order. The encoder hashes every value it is given
// (through an interface, allocating for each), and most of the Parquet's
// time went there. With the mirror, values the dictionary already holds
// are handed to the writer as their indices (WriteDictIndices, as pqarrow
// writes an Arrow dictionary array), the page statistics updated from the
// distinct ones among them; a value new to the dictionary is written as
// before, and the encoder adds it.
//
// The writer cuts what it is given into batches of WriteBatchSize levels
// and, after each, starts a new page when the page is full and falls back
// to plain encoding when the dictionary is; the mirror goes batch by batch
// the same way, and hands a batch with new values over in pieces only
// when neither can happen within it, so the file is the same byte for
// byte. It gives up until the next column chunk when the encoder falls
// back, or when its dictionary is large and most of the latest values are
// new (a column of real names, say), where it would only add its own
// hashing to the encoder's.
type dictMirror[T parquet.ByteArray | int32] struct {
	w        file.ColumnChunkWriter // the column chunk mirrored
	off      bool                   // given up for w
	strs     *textIndex             // the dictionary of texts
	ints     *intIndex              // or of integers
	entries  int                    // in the dictionary
	dictSize int64                  // of the dictionary page, as the encoder counts it
	values   int                    // written to w, nulls not counted
	window   int                    // values written since the mirror last judged how many are new
	newVals  int                    // of those, new to the dictionary
	seen     []uint32               // by index: the last batch that held it, for the statistics
	batch    uint32
	uniq     []T   // the distinct values of a batch
	fresh    []int // the values of a batch new to the dictionary
	indexed  int   // values written as indices, all chunks (for the tests)
}

// The mirror judges a column chunk every dictMirrorWindow values, and
// gives up when more than half of them were new and the dictionary holds
// dictMirrorLarge values or more: a dictionary that large and growing that
// fast is bound to be given up by the encoder (a text column of real names,
// say), while one of a few thousand names fills up early in the chunk and
// then grows slowly.
const (
	dictMirrorWindow = 4096
	dictMirrorLarge  = 16384
)

// follows reports whether m can be used for the values next written to
// wr, starting over when wr is a new column chunk.
func (m *dictMirror[T]) follows(wr file.ColumnChunkWriter) bool {
	if m.w != wr {
		m.w, m.off, m.entries, m.dictSize, m.values, m.window, m.newVals = wr, false, 0, 0, 0, 0, 0
		m.seen = m.seen[:0]
		switch any(m.uniq).(type) {
		case []parquet.ByteArray:
			if m.strs == nil {
				m.strs = newTextIndex()
			}
			m.strs.reset()
		default:
			if m.ints == nil {
				m.ints = newIntIndex()
			}
			m.ints.reset()
		}
	}
	if !m.off && (wr.CurrentEncoder().Encoding() != parquet.Encodings.PlainDict ||
		wr.Properties().DataPageVersion() != parquet.DataPageV1 || m.strs != nil && m.strs.full()) {
		m.giveUp()
	}
	return !m.off
}

// giveUp stops mirroring the current column chunk.
func (m *dictMirror[T]) giveUp() {
	m.off = true
	m.strs, m.ints = nil, nil // a column that outgrew its dictionary may not be back
	m.seen = nil
}

// roomFor reports whether the writer, given n more values, can neither
// fill its page nor its dictionary: the page's estimated size (the
// encoder's bound for the run-length encoded indices) is taken for all
// the values of the column chunk.
func (m *dictMirror[T]) roomFor(props *parquet.WriterProperties, n int) bool {
	if m.dictSize >= props.DictionaryPageSizeLimit() {
		return false
	}
	width := int64(0)
	if m.entries > 0 {
		width = int64(max(1, bits.Len32(uint32(m.entries-1))))
	}
	return 1+(int64(m.values+n)+7)/8*(1+width)+rleMinBuffer(width) < props.DataPageSize()
}

// rleMinBuffer is the least buffer the Parquet run-length encoder asks
// for values of width bits (the longer of a literal run of 512 values and
// a repeated run), a term of a dictionary encoder's size estimate.
func rleMinBuffer(width int64) int64 {
	return max(1+(512*width+7)/8, 5+(width+7)/8)
}

// index sets idxs[k] to the dictionary index of each value of vals that
// is there (valid in bitmap from bit off on; nil: all are), adding the new ones to the
// dictionary (and their positions to m.fresh) and each value met first in
// this batch and not new to m.uniq. It returns how many values are there.
func (m *dictMirror[T]) index(vals []T, idxs []int32, bitmap []byte, off int) (present int) {
	// One loop for each type, each with its own index. (Checking a text
	// against the one before, to look up only the first of a run, cost
	// more than it saved: in the persons' columns a value repeats the one
	// before about one time in five.)
	switch vals := any(vals).(type) {
	case []parquet.ByteArray:
		uniq := any(m.uniq).([]parquet.ByteArray)
		for k, val := range vals {
			if bitmap != nil && !bitutil.BitIsSet(bitmap, off+k) {
				continue
			}
			present++
			x, added := m.strs.index(val)
			if added {
				m.added(k, int64(len(val)))
			}
			idxs[k] = x
			if m.seen[x] != m.batch {
				m.seen[x] = m.batch
				uniq = append(uniq, val)
			}
		}
		m.uniq = any(uniq).([]T)
	case []int32:
		uniq := any(m.uniq).([]int32)
		for k, val := range vals {
			if bitmap != nil && !bitutil.BitIsSet(bitmap, off+k) {
				continue
			}
			present++
			x, added := m.ints.index(val)
			if added {
				m.added(k, 0)
			}
			idxs[k] = x
			if m.seen[x] != m.batch {
				m.seen[x] = m.batch
				uniq = append(uniq, val)
			}
		}
		m.uniq = any(uniq).([]T)
	}
	return present
}

// added counts value k of a batch, of size bytes (beyond the 4 bytes of
// an integer or of a text's length), into the dictionary, new.
func (m *dictMirror[T]) added(k int, size int64) {
	m.entries++
	m.seen = append(m.seen, m.batch) // not among the batch's known values
	m.dictSize += size + 4
	m.fresh = append(m.fresh, k)
}

// write writes arr's values (data, with arr's validity) and their levels
// to wr as WriteBatch (noNulls) or WriteBatchSpaced would, the values m
// already holds as their dictionary indices.
func (m *dictMirror[T]) write(cwk *columnWorker, wr dictWriter[T], arr arrow.Array, data []T, def, rep []int16, noNulls bool) error {
	off := arr.Data().Offset()
	cwk.idx = slices.Grow(cwk.idx[:0], off+len(data))[:off+len(data)]
	idxs := cwk.idx[off:]
	indices := array.NewData(arrow.PrimitiveTypes.Int32, len(data),
		[]*memory.Buffer{arr.Data().Buffers()[0], memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(cwk.idx))},
		nil, arr.NullN(), off)
	defer indices.Release()
	ancestor := wr.LevelInfo().RepeatedAncestorDefLevel
	// slots is how many values the levels [l, l+n) have, nulls included.
	slots := func(l, n int) int {
		if def == nil {
			return n
		}
		k := 0
		for _, d := range def[l : l+n] {
			if d >= ancestor {
				k++
			}
		}
		return k
	}
	// writeIndices writes the values from v on and the levels [l, l+n)
	// as indices.
	writeIndices := func(v, l, n int) error {
		part := array.NewSliceData(indices, int64(v), int64(v+slots(l, n)))
		batchIdx := array.NewInt32Data(part)
		part.Release()
		defer batchIdx.Release()
		return wr.WriteDictIndices(batchIdx, levelsOrNil(def, l, n), levelsOrNil(rep, l, n))
	}
	bitmap := arr.NullBitmapBytes() // the values' validity, for index
	if arr.NullN() == 0 {
		bitmap = nil
	}
	levels := len(data)
	if def != nil {
		levels = len(def)
	}
	props := wr.Properties()
	batch := int(props.WriteBatchSize())
	v := 0 // the first value of the batch
	for l := 0; l < levels; l += batch {
		n := min(batch, levels-l)
		bdef, brep := levelsOrNil(def, l, n), levelsOrNil(rep, l, n)
		if m.off {
			// The rest in one call, cut into the same batches.
			rest := data[v:]
			rdef, rrep := levelsOrNil(def, l, levels-l), levelsOrNil(rep, l, levels-l)
			if noNulls {
				_, err := wr.WriteBatch(rest, rdef, rrep)
				return err
			}
			wr.WriteBatchSpaced(rest, rdef, rrep, bitmap, int64(off+v))
			return nil
		}
		nv := slots(l, n)
		vals := data[v : v+nv]
		m.batch++
		if m.batch == 0 { // wrapped: forget what the stamps say
			clear(m.seen)
			m.batch = 1
		}
		m.uniq, m.fresh = m.uniq[:0], m.fresh[:0]
		present := m.index(vals, idxs[v:v+nv], bitmap, off+v)
		// The values WriteBatchSpaced counts for the statistics are the
		// batch's slots less its null levels (null and empty lists
		// included), and when that comes to 0 it leaves the minimum and
		// maximum alone, whatever values there are.
		counted := present
		if !noNulls {
			counted = nv - (n - present)
		}
		switch {
		case len(m.fresh) == 0 || counted != 0 && 8*len(m.fresh) <= present && m.roomFor(props, present):
			// The new values one by one (a few: each is a call), as
			// WriteBatch would add them; the levels and the other values
			// between them as indices.
			// The statistics first, as WriteBatch does: the page may be
			// written at the end of the batch.
			if st, ok := wr.PageStatistics().(dictStats[T]); ok {
				if counted != 0 {
					// As Update(vals) but from each value once, the new
					// ones counted as the writer adds them.
					st.Update(m.uniq, int64(n-present))
					st.IncNumValues(int64(counted - len(m.fresh) - len(m.uniq)))
				} else {
					st.IncNulls(int64(n - present))
					st.IncNumValues(int64(counted))
				}
			}
			m.indexed += present - len(m.fresh)
			from, fromLevel := v, l // not yet written
			slot, lv := v, l        // the value at level lv
			for _, k := range m.fresh {
				for ; slot < v+k || bdef != nil && bdef[lv-l] < ancestor; lv++ {
					if bdef == nil || bdef[lv-l] >= ancestor {
						slot++
					}
				}
				if lv > fromLevel {
					if err := writeIndices(from, fromLevel, lv-fromLevel); err != nil {
						return err
					}
				}
				if _, err := wr.WriteBatch(data[slot:slot+1], levelsOrNil(def, lv, 1), levelsOrNil(rep, lv, 1)); err != nil {
					return err
				}
				from, fromLevel = slot+1, lv+1
				slot, lv = slot+1, lv+1
			}
			if l+n > fromLevel {
				if err := writeIndices(from, fromLevel, l+n-fromLevel); err != nil {
					return err
				}
			}
		case noNulls:
			if _, err := wr.WriteBatch(vals, bdef, brep); err != nil {
				return err
			}
		default:
			wr.WriteBatchSpaced(vals, bdef, brep, bitmap, int64(off+v))
		}
		m.values += present
		m.window += present
		m.newVals += len(m.fresh)
		if wr.CurrentEncoder().Encoding() != parquet.Encodings.PlainDict {
			m.giveUp()
		} else if m.window >= dictMirrorWindow {
			if 2*m.newVals > m.window && m.entries >= dictMirrorLarge {
				m.giveUp()
			}
			m.window, m.newVals = 0, 0
		}
		clear(m.uniq)
		v += nv
	}
	return nil
}

// levelsOrNil is levels[from:from+n], or nil for no levels.
func levelsOrNil(levels []int16, from, n int) []int16 {
	if levels == nil {
		return nil
	}
	return levels[from : from+n]
}

// listLevels are the definition and repetition levels of a list column
// in the three-level LIST layout (an optional or required group, a
// repeated group, the element): a slot for each element and one for each
// null or empty list. Definition: 0 for a null list, then one more for a
// list that is there (when lists are nullable), one more for an element
// slot, one more for an element that is there (when elements are
// nullable). Repetition: 0 where a row starts, 1 for a further element.
func listLevels(list *array.List, listNullable, elemNullable bool) (def, rep []int16) {
	var present, slot int16 // the levels of a list that is there, and of an element
	if listNullable {
		present = 1
	}
	slot = present + 1
	full := slot
	if elemNullable {
		full++
	}
	offsets := listOffsets(list)
	values := list.ListValues()
	n := list.Len()
	def = make([]int16, 0, n+int(offsets[n]-offsets[0]))
	rep = make([]int16, 0, cap(def))
	for r := range n {
		switch lo, hi := offsets[r], offsets[r+1]; {
		case list.IsNull(r):
			def, rep = append(def, 0), append(rep, 0)
		case lo == hi:
			def, rep = append(def, present), append(rep, 0)
		default:
			for k := lo; k < hi; k++ {
				d := full
				if values.IsNull(int(k)) {
					d = slot
				}
				var rp int16
				if k > lo {
					rp = 1
				}
				def, rep = append(def, d), append(rep, rp)
			}
		}
	}
	return def, rep
}

// listOffsets are the offsets of list's rows into its values: Offsets
// gives the whole buffer, whatever the list's own offset (a slice).
func listOffsets(list *array.List) []int32 {
	off := list.Data().Offset()
	return list.Offsets()[off : off+list.Len()+1]
}

// close writes the last row group and the footer.
func (cw *columnsWriter) close() error {
	if cw.closed {
		return nil
	}
	cw.closed = true
	if cw.rgw != nil {
		if err := cw.closeRowGroup(); err != nil {
			return err
		}
	}
	return cw.w.Close()
}
