package sink

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/flight"
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
	closed  bool
}

// columnWorker is what one of the goroutines encoding columns keeps from
// batch to batch.
type columnWorker struct {
	ctx context.Context // pqarrow's write context
	def []int16
	ba  []parquet.ByteArray
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
				if err := cw.rgw.Close(); err != nil {
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

// writeColumns writes the columns of rec to the row group, each worker
// taking the next column not yet taken.
func (cw *columnsWriter) writeColumns(rec arrow.Record) error {
	errs := make([]error, rec.NumCols())
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
				errs[i] = cw.writeColumn(cwk, i, rec.Column(i), cw.schema.Field(i))
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
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
			for r := range def {
				def[r] = 0
				if col.IsValid(r) {
					def[r] = 1
				}
			}
		}
		if s, ok := col.(*array.String); ok {
			return cwk.writeStrings(w, s, def, nil, f.Nullable)
		}
		return pqarrow.WriteArrowToColumn(cwk.ctx, w, col, def, nil, f.Nullable)
	}
	elem := f.Type.(*arrow.ListType).ElemField()
	def, rep := listLevels(list, f.Nullable, elem.Nullable)
	offsets := listOffsets(list)
	values := array.NewSlice(list.ListValues(), int64(offsets[0]), int64(offsets[list.Len()]))
	defer values.Release()
	if s, ok := values.(*array.String); ok {
		return cwk.writeStrings(w, s, def, rep, elem.Nullable)
	}
	return pqarrow.WriteArrowToColumn(cwk.ctx, w, values, def, rep, elem.Nullable)
}

// writeStrings writes a string column as pqarrow.WriteArrowToColumn does
// (its writeDenseArrow), through a slice of values the worker keeps
// rather than one made for each column of each batch: that allocation,
// and collecting it, was a third of the Parquet's time.
func (cwk *columnWorker) writeStrings(w file.ColumnChunkWriter, s *array.String, def, rep []int16, nullable bool) error {
	wr, ok := w.(*file.ByteArrayColumnChunkWriter)
	if !ok {
		return fmt.Errorf("a string column written to a %s column", w.Type())
	}
	// As WriteArrowToColumn decides: nulls above the leaf need its bits
	// buffer, so that case is left to it.
	lv := w.LevelInfo()
	single := lv.DefLevel == lv.RepeatedAncestorDefLevel+1 && nullable
	if lv.HasNullableValues() && !single {
		return pqarrow.WriteArrowToColumn(cwk.ctx, w, s, def, rep, nullable)
	}
	noNulls := w.Descr().SchemaNode().RepetitionType() == parquet.Repetitions.Required || s.NullN() == 0
	var values []byte
	if b := s.Data().Buffers()[2]; b != nil {
		values = b.Bytes()
	}
	offsets := s.ValueOffsets()
	cwk.ba = slices.Grow(cwk.ba[:0], s.Len())[:s.Len()]
	data := cwk.ba
	for i := range data {
		data[i] = values[offsets[i]:offsets[i+1]]
	}
	var err error
	if noNulls {
		_, err = wr.WriteBatch(data, def, rep)
	} else {
		wr.WriteBatchSpaced(data, def, rep, s.NullBitmapBytes(), int64(s.Data().Offset()))
	}
	clear(data) // keep no reference to the batch's values
	return err
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
		if err := cw.rgw.Close(); err != nil {
			return err
		}
	}
	return cw.w.Close()
}
