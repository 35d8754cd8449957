package source

import (
	"bytes"
)

// The fast reader of worksheet rows: a byte-level scan of a sheet part,
// held in memory or read through a window (fastpart.go), that gives, row
// by row, the cells excelize's streaming
// Rows gives with RawCellValue (and the cell types sheetScanner gives),
// about ten times faster. excelize's Rows spends its time in encoding/xml
// building tokens; this scan finds tags with bytes.IndexByte and copies
// each row's texts into one string.
//
// It reads only what it can read exactly as excelize does (fastxml.go):
// rows in increasing order inside <sheetData>, cells in increasing
// columns with or without r, <v>, <f> and <is> in a cell (inline strings
// and shared strings with rich-text runs, phonetic runs left out, _xHHHH_
// escapes decoded), entities and character references, any namespace
// prefix. At anything else it stops and hands over to excelize: scanRows
// reports the last row it handed to the caller, and excelize reads on from
// the row after. A row is handed over only once the next row's start tag
// (or </sheetData>) has been read, so that excelize, which reads a row up
// to the next row's start, would have read it the same way.

// Limits excelize applies (excelize.TotalRows, excelize.MaxColumns).
const (
	maxSheetRows = 1 << 20
	maxSheetCols = 1 << 14
)

// rowFunc takes one row: its sheet row number, its cells as excelize's
// Rows.Columns gives them and what sheetScanner would tell of them. stop
// ends the sheet (its result is known); err stops the file.
type rowFunc func(n int, cells []string, meta []cellMeta) (stop bool, err error)

// fastChecked reports whether a sheet part passes checkPart's tests
// (checkXML, checkEnd) and holds no "]]>", which encoding/xml refuses in
// text. A part that fails is read by excelize, which then reports why.
func fastChecked(x []byte) bool {
	if _, bad := checkChunk(x, true); bad >= 0 {
		return false
	}
	if checkEnd(x[max(0, len(x)-tailSize):]) != nil {
		return false
	}
	return !bytes.Contains(x, []byte("]]>"))
}

// fastCell is a cell value of the row being read: a shared string, or a
// text in the row's arena. An empty shared string in a cell without a
// formula is no value (excelize's getValueFrom); that is found when the
// row is handed over (sstValue), which looks the string up then anyway,
// rather than by a second look-up as the cell is read.
type fastCell struct {
	col     int // zero-based
	sst     int // shared string index, -1 for a text in the arena
	lo, hi  int
	formula bool // the cell has a formula
}

// sstValue returns shared string i of a cell, and false when it gives
// the cell no value: an empty string in a cell without a formula.
func sstValue(sst *sharedStrings, i int, formula bool) (string, bool) {
	s := sst.at(i)
	return s, s != "" || formula
}

// fastSheet is the state of one scan.
type fastSheet struct {
	c   xcur
	sst *sharedStrings
	src *partStream // the part read a window at a time; nil when c.b holds it whole
	log *rowLog     // with src: where the rows go, to be handed over later

	n     int        // number of the row being read
	arena []byte     // its texts not taken from the shared strings
	vals  []fastCell // its cells with a value or formula, in column order
	meta  []cellMeta // every <c> of it
	cells []string   // scratch for the cells handed over

	v, is, tbuf, rbuf []byte // scratch
}

// scanRows reads the rows of the sheet part x (which fastChecked passed)
// and hands each to fn. done reports that it read the whole of
// <sheetData>, or that fn stopped; otherwise last is the number of the
// last row handed over (0 if none) and excelize must read the rest.
func scanRows(x []byte, sst *sharedStrings, fn rowFunc) (done bool, last int, err error) {
	fs := &fastSheet{c: xcur{b: x}, sst: sst}
	return fs.scan(fn)
}

// sheetRowsHint returns the number of rows a sheet part says it spans in
// its <dimension ref="A1:S1000"/>, 0 if it does not say. Only a hint for
// sizing buffers: writers do not always keep it right.
func sheetRowsHint(x []byte) int {
	i := bytes.Index(x[:min(len(x), 4096)], []byte("dimension ref=\""))
	if i < 0 {
		return 0
	}
	ref := x[i+len("dimension ref=\""):]
	end := bytes.IndexByte(ref[:min(len(ref), 32)], '"')
	if end < 0 {
		return 0
	}
	ref = ref[:end]
	if j := bytes.IndexByte(ref, ':'); j >= 0 {
		ref = ref[j+1:]
	}
	j := 0
	for j < len(ref) && ref[j] > '9' {
		j++
	}
	n, _ := digits(ref[j:])
	return n
}

