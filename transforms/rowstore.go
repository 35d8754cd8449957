package transforms

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"readiness/pipeline"
)

// rowStore holds the rows classify gathers, grouped by NIK, in a compact
// form: each row is encoded into an append-only byte arena the moment it
// arrives, so nothing of the Arrow batch it came from is retained.
//
// The arena is a list of fixed-size chunks (storeChunkSize; a row longer
// than that gets a chunk of its own), so it grows without doubling copies
// or slack. A row's record is, in order:
//
//	header      1 byte of rowFlag bits
//	NIK         8 bytes if 16 digits (every row); else text, on the
//	            first row of the NIK only
//	row         varint
//	file, sheet interned
//	name        text; name_norm follows as text unless equal to the name
//	nkk         8 bytes if 16 digits, else text
//	tempat_lahir interned
//	nama_ibu, alamat text
//	kecamatan, kelurahan, sex, marital, event, service state, region,
//	dest        interned
//	birth, request, service dates   varint each, absent when missing
//	warnings    uvarint id of the row's list of warnings (0: none)
//
// Text is a uvarint length and the bytes. An interned field is a uvarint:
// id+1 of the value in the field's table, or 0 followed by the value as
// text once the table holds internLimit values. A null string and an
// empty one are the same ("").
//
// Beside the arena, each row costs 8 bytes (its offset in its chunk and
// the next row of its NIK) and each NIK 4 bytes (its first row). Rows
// group into a chain per NIK: next[i] is the following row of row i's
// NIK, 0 at the end (row 0 is never anyone's next).
//
// The chains of 16-digit NIKs (every accepted row's, validate sees to
// that) are linked by seal, not as rows arrive: until then each row
// keeps its NIK as a number (8 bytes), and seal sorts the rows into
// buckets by a hash of the NIK and links each bucket with a map small
// enough to stay in the cache, where one map of every NIK missed it on
// almost every row. Other NIKs are linked as they arrive, with a map of
// their text. Heads, groups and loads are therefore read after seal.
//
// Chunks in memory are bounded when the store has a NewScratch (see
// newRowStore): full chunks are kept while they total at most budget
// bytes, and every later full chunk is written to the scratch file (once,
// in order, one after the other) and let go; the chunk being filled stays
// in memory. The index (offsets, next, heads) stays in memory.
// Reading back serves Finish's access pattern (see group): a spilled
// chunk is read back whole, once, when the sweep through the heads
// reaches it, and kept until dropBefore lets it go; a row far ahead of
// its head is read alone, record by record.
//
// The zero value is empty, keeps everything in memory and is ready to
// use. Rows are added by one goroutine, then seal links them; after it
// heads is set, and group and load may be called from several goroutines
// at once, beside dropBefore from another one. The strings of the rows
// that load and group return alias the chunk (or, for a row read alone,
// the buffer) or the interned values: those are never written again once
// loading begins, and the garbage collector keeps them for as long as a
// string refers to them, so the strings stay valid after the store is
// dropped. Only a 16-digit NIK that groupWith returns is spelled in its
// chunkCache, valid until the next groupWith through it.
type rowStore struct {
	chunks     [][]byte         // nil once spilled and not read back, or dropped
	chunkFirst []int32          // index of the first row of each chunk
	offsets    []uint32         // row i begins at offsets[i] in its chunk
	next       []int32          // the next row of the same NIK, 0 at the end
	heads      []int32          // the first row of each NIK, by first appearance; set by seal
	headBits   []uint64         // bit i: row i is the first of its NIK; set by seal
	niks       [][]uint64       // until seal: each row's NIK as a number, or notNIK16; chunks of nikChunk
	otherTails map[string]int32 // NIKs that are not 16 digits: their last row so far
	otherHeads []int32          // their first rows
	sealed     bool             // seal was called: no more rows
	fields     [numInterned]interner
	warnings   interner // lists of warnings, encoded by warningKey
	warnLists  [][]string
	dropped    int    // chunks before this one are dropped (dropBefore)
	buf        []byte // the record being encoded
	key        []byte // the key of a list of warnings being looked up

	// Spilling; nil newScratch keeps every chunk in memory.
	newScratch pipeline.NewScratch
	budget     int64            // bytes of full chunks kept in memory
	held       int64            // bytes of full chunks kept so far
	scratch    pipeline.Scratch // nil until a chunk is spilled
	written    int64            // bytes written to scratch
	pos        []int64          // where each chunk is in scratch, -1 when not there
	size       []uint32         // bytes of each full chunk
	spare      []byte           // the buffer of the chunk spilled last, for the next chunk
	failed     error            // a failed spill: the store is unusable
	chunkSize  int              // bytes of a chunk; 0 means storeChunkSize (tests make it small)

	mu         sync.Mutex   // guards chunks while loading
	chunkReads atomic.Int64 // spilled chunks read back whole
	farReads   atomic.Int64 // records read alone
}

