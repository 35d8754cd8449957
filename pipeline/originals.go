package pipeline

import (
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// WithOriginals returns rec with its ColOriginal column replaced by the
// originals orig writes: those of the rows for which want returns true,
// or of every row when want is nil; the other rows' are null. rec is
// borrowed and holds the rows of orig's batch in the same order (the
// batch the source emitted, or what row stages made of it); the returned
// record is the caller's. It fails when rec has no text ColOriginal
// column.
func WithOriginals(mem memory.Allocator, rec arrow.Record, orig Originals, want func(i int) bool) (arrow.Record, error) {
	idx := rec.Schema().FieldIndices(ColOriginal)
	if len(idx) != 1 || rec.Column(idx[0]).DataType().ID() != arrow.STRING {
		return nil, fmt.Errorf("a rows batch without a text %s column", ColOriginal)
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	n := int(rec.NumRows())
	b.Reserve(n)
	var j []byte
	for i := range n {
		if want != nil && !want(i) {
			b.AppendNull()
			continue
		}
		j = orig.AppendOriginal(j[:0], i)
		b.BinaryBuilder.Append(j)
	}
	col := b.NewArray()
	defer col.Release()
	cols := slices.Clone(rec.Columns())
	cols[idx[0]] = col
	return array.NewRecord(rec.Schema(), cols, rec.NumRows()), nil
}

// rejectedOriginals returns rec, a rows batch leaving the head of the
// chain, with the originals of its rejected rows (a reason is set)
// written from orig, the batch's source's; rec itself, retained, when no
// row is rejected. The caller releases the result.
func rejectedOriginals(mem memory.Allocator, rec arrow.Record, orig Originals) (arrow.Record, error) {
	if rejectedRows(rec) == 0 {
		rec.Retain()
		return rec, nil
	}
	reason := rec.Column(rec.Schema().FieldIndices(ColReason)[0])
	return WithOriginals(mem, rec, orig, reason.IsValid)
}

// originalsAtHead reports whether the originals of the rows the head of
// the chain (its first head stages, the row-local ones) rejects are all a
// run needs: the head has stages and they are all row stages (RowStage:
// each batch goes on as one batch of the same rows in the same order), and
// every stage after them that rewrites the rows table keeps reasons
// (Ports.KeepsReasons), so that no row is rejected later. Stages that
// only read the rows pass them on unchanged.
func (c *chain) originalsAtHead(head int) bool {
	if head == 0 {
		return false
	}
	for _, s := range c.stages[:head] {
		if _, ok := s.TableStage.(rowStage); !ok {
			return false
		}
	}
	for _, s := range c.stages[head:] {
		if s.rewrites[TableRows] && !s.keepsReasons {
			return false
		}
	}
	return true
}

// checkOriginals fails when rec, a rows batch reaching the sinks of a run
// whose head writes the originals (chain.originalsAtHead), has more
// rejected rows than originals: a stage after the head rejected rows
// though it declared Ports.KeepsReasons.
func checkOriginals(rec arrow.Record) error {
	idx := rec.Schema().FieldIndices(ColOriginal)
	if len(idx) != 1 {
		return nil
	}
	if rejected, origs := rejectedRows(rec), rec.Column(idx[0]).Len()-rec.Column(idx[0]).NullN(); rejected > origs {
		return fmt.Errorf("%d rows rejected and %d originals: a stage after the row-local ones rejected rows though it declares Ports.KeepsReasons", rejected, origs)
	}
	return nil
}
