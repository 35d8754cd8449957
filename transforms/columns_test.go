package transforms

import (
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// The row stages find their columns by name: a batch with an extra column
// in front, and its own columns in another order, goes through all three,
// and the extra column comes out untouched.
func TestRowStagesPassUnknownColumnsThrough(t *testing.T) {
	mem := checkedMem(t)
	raw := pipeline.RawSchema.Fields()
	slices.Reverse(raw)
	schema := arrow.NewSchema(append([]arrow.Field{{Name: "extra", Type: arrow.BinaryTypes.String, Nullable: true}}, raw...), nil)
	in := batchOf(t, mem, schema, map[string]any{
		"extra": "kept", "file": "a.csv", "row": 2, "nik": "1771010501900001", "nama": "BUDI",
		"jenis_perubahan": "KTP RUSAK", "kabupaten_kota": "1771", "tanggal_pengajuan": "2020-03-01",
	})
	defer in.Release()
	out := applyStages(t, mem, in, newTestNormalize(t), newTestValidate(t), NewDedupe())
	defer out.Release()
	got := rowsOf(t, out)[0]
	if got["extra"] != "kept" || got["reason"] != nil || got["event"] != "RUSAK" || got["duplicate"] != false {
		t.Errorf("row %v", got)
	}
	if n := out.Schema().NumFields(); n != pipeline.RowSchema.NumFields()+1 {
		t.Errorf("%d columns, want RowSchema's and the extra one", n)
	}
}

// Every integer column of the summary is filled from the row's counts, so
// a column added to pipeline.SummarySchema cannot be silently zero.
func TestSummaryCountsCoverSchema(t *testing.T) {
	counts := (&summaryRow{}).counts()
	for _, f := range pipeline.SummarySchema.Fields() {
		if _, ok := counts[f.Name]; f.Type.ID() == arrow.INT64 && !ok {
			t.Errorf("summary column %s has no count", f.Name)
		}
	}
}
