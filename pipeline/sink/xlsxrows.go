package sink

// The rows of a list sheet, written as worksheet XML by this package
// rather than through excelize: excelize's stream writer manages about
// 40–60k rows a second and keeps every list open until Close, while the
// XML of a row is written here at millions of rows a second into a store
// that spills to a temporary file. At Close the stored rows are spliced
// into the sheet excelize lays out (header, widths, table, print setup);
// see report_assemble.go. The texts of the low-cardinality columns
// (region names, kecamatan, kelurahan, labels of codes) are written as
// ids into the run's shared string table (stringTable), the others
// inline.

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"sync/atomic"
)

// rowKey orders the rows of a sorted list: outside the province last,
// then by region, print order and arrival (seq).
type rowKey struct {
	outside bool
	region  string
	order   int32
	seq     int
}

// storedKey is a rowKey as a store keeps it, with where the row's XML is
// (off, n): 24 bytes, the region by its id in the store's table.
type storedKey struct {
	off     int64
	n       int32
	order   int32
	seq     int32
	region  uint16
	outside bool
}

// rowStore keeps the XML of a list's rows: in memory up to spillAt bytes,
// then in a temporary file in dir (owner-only, removed by close).
type rowStore struct {
	cols   []colSpec
	sorted bool // rows are written in key order, not arrival order
	dir    string

	buf         bytes.Buffer
	spill       *os.File
	w           *bufio.Writer
	size        int64
	keys        []storedKey
	widths      []float64 // widest text per column, in characters, capped at max
	cut         int       // texts cut at the cell limit
	shared      int       // cells referring to the shared string table
	cutMark     string    // appended to a cut text
	err         error
	regions     map[string]uint16 // region code → id in regionNames
	regionNames []string
	lastRegion  uint16                // the id of the region of the last row added
	row         rowXML                // the row being encoded by add
	runs        map[string]*sharedRun // a sorted list's regions whose rows another workbook shares (xlsxshare.go), by code

	// A store may keep its rows' keys only, the XML being another
	// store's rows (src, see borrow); a store's file is removed when it
	// and every store borrowing from it are closed (holders).
	src     *rowStore
	holders atomic.Int32 // stores borrowing from this one, less those closed; -1 once all are closed, itself too
	closed  bool
}

// spillAt is the size of a store's XML kept in memory: a province's many
// workbooks each hold six lists.
const spillAt = 1 << 20

func newRowStore(dir string, cols []colSpec, sorted bool, cutMark string) *rowStore {
	s := &rowStore{cols: cols, sorted: sorted, dir: dir, cutMark: cutMark, regions: map[string]uint16{}}
	s.widths = make([]float64, len(cols))
	for i, c := range cols {
		s.widths[i] = max(c.min, textWidth(c.label)/2+2)
	}
	return s
}

// rows is the number of rows stored.
func (s *rowStore) rows() int { return len(s.keys) }

// add stores one row, every text inline; key orders it in a sorted list.
// (A store filled at Close, as the Ganda sheet's, cannot add to the
// shared string table: the workbooks close side by side, each writing
// the table as it stands.)
func (s *rowStore) add(cells []xcell, key rowKey) {
	if s.err != nil {
		return
	}
	s.row.encode(s.cols, s.cutMark, nil, cells)
	s.addXML(&s.row, key)
}

// borrow makes s keep the keys of its rows only, their XML being src's:
// every row added to s (addBorrowed) must be the one just added to src.
// The print and recording lists of a regency are rows of the province's
// lists, stored once. s reads src's rows only once src has written out
// its buffer (flush), and src's file stays until s is closed.
func (s *rowStore) borrow(src *rowStore) {
	s.src = src
	src.holders.Add(1)
}

// addBorrowed adds to a borrowing store the row just added to its source.
func (s *rowStore) addBorrowed(x *rowXML, key rowKey) {
	if s.err != nil {
		return
	}
	last := len(s.src.keys) - 1
	if last < 0 || int(s.src.keys[last].n) != len(x.xml) {
		s.err = errors.New("a borrowed row is not its source's last")
		return
	}
	s.addKey(x, key, s.src.keys[last].off)
}

