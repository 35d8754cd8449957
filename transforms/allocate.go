package transforms

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

// AllocateConfig configures the allocation's two stages.
type AllocateConfig struct {
	Regions      *regions.Reference
	Stock        *stock.Plan
	AsOf         time.Time // printing starts on the as-of date
	ElectionDate time.Time // and ends the day before the election
	Holidays     []time.Time
}

func (c AllocateConfig) validate() error {
	var errs []error
	if c.Regions == nil {
		errs = append(errs, errors.New("allocate: region reference missing"))
	}
	if c.Stock == nil {
		errs = append(errs, errors.New("allocate: stock plan missing"))
	}
	if c.Regions != nil && len(c.Regions.Regencies()) >= noRegion {
		errs = append(errs, fmt.Errorf("allocate: %d regencies in the reference, at most %d", len(c.Regions.Regencies()), noRegion-1))
	}
	if c.AsOf.IsZero() || c.ElectionDate.IsZero() {
		errs = append(errs, errors.New("allocate: as-of or election date missing"))
	}
	return errors.Join(errs...)
}

// Allocate decides who gets a blank by election day (SPEC §7): it gives
// every person who needs a blank a priority tier, serves each region's
// people from its own stock, then shares the provincial buffer in hand
// tier by tier (planAllocation), and answers the what-if of the incoming
// deliveries the same way.
//
// The buffer can only be shared once every need is known, so the
// allocation is two stages of one chain sharing one plan, and the persons
// are never held for it:
//
//   - Planner (allocate_plan) reads the persons table: it notes, for
//     each person in input order, the compact keys the plan needs (tier,
//     region as its index in the reference, request date: 12 bytes
//     without a pointer) and lets the batch pass on unchanged, keeping
//     nothing of it. Its Finish starts making the plan in a goroutine of
//     its own and emits nothing: the plan is made while the stages
//     between the two finish (ganda's search).
//   - Annotator (allocate) rewrites the persons table: to each batch it
//     appends the columns of pipeline.AllocationColumns — tier, blank
//     (STOCK, BUFFER or null), blank_if_delivered (the same with the
//     deliveries, or DELIVERY) and print_order — from the plan, by the
//     person's position, and emits it at once. Its Finish emits the
//     allocation table (pipeline.AllocationSchema), one row per regency
//     of the reference and tier, with the reason for its number.
//
// The annotator must get the persons only after the planner has
// finished, in the order the planner saw them, each once: a stage between
// them that gathers every person before emitting it (ganda) guarantees
// that, since the runner finishes the stages in chain order (see
// pipeline.TableStage). A person reaching the annotator before the plan,
// or more or fewer persons than the planner saw, fail the run.
//
// Tiers, from the request the blank is for (card_event): 1 — no card at
// all (NEEDS_RECORDING, and NEEDS_PRINT for REKAM); 2 — no valid card in
// hand (SUKET, HILANG, PINDAH); 3 — an old card in hand (RUSAK, KAWIN,
// CERAI, UBAH_DATA). Persons who moved out of the province have a tier but
// no blank here.
type Allocate struct {
	cfg       AllocateConfig
	printDays int

	// The planner's, until it finishes: needy is, for every person in
	// input order, the index into persons, -1 for a person who needs no
	// blank; persons are those who need one.
	needy   []int32
	persons []allocPerson

	// regionIndex is each regency code's index in the reference (and in
	// the plan's regions), the first of a code repeated.
	regionIndex map[string]uint16

	// The annotator's, from the planner's Finish: the plan once planning
	// is closed, needy handed over as marks, and how many persons it has
	// annotated.
	planning  chan struct{}
	plan      *allocPlan
	marks     []int32
	annotated int
}

