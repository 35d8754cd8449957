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
// the next Read writes over, unless the caller keeps the record (Keep):
// the Reads after that write into a second buffer, until the next Keep.
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

	// slots are two records' buffers: Read writes into slots[cur], Keep
	// switches to the other.
	slots [2]csvRecord
	cur   int
}

// csvRecord is a record's buffers, reused from record to record.
type csvRecord struct {
	buf  []byte   // the field texts
	ends []int    // the end of each field in buf
	rec  []string // the record, over buf
}

// Keep keeps the last record Read returned: it stays as it is until the
// Read after the next Keep.
func (r *csvReader) Keep() { r.cur ^= 1 }

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
	w := &r.slots[r.cur]
	w.buf, w.ends = w.buf[:0], w.ends[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// No quote: the fields are the line's texts between delimiters.
		line = line[:len(line)-lengthNL(line)]
		w.buf = append(w.buf, line...)
		for i, c := range w.buf {
			if c == r.comma {
				w.ends = append(w.ends, i)
			}
		}
		w.ends = append(w.ends, len(w.buf))
		return w.record(true), errRead
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
			w.buf = append(w.buf, field...)
			w.ends = append(w.ends, len(w.buf))
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
				w.buf = append(w.buf, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"':
					// `""`: a quote.
					w.buf = append(w.buf, '"')
					line = line[1:]
				case len(line) > 0 && line[0] == r.comma:
					// `",`: the field's end.
					line = line[1:]
					w.ends = append(w.ends, len(w.buf))
					continue parseField
				case lengthNL(line) == len(line):
					// `"\n`: the record's end.
					w.ends = append(w.ends, len(w.buf))
					break parseField
				default:
					// A bare quote, kept (LazyQuotes).
					w.buf = append(w.buf, '"')
				}
			case len(line) > 0:
				// The line ends in the field: it goes on on the next.
				w.buf = append(w.buf, line...)
				if errRead != nil {
					break parseField
				}
				line, errRead = r.readLine()
				if errRead == io.EOF {
					errRead = nil
				}
			default:
				// The input ends in the field (LazyQuotes).
				w.ends = append(w.ends, len(w.buf))
				break parseField
			}
		}
	}
	return w.record(false), errRead
}

// record makes w.rec the fields of w.buf ending at w.ends; delimited says
// a delimiter follows each field but the last in buf.
func (w *csvRecord) record(delimited bool) []string {
	w.rec = w.rec[:0]
	s := unsafe.String(unsafe.SliceData(w.buf), len(w.buf))
	start := 0
	for _, end := range w.ends {
		w.rec = append(w.rec, s[start:end])
		start = end
		if delimited {
			start++
		}
	}
	return w.rec
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// cloneStrings returns a copy of ss whose texts are copies too.
func cloneStrings(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}