// addXML stores a row encoded for a list with the store's columns; key
// orders it in a sorted list. The store's widths grow with the row's
// texts.
func (s *rowStore) addXML(x *rowXML, key rowKey) {
	if s.err != nil {
		return
	}
	if s.src != nil {
		s.err = errors.New("a row stored in a store that borrows its rows")
		return
	}
	if !s.addKey(x, key, s.size) {
		return
	}
	b := x.xml
	if s.w != nil {
		_, s.err = s.w.Write(b)
		return
	}
	s.buf.Write(b)
	if s.buf.Len() >= spillAt {
		s.spillToFile()
	}
}

// addKey adds the key of a row whose XML is at off, its widths, cut
// texts and shared cells; false when it cannot.
func (s *rowStore) addKey(x *rowXML, key rowKey, off int64) bool {
	for i, n := range x.need {
		if n > s.widths[i] {
			s.widths[i] = min(n, max(s.cols[i].max, s.cols[i].min))
		}
	}
	s.cut += x.cut
	s.shared += x.shared
	b := x.xml
	id := s.lastRegion // rows of one region come in runs: a regency's list holds one
	if len(s.regionNames) == 0 || s.regionNames[id] != key.region {
		var ok bool
		if id, ok = s.regions[key.region]; !ok {
			if len(s.regionNames) > math.MaxUint16 {
				s.err = errors.New("a list spans more than 65536 regions")
				return false
			}
			id = uint16(len(s.regionNames))
			s.regionNames = append(s.regionNames, strings.Clone(key.region))
			s.regions[s.regionNames[id]] = id
		}
		s.lastRegion = id
	}
	if key.seq > math.MaxInt32 {
		s.err = errors.New("a list holds more than 2147483647 rows")
		return false
	}
	if len(s.keys) == cap(s.keys) {
		// Doubled: append grows a slice this long by a quarter at a
		// time, copying the keys again and again.
		s.keys = slices.Grow(s.keys, max(len(s.keys), 64))
	}
	s.keys = append(s.keys, storedKey{off: off, n: int32(len(b)), order: key.order,
		seq: int32(key.seq), region: id, outside: key.outside})
	s.size += int64(len(b))
	return true
}

func (s *rowStore) spillToFile() {
	f, err := os.CreateTemp(s.dir, ".list-*.tmp")
	if err != nil {
		s.err = err
		return
	}
	s.spill, s.w = f, bufio.NewWriterSize(f, 256<<10)
	_, s.err = s.w.Write(s.buf.Bytes())
	s.buf = bytes.Buffer{}
}

// order sorts the keys of a sorted list: the province's regions first,
// then by region, print order, arrival.
//
// The keys arrive in arrival order (seq ascending, as listRows adds
// them), so they are put in place in two steps, without comparing four
// fields per comparison: a counting sort by (outside, region) that keeps
// the arrival order, then each region's keys sorted as packed numbers,
// the print order above the key's place in its region. Keys that did not
// arrive in seq order are sorted field by field.
func (s *rowStore) order() {
	if !s.sorted {
		return
	}
	rank := s.regionRanks()
	if !slices.IsSortedFunc(s.keys, func(a, b storedKey) int { return cmp.Compare(a.seq, b.seq) }) {
		slices.SortFunc(s.keys, func(a, b storedKey) int {
			return cmp.Or(compareBool(a.outside, b.outside), cmp.Compare(rank[a.region], rank[b.region]),
				cmp.Compare(a.order, b.order), cmp.Compare(a.seq, b.seq))
		})
		return
	}
	start := s.groupStarts(rank)
	byRegion := make([]storedKey, len(s.keys))
	next := slices.Clone(start[:len(start)-1])
	for _, k := range s.keys {
		b := groupOf(k, rank)
		byRegion[next[b]] = k
		next[b]++
	}
	var packed []uint64
	for b := 0; b+1 < len(start); b++ {
		lo, hi := start[b], start[b+1]
		packed = packed[:0]
		for i, k := range byRegion[lo:hi] {
			// The print order, signed, as 32 bits that sort as it does;
			// below it the place in arrival order (< 2^31 rows).
			packed = append(packed, uint64(uint32(k.order)^1<<31)<<32|uint64(i))
		}
		slices.Sort(packed)
		for i, p := range packed {
			s.keys[lo+i] = byRegion[lo+int(uint32(p))]
		}
	}
}