// newRowStore returns a store that keeps full chunks in memory while they
// total at most budget bytes and spills the later ones to a scratch file
// from newScratch; a nil newScratch keeps everything in memory.
func newRowStore(newScratch pipeline.NewScratch, budget int64) rowStore {
	return rowStore{newScratch: newScratch, budget: budget}
}

const (
	storeChunkSize = 1 << 20
	internLimit    = 1 << 16 // values an interned field's table holds at most
	nikChunk       = 1 << 16 // NIKs per chunk of rowStore.niks
	linkBits       = 10      // seal links the rows in 1<<linkBits buckets
	notNIK16       = math.MaxUint64
)

// The rowFlag bits of a record's header.
const (
	flagDup       = 1 << iota // the row is a duplicate (K1)
	flagHead                  // the first row of a NIK not of 16 digits: its text follows
	flagNIK16                 // the NIK is 16 digits, stored as 8 bytes
	flagNameSame              // name_norm equals the display name
	flagNKK16                 // the NKK is 16 digits, stored as 8 bytes
	flagNoBirth               // no birth date
	flagNoRequest             // no request date
	flagNoService             // no service date
)

// The interned fields, in record order.
const (
	internFile = iota
	internSheet
	internBirthPlace
	internKecamatan
	internKelurahan
	internSex
	internMarital
	internEvent
	internState
	internRegion
	internDest
	numInterned
)

// errSealed is returned by an add after seal.
var errSealed = errors.New("classify: a row gathered after Finish began")

// errStoreFull is returned when a run gathers more rows than an int32
// indexes.
var errStoreFull = errors.New("classify: more than 2147483647 accepted rows")

// add appends a row of the given NIK. in's seq, source and nkkNum are
// ignored: file, sheet and line make the source, in.nkk is the NKK. The strings may alias memory that
// is reused once add returns; the store copies what it keeps.
func (s *rowStore) add(nik, file, sheet string, line int32, in *row) error {
	if s.failed != nil {
		return s.failed
	}
	if s.sealed {
		return errSealed
	}
	i := len(s.offsets)
	if i == math.MaxInt32 {
		return errStoreFull
	}
	head := false
	packed, nik16 := packNIK(nik)
	if last := len(s.niks) - 1; last < 0 || len(s.niks[last]) == nikChunk {
		s.niks = append(s.niks, make([]uint64, 0, nikChunk))
	}
	last := len(s.niks) - 1
	if nik16 {
		s.niks[last] = append(s.niks[last], packed) // linked by seal
	} else {
		s.niks[last] = append(s.niks[last], notNIK16)
		if s.otherTails == nil {
			s.otherTails = make(map[string]int32)
		}
		if t, ok := s.otherTails[nik]; ok {
			s.next[t] = int32(i)
			s.otherTails[nik] = int32(i)
		} else {
			head = true
			s.otherTails[strings.Clone(nik)] = int32(i)
		}
	}
	s.next = append(s.next, 0)
	if head {
		s.otherHeads = append(s.otherHeads, int32(i))
	}

	var hdr byte
	flag := func(bit byte, on bool) {
		if on {
			hdr |= bit
		}
	}
	nkk, nkk16 := packNIK(in.nkk)
	flag(flagDup, in.dup)
	flag(flagHead, head)
	flag(flagNIK16, nik16)
	flag(flagNameSame, in.nameNorm == in.name)
	flag(flagNKK16, nkk16)
	flag(flagNoBirth, in.birth == noDate)
	flag(flagNoRequest, in.request == noDate)
	flag(flagNoService, in.service == noDate)

	b := append(s.buf[:0], hdr)
	if nik16 {
		b = binary.LittleEndian.AppendUint64(b, packed)
	} else if head {
		b = appendText(b, nik)
	}
	b = binary.AppendVarint(b, int64(line))
	b = s.appendInterned(b, internFile, file)
	b = s.appendInterned(b, internSheet, sheet)
	b = appendText(b, in.name)
	if hdr&flagNameSame == 0 {
		b = appendText(b, in.nameNorm)
	}
	if nkk16 {
		b = binary.LittleEndian.AppendUint64(b, nkk)
	} else {
		b = appendText(b, in.nkk)
	}
	b = s.appendInterned(b, internBirthPlace, in.birthPlace)
	b = appendText(b, in.mother)
	b = appendText(b, in.address)
	b = s.appendInterned(b, internKecamatan, in.kecamatan)
	b = s.appendInterned(b, internKelurahan, in.kelurahan)
	b = s.appendInterned(b, internSex, in.sex)
	b = s.appendInterned(b, internMarital, in.marital)
	b = s.appendInterned(b, internEvent, in.event)
	b = s.appendInterned(b, internState, in.state)
	b = s.appendInterned(b, internRegion, in.region)
	b = s.appendInterned(b, internDest, in.dest)
	for _, d := range [...]int32{in.birth, in.request, in.service} {
		if d != noDate {
			b = binary.AppendVarint(b, int64(d))
		}
	}
	b = binary.AppendUvarint(b, s.warningsID(in.warnings))
	s.buf = b

	k := len(s.chunks) - 1
	if k < 0 || len(s.chunks[k])+len(b) > cap(s.chunks[k]) {
		if k >= 0 {
			if err := s.complete(k); err != nil {
				return err
			}
		}
		c := s.spare
		if s.spare = nil; cap(c) < len(b) {
			c = make([]byte, 0, max(s.chunkBytes(), len(b)))
		}
		s.chunks = append(s.chunks, c[:0])
		s.chunkFirst = append(s.chunkFirst, int32(i))
		s.pos, s.size = append(s.pos, -1), append(s.size, 0)
		k++
	}
	s.offsets = append(s.offsets, uint32(len(s.chunks[k])))
	s.chunks[k] = append(s.chunks[k], b...)
	return nil
}

