package source

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// maxCellChars is the longest cell text Excel holds; longer cells are cut
// and marked pipeline.WarnCellTooLong.
const maxCellChars = 32767

// layout describes one table (a sheet or a CSV file) once its header row is
// known: the JSON keys of its columns and where each canonical column is.
type layout struct {
	file, sheet string
	keys        []string        // JSON key of each header column, unique
	keyJSON     []string        // each key as JSON with its colon: "key":
	used        map[string]bool // keys in use, to keep extra keys unique
	col         []int           // cell index of each pipeline.InputColumns() entry; -1 when absent
	nik         int             // cell index of the nik column
}

// newLayout builds the layout of a header row; m is MatchHeader's result.
func newLayout(file, sheet string, header []string, m map[int]string) *layout {
	l := &layout{
		file:  file,
		sheet: sheet,
		keys:  make([]string, len(header)),
		used:  make(map[string]bool, len(header)),
		col:   make([]int, len(pipeline.InputColumns())),
	}
	for i, h := range header {
		k := strings.TrimSpace(trimCR(h))
		if k == "" {
			k = columnName(i)
		}
		l.keys[i] = l.unique(k)
		l.keyJSON = append(l.keyJSON, string(append(appendJSONString(nil, l.keys[i]), ':')))
	}
	pos := make(map[string]int, len(m))
	for i, c := range m {
		pos[c] = i
	}
	for j, c := range pipeline.InputColumns() {
		if i, ok := pos[c]; ok {
			l.col[j] = i
		} else {
			l.col[j] = -1
		}
	}
	l.nik = pos[pipeline.ColNIK]
	return l
}

// unique returns k, or k with " (2)", " (3)"… when k is already a key.
func (l *layout) unique(k string) string {
	u := k
	for n := 2; l.used[u]; n++ {
		u = k + " (" + strconv.Itoa(n) + ")"
	}
	l.used[u] = true
	return u
}

// extraKey names a cell beyond the header width by its column letter.
func (l *layout) extraKey(i int) string {
	k := columnName(i)
	if !l.used[k] {
		return k
	}
	for n := 2; ; n++ {
		u := k + " (" + strconv.Itoa(n) + ")"
		if !l.used[u] {
			return u
		}
	}
}

// batch gathers data rows into RawSchema records of at most size rows and
// hands each to emit, which borrows it; batch releases it afterwards.
type batch struct {
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

// sizeAfter is the number of rows after which a batch sizes its buffers.
const sizeAfter = 512

func newBatch(ctx context.Context, mem memory.Allocator, size int, emit func(arrow.Record) error) *batch {
	if size <= 0 {
		size = pipeline.DefaultBatchSize
	}
	rb := array.NewRecordBuilder(mem, pipeline.RawSchema)
	b := &batch{ctx: ctx, rb: rb, size: size, emit: emit}
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

func (b *batch) release() { b.rb.Release() }

// add appends one data row. cells may be modified (cut, made valid UTF-8).
// warns are the row's cell warnings found by the reader; add appends
// pipeline.WarnCellTooLong itself. A full batch is emitted.
func (b *batch) add(l *layout, row int, cells []string, nikNumeric bool, warns []string) error {
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
func (b *batch) expect(rows int) { b.expected = rows }

// reserve makes room for m more rows like those so far, and a little more.
func (b *batch) reserve(m int) {
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
func (b *batch) flush() error {
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
func (b *batch) originalJSON(l *layout, cells []string) []byte {
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

// appendJSONString appends s as a JSON string; s must be valid UTF-8.
func appendJSONString(j []byte, s string) []byte {
	const hex = "0123456789abcdef"
	j = append(j, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		j = append(j, s[start:i]...)
		switch c {
		case '"', '\\':
			j = append(j, '\\', c)
		case '\n':
			j = append(j, '\\', 'n')
		case '\r':
			j = append(j, '\\', 'r')
		case '\t':
			j = append(j, '\\', 't')
		default:
			j = append(j, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	j = append(j, s[start:]...)
	return append(j, '"')
}

// isBlank reports whether every cell is empty or white space.
func isBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// columnName returns the spreadsheet letter of a zero-based column index.
func columnName(i int) string {
	var buf [8]byte
	p := len(buf)
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		p--
		buf[p] = byte('A' + (n-1)%26)
	}
	return string(buf[p:])
}

func trimCR(s string) string { return strings.TrimSuffix(s, "\r") }

func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func appendOnce(ws []string, w string) []string {
	for _, x := range ws {
		if x == w {
			return ws
		}
	}
	return append(ws, w)
}