// regionRanks are the ranks of the store's regions in code order, by
// id, so that keys compare by number.
func (s *rowStore) regionRanks() []uint16 {
	ids := make([]uint16, len(s.regionNames))
	for i := range ids {
		ids[i] = uint16(i)
	}
	slices.SortFunc(ids, func(a, b uint16) int { return cmp.Compare(s.regionNames[a], s.regionNames[b]) })
	rank := make([]uint16, len(ids))
	for r, id := range ids {
		rank[id] = uint16(r)
	}
	return rank
}

// groupOf is the group of a key in a sorted list, the keys of one
// region and side of the province's border: the groups of the
// province's regions come first, each in code order (rank).
func groupOf(k storedKey, rank []uint16) int {
	if k.outside {
		return len(rank) + int(rank[k.region])
	}
	return int(rank[k.region])
}

// groupStarts is where each group (groupOf) begins in the sorted list,
// the end of the last after them: group g is rows [start[g], start[g+1]).
func (s *rowStore) groupStarts(rank []uint16) []int {
	start := make([]int, 2*len(rank)+1)
	for _, k := range s.keys {
		start[groupOf(k, rank)+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	return start
}

// writeRows writes the XML of rows [from, to) in the store's order.
func (s *rowStore) writeRows(w io.Writer, from, to int) error {
	if from >= to {
		return s.flush()
	}
	data, evict, done, err := s.view()
	if err != nil {
		return err
	}
	defer done()
	if s.sorted {
		return s.writeSorted(w, data, evict, from, to, nil)
	}
	// Arrival order: one contiguous range, written a window at a time.
	for off, end := s.keys[from].off, s.keys[to-1].off+int64(s.keys[to-1].n); off < end; {
		next := min(off+evictEvery, end)
		if _, err := w.Write(data[off:next]); err != nil {
			return err
		}
		evict(off, next)
		off = next
	}
	return nil
}

// writeRuns writes rows [from, to) of a sorted store in key order into
// a deflate stream, each run of a region it shares (s.runs) as the
// run's segment, which the first of the workbooks sharing it deflates.
func (s *rowStore) writeRuns(w *segmentWriter, from, to int) error {
	if from >= to {
		return s.flush()
	}
	if !s.sorted {
		return errors.New("shared runs in an unsorted list")
	}
	data, evict, done, err := s.view()
	if err != nil {
		return err
	}
	defer done()
	var buf []byte // writeSorted's, from run to run
	for a := from; a < to; {
		b := a + 1
		for b < to && s.keys[b].region == s.keys[a].region {
			b++
		}
		run := s.runs[s.regionNames[s.keys[a].region]]
		if run == nil {
			if err := s.writeSorted(w, data, evict, a, b, &buf); err != nil {
				return err
			}
			a = b
			continue
		}
		if b-a != run.rows {
			return fmt.Errorf("a shared run of %d rows has %d here", run.rows, b-a)
		}
		seg, err := run.deflated(func(out io.Writer) error { return s.writeSorted(out, data, evict, a, b, &buf) })
		if err != nil {
			return err
		}
		if err := w.add(seg); err != nil {
			return err
		}
		run.used()
		a = b
	}
	return nil
}

// flush writes out what the store's spill file has buffered.
func (s *rowStore) flush() error {
	if s.err != nil {
		return s.err
	}
	if s.w != nil {
		return s.w.Flush()
	}
	return nil
}

// view returns the store's rows in arrival order (a borrowing store's
// source's), a function letting go of their pages up to an offset
// (evict), and one ending the view.
func (s *rowStore) view() (data []byte, evict func(from, to int64), done func(), err error) {
	if s.src != nil {
		if s.err != nil {
			return nil, nil, nil, s.err
		}
		return s.src.mapped()
	}
	if err := s.flush(); err != nil {
		return nil, nil, nil, err
	}
	return s.mapped()
}

// mapped is view for a store whose buffered rows are written out.
func (s *rowStore) mapped() (data []byte, evict func(from, to int64), done func(), err error) {
	if s.spill == nil {
		return s.buf.Bytes(), func(int64, int64) {}, func() {}, nil
	}
	m, err := mapFile(s.spill, s.size)
	if err != nil {
		return nil, nil, nil, err
	}
	return m.data, m.evict, func() { _ = m.close() }, nil // read only
}

// writeSorted writes rows [from, to) of a sorted store in key order.
//
// The rows lie anywhere in data, which holds them in arrival order.
// Read one by one in key order, they would touch the whole spill file
// again and again, and a page read maps the page cache's folio around it
// into the process's resident memory: on Linux with large folios a
// megabyte or more for a row of a few hundred bytes (at 1M rows the
// print list's 214 MB file was mostly resident, counting toward the
// run's peak). So the rows are gathered a window of the key order at a
// time, at most evictEvery bytes of them (or one row): the window's rows
// are copied in file order, one sweep over the mapping letting go of its
// pages behind it, each to its place in key order in a buffer, which is
// then written at once. A run of w windows maps each page of the file at
// most w times. The buffer is *scratch when given, left there for the
// next call.
func (s *rowStore) writeSorted(w io.Writer, data []byte, evict func(from, to int64), from, to int, scratch *[]byte) error {
	var (
		buf   []byte
		dst   []int64 // where each row of the window goes in buf, in key order
		byOff []int32 // the window's rows in file order
	)
	if scratch != nil {
		buf = *scratch
		defer func() { *scratch = buf }()
	}
	for start := from; start < to; {
		keys := s.keys[start:start]
		size := int64(0)
		for _, k := range s.keys[start:to] {
			if len(keys) > 0 && size+int64(k.n) > evictEvery {
				break
			}
			keys = keys[:len(keys)+1]
			size += int64(k.n)
		}
		start += len(keys)
		dst, byOff = dst[:0], byOff[:0]
		at := int64(0)
		for i, k := range keys {
			dst = append(dst, at)
			byOff = append(byOff, int32(i))
			at += int64(k.n)
		}
		slices.SortFunc(byOff, func(a, b int32) int { return cmp.Compare(keys[a].off, keys[b].off) })
		if int64(cap(buf)) < size {
			buf = make([]byte, size)
		}
		buf = buf[:size]
		let := int64(0) // the sweep has let go of the pages before it
		for _, i := range byOff {
			k := keys[i]
			copy(buf[dst[i]:], data[k.off:k.off+int64(k.n)])
			if k.off-let >= evictEvery {
				evict(let, k.off)
				let = k.off
			}
		}
		evict(let, int64(len(data)))
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// evictEvery is how many bytes of a mapped spill file may be resident
// before its pages are let go of (mapped.evict) while its sheet is
// written, and how many bytes of rows a sorted list gathers at a time
// (writeSorted). A variable for the tests.
var evictEvery int64 = 16 << 20

// pageSize is the unit of memory a mapping lets go of.
const pageSize = 4096

// close removes the store's temporary file once every store borrowing
// from it is closed too; a borrowing store lets go of its source.
func (s *rowStore) close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.src != nil {
		return s.src.release()
	}
	return s.release()
}

// release removes the store's temporary file when the last of it and
// its borrowers lets go of it.
func (s *rowStore) release() error {
	if s.holders.Add(-1) >= 0 || s.spill == nil {
		return nil
	}
	name := s.spill.Name()
	err := s.spill.Close()
	s.spill, s.w = nil, nil
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}
