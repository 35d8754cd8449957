package sink

import (
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// ErrSchema is returned when a batch lacks a column a sink needs or holds
// it with another type.
var ErrSchema = errors.New("batch does not match the table's schema")

// column returns the column called name as the array type T.
func column[T arrow.Array](rec arrow.Record, name string) (T, error) {
	var zero T
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return zero, fmt.Errorf("column %q missing: %w", name, ErrSchema)
	}
	a, ok := rec.Column(idx[0]).(T)
	if !ok {
		return zero, fmt.Errorf("column %q has type %s: %w", name, rec.Column(idx[0]).DataType(), ErrSchema)
	}
	return a, nil
}

// strCol is a nullable string column; null reads as "".
type strCol struct{ a *array.String }

func (c strCol) at(i int) string {
	if c.a == nil || c.a.IsNull(i) {
		return ""
	}
	return c.a.Value(i)
}

func (c strCol) valid(i int) bool { return c.a != nil && c.a.IsValid(i) }

// dateCol is a nullable date column.
type dateCol struct{ a *array.Date32 }

// at returns the date at i as midnight UTC, or false when null.
func (c dateCol) at(i int) (time.Time, bool) {
	if c.a == nil || c.a.IsNull(i) {
		return time.Time{}, false
	}
	return c.a.Value(i).ToTime(), true
}

// listCol is a nullable list-of-strings column.
type listCol struct {
	a *array.List
	v *array.String
}

// at returns the strings of the list at i; nil when null or empty.
func (c listCol) at(i int) []string {
	if c.a == nil || c.a.IsNull(i) {
		return nil
	}
	start, end := c.a.ValueOffsets(i)
	if start == end {
		return nil
	}
	out := make([]string, 0, end-start)
	for j := start; j < end; j++ {
		if c.v.IsValid(int(j)) {
			out = append(out, c.v.Value(int(j)))
		}
	}
	return out
}

// has reports whether the list at i holds a string: len(c.at(i)) > 0,
// without gathering them.
func (c listCol) has(i int) bool {
	if c.a == nil || c.a.IsNull(i) {
		return false
	}
	start, end := c.a.ValueOffsets(i)
	for j := start; j < end; j++ {
		if c.v.IsValid(int(j)) {
			return true
		}
	}
	return false
}

// colReader reads several columns of one batch, remembering the first
// error so that callers can fetch every column and check once.
type colReader struct {
	rec arrow.Record
	err error
}

func (r *colReader) str(name string) strCol {
	a, err := column[*array.String](r.rec, name)
	r.fail(err)
	return strCol{a}
}

func (r *colReader) date(name string) dateCol {
	a, err := column[*array.Date32](r.rec, name)
	r.fail(err)
	return dateCol{a}
}

func (r *colReader) list(name string) listCol {
	a, err := column[*array.List](r.rec, name)
	if err != nil {
		r.fail(err)
		return listCol{}
	}
	v, ok := a.ListValues().(*array.String)
	if !ok {
		r.fail(fmt.Errorf("column %q is not a list of strings: %w", name, ErrSchema))
		return listCol{}
	}
	return listCol{a, v}
}

func (r *colReader) int32(name string) *array.Int32 {
	a, err := column[*array.Int32](r.rec, name)
	r.fail(err)
	return a
}

func (r *colReader) int64(name string) *array.Int64 {
	a, err := column[*array.Int64](r.rec, name)
	r.fail(err)
	return a
}

func (r *colReader) float64(name string) *array.Float64 {
	a, err := column[*array.Float64](r.rec, name)
	r.fail(err)
	return a
}

func (r *colReader) fail(err error) {
	if r.err == nil && err != nil {
		r.err = err
	}
}

// cell is the date at i as a date cell of the given style, empty when
// null.
func (c dateCol) cell(style, i int) xcell {
	if c.a == nil || c.a.IsNull(i) {
		return xcell{}
	}
	return numCell(style, serialOfDay(int64(c.a.Value(i))))
}