// complete is called once chunk k is full: it keeps the chunk in memory
// within the budget, else writes it to the scratch file and lets it go.
func (s *rowStore) complete(k int) error {
	c := s.chunks[k]
	s.size[k] = uint32(len(c))
	if s.newScratch == nil || s.scratch == nil && s.held+int64(len(c)) <= s.budget {
		s.held += int64(len(c))
		return nil
	}
	if s.scratch == nil {
		sc, err := s.newScratch()
		if err != nil {
			return s.fail(fmt.Errorf("classify: spilling gathered rows: %w", err))
		}
		s.scratch = sc
	}
	if _, err := s.scratch.WriteAt(c, s.written); err != nil {
		return s.fail(fmt.Errorf("classify: spilling gathered rows: %w", err))
	}
	s.pos[k] = s.written
	s.written += int64(len(c))
	s.chunks[k] = nil
	if cap(c) == s.chunkBytes() {
		s.spare = c // nothing is loaded while rows are added
	}
	return nil
}

// chunkBytes is the size of a chunk.
func (s *rowStore) chunkBytes() int {
	if s.chunkSize > 0 {
		return s.chunkSize
	}
	return storeChunkSize
}

// fail closes and removes the scratch file and keeps err as the answer to
// every later add, group and load.
func (s *rowStore) fail(err error) error {
	s.release()
	s.failed = err
	return err
}

// release closes and removes the scratch file, if any. Rows in memory
// stay readable; spilled rows no longer are.
func (s *rowStore) release() {
	if s.scratch != nil {
		_ = s.scratch.Close() // the file goes either way; nothing is lost
		s.scratch = nil
	}
	s.spare = nil
}

// seal ends the gathering: it links the rows of each 16-digit NIK, finds
// the heads, and drops the tables only add uses (the NIKs, the interned
// values' lookups), which at millions of rows are a large part of what
// the index holds. add fails after it; a second seal does nothing.
func (s *rowStore) seal() {
	if s.sealed {
		return
	}
	s.sealed = true
	s.link()
	s.niks, s.otherTails, s.otherHeads = nil, nil, nil
	for f := range s.fields {
		s.fields[f].ids = nil
	}
	s.warnings.ids = nil
}

