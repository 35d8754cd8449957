package source

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// This file reads a worksheet part's XML at the byte level, beside
// excelize's streaming Rows, for two things Rows does not give (the fast
// reader of fastsheet.go gives both itself, and uses checkChunk too):
//
//   - checkXML finds what makes encoding/xml stop: invalid UTF-8, a
//     character XML forbids, an undefined entity. excelize's Rows then ends
//     the sheet early with no error, so the sheet would look shorter (or
//     empty) than it is. Run before the sheet is streamed, a failure skips
//     the sheet whole instead of emitting part of it.
//   - sheetScanner walks the <row> and <c> tags in step with Rows and
//     tells, for each cell, its type attribute (a numeric NIK cell has no
//     t or t="n") and whether it is a formula without a cached <v>.
//
// Cost, when excelize reads a sheet: each pass inflates the part again
// and reads it without building XML tokens. Both passes together ran at 150–260k rows/s against 36–65k
// rows/s for Rows alone on this machine (BenchmarkXLSX), so they add about
// a fifth to the time of a sheet. Memory stays constant.

// errMalformed marks a sheet part that encoding/xml would not read to the
// end.
var errMalformed = errors.New("malformed sheet XML")

// checkXML reads a worksheet part and reports the first byte that would
// stop an XML decoder: invalid UTF-8, a character outside the XML 1.0
// range, or an entity reference other than the five predefined ones and
// character references. It does not check the tag structure: checkEnd
// finds a part cut short, sheetScanner one whose rows excelize stops
// reading.
func checkXML(r io.Reader) error {
	buf := make([]byte, 64<<10)
	carry := 0
	var off int64
	for {
		n, err := io.ReadFull(r, buf[carry:])
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return err
		}
		data := buf[:carry+n]
		keep, bad := checkChunk(data, eof)
		if bad >= 0 {
			return fmt.Errorf("%w at byte %d: %s", errMalformed, off+int64(bad), badWhat(data[bad]))
		}
		if eof {
			return nil
		}
		off += int64(len(data) - keep)
		carry = copy(buf, data[len(data)-keep:])
	}
}

// badWhat names what checkChunk stopped at, from its first byte.
func badWhat(c byte) string {
	switch {
	case c == '&':
		return "an entity XML does not define (such as &nbsp;) or a bare &"
	case c < 0x20:
		return "a control character XML forbids"
	}
	return "invalid UTF-8 or a character XML forbids"
}

// tailReader passes reads through and keeps the last bytes read.
type tailReader struct {
	r    io.Reader
	tail []byte
}

const tailSize = 64

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.tail = append(t.tail, p[:n]...)
	if len(t.tail) > 4*tailSize {
		t.tail = append(t.tail[:0], t.tail[len(t.tail)-tailSize:]...)
	}
	return n, err
}

