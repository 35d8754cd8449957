package source

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the byte-level XML reading under fastsheet.go: tags,
// attributes, character data and rich text of a part held in memory, read
// exactly as encoding/xml (strict, excelize's decoder) reads them, or
// refused. Whatever it refuses (a comment, CDATA, a processing instruction
// other than the XML declaration, a DOCTYPE, a name outside ASCII, a
// syntax error, an attribute value excelize would fail to parse) sends the
// part to excelize: refusing is always safe, accepting what encoding/xml
// reads differently never is.

// xtag is one element tag. It holds its attributes in place, as offsets,
// so that reading a tag allocates nothing.
type xtag struct {
	kind  int    // tagStart, tagEnd or tagEmpty
	name  []byte // as written, prefix included
	local []byte // without the prefix: what excelize matches on
	doc   []byte // the document, for the attributes
	attr  [maxAttrs]xattr
	nattr int
	extra []xattr // those beyond maxAttrs (the namespaces of a root)
}

// maxAttrs is how many attributes a tag holds in place.
const maxAttrs = 16

// xattr is one attribute: its name is doc[n0:n1] (its prefix ends at c,
// n0-1 without one), its value as written doc[v0:v1].
type xattr struct{ n0, c, n1, v0, v1 int32 }

// attrs returns the attributes of a start or empty tag.
func (t *xtag) attrs() []xattr {
	if len(t.extra) == 0 {
		return t.attr[:t.nattr]
	}
	return append(t.attr[:t.nattr:t.nattr], t.extra...)
}

func (t *xtag) attrName(a xattr) []byte  { return t.doc[a.n0:a.n1] }
func (t *xtag) attrLocal(a xattr) []byte { return t.doc[a.c+1 : a.n1] }
func (t *xtag) attrVal(a xattr) []byte   { return t.doc[a.v0:a.v1] }

// xcur walks an XML document held in memory.
type xcur struct {
	b []byte
	i int
}

// Token kinds of xcur.next.
const (
	tokTag   = iota // an element tag
	tokEOF          // the end of the document
	tokOther        // something this reader does not take
)

// next skips character data and reads the next tag into t.
func (c *xcur) next(t *xtag) int {
	j := bytes.IndexByte(c.b[c.i:], '<')
	if j < 0 {
		c.i = len(c.b)
		return tokEOF
	}
	c.i += j
	if !c.tag(t) {
		return tokOther
	}
	return tokTag
}

// text returns the character data from the cursor to the next '<' (or the
// end) as written, and moves past it.
func (c *xcur) text() []byte {
	j := bytes.IndexByte(c.b[c.i:], '<')
	if j < 0 {
		j = len(c.b) - c.i
	}
	s := c.b[c.i : c.i+j]
	c.i += j
	return s
}

// lit moves past s if the cursor is on it.
func (c *xcur) lit(s string) bool {
	if len(c.b)-c.i >= len(s) && string(c.b[c.i:c.i+len(s)]) == s {
		c.i += len(s)
		return true
	}
	return false
}

// tag reads the tag at c.b[c.i] == '<'. It returns false for anything but
// an element tag (a comment, CDATA, a processing instruction, a DOCTYPE)
// and for a syntax error.
func (c *xcur) tag(t *xtag) bool {
	b, i := c.b, c.i+1
	t.kind = tagStart
	if i < len(b) && b[i] == '/' {
		t.kind = tagEnd
		i++
	}
	n, colon := scanName(b, i)
	if n < 0 {
		return false
	}
	t.name, t.local, t.doc = b[i:n], b[colon+1:n], b
	t.nattr, t.extra = 0, t.extra[:0]
	i = skipWS(b, n)
	if t.kind == tagEnd {
		if i >= len(b) || b[i] != '>' {
			return false
		}
		c.i = i + 1
		return true
	}
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case '>':
			c.i = i + 1
			return true
		case '/':
			if i+1 < len(b) && b[i+1] == '>' {
				t.kind = tagEmpty
				c.i = i + 2
				return true
			}
			return false
		}
		n, colon := scanName(b, i)
		if n < 0 {
			return false
		}
		v0, v1, ok := attrValue(b, n)
		if !ok {
			return false
		}
		a := xattr{int32(i), int32(colon), int32(n), int32(v0), int32(v1)}
		if t.nattr < maxAttrs {
			t.attr[t.nattr] = a
			t.nattr++
		} else {
			t.extra = append(t.extra, a)
		}
		i = v1 + 1
	}
}

