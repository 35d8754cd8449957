package transforms

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// requireColumns fails when rec lacks one of the named columns, or holds
// it with another type than the field of that name in like: a wiring
// mistake, not a row problem. Columns rec has beyond these pass through
// the stage untouched.
func requireColumns(stage string, rec arrow.Record, like *arrow.Schema, names ...string) error {
	for _, name := range names {
		want, ok := like.FieldsByName(name)
		if !ok {
			return fmt.Errorf("%s: column %q is not in the reference schema", stage, name)
		}
		idx := rec.Schema().FieldIndices(name)
		switch {
		case len(idx) == 0:
			return fmt.Errorf("%s: input batch has no column %q", stage, name)
		case len(idx) > 1:
			return fmt.Errorf("%s: input batch has column %q %d times", stage, name, len(idx))
		case !arrow.TypeEqual(rec.Schema().Field(idx[0]).Type, want[0].Type):
			return fmt.Errorf("%s: column %q has type %s, want %s", stage, name, rec.Schema().Field(idx[0]).Type, want[0].Type)
		}
	}
	return nil
}

// column returns rec's column called name; requireColumns has checked
// that it is there.
func column(rec arrow.Record, name string) arrow.Array {
	return rec.Column(rec.Schema().FieldIndices(name)[0])
}

// stringCol returns rec's string column called name.
func stringCol(rec arrow.Record, name string) *array.String {
	return column(rec, name).(*array.String)
}

// dateCol returns rec's date32 column called name.
func dateCol(rec arrow.Record, name string) *array.Date32 {
	return column(rec, name).(*array.Date32)
}

// appendColumns returns a record with rec's columns (retained, not
// copied) followed by extra, named and typed by fields. The caller keeps
// its references to extra and releases them. A column already in rec is
// an error: a stage adds only its own.
func appendColumns(rec arrow.Record, fields []arrow.Field, extra ...arrow.Array) (arrow.Record, error) {
	if len(fields) != len(extra) {
		return nil, fmt.Errorf("appendColumns: %d fields for %d columns", len(fields), len(extra))
	}
	fs := append(append([]arrow.Field{}, rec.Schema().Fields()...), fields...)
	for _, f := range fields {
		if rec.Schema().HasField(f.Name) {
			return nil, fmt.Errorf("column %q is already in the batch", f.Name)
		}
	}
	cols := append(append([]arrow.Array{}, rec.Columns()...), extra...)
	return array.NewRecord(arrow.NewSchema(fs, nil), cols, rec.NumRows()), nil
}

// newSpool makes a spool with f, or in memory when f is nil.
func newSpool(f pipeline.NewSpool, mem memory.Allocator) pipeline.Spool {
	if f == nil {
		return pipeline.MemorySpool(mem)
	}
	return f(mem)
}

// appendString appends v, or null when v is empty.
func appendString(b *array.StringBuilder, v string) {
	if v == "" {
		b.AppendNull()
		return
	}
	b.Append(v)
}
