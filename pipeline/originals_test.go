package pipeline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// letters writes row i's original as {"i":"<i in letters>"}: a text of i+1
// bytes, so that each row's length differs.
type letters struct{}

func (letters) AppendOriginal(dst []byte, i int) []byte {
	return fmt.Appendf(dst, `{"i":%q}`, strings.Repeat("x", i+1))
}

// rawBatch returns a RawSchema batch of n rows, every column null.
func rawBatch(mem memory.Allocator, n int) arrow.Record {
	b := array.NewRecordBuilder(mem, RawSchema)
	defer b.Release()
	for range n {
		for j := range RawSchema.Fields() {
			b.Field(j).AppendNull()
		}
	}
	return b.NewRecord()
}

// WithOriginals writes the originals of the rows asked for into the
// original column, in their rows, leaves the other rows' null and the
// other columns as they were; it fails on a batch without the column.
func TestWithOriginals(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := rawBatch(mem, 7)
	defer rec.Release()
	orig := RawSchema.FieldIndices(ColOriginal)[0]
	for _, tc := range []struct {
		name string
		want func(int) bool
	}{
		{"every row", nil},
		{"none", func(int) bool { return false }},
		{"rows 0, 3 and 6", func(i int) bool { return i%3 == 0 }},
		{"the last", func(i int) bool { return i == 6 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := WithOriginals(mem, rec, letters{}, tc.want)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Release()
			if !out.Schema().Equal(rec.Schema()) || out.NumRows() != rec.NumRows() {
				t.Fatalf("schema %v, %d rows", out.Schema(), out.NumRows())
			}
			for j := range int(rec.NumCols()) {
				if j != orig && out.Column(j) != rec.Column(j) {
					t.Errorf("column %s replaced", rec.ColumnName(j))
				}
			}
			got := out.Column(orig).(*array.String)
			for i := range 7 {
				if tc.want == nil || tc.want(i) {
					if want := string(letters{}.AppendOriginal(nil, i)); !got.IsValid(i) || got.Value(i) != want {
						t.Errorf("row %d: original %q (valid %v), want %s", i, got.Value(i), got.IsValid(i), want)
					}
				} else if got.IsValid(i) {
					t.Errorf("row %d: original %q, want null", i, got.Value(i))
				}
			}
		})
	}
	cols := rec.Columns()[:orig]
	bare := array.NewRecord(arrow.NewSchema(RawSchema.Fields()[:orig], nil), cols, rec.NumRows())
	defer bare.Release()
	if out, err := WithOriginals(mem, bare, letters{}, nil); err == nil {
		out.Release()
		t.Error("a batch without the original column: no error")
	}
}
