package sink

// The rows a province's workbook and a regency's have in common,
// deflated once for both. The print and recording lists are sorted by
// region first (rowStore.order), so a regency's rows are one run of the
// province's list, the same bytes in the same order as the whole of the
// regency's own list, and a row carries no reference to its row number.
// A deflate stream may be cut into pieces that each start afresh (no
// match reaching into the piece before) and end on a byte boundary (a
// sync flush): such pieces written one after the other are one valid
// stream. So a regency's run is deflated once, by whichever of the two
// workbooks writes it first, and both sheets' streams take the same
// bytes, the rest of each sheet deflated around it; the CRC-32 of the
// whole is combined from the pieces', and the sizes and CRC go in a data
// descriptor after the entry.

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
)

// sharedRun is one regency's rows of a sorted list, in the province's
// workbook and in the regency's.
type sharedRun struct {
	rows  int   // the rows of the run, in both
	size  int64 // their bytes
	once  sync.Once
	seg   segment
	err   error
	users atomic.Int32 // workbooks yet to write it: its bytes are dropped after the last
}

// segment is a piece of a deflate stream that starts afresh and ends on
// a byte boundary, not the stream's last, with the CRC-32 and size of
// what it inflates to.
type segment struct {
	data []byte
	crc  uint32
	n    int64
}

// deflated returns the run deflated, by write (which writes the run's
// rows) the first time it is asked for, else as the first asker
// deflated it.
func (r *sharedRun) deflated(write func(io.Writer) error) (segment, error) {
	r.once.Do(func() { r.seg, r.err = deflateSegment(write) })
	if r.err == nil && r.seg.n != r.size {
		return segment{}, fmt.Errorf("a shared run of %d bytes deflated from %d", r.size, r.seg.n)
	}
	return r.seg, r.err
}

// used says a workbook has written the run.
func (r *sharedRun) used() {
	if r.users.Add(-1) == 0 {
		r.seg.data = nil
	}
}

// deflateSegment deflates what write writes into a segment.
func deflateSegment(write func(io.Writer) error) (segment, error) {
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return segment{}, err
	}
	cw := &crcWriter{w: fw}
	if err := write(cw); err != nil {
		return segment{}, err
	}
	if err := fw.Flush(); err != nil {
		return segment{}, err
	}
	return segment{data: buf.Bytes(), crc: cw.crc, n: cw.n}, nil
}

// crcWriter passes what is written on to w, counting its CRC-32 and size.
type crcWriter struct {
	w   io.Writer
	crc uint32
	n   int64
}

func (c *crcWriter) Write(p []byte) (int, error) {
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p)
	c.n += int64(len(p))
	return c.w.Write(p)
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// segmentWriter writes one raw deflate stream to out: what is written
// to it deflated at level 1, and segments deflated elsewhere in between
// (add). It counts the CRC-32 and sizes a zip entry's header needs.
type segmentWriter struct {
	out *countWriter
	fw  *flate.Writer
	in  crcWriter // what the stream inflates to, but for the segments
	crc uint32    // of what the stream inflates to, up to the last segment added
	n   int64     // its size
}

func newSegmentWriter(out io.Writer) (*segmentWriter, error) {
	w := &segmentWriter{out: &countWriter{w: out}}
	fw, err := flate.NewWriter(w.out, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	w.fw, w.in.w = fw, fw
	return w, nil
}

// Write implements io.Writer.
func (w *segmentWriter) Write(p []byte) (int, error) { return w.in.Write(p) }

// add ends what was written so far on a byte boundary, then writes seg;
// what is written next starts afresh.
func (w *segmentWriter) add(seg segment) error {
	if err := w.fw.Flush(); err != nil {
		return err
	}
	if _, err := w.out.Write(seg.data); err != nil {
		return err
	}
	w.crc = crc32Combine(crc32Combine(w.crc, w.in.crc, w.in.n), seg.crc, seg.n)
	w.n += w.in.n + seg.n
	w.in.crc, w.in.n = 0, 0
	w.fw.Reset(w.out)
	return nil
}

// Close ends the stream with its final block; it does not close out.
func (w *segmentWriter) Close() error {
	if err := w.fw.Close(); err != nil {
		return err
	}
	w.crc = crc32Combine(w.crc, w.in.crc, w.in.n)
	w.n += w.in.n
	w.in.crc, w.in.n = 0, 0
	return nil
}

// crc32Combine is the CRC-32 (IEEE) of a+b from crcA = CRC-32 of a,
// crcB of b and b's length (zlib's crc32_combine): crcA is carried
// through lenB zero bytes by squaring the operator of one zero bit.
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA ^ crcB
	}
	var even, odd [32]uint32
	odd[0] = crc32.IEEE // the operator of one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd) // the first pass: one zero byte
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range mat {
		square[n] = gf2Times(mat, mat[n])
	}
}
