package transforms

import (
	"context"
	"errors"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

// AggregateConfig configures the aggregate stage.
type AggregateConfig struct {
	Regions   *regions.Reference
	Stock     *stock.Plan
	PrintDays int // working days from the as-of date to the day before the election
}

func (c AggregateConfig) validate() error {
	var errs []error
	if c.Regions == nil {
		errs = append(errs, errors.New("aggregate: region reference missing"))
	}
	if c.Stock == nil {
		errs = append(errs, errors.New("aggregate: stock plan missing"))
	}
	if c.PrintDays < 0 {
		errs = append(errs, errors.New("aggregate: negative print days"))
	}
	return errors.Join(errs...)
}

// Aggregate computes the readiness projection per region and for the
// province (SPEC §7). It reads two tables, which pass on unchanged: the
// rows, whose rows count at their submitting region (rows with no region
// count only in the province row), and the persons, who count at their
// current region. When it finishes it emits the summary table
// (pipeline.SummarySchema): every regency of the reference by code, then
// the province row.
//
// When the persons carry the allocation's columns (the allocate stage ran
// before), a region's allocation is its persons with blank = BUFFER and
// its printable_by_election those with any blank, so every number comes
// from the person table; and with incoming deliveries it also emits the
// what-if table (pipeline.WhatIfSchema) from blank_if_delivered. Without
// them, allocation is 0 and printable_by_election is SPEC §7's
// min(blanks_needed, stock, capacity).
type Aggregate struct {
	cfg       AggregateConfig
	regions   map[string]*tally
	province  tally // moves across the province boundary, rows without a region
	allocated bool  // the persons carry the allocation's columns
}

var _ pipeline.TableStage = (*Aggregate)(nil)

type tally struct {
	rowsIn, rejected, duplicates                    int64
	persons, deceased, ineligible, recording, print int64
	ready, movedIn, movedOut                        int64
	// From the allocation's columns: persons with a BUFFER blank, with
	// any blank, with a DELIVERY blank, with any blank if delivered.
	buffer, withBlank, delivered, withBlankIfDelivered int64
}

// NewAggregate returns an aggregate stage.
func NewAggregate(cfg AggregateConfig) (*Aggregate, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	a := &Aggregate{cfg: cfg, regions: map[string]*tally{}}
	for _, r := range cfg.Regions.Regencies() {
		a.regions[r.Code] = &tally{}
	}
	return a, nil
}

// Name implements pipeline.TableStage.
func (*Aggregate) Name() string { return "aggregate" }

// Ports implements pipeline.TableStage.
func (*Aggregate) Ports() pipeline.Ports {
	return pipeline.Ports{Reads: []pipeline.Table{pipeline.TableRows, pipeline.TablePersons}}
}

// Apply implements pipeline.TableStage. It counts rec and emits nothing.
func (a *Aggregate) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	switch t {
	case pipeline.TableRows:
		return a.countRows(rec)
	case pipeline.TablePersons:
		return a.countPersons(rec)
	}
	return nil
}

func (a *Aggregate) countRows(rec arrow.Record) error {
	if err := requireColumns(a.Name(), rec, pipeline.RowSchema,
		pipeline.ColRegionCode, pipeline.ColReason, pipeline.ColDuplicate); err != nil {
		return err
	}
	region := stringCol(rec, pipeline.ColRegionCode)
	reason := stringCol(rec, pipeline.ColReason)
	dup := column(rec, pipeline.ColDuplicate).(*array.Boolean)
	for i := 0; i < int(rec.NumRows()); i++ {
		t := &a.province
		if region.IsValid(i) {
			if rt, ok := a.regions[region.Value(i)]; ok {
				t = rt
			}
		}
		t.rowsIn++
		switch {
		case reason.IsValid(i):
			t.rejected++
		case dup.IsValid(i) && dup.Value(i):
			t.duplicates++
		}
	}
	return nil
}

