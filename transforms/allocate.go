package transforms

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	// NewSpool holds the persons until Finish; nil keeps them in memory.
	NewSpool pipeline.NewSpool
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
	spool     pipeline.Spool
	// needy is, for every person in input order, the index into persons,
	// -1 for a person who needs no blank; persons are those who need one.
	needy   []int32
	persons []allocPerson
	regions map[string]string // region codes, held apart from the batches
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

// Apply implements pipeline.TableStage: it notes who needs a blank and
// spools rec until Finish.
func (a *Allocate) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	if err := requireColumns(a.Name(), rec, pipeline.PersonSchema, allocateReads...); err != nil {
		return err
	}
	if a.spool == nil {
		a.spool = newSpool(a.cfg.NewSpool, mem)
		a.regions = map[string]string{}
	}
	region, status := stringCol(rec, pipeline.ColRegionCode), stringCol(rec, pipeline.ColStatus)
	event, request := stringCol(rec, pipeline.ColCardEvent), dateCol(rec, pipeline.ColCardRequestDate)
	for j := 0; j < int(rec.NumRows()); j++ {
		tier := tierOf(status.Value(j), event.Value(j))
		if tier == 0 {
			a.needy = append(a.needy, -1)
			continue
		}
		p := allocPerson{Region: a.region(region.Value(j)), Tier: tier, Request: noDate, Seq: len(a.needy)}
		if request.IsValid(j) {
			p.Request = int32(request.Value(j))
		}
		a.needy = append(a.needy, int32(len(a.persons)))
		a.persons = append(a.persons, p)
	}
	return a.spool.Append(rec)
}

// region returns code as a string of its own: the batch's text goes to
// the spool.
func (a *Allocate) region(code string) string {
	s, ok := a.regions[code]
	if !ok {
		s = strings.Clone(code)
		a.regions[s] = s
	}
	return s
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
	if err := ctx.Err(); err != nil {
		return err
	}
	in := a.input()
	in.Persons = a.persons
	plan := planAllocation(in)

	if a.spool != nil {
		k := 0 // person index over all batches
		err := a.spool.Replay(ctx, func(rec arrow.Record) error {
			n := int(rec.NumRows())
			if k+n > len(a.needy) {
				return fmt.Errorf("%s: the spool gives back more persons than were given", a.Name())
			}
			out, err := a.annotate(mem, rec, plan, a.needy[k:k+n])
			if err != nil {
				return err
			}
			k += n
			defer out.Release()
			return emit(pipeline.TablePersons, out)
		})
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
	if a.spool != nil {
		a.spool.Release()
	}
	a.spool, a.needy, a.persons, a.regions = nil, nil, nil, nil
}
