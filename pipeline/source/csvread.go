package source

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unsafe"
)

// csvReader reads records as encoding/csv's Reader does with LazyQuotes,
// FieldsPerRecord -1 and ReuseRecord set, an ASCII delimiter, no comment
// character and no TrimLeadingSpace: the same fields, line numbers and
// input offsets (FuzzCSVReader compares the two). What it does not do is
// allocate a string for every record: a record's fields share a buffer
// the next Read writes over, so a caller keeping one longer copies it
// (hold).
//
// With LazyQuotes encoding/csv reports no ParseError: a quote out of place
// is text, and a quoted field never closed reads to the end of the input.
// The errors are those of the underlying reader.
type csvReader struct {
	r     *bufio.Reader
	comma byte

	numLine int   // lines read
	offset  int64 // bytes read
	recLine int   // line the last record starts on
	raw     []byte

	buf  []byte   // the last record's field texts
	ends []int    // the end of each field in buf
	rec  []string // the last record, over buf
}

func newCSVReader(r *bufio.Reader, comma byte) *csvReader {
	return &csvReader{r: r, comma: comma}
}

// Line returns the line on which the last record read starts (the first
// line is 1), as encoding/csv's FieldPos(0).
func (r *csvReader) Line() int { return r.recLine }

// InputOffset returns the input offset after the last record read.
func (r *csvReader) InputOffset() int64 { return r.offset }

// readLine is encoding/csv's: a line with its "\n", "\r\n" made "\n", a
// "\r" ending the input dropped.
func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.raw = append(r.raw[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.r.ReadSlice('\n')
			r.raw = append(r.raw, line...)
		}
		line = r.raw
	}
	readSize := len(line)
	if readSize > 0 && err == io.EOF {
		err = nil
		if line[readSize-1] == '\r' {
			line = line[:readSize-1]
		}
	}
	r.numLine++
	r.offset += int64(readSize)
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

// Read returns the next record, valid until the next Read; io.EOF at the
// end. Like encoding/csv, it may return a record with an error of the
// underlying reader.
func (r *csvReader) Read() ([]string, error) {
	var (
		line    []byte
		errRead error
	)
	for errRead == nil {
		line, errRead = r.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			continue // an empty line
		}
		break
	}
	if errRead == io.EOF {
		return nil, errRead
	}
	r.recLine = r.numLine
	r.buf, r.ends = r.buf[:0], r.ends[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// No quote: the fields are the line's texts between delimiters.
		line = line[:len(line)-lengthNL(line)]
		r.buf = append(r.buf, line...)
		for i, c := range r.buf {
			if c == r.comma {
				r.ends = append(r.ends, i)
			}
		}
		r.ends = append(r.ends, len(r.buf))
		return r.record(true), errRead
	}
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			// An unquoted field.
			i := bytes.IndexByte(line, r.comma)
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			r.buf = append(r.buf, field...)
			r.ends = append(r.ends, len(r.buf))
			if i >= 0 {
				line = line[i+1:]
				continue parseField
			}
			break parseField
		}
		// A quoted field.
		line = line[1:]
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				r.buf = append(r.buf, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"':
					// `""`: a quote.
					r.buf = append(r.buf, '"')
					line = line[1:]
				case len(line) > 0 && line[0] == r.comma:
					// `",`: the field's end.
					line = line[1:]
					r.ends = append(r.ends, len(r.buf))
					continue parseField
				case lengthNL(line) == len(line):
					// `"\n`: the record's end.
					r.ends = append(r.ends, len(r.buf))
					break parseField
				default:
					// A bare quote, kept (LazyQuotes).
					r.buf = append(r.buf, '"')
				}
			case len(line) > 0:
				// The line ends in the field: it goes on on the next.
				r.buf = append(r.buf, line...)
				if errRead != nil {
					break parseField
				}
				line, errRead = r.readLine()
				if errRead == io.EOF {
					errRead = nil
				}
			default:
				// The input ends in the field (LazyQuotes).
				r.ends = append(r.ends, len(r.buf))
				break parseField
			}
		}
	}
	return r.record(false), errRead
}

// record makes r.rec the fields of r.buf ending at r.ends; delimited says
// a delimiter follows each field but the last in buf.
func (r *csvReader) record(delimited bool) []string {
	r.rec = r.rec[:0]
	s := unsafe.String(unsafe.SliceData(r.buf), len(r.buf))
	start := 0
	for _, end := range r.ends {
		r.rec = append(r.rec, s[start:end])
		start = end
		if delimited {
			start++
		}
	}
	return r.rec
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// heldRecord is a copy of a record that outlives the next Read.
type heldRecord struct {
	buf   []byte
	cells []string
}

// hold copies rec into h, over the copy h held before.
func (h *heldRecord) hold(rec []string) []string {
	h.buf = h.buf[:0]
	for _, c := range rec {
		h.buf = append(h.buf, c...)
	}
	s := unsafe.String(unsafe.SliceData(h.buf), len(h.buf))
	h.cells = h.cells[:0]
	start := 0
	for _, c := range rec {
		h.cells = append(h.cells, s[start:start+len(c)])
		start += len(c)
	}
	return h.cells
}

// cloneStrings returns a copy of ss whose texts are copies too.
func cloneStrings(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}
