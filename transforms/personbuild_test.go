package transforms

import (
	"reflect"
	"strings"

	"github.com/apache/arrow/go/v17/arrow/array"
	"testing"

	"readiness/pipeline"
)

// TestPersonBuilder checks that every field of a person lands in its own
// PersonSchema column, that empty text and noDate become nulls, and that
// the lists are never null.
func TestPersonBuilder(t *testing.T) {
	mem := checkedMem(t)
	pb := newPersonBuilder(mem)
	defer pb.release()
	pb.reserve(1) // fewer than appended: the builders still grow
	full := person{
		nik: "1771010101900001", nkk: "1771010101900002", name: "BUDI SANTOSO",
		birthPlace: "BENGKULU", sex: "L", marital: "KAWIN", mother: "SITI AMINAH",
		address: "JL. MELATI 1", kecamatan: "GADING CEMPAKA", kelurahan: "CEMPAKA PERMAI",
		region: "1771", origin: "1702", status: pipeline.StatusNeedsPrint, cardEvent: "RUSAK",
		birth: 7305, firstReq: 18262, lastReq: 18263, death: 18264, lastPrint: 18265,
		cardRequest: 18266, events: []string{"RUSAK", "PINDAH"}, flags: []string{pipeline.FlagNIKConflict},
		sources: []source{{file: "a.csv", line: 2}, {file: "a.csv", line: 9}}, rows: 2,
	}
	empty := person{birth: noDate, firstReq: noDate, lastReq: noDate, death: noDate,
		lastPrint: noDate, cardRequest: noDate, sources: []source{{file: "b.csv", sheet: "S1", line: 3}}}
	packed := empty
	packed.nkkNum, packed.nik, packed.rows = 42+1, "x", 1 // a packed NKK with leading zeros
	packed.sources = []source{{file: "c.csv", line: -7}, {file: "c.csv", sheet: "é", line: 1 << 30}}
	packedJSON := `{"nik": "x", "nkk": "0000000000000042", "events": [], "flags": [], "rows": 1,
		"sources": ["c.csv||-7", "c.csv|é|1073741824"]}`
	fullJSON := `{"nik": "1771010101900001", "nkk": "1771010101900002", "nama": "BUDI SANTOSO",
		"tempat_lahir": "BENGKULU", "tanggal_lahir": "1990-01-01", "jenis_kelamin": "L",
		"status_kawin": "KAWIN", "nama_ibu": "SITI AMINAH", "alamat": "JL. MELATI 1",
		"kecamatan": "GADING CEMPAKA", "kelurahan": "CEMPAKA PERMAI", "region_code": "1771",
		"origin_region_code": "1702", "status": "` + pipeline.StatusNeedsPrint + `",
		"events": ["RUSAK", "PINDAH"], "first_request_date": "2020-01-01",
		"last_request_date": "2020-01-02", "flags": ["` + pipeline.FlagNIKConflict + `"],
		"death_date": "2020-01-03", "last_print_date": "2020-01-04", "card_event": "RUSAK",
		"card_request_date": "2020-01-05", "rows": 2, "sources": ["a.csv||2", "a.csv||9"]}`
	emptyJSON := `{"events": [], "flags": [], "rows": 0, "sources": ["b.csv|S1|3"]}`
	// Two batches from one builder: the first with nulls only after
	// valid values and past the bytes a bitmap starts with, the second
	// beginning with a null.
	for _, batch := range [][]*person{
		{&full, &full, &full, &full, &full, &full, &full, &full, &full, &full, &empty, &full, &packed, &full, &empty},
		{&empty, &packed, &full},
	} {
		var js []string
		for _, p := range batch {
			pb.append(p)
			js = append(js, map[*person]string{&full: fullJSON, &empty: emptyJSON, &packed: packedJSON}[p])
		}
		got := pb.newRecord()
		defer got.Release()
		if !got.Schema().Equal(pipeline.PersonSchema) {
			t.Fatalf("schema %s, want PersonSchema", got.Schema())
		}
		want := recordJSON(t, mem, pipeline.PersonSchema, "["+strings.Join(js, ",")+"]")
		defer want.Release()
		for i, col := range got.Columns() {
			if !array.Equal(col, want.Column(i)) {
				t.Errorf("column %s: %v, want %v", got.ColumnName(i), col, want.Column(i))
			}
		}
		if g, w := rowsOf(t, got), rowsOf(t, want); !reflect.DeepEqual(g, w) {
			t.Fatalf("built\n%v\nwant\n%v", g, w)
		}
	}
}
