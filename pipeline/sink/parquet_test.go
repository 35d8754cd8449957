package sink

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/apache/arrow/go/v17/parquet/schema"

	"readiness/pipeline"
)

// readParquetJSON reads a parquet file back and returns its rows as the
// JSON that array.RecordToJSON writes, with the file's Arrow schema.
func readParquetJSON(t *testing.T, path string) (string, *arrow.Schema) {
	t.Helper()
	mem := newMem(t)
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, mem)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	var buf bytes.Buffer
	for tr.Next() {
		if err := array.RecordToJSON(tr.Record(), &buf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String(), tbl.Schema()
}

// recordsJSON is what the records written should read back as.
func recordsJSON(t *testing.T, jsons ...string) string {
	t.Helper()
	mem := newMem(t)
	var buf bytes.Buffer
	for _, js := range jsons {
		rec := fromJSON(t, mem, pipeline.PersonSchema, js)
		if err := array.RecordToJSON(rec, &buf); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	return buf.String()
}

func TestPersonsParquet(t *testing.T) {
	second := `[{"nik":"1771010101950009","nama":"DEWI","tanggal_lahir":"2003-12-09","region_code":"1771","status":"INELIGIBLE","events":["KAWIN","PINDAH"],"flags":[],"rows":3,"sources":["a|b|1"]}]`
	tests := []struct {
		name    string
		batches []batch
		want    []string // person JSON batches expected back, in order
	}{
		{"two batches", []batch{{pipeline.TablePersons, personsJSON}, {pipeline.TableSummary, summaryJSON}, {pipeline.TablePersons, second}},
			[]string{personsJSON, second}},
		{"no persons gives an empty file", []batch{{pipeline.TableRows, rowsJSON}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := NewPersonsParquet(dir)
			if err := run(t, s, tc.batches); err != nil {
				t.Fatal(err)
			}
			assertFiles(t, dir, PersonsFile)
			got, sc := readParquetJSON(t, onlyFile(t, dir, s))
			if !sameFields(sc, pipeline.PersonSchema) {
				t.Errorf("schema read back:\n%s\nwant\n%s", sc, pipeline.PersonSchema)
			}
			if want := recordsJSON(t, tc.want...); got != want {
				t.Errorf("content read back:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestPersonsParquetTypes checks the Parquet logical types a reader
// without the stored Arrow schema sees (DuckDB, pandas).
func TestPersonsParquetTypes(t *testing.T) {
	dir := t.TempDir()
	s := NewPersonsParquet(dir)
	if err := run(t, s, []batch{{pipeline.TablePersons, personsJSON}}); err != nil {
		t.Fatal(err)
	}
	rdr, err := file.OpenParquetFile(onlyFile(t, dir, s), false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	root := rdr.MetaData().Schema.Root()
	tests := []struct {
		column string
		want   schema.LogicalType
	}{
		{pipeline.ColNIK, schema.StringLogicalType{}},
		{pipeline.ColTanggalLahir, schema.DateLogicalType{}},
		{pipeline.ColEvents, schema.ListLogicalType{}},
		{pipeline.ColFlags, schema.ListLogicalType{}},
	}
	for _, tc := range tests {
		idx := root.FieldIndexByName(tc.column)
		if idx < 0 {
			t.Errorf("%s: missing", tc.column)
			continue
		}
		if got := root.Field(idx).LogicalType(); !got.Equals(tc.want) {
			t.Errorf("%s: logical type %s, want %s", tc.column, got, tc.want)
		}
	}
	c, err := rdr.MetaData().RowGroup(0).ColumnChunk(0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Compression().String() != "SNAPPY" {
		t.Errorf("compression %s, want SNAPPY", c.Compression())
	}
}

// sameFields compares names, types and nullability, not metadata (the
// reader adds field ids).
func sameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.NumFields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Nullable != fb.Nullable || !arrow.TypeEqual(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}