// scan reads the part from its start. A part read a window at a time
// (fs.src) is read again from its start with more of it in the window
// wherever the scan would stop: what a scan of a window accepts, a scan of
// the whole part accepts the same way (each test at the window's end
// fails, and a tag or text is taken only once its end is seen), so the
// scan stops, and hands over, only where the whole part would make it.
func (fs *fastSheet) scan(fn rowFunc) (done bool, last int, err error) {
	for {
		sd, ok := fs.prelude()
		switch {
		case ok && sd == nil:
			return true, 0, nil // <sheetData/>
		case ok:
			return fs.rows(fn, sd)
		}
		if _, more := fs.more(0); !more {
			return false, 0, nil
		}
	}
}

// prelude reads up to the start tag of <sheetData> and returns its raw
// name, nil for an empty <sheetData/>. ok is false where the fast reader
// stops.
func (fs *fastSheet) prelude() (sd []byte, ok bool) {
	c := &fs.c
	if !c.prolog() {
		return nil, false
	}
	var t xtag
	// Up to <sheetData>: excelize's Rows looks for the first <row> start
	// tag, so none may come before.
	var stack [][]byte
	for {
		if c.next(&t) != tokTag || string(t.local) == "row" {
			return nil, false
		}
		switch {
		case t.kind == tagEnd:
			if len(stack) == 0 || !bytes.Equal(stack[len(stack)-1], t.name) {
				return nil, false
			}
			stack = stack[:len(stack)-1]
		case string(t.local) == "sheetData" && t.kind == tagEmpty:
			return nil, true
		case string(t.local) == "sheetData":
			return t.name, true
		case t.kind == tagStart:
			stack = append(stack, t.name)
		}
	}
}

// more moves more of a part read a window at a time into the window,
// keeping it from offset keep on, and returns where keep now is. false:
// the window holds the part to its end already, or a stretch too long
// for the fast reader (maxWindow) from keep on, or a part that fails the
// checks; the scan then stops where it is.
func (fs *fastSheet) more(keep int) (int, bool) {
	if fs.src == nil {
		return keep, false
	}
	at, ok := fs.src.more(&fs.c, keep)
	return at, ok
}

// rows reads the content of <sheetData> (raw name sd). Where it would
// stop, a part read a window at a time is read on from the start of the
// row's tag with more of it in the window (see scan).
func (fs *fastSheet) rows(fn rowFunc, sd []byte) (done bool, last int, err error) {
	c := &fs.c
	if fs.src != nil {
		sd = bytes.Clone(sd) // the window moves
	}
	var t xtag
	pending := false // a row read and not handed over yet
	for {
		at, prev := c.i, fs.n
		n, ok := fs.nextRow(&t, sd)
		if !ok {
			var more bool
			if c.i, more = fs.more(at); !more {
				return false, last, nil
			}
			fs.n = prev
			continue
		}
		if t.kind == tagEnd {
			if pending {
				if _, err := fs.flush(fn); err != nil {
					return true, last, err
				}
			}
			return true, fs.n, nil
		}
		if pending {
			stop, err := fs.flush(fn)
			if stop || err != nil {
				return true, last, err
			}
			last, pending = fs.n, false
		}
		fs.n = n
		fs.arena, fs.vals, fs.meta = fs.arena[:0], fs.vals[:0], fs.meta[:0]
		if t.kind == tagStart && !fs.row(t.name) {
			var more bool
			if c.i, more = fs.more(at); !more {
				return false, last, nil
			}
			fs.n = prev
			continue
		}
		pending = true
	}
}

// nextRow reads the next tag of <sheetData> (raw name sd) into t: a row's
// start tag, whose number it returns (after the previous row's), or the
// end tag of <sheetData>. ok is false for anything else.
func (fs *fastSheet) nextRow(t *xtag, sd []byte) (n int, ok bool) {
	if fs.c.next(t) != tokTag {
		return 0, false
	}
	if t.kind == tagEnd {
		return 0, bytes.Equal(t.name, sd)
	}
	if string(t.local) != "row" {
		return 0, false
	}
	return rowNumber(t, fs.n)
}

// rowNumber returns the number of a row from its r attribute, else one
// more than the previous row's (prev), as excelize numbers rows. ok is
// false unless the row comes after prev, within the sheet's limit.
func rowNumber(t *xtag, prev int) (n int, ok bool) {
	seen := 0
	for _, a := range t.attrs() {
		if string(t.attrLocal(a)) == "r" {
			seen++
			if n, ok = digits(t.attrVal(a)); !ok {
				return 0, false
			}
		}
	}
	if seen > 1 {
		return 0, false
	}
	if seen == 0 {
		n = prev + 1
	}
	return n, n > prev && n <= maxSheetRows
}

