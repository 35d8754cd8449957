package transforms

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// checkSchema fails when a stage receives a batch of the wrong schema: a
// wiring mistake, not a row problem.
func checkSchema(rec arrow.Record, want *arrow.Schema, stage string) error {
	if !rec.Schema().Equal(want) {
		return fmt.Errorf("%s: input batch has schema %v, want %v", stage, rec.Schema(), want)
	}
	return nil
}

// stringCol returns the named string column of rec, laid out as schema.
func stringCol(rec arrow.Record, schema *arrow.Schema, name string) *array.String {
	return rec.Column(schema.FieldIndices(name)[0]).(*array.String)
}

// dateCol returns the named date32 column of rec, laid out as schema.
func dateCol(rec arrow.Record, schema *arrow.Schema, name string) *array.Date32 {
	return rec.Column(schema.FieldIndices(name)[0]).(*array.Date32)
}

// appendColumns returns a record of schema out whose leading columns are
// rec's (retained, not copied) followed by extra. The caller keeps its
// references to extra and releases them.
func appendColumns(rec arrow.Record, out *arrow.Schema, extra ...arrow.Array) arrow.Record {
	cols := make([]arrow.Array, 0, len(rec.Columns())+len(extra))
	cols = append(cols, rec.Columns()...)
	cols = append(cols, extra...)
	return array.NewRecord(out, cols, rec.NumRows())
}
