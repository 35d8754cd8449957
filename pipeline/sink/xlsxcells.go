package sink

// The cells of a list row and their XML: what a cell holds (xcell), how a
// row is encoded once for every workbook that lists it (rowXML), and how
// a text is measured for the column widths and row heights, cut at
// Excel's limit and escaped. The stores that keep the encoded rows are in
// xlsxrows.go.

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxCellChars is the most characters a cell holds (Excel's limit).
const maxCellChars = 32767

// cellKind says how a cell is written.
type cellKind uint8

const (
	cellEmpty cellKind = iota
	cellText
	cellNumber
)

// xcell is one cell of a list row.
type xcell struct {
	kind  cellKind
	style int
	text  string
	num   float64
}

// textCell is a text cell; empty text is an empty cell.
func textCell(style int, s string) xcell {
	if s == "" {
		return xcell{}
	}
	return xcell{kind: cellText, style: style, text: s}
}

// numCell is a number cell.
func numCell(style int, v float64) xcell { return xcell{kind: cellNumber, style: style, num: v} }

// dateCell is a date cell: the Excel serial number of t's day, shown by
// the date style; an empty cell when !ok.
func dateCell(style int, t time.Time, ok bool) xcell {
	if !ok {
		return xcell{}
	}
	return numCell(style, excelSerial(t))
}

// excelSerial is the serial number Excel gives t's day (the 1900 date
// system): see serialOfDay.
func excelSerial(t time.Time) float64 {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
	return serialOfDay(day)
}

// serialOfDay is the serial number Excel gives the day that is day days
// after 1970-01-01 (an Arrow date32), in the 1900 date system with its
// fictitious 1900-02-29: 1970-01-01 is 25569, and days before 1900-03-01
// (serial 61) are one less than their distance from 1899-12-30.
func serialOfDay(day int64) float64 {
	const epoch, march1900 = 25569, -25508 // 1970-01-01's serial; 1900-03-01 in days from 1970
	if day < march1900 {
		day--
	}
	return float64(day + epoch)
}

// colSpec is one column of a list: its header, its width in characters —
// at least min, at most max, else the widest text in it — whether long
// text wraps within it, and whether its texts are few and repeated, to be
// written as shared strings.
type colSpec struct {
	label    string
	min, max float64
	wrap     bool
	digits   bool // text of digits (NIK, codes): Excel must not flag it as a number stored as text
	shared   bool // few distinct texts (region names, kecamatan, labels): cells refer to the shared string table
}

// rowXML is one row of a list encoded once, to be added to the store of
// every workbook it belongs in (addXML): the province's and its
// regency's lists have the same columns and the same shared string
// table, so the XML and the row height are the same; the widths and the
// counts of cut texts and shared cells are kept per store.
type rowXML struct {
	xml    []byte
	need   []float64 // the width each column's text asks for; 0 (never wider than a column) for a cell without text
	cut    int       // texts cut at the cell limit
	shared int       // cells referring to the shared string table
	ids    []int32   // each cell's id in the shared string table, -1 for one written inline
	starts []string  // the start of a cell of each style (cellStart)
}

// encode sets x to the XML of one row of a list with columns cols:
// <row> with a height when wrapped text needs more than one line, then
// one <c> per cell (an empty <c/> keeps the columns in place: the rows
// and cells carry no references, so they can be written in any order);
// a text over the cell limit is cut, cutMark appended. The text of a
// shared column is written as its id in sst (nil: every text inline),
// its width as the table measured it when it was added.
func (x *rowXML) encode(cols []colSpec, cutMark string, sst *stringTable, cells []xcell) {
	if cap(x.need) < len(cols) {
		x.need = make([]float64, len(cols))
	}
	x.need = x.need[:len(cols)]
	clear(x.need)
	if cap(x.ids) < len(cells) {
		x.ids = make([]int32, len(cells))
	}
	x.ids = x.ids[:len(cells)]
	x.cut, x.shared = 0, 0
	lines := 1
	for i, c := range cells {
		x.ids[i] = -1
		if c.kind != cellText || i >= len(cols) {
			continue
		}
		var (
			n       float64
			oneLine bool
		)
		if id, st, ok := sst.sharedText(cols[i], c.text); ok {
			x.ids[i] = id
			n, oneLine = st.width, !st.multiline
		} else if oneLine = strings.IndexByte(c.text, '\n') < 0; oneLine {
			n = textWidth(c.text)
		} else {
			n = longestLine(c.text)
		}
		x.need[i] = n + 1
		if cols[i].wrap {
			perLine := max(cols[i].max, cols[i].min)*0.95 - 1
			if oneLine {
				lines = max(lines, linesOf(n, perLine))
			} else {
				lines = max(lines, wrappedLines(c.text, perLine))
			}
		}
	}
	b := x.xml[:0]
	if lines > 1 {
		b = append(b, `<row ht="`...)
		b = strconv.AppendInt(b, int64(15*min(lines, 20)), 10)
		b = append(b, `" customHeight="1">`...)
	} else {
		b = append(b, "<row>"...)
	}
	for i, c := range cells {
		if id := x.ids[i]; id >= 0 {
			b = x.cellStart(b, c.style)
			b = append(b, sst.texts[id].tail...)
			x.shared++
			continue
		}
		b = x.encodeCell(b, c, cutMark)
	}
	x.xml = append(b, "</row>"...)
}

// sharedText is t.text for a text cell of column col: false (the text
// inline) without a table or when col is not shared.
func (t *stringTable) sharedText(col colSpec, s string) (int32, *sharedText, bool) {
	if t == nil || !col.shared {
		return 0, nil, false
	}
	return t.text(s)
}

// cellStart appends the start of a cell of the given style, `<c s="6"`,
// kept for each style as first written.
func (x *rowXML) cellStart(b []byte, style int) []byte {
	if style < 0 || style >= 1<<10 {
		b = append(b, `<c s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		return append(b, '"')
	}
	if style >= len(x.starts) {
		x.starts = append(x.starts, make([]string, style+1-len(x.starts))...)
	}
	if x.starts[style] == "" {
		x.starts[style] = `<c s="` + strconv.Itoa(style) + `"`
	}
	return append(b, x.starts[style]...)
}

// encodeCell appends one cell, its text inline.
func (x *rowXML) encodeCell(b []byte, c xcell, cutMark string) []byte {
	switch c.kind {
	case cellText:
		b = x.cellStart(b, c.style)
		b = append(b, ` t="inlineStr"><is><t`...)
		text := c.text
		if len(text) > maxCellChars && utf8.RuneCountInString(text) > maxCellChars {
			text = cutText(text, maxCellChars, cutMark)
			x.cut++
		}
		if needsPreserve(text) {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendXMLText(b, text)
		return append(b, "</t></is></c>"...)
	case cellNumber:
		b = x.cellStart(b, c.style)
		b = append(b, `><v>`...)
		if c.num == math.Trunc(c.num) && math.Abs(c.num) < 1e15 {
			b = strconv.AppendInt(b, int64(c.num), 10)
		} else {
			b = strconv.AppendFloat(b, c.num, 'g', -1, 64)
		}
		return append(b, "</v></c>"...)
	}
	return append(b, "<c/>"...)
}

// cutText cuts s to at most limit characters, the mark included.
func cutText(s string, limit int, mark string) string {
	keep := limit - utf8.RuneCountInString(mark)
	n := 0
	for i := range s {
		if n == keep {
			return s[:i] + mark
		}
		n++
	}
	return s
}

// longestLine is the width of the longest line of s, in column width
// units (the width of a digit).
func longestLine(s string) float64 {
	longest := 0.0
	for line := range strings.SplitSeq(s, "\n") {
		longest = max(longest, textWidth(line))
	}
	return longest
}

// wrappedLines estimates the lines s takes in a column perLine units
// wide.
func wrappedLines(s string, perLine float64) int {
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		n += linesOf(textWidth(line), perLine)
	}
	return n
}

// linesOf is the lines a line of text width units wide takes in a column
// perLine units wide: at least one.
func linesOf(width, perLine float64) int {
	return max(1, int(math.Ceil(width/max(perLine, 1))))
}

// textWidth estimates the width of one line of Calibri 11 text in column
// width units: a column width counts digits, and capitals are wider,
// spaces and punctuation narrower. (Upper-case names and addresses,
// measured as plain characters, came out too narrow and wrapped in
// LibreOffice.)
func textWidth(s string) float64 {
	w := 0.0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return textWidthRunes(s)
		}
		w += asciiWidth[s[i]]
	}
	return w
}

// asciiWidth is textWidth's table for ASCII.
var asciiWidth = func() (t [128]float64) {
	for c := range t {
		t[c] = textWidthRunes(string(rune(c)))
	}
	return t
}()

// textWidthRunes is textWidth for any text.
func textWidthRunes(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == 'M' || r == 'W' || r == 'm' || r == 'w':
			w += 1.45
		case r >= 'A' && r <= 'Z':
			w += 1.15
		case r == ' ' || r == '.' || r == ',' || r == '\'' || r == ':' || r == ';' || r == 'i' || r == 'l' || r == 'I' || r == 'j' || r == 't' || r == 'f' || r == 'r':
			w += 0.55
		default:
			w += 1
		}
	}
	return w
}

// needsPreserve reports whether a text's white space must be kept with
// xml:space="preserve".
func needsPreserve(s string) bool {
	if s == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return first == ' ' || first == '\t' || first == '\n' || last == ' ' || last == '\t' || last == '\n' ||
		strings.Contains(s, "  ")
}

// appendXMLText appends s as the text of an XML element: & < > " escaped,
// CR as a character reference (readers would fold it into LF), characters
// XML 1.0 forbids and invalid UTF-8 as U+FFFD, and text shaped like an
// escaped character ("_x0041_") guarded so that readers keep it as is.
func appendXMLText(b []byte, s string) []byte {
	if plainASCII(s) {
		return append(b, s...)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, "\uFFFD"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\r':
			b = append(b, "&#13;"...)
		case r == '\t' || r == '\n':
			b = append(b, byte(r))
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			b = append(b, "\uFFFD"...)
		case r == '_' && escapedLike(s[i:]):
			b = append(b, "_x005F_"...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// plainASCII reports whether s is printable ASCII that XML takes as it
// is: the common case, written without looking at each character twice.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '&', c == '<', c == '>', c == '"':
			return false
		case c == '_' && i+1 < len(s) && s[i+1] == 'x':
			return false
		}
	}
	return true
}

// escapedLike reports whether s starts with "_xHHHH_", which spreadsheet
// readers decode as a character.
func escapedLike(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range s[2:6] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}
