package sink

// The shared string table of a run's workbooks. Most text cells of the
// lists repeat a few texts (region names, kecamatan, kelurahan, the
// labels of blanks, card events and flags); written inline each costs
// about 42 bytes of markup besides its text, as a shared string
// (<c s="6" t="s"><v>12</v></c>) about 29 and no text: at 1M persons
// about a quarter less sheet XML to encode, spill, read back and deflate
// (report.xlsx's 473 MB became 362).
//
// A row's XML is encoded once for the province's workbook and its
// regency's and stored before either is laid out, while excelize, which
// lays out the rest, numbers its own strings (headers, the summary and
// allocation sheets) only at Close. So the ids are the table's, one
// table for all the workbooks of a run, and each workbook's
// xl/sharedStrings.xml holds the whole table first and excelize's strings
// after it, excelize's cells moved by the table's length as the
// workbook is assembled (report_assemble.go). A regency's workbook
// carries texts only other regencies use: harmless to readers, the
// counts stay true.

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The table stops growing at maxSharedStrings texts or maxSharedXML bytes
// of XML, whichever comes first; a new text after that is written
// inline. Every workbook carries the whole table, so a column of unique
// texts (a pathological kelurahan) must not blow it up.
const (
	maxSharedStrings = 1 << 16
	maxSharedXML     = 2 << 20
)

// stringTable gives each text of the shared columns an id, in the order
// first seen, and keeps the <si> elements of xl/sharedStrings.xml. It is
// filled while the lists' rows are encoded (one goroutine) and only read
// once the workbooks close.
type stringTable struct {
	ids   map[string]int32
	texts []sharedText // by id
	xml   []byte       // the <si> of each text, in id order
}

// sharedText is what a row's encoding needs of a text of the table,
// worked out once when it is added: its width (of its longest line, as
// textWidth measures it), whether it holds a line break, and its cell's
// XML after the style (` t="s"><v>12</v></c>`).
type sharedText struct {
	width     float64
	multiline bool
	tail      string
}

func newStringTable() *stringTable { return &stringTable{ids: map[string]int32{}} }

// len is the number of texts in the table.
func (t *stringTable) len() int { return len(t.ids) }

// id returns the id of text s, adding it to the table; false when s is
// to be written inline: a text over the cell limit (cut and counted
// inline), one whose white space needs xml:space="preserve", or a new
// text once the table is full.
func (t *stringTable) id(s string) (int32, bool) {
	id, _, ok := t.text(s)
	return id, ok
}

// text is id, with what a row's encoding needs of the text (nil when
// false).
func (t *stringTable) text(s string) (int32, *sharedText, bool) {
	if id, ok := t.ids[s]; ok {
		return id, &t.texts[id], true
	}
	if len(t.ids) >= maxSharedStrings || len(t.xml) >= maxSharedXML ||
		len(s) > maxCellChars && utf8.RuneCountInString(s) > maxCellChars || needsPreserve(s) {
		return 0, nil, false
	}
	id := int32(len(t.ids))
	t.ids[strings.Clone(s)] = id
	st := sharedText{multiline: strings.IndexByte(s, '\n') >= 0}
	if st.multiline {
		st.width = longestLine(s)
	} else {
		st.width = textWidth(s)
	}
	st.tail = ` t="s"><v>` + strconv.Itoa(int(id)) + "</v></c>"
	t.texts = append(t.texts, st)
	t.xml = append(t.xml, "<si><t>"...)
	t.xml = appendXMLText(t.xml, s)
	t.xml = append(t.xml, "</t></si>"...)
	return id, &t.texts[id], true
}