// endTag reads the end tag of the element whose start tag (raw name open)
// was read, if the cursor is on it.
func (c *xcur) endTag(open []byte) bool {
	b, i := c.b, c.i
	if i+2+len(open) >= len(b) || b[i] != '<' || b[i+1] != '/' || !bytes.Equal(b[i+2:i+2+len(open)], open) {
		return false
	}
	i = skipWS(b, i+2+len(open))
	if i >= len(b) || b[i] != '>' {
		return false
	}
	c.i = i + 1
	return true
}

// attrAt reads the attribute starting at b[i]: name, optional white space,
// '=', optional white space, a quoted value without '<'. It returns the
// name, the value as written and the index after the closing quote.
func attrAt(b []byte, i int) (name, val []byte, end int, ok bool) {
	n, _ := scanName(b, i)
	if n < 0 {
		return nil, nil, 0, false
	}
	v0, v1, ok := attrValue(b, n)
	if !ok {
		return nil, nil, 0, false
	}
	return b[i:n], b[v0:v1], v1 + 1, true
}

// attrValue reads what follows an attribute's name at b[n]: optional white
// space, '=', optional white space, a quoted value without '<'. The value
// is b[v0:v1]; the closing quote is at v1.
func attrValue(b []byte, n int) (v0, v1 int, ok bool) {
	k := skipWS(b, n)
	if k >= len(b) || b[k] != '=' {
		return 0, 0, false
	}
	k = skipWS(b, k+1)
	if k >= len(b) || b[k] != '"' && b[k] != '\'' {
		return 0, 0, false
	}
	q := b[k]
	for j := k + 1; j < len(b); j++ { // values are short: a loop beats IndexByte
		switch b[j] {
		case q:
			return k + 1, j, true
		case '<':
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// nameByte marks the bytes encoding/xml takes in a name.
var nameByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-'
	}
	return t
}()

// scanName returns the end of the name starting at b[i], and the index of
// its ':' (i-1 without a prefix); end is -1 unless it is an ASCII name
// encoding/xml reads the same way: a letter or '_' first, at most one ':'
// with a prefix and a local part on either side.
func scanName(b []byte, i int) (end, colon int) {
	if i >= len(b) {
		return -1, 0
	}
	if c := b[i] | 0x20; (c < 'a' || c > 'z') && b[i] != '_' {
		return -1, 0
	}
	colon = i - 1
	j := i + 1
	for ; j < len(b) && nameByte[b[j]]; j++ {
		if b[j] == ':' {
			if colon >= i {
				return -1, 0
			}
			colon = j
		}
	}
	if j < len(b) && b[j] >= utf8.RuneSelf || colon == j-1 {
		return -1, 0
	}
	return j, colon
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// appendText appends character data decoded as encoding/xml decodes it:
// the five predefined entities and character references replaced, "\r\n"
// and a lone "\r" as "\n". ok is false for anything else after '&'
// (checkXML has refused such parts already).
func appendText(dst, raw []byte) (_ []byte, ok bool) {
	for {
		j := indexAmpCR(raw)
		if j < 0 {
			return append(dst, raw...), true
		}
		dst = append(dst, raw[:j]...)
		if raw[j] == '\r' {
			dst = append(dst, '\n')
			raw = raw[j+1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		end := bytes.IndexByte(raw[j:], ';')
		if end < 0 {
			return dst, false
		}
		switch name := raw[j+1 : j+end]; string(name) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			r, ok := charRef(name)
			if !ok {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r)
		}
		raw = raw[j+end+1:]
	}
}

func indexAmpCR(b []byte) int {
	for i, c := range b {
		if c == '&' || c == '\r' {
			return i
		}
	}
	return -1
}

// appendBstr appends s with the _xHHHH_ escapes of OOXML decoded the way
// excelize decodes shared and inline strings (its bstrUnmarshal): each
// leftmost match of _x[0-9A-Fa-f]{4}_ becomes that character, "" for a
// surrogate half.
func appendBstr(dst, s []byte) []byte {
	for {
		j := bytes.Index(s, []byte("_x"))
		if j < 0 || len(s)-j < 7 {
			return append(dst, s...)
		}
		if s[j+6] != '_' || !isHex(s[j+2]) || !isHex(s[j+3]) || !isHex(s[j+4]) || !isHex(s[j+5]) {
			dst = append(dst, s[:j+1]...)
			s = s[j+1:]
			continue
		}
		dst = append(dst, s[:j]...)
		r, _ := strconv.ParseUint(string(s[j+2:j+6]), 16, 16)
		if r < 0xD800 || r > 0xDFFF {
			dst = utf8.AppendRune(dst, rune(r))
		}
		s = s[j+7:]
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

// Typed attributes: those excelize decodes into numbers or booleans, so
// that a value they do not parse as fails its decoder.
const (
	attrBool = iota + 1
	attrInt
	attrUint32
	attrFloat
)

// typedAttr returns the type of attribute attr of element elem (local
// names) as excelize's structs declare it, 0 for text or unknown.
func typedAttr(elem, attr string) int {
	switch elem {
	case "f": // xlsxF
		switch attr {
		case "aca", "dt2D", "dtr", "del1", "del2", "ca", "bx":
			return attrBool
		case "si":
			return attrInt
		}
	case "sst": // xlsxSST
		if attr == "count" || attr == "uniqueCount" {
			return attrInt
		}
	case "rPh": // xlsxPhoneticRun
		if attr == "sb" || attr == "eb" {
			return attrUint32
		}
	case "phoneticPr":
		if attr == "fontId" {
			return attrInt
		}
	case "charset", "family": // children of rPr (xlsxRPr)
		if attr == "val" {
			return attrInt
		}
	case "b", "i", "strike", "outline", "shadow", "condense", "extend":
		if attr == "val" {
			return attrBool
		}
	case "sz":
		if attr == "val" {
			return attrFloat
		}
	case "color":
		switch attr {
		case "auto":
			return attrBool
		case "indexed", "theme":
			return attrInt
		case "tint":
			return attrFloat
		}
	}
	return 0
}

// typedAttrsOK reports whether every typed attribute of a tag parses
// the way encoding/xml parses it into its field (empty is zero; else
// trimmed and parsed). A value with a reference is refused.
func typedAttrsOK(t *xtag) bool {
	for _, a := range t.attrs() {
		kind, val := typedAttr(string(t.local), string(t.attrLocal(a))), t.attrVal(a)
		if kind == 0 || len(val) == 0 {
			continue
		}
		if bytes.IndexByte(val, '&') >= 0 || bytes.IndexByte(val, '\r') >= 0 {
			return false
		}
		s := strings.TrimSpace(string(val))
		var err error
		switch kind {
		case attrBool:
			_, err = strconv.ParseBool(s)
		case attrInt:
			_, err = strconv.ParseInt(s, 10, 64)
		case attrUint32:
			_, err = strconv.ParseUint(s, 10, 32)
		case attrFloat:
			_, err = strconv.ParseFloat(s, 64)
		}
		if err != nil {
			return false
		}
	}
	return true
}

// skipElement skips the content of the element whose start tag (raw name
// open) was just read, up to and including its end tag, checking that
// tags nest. With children set, the typed attributes of its child
// elements are checked too (rPr's children carry them).
func (c *xcur) skipElement(open []byte, children bool) bool {
	var t xtag
	depth := 0
	var stack [][]byte
	for {
		if c.next(&t) != tokTag {
			return false
		}
		switch t.kind {
		case tagStart:
			if depth == 0 && children && !typedAttrsOK(&t) {
				return false
			}
			stack = append(stack, t.name)
			depth++
		case tagEmpty:
			if depth == 0 && children && !typedAttrsOK(&t) {
				return false
			}
		case tagEnd:
			if depth == 0 {
				return bytes.Equal(t.name, open)
			}
			depth--
			if !bytes.Equal(t.name, stack[depth]) {
				return false
			}
			stack = stack[:depth]
		}
	}
}

// textElement reads the character data of the element whose start tag
// (raw name open) was just read and its end tag, decoded and appended to
// dst. An element inside it is refused.
func (c *xcur) textElement(dst, open []byte) ([]byte, bool) {
	raw := c.text() // the part holds no "]]>" (checked before)
	if !c.endTag(open) {
		return dst, false
	}
	return appendText(dst, raw)
}

// richText reads the content of a shared string item (<si>) or an inline
// string (<is>) whose start tag (raw name open) was just read, up to its
// end tag, and appends its text the way excelize's xlsxSI.String gives
// it: the <t> directly inside first, then the <t> of each run in order,
// phonetic runs left out, _xHHHH_ escapes decoded. tbuf and rbuf are
// scratch space, returned for reuse.
func (c *xcur) richText(dst, open, tbuf, rbuf []byte) (out, tb, rb []byte, ok bool) {
	tbuf, rbuf = tbuf[:0], rbuf[:0]
	var t xtag
	hasT := false
	for {
		if c.next(&t) != tokTag {
			return dst, tbuf, rbuf, false
		}
		if t.kind == tagEnd {
			if !bytes.Equal(t.name, open) {
				return dst, tbuf, rbuf, false
			}
			break
		}
		switch string(t.local) {
		case "t":
			if hasT { // encoding/xml keeps the last: refuse rather than copy
				return dst, tbuf, rbuf, false
			}
			hasT = true
			if t.kind == tagStart {
				if tbuf, ok = c.textElement(tbuf, t.name); !ok {
					return dst, tbuf, rbuf, false
				}
			}
		case "r":
			if t.kind == tagStart {
				if rbuf, ok = c.run(rbuf, t.name); !ok {
					return dst, tbuf, rbuf, false
				}
			}
		case "rPh", "phoneticPr":
			if !typedAttrsOK(&t) || t.kind == tagStart && !c.skipElement(t.name, false) {
				return dst, tbuf, rbuf, false
			}
		default:
			return dst, tbuf, rbuf, false
		}
	}
	start := len(dst)
	dst = append(append(dst, tbuf...), rbuf...)
	if bytes.Contains(dst[start:], []byte("_x")) { // an escape may span two runs
		tbuf = append(tbuf[:0], dst[start:]...)
		dst = appendBstr(dst[:start], tbuf)
	}
	return dst, tbuf, rbuf, true
}

// run reads a rich text run (<r>) whose start tag was just read and
// appends the text of its <t>.
func (c *xcur) run(dst, open []byte) ([]byte, bool) {
	var t xtag
	hasT := false
	for {
		if c.next(&t) != tokTag {
			return dst, false
		}
		if t.kind == tagEnd {
			return dst, bytes.Equal(t.name, open)
		}
		switch string(t.local) {
		case "rPr":
			if t.kind == tagStart && !c.skipElement(t.name, true) {
				return dst, false
			}
		case "t":
			if hasT {
				return dst, false
			}
			hasT = true
			if t.kind == tagStart {
				var ok bool
				if dst, ok = c.textElement(dst, t.name); !ok {
					return dst, false
				}
			}
		default:
			return dst, false
		}
	}
}

// prolog reads what comes before the root element: an optional byte-order
// mark, an optional XML declaration of version 1.0 in UTF-8, white space.
// It refuses anything else (comments, other processing instructions, a
// DOCTYPE) and leaves the cursor on the root's '<'.
func (c *xcur) prolog() bool {
	c.i = 0
	if bytes.HasPrefix(c.b, []byte("\uFEFF")) {
		c.i = 3
	}
	if bytes.HasPrefix(c.b[c.i:], []byte("<?xml")) {
		end := bytes.Index(c.b[c.i:], []byte("?>"))
		if end < 0 {
			return false
		}
		decl := c.b[c.i+5 : c.i+end]
		if len(decl) > 0 && skipWS(decl, 0) == 0 {
			return false // "<?xmlfoo"
		}
		ok := true
		for i := skipWS(decl, 0); i < len(decl) && ok; i = skipWS(decl, i) {
			name, val, end, good := attrAt(decl, i)
			switch {
			case !good:
				ok = false
			case string(name) == "version":
				ok = string(val) == "1.0"
			case string(name) == "encoding":
				ok = strings.EqualFold(string(val), "utf-8")
			case string(name) != "standalone":
				ok = false
			}
			i = end
		}
		if !ok {
			return false
		}
		c.i += end + 2
	}
	c.i = skipWS(c.b, c.i)
	return c.i < len(c.b) && c.b[c.i] == '<'
}

// Namespaces of SpreadsheetML.
const nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

// sharedStrings is a shared string table read by parseSST: the text of
// item i is text[off[i]:off[i+1]].
type sharedStrings struct {
	text string
	off  []int
}

func (s *sharedStrings) len() int { return len(s.off) - 1 }

func (s *sharedStrings) at(i int) string { return s.text[s.off[i]:s.off[i+1]] }

// parseSST reads a shared strings part (xl/sharedStrings.xml) the way
// excelize's decoder reads it into xlsxSST: the items of an <sst> root in
// the SpreadsheetML namespace. A missing or empty part is an empty table,
// as in excelize. ok is false for a part this reader does not take, or
// one excelize could not read: the workbook is then read by excelize.
func parseSST(x []byte) (_ *sharedStrings, ok bool) {
	s := &sharedStrings{off: []int{0}}
	if len(x) == 0 {
		return s, true
	}
	if keep, bad := checkChunk(x, true); keep != 0 || bad >= 0 ||
		bytes.Contains(x, []byte("]]>")) || bytes.Contains(x, []byte("purl.oclc.org")) {
		return nil, false
	}
	c := &xcur{b: x}
	var t xtag
	if !c.prolog() || !c.tag(&t) || t.kind == tagEnd || string(t.local) != "sst" || !typedAttrsOK(&t) {
		return nil, false
	}
	// The root's namespace: xmlns, or xmlns:prefix for a prefixed name.
	want := "xmlns"
	if len(t.name) > len(t.local) {
		want = "xmlns:" + string(t.name[:len(t.name)-len(t.local)-1])
	}
	ns := ""
	for _, a := range t.attrs() {
		if string(t.attrName(a)) == want {
			ns = string(t.attrVal(a))
		}
	}
	if ns != nsMain {
		return nil, false
	}
	if t.kind == tagEmpty {
		return s, true
	}
	root := t.name
	for _, a := range t.attrs() { // size the table once when it says how big it is
		if string(t.attrLocal(a)) == "uniqueCount" {
			if n, ok := digits(t.attrVal(a)); ok && n < len(x)/8 {
				s.off = make([]int, 1, n+1)
			}
		}
	}
	var tbuf, rbuf []byte
	text := make([]byte, 0, len(x)/2)
	for {
		// The usual item first: <si><t>text</t></si>, unprefixed.
		if at := c.i; c.lit("<si><t>") {
			raw := c.text()
			if c.lit("</t></si>") {
				start := len(text)
				if text, ok = appendText(text, raw); !ok {
					return nil, false
				}
				if bytes.Contains(text[start:], []byte("_x")) {
					tbuf = append(tbuf[:0], text[start:]...)
					text = appendBstr(text[:start], tbuf)
				}
				s.off = append(s.off, len(text))
				continue
			}
			c.i = at
		}
		if c.next(&t) != tokTag {
			return nil, false
		}
		switch {
		case t.kind == tagEnd:
			if !bytes.Equal(t.name, root) {
				return nil, false
			}
			s.text = string(text)
			return s, true
		case string(t.local) == "si":
			if t.kind == tagStart {
				if text, tbuf, rbuf, ok = c.richText(text, t.name, tbuf, rbuf); !ok {
					return nil, false
				}
			}
			s.off = append(s.off, len(text))
		default: // extLst and the like: encoding/xml skips them
			if t.kind == tagStart && !c.skipElement(t.name, false) {
				return nil, false
			}
		}
	}
}
