package source

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
)

// A worksheet part is read from its zip entry once when the workbook is
// opened, a window at a time, instead of being held whole (about 620
// bytes a row, 62 MB for a sheet of 100,000 rows): the pass checks it as
// fastChecked would (checkChunk, checkEnd, no "]]>"), finds a deflate
// stream excelize would refuse (the workbook does not open, before any
// row is emitted), and runs the fast reader's scan over it, which notes
// the rows it would hand over in a rowLog (about 95 bytes a row) instead
// of handing them over. The sheet is read later by handing over the
// logged rows, only if the part passed the checks. A part excelize must
// read (from the row where the fast reader stopped, or whole) is
// inflated again then, and held as before.

// Sizes of the window the pass reads a part through.
const (
	partWindow = 256 << 10
	// maxWindow bounds the stretch from a row's start (or the part's
	// start, before <sheetData>) the window grows to hold: at a longer
	// one the fast reader stops and hands over to excelize, which is
	// always safe.
	maxWindow = 4 << 20
)

// partRead is what the pass over one worksheet part found.
type partRead struct {
	// regular: the part inflated to the size its entry declares, so the
	// pass saw the bytes inflatePart holds. Otherwise (a stream ending
	// early) those bytes depend on how the stream was read: the sheet is
	// then read from the part inflated whole, as before.
	regular bool
	size    uint64 // the part's size
	checked bool   // it passes fastChecked
	hint    int    // sheetRowsHint of it
	// The scan, when it ran (a part passing the checks, with shared
	// strings the fast reader takes): done and last as scanRows returns
	// them, and the rows it handed over.
	scanned    bool
	done       bool
	last       int
	log        rowLog
	sheetsLeft int // the sheets still to read from this part
}

// readPart makes the pass over a worksheet part of at most the per-part
// limit (checked by the caller), the bytes it reads being those
// inflatePart holds, through a window of window bytes at first, grown to
// hold a stretch of limit bytes. With sst it scans the rows too. The
// error is that of inflatePart: a corrupt deflate stream.
func readPart(zf *zip.File, sst *sharedStrings, window, limit int) (*partRead, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	size := zf.UncompressedSize64
	ps := &partStream{rc: rc, left: size, limit: limit, buf: make([]byte, min(uint64(window), max(size, 1)))}
	var c xcur
	ps.fill(&c, 0)
	pr := &partRead{size: size}
	if sst != nil && !ps.bad && ps.err == nil {
		fs := &fastSheet{c: c, sst: sst, src: ps, log: &pr.log}
		pr.done, pr.last, _ = fs.scan(nil) // no error: the rows go to the log
		c = fs.c
	}
	for {
		if _, ok := ps.fill(&c, len(c.b)); !ok {
			break
		}
	}
	pr.regular = ps.err == nil
	pr.hint = sheetRowsHint(ps.head)
	if pr.regular {
		_, _ = io.Copy(io.Discard, rc) // to the stream's end, where its errors show
		pr.checked = !ps.bad && !ps.cdata && checkEnd(ps.tail[max(0, len(ps.tail)-tailSize):]) == nil
		pr.scanned = sst != nil && pr.checked && size > 0
	}
	if !pr.scanned {
		pr.log = rowLog{}
	}
	return pr, rc.Close()
}

// partStream reads a part from its zip entry into a window, reading as
// inflatePart does (never past the entry's declared size), and checks
// each byte once as it comes in.
type partStream struct {
	rc    io.Reader
	left  uint64 // bytes of the declared size not read yet
	limit int    // the longest stretch more keeps (maxWindow)
	buf   []byte // the window's storage
	err   error  // a read error before the declared size was read
	// The checks of fastChecked, over what was read so far.
	chk   int    // offset in the window of the first byte checkChunk has not passed
	bad   bool   // checkChunk failed
	cdata bool   // "]]>" was read
	tail  []byte // at least the last tailSize bytes read, or all
	head  []byte // the first hintSize bytes read, for sheetRowsHint
}

// hintSize bytes from a part's start are all sheetRowsHint reads.
const hintSize = 4096 + 64

// more moves more of the part into the window c.b for the scan, keeping
// it from offset keep on, and returns where that is now. false when
// nothing more comes, when the stretch from keep on is ps.limit long,
// or once the part has failed the checks (the scan's rows will not be
// used).
func (ps *partStream) more(c *xcur, keep int) (int, bool) {
	if ps.bad || len(c.b)-keep >= ps.limit {
		return keep, false
	}
	shift, ok := ps.fill(c, keep)
	return keep - shift, ok
}

// fill drops the window's bytes before from (never those not checked
// yet), reads on into the room after the rest, doubling the storage when
// the rest fills it, and checks what it read. It returns how far the
// window's bytes moved (c.i moves with them), and false when nothing more
// comes.
func (ps *partStream) fill(c *xcur, from int) (shift int, ok bool) {
	if ps.left == 0 || ps.err != nil {
		return 0, false
	}
	from = min(from, ps.chk)
	n := copy(ps.buf, c.b[from:])
	if n == len(ps.buf) {
		grown := make([]byte, 2*len(ps.buf))
		copy(grown, ps.buf[:n])
		ps.buf = grown
	}
	ps.chk -= from
	end := n
	for end < len(ps.buf) && ps.left > 0 {
		k, err := ps.rc.Read(ps.buf[end : end+int(min(uint64(len(ps.buf)-end), ps.left))])
		end += k
		ps.left -= uint64(k)
		if err != nil && ps.left > 0 {
			ps.err = err
			break
		}
	}
	c.b, c.i = ps.buf[:end], c.i-from
	ps.check(c.b, n)
	return from, end > n
}

