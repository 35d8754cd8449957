package transforms

import (
	"context"
	"errors"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

// AllocateConfig configures the allocate stage.
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
// It rewrites the persons table: it gathers every person (the buffer can
// only be shared once every need is known), and when it finishes emits
// them again, in the same batches and order, with the columns of
// pipeline.AllocationColumns appended: tier, blank (STOCK, BUFFER or
// null), blank_if_delivered (the same with the deliveries, or DELIVERY)
// and print_order. Then it emits the allocation table
// (pipeline.AllocationSchema), one row per regency of the reference and
// tier, with the reason for its number.
//
// Tiers, from the request the blank is for (card_event): 1 — no card at
// all (NEEDS_RECORDING, and NEEDS_PRINT for REKAM); 2 — no valid card in
// hand (SUKET, HILANG, PINDAH); 3 — an old card in hand (RUSAK, KAWIN,
// CERAI, UBAH_DATA). Persons who moved out of the province have a tier but
// no blank here.
type Allocate struct {
	cfg       AllocateConfig
	printDays int
	batches   []arrow.Record
}

var _ pipeline.TableStage = (*Allocate)(nil)

// NewAllocate returns an allocate stage.
func NewAllocate(cfg AllocateConfig) (*Allocate, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Allocate{cfg: cfg, printDays: pipeline.PrintDays(cfg.AsOf, cfg.ElectionDate, cfg.Holidays)}, nil
}

// Name implements pipeline.TableStage.
func (*Allocate) Name() string { return "allocate" }

// Ports implements pipeline.TableStage.
func (*Allocate) Ports() pipeline.Ports {
	return pipeline.Ports{Rewrites: []pipeline.Table{pipeline.TablePersons}}
}

// allocateReads are the person columns the allocation reads.
var allocateReads = []string{
	pipeline.ColRegionCode, pipeline.ColStatus, pipeline.ColCardEvent, pipeline.ColCardRequestDate,
}

// Apply implements pipeline.TableStage: it retains rec until Finish.
func (a *Allocate) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	if err := requireColumns(a.Name(), rec, pipeline.PersonSchema, allocateReads...); err != nil {
		return err
	}
	rec.Retain()
	a.batches = append(a.batches, rec)
	return nil
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

// Finish implements pipeline.TableStage.
func (a *Allocate) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	defer a.Release()
	in := a.input()
	// Persons who need a blank, in input order; index into in.Persons by
	// the person's place in the table.
	var needy []int32
	for _, rec := range a.batches {
		region, status := stringCol(rec, pipeline.ColRegionCode), stringCol(rec, pipeline.ColStatus)
		event, request := stringCol(rec, pipeline.ColCardEvent), dateCol(rec, pipeline.ColCardRequestDate)
		for j := 0; j < int(rec.NumRows()); j++ {
			tier := tierOf(status.Value(j), event.Value(j))
			if tier == 0 {
				needy = append(needy, -1)
				continue
			}
			p := allocPerson{Region: region.Value(j), Tier: tier, Request: noDate, Seq: len(needy)}
			if request.IsValid(j) {
				p.Request = int32(request.Value(j))
			}
			needy = append(needy, int32(len(in.Persons)))
			in.Persons = append(in.Persons, p)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	plan := planAllocation(in)

	k := 0 // person index over all batches
	for _, rec := range a.batches {
		out, err := a.annotate(mem, rec, plan, needy[k:k+int(rec.NumRows())])
		if err != nil {
			return err
		}
		k += int(rec.NumRows())
		err = emit(pipeline.TablePersons, out)
		out.Release()
		if err != nil {
			return err
		}
	}
	return a.emitAllocation(mem, plan, emit)
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
			order.Append(int32(plan.Rank[p]) + 1)
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

// Release implements pipeline.TableStage: it drops the gathered persons.
func (a *Allocate) Release() {
	for _, r := range a.batches {
		r.Release()
	}
	a.batches = nil
}
