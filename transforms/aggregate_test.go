package transforms

import (
	"strings"
	"testing"

	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

func TestAggregate(t *testing.T) {
	mem := checkedMem(t)
	ref := regions.Default()
	plan, err := stock.Read(strings.NewReader("region_code,region_name,stock,print_capacity_per_day,arrives\n"+
		"1771,KOTA BENGKULU,1,10,\n1705,KAB. SELUMA,100,1,\n17,PROVINSI,1650,0,\n17,PROVINSI,25000,0,2020-09-15\n"), "stock.csv", ref)
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAggregate(AggregateConfig{Regions: ref, Stock: plan, PrintDays: 116})
	if err != nil {
		t.Fatal(err)
	}
	rows := recordJSON(t, mem, pipeline.RowSchema, `[
		{"region_code":"1771"},
		{"region_code":"1771","duplicate":true},
		{"region_code":"1771","reason":"NIK_BAD_LENGTH"},
		{"region_code":null,"reason":"REGION_UNKNOWN"},
		{"region_code":"1705"}]`)
	persons := recordJSON(t, mem, pipeline.PersonSchema, `[
		{"region_code":"1771","status":"NEEDS_PRINT"},
		{"region_code":"1771","status":"NEEDS_PRINT","origin_region_code":"1705"},
		{"region_code":"1771","status":"NEEDS_RECORDING"},
		{"region_code":"1771","status":"READY"},
		{"region_code":"1771","status":"DECEASED"},
		{"region_code":"1771","status":"INELIGIBLE"},
		{"region_code":"1671","status":"NEEDS_PRINT","origin_region_code":"1705"},
		{"region_code":"1705","status":"READY"},
		{"region_code":"1705","status":"READY"},
		{"region_code":"1705","status":"NEEDS_PRINT"}]`)
	for _, rec := range []interface{ Release() }{rows, persons} {
		defer rec.Release()
	}
	out := emitted{}
	applyTable(t, mem, a, pipeline.TableRows, rows, out)
	applyTable(t, mem, a, pipeline.TablePersons, persons, out)
	if len(out) != 0 {
		t.Fatalf("Apply emitted %v", out)
	}
	recs := finish(t, mem, a, out)[pipeline.TableSummary]
	if len(out) != 1 || len(recs) != 1 || !recs[0].Schema().Equal(pipeline.SummarySchema) {
		t.Fatalf("finish emitted %v", out)
	}
	got := rowsOf(t, recs[0])
	if len(got) != 11 {
		t.Fatalf("%d summary rows, want 10 regions + province", len(got))
	}
	byCode := map[string]map[string]any{}
	var order []string
	for _, r := range got {
		byCode[r["region_code"].(string)] = r
		order = append(order, r["region_code"].(string))
	}
	if strings.Join(order, ",") != "1701,1702,1703,1704,1705,1706,1707,1708,1709,1771,17" {
		t.Errorf("order %v", order)
	}
	want := map[string]map[string]any{
		"1771": {"region_name": "KOTA BENGKULU", "rows_in": 3.0, "rows_rejected": 1.0, "duplicate_rows": 1.0,
			"persons": 6.0, "deceased": 1.0, "ineligible": 1.0, "needs_recording": 1.0, "needs_print": 2.0,
			"ready": 1.0, "eligible": 4.0, "moved_in": 1.0, "moved_out": 0.0, "blanks_needed": 3.0, "stock": 1.0,
			"allocation": 0.0, "shortfall": 2.0, "printable_by_election": 1.0, "projected_ready_pct": 50.0},
		// Capacity 1 a day × 116 days limits nothing here: 1 blank needed.
		"1705": {"rows_in": 1.0, "persons": 3.0, "ready": 2.0, "needs_print": 1.0, "eligible": 3.0,
			"moved_out": 2.0, "moved_in": 0.0, "stock": 100.0, "shortfall": 0.0, "printable_by_election": 1.0,
			"projected_ready_pct": 100.0},
		"1701": {"rows_in": 0.0, "persons": 0.0, "eligible": 0.0, "projected_ready_pct": nil, "stock": 0.0},
		"17": {"region_name": "BENGKULU", "rows_in": 5.0, "rows_rejected": 2.0, "duplicate_rows": 1.0,
			"persons": 9.0, "eligible": 7.0, "needs_print": 3.0, "blanks_needed": 4.0, "ready": 3.0,
			"moved_in": 0.0, "moved_out": 1.0, "stock": 1751.0, "allocation": 0.0, "shortfall": 2.0,
			"printable_by_election": 2.0, "projected_ready_pct": 71.4},
	}
	for code, w := range want {
		for k, v := range w {
			if g := byCode[code][k]; g != v {
				t.Errorf("%s %s = %v, want %v", code, k, g, v)
			}
		}
	}
}

func TestAggregateCapacityLimits(t *testing.T) {
	mem := checkedMem(t)
	ref := regions.Default()
	plan := &stock.Plan{Regions: map[string]stock.Region{"1771": {Stock: 1000, CapacityDay: 2}}}
	a, err := NewAggregate(AggregateConfig{Regions: ref, Stock: plan, PrintDays: 3})
	if err != nil {
		t.Fatal(err)
	}
	persons := recordJSON(t, mem, pipeline.PersonSchema,
		"["+strings.Repeat(`{"region_code":"1771","status":"NEEDS_PRINT"},`, 9)+`{"region_code":"1771","status":"READY"}]`)
	defer persons.Release()
	out := emitted{}
	applyTable(t, mem, a, pipeline.TablePersons, persons, out)
	recs := finish(t, mem, a, out)[pipeline.TableSummary]
	r := rowsOf(t, recs[0])[9]
	// 9 blanks needed, 1000 in stock, but 2 a day × 3 days = 6 printable.
	if r["printable_by_election"] != 6.0 || r["shortfall"] != 0.0 || r["projected_ready_pct"] != 70.0 {
		t.Errorf("got %v", r)
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		num, den int64
		want     float64
		ok       bool
	}{
		{1, 3, 33.3, true},
		{2, 3, 66.7, true},
		{1, 8, 12.5, true},
		{1, 16, 6.3, true}, // 6.25 rounds half away from zero
		{3, 16, 18.8, true},
		{0, 5, 0, true},
		{5, 5, 100, true},
		{1, 0, 0, false},
	}
	for _, tc := range tests {
		got, ok := percent(tc.num, tc.den)
		if got != tc.want || ok != tc.ok {
			t.Errorf("percent(%d, %d) = %v, %v; want %v, %v", tc.num, tc.den, got, ok, tc.want, tc.ok)
		}
	}
}
