package transforms

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// Dedupe marks repeated requests (SPEC §5 K1): an accepted row whose NIK,
// event and request date match an earlier accepted row in input order is a
// duplicate. The first row is kept; later ones travel on with
// duplicate=true and are counted at their own submitting region. Rejected
// rows are never duplicates. Two missing request dates count as the same
// date.
//
// Dedupe keeps the keys it has seen across batches, so one instance serves
// one run: an exact fixed-size key (16 bytes) per distinct request whose
// NIK is 16 digits, as validate requires of an accepted row; a key holding
// the NIK as text for any other NIK. It reads nik_clean, event,
// request_date and reason, and appends the duplicate column.
type Dedupe struct {
	seen   *requestSet
	others map[otherRequestKey]struct{} // NIKs that are not 16 digits
	events []string                     // by id
	ids    map[string]uint32            // event → id, once events are many
	done   bool                         // flushed: the keys are gone
	dups   []bool                       // scratch: a batch's duplicate column
	keys   []requestKey                 // scratch: a batch's keys of 16-digit NIKs
	at     []int                        // scratch: their rows
	isNew  []bool                       // scratch: whether each key was new
}

// requestKey identifies a request of a 16-digit NIK exactly: the NIK as a
// number, the event's id, and the request date (day and whether there is
// one).
type requestKey struct {
	nik   uint64
	date  int32
	event uint32 // event id << 1 | 1 when the request date is present
}

// otherRequestKey identifies a request of any other NIK.
type otherRequestKey struct {
	nik string
	requestKey
}

var (
	_ pipeline.FlushStage   = (*Dedupe)(nil)
	_ pipeline.ReasonKeeper = (*Dedupe)(nil)
)

// NewDedupe returns a dedupe stage with nothing seen.
func NewDedupe() *Dedupe {
	return &Dedupe{seen: new(requestSet), others: make(map[otherRequestKey]struct{})}
}

// Name implements pipeline.Stage.
func (*Dedupe) Name() string { return "dedupe" }

// Flush implements pipeline.FlushStage: the rows are done, and the keys
// seen (about 30 bytes a request) are let go. Apply fails after it.
func (d *Dedupe) Flush() {
	d.done = true
	d.seen, d.others, d.events, d.ids = nil, nil, nil, nil
	d.dups, d.keys, d.at, d.isNew = nil, nil, nil, nil
}

// KeepsReasons implements pipeline.ReasonKeeper: dedupe marks duplicates
// and passes every column it is given on, reason and original included;
// it rejects no row.
func (*Dedupe) KeepsReasons() bool { return true }

// errDedupeFlushed is Apply's error after Flush: a later batch would be
// compared with nothing.
var errDedupeFlushed = errors.New("dedupe: a batch after the rows were done")

// Apply implements pipeline.Stage.
func (d *Dedupe) Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	if d.done {
		return nil, errDedupeFlushed
	}
	if err := requireColumns(d.Name(), rec, pipeline.ValidSchema,
		pipeline.ColNIKClean, pipeline.ColEvent, pipeline.ColRequestDate, pipeline.ColReason); err != nil {
		return nil, err
	}
	nik := stringCol(rec, pipeline.ColNIKClean)
	event := stringCol(rec, pipeline.ColEvent)
	reqDate := dateCol(rec, pipeline.ColRequestDate)
	reason := stringCol(rec, pipeline.ColReason)

	dups, keys, at := d.dups[:0], d.keys[:0], d.at[:0]
	for i := 0; i < int(rec.NumRows()); i++ {
		if reason.IsValid(i) {
			dups = append(dups, false)
			continue
		}
		key := requestKey{event: d.eventID(event.Value(i)) << 1}
		if reqDate.IsValid(i) {
			key.date, key.event = int32(reqDate.Value(i)), key.event|1
		}
		var dup bool
		if n, ok := packNIK(nik.Value(i)); ok {
			// Marked below, the batch's keys at once.
			key.nik = n
			keys, at = append(keys, key), append(at, i)
		} else {
			// The NIK text aliases the batch: it is copied only when new.
			other := otherRequestKey{nik: nik.Value(i), requestKey: key}
			_, dup = d.others[other]
			if !dup {
				other.nik = strings.Clone(other.nik)
				d.others[other] = struct{}{}
			}
		}
		dups = append(dups, dup)
	}
	isNew := slices.Grow(d.isNew[:0], len(keys))[:len(keys)]
	d.seen.addMany(keys, isNew)
	for j, i := range at {
		dups[i] = !isNew[j]
	}
	d.dups, d.keys, d.at, d.isNew = dups, keys, at, isNew
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.AppendValues(dups, nil)
	dup := b.NewArray()
	defer dup.Release()
	return appendColumns(rec, []arrow.Field{pipeline.DuplicateColumn()}, dup)
}

// eventID returns the id of event, giving it one the first time. The
// events are a handful: comparing them one by one is cheaper than a map
// lookup, which takes over past eventScan of them.
func (d *Dedupe) eventID(event string) uint32 {
	if d.ids == nil {
		for id, e := range d.events {
			if e == event {
				return uint32(id)
			}
		}
	} else if id, ok := d.ids[event]; ok {
		return id
	}
	id := uint32(len(d.events))
	d.events = append(d.events, strings.Clone(event))
	if d.ids == nil && len(d.events) > eventScan {
		d.ids = make(map[string]uint32, 2*eventScan)
		for i, e := range d.events {
			d.ids[e] = uint32(i)
		}
	} else if d.ids != nil {
		d.ids[d.events[id]] = id
	}
	return id
}

// eventScan is how many events eventID compares one by one.
const eventScan = 16
