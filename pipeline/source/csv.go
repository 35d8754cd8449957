package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"readiness/pipeline"
)

// sniffSize is how much of a CSV's text the header and delimiter are
// looked for in.
const sniffSize = 1 << 20

// delimiters are the separators a CSV may use, in order of preference
// when two find the header on the same line.
var delimiters = []rune{';', ',', '\t'}

// textEncoding is how a CSV's bytes become UTF-8.
type textEncoding int

const (
	encUTF8 textEncoding = iota
	encUTF8BOM
	encUTF16LE
	encUTF16BE
	encCP1252
)

// readCSV reads a delimited text file as one sheet named "".
func (s *reader) readCSV(ctx context.Context, mem memory.Allocator, in pipeline.Input, batchSize int, emit func(arrow.Record, pipeline.Originals) error) ([]pipeline.SheetResult, error) {
	enc, err := detectEncoding(in)
	if err != nil {
		return nil, err
	}
	rc, err := in.Open()
	if err != nil {
		return nil, openErr(in.Path, err)
	}
	defer func() { _ = rc.Close() }() // read only
	// The text is checked as it is read, so that a cell need be checked
	// only after an invalid byte: the decoders give valid UTF-8, and the
	// scan of detectEncoding found it, but the file may have changed since.
	valid := &utf8Reader{r: decodeText(rc, enc)}
	text := &tailReader{r: valid}
	br := bufio.NewReaderSize(text, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, openErr(in.Path, err)
	}
	if len(head) == sniffSize {
		if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
			head = head[:i+1]
		}
	}
	comma, ok := sniffDelimiter(head)
	if !ok {
		return nil, &pipeline.InputError{File: in.Path, Err: pipeline.ErrNoHeader}
	}

	r := newCSVReader(br, byte(comma))
	b := newBatch(ctx, mem, batchSize, emit)
	defer b.release()
	res := pipeline.SheetResult{}
	var (
		lay *layout
		// The last data record is held back until the file ends, to check
		// that it does not hold the rest of the file in a quoted field
		// never closed. The reader keeps its texts (Keep).
		last     []string
		lastLine int
		followed bool // a blank record came after last: its quotes closed
		// dataStart is the text offset after the first data record.
		dataStart int64
	)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &pipeline.InputError{File: in.Path, Err: fmt.Errorf("%w: %w", pipeline.ErrUnreadable, err)}
		}
		if isBlank(rec) {
			followed = last != nil
			continue
		}
		line := r.Line()
		if lay == nil {
			m, ok := MatchHeader(rec)
			if !ok {
				continue // a title line
			}
			if miss := missingRequired(m); len(miss) > 0 {
				return nil, &pipeline.InputError{File: in.Path, Row: line, Err: &MissingColumnsError{Columns: miss}}
			}
			// The layout keeps the header's texts: rec's are the reader's.
			lay = newLayout(in.Path, "", cloneStrings(rec), m)
			continue
		}
		if last != nil {
			// This row, the one held back and those not yet read.
			b.expect(2 + unreadRows(in.Size, dataStart, r.InputOffset(), res.DataRows+1))
			b.validUTF8 = !valid.invalid
			if err := b.add(lay, lastLine, last, false, nil); err != nil {
				return nil, err
			}
			res.DataRows++
		} else {
			dataStart = r.InputOffset()
		}
		r.Keep()
		last, lastLine, followed = rec, line, false
	}
	if lay == nil { // not expected: sniffing found a header with this delimiter
		return nil, &pipeline.InputError{File: in.Path, Err: pipeline.ErrNoHeader}
	}
	if last != nil && !followed && unclosedQuote(last, text.tail) {
		// The rows before are good; the rest of the file is one cell.
		if err := b.flush(); err != nil {
			return nil, err
		}
		return nil, &pipeline.InputError{File: in.Path, Row: lastLine, Err: fmt.Errorf(
			"%w: a quoted field on this line is never closed, so the rest of the file reads as one cell; close the quote", pipeline.ErrUnreadable)}
	}
	if last != nil {
		b.validUTF8 = !valid.invalid
		if err := b.add(lay, lastLine, last, false, nil); err != nil {
			return nil, err
		}
		res.DataRows++
	}
	if err := b.flush(); err != nil {
		return nil, err
	}
	return []pipeline.SheetResult{res}, nil
}