// check runs the checks over the bytes just read into the window w, from
// offset n on.
func (ps *partStream) check(w []byte, n int) {
	news := w[n:]
	if len(news) == 0 {
		return
	}
	// "]]>" across the previous read and this one, then within this one.
	seam := append(ps.tail[max(0, len(ps.tail)-2):len(ps.tail):len(ps.tail)], news[:min(len(news), 2)]...)
	ps.cdata = ps.cdata || bytes.Contains(seam, []byte("]]>")) || bytes.Contains(news, []byte("]]>"))
	if len(ps.head) < hintSize {
		ps.head = append(ps.head, news[:min(len(news), hintSize-len(ps.head))]...)
	}
	ps.tail = append(ps.tail, news[max(0, len(news)-tailSize):]...)
	if len(ps.tail) > 4*tailSize {
		ps.tail = append(ps.tail[:0], ps.tail[len(ps.tail)-tailSize:]...)
	}
	if ps.bad {
		return
	}
	data := w[ps.chk:]
	keep, bad := checkChunk(data, ps.left == 0)
	if bad >= 0 {
		ps.bad = true
		return
	}
	ps.chk += len(data) - keep
}

// rowLog holds the rows a scan hands over, to hand them over later in
// the same order, in chunks of about logChunk bytes. A row is its number,
// its texts not taken from the shared strings, and each of its <c>: its
// column, its cellMeta flags and style, and its value (a shared string's
// index, or the length of its text).
type rowLog struct {
	chunks [][]byte
	rows   int
}

const logChunk = 1 << 20

// Flags of a cell in the log.
const (
	logNumeric = 1 << iota
	logFormula
	logValue
	logHasVal // the cell has a value in the row (a fastCell)
	logSST    // that value is a shared string
)

// add logs a row: n its number, arena its texts, vals its cells with a
// value (a subsequence of meta, in column order), meta every <c> of it.
func (l *rowLog) add(n int, arena []byte, vals []fastCell, meta []cellMeta) {
	need := 3*binary.MaxVarintLen64 + len(arena) + len(meta)*(1+3*binary.MaxVarintLen64)
	if len(l.chunks) == 0 || cap(l.chunks[len(l.chunks)-1])-len(l.chunks[len(l.chunks)-1]) < need {
		l.chunks = append(l.chunks, make([]byte, 0, max(logChunk, need)))
	}
	b := l.chunks[len(l.chunks)-1]
	b = binary.AppendUvarint(b, uint64(n))
	b = binary.AppendUvarint(b, uint64(len(arena)))
	b = append(b, arena...)
	b = binary.AppendUvarint(b, uint64(len(meta)))
	v := 0
	for _, m := range meta {
		var flags byte
		if m.numeric {
			flags |= logNumeric
		}
		if m.formula {
			flags |= logFormula
		}
		if m.value {
			flags |= logValue
		}
		hasVal := v < len(vals) && vals[v].col == m.col
		if hasVal {
			flags |= logHasVal
			if vals[v].sst >= 0 {
				flags |= logSST
			}
		}
		b = append(b, flags)
		b = binary.AppendUvarint(b, uint64(m.col))
		b = binary.AppendUvarint(b, uint64(m.style))
		if hasVal {
			if vals[v].sst >= 0 {
				b = binary.AppendUvarint(b, uint64(vals[v].sst))
			} else {
				b = binary.AppendUvarint(b, uint64(vals[v].hi-vals[v].lo))
			}
			v++
		}
	}
	l.chunks[len(l.chunks)-1] = b
	l.rows++
}

// replay hands the logged rows to fn as the scan would have, in order,
// with the same done and last once every row is handed over (scanned
// done and last). With drop it lets go of each chunk once read.
func (l *rowLog) replay(sst *sharedStrings, fn rowFunc, done bool, last int, drop bool) (bool, int, error) {
	var (
		meta  []cellMeta
		cells []string
	)
	for ci := range l.chunks {
		b := l.chunks[ci]
		if drop {
			l.chunks[ci] = nil
		}
		for len(b) > 0 {
			var n, k uint64
			n, b = uvarint(b)
			k, b = uvarint(b)
			s := string(b[:k]) // one allocation for the row's own texts, as flush makes
			b = b[k:]
			k, b = uvarint(b)
			meta, cells = meta[:0], cells[:0]
			lo := 0
			for range k {
				flags := b[0]
				var col, style, v uint64
				col, b = uvarint(b[1:])
				style, b = uvarint(b)
				meta = append(meta, cellMeta{col: int(col), numeric: flags&logNumeric != 0,
					formula: flags&logFormula != 0, value: flags&logValue != 0, style: int(style)})
				if flags&logHasVal == 0 {
					continue
				}
				v, b = uvarint(b)
				var text string
				if flags&logSST != 0 {
					var ok bool
					if text, ok = sstValue(sst, int(v), flags&logFormula != 0); !ok {
						continue
					}
				} else {
					text = s[lo : lo+int(v)]
					lo += int(v)
				}
				for len(cells) < int(col) {
					cells = append(cells, "")
				}
				cells = append(cells, text)
			}
			if stop, err := fn(int(n), cells, meta); stop || err != nil {
				return true, last, err
			}
		}
	}
	return done, last, nil
}

// uvarint reads a uvarint the log wrote at the start of b.
func uvarint(b []byte) (uint64, []byte) {
	if b[0] < 0x80 {
		return uint64(b[0]), b[1:]
	}
	if len(b) > 1 && b[1] < 0x80 { // below 1<<14: most shared string indexes
		return uint64(b[0]&0x7f) | uint64(b[1])<<7, b[2:]
	}
	v, n := binary.Uvarint(b)
	return v, b[n:]
}
