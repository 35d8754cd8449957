package source

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A workbook in the 1904 date system (Excel for Mac before 2011, and any
// workbook saved with the option) stores a date as the days since
// 1904-01-01; every other workbook as the days since 1899-12-30 (Excel's
// 1900 system). The pipeline reads serials in the 1900 system, so read
// as they are the dates of such a workbook come out four years and a day
// early. The source gives a date cell of a 1904 workbook as the 1900
// system's serial of the same day instead: 1462 days more.

// days1904 is the 1900-system serial of 1904-01-01, day 0 of the 1904
// system.
const days1904 = 1462

// dateShift is what a 1904 workbook's date cells need: which cell formats
// show a date.
type dateShift struct {
	date []bool // by cell format index: a number format with a day, month or year
}

// workbookDates returns the date shift of a workbook in the 1904 date
// system, nil for one in the 1900 system.
func workbookDates(f *excelize.File) *dateShift {
	props, err := f.GetWorkbookProps()
	if err != nil || props.Date1904 == nil || !*props.Date1904 {
		return nil
	}
	d := &dateShift{}
	st := f.Styles
	if st == nil || st.CellXfs == nil {
		return d
	}
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16 // as excelize's own formatting prefers it
			}
			custom[nf.NumFmtID] = code
		}
	}
	d.date = make([]bool, len(st.CellXfs.Xf))
	for i, xf := range st.CellXfs.Xf {
		if xf.NumFmtID == nil {
			continue
		}
		id := *xf.NumFmtID
		if code, ok := custom[id]; ok {
			d.date[i] = dateFormat(code)
		} else {
			d.date[i] = builtinDate(id)
		}
	}
	return d
}

// builtinDate reports whether a built-in number format (ECMA-376 §18.8.30
// and the East Asian and Thai ones Excel adds) shows a date; the built-in
// times (18–21, 32–35, 45–47, …) do not.
func builtinDate(id int) bool {
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 31, id == 36,
		id >= 50 && id <= 54, id == 57, id == 58, id >= 71 && id <= 74, id == 77, id == 81:
		return true
	}
	return false
}

// dateFormatNoise is what dateFormat ignores in a format code: quoted
// text, escaped and padded characters, and bracketed colours, conditions
// and locales. Elapsed times ([h], [mm], [ss]) are unbracketed first.
var (
	dateFormatElapsed = regexp.MustCompile(`\[(h+|m+|s+)\]`)
	dateFormatNoise   = regexp.MustCompile(`"[^"]*"|\\.|_.|\*.|\[[^\]]*\]`)
)

// dateFormat reports whether a custom number format code shows a date:
// a day or year part in its first section, or a month ("m" without an
// hour or seconds, which make it minutes). A time alone is not a date.
func dateFormat(code string) bool {
	code, _, _ = strings.Cut(code, ";")
	code = strings.ToLower(code)
	code = dateFormatNoise.ReplaceAllString(dateFormatElapsed.ReplaceAllString(code, "$1"), "")
	if strings.Contains(code, "general") {
		return false
	}
	return strings.ContainsAny(code, "dy") || strings.Contains(code, "m") && !strings.ContainsAny(code, "hs")
}

// apply rewrites the date cells of a row read from a 1904 workbook to 1900
// serials: numeric cells with a value and a date format whose text is a
// number.
func (d *dateShift) apply(cells []string, meta []cellMeta) {
	for _, c := range meta {
		if !c.numeric || !c.value || c.style < 0 || c.style >= len(d.date) || !d.date[c.style] || c.col >= len(cells) {
			continue
		}
		if s, ok := shiftSerial(cells[c.col]); ok {
			cells[c.col] = s
		}
	}
}

// shiftSerial returns a serial of the 1904 system as the 1900 system's:
// the whole days moved by days1904, the fraction (a time) kept as
// written. Text that is not a plain decimal number is left alone.
func shiftSerial(s string) (string, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e7 {
			return strconv.FormatFloat(f+days1904, 'f', -1, 64), true
		}
		return s, false
	}
	n, _ := strconv.Atoi(whole)
	out := strconv.Itoa(n + days1904)
	if frac != "" {
		out += "." + frac
	}
	return out, true
}
