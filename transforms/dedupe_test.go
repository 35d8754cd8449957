package transforms

import (
	"context"
	"errors"
	"testing"

	"readiness/pipeline"
)

func TestDedupe(t *testing.T) {
	tests := []struct {
		name    string
		batches []string // ValidSchema rows, fed in order
		want    [][]bool // duplicate mark per row
	}{
		{
			name: "same request twice in one batch",
			batches: []string{`[
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01"},
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01"}]`},
			want: [][]bool{{false, true}},
		},
		{
			name: "across batches (another region's file)",
			batches: []string{
				`[{"nik_clean":"1771014501900001","event":"PINDAH","request_date":"2020-05-02","region_code":"1705"}]`,
				`[{"nik_clean":"1771014501900001","event":"PINDAH","request_date":"2020-05-02","region_code":"1771"}]`,
			},
			want: [][]bool{{false}, {true}},
		},
		{
			name: "different date, event or NIK is a new request",
			batches: []string{`[
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01"},
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-02"},
				{"nik_clean":"1771014501900001","event":"HILANG","request_date":"2020-06-01"},
				{"nik_clean":"1771014501900002","event":"RUSAK","request_date":"2020-06-01"}]`},
			want: [][]bool{{false, false, false, false}},
		},
		{
			name: "rejected rows are never duplicates nor hide one",
			batches: []string{`[
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01","reason":"REGION_UNKNOWN"},
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01"},
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01","reason":"NAME_MISSING"}]`},
			want: [][]bool{{false, false, false}},
		},
		{
			name: "every repeat after the first, in and across batches",
			batches: []string{`[
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01"},
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01"},
				{"nik_clean":"1771014501900002","event":"RUSAK","request_date":"2020-06-01"},
				{"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01"}]`,
				`[{"nik_clean":"1771014501900002","event":"RUSAK","request_date":"2020-06-01"},
				  {"nik_clean":"1771014501900001","event":"RUSAK","request_date":"2020-06-01"},
				  {"nik_clean":"1771014501900003","event":"RUSAK","request_date":"2020-06-01"}]`,
			},
			want: [][]bool{{false, true, false, true}, {true, true, false}},
		},
		{
			name: "two missing request dates are the same date",
			batches: []string{`[
				{"nik_clean":"1771014501900001","event":"SUKET"},
				{"nik_clean":"1771014501900001","event":"SUKET"}]`},
			want: [][]bool{{false, true}},
		},
		{
			name: "a missing request date is not 1970-01-01",
			batches: []string{`[
				{"nik_clean":"1771014501900001","event":"SUKET"},
				{"nik_clean":"1771014501900001","event":"SUKET","request_date":"1970-01-01"},
				{"nik_clean":"1771014501900001","event":"SUKET","request_date":"1970-01-01"}]`},
			want: [][]bool{{false, false, true}},
		},
		{
			name: "missing and empty events are the same event",
			batches: []string{`[
				{"nik_clean":"1771014501900001","request_date":"2020-06-01"},
				{"nik_clean":"1771014501900001","event":"","request_date":"2020-06-01"}]`},
			want: [][]bool{{false, true}},
		},
		{
			name: "NIKs that are not 16 digits are compared as text",
			batches: []string{
				`[{"nik_clean":"1","event":"RUSAK","request_date":"2020-06-01"},
				  {"nik_clean":"0000000000000001","event":"RUSAK","request_date":"2020-06-01"},
				  {"nik_clean":"ABCDEFGHIJKLMNOP","event":"RUSAK","request_date":"2020-06-01"},
				  {"nik_clean":"1|RUSAK","event":"","request_date":"2020-06-01"}]`,
				`[{"nik_clean":"1","event":"RUSAK","request_date":"2020-06-01"},
				  {"nik_clean":"ABCDEFGHIJKLMNOP","event":"RUSAK","request_date":"2020-06-01"},
				  {"nik_clean":"1","event":"RUSAK|","request_date":"2020-06-01"},
				  {"nik_clean":"0000000000000001","event":"RUSAK","request_date":"2020-06-01"}]`,
			},
			want: [][]bool{{false, false, false, false}, {true, true, false, true}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			d := NewDedupe()
			for b, text := range tc.batches {
				in := recordJSON(t, mem, pipeline.ValidSchema, text)
				out, err := d.Apply(context.Background(), mem, in)
				in.Release()
				if err != nil {
					t.Fatal(err)
				}
				if !out.Schema().Equal(pipeline.RowSchema) {
					t.Fatalf("output schema %v", out.Schema())
				}
				rows := rowsOf(t, out)
				out.Release()
				for i, r := range rows {
					if got := r[pipeline.ColDuplicate] == true; got != tc.want[b][i] {
						t.Errorf("batch %d row %d: duplicate = %v, want %v", b, i, got, tc.want[b][i])
					}
				}
			}
		})
	}
}

func TestDedupeWrongSchema(t *testing.T) {
	mem := checkedMem(t)
	in := recordJSON(t, mem, pipeline.RawSchema, `[{"nik":"1"}]`)
	defer in.Release()
	if out, err := NewDedupe().Apply(context.Background(), mem, in); err == nil {
		out.Release()
		t.Fatal("no error on a RawSchema batch")
	}
}

// Flush lets go of the keys once the rows are done; a batch after it is
// an error, never compared with nothing.
func TestDedupeFlush(t *testing.T) {
	mem := checkedMem(t)
	d := NewDedupe()
	in := recordJSON(t, mem, pipeline.ValidSchema, `[{"nik_clean":"1771010501900001","event":"RUSAK","request_date":"2020-03-01"}]`)
	defer in.Release()
	out, err := d.Apply(context.Background(), mem, in)
	if err != nil {
		t.Fatal(err)
	}
	out.Release()
	d.Flush()
	if d.seen != nil || d.others != nil || d.events != nil {
		t.Error("Flush kept the keys")
	}
	if out, err := d.Apply(context.Background(), mem, in); !errors.Is(err, errDedupeFlushed) {
		if out != nil {
			out.Release()
		}
		t.Errorf("Apply after Flush: %v, want errDedupeFlushed", err)
	}
}
