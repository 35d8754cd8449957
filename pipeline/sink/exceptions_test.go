package sink

import (
	"slices"
	"testing"

	"readiness/pipeline"
)

func TestExceptionsCSV(t *testing.T) {
	tests := []struct {
		name    string
		batches []batch
		want    [][]string
	}{
		{"no rejects writes the header only", []batch{{pipeline.TableRows, `[{"file":"a.csv","row":2,"original":"{}","reason":null}]`}}, nil},
		{"no batch writes the header only", nil, nil},
		{"rejected rows in order, original as is, formula text escaped", []batch{
			{pipeline.TableRows, rowsJSON},
			{pipeline.TablePersons, personsJSON},
			{pipeline.TableRows, `[{"file":"=evil.csv","sheet":"+S","row":3,"original":"{\"a\":\"1\"}","reason":"EVENT_UNKNOWN","detail":"@x"}]`},
		}, [][]string{
			{"in/kota.xlsx", "Data", "5", "NIK_PRECISION_LOST", "scientific notation", `{"NIK":"1.77E+15","NAMA":"BUDI"}`},
			{"in/seluma.csv", "", "12", "NIK_MISSING", "'-- empty", `{"nik":"","nama":"=HYPERLINK(\"x\")"}`},
			{"'=evil.csv", "'+S", "3", "EVENT_UNKNOWN", "'@x", `{"a":"1"}`},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := NewExceptionsCSV(dir)
			if err := run(t, s, tc.batches); err != nil {
				t.Fatal(err)
			}
			assertFiles(t, dir, ExceptionsFile)
			recs := readCSV(t, onlyFile(t, dir, s))
			if !slices.Equal(recs[0], ExceptionsColumns()) {
				t.Errorf("header = %q", recs[0])
			}
			if got := recs[1:]; !slices.EqualFunc(got, tc.want, slices.Equal[[]string]) {
				t.Errorf("rows:\ngot  %q\nwant %q", got, tc.want)
			}
		})
	}
}