// checkEnd reports whether the end of a worksheet part (tail) is the
// worksheet's end tag, with or without a namespace prefix, followed only
// by white space.
func checkEnd(tail []byte) error {
	tail = bytes.TrimRight(tail, " \t\r\n")
	i := bytes.LastIndexByte(tail, '<')
	if i >= 0 && bytes.HasSuffix(tail, []byte(">")) {
		name := tail[i+1 : len(tail)-1]
		if len(name) > 0 && name[0] == '/' {
			name = bytes.TrimRight(name[1:], " \t\r\n")
			if j := bytes.IndexByte(name, ':'); j >= 0 {
				name = name[j+1:]
			}
			if string(name) == "worksheet" {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: the part does not end with </worksheet> (cut short, or not a worksheet)", errMalformed)
}

// checkChunk checks data and returns how many trailing bytes must wait for
// the next chunk (an incomplete rune or entity), or the offset of the
// first bad byte (else -1).
func checkChunk(data []byte, eof bool) (keep, bad int) {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
		amps = 0x2626262626262626 // '&' in every byte
	)
	for i := 0; i < len(data); {
		// Skip eight bytes at a time while they are ASCII, none below
		// 0x20 and none '&' (the tests may say yes wrongly, never no).
		for i+8 <= len(data) {
			w := binary.LittleEndian.Uint64(data[i:])
			a := w ^ amps
			if w&high != 0 || (w-0x20*ones)&^w&high != 0 || (a-ones)&^a&high != 0 {
				break
			}
			i += 8
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				end := bytes.IndexByte(data[i:min(len(data), i+16)], ';')
				if end < 0 {
					if !eof && len(data)-i < 16 {
						return len(data) - i, -1
					}
					return 0, i
				}
				if !validEntity(data[i+1 : i+end]) {
					return 0, i
				}
				i += end + 1
				continue
			case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
				return 0, i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			if !eof && !utf8.FullRune(data[i:]) {
				return len(data) - i, -1
			}
			return 0, i
		}
		if !xmlChar(r) {
			return 0, i
		}
		i += size
	}
	return 0, -1
}

// validEntity reports whether name (between & and ;) is a predefined
// entity or a character reference to an XML character.
func validEntity(name []byte) bool {
	switch string(name) {
	case "lt", "gt", "amp", "apos", "quot":
		return true
	}
	_, ok := charRef(name)
	return ok
}

// charRef reads a character reference (the name of "&#65;" or "&#x41;"
// between & and ;); false when it is none or names no XML character.
func charRef(name []byte) (rune, bool) {
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if name[1] == 'x' {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !xmlChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// xmlChar reports whether r is in the XML 1.0 Char production.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// cellMeta is what sheetScanner learns about one cell.
type cellMeta struct {
	col     int  // zero-based column index
	numeric bool // no t attribute, or t="n"
	formula bool // has an <f> element
	value   bool // has a <v> or <is> element
	style   int  // the s attribute (an index into the cell formats), 0 if none
}

// sheetScanner walks the rows of a worksheet part. Row and column numbers
// follow excelize: the r attribute when present, else one more than the
// previous.
type sheetScanner struct {
	r       *bufio.Reader
	err     error // the first read error other than io.EOF
	done    bool  // </sheetData> or the end of the part was reached
	row     int   // number of the row held in cells
	held    bool  // cells holds a row not yet taken
	cells   []cellMeta
	scratch []byte
}

func newSheetScanner(r io.Reader) *sheetScanner {
	return &sheetScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// at returns the cells of row n, nil when the part has no such row. Calls
// must come with increasing n.
func (s *sheetScanner) at(n int) []cellMeta {
	for {
		if s.held && s.row >= n {
			if s.row == n {
				s.held = false
				return s.cells
			}
			return nil
		}
		if !s.next() {
			return nil
		}
	}
}

// rest reports the number of the last row beyond those taken that holds a
// cell with a value or formula, 0 if none.
func (s *sheetScanner) rest() int {
	last := 0
	for {
		if s.held {
			for _, c := range s.cells {
				if c.value || c.formula {
					last = s.row
					break
				}
			}
			s.held = false
		}
		if !s.next() {
			return last
		}
	}
}

// next reads the next row into cells.
func (s *sheetScanner) next() bool {
	if s.done {
		return false
	}
	// Find the next <row> start tag.
	for {
		name, attrs, kind, ok := s.tag()
		if !ok {
			return false
		}
		if kind == tagEnd && string(name) == "sheetData" {
			s.done = true
			return false
		}
		if kind == tagEnd || string(name) != "row" {
			continue
		}
		if r, err := strconv.Atoi(string(attr(attrs, "r"))); err == nil && r > 0 {
			s.row = r
		} else {
			s.row++
		}
		s.held = true
		s.cells = s.cells[:0]
		if kind == tagEmpty {
			return true
		}
		break
	}
	// Read cells up to </row>.
	col := 0
	var cur *cellMeta
	for {
		tag, attrs, kind, ok := s.tag()
		if !ok {
			return true
		}
		switch name := string(tag); {
		case name == "row" && kind == tagEnd:
			return true
		case name == "c" && kind != tagEnd:
			col++
			if ref := attr(attrs, "r"); len(ref) > 0 {
				if c := refColumn(ref); c > 0 {
					col = c
				}
			}
			t := attr(attrs, "t")
			style, _ := strconv.Atoi(string(attr(attrs, "s")))
			s.cells = append(s.cells, cellMeta{col: col - 1, numeric: len(t) == 0 || string(t) == "n", style: style})
			cur = &s.cells[len(s.cells)-1]
			if kind == tagEmpty {
				cur = nil
			}
		case name == "c":
			cur = nil
		case cur != nil && kind != tagEnd && name == "f":
			cur.formula = true
		case cur != nil && kind == tagStart && (name == "v" || name == "is"):
			cur.value = true // <v/> is no value
		}
	}
}

// Kinds of tag.
const (
	tagStart = iota // <x>
	tagEnd          // </x>
	tagEmpty        // <x/>
)

// tag returns the next element tag: its local name, its attribute bytes
// and its kind. Text, comments, CDATA and processing instructions are
// skipped. ok is false at the end of the part.
func (s *sheetScanner) tag() (name, attrs []byte, kind int, ok bool) {
	for {
		if _, err := s.r.ReadSlice('<'); err != nil {
			if err == bufio.ErrBufferFull {
				continue
			}
			return s.stop(err)
		}
		p, _ := s.r.Peek(1)
		if len(p) == 1 && (p[0] == '!' || p[0] == '?') {
			if err := s.skipSpecial(); err != nil {
				return s.stop(err)
			}
			continue
		}
		b, err := s.readTag()
		if err != nil {
			return s.stop(err)
		}
		kind = tagStart
		if len(b) > 0 && b[0] == '/' {
			kind, b = tagEnd, b[1:]
		} else if len(b) > 0 && b[len(b)-1] == '/' {
			kind, b = tagEmpty, b[:len(b)-1]
		}
		end := bytes.IndexAny(b, " \t\r\n")
		if end < 0 {
			end = len(b)
		}
		n := b[:end]
		if i := bytes.IndexByte(n, ':'); i >= 0 {
			n = n[i+1:]
		}
		return n, b[end:], kind, true
	}
}

func (s *sheetScanner) stop(err error) ([]byte, []byte, int, bool) {
	s.done = true
	if err != io.EOF && s.err == nil {
		s.err = err
	}
	return nil, nil, 0, false
}

// readTag reads up to the '>' ending a tag, outside quoted attribute
// values, and returns the bytes before it.
func (s *sheetScanner) readTag() ([]byte, error) {
	s.scratch = s.scratch[:0]
	var quote byte
	for {
		b, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return nil, err
		}
		for _, c := range b {
			switch {
			case quote != 0 && c == quote:
				quote = 0
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			}
		}
		s.scratch = append(s.scratch, b...)
		if err == nil && quote == 0 {
			return s.scratch[:len(s.scratch)-1], nil
		}
	}
}

// skipSpecial skips a comment, CDATA section, DOCTYPE or processing
// instruction; the '<' is already read.
func (s *sheetScanner) skipSpecial() error {
	var end string
	switch p, _ := s.r.Peek(9); {
	case bytes.HasPrefix(p, []byte("!--")):
		end = "-->"
	case bytes.HasPrefix(p, []byte("![CDATA[")):
		end = "]]>"
	case bytes.HasPrefix(p, []byte("?")):
		end = "?>"
	default:
		end = ">"
	}
	last := end[len(end)-1]
	var tail []byte
	for {
		b, err := s.r.ReadSlice(last)
		if err != nil && err != bufio.ErrBufferFull {
			return err
		}
		tail = append(tail, b...)
		if err == nil && bytes.HasSuffix(tail, []byte(end)) && len(tail) >= len(end) {
			return nil
		}
		if len(tail) > len(end) {
			tail = tail[len(tail)-len(end):]
		}
	}
}

// attr returns the value of the attribute named name (without prefix) in
// a tag's attribute bytes, nil if absent.
func attr(attrs []byte, name string) []byte {
	for len(attrs) > 0 {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return nil
		}
		key := bytes.TrimSpace(attrs[:eq])
		if i := bytes.IndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		rest := bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil
		}
		if string(key) == name {
			return rest[1 : 1+end]
		}
		attrs = rest[end+2:]
	}
	return nil
}

// refColumn returns the one-based column of a cell reference like "AB12",
// 0 when it has no letters.
func refColumn(ref []byte) int {
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > 1<<20 {
			return 0
		}
	}
	return col
}
