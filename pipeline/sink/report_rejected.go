package sink

// The rejected-rows list: where each rejected row is, why, and its cells.

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// rejectedColumns are the columns of the rejected-rows list.
func (r *Report) rejectedColumns() []colSpec {
	lb := r.lb
	return []colSpec{
		{label: lb.file, min: 14, max: 34, wrap: true, shared: true}, {label: lb.sheet, min: 8, max: 14, wrap: true, shared: true},
		{label: lb.row, min: 6, max: 8}, {label: lb.reason, min: 14, max: 20, wrap: true, shared: true},
		{label: lb.reasonText, min: 16, max: 30, wrap: true, shared: true}, {label: lb.detail, min: 20, max: 40, wrap: true},
		{label: lb.original, min: 24, max: 50, wrap: true},
	}
}

// pendingRow is a rejected row without a region, kept encoded until the
// region of its file is known: at Close, it goes to that regency's
// workbook.
type pendingRow struct {
	file string
	row  rowXML
}

// writeRejected adds the rejected rows of rec to the rejected-rows list:
// every one to the province's workbook; to a regency's, those of its
// region, and the region-less ones of the files it sent (addPending).
func (l *listRows) writeRejected(rec arrow.Record) error {
	c := colReader{rec: rec}
	file, sheet, row := c.str(pipeline.ColFile), c.str(pipeline.ColSheet), c.int32(pipeline.ColRow)
	reason, detail, original := c.str(pipeline.ColReason), c.str(pipeline.ColDetail), c.str(pipeline.ColOriginal)
	region := c.str(pipeline.ColRegionCode)
	if c.err != nil {
		return c.err
	}
	r, cols := l.cells, l.cells.stores[listRejected].cols
	for i := 0; i < int(rec.NumRows()); i++ {
		f, reg := file.at(i), region.at(i)
		if reg != "" {
			if _, ok := l.fileRegion[f]; !ok {
				l.fileRegion[strings.Clone(f)] = strings.Clone(reg)
			}
		}
		if !reason.valid(i) {
			continue
		}
		var home *Report
		if reg != "" {
			if home = l.regencies[reg]; home == nil && l.province == nil {
				continue // another regency's row
			}
		}
		rowNum := xcell{}
		if row.IsValid(i) {
			rowNum = numCell(r.st.rowNum, float64(row.Value(i)))
		}
		code := reason.at(i)
		l.row.encode(cols, r.lb.cutMark, l.sst, []xcell{
			textCell(r.st.wrap, f), textCell(r.st.wrap, sheet.at(i)), rowNum, textCell(r.st.wrap, code),
			textCell(r.st.wrap, r.lb.code(code)), textCell(r.st.wrap, r.lb.renderDetail(detail.at(i))),
			textCell(r.st.wrap, headerLines(original.at(i))),
		})
		l.add(listRejected, rowKey{}, l.province, home, nil)
		if reg == "" && len(l.regencies) > 0 {
			// Which regency sent it is known from the file's other rows,
			// perhaps only later: decided at Close.
			l.pending = append(l.pending, pendingRow{file: strings.Clone(f), row: rowXML{
				xml: slices.Clone(l.row.xml), need: slices.Clone(l.row.need), cut: l.row.cut, shared: l.row.shared}})
		}
	}
	return nil
}

// addPending adds the region-less rejected rows to the workbooks of the
// regencies that sent their files (the region of a file's first row that
// has one), after that regency's own rejected rows.
func (l *listRows) addPending() {
	for i := range l.pending {
		p := &l.pending[i]
		if reg := l.fileRegion[p.file]; reg != "" {
			if r := l.regencies[reg]; r != nil {
				r.hasData = true
				r.stores[listRejected].addXML(&p.row, rowKey{})
			}
		}
	}
	l.pending = nil
}

// headerLines shows a row's original cells, a JSON object keyed by the
// file's own headers, as "header: value" lines in the file's order; text
// that is not such an object is shown as it is.
func headerLines(original string) string {
	if s, ok := headerLinesFast(original); ok {
		return s
	}
	dec := json.NewDecoder(strings.NewReader(original))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return original
	}
	var b bytes.Buffer
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return original
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return original
		}
		key, _ := k.(string)
		val, ok := v.(string)
		if !ok {
			raw, _ := json.Marshal(v)
			val = string(raw)
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(key)
		b.WriteString(": ")
		b.WriteString(val)
	}
	return b.String()
}

// headerLinesFast reads the object the sources write — string keys and
// string values, nothing else — without encoding/json's token machinery;
// false for anything else, which headerLines then decodes in full.
func headerLinesFast(s string) (string, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(s))
	rest := s[1 : len(s)-1]
	for rest != "" {
		key, r, ok := jsonString(rest)
		if !ok || r == "" || r[0] != ':' {
			return "", false
		}
		val, r, ok := jsonString(r[1:])
		if !ok {
			return "", false
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(key)
		b.WriteString(": ")
		b.WriteString(val)
		switch {
		case r == "":
			rest = ""
		case r[0] == ',':
			rest = r[1:]
		default:
			return "", false
		}
	}
	return b.String(), true
}

// jsonString reads a JSON string at the start of s and returns it with
// the rest of s.
func jsonString(s string) (string, string, bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	escaped := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			escaped = true
			i++
		case '"':
			if !escaped {
				return s[1:i], s[i+1:], true
			}
			var v string
			if err := json.Unmarshal([]byte(s[:i+1]), &v); err != nil {
				return "", "", false
			}
			return v, s[i+1:], true
		}
	}
	return "", "", false
}
