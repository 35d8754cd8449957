package transforms

import (
	"context"
	"strconv"

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
// one run. It reads nik_clean, event, request_date and reason, and appends
// the duplicate column.
type Dedupe struct {
	seen map[string]struct{}
}

var _ pipeline.Stage = (*Dedupe)(nil)

// NewDedupe returns a dedupe stage with nothing seen.
func NewDedupe() *Dedupe { return &Dedupe{seen: make(map[string]struct{})} }

// Name implements pipeline.Stage.
func (*Dedupe) Name() string { return "dedupe" }

// Apply implements pipeline.Stage.
func (d *Dedupe) Apply(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	if err := requireColumns(d.Name(), rec, pipeline.ValidSchema,
		pipeline.ColNIKClean, pipeline.ColEvent, pipeline.ColRequestDate, pipeline.ColReason); err != nil {
		return nil, err
	}
	nik := stringCol(rec, pipeline.ColNIKClean)
	event := stringCol(rec, pipeline.ColEvent)
	reqDate := dateCol(rec, pipeline.ColRequestDate)
	reason := stringCol(rec, pipeline.ColReason)

	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.Reserve(int(rec.NumRows()))
	key := make([]byte, 0, 64)
	for i := 0; i < int(rec.NumRows()); i++ {
		if reason.IsValid(i) {
			b.Append(false)
			continue
		}
		key = append(key[:0], nik.Value(i)...)
		key = append(key, '|')
		key = append(key, event.Value(i)...)
		key = append(key, '|')
		if reqDate.IsValid(i) {
			key = strconv.AppendInt(key, int64(reqDate.Value(i)), 10)
		}
		if _, dup := d.seen[string(key)]; dup {
			b.Append(true)
			continue
		}
		d.seen[string(key)] = struct{}{}
		b.Append(false)
	}
	dup := b.NewArray()
	defer dup.Release()
	return appendColumns(rec, []arrow.Field{pipeline.DuplicateColumn()}, dup)
}
