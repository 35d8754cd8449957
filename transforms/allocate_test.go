package transforms

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

func newTestAllocate(t *testing.T, plan *stock.Plan, spool pipeline.NewSpool) *Allocate {
	t.Helper()
	a, err := NewAllocate(AllocateConfig{Regions: regions.Default(), Stock: plan,
		AsOf: day("2020-06-30"), ElectionDate: day("2020-12-09"), NewSpool: spool})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The stage annotates every person, in the batches and order they came,
// and explains the allocation per region and tier.
func TestAllocate(t *testing.T) {
	for _, sc := range spoolCases {
		t.Run(sc.name, func(t *testing.T) { testAllocate(t, sc.new(t)) })
	}
}

func testAllocate(t *testing.T, spool pipeline.NewSpool) {
	mem := checkedMem(t)
	// Kota Bengkulu (1771) has 1 blank and prints 1 a day; Seluma (1705)
	// none. The buffer holds 2: tier 1 needs 1 at 1771 (after its own
	// blank) and 1 at 1705, so tier 2 gets nothing. A delivery of 10 on
	// 2020-09-15 serves everyone still waiting.
	plan := &stock.Plan{
		Regions:      map[string]stock.Region{"1771": {Stock: 1, CapacityDay: 1}, "1705": {Stock: 0, CapacityDay: 5}},
		BufferInHand: 2,
		Deliveries:   []stock.Delivery{{Quantity: 10, Arrives: day("2020-09-15")}},
	}
	a := newTestAllocate(t, plan, spool)
	first := recordJSON(t, mem, pipeline.PersonSchema, `[
		{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","card_event":"SUKET","card_request_date":"2020-01-05"},
		{"nik":"b","region_code":"1771","status":"NEEDS_RECORDING","card_event":"REKAM","card_request_date":"2020-03-01"},
		{"nik":"c","region_code":"1771","status":"READY"}]`)
	second := recordJSON(t, mem, pipeline.PersonSchema, `[
		{"nik":"d","region_code":"1771","status":"NEEDS_PRINT","card_event":"REKAM","card_request_date":"2020-02-01"},
		{"nik":"e","region_code":"1705","status":"NEEDS_PRINT","card_event":"RUSAK","card_request_date":"2019-01-01"},
		{"nik":"f","region_code":"1705","status":"NEEDS_RECORDING","card_event":"REKAM"},
		{"nik":"g","region_code":"1671","status":"NEEDS_PRINT","card_event":"PINDAH","card_request_date":"2020-01-01"}]`)
	out := emitted{}
	applyTable(t, mem, a, pipeline.TablePersons, first, out)
	applyTable(t, mem, a, pipeline.TablePersons, second, out)
	first.Release()
	second.Release()
	if len(out) != 0 {
		t.Fatalf("Apply emitted %v", out)
	}
	finish(t, mem, a, out)

	persons := out[pipeline.TablePersons]
	if len(persons) != 2 || persons[0].NumRows() != 3 || persons[1].NumRows() != 4 {
		t.Fatalf("persons batches %v", persons)
	}
	type got struct {
		tier               any
		blank, ifDelivered any
		order              any
	}
	want := map[string]got{
		// 1771: print order d (tier 1, 1 Feb), b (tier 1, 1 Mar), a (tier 2).
		"d": {1.0, "STOCK", "STOCK", 1.0},
		"b": {1.0, "BUFFER", "BUFFER", 2.0},
		"a": {2.0, nil, "DELIVERY", nil},
		"c": {nil, nil, nil, nil},
		// 1705: f (tier 1) from the buffer, e (tier 3) waits for the delivery.
		"f": {1.0, "BUFFER", "BUFFER", 1.0},
		"e": {3.0, nil, "DELIVERY", nil},
		// Moved out of the province: a tier, no blank here.
		"g": {2.0, nil, nil, nil},
	}
	for _, rec := range persons {
		for _, r := range rowsOf(t, rec) {
			g := got{r[pipeline.ColTier], r[pipeline.ColBlank], r[pipeline.ColBlankIfDelivered], r[pipeline.ColPrintOrder]}
			if w := want[r["nik"].(string)]; g != w {
				t.Errorf("person %s: got %v, want %v", r["nik"], g, w)
			}
		}
	}

	alloc := out[pipeline.TableAllocation]
	if len(alloc) != 1 || alloc[0].NumRows() != 30 {
		t.Fatalf("allocation table %v", alloc)
	}
	for _, r := range rowsOf(t, alloc[0]) {
		switch key := r[pipeline.AllocRegionCode].(string) + "/" + jsonMarshal(r[pipeline.AllocTier]); key {
		case "1771/1":
			if r[pipeline.AllocNeed] != 2.0 || r[pipeline.AllocFromStock] != 1.0 || r[pipeline.AllocFromBuffer] != 1.0 || r[pipeline.AllocReason] != "BUFFER" {
				t.Errorf("%s: %v", key, r)
			}
		case "1771/2":
			if r[pipeline.AllocUnmet] != 1.0 || r[pipeline.AllocFromDelivery] != 1.0 || r[pipeline.AllocReason] != "BUFFER_OUT_EARLIER" {
				t.Errorf("%s: %v", key, r)
			}
		case "1705/3":
			if r[pipeline.AllocUnmet] != 1.0 || r[pipeline.AllocUnmetIfDelivered] != 0.0 || r[pipeline.AllocReason] != "BUFFER_OUT_EARLIER" {
				t.Errorf("%s: %v", key, r)
			}
		case "1701/1":
			if r[pipeline.AllocNeed] != 0.0 || r[pipeline.AllocReason] != "NO_NEED" {
				t.Errorf("%s: %v", key, r)
			}
		}
	}
}

// A stage released without finishing (a failed run) holds nothing.
func TestAllocateReleasedWithoutFinish(t *testing.T) {
	for _, sc := range spoolCases {
		t.Run(sc.name, func(t *testing.T) {
			mem := checkedMem(t)
			a := newTestAllocate(t, &stock.Plan{Regions: map[string]stock.Region{}}, sc.new(t))
			rec := recordJSON(t, mem, pipeline.PersonSchema, `[{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","card_event":"RUSAK"}]`)
			applyTable(t, mem, a, pipeline.TablePersons, rec, emitted{})
			rec.Release()
			a.Release()
			a.Release() // twice is harmless
		})
	}
}

// An emit that fails while the stage gives its persons back fails Finish
// with its error; nothing stays held.
func TestAllocateEmitFails(t *testing.T) {
	boom := errors.New("boom")
	for _, sc := range spoolCases {
		t.Run(sc.name, func(t *testing.T) {
			mem := checkedMem(t)
			a := newTestAllocate(t, &stock.Plan{Regions: map[string]stock.Region{}}, sc.new(t))
			defer a.Release()
			rec := recordJSON(t, mem, pipeline.PersonSchema, `[{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","card_event":"RUSAK"}]`)
			applyTable(t, mem, a, pipeline.TablePersons, rec, emitted{})
			rec.Release()
			err := a.Finish(context.Background(), mem, func(pipeline.Table, arrow.Record) error { return boom })
			if !errors.Is(err, boom) {
				t.Errorf("Finish: %v, want %v", err, boom)
			}
		})
	}
}

// Blanks arriving on 2020-09-15 (a Tuesday) are printed from the 16th:
// 60 print days remain before the election, so 56 of the 116 pass first.
func TestAllocateDaysBeforeDelivery(t *testing.T) {
	a := newTestAllocate(t, &stock.Plan{}, nil)
	for arrives, want := range map[string]int{
		"2020-09-15": 56, "2020-06-30": 1, "2020-01-01": 0, "2020-12-08": 116, "2020-12-31": 116,
	} {
		if got := a.daysBefore(day(arrives)); got != want {
			t.Errorf("daysBefore(%s) = %d, want %d", arrives, got, want)
		}
	}
}

// Every card-needing request has a tier; a death or a ready person none.
func TestTierOf(t *testing.T) {
	for _, e := range pipeline.Events() {
		got := tierOf(pipeline.StatusNeedsPrint, e)
		if (got == 0) != (e == pipeline.EventMati) {
			t.Errorf("tier of a print for %s = %d", e, got)
		}
	}
	if tierOf(pipeline.StatusNeedsRecording, "") != 1 || tierOf(pipeline.StatusReady, pipeline.EventRusak) != 0 {
		t.Error("recording is tier 1, ready has none")
	}
}