// NewAllocate returns the allocation; its Planner and Annotator are the
// stages of the chain.
func NewAllocate(cfg AllocateConfig) (*Allocate, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	a := &Allocate{cfg: cfg, printDays: pipeline.PrintDays(cfg.AsOf, cfg.ElectionDate, cfg.Holidays)}
	a.regionIndex = make(map[string]uint16, len(cfg.Regions.Regencies()))
	for r, reg := range cfg.Regions.Regencies() {
		if _, dup := a.regionIndex[reg.Code]; !dup {
			a.regionIndex[reg.Code] = uint16(r)
		}
	}
	return a, nil
}

// Planner returns the stage that notes every person's needs and makes
// the plan; it goes before the stage that gathers the persons (ganda).
func (a *Allocate) Planner() pipeline.TableStage { return allocPlanner{a} }

// Annotator returns the stage that appends the allocation's columns and
// emits the allocation table; it goes after the stage that gathers the
// persons.
func (a *Allocate) Annotator() pipeline.TableStage { return allocAnnotator{a} }

// allocPlanner is Allocate's first stage.
type allocPlanner struct{ *Allocate }

// allocAnnotator is Allocate's second stage.
type allocAnnotator struct{ *Allocate }

var (
	_ pipeline.TableStage = allocPlanner{}
	_ pipeline.TableStage = allocAnnotator{}
)

// Name implements pipeline.TableStage.
func (allocPlanner) Name() string { return "allocate_plan" }

// Ports implements pipeline.TableStage: the persons pass on unchanged.
func (allocPlanner) Ports() pipeline.Ports {
	return pipeline.Ports{Reads: []pipeline.Table{pipeline.TablePersons}}
}

// allocateReads are the person columns the allocation reads.
var allocateReads = []string{
	pipeline.ColRegionCode, pipeline.ColStatus, pipeline.ColCardEvent, pipeline.ColCardRequestDate,
}

// Apply implements pipeline.TableStage: it notes who needs a blank. A
// run of more than math.MaxInt32 persons fails: a person's place in the
// input is an int32.
func (pl allocPlanner) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	a := pl.Allocate
	if err := requireColumns(pl.Name(), rec, pipeline.PersonSchema, allocateReads...); err != nil {
		return err
	}
	rows := int(rec.NumRows())
	if len(a.needy) > math.MaxInt32-rows {
		return fmt.Errorf("%s: more than %d persons", pl.Name(), math.MaxInt32)
	}
	region, status := stringCol(rec, pipeline.ColRegionCode), stringCol(rec, pipeline.ColStatus)
	event, request := stringCol(rec, pipeline.ColCardEvent), dateCol(rec, pipeline.ColCardRequestDate)
	needy, persons := doubled(a.needy, rows), doubled(a.persons, rows)
	code, index := "", a.regionOf("") // the last code looked up: a run of one region's persons costs one look-up
	for j := range rows {
		tier := tierOf(status.Value(j), event.Value(j))
		if tier == 0 {
			needy = append(needy, -1)
			continue
		}
		if c := region.Value(j); c != code {
			code, index = c, a.regionOf(c)
		}
		p := allocPerson{Region: index, Tier: tier, Request: noDate, Seq: int32(len(needy))}
		if request.IsValid(j) {
			p.Request = int32(request.Value(j))
		}
		needy = append(needy, int32(len(persons)))
		persons = append(persons, p)
	}
	a.needy, a.persons = needy, persons
	return nil
}

// doubled returns s with room for n more, its capacity at least doubled
// when it grows: append grows a large slice by a quarter, so a slice of a
// million persons grown batch by batch was copied about four times its
// final size in all.
func doubled[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return append(make([]T, 0, max(2*cap(s), len(s)+n)), s...)
}

// regionOf returns the index of a regency code in the reference, noRegion
// for a code not in it.
func (a *Allocate) regionOf(code string) uint16 {
	if r, ok := a.regionIndex[code]; ok {
		return r
	}
	return noRegion
}

