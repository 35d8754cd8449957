package transforms

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// DeltasConfig configures the deltas stage.
type DeltasConfig struct {
	// Prior is the latest earlier run of the history, read by the command;
	// nil when the history holds none (the first run: no changes).
	Prior *pipeline.PriorRun
	// BatchSize bounds the rows of each deltas batch emitted.
	BatchSize int
}

func (c DeltasConfig) validate() error {
	if c.BatchSize <= 0 {
		return fmt.Errorf("deltas: batch size %d is not positive", c.BatchSize)
	}
	return nil
}

// Deltas compares this run's persons with those of the latest earlier run
// (by NIK) and, when it finishes, emits the deltas table
// (pipeline.DeltaSchema): one row per person and change, the kinds of
// pipeline.Changes, ordered by region, kind and NIK. It reads the persons
// table, which passes on unchanged; it keeps one small row per change and
// a mark per earlier person, never a batch.
//
// Tier and blank are compared only when both runs carry the allocation,
// and only for a person who needs a blank in both runs: a person printed
// since is PRINTED, not a tier that went away.
type Deltas struct {
	cfg   DeltasConfig
	prior map[string]int32 // NIK → index into cfg.Prior.Persons
	seen  []bool           // earlier persons met in this run
	rows  []deltaRow
}

var _ pipeline.TableStage = (*Deltas)(nil)

// deltaRow is one row of the deltas table.
type deltaRow struct {
	nik, region     string
	change          int // index into pipeline.Changes()
	before, after   string
	name, cardEvent string
	lastRequest     int32
	sources         []string
}

// NewDeltas returns a deltas stage.
func NewDeltas(cfg DeltasConfig) (*Deltas, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	d := &Deltas{cfg: cfg}
	if cfg.Prior != nil {
		d.prior = make(map[string]int32, len(cfg.Prior.Persons))
		for i, p := range cfg.Prior.Persons {
			d.prior[p.NIK] = int32(i)
		}
		d.seen = make([]bool, len(cfg.Prior.Persons))
	}
	return d, nil
}

// Name implements pipeline.TableStage.
func (*Deltas) Name() string { return "deltas" }

// Ports implements pipeline.TableStage.
func (*Deltas) Ports() pipeline.Ports {
	return pipeline.Ports{Reads: []pipeline.Table{pipeline.TablePersons}}
}

// deltasReads are the person columns the stage reads; tier and blank
// too when the persons carry them.
var deltasReads = []string{
	pipeline.ColNIK, pipeline.ColNama, pipeline.ColRegionCode, pipeline.ColStatus, pipeline.ColLastPrintDate,
	pipeline.ColCardEvent, pipeline.ColLastRequestDate, pipeline.ColSources,
}

// change indexes of pipeline.Changes().
var changeIndex = func() map[string]int {
	m := map[string]int{}
	for i, c := range pipeline.Changes() {
		m[c] = i
	}
	return m
}()

// Apply implements pipeline.TableStage: it compares each person with the
// earlier run and keeps the changes. It emits nothing.
func (d *Deltas) Apply(ctx context.Context, mem memory.Allocator, t pipeline.Table, rec arrow.Record, emit pipeline.Emit) error {
	if err := requireColumns(d.Name(), rec, pipeline.PersonSchema, deltasReads...); err != nil {
		return err
	}
	var tier *array.Int8
	var blank *array.String
	if rec.Schema().HasField(pipeline.ColTier) {
		if err := requireColumns(d.Name(), rec, arrow.NewSchema(pipeline.AllocationColumns(), nil),
			pipeline.ColTier, pipeline.ColBlank); err != nil {
			return err
		}
		tier, blank = column(rec, pipeline.ColTier).(*array.Int8), stringCol(rec, pipeline.ColBlank)
	}
	if d.prior == nil {
		return nil
	}
	c := personCols{
		nik: stringCol(rec, pipeline.ColNIK), name: stringCol(rec, pipeline.ColNama),
		region: stringCol(rec, pipeline.ColRegionCode), status: stringCol(rec, pipeline.ColStatus),
		lastPrint: dateCol(rec, pipeline.ColLastPrintDate), cardEvent: stringCol(rec, pipeline.ColCardEvent),
		lastRequest: dateCol(rec, pipeline.ColLastRequestDate),
		sources:     column(rec, pipeline.ColSources).(*array.List), tier: tier, blank: blank,
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		d.compare(c, i)
	}
	return ctx.Err()
}

// personCols are the columns of one persons batch the stage reads.
type personCols struct {
	nik, name, region, status, cardEvent, blank *array.String
	lastPrint, lastRequest                      *array.Date32
	sources                                     *array.List
	tier                                        *array.Int8
}

// now is person i of the batch as the stage compares it.
func (c personCols) now(i int) pipeline.PriorPerson {
	p := pipeline.PriorPerson{
		NIK: c.nik.Value(i), Region: c.region.Value(i), Status: c.status.Value(i),
		LastPrint: date32(c.lastPrint, i), Name: c.name.Value(i), CardEvent: c.cardEvent.Value(i),
		LastRequest: date32(c.lastRequest, i),
	}
	if c.tier != nil {
		if c.tier.IsValid(i) {
			p.Tier = c.tier.Value(i)
		}
		p.Blank = c.blank.Value(i)
	}
	return p
}

func date32(a *array.Date32, i int) int32 {
	if a.IsNull(i) {
		return pipeline.NoDate
	}
	return int32(a.Value(i))
}