// utf8Reader passes reads through and notes whether the text so far held
// bytes that are not UTF-8: invalid is set, for good, by the read that
// hands over the first such byte (at the end of the text, by the read
// that ends it within a rune).
type utf8Reader struct {
	r       io.Reader
	invalid bool
	// rune is the start of a rune the last read cut, n bytes of it.
	rune [utf8.UTFMax]byte
	n    int
}

func (v *utf8Reader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	if !v.invalid {
		v.check(p[:n], err != nil)
	}
	return n, err
}

// check checks the text read next, p; end says no more text follows.
func (v *utf8Reader) check(p []byte, end bool) {
	if v.n > 0 {
		k := copy(v.rune[v.n:], p)
		r := v.rune[:v.n+k]
		if !utf8.FullRune(r) {
			v.n += k
			v.invalid = end
			return
		}
		c, size := utf8.DecodeRune(r)
		if c == utf8.RuneError && size == 1 {
			v.invalid = true
			return
		}
		p = p[size-v.n:]
		v.n = 0
	}
	// Hold back a rune p cuts at its end.
	keep := 0
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				keep = len(p) - i
			}
			break
		}
	}
	if !utf8.Valid(p[:len(p)-keep]) || end && keep > 0 {
		v.invalid = true
		return
	}
	v.n = copy(v.rune[:], p[len(p)-keep:])
}

// unreadRows estimates the records of a file of size bytes not yet read,
// from the n records read from offset start to offset. Offsets count
// decoded text, so the estimate is rough for a file not in UTF-8; 0 when
// it cannot tell.
func unreadRows(size, start, offset int64, n int) int {
	if n <= 0 || offset <= start || size <= offset {
		return 0
	}
	return int((size - offset) * int64(n) / (offset - start))
}

// unclosedQuote reports whether the last record of a file, rec, ends in a
// quoted field that was never closed: csvReader, like encoding/csv with
// LazyQuotes, reads such a field to the end of the file, swallowing every
// line after it.
// Only a quoted field holds a line break, and an unclosed one is always
// the record's last field; a closed one ends the file with its quote
// (tail is the file's last decoded bytes).
func unclosedQuote(rec []string, tail []byte) bool {
	f := rec[len(rec)-1]
	if !strings.ContainsAny(f, "\n\r") {
		return false
	}
	return !bytes.HasSuffix(bytes.TrimRight(tail, " \t\r\n"), []byte{'"'})
}

// detectEncoding decides how a CSV's bytes are text: a byte-order mark
// first (UTF-8, UTF-16 LE or BE), then UTF-8 if every byte sequence is
// valid UTF-8, else Windows-1252. A file without a BOM is read once to the
// end for this. An empty file, a workbook, or bytes that are not text (a
// NUL byte, many control characters) are unreadable.
func detectEncoding(in pipeline.Input) (textEncoding, error) {
	rc, err := in.Open()
	if err != nil {
		return 0, openErr(in.Path, err)
	}
	defer func() { _ = rc.Close() }() // read only
	br := bufio.NewReaderSize(rc, 64<<10)
	head, err := br.Peek(16)
	if err != nil && err != io.EOF {
		return 0, openErr(in.Path, err)
	}
	switch {
	case len(head) == 0:
		return 0, unreadable(in.Path, "empty file")
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8BOM, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE, nil
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicOLE):
		return 0, unreadable(in.Path, "a spreadsheet workbook, not a CSV text file; save it as .xlsx or CSV")
	}
	if why := notSpreadsheet(head); why != "" {
		return 0, unreadable(in.Path, why)
	}
	valid, err := scanText(br)
	if err != nil {
		if errors.Is(err, errNotText) {
			return 0, unreadable(in.Path, "not a text file (binary data); expected CSV text or an .xlsx workbook")
		}
		return 0, openErr(in.Path, err)
	}
	if valid {
		return encUTF8, nil
	}
	return encCP1252, nil
}