func (a *Aggregate) countPersons(rec arrow.Record) error {
	if err := requireColumns(a.Name(), rec, pipeline.PersonSchema,
		pipeline.ColRegionCode, pipeline.ColOriginRegionCode, pipeline.ColStatus); err != nil {
		return err
	}
	region := stringCol(rec, pipeline.ColRegionCode)
	origin := stringCol(rec, pipeline.ColOriginRegionCode)
	status := stringCol(rec, pipeline.ColStatus)
	var blank, ifDelivered *array.String
	if rec.Schema().HasField(pipeline.ColBlank) {
		if err := requireColumns(a.Name(), rec, arrow.NewSchema(pipeline.AllocationColumns(), nil),
			pipeline.ColBlank, pipeline.ColBlankIfDelivered); err != nil {
			return err
		}
		a.allocated = true
		blank, ifDelivered = stringCol(rec, pipeline.ColBlank), stringCol(rec, pipeline.ColBlankIfDelivered)
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		cur, inside := a.regions[region.Value(i)]
		if origin.IsValid(i) && origin.Value(i) != region.Value(i) {
			from, fromInside := a.regions[origin.Value(i)]
			if fromInside {
				from.movedOut++
			}
			if inside {
				cur.movedIn++
			}
			switch {
			case fromInside && !inside:
				a.province.movedOut++
			case !fromInside && inside:
				a.province.movedIn++
			}
		}
		if !inside {
			continue // moved out of the province: no region's person counts
		}
		cur.persons++
		if blank != nil {
			cur.count(blank, ifDelivered, i)
		}
		switch status.Value(i) {
		case pipeline.StatusDeceased:
			cur.deceased++
		case pipeline.StatusIneligible:
			cur.ineligible++
		case pipeline.StatusNeedsRecording:
			cur.recording++
		case pipeline.StatusNeedsPrint:
			cur.print++
		case pipeline.StatusReady:
			cur.ready++
		}
	}
	return nil
}

// count counts person i's blanks.
func (t *tally) count(blank, ifDelivered *array.String, i int) {
	if blank.IsValid(i) {
		t.withBlank++
		if blank.Value(i) == pipeline.BlankBuffer {
			t.buffer++
		}
	}
	if ifDelivered.IsValid(i) {
		t.withBlankIfDelivered++
		if ifDelivered.Value(i) == pipeline.BlankDelivery {
			t.delivered++
		}
	}
}

// Finish implements pipeline.TableStage: it emits the summary.
func (a *Aggregate) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	b := newSummaryBuilder(mem)
	defer b.release()
	prov := summaryRow{code: a.cfg.Regions.Province().Code, name: a.cfg.Regions.Province().Name}
	prov.tally = a.province
	prov.stock = int64(a.cfg.Stock.BufferInHand)
	rows := make([]summaryRow, 0, len(a.regions)+1)
	for _, r := range a.cfg.Regions.Regencies() {
		t := a.regions[r.Code]
		st := a.cfg.Stock.Stock(r.Code)
		s := summaryRow{code: r.Code, name: r.Name, tally: *t, stock: int64(st.Stock)}
		if a.allocated {
			s.allocation = t.buffer
		}
		s.project(int64(st.CapacityDay) * int64(a.cfg.PrintDays))
		if a.allocated {
			s.printable = t.withBlank
			s.pct, s.hasPct = percent(s.ready+s.printable, s.eligible)
		}
		rows = append(rows, s)
		prov.add(s)
	}
	prov.eligible = prov.persons - prov.deceased - prov.ineligible
	prov.blanks = prov.print + prov.recording
	prov.pct, prov.hasPct = percent(prov.ready+prov.printable, prov.eligible)
	rows = append(rows, prov)
	for i := range rows {
		b.append(&rows[i])
	}
	rec := b.b.NewRecord()
	defer rec.Release()
	if err := emit(pipeline.TableSummary, rec); err != nil {
		return err
	}
	if !a.allocated || len(a.cfg.Stock.Deliveries) == 0 {
		return nil
	}
	return a.emitWhatIf(mem, rows, emit)
}