// Finish implements pipeline.TableStage: it starts making the plan, for
// the annotator, and returns.
func (pl allocPlanner) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	a := pl.Allocate
	defer pl.Release()
	if err := ctx.Err(); err != nil {
		return err
	}
	in := a.input()
	in.Persons = a.persons
	planning := make(chan struct{})
	a.planning, a.plan, a.marks, a.annotated = planning, nil, a.needy, 0
	a.needy = nil
	go func() {
		defer close(planning)
		plan := planAllocation(in)
		a.plan = &plan
	}()
	return nil
}

// madePlan waits for the plan the planner's Finish started, and returns
// it; nil if the planner has not finished.
func (a *Allocate) madePlan() *allocPlan {
	if a.planning != nil {
		<-a.planning
		a.planning = nil
	}
	return a.plan
}

// Release implements pipeline.TableStage: it drops what the planner
// gathered; a plan already made stays the annotator's.
func (pl allocPlanner) Release() {
	pl.needy, pl.persons = nil, nil
}

// tierOf is the priority tier of a person's blank (SPEC §7), 0 when the
// person needs none.
func tierOf(status, cardEvent string) int8 {
	switch status {
	case pipeline.StatusNeedsRecording:
		return 1
	case pipeline.StatusNeedsPrint:
		return eventTier[cardEvent]
	}
	return 0
}

// eventTier is the tier of a print for each card-needing request.
var eventTier = map[string]int8{
	pipeline.EventRekam:    1,
	pipeline.EventSuket:    2,
	pipeline.EventHilang:   2,
	pipeline.EventPindah:   2,
	pipeline.EventRusak:    3,
	pipeline.EventKawin:    3,
	pipeline.EventCerai:    3,
	pipeline.EventUbahData: 3,
}

// Name implements pipeline.TableStage.
func (allocAnnotator) Name() string { return "allocate" }

// Ports implements pipeline.TableStage.
func (allocAnnotator) Ports() pipeline.Ports {
	return pipeline.Ports{Rewrites: []pipeline.Table{pipeline.TablePersons}}
}

// Apply implements pipeline.TableStage: it emits rec with the
// allocation's columns appended.
func (n allocAnnotator) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	a := n.Allocate
	if a.madePlan() == nil {
		return fmt.Errorf("%s: persons came before the plan was made (the planner must finish first)", n.Name())
	}
	if err := requireColumns(n.Name(), rec, pipeline.PersonSchema, pipeline.ColStatus, pipeline.ColCardEvent); err != nil {
		return err
	}
	rows := int(rec.NumRows())
	if a.annotated+rows > len(a.marks) {
		return fmt.Errorf("%s: got persons beyond the %d the planner saw", n.Name(), len(a.marks))
	}
	out, err := a.annotate(mem, rec, *a.plan, a.marks[a.annotated:a.annotated+rows])
	if err != nil {
		return err
	}
	defer out.Release()
	a.annotated += rows
	return emit(pipeline.TablePersons, out)
}

// Finish implements pipeline.TableStage: it emits the allocation table.
func (n allocAnnotator) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	a := n.Allocate
	defer n.Release()
	if err := ctx.Err(); err != nil {
		return err
	}
	if a.madePlan() == nil {
		return fmt.Errorf("%s: the plan was not made (the planner must finish first)", n.Name())
	}
	if a.annotated != len(a.marks) {
		return fmt.Errorf("%s: got %d of the %d persons the planner saw", n.Name(), a.annotated, len(a.marks))
	}
	return a.emitAllocation(mem, *a.plan, emit)
}

// Release implements pipeline.TableStage: it drops the plan, once made.
func (n allocAnnotator) Release() {
	n.madePlan()
	n.plan, n.marks, n.annotated = nil, nil, 0
}

