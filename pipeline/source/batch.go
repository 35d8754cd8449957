package source

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/colbuild"
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
	jsonSize    int             // bytes of "original" but for its values' text: keys, quotes, commas, braces
	used        map[string]bool // keys in use, to keep extra keys unique
	col         []int           // cell index of each pipeline.InputColumns() entry; -1 when absent
	nik         int             // cell index of the nik column
	// canon says where each header column's text is kept for
	// AppendOriginal: j >= 0 when canonical column j (col[j]) reads it, or
	// -1-k for the k-th of others.
	canon  []int
	others []int // the header columns no canonical column reads, in order
}

// newLayout builds the layout of a header row; m is MatchHeader's result.
func newLayout(file, sheet string, header []string, m map[int]string) *layout {
	l := &layout{
		file:  file,
		sheet: sheet,
		keys:  make([]string, len(header)),
		used:  make(map[string]bool, len(header)),
		// The braces; each key adds its quotes and a comma or "}".
		jsonSize: 1,
		col:      make([]int, len(pipeline.InputColumns())),
	}
	for i, h := range header {
		k := strings.TrimSpace(trimCR(h))
		if k == "" {
			k = columnName(i)
		}
		l.keys[i] = l.unique(k)
		l.keyJSON = append(l.keyJSON, string(append(appendJSONString(nil, l.keys[i]), ':')))
		l.jsonSize += len(l.keyJSON[i]) + 3 // "…", and a comma or a brace
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
	l.canon = make([]int, len(header))
	for i := range l.canon {
		l.canon[i] = -1
	}
	for j, i := range l.col {
		if i >= 0 {
			l.canon[i] = j
		}
	}
	for i, j := range l.canon {
		if j < 0 {
			l.canon[i] = -1 - len(l.others)
			l.others = append(l.others, i)
		}
	}
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
// With the record, emit gets the batch itself as its pipeline.Originals:
// the record's "original" is null in every row, and AppendOriginal writes
// a row's from the record's canonical columns and the texts the batch
// keeps of the other cells (origCells), until emit returns.
//
// It fills each column's Arrow buffers with pipeline/colbuild's builders,
// in memory from its allocator, rather than through Arrow's: a row appends its cell
// texts to the columns' value bytes and offsets, and a validity bitmap
// exists only for a column that holds a null. The buffers of a batch go to
// its record at flush; the next batch starts new ones.
type batch struct {
	ctx  context.Context
	mem  memory.Allocator
	size int
	n    int
	emit func(arrow.Record, pipeline.Originals) error

	// runs are the layouts of the rows so far, each from the row it
	// starts on: file and sheet are the same for every row of a run.
	runs    []layoutRun
	row     colbuild.Int32s    // row numbers
	nikBits colbuild.Bytes     // nik_numeric, a bit per row
	cols    []colbuild.Strings // the pipeline.InputColumns(), in order
	// orig is what the rows' originals are written from besides cols;
	// emitting is cols as the record being emitted holds them.
	orig     origCells
	emitting []*array.String

	cellWarns colbuild.StringLists // cell_warnings: null when none

	warns []string // scratch for cell_warnings

	// validUTF8 says the reader gives valid UTF-8 only (the fast xlsx
	// reader, whose parts were checked; the CSV reader until its
	// utf8Reader finds a byte that is not), so add need not check.
	validUTF8 bool

	// expected is how many more rows the reader expects (0 if it cannot
	// tell): at sizeAfter rows, a batch sizes its buffers for the rest
	// from the bytes per row so far, instead of doubling them as it goes.
	expected int
}

// layoutRun is a layout and the first batch row it holds for.
type layoutRun struct {
	from int
	l    *layout
}

// sizeAfter is the number of rows after which a batch sizes its buffers.
const sizeAfter = 512

var _ pipeline.Originals = (*batch)(nil)

func newBatch(ctx context.Context, mem memory.Allocator, size int, emit func(arrow.Record, pipeline.Originals) error) *batch {
	if size <= 0 {
		size = pipeline.DefaultBatchSize
	}
	n := len(pipeline.InputColumns())
	return &batch{ctx: ctx, mem: mem, size: size, emit: emit, cols: make([]colbuild.Strings, n), emitting: make([]*array.String, n)}
}

// release frees the buffers of rows not flushed.
func (b *batch) release() {
	b.row.Release()
	b.nikBits.Release()
	for j := range b.cols {
		b.cols[j].Release()
	}
	b.cellWarns.Release()
	b.restart()
}

// restart starts the next batch: the rows so far are flushed or dropped.
func (b *batch) restart() {
	b.runs = b.runs[:0]
	b.orig.restart()
	clear(b.emitting)
	b.n = 0
}

// add appends one data row. cells may be modified (cut, made valid UTF-8).
// warns are the row's cell warnings found by the reader; add appends
// pipeline.WarnCellTooLong itself. A full batch is emitted.
func (b *batch) add(l *layout, row int, cells []string, nikNumeric bool, warns []string) error {
	b.warns = append(b.warns[:0], warns...)
	size := 0 // bytes of the row's cells
	for i, c := range cells {
		if !b.validUTF8 && !utf8.ValidString(c) {
			c = strings.ToValidUTF8(c, "\uFFFD")
			cells[i] = c
		}
		if len(c) > maxCellChars && utf8.RuneCountInString(c) > maxCellChars {
			c = cutRunes(c, maxCellChars)
			cells[i] = c
			b.warns = appendOnce(b.warns, pipeline.WarnCellTooLong)
		}
		size += len(c)
	}
	// Offsets are int32: a batch whose originals could pass 2 GiB with
	// this row (escaped, every byte could take 6) is emitted first.
	bound := l.jsonSize + 6*size + 24*max(0, len(cells)-len(l.keys))
	if b.n > 0 && b.orig.bound+bound > math.MaxInt32 {
		if err := b.flush(); err != nil {
			return err
		}
	}

	if len(b.runs) == 0 || b.runs[len(b.runs)-1].l != l {
		b.runs = append(b.runs, layoutRun{from: b.n, l: l})
	}
	b.row.Append(b.mem, int32(row))
	b.nikBit(nikNumeric)
	b.warnRow()
	whole := false // a canonical cell ends in "\r", which its column drops
	for j := range b.cols {
		c := &b.cols[j]
		switch i := l.col[j]; {
		case i < 0:
			c.AppendNull(b.mem)
		case i < len(cells):
			s := cells[i]
			if k := len(s) - 1; k >= 0 && s[k] == '\r' {
				s, whole = s[:k], true
			}
			c.Append(b.mem, s)
		default:
			c.Append(b.mem, "")
		}
	}
	b.orig.add(l, cells, whole, bound)
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

// nikBit sets row b.n's nik_numeric.
func (b *batch) nikBit(v bool) {
	if b.n%8 == 0 {
		b.nikBits.AppendByte(b.mem, 0)
	}
	if v {
		bitutil.SetBit(b.nikBits.Bytes(), b.n)
	}
}

// warnRow appends row b.n's cell_warnings from b.warns: null when none.
func (b *batch) warnRow() {
	if len(b.warns) == 0 {
		b.cellWarns.AppendNull(b.mem)
		return
	}
	b.cellWarns.Append(b.mem, b.warns)
}

// expect tells the batch about how many more rows will come.
func (b *batch) expect(rows int) { b.expected = rows }

// reserve makes room for m more rows like those so far, and a little more.
func (b *batch) reserve(m int) {
	data := func(c *colbuild.Strings) {
		per := c.DataLen() / b.n * m
		c.Reserve(b.mem, m, per+per/8)
	}
	for j := range b.cols {
		data(&b.cols[j])
	}
	b.row.Grow(b.mem, m)
	b.cellWarns.Reserve(b.mem, m)
}

// flush emits the rows gathered so far, if any, then checks ctx.
func (b *batch) flush() error {
	if b.n == 0 {
		return b.ctx.Err()
	}
	rec := b.record()
	err := b.emit(rec, b)
	rec.Release()
	b.restart()
	if err != nil {
		return err
	}
	return b.ctx.Err()
}

// record hands the rows gathered so far to a new record, whose canonical
// columns it notes in emitting. Its "original" is null in every row.
func (b *batch) record() arrow.Record {
	n := b.n
	arrs := make([]arrow.Array, 0, len(pipeline.RawSchema.Fields()))
	file, sheet := b.provenance()
	arrs = append(arrs, file, sheet)
	arrs = append(arrs, newArray(arrow.PrimitiveTypes.Int32, n, b.row.Finish(b.mem)))
	arrs = append(arrs, array.MakeArrayOfNull(b.mem, arrow.BinaryTypes.String, n))
	arrs = append(arrs, newArray(arrow.FixedWidthTypes.Boolean, n, b.nikBits.Finish(b.mem)))
	arrs = append(arrs, b.cellWarns.Finish(b.mem, cellWarningsType))
	for j := range b.cols {
		a := b.cols[j].Finish(b.mem)
		b.emitting[j] = a
		arrs = append(arrs, a)
	}
	rec := array.NewRecord(pipeline.RawSchema, arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

// provenance returns the file and sheet columns of the batch's rows.
func (b *batch) provenance() (file, sheet arrow.Array) {
	var fc, sc colbuild.Strings
	fileLen, sheetLen := 0, 0
	for k, r := range b.runs {
		rows := b.runEnd(k) - r.from
		fileLen += rows * len(r.l.file)
		sheetLen += rows * len(r.l.sheet)
	}
	fc.Reserve(b.mem, b.n, fileLen)
	sc.Reserve(b.mem, b.n, sheetLen)
	for k, r := range b.runs {
		for range b.runEnd(k) - r.from {
			fc.Append(b.mem, r.l.file)
			sc.Append(b.mem, r.l.sheet)
		}
	}
	return fc.Finish(b.mem), sc.Finish(b.mem)
}

// runEnd returns the row after run k.
func (b *batch) runEnd(k int) int {
	if k+1 < len(b.runs) {
		return b.runs[k+1].from
	}
	return b.n
}

// cellWarningsType is RawSchema's type of cell_warnings.
var cellWarningsType = pipeline.RawSchema.Field(pipeline.RawSchema.FieldIndices(pipeline.ColCellWarnings)[0]).Type

// newArray returns an array of n values without nulls of a fixed-width
// type, taking over the caller's reference to values.
func newArray(t arrow.DataType, n int, values *memory.Buffer) arrow.Array {
	d := array.NewData(t, n, []*memory.Buffer{nil, values}, nil, 0, 0)
	values.Release()
	defer d.Release()
	return array.MakeFromData(d)
}

// origCells keeps, for the rows of a batch, what their originals are
// written from besides the canonical columns: a row's cell count and the
// texts of the cells no canonical column holds (those under the layout's
// others, then those beyond the header width), or of every cell when one
// that a canonical column holds ends in "\r" (the column drops it). The
// texts are copies, as the cells are the reader's; the slices are reused
// batch after batch.
type origCells struct {
	rows  []origRow
	text  []byte
	ends  []int32 // the end in text of each cell kept
	bound int     // bytes the batch's originals take at most
}

// origRow is one row of origCells.
type origRow struct {
	first int32 // the index in ends of the row's first cell kept
	n     int32 // the row's cells
	whole bool  // every cell is kept
}

// add notes a row; bound is the most bytes its original takes.
func (o *origCells) add(l *layout, cells []string, whole bool, bound int) {
	o.bound += bound
	o.rows = append(o.rows, origRow{first: int32(len(o.ends)), n: int32(len(cells)), whole: whole})
	keep := func(c string) {
		o.text = append(o.text, c...)
		o.ends = append(o.ends, int32(len(o.text)))
	}
	if whole {
		for _, c := range cells {
			keep(c)
		}
		return
	}
	for _, i := range l.others {
		if i >= len(cells) {
			break
		}
		keep(cells[i])
	}
	for i := len(l.keys); i < len(cells); i++ {
		keep(cells[i])
	}
}

// cell returns the k-th cell kept of row r.
func (o *origCells) cell(r origRow, k int) string {
	g := int(r.first) + k
	start := int32(0)
	if g > 0 {
		start = o.ends[g-1]
	}
	if start == o.ends[g] {
		return ""
	}
	return unsafe.String(&o.text[start], int(o.ends[g]-start))
}

func (o *origCells) restart() {
	o.rows, o.text, o.ends, o.bound = o.rows[:0], o.text[:0], o.ends[:0], 0
}

// AppendOriginal implements pipeline.Originals for the batch being
// emitted: row i's cells as a JSON object keyed by the header texts in
// column order (a cell the row lacks is empty); cells beyond the header
// width that are not empty are keyed by their column letter.
func (b *batch) AppendOriginal(dst []byte, i int) []byte {
	l := b.runs[sort.Search(len(b.runs), func(k int) bool { return b.runs[k].from > i })-1].l
	r := b.orig.rows[i]
	n := int(r.n)
	open := len(dst)
	dst = append(dst, '{')
	for c, k := range l.keyJSON {
		if c > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, k...)
		v := ""
		switch j := l.canon[c]; {
		case c >= n:
		case r.whole:
			v = b.orig.cell(r, c)
		case j >= 0:
			v = b.emitting[j].Value(i)
		default:
			v = b.orig.cell(r, -1-j)
		}
		dst = appendJSONString(dst, v)
	}
	for c := len(l.keys); c < n; c++ {
		k := c
		if !r.whole {
			k = len(l.others) + c - len(l.keys)
		}
		v := b.orig.cell(r, k)
		if v == "" {
			continue
		}
		if len(dst) > open+1 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, l.extraKey(c))
		dst = append(dst, ':')
		dst = appendJSONString(dst, v)
	}
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string; s must be valid UTF-8.
func appendJSONString(j []byte, s string) []byte {
	const (
		hex   = "0123456789abcdef"
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	j = append(j, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		// Eight bytes at a time while none needs escaping: a byte of y is 0
		// where x holds a quote, of z where it holds a backslash; a high
		// bit survives in (v - ones) &^ v only if a byte of v is 0, and in
		// (x - 0x20*ones) &^ x only if a byte of x is below 0x20.
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			y, z := x^('"'*ones), x^('\\'*ones)
			if ((x-0x20*ones)&^x|(y-ones)&^y|(z-ones)&^z)&highs != 0 {
				break
			}
			i += 8
		}
		if i == len(s) {
			break
		}
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
