package transforms

import (
	"reflect"
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
		sources: []string{"a.csv||2", "a.csv||9"}, rows: 2,
	}
	empty := person{birth: noDate, firstReq: noDate, lastReq: noDate, death: noDate,
		lastPrint: noDate, cardRequest: noDate, sources: []string{"b.csv|S1|3"}}
	pb.append(&full)
	pb.append(&empty)
	pb.append(&full)
	got := pb.newRecord()
	defer got.Release()
	if !got.Schema().Equal(pipeline.PersonSchema) {
		t.Fatalf("schema %s, want PersonSchema", got.Schema())
	}
	fullJSON := `{"nik": "1771010101900001", "nkk": "1771010101900002", "nama": "BUDI SANTOSO",
		"tempat_lahir": "BENGKULU", "tanggal_lahir": "1990-01-01", "jenis_kelamin": "L",
		"status_kawin": "KAWIN", "nama_ibu": "SITI AMINAH", "alamat": "JL. MELATI 1",
		"kecamatan": "GADING CEMPAKA", "kelurahan": "CEMPAKA PERMAI", "region_code": "1771",
		"origin_region_code": "1702", "status": "` + pipeline.StatusNeedsPrint + `",
		"events": ["RUSAK", "PINDAH"], "first_request_date": "2020-01-01",
		"last_request_date": "2020-01-02", "flags": ["` + pipeline.FlagNIKConflict + `"],
		"death_date": "2020-01-03", "last_print_date": "2020-01-04", "card_event": "RUSAK",
		"card_request_date": "2020-01-05", "rows": 2, "sources": ["a.csv||2", "a.csv||9"]}`
	want := recordJSON(t, mem, pipeline.PersonSchema, `[`+fullJSON+`,
		{"events": [], "flags": [], "rows": 0, "sources": ["b.csv|S1|3"]}, `+fullJSON+`]`)
	defer want.Release()
	if g, w := rowsOf(t, got), rowsOf(t, want); !reflect.DeepEqual(g, w) {
		t.Fatalf("built\n%v\nwant\n%v", g, w)
	}
}