// errNotText marks bytes that are no text in any encoding we accept.
var errNotText = errors.New("not a text file")

// scanText reads r to the end and reports whether it is valid UTF-8. A NUL
// byte, or control characters making up more than 1% of the bytes (binary
// data without NULs), is errNotText: such a file would otherwise be read
// as Windows-1252 garbage.
func scanText(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0
	valid := true
	var total, ctrl int64
	for {
		n, err := io.ReadFull(r, buf[carry:])
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return false, err
		}
		data := buf[:carry+n]
		fresh := data[carry:]
		if bytes.IndexByte(fresh, 0) >= 0 {
			return false, errNotText
		}
		total += int64(len(fresh))
		ctrl += countControls(fresh)
		if eof && ctrl*100 > total {
			return false, errNotText
		}
		keep := 0
		if valid && !eof {
			// Hold back an incomplete rune at the end for the next chunk.
			for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
				if utf8.RuneStart(data[i]) {
					if !utf8.FullRune(data[i:]) {
						keep = len(data) - i
					}
					break
				}
			}
		}
		if valid && !utf8.Valid(data[:len(data)-keep]) {
			valid = false
			keep = 0
		}
		if eof {
			return valid, nil
		}
		carry = copy(buf, data[len(data)-keep:])
	}
}

// countControls counts the control bytes of p that text does not hold:
// below 0x20 and not a tab, line break, form feed, vertical tab or 0x1A
// (DOS end of file).
func countControls(p []byte) int64 {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	var n int64
	for len(p) > 0 {
		if len(p) >= 8 {
			// No byte of x is below 0x20 when no high bit survives: the
			// subtraction borrows into a byte's high bit only there.
			if x := binary.LittleEndian.Uint64(p); (x-0x20*ones)&^x&highs == 0 {
				p = p[8:]
				continue
			}
		}
		for _, c := range p[:min(8, len(p))] {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A {
				n++
			}
		}
		p = p[min(8, len(p)):]
	}
	return n
}

// decodeText returns r as UTF-8 text without a byte-order mark.
func decodeText(r io.Reader, enc textEncoding) io.Reader {
	var dec *encoding.Decoder
	switch enc {
	case encUTF8BOM:
		dec = unicode.UTF8BOM.NewDecoder()
	case encUTF16LE:
		dec = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case encUTF16BE:
		dec = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	case encCP1252:
		dec = charmap.Windows1252.NewDecoder()
	default:
		return r
	}
	return transform.NewReader(r, dec)
}

// sniffDelimiter returns the delimiter with which head holds a header row
// on the earliest line; ties go to more known columns, then to the order
// of delimiters.
func sniffDelimiter(head []byte) (rune, bool) {
	best, bestLine, bestCols := rune(0), 0, 0
	for _, d := range delimiters {
		line, cols := findHeader(head, d)
		if line == 0 {
			continue
		}
		if bestLine == 0 || line < bestLine || line == bestLine && cols > bestCols {
			best, bestLine, bestCols = d, line, cols
		}
	}
	return best, bestLine > 0
}

// findHeader returns the line of the first header row in head read with
// delimiter d and its number of known columns; line 0 when none.
func findHeader(head []byte, d rune) (line, cols int) {
	r := csv.NewReader(bytes.NewReader(head))
	r.Comma = d
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err != nil {
			return 0, 0
		}
		if m, ok := MatchHeader(rec); ok {
			line, _ := r.FieldPos(0)
			return line, len(m)
		}
	}
}
