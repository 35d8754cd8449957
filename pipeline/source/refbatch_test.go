package source

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// refBatch is batch as it was, through Arrow's builders: the reference
// batch is compared with. It writes every row's original into its record;
// batch's are written through its pipeline.Originals, which runBatch asks
// for every row (pipeline.WithOriginals) before the two are compared.
type refBatch struct {
	ctx  context.Context
	rb   *array.RecordBuilder
	size int
	n    int
	emit func(arrow.Record) error

	file, sheet, original *array.StringBuilder
	row                   *array.Int32Builder
	nikNumeric            *array.BooleanBuilder
	warnings              *array.ListBuilder
	warning               *array.StringBuilder
	cols                  []*array.StringBuilder

	json  []byte   // scratch for original
	warns []string // scratch for cell_warnings

	// validUTF8 says the reader gives valid UTF-8 only (the fast xlsx
	// reader, whose parts were checked), so add need not check.
	validUTF8 bool

	// expected is how many more rows the reader expects (0 if it cannot
	// tell): at sizeAfter rows, a batch sizes its buffers for the rest
	// from the bytes per row so far, instead of doubling them as it goes.
	expected int
}

func newRefBatch(ctx context.Context, mem memory.Allocator, size int, emit func(arrow.Record) error) *refBatch {
	if size <= 0 {
		size = pipeline.DefaultBatchSize
	}
	rb := array.NewRecordBuilder(mem, pipeline.RawSchema)
	b := &refBatch{ctx: ctx, rb: rb, size: size, emit: emit}
	idx := func(name string) int {
		is := pipeline.RawSchema.FieldIndices(name)
		return is[0]
	}
	b.file = rb.Field(idx(pipeline.ColFile)).(*array.StringBuilder)
	b.sheet = rb.Field(idx(pipeline.ColSheet)).(*array.StringBuilder)
	b.row = rb.Field(idx(pipeline.ColRow)).(*array.Int32Builder)
	b.original = rb.Field(idx(pipeline.ColOriginal)).(*array.StringBuilder)
	b.nikNumeric = rb.Field(idx(pipeline.ColNIKNumeric)).(*array.BooleanBuilder)
	b.warnings = rb.Field(idx(pipeline.ColCellWarnings)).(*array.ListBuilder)
	b.warning = b.warnings.ValueBuilder().(*array.StringBuilder)
	for _, c := range pipeline.InputColumns() {
		b.cols = append(b.cols, rb.Field(idx(c)).(*array.StringBuilder))
	}
	return b
}

func (b *refBatch) release() { b.rb.Release() }

// add appends one data row. cells may be modified (cut, made valid UTF-8).
// warns are the row's cell warnings found by the reader; add appends
// pipeline.WarnCellTooLong itself. A full batch is emitted.
func (b *refBatch) add(l *layout, row int, cells []string, nikNumeric bool, warns []string) error {
	b.warns = append(b.warns[:0], warns...)
	for i, c := range cells {
		if !b.validUTF8 && !utf8.ValidString(c) {
			c = strings.ToValidUTF8(c, "\uFFFD")
			cells[i] = c
		}
		if len(c) > maxCellChars && utf8.RuneCountInString(c) > maxCellChars {
			cells[i] = cutRunes(c, maxCellChars)
			b.warns = appendOnce(b.warns, pipeline.WarnCellTooLong)
		}
	}

	b.file.Append(l.file)
	b.sheet.Append(l.sheet)
	b.row.Append(int32(row))
	b.original.BinaryBuilder.Append(b.originalJSON(l, cells))
	b.nikNumeric.Append(nikNumeric)
	if len(b.warns) == 0 {
		b.warnings.AppendNull()
	} else {
		b.warnings.Append(true)
		for _, w := range b.warns {
			b.warning.Append(w)
		}
	}
	for j, sb := range b.cols {
		i := l.col[j]
		switch {
		case i < 0:
			sb.AppendNull()
		case i < len(cells):
			sb.Append(trimCR(cells[i]))
		default:
			sb.Append("")
		}
	}
	b.n++
	b.expected--
	if b.n == sizeAfter && b.expected > 0 {
		b.reserve(min(b.size, b.n+b.expected) - b.n)
	}
	if b.n >= b.size {
		return b.flush()
	}
	return nil
}

// expect tells the batch about how many more rows will come.
func (b *refBatch) expect(rows int) { b.expected = rows }

// reserve makes room for m more rows like those so far, and a little more.
func (b *refBatch) reserve(m int) {
	data := func(sb *array.StringBuilder) {
		sb.Reserve(m)
		sb.ReserveData(sb.DataLen()/b.n*m + sb.DataLen()/b.n*m/8)
	}
	data(b.file)
	data(b.sheet)
	data(b.original)
	for _, sb := range b.cols {
		data(sb)
	}
	b.row.Reserve(m)
	b.nikNumeric.Reserve(m)
	b.warnings.Reserve(m)
}

// flush emits the rows gathered so far, if any, then checks ctx.
func (b *refBatch) flush() error {
	if b.n == 0 {
		return b.ctx.Err()
	}
	rec := b.rb.NewRecord()
	b.n = 0
	err := b.emit(rec)
	rec.Release()
	if err != nil {
		return err
	}
	return b.ctx.Err()
}

// originalJSON renders the row's cells as a JSON object keyed by the
// header texts in column order; cells beyond the header width that are not
// empty are keyed by their column letter.
func (b *refBatch) originalJSON(l *layout, cells []string) []byte {
	j := append(b.json[:0], '{')
	for i, k := range l.keyJSON {
		if i > 0 {
			j = append(j, ',')
		}
		j = append(j, k...)
		v := ""
		if i < len(cells) {
			v = cells[i]
		}
		j = appendJSONString(j, v)
	}
	for i := len(l.keys); i < len(cells); i++ {
		if cells[i] == "" {
			continue
		}
		if len(j) > 1 {
			j = append(j, ',')
		}
		j = appendJSONString(j, l.extraKey(i))
		j = append(j, ':')
		j = appendJSONString(j, cells[i])
	}
	j = append(j, '}')
	b.json = j
	return j
}
