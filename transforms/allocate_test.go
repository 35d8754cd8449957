package transforms

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

func newTestAllocate(t *testing.T, plan *stock.Plan) *Allocate {
	t.Helper()
	a, err := NewAllocate(AllocateConfig{Regions: regions.Default(), Stock: plan,
		AsOf: day("2020-06-30"), ElectionDate: day("2020-12-09")})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// allocTestPlan is the stock of TestAllocate. Kota Bengkulu (1771) has 1
// blank and prints 1 a day; Seluma (1705) none. The buffer holds 2: tier 1
// needs 1 at 1771 (after its own blank) and 1 at 1705, so tier 2 gets
// nothing. A delivery of 10 on 2020-09-15 serves everyone still waiting.
func allocTestPlan() *stock.Plan {
	return &stock.Plan{
		Regions:      map[string]stock.Region{"1771": {Stock: 1, CapacityDay: 1}, "1705": {Stock: 0, CapacityDay: 5}},
		BufferInHand: 2,
		Deliveries:   []stock.Delivery{{Quantity: 10, Arrives: day("2020-09-15")}},
	}
}

// allocTestPersons are the two persons batches of TestAllocate, which the
// caller releases.
func allocTestPersons(t *testing.T, mem memory.Allocator) []arrow.Record {
	first := recordJSON(t, mem, pipeline.PersonSchema, `[
		{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","card_event":"SUKET","card_request_date":"2020-01-05"},
		{"nik":"b","region_code":"1771","status":"NEEDS_RECORDING","card_event":"REKAM","card_request_date":"2020-03-01"},
		{"nik":"c","region_code":"1771","status":"READY"}]`)
	second := recordJSON(t, mem, pipeline.PersonSchema, `[
		{"nik":"d","region_code":"1771","status":"NEEDS_PRINT","card_event":"REKAM","card_request_date":"2020-02-01"},
		{"nik":"e","region_code":"1705","status":"NEEDS_PRINT","card_event":"RUSAK","card_request_date":"2019-01-01"},
		{"nik":"f","region_code":"1705","status":"NEEDS_RECORDING","card_event":"REKAM"},
		{"nik":"g","region_code":"1671","status":"NEEDS_PRINT","card_event":"PINDAH","card_request_date":"2020-01-01"}]`)
	return []arrow.Record{first, second}
}

// The planner passes the persons on and emits nothing; the annotator
// annotates every person, in the batches and order they came, and
// explains the allocation per region and tier.
func TestAllocate(t *testing.T) {
	mem := checkedMem(t)
	a := newTestAllocate(t, allocTestPlan())
	planner, annotator := a.Planner(), a.Annotator()
	defer annotator.Release()
	batches := allocTestPersons(t, mem)
	out := emitted{}
	for _, rec := range batches {
		applyTable(t, mem, planner, pipeline.TablePersons, rec, out)
	}
	finish(t, mem, planner, out)
	if len(out) != 0 {
		t.Fatalf("the planner emitted %v", out)
	}
	for _, rec := range batches {
		applyTable(t, mem, annotator, pipeline.TablePersons, rec, out)
		rec.Release()
	}
	if len(out) != 1 || len(out[pipeline.TablePersons]) != 2 {
		t.Fatalf("the annotator's Apply emitted %v, want a persons batch for each", out)
	}
	finish(t, mem, annotator, out)
	checkAllocation(t, out)
}

// checkAllocation checks what the allocation of TestAllocate emitted.
func checkAllocation(t *testing.T, out emitted) {
	t.Helper()
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

// In the chain — planner, ganda gathering every person (in memory or
// spooled to disk), annotator — the persons come out as ganda gives them
// back with the allocation's columns after ganda's, and the allocation is
// the one the two stages make on their own.
func TestAllocateAroundGanda(t *testing.T) {
	for _, sc := range spoolCases {
		t.Run(sc.name, func(t *testing.T) {
			mem := checkedMem(t)
			a := newTestAllocate(t, allocTestPlan())
			g, err := NewGanda(GandaConfig{NameThreshold: 0.92, NewSpool: sc.new(t)})
			if err != nil {
				t.Fatal(err)
			}
			out := runStages(t, mem, []pipeline.TableStage{a.Planner(), g, a.Annotator()}, allocTestPersons(t, mem))
			checkAllocation(t, out)
			want := append(append(slices.Clone(pipeline.PersonSchema.Fields()),
				arrow.Field{Name: pipeline.ColK3With}), pipeline.AllocationColumns()...)
			for _, rec := range out[pipeline.TablePersons] {
				var names, wantNames []string
				for _, f := range rec.Schema().Fields() {
					names = append(names, f.Name)
				}
				for _, f := range want {
					wantNames = append(wantNames, f.Name)
				}
				if !slices.Equal(names, wantNames) {
					t.Errorf("persons columns %v, want %v", names, wantNames)
				}
			}
		})
	}
}

// runStages runs stages as the runner does: every batch of persons
// (released here) goes down the chain, then each stage finishes in
// order, what it emits going down the rest of the chain. It returns what
// leaves the chain.
func runStages(t *testing.T, mem memory.Allocator, stages []pipeline.TableStage, persons []arrow.Record) emitted {
	t.Helper()
	ctx := context.Background()
	out := emitted{}
	var push func(i int, tb pipeline.Table, rec arrow.Record) error
	emitAfter := func(i int) pipeline.Emit {
		return func(tb pipeline.Table, rec arrow.Record) error { return push(i+1, tb, rec) }
	}
	push = func(i int, tb pipeline.Table, rec arrow.Record) error {
		for ; i < len(stages); i++ {
			p := stages[i].Ports()
			switch {
			case slices.Contains(p.Rewrites, tb):
				return stages[i].Apply(ctx, mem, tb, rec, emitAfter(i))
			case slices.Contains(p.Reads, tb):
				if err := stages[i].Apply(ctx, mem, tb, rec, emitAfter(i)); err != nil {
					return err
				}
			}
		}
		return out.emit(t)(tb, rec)
	}
	defer func() {
		for _, s := range stages {
			s.Release()
		}
	}()
	for _, rec := range persons {
		err := push(0, pipeline.TablePersons, rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range stages {
		if err := s.Finish(ctx, mem, emitAfter(i)); err != nil {
			t.Fatalf("%s: Finish: %v", s.Name(), err)
		}
	}
	return out
}

// The annotator fails the run, without a panic, when persons reach it
// before the plan is made, when more persons reach it than the planner
// saw, and when fewer do; nothing stays held.
func TestAllocateAnnotatorChecksPersons(t *testing.T) {
	one := `[{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","card_event":"RUSAK"}]`
	two := `[{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","card_event":"RUSAK"},
		{"nik":"b","region_code":"1771","status":"READY"}]`
	for _, tc := range []struct {
		name       string
		plan, give string // persons the planner sees (none: it does not finish), persons the annotator gets
		wantApply  string // in the annotator's Apply error
		wantFinish string // in the annotator's Finish error
	}{
		{name: "before the plan", give: one, wantApply: "before the plan"},
		{name: "more than planned", plan: one, give: two, wantApply: "got persons beyond the 1 the planner saw"},
		{name: "fewer than planned", plan: two, give: one, wantFinish: "got 1 of the 2 persons the planner saw"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			a := newTestAllocate(t, allocTestPlan())
			planner, annotator := a.Planner(), a.Annotator()
			defer annotator.Release()
			defer planner.Release()
			if tc.plan != "" {
				rec := recordJSON(t, mem, pipeline.PersonSchema, tc.plan)
				applyTable(t, mem, planner, pipeline.TablePersons, rec, emitted{})
				rec.Release()
				finish(t, mem, planner, emitted{})
			}
			rec := recordJSON(t, mem, pipeline.PersonSchema, tc.give)
			defer rec.Release()
			out := emitted{}
			err := annotator.Apply(context.Background(), mem, pipeline.TablePersons, rec, out.emit(t))
			if tc.wantApply != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantApply) {
					t.Fatalf("Apply: %v, want an error saying %q", err, tc.wantApply)
				}
				if len(out) != 0 {
					t.Errorf("a failed Apply emitted %v", out)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			err = annotator.Finish(context.Background(), mem, out.emit(t))
			if err == nil || !strings.Contains(err.Error(), tc.wantFinish) {
				t.Fatalf("Finish: %v, want an error saying %q", err, tc.wantFinish)
			}
		})
	}
}

// Stages released without finishing (a failed run) hold nothing.
func TestAllocateReleasedWithoutFinish(t *testing.T) {
	mem := checkedMem(t)
	a := newTestAllocate(t, &stock.Plan{Regions: map[string]stock.Region{}})
	planner, annotator := a.Planner(), a.Annotator()
	rec := recordJSON(t, mem, pipeline.PersonSchema, `[{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","card_event":"RUSAK"}]`)
	applyTable(t, mem, planner, pipeline.TablePersons, rec, emitted{})
	rec.Release()
	planner.Release()
	planner.Release() // twice is harmless
	annotator.Release()
	if a.needy != nil || a.persons != nil || a.plan != nil || a.marks != nil {
		t.Error("released stages still hold the persons' keys or a plan")
	}
}

// An emit that fails while the annotator gives its persons on fails its
// Apply with its error; one that fails at the allocation table fails its
// Finish. Nothing stays held.
func TestAllocateEmitFails(t *testing.T) {
	boom := errors.New("boom")
	fail := func(pipeline.Table, arrow.Record) error { return boom }
	mem := checkedMem(t)
	a := newTestAllocate(t, &stock.Plan{Regions: map[string]stock.Region{}})
	planner, annotator := a.Planner(), a.Annotator()
	defer annotator.Release()
	rec := recordJSON(t, mem, pipeline.PersonSchema, `[{"nik":"a","region_code":"1771","status":"NEEDS_PRINT","card_event":"RUSAK"}]`)
	defer rec.Release()
	applyTable(t, mem, planner, pipeline.TablePersons, rec, emitted{})
	finish(t, mem, planner, emitted{})
	if err := annotator.Apply(context.Background(), mem, pipeline.TablePersons, rec, fail); !errors.Is(err, boom) {
		t.Errorf("Apply: %v, want %v", err, boom)
	}
	if err := annotator.Finish(context.Background(), mem, fail); !errors.Is(err, boom) {
		t.Errorf("Finish: %v, want %v", err, boom)
	}
}

// Blanks arriving on 2020-09-15 (a Tuesday) are printed from the 16th:
// 60 print days remain before the election, so 56 of the 116 pass first.
func TestAllocateDaysBeforeDelivery(t *testing.T) {
	a := newTestAllocate(t, &stock.Plan{})
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