// link links the rows of each 16-digit NIK into its chain and sets heads
// and headBits. The rows are sorted into buckets by a hash of their NIK,
// keeping their order within a bucket; each bucket is then linked with a
// map of its NIKs' last rows, cleared between buckets.
func (s *rowStore) link() {
	n := len(s.next)
	first := make([]uint64, (n+63)/64)
	for _, h := range s.otherHeads {
		first[h>>6] |= 1 << (h & 63)
	}
	bucket := func(nik uint64) int { return int((nik * 0x9E3779B97F4A7C15) >> (64 - linkBits)) }
	var start [1<<linkBits + 1]int
	for _, c := range s.niks {
		for _, nik := range c {
			if nik != notNIK16 {
				start[bucket(nik)+1]++
			}
		}
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	keys, rows := make([]uint64, start[len(start)-1]), make([]int32, start[len(start)-1])
	at := start
	i := int32(0)
	for k, c := range s.niks {
		for _, nik := range c {
			if nik != notNIK16 {
				b := bucket(nik)
				keys[at[b]], rows[at[b]] = nik, i
				at[b]++
			}
			i++
		}
		s.niks[k] = nil
	}
	tails := make(map[uint64]int32)
	for b := 0; b+1 < len(start); b++ {
		clear(tails)
		for j := start[b]; j < start[b+1]; j++ {
			nik, r := keys[j], rows[j]
			if t, ok := tails[nik]; ok {
				s.next[t] = r
			} else {
				first[r>>6] |= 1 << (r & 63)
			}
			tails[nik] = r
		}
	}
	heads := 0
	for _, w := range first {
		heads += bits.OnesCount64(w)
	}
	s.heads = make([]int32, 0, heads)
	for w, word := range first {
		for ; word != 0; word &= word - 1 {
			s.heads = append(s.heads, int32(w*64+bits.TrailingZeros64(word)))
		}
	}
	s.headBits = first
}

// isHead reports whether row i is the first of its NIK (after seal).
func (s *rowStore) isHead(i int32) bool {
	return int(i>>6) < len(s.headBits) && s.headBits[i>>6]&(1<<(i&63)) != 0
}

// dropBefore lets go of the chunks that hold only rows before row i.
// Every row of a NIK comes at or after its first row, so once the groups
// of the heads before i are loaded, nothing reads those chunks again
// (strings loaded from them keep them alive as long as they are used).
// Rows before i must not be loaded after it. It may be called beside
// group and load.
func (s *rowStore) dropBefore(i int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := s.dropped; k+1 < len(s.chunks) && s.chunkFirst[k+1] <= i; k++ {
		s.chunks[k] = nil
		s.dropped = k + 1
	}
}

// len is the number of rows gathered.
func (s *rowStore) len() int { return len(s.offsets) }

// group appends to dst the rows of the NIK whose first row is head, in
// input order, and returns it with the NIK. A spilled chunk holding the
// head, or the chunk after it, is read back whole and kept until
// dropBefore lets it go (heads are swept in order, so each is read once);
// a row further ahead is read alone unless its chunk is in memory.
func (s *rowStore) group(head int32, dst []row) ([]row, string, error) {
	return s.groupWith(head, dst, &chunkCache{})
}

// chunkCache is the chunk a goroutine read a row from last, so that the
// rows after it in that chunk are read without the store's lock or a
// search for their chunk. The zero value holds none.
type chunkCache struct {
	c          []byte
	first, end int32        // the chunk's rows
	nik        [nikLen]byte // the digits of the NIK groupWith returned last
}

// groupWith is group reading through cc, which one goroutine uses at a
// time. A 16-digit NIK it returns is spelled in cc: it is valid until
// the next groupWith through cc.
func (s *rowStore) groupWith(head int32, dst []row, cc *chunkCache) ([]row, string, error) {
	if s.failed != nil {
		return dst, "", s.failed
	}
	near := -1 // the chunk after head's, found when needed
	var nik string
	for i := head; ; {
		var b []byte
		var p int
		if cc.c != nil && i >= cc.first && i < cc.end {
			b, p = cc.c, int(s.offsets[i])
		} else {
			if near < 0 {
				near = s.chunkOf(head) + 1
			}
			var k int
			var whole bool
			var err error
			if b, p, k, whole, err = s.record(i, near); err != nil {
				return dst, "", err
			}
			if whole {
				cc.c, cc.first, cc.end = b, s.chunkFirst[k], int32(len(s.offsets))
				if k+1 < len(s.chunkFirst) {
					cc.end = s.chunkFirst[k+1]
				}
			}
		}
		dst = append(dst, row{})
		n := s.decode(b, p, i, s.isHead(i), &dst[len(dst)-1], &cc.nik)
		if i == head {
			nik = n
		}
		if i = s.next[i]; i == 0 {
			return dst, nik, nil
		}
	}
}

// load decodes row i, and its NIK when it is the first row of its NIK,
// reading its chunk back whole if it was spilled. The store is sealed.
func (s *rowStore) load(i int32) (r row, nik string, err error) {
	nik, err = s.loadNear(i, s.chunkOf(i), &r)
	return r, nik, err
}

// chunkOf returns the chunk that holds row i.
func (s *rowStore) chunkOf(i int32) int {
	return sort.Search(len(s.chunkFirst), func(k int) bool { return s.chunkFirst[k] > i }) - 1
}

// loadNear decodes row i into r, which is zero, reading its chunk back
// whole if it was spilled and is at most chunk near, else reading the
// row's record alone.
func (s *rowStore) loadNear(i int32, near int, r *row) (string, error) {
	if s.failed != nil {
		return "", s.failed
	}
	b, p, _, _, err := s.record(i, near)
	if err != nil {
		return "", err
	}
	return s.decode(b, p, i, s.isHead(i), r, new([nikLen]byte)), nil
}

// record returns the bytes row i's record is in, where it begins, and
// the row's chunk k; whole reports that b is all of chunk k.
func (s *rowStore) record(i int32, near int) (b []byte, p, k int, whole bool, err error) {
	k = s.chunkOf(i)
	s.mu.Lock()
	c := s.chunks[k]
	if c == nil && k <= near && s.pos[k] >= 0 {
		if c, err = s.readChunk(k); err == nil {
			s.chunks[k] = c
		}
	}
	s.mu.Unlock()
	switch {
	case err != nil:
		return nil, 0, k, false, err
	case c != nil:
		return c, int(s.offsets[i]), k, true, nil
	case s.pos[k] < 0:
		return nil, 0, k, false, fmt.Errorf("classify: row %d loaded after its chunk was dropped", i)
	}
	// Far ahead: read the record alone. It ends where the next row of its
	// chunk begins, or at the chunk's end.
	end := s.size[k]
	if int(i)+1 < len(s.offsets) && (k+1 == len(s.chunkFirst) || s.chunkFirst[k+1] > i+1) {
		end = s.offsets[i+1]
	}
	b = make([]byte, end-s.offsets[i])
	if err := s.readAt(b, s.pos[k]+int64(s.offsets[i])); err != nil {
		return nil, 0, k, false, err
	}
	s.farReads.Add(1)
	return b, 0, k, false, nil
}

// readChunk reads spilled chunk k back into a new buffer.
func (s *rowStore) readChunk(k int) ([]byte, error) {
	c := make([]byte, s.size[k])
	if err := s.readAt(c, s.pos[k]); err != nil {
		return nil, err
	}
	s.chunkReads.Add(1)
	return c, nil
}

// readAt fills b from the scratch file at off.
func (s *rowStore) readAt(b []byte, off int64) error {
	if s.scratch == nil {
		return errors.New("classify: reading gathered rows back: the scratch file is gone")
	}
	n, err := s.scratch.ReadAt(b, off)
	if n == len(b) {
		return nil // io.ReaderAt may report io.EOF with the last bytes
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("classify: reading gathered rows back: %w", err)
}

// decode decodes row i from its record at b[p:] into r, which is zero,
// and returns its NIK when head (the first row of its NIK). The strings
// alias b or the interned values; a 16-digit NIK is spelled in nikBuf. A
// 16-digit NKK stays packed (row.nkkNum).
func (s *rowStore) decode(b []byte, p int, i int32, head bool, r *row, nikBuf *[nikLen]byte) (nik string) {
	d := recordReader{b: b, p: p}
	hdr := d.b[d.p]
	d.p++
	var nik16 uint64
	switch {
	case hdr&flagNIK16 != 0:
		nik16 = d.fixed64()
	case hdr&flagHead != 0:
		nik = d.text()
	}
	r.seq, r.dup = int(i), hdr&flagDup != 0
	r.source.line = int32(d.varint())
	r.source.file, r.source.sheet = s.interned(&d, internFile), s.interned(&d, internSheet)
	if head && hdr&flagNIK16 != 0 {
		appendDigits16(nikBuf[:0], nik16)
		nik = unsafe.String(&nikBuf[0], nikLen)
	}
	r.name = d.text()
	r.nameNorm = r.name
	if hdr&flagNameSame == 0 {
		r.nameNorm = d.text()
	}
	if hdr&flagNKK16 != 0 {
		r.nkkNum = d.fixed64() + 1
	} else {
		r.nkk = d.text()
	}
	r.birthPlace = s.interned(&d, internBirthPlace)
	r.mother, r.address = d.text(), d.text()
	r.kecamatan = s.interned(&d, internKecamatan)
	r.kelurahan = s.interned(&d, internKelurahan)
	r.sex = s.interned(&d, internSex)
	r.marital = s.interned(&d, internMarital)
	r.event = s.interned(&d, internEvent)
	r.state = s.interned(&d, internState)
	r.region = s.interned(&d, internRegion)
	r.dest = s.interned(&d, internDest)
	r.birth = d.date(hdr&flagNoBirth == 0)
	r.request = d.date(hdr&flagNoRequest == 0)
	r.service = d.date(hdr&flagNoService == 0)
	if id := d.uvarint(); id > 0 {
		r.warnings = s.warnLists[id-1]
	}
	return nik
}

// appendInterned appends v as interned field f.
func (s *rowStore) appendInterned(b []byte, f int, v string) []byte {
	if id, ok := s.fields[f].id(v); ok {
		return binary.AppendUvarint(b, uint64(id)+1)
	}
	return appendText(append(b, 0), v)
}

// interned reads interned field f.
func (s *rowStore) interned(d *recordReader, f int) string {
	if id := d.uvarint(); id > 0 {
		return s.fields[f].values[id-1]
	}
	return d.text()
}

// warningsID returns the id+1 of a row's list of warnings, 0 for none.
// Lists are few (combinations of a handful of codes); each is kept once,
// and rows share it read-only.
func (s *rowStore) warningsID(ws []string) uint64 {
	if len(ws) == 0 {
		return 0
	}
	key := s.key[:0]
	for _, w := range ws {
		key = appendText(key, w)
	}
	s.key = key
	id, ok := s.warnings.id(unsafe.String(unsafe.SliceData(key), len(key)))
	if !ok {
		// More distinct lists than internLimit: each gets its own entry.
		id = uint32(len(s.warnLists))
	}
	if int(id) == len(s.warnLists) {
		s.warnLists = append(s.warnLists, cloneStrings(ws))
	}
	return uint64(id) + 1
}

func cloneStrings(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}

func appendText(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// interner gives each distinct value an id, up to internLimit values.
type interner struct {
	ids    map[string]uint32
	values []string
	// recent caches the id+1 (0: none) of a value asked for before, at
	// the slot recentSlot picks for it: most fields have a few values, and
	// comparing one string is cheaper than a map lookup.
	recent [recentSlots]uint32
}

// recentSlots is the size of an interner's cache of recent values.
const recentSlots = 256

// recentSlot picks v's slot in an interner's cache from its length and
// three of its bytes.
func recentSlot(v string) int {
	n := len(v)
	if n == 0 {
		return 0
	}
	return (n*37 + int(v[0])*31 + int(v[n/2])*7 + int(v[n-1])) & (recentSlots - 1)
}

// id returns v's id, giving it one if there is room; ok is false when the
// table is full and v is not in it. v may alias reused memory: the table
// keeps a copy.
func (t *interner) id(v string) (id uint32, ok bool) {
	slot := recentSlot(v)
	if c := t.recent[slot]; c > 0 && t.values[c-1] == v {
		return c - 1, true
	}
	id, ok = t.ids[v]
	if !ok {
		if len(t.values) >= internLimit {
			return 0, false
		}
		if t.ids == nil {
			t.ids = make(map[string]uint32)
		}
		id, v = uint32(len(t.values)), strings.Clone(v)
		t.ids[v] = id
		t.values = append(t.values, v)
	}
	t.recent[slot] = id + 1
	return id, true
}

// recordReader decodes a record of the arena.
type recordReader struct {
	b []byte
	p int
}

func (d *recordReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b[d.p:])
	d.p += n
	return v
}

func (d *recordReader) varint() int64 {
	v, n := binary.Varint(d.b[d.p:])
	d.p += n
	return v
}

// date reads a date when present, else returns noDate.
func (d *recordReader) date(present bool) int32 {
	if !present {
		return noDate
	}
	return int32(d.varint())
}

func (d *recordReader) fixed64() uint64 {
	v := binary.LittleEndian.Uint64(d.b[d.p:])
	d.p += 8
	return v
}

// text reads a length-prefixed string, aliasing the arena.
func (d *recordReader) text() string {
	n := int(d.uvarint())
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[d.p], n)
	d.p += n
	return s
}