// digits parses a decimal of at most nine digits, nothing else.
func digits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// trimIndexSpace is bytes.Trim(b, " \t\n"), without the cut set's table
// that bytes.Trim builds on every call (a shared-string index is read for
// most cells).
func trimIndexSpace(b []byte) []byte {
	space := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }
	for len(b) > 0 && space(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && space(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// row reads the cells of a row whose start tag (raw name open) was just
// read, up to its end tag.
func (fs *fastSheet) row(open []byte) bool {
	c := &fs.c
	var t xtag
	col := 0
	plain := string(open) == "row"
	for {
		if fs.plainCell(&col) {
			continue
		}
		if plain && c.lit("</row>") {
			return true
		}
		if c.next(&t) != tokTag {
			return false
		}
		if t.kind == tagEnd {
			return bytes.Equal(t.name, open)
		}
		if string(t.local) != "c" || !fs.cell(&t, &col) {
			return false
		}
	}
}

// cell reads a cell whose tag t was just read; col is the one-based column
// of the previous cell of the row, updated.
func (fs *fastSheet) cell(t *xtag, col *int) bool {
	var ref, typ []byte
	nr, nt, ns, style := 0, 0, 0, 0
	for _, a := range t.attrs() {
		switch string(t.attrLocal(a)) {
		case "r":
			nr++
			ref = t.attrVal(a)
		case "t":
			nt++
			typ = t.attrVal(a)
		case "s": // excelize parses it (untrimmed); a bad one loses the cell
			ns++
			var ok bool
			if style, ok = digits(t.attrVal(a)); !ok {
				return false
			}
		}
	}
	if nr > 1 || nt > 1 || ns > 1 || bytes.ContainsAny(typ, "&\r") {
		return false
	}
	next := *col + 1
	if nr == 1 {
		var ok bool
		if next, ok = cellColumn(ref); !ok {
			return false
		}
	}
	var ok bool
	if next <= *col || next > maxSheetCols {
		return false
	}
	*col = next
	meta := cellMeta{col: next - 1, numeric: len(typ) == 0 || string(typ) == "n", style: style}
	hasV, hasIS := false, false
	fs.v, fs.is = fs.v[:0], fs.is[:0]
	if t.kind == tagStart {
		c := &fs.c
		var u xtag
		plain := string(t.name) == "c"
	children:
		for {
			// The usual forms first: <v>text</v> and </c>, unprefixed.
			if plain && !hasV && c.lit("<v>") {
				hasV, meta.value = true, true
				raw := c.text()
				if !c.endTag([]byte("v")) {
					return false
				}
				if fs.v, ok = appendText(fs.v, raw); !ok {
					return false
				}
				continue
			}
			if plain && c.lit("</c>") {
				break children
			}
			if c.next(&u) != tokTag {
				return false
			}
			if u.kind == tagEnd {
				if !bytes.Equal(u.name, t.name) {
					return false
				}
				break children
			}
			switch string(u.local) {
			case "v":
				if hasV {
					return false
				}
				hasV = true
				if u.kind == tagStart {
					meta.value = true
					if fs.v, ok = c.textElement(fs.v, u.name); !ok {
						return false
					}
				}
			case "f":
				meta.formula = true
				if !typedAttrsOK(&u) {
					return false
				}
				if u.kind == tagStart {
					if fs.tbuf, ok = c.textElement(fs.tbuf[:0], u.name); !ok {
						return false
					}
				}
			case "is":
				if hasIS {
					return false
				}
				hasIS = true
				if u.kind == tagStart {
					meta.value = true
					if fs.is, fs.tbuf, fs.rbuf, ok = c.richText(fs.is, u.name, fs.tbuf, fs.rbuf); !ok {
						return false
					}
				}
			default:
				return false
			}
		}
	}
	return fs.value(meta, typ, fs.v, hasIS)
}

// value adds a cell read to the row: meta, and its value (v the text of
// its <v>, decoded; fs.is that of its <is>) as excelize's getValueFrom
// gives it with RawCellValue. false for a shared string excelize would not
// find.
func (fs *fastSheet) value(meta cellMeta, typ, v []byte, hasIS bool) bool {
	fs.meta = append(fs.meta, meta)
	val := fastCell{col: meta.col, sst: -1}
	switch {
	case string(typ) == "s" && len(v) > 0:
		i, ok := digits(trimIndexSpace(v))
		if !ok || fs.sst == nil || i >= fs.sst.len() {
			return false
		}
		val.sst, val.formula = i, meta.formula
	case string(typ) == "s":
		if !meta.formula {
			return true
		}
		val.lo, val.hi = len(fs.arena), len(fs.arena)
	case string(typ) == "inlineStr" && hasIS:
		if len(fs.is) == 0 && !meta.formula {
			return true
		}
		val.lo = len(fs.arena)
		fs.arena = append(fs.arena, fs.is...)
		val.hi = len(fs.arena)
	default:
		if len(v) == 0 && !meta.formula {
			return true
		}
		val.lo = len(fs.arena)
		fs.arena = append(fs.arena, v...)
		val.hi = len(fs.arena)
	}
	fs.vals = append(fs.vals, val)
	return true
}

// plainCell reads the cell at the cursor if it has the form nearly every
// writer gives a cell: <c r="B2" t="s" s="1"><v>12</v></c>, or the same
// ending in "/>", with the tag unprefixed and its attributes only r, t
// and s, each at most once, each after one space, in double quotes; the
// <v> unprefixed, its text without '&' or '\r', and "</c>" right after
// it. It reads such a cell in one pass over its bytes, into the row just
// as cell does (col likewise), which takes it the same way. false, for
// anything else or a cell cell would refuse, leaves the cursor and the
// row as they were: cell then reads what is there, or refuses it.
func (fs *fastSheet) plainCell(col *int) bool {
	b, i := fs.c.b, fs.c.i
	if i < len(b) && b[i] != '<' { // character data between cells, skipped as next does
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return false
		}
		i += j
	}
	if len(b)-i < 4 || b[i] != '<' || b[i+1] != 'c' {
		return false
	}
	var ref, typ []byte
	hasR, hasT, hasS := false, false, false
	style := 0
	for i += 2; i+4 < len(b) && b[i] == ' ' && b[i+2] == '=' && b[i+3] == '"'; {
		j := i + 4
		for j < len(b) && b[j] != '"' && b[j] != '<' {
			j++
		}
		if j >= len(b) || b[j] != '"' {
			return false
		}
		val := b[i+4 : j]
		switch b[i+1] {
		case 'r':
			if hasR {
				return false
			}
			hasR, ref = true, val
		case 't':
			if hasT {
				return false
			}
			hasT, typ = true, val
		case 's':
			var ok bool
			if style, ok = digits(val); hasS || !ok {
				return false
			}
			hasS = true
		default:
			return false
		}
		i = j + 1
	}
	if i+1 >= len(b) || indexAmpCR(typ) >= 0 {
		return false
	}
	next := *col + 1
	if hasR {
		var ok bool
		if next, ok = cellColumn(ref); !ok {
			return false
		}
	}
	if next <= *col || next > maxSheetCols {
		return false
	}
	meta := cellMeta{col: next - 1, numeric: len(typ) == 0 || string(typ) == "n", style: style}
	var v []byte
	switch {
	case b[i] == '/' && b[i+1] == '>':
		i += 2
	case b[i] == '>' && len(b)-i >= len("><v></v></c>") && string(b[i+1:i+4]) == "<v>":
		j := i + 4
		for j < len(b) && b[j] != '<' && b[j] != '&' && b[j] != '\r' { // values are short: a loop beats IndexByte
			j++
		}
		v, i = b[i+4:j], j
		if len(b)-i < len("</v></c>") || string(b[i:i+8]) != "</v></c>" {
			return false
		}
		i += 8
		meta.value = true
	default:
		return false
	}
	arena, vals, metas := len(fs.arena), len(fs.vals), len(fs.meta)
	if !fs.value(meta, typ, v, false) {
		fs.arena, fs.vals, fs.meta = fs.arena[:arena], fs.vals[:vals], fs.meta[:metas]
		return false
	}
	fs.c.i, *col = i, next
	return true
}

// cellColumn returns the one-based column of a cell reference such as
// "AB12" when excelize reads it the same way: letters, then a row number
// within the sheet's limit.
func cellColumn(ref []byte) (int, bool) {
	i, col := 0, 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 {
		return 0, false
	}
	row, ok := digits(ref[i:])
	if !ok || row < 1 || row > maxSheetRows {
		return 0, false
	}
	return col, true
}

// flush hands the row read to fn, or to fs.log.
func (fs *fastSheet) flush(fn rowFunc) (bool, error) {
	if fs.log != nil {
		fs.log.add(fs.n, fs.arena, fs.vals, fs.meta)
		return false, nil
	}
	s := string(fs.arena) // one allocation for the row's own texts
	cells := fs.cells[:0]
	for _, v := range fs.vals {
		text := s[v.lo:v.hi]
		if v.sst >= 0 {
			var ok bool
			if text, ok = sstValue(fs.sst, v.sst, v.formula); !ok {
				continue
			}
		}
		for len(cells) < v.col {
			cells = append(cells, "")
		}
		cells = append(cells, text)
	}
	fs.cells = cells
	return fn(fs.n, cells, fs.meta)
}