// input is the allocation's view of the regions and the stock.
func (a *Allocate) input() allocInput {
	in := allocInput{Buffer: a.cfg.Stock.BufferInHand, PrintDays: a.printDays}
	for _, r := range a.cfg.Regions.Regencies() {
		st := a.cfg.Stock.Stock(r.Code)
		in.Regions = append(in.Regions, allocRegion{Code: r.Code, Stock: st.Stock, CapPerDay: st.CapacityDay})
	}
	for _, d := range a.cfg.Stock.Deliveries {
		in.Deliveries = append(in.Deliveries, allocDelivery{Quantity: d.Quantity, DaysBefore: a.daysBefore(d.Arrives)})
	}
	return in
}

// daysBefore counts the print days that pass before blanks arriving on
// arrives can be printed: the working days from the as-of date up to and
// including the arrival day (the blanks are distributed on the day they
// arrive and printed from the next working day).
func (a *Allocate) daysBefore(arrives time.Time) int {
	if arrives.Before(a.cfg.AsOf) {
		return 0
	}
	return a.printDays - pipeline.PrintDays(arrives.AddDate(0, 0, 1), a.cfg.ElectionDate, a.cfg.Holidays)
}

// annotate returns rec with the allocation columns appended; idx gives
// each row's index into the plan's persons, -1 for a person needing no
// blank.
func (a *Allocate) annotate(mem memory.Allocator, rec arrow.Record, plan allocPlan, idx []int32) (arrow.Record, error) {
	tier := array.NewInt8Builder(mem)
	defer tier.Release()
	blank, ifDelivered := array.NewStringBuilder(mem), array.NewStringBuilder(mem)
	defer blank.Release()
	defer ifDelivered.Release()
	order := array.NewInt32Builder(mem)
	defer order.Release()
	status, event := stringCol(rec, pipeline.ColStatus), stringCol(rec, pipeline.ColCardEvent)
	for j, p := range idx {
		if p < 0 {
			tier.AppendNull()
			blank.AppendNull()
			ifDelivered.AppendNull()
			order.AppendNull()
			continue
		}
		tier.Append(tierOf(status.Value(j), event.Value(j)))
		appendString(blank, blankName(plan.Blank[p]))
		appendString(ifDelivered, blankName(plan.BlankWhatIf[p]))
		if plan.Blank[p] == blankNone {
			order.AppendNull()
		} else {
			order.Append(plan.Rank[p] + 1)
		}
	}
	cols := []arrow.Array{tier.NewArray(), blank.NewArray(), ifDelivered.NewArray(), order.NewArray()}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	return appendColumns(rec, pipeline.AllocationColumns(), cols...)
}

func blankName(b int8) string {
	switch b {
	case blankStock:
		return pipeline.BlankStock
	case blankBuffer:
		return pipeline.BlankBuffer
	case blankDelivery:
		return pipeline.BlankDelivery
	}
	return ""
}

// emitAllocation emits the allocation table: per regency and tier.
func (a *Allocate) emitAllocation(mem memory.Allocator, plan allocPlan, emit pipeline.Emit) error {
	b := array.NewRecordBuilder(mem, pipeline.AllocationSchema)
	defer b.Release()
	field := func(name string) array.Builder { return b.Field(pipeline.AllocationSchema.FieldIndices(name)[0]) }
	ints := func(name string, v int) { field(name).(*array.Int64Builder).Append(int64(v)) }
	for _, r := range plan.Regions {
		for t, tp := range r.Tiers {
			field(pipeline.AllocRegionCode).(*array.StringBuilder).Append(r.Code)
			field(pipeline.AllocTier).(*array.Int8Builder).Append(int8(t + 1))
			ints(pipeline.AllocNeed, tp.Need)
			ints(pipeline.AllocFromStock, tp.FromStock)
			ints(pipeline.AllocFromBuffer, tp.FromBuffer)
			ints(pipeline.AllocFromDelivery, tp.FromDelivery)
			ints(pipeline.AllocUnmet, tp.Unmet)
			ints(pipeline.AllocUnmetIfDelivered, tp.UnmetWhatIf)
			field(pipeline.AllocReason).(*array.StringBuilder).Append(tp.Reason)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	return emit(pipeline.TableAllocation, rec)
}