// needsBlank reports whether a status needs a blank.
func needsBlank(status string) bool {
	return status == pipeline.StatusNeedsPrint || status == pipeline.StatusNeedsRecording
}

// compare keeps the changes of person i against the earlier run.
func (d *Deltas) compare(c personCols, i int) {
	now := c.now(i)
	// The strings point into the borrowed batch: a kept row copies them.
	add := func(change, before, after string) {
		r := deltaRow{nik: strings.Clone(now.NIK), region: strings.Clone(now.Region), change: changeIndex[change],
			before: strings.Clone(before), after: strings.Clone(after), name: strings.Clone(now.Name),
			cardEvent: strings.Clone(now.CardEvent), lastRequest: now.LastRequest, sources: listStrings(c.sources, i)}
		d.rows = append(d.rows, r)
	}
	k, ok := d.prior[now.NIK]
	if !ok {
		add(pipeline.ChangeNewRequest, "", now.Status)
		return
	}
	d.seen[k] = true
	was := &d.cfg.Prior.Persons[k]
	if !needsBlank(was.Status) && was.Status != pipeline.StatusDeceased && needsBlank(now.Status) {
		add(pipeline.ChangeNewRequest, was.Status, now.Status)
	}
	if now.LastPrint != pipeline.NoDate && (was.LastPrint == pipeline.NoDate || now.LastPrint > was.LastPrint) {
		add(pipeline.ChangePrinted, dayText(was.LastPrint), dayText(now.LastPrint))
	}
	if was.Status == pipeline.StatusNeedsRecording && (now.Status == pipeline.StatusNeedsPrint || now.Status == pipeline.StatusReady) {
		add(pipeline.ChangeRecorded, was.Status, now.Status)
	}
	if now.Status == pipeline.StatusDeceased && was.Status != pipeline.StatusDeceased {
		add(pipeline.ChangeDeceased, was.Status, now.Status)
	}
	if now.Region != was.Region {
		add(pipeline.ChangeMoved, was.Region, now.Region)
	}
	if c.tier != nil && d.cfg.Prior.Allocated && was.Tier != 0 && now.Tier != 0 {
		if was.Tier != now.Tier {
			add(pipeline.ChangeTier, tierText(was.Tier), tierText(now.Tier))
		}
		if was.Blank != now.Blank {
			add(pipeline.ChangeBlank, was.Blank, now.Blank)
		}
	}
}

// listStrings returns copies of the strings of list i.
func listStrings(l *array.List, i int) []string {
	if l.IsNull(i) {
		return nil
	}
	v := l.ListValues().(*array.String)
	start, end := l.ValueOffsets(i)
	out := make([]string, 0, end-start)
	for j := start; j < end; j++ {
		out = append(out, strings.Clone(v.Value(int(j))))
	}
	return out
}

func dayText(d int32) string {
	if d == pipeline.NoDate {
		return ""
	}
	return arrow.Date32(d).ToTime().Format(time.DateOnly)
}

func tierText(t int8) string { return string(rune('0' + t)) }

// Finish implements pipeline.TableStage: it adds the earlier persons who
// needed a blank and are gone (VANISHED), then emits the deltas table.
func (d *Deltas) Finish(ctx context.Context, mem memory.Allocator, emit pipeline.Emit) error {
	defer d.Release()
	if d.prior != nil {
		for k, was := range d.cfg.Prior.Persons {
			if d.seen[k] || !needsBlank(was.Status) {
				continue
			}
			d.rows = append(d.rows, deltaRow{nik: was.NIK, region: was.Region, change: changeIndex[pipeline.ChangeVanished],
				before: was.Status, name: was.Name, cardEvent: was.CardEvent, lastRequest: was.LastRequest, sources: was.Sources})
		}
	}
	slices.SortFunc(d.rows, func(a, b deltaRow) int {
		return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.change, b.change), cmp.Compare(a.nik, b.nik))
	})
	b := array.NewRecordBuilder(mem, pipeline.DeltaSchema)
	defer b.Release()
	field := func(name string) array.Builder { return b.Field(pipeline.DeltaSchema.FieldIndices(name)[0]) }
	str := func(name, v string) { field(name).(*array.StringBuilder).Append(v) }
	changes := pipeline.Changes()
	n := 0
	flush := func() error {
		rec := b.NewRecord()
		defer rec.Release()
		n = 0
		return emit(pipeline.TableDeltas, rec)
	}
	for _, r := range d.rows {
		str(pipeline.DeltaNIK, r.nik)
		str(pipeline.DeltaRegionCode, r.region)
		str(pipeline.DeltaChange, changes[r.change])
		str(pipeline.DeltaBefore, r.before)
		str(pipeline.DeltaAfter, r.after)
		appendString(field(pipeline.DeltaName).(*array.StringBuilder), r.name)
		appendString(field(pipeline.DeltaCardEvent).(*array.StringBuilder), r.cardEvent)
		if db := field(pipeline.DeltaLastRequest).(*array.Date32Builder); r.lastRequest == pipeline.NoDate {
			db.AppendNull()
		} else {
			db.Append(arrow.Date32(r.lastRequest))
		}
		lb := field(pipeline.DeltaSources).(*array.ListBuilder)
		lb.Append(true)
		for _, s := range r.sources {
			lb.ValueBuilder().(*array.StringBuilder).Append(s)
		}
		if n++; n == d.cfg.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if n > 0 || len(d.rows) == 0 {
		return flush()
	}
	return nil
}

// Release implements pipeline.TableStage: the stage holds no Arrow memory.
func (d *Deltas) Release() {
	d.rows, d.seen, d.prior = nil, nil, nil
}
