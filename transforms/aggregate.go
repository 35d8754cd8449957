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
// province (SPEC §7). It takes two kinds of batch: RowSchema batches,
// whose rows count at their submitting region (rows with no region count
// only in the province row), and PersonSchema batches, whose persons
// count at their current region. It emits nothing until Flush, which
// returns one SummarySchema batch: every regency of the reference by code,
// then the province row.
//
// The provincial buffer is not allocated yet: allocation is 0 everywhere.
type Aggregate struct {
	cfg      AggregateConfig
	regions  map[string]*tally
	province tally // moves across the province boundary, rows without a region
}

var (
	_ pipeline.Stage   = (*Aggregate)(nil)
	_ pipeline.Flusher = (*Aggregate)(nil)
)

type tally struct {
	rowsIn, rejected, duplicates                    int64
	persons, deceased, ineligible, recording, print int64
	ready, movedIn, movedOut                        int64
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

// Name implements pipeline.Stage.
func (*Aggregate) Name() string { return "aggregate" }

// Apply implements pipeline.Stage. It counts rec and emits nothing.
func (a *Aggregate) Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	switch {
	case rec.Schema().Equal(pipeline.RowSchema):
		a.countRows(rec)
	case rec.Schema().Equal(pipeline.PersonSchema):
		a.countPersons(rec)
	default:
		return nil, errors.New("aggregate: input batch is neither RowSchema nor PersonSchema")
	}
	return nil, nil
}

func (a *Aggregate) countRows(rec arrow.Record) {
	s := pipeline.RowSchema
	region := stringCol(rec, s, pipeline.ColRegionCode)
	reason := stringCol(rec, s, pipeline.ColReason)
	dup := rec.Column(s.FieldIndices(pipeline.ColDuplicate)[0]).(*array.Boolean)
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
}

func (a *Aggregate) countPersons(rec arrow.Record) {
	s := pipeline.PersonSchema
	region := stringCol(rec, s, pipeline.ColRegionCode)
	origin := stringCol(rec, s, pipeline.ColOriginRegionCode)
	status := stringCol(rec, s, pipeline.ColStatus)
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
}

// Flush implements pipeline.Flusher.
func (a *Aggregate) Flush(ctx context.Context, mem memory.Allocator) ([]arrow.Record, error) {
	b := array.NewRecordBuilder(mem, pipeline.SummarySchema)
	defer b.Release()
	prov := summaryRow{code: a.cfg.Regions.Province().Code, name: a.cfg.Regions.Province().Name}
	prov.tally = a.province
	prov.stock = int64(a.cfg.Stock.BufferInHand)
	for _, r := range a.cfg.Regions.Regencies() {
		t := a.regions[r.Code]
		st := a.cfg.Stock.Stock(r.Code)
		s := summaryRow{code: r.Code, name: r.Name, tally: *t, stock: int64(st.Stock)}
		s.project(int64(st.CapacityDay) * int64(a.cfg.PrintDays))
		s.append(b)
		prov.add(s)
	}
	prov.eligible = prov.persons - prov.deceased - prov.ineligible
	prov.blanks = prov.print + prov.recording
	prov.pct, prov.hasPct = percent(prov.ready+prov.printable, prov.eligible)
	prov.append(b)
	return []arrow.Record{b.NewRecord()}, nil
}

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

func (s *summaryRow) append(b *array.RecordBuilder) {
	b.Field(0).(*array.StringBuilder).Append(s.code)
	b.Field(1).(*array.StringBuilder).Append(s.name)
	for i, v := range []int64{
		s.rowsIn, s.rejected, s.duplicates, s.persons, s.deceased, s.ineligible,
		s.recording, s.print, s.ready, s.eligible, s.movedIn, s.movedOut,
		s.blanks, s.stock, s.allocation, s.shortfall, s.printable,
	} {
		b.Field(2 + i).(*array.Int64Builder).Append(v)
	}
	pct := b.Field(len(pipeline.SummaryColumns) - 1).(*array.Float64Builder)
	if !s.hasPct {
		pct.AppendNull()
		return
	}
	pct.Append(s.pct)
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
