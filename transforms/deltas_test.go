package transforms

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// allocPersonSchema is PersonSchema with the allocation's columns, as the
// deltas stage sees the persons after allocate.
var allocPersonSchema = arrow.NewSchema(append(pipeline.PersonSchema.Fields(), pipeline.AllocationColumns()...), nil)

func days(s string) int32 { return int32(arrow.Date32FromTime(day(s))) }

// Every kind of change, each from the smallest case that makes it, and
// the persons that make none.
func TestDeltas(t *testing.T) {
	mem := checkedMem(t)
	prior := &pipeline.PriorRun{AsOf: day("2020-06-30"), Allocated: true, Persons: []pipeline.PriorPerson{
		{NIK: "printed", Region: "1771", Status: "NEEDS_PRINT", LastPrint: pipeline.NoDate, Tier: 2, Blank: "STOCK"},
		{NIK: "handed", Region: "1771", Status: "READY", LastPrint: days("2020-06-01")},
		{NIK: "recorded", Region: "1705", Status: "NEEDS_RECORDING", LastPrint: pipeline.NoDate, Tier: 1, Blank: "BUFFER"},
		{NIK: "died", Region: "1705", Status: "NEEDS_PRINT", LastPrint: pipeline.NoDate, Tier: 3, Blank: ""},
		{NIK: "moved", Region: "1705", Status: "NEEDS_PRINT", LastPrint: pipeline.NoDate, Tier: 3, Blank: "STOCK"},
		{NIK: "lostagain", Region: "1701", Status: "READY", LastPrint: days("2019-01-01")},
		{NIK: "same", Region: "1701", Status: "NEEDS_PRINT", LastPrint: pipeline.NoDate, Tier: 2, Blank: "STOCK"},
		{NIK: "gone", Region: "1702", Status: "NEEDS_RECORDING", LastPrint: pipeline.NoDate, Tier: 1,
			Name: "X", CardEvent: "REKAM", LastRequest: days("2020-05-01"), Sources: []string{"a.csv||7"}},
		{NIK: "goneready", Region: "1702", Status: "READY", LastPrint: days("2019-01-01")},
	}}
	d, err := NewDeltas(DeltasConfig{Prior: prior, BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if p := d.Ports(); len(p.Reads) != 1 || p.Reads[0] != pipeline.TablePersons || len(p.Rewrites) != 0 {
		t.Fatalf("ports %+v", p)
	}
	rec := recordJSON(t, mem, allocPersonSchema, `[
		{"nik":"printed","nama":"P","region_code":"1771","status":"READY","last_print_date":"2020-07-01","sources":["b.csv||2"]},
		{"nik":"handed","region_code":"1771","status":"READY","last_print_date":"2020-06-20","sources":[]},
		{"nik":"recorded","region_code":"1705","status":"NEEDS_PRINT","tier":3,"blank":"STOCK","card_event":"RUSAK","sources":[]},
		{"nik":"died","region_code":"1705","status":"DECEASED","sources":[]},
		{"nik":"moved","region_code":"1771","status":"NEEDS_PRINT","tier":2,"blank":"BUFFER","sources":[]},
		{"nik":"lostagain","region_code":"1701","status":"NEEDS_PRINT","last_print_date":"2019-01-01","tier":2,"sources":[]},
		{"nik":"same","region_code":"1701","status":"NEEDS_PRINT","tier":2,"blank":"STOCK","sources":[]},
		{"nik":"new","region_code":"1709","status":"NEEDS_RECORDING","tier":1,"sources":["c.csv||3"]}]`)
	out := emitted{}
	applyTable(t, mem, d, pipeline.TablePersons, rec, out)
	rec.Release()
	if len(out) != 0 {
		t.Fatalf("Apply emitted %v", out)
	}
	finish(t, mem, d, out)
	var got []string
	for _, b := range out[pipeline.TableDeltas] {
		if b.NumRows() > 4 {
			t.Errorf("a batch of %d rows, batch size 4", b.NumRows())
		}
		for _, r := range rowsOf(t, b) {
			got = append(got, strings.Join([]string{r["region_code"].(string), r["change"].(string), r["nik"].(string),
				r["before"].(string), r["after"].(string)}, " "))
		}
	}
	want := []string{
		"1701 NEW_REQUEST lostagain READY NEEDS_PRINT",
		"1702 VANISHED gone NEEDS_RECORDING ",
		"1705 RECORDED recorded NEEDS_RECORDING NEEDS_PRINT",
		"1705 DECEASED died NEEDS_PRINT DECEASED",
		"1705 TIER_CHANGED recorded 1 3",
		"1705 BLANK_CHANGED recorded BUFFER STOCK",
		"1709 NEW_REQUEST new  NEEDS_RECORDING",
		"1771 PRINTED handed 2020-06-01 2020-06-20",
		"1771 PRINTED printed  2020-07-01",
		"1771 MOVED moved 1705 1771",
		"1771 TIER_CHANGED moved 3 2",
		"1771 BLANK_CHANGED moved STOCK BUFFER",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("deltas\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The alarm row carries what the earlier run knew of the request.
	for _, b := range out[pipeline.TableDeltas] {
		for _, r := range rowsOf(t, b) {
			if r["change"] == pipeline.ChangeVanished &&
				(r["nama"] != "X" || r["card_event"] != "REKAM" || r["last_request_date"] != "2020-05-01" || jsonMarshal(r["sources"]) != `["a.csv||7"]`) {
				t.Errorf("alarm row %v", r)
			}
		}
	}
}

// Without an earlier run the stage emits an empty deltas table; without
// the allocation in either run, tier and blank are not compared.
func TestDeltasFirstRunAndNoAllocation(t *testing.T) {
	mem := checkedMem(t)
	persons := `[{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","sources":[]}]`
	d, err := NewDeltas(DeltasConfig{BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	rec := recordJSON(t, mem, pipeline.PersonSchema, persons)
	out := emitted{}
	applyTable(t, mem, d, pipeline.TablePersons, rec, out)
	rec.Release()
	finish(t, mem, d, out)
	if b := out[pipeline.TableDeltas]; len(b) != 1 || b[0].NumRows() != 0 || !b[0].Schema().Equal(pipeline.DeltaSchema) {
		t.Fatalf("first run emitted %v", b)
	}

	prior := &pipeline.PriorRun{Persons: []pipeline.PriorPerson{{NIK: "a", Region: "1771", Status: "NEEDS_PRINT", LastPrint: pipeline.NoDate, Tier: 3}}}
	d, _ = NewDeltas(DeltasConfig{Prior: prior, BatchSize: 10})
	rec = recordJSON(t, mem, allocPersonSchema, `[{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","tier":2,"blank":"STOCK","sources":[]}]`)
	out = emitted{}
	applyTable(t, mem, d, pipeline.TablePersons, rec, out)
	rec.Release()
	finish(t, mem, d, out)
	if b := out[pipeline.TableDeltas]; len(b) != 1 || b[0].NumRows() != 0 {
		t.Errorf("an earlier run without the allocation gave %v", rowsOf(t, b[0]))
	}
}

// A batch without a column the stage reads is a wiring error; release
// without finish drops everything.
func TestDeltasErrors(t *testing.T) {
	mem := checkedMem(t)
	if _, err := NewDeltas(DeltasConfig{}); err == nil {
		t.Error("batch size 0 accepted")
	}
	d, _ := NewDeltas(DeltasConfig{Prior: &pipeline.PriorRun{}, BatchSize: 1})
	bad := recordJSON(t, mem, arrow.NewSchema([]arrow.Field{{Name: "nik", Type: arrow.BinaryTypes.String}}, nil), `[{"nik":"a"}]`)
	defer bad.Release()
	if err := d.Apply(t.Context(), mem, pipeline.TablePersons, bad, emitted{}.emit(t)); err == nil {
		t.Error("a batch without the status column accepted")
	}
	d.Release()
}