// emitWhatIf emits the what-if table from the summary rows (the province
// last) and the persons' blank_if_delivered.
func (a *Aggregate) emitWhatIf(mem memory.Allocator, rows []summaryRow, emit pipeline.Emit) error {
	b := array.NewRecordBuilder(mem, pipeline.WhatIfSchema)
	defer b.Release()
	field := func(name string) array.Builder { return b.Field(pipeline.WhatIfSchema.FieldIndices(name)[0]) }
	pct := func(name string, v float64, ok bool) {
		if ok {
			field(name).(*array.Float64Builder).Append(v)
		} else {
			field(name).(*array.Float64Builder).AppendNull()
		}
	}
	var quantity int64
	for _, d := range a.cfg.Stock.Deliveries {
		quantity += int64(max(0, d.Quantity))
	}
	var delivered, ifDelivered int64
	for i, s := range rows {
		province := i == len(rows)-1
		if province {
			s.delivered, s.withBlankIfDelivered = delivered, ifDelivered
		} else {
			delivered += s.delivered
			ifDelivered += s.withBlankIfDelivered
		}
		field(pipeline.WhatIfRegionCode).(*array.StringBuilder).Append(s.code)
		field(pipeline.WhatIfRegionName).(*array.StringBuilder).Append(s.name)
		field(pipeline.WhatIfDelivered).(*array.Int64Builder).Append(s.delivered)
		field(pipeline.WhatIfPrintable).(*array.Int64Builder).Append(s.printable)
		field(pipeline.WhatIfPrintableDelivered).(*array.Int64Builder).Append(s.withBlankIfDelivered)
		pct(pipeline.WhatIfPct, s.pct, s.hasPct)
		v, ok := percent(s.ready+s.withBlankIfDelivered, s.eligible)
		pct(pipeline.WhatIfPctDelivered, v, ok)
		tooLate, surplus := field(pipeline.WhatIfTooLate).(*array.Int64Builder), field(pipeline.WhatIfSurplus).(*array.Int64Builder)
		if province {
			// Of the delivery, those waiting after the plan in hand could
			// use min(quantity, waiting); what of that is not placed came
			// too late, the rest is more than anyone waits for.
			usable := min(quantity, s.blanks-s.printable)
			tooLate.Append(usable - delivered)
			surplus.Append(quantity - usable)
		} else {
			tooLate.AppendNull()
			surplus.AppendNull()
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	return emit(pipeline.TableWhatIf, rec)
}

// Release implements pipeline.TableStage; the tallies hold no Arrow memory.
func (*Aggregate) Release() {}

// summaryRow is one row of the summary.
type summaryRow struct {
	code, name string
	tally
	eligible, blanks, stock, allocation, shortfall, printable int64
	pct                                                       float64
	hasPct                                                    bool
}

// project fills the readiness projection of a region that can print
// capacity cards before the election.
func (s *summaryRow) project(capacity int64) {
	s.eligible = s.persons - s.deceased - s.ineligible
	s.blanks = s.print + s.recording
	s.shortfall = max(0, s.blanks-s.stock-s.allocation)
	s.printable = min(s.blanks, s.stock+s.allocation, capacity)
	s.pct, s.hasPct = percent(s.ready+s.printable, s.eligible)
}

// add sums a region into the province row. Moves are not summed: the
// province counts only moves across its boundary.
func (s *summaryRow) add(r summaryRow) {
	s.rowsIn += r.rowsIn
	s.rejected += r.rejected
	s.duplicates += r.duplicates
	s.persons += r.persons
	s.deceased += r.deceased
	s.ineligible += r.ineligible
	s.recording += r.recording
	s.print += r.print
	s.ready += r.ready
	s.stock += r.stock
	s.allocation += r.allocation
	s.shortfall += r.shortfall
	s.printable += r.printable
}

// counts returns the row's integer columns by summary column name.
func (s *summaryRow) counts() map[string]int64 {
	return map[string]int64{
		pipeline.SumRowsIn: s.rowsIn, pipeline.SumRowsRejected: s.rejected,
		pipeline.SumDuplicateRows: s.duplicates, pipeline.SumPersons: s.persons,
		pipeline.SumDeceased: s.deceased, pipeline.SumIneligible: s.ineligible,
		pipeline.SumNeedsRecording: s.recording, pipeline.SumNeedsPrint: s.print,
		pipeline.SumReady: s.ready, pipeline.SumEligible: s.eligible,
		pipeline.SumMovedIn: s.movedIn, pipeline.SumMovedOut: s.movedOut,
		pipeline.SumBlanksNeeded: s.blanks, pipeline.SumStock: s.stock,
		pipeline.SumAllocation: s.allocation, pipeline.SumShortfall: s.shortfall,
		pipeline.SumPrintable: s.printable,
	}
}

// summaryBuilder builds the summary table column by column, by name.
type summaryBuilder struct{ b *array.RecordBuilder }

func newSummaryBuilder(mem memory.Allocator) *summaryBuilder {
	return &summaryBuilder{b: array.NewRecordBuilder(mem, pipeline.SummarySchema)}
}

func (sb *summaryBuilder) release() { sb.b.Release() }

func (sb *summaryBuilder) append(s *summaryRow) {
	counts := s.counts()
	for i, f := range pipeline.SummarySchema.Fields() {
		switch b := sb.b.Field(i).(type) {
		case *array.StringBuilder:
			if f.Name == pipeline.SumRegionCode {
				b.Append(s.code)
			} else {
				b.Append(s.name)
			}
		case *array.Int64Builder:
			b.Append(counts[f.Name])
		case *array.Float64Builder:
			if s.hasPct {
				b.Append(s.pct)
			} else {
				b.AppendNull()
			}
		}
	}
}

// percent returns 100 × num / den rounded half away from zero to one
// decimal, computed in integers so that no binary fraction tips a half.
func percent(num, den int64) (float64, bool) {
	if den <= 0 {
		return 0, false
	}
	n := 1000 * num
	tenths := (2*n + den) / (2 * den)
	if n < 0 {
		tenths = -((-2*n + den) / (2 * den))
	}
	return float64(tenths) / 10, true
}
