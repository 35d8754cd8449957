package sink

// The shared layer of the workbook: list kinds and streams, styles,
// cell writing, text helpers and region names.

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// listKind names the streamed action lists, in sheet order.
type listKind int

const (
	listPrint listKind = iota
	listRecording
	listDeceased
	listMoves
	listReview
	listRejected
	numLists
)

type reportStyles struct {
	title, label, header, note, none    int
	text, wrap, nik, date, num, numLeft int
	listDate                            int
	boxText, rowNum                     int
	totalText, totalNum, totalPct, pct  int
}

func (r *Report) sheetNames() []string {
	lb := r.lb
	return []string{
		lb.sheetSummary, lb.sheetPrint, lb.sheetRecording, lb.sheetDeceased,
		lb.sheetMoves, lb.sheetReview, lb.sheetRejected, lb.sheetAllocation, lb.sheetGanda,
	}
}

// printSetup sets landscape A4, fit to one page wide, and a footer with
// the sheet name and page numbers. Call it before opening a stream: the
// sheet properties are written when the stream opens.
func (r *Report) printSetup(sheet string) error {
	landscape, a4, one, any := "landscape", 9, 1, 0
	fit := true
	if err := r.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := r.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any,
	}); err != nil {
		return err
	}
	return r.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: r.lb.footer})
}

func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// styler adds styles to a workbook, keeping the first error so that a
// table of styles is checked once.
type styler struct {
	f   *excelize.File
	err error
}

func (s *styler) style(st *excelize.Style) int {
	if s.err != nil {
		return 0
	}
	var id int
	id, s.err = s.f.NewStyle(st)
	return id
}

// thinBorder is the light grey box of the summary tables' cells.
func thinBorder() []excelize.Border {
	return []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
}

func (r *Report) newStyles() error {
	st := &styler{f: r.f}
	style := st.style
	thin := thinBorder()
	totalBorder := []excelize.Border{{Type: "top", Color: "000000", Style: 2}, {Type: "bottom", Color: "000000", Style: 1}}
	totalFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	// Every font names its family: without it LibreOffice falls back to a
	// serif face.
	font := func(f excelize.Font) *excelize.Font {
		f.Family = "Calibri"
		if f.Size == 0 {
			f.Size = 11
		}
		return &f
	}
	bold := font(excelize.Font{Bold: true})
	dateFmt, listDateFmt, pctFmt, textFmt := r.lb.dateFmt, r.lb.listDateFmt, "0.0", 49
	r.st = reportStyles{
		title: style(&excelize.Style{Font: font(excelize.Font{Bold: true, Size: 14})}),
		label: style(&excelize.Style{Font: font(excelize.Font{Color: "595959"})}),
		header: style(&excelize.Style{
			Font:      font(excelize.Font{Bold: true, Color: "FFFFFF"}),
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E78"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
			Border:    thin,
		}),
		note:      style(&excelize.Style{Font: font(excelize.Font{Italic: true, Color: "595959", Size: 9})}),
		none:      style(&excelize.Style{Font: font(excelize.Font{Italic: true, Color: "808080"})}),
		text:      style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}),
		wrap:      style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}),
		nik:       style(&excelize.Style{NumFmt: textFmt, Alignment: &excelize.Alignment{Vertical: "top"}}),
		date:      style(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}),
		listDate:  style(&excelize.Style{CustomNumFmt: &listDateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}),
		num:       style(&excelize.Style{NumFmt: 3, Border: thin}),
		boxText:   style(&excelize.Style{Border: thin}),
		rowNum:    style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}),
		numLeft:   style(&excelize.Style{NumFmt: 3, Alignment: &excelize.Alignment{Horizontal: "left"}}),
		pct:       style(&excelize.Style{CustomNumFmt: &pctFmt, Border: thin}),
		totalText: style(&excelize.Style{Font: bold, Border: totalBorder, Fill: totalFill}),
		totalNum:  style(&excelize.Style{Font: bold, NumFmt: 3, Border: totalBorder, Fill: totalFill}),
		totalPct:  style(&excelize.Style{Font: bold, CustomNumFmt: &pctFmt, Border: totalBorder, Fill: totalFill}),
	}
	return st.err
}

// codes are the labels of codes cs, joined by sep.
func (r *Report) codes(cs []string, sep string) string {
	switch len(cs) {
	case 0:
		return ""
	case 1:
		return r.lb.code(cs[0])
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = r.lb.code(c)
	}
	return strings.Join(out, sep)
}

// listCodes is codes(c.at(i), sep) without gathering the list: a list
// of one code, the most common, is its label as it is.
func (r *Report) listCodes(c listCol, i int, sep string) string {
	if c.a == nil || c.a.IsNull(i) {
		return ""
	}
	start, end := c.a.ValueOffsets(i)
	one, n := "", 0
	for j := start; j < end && n < 2; j++ {
		if c.v.IsValid(int(j)) {
			one = c.v.Value(int(j))
			n++
		}
	}
	switch n {
	case 0:
		return ""
	case 1:
		return r.lb.code(one)
	}
	return r.codes(c.at(i), sep)
}

// regionName returns the name of a region code, or the code itself.
func (r *Report) regionName(code string) string {
	if n, ok := r.info.RegionNames[code]; ok && n != "" {
		return n
	}
	if r.info.Names != nil {
		if n := r.info.Names(code); n != "" {
			if r.outsideProvince(code) {
				return n + " " + r.lb.outsideMark
			}
			return n
		}
	}
	return code
}

// outsideProvince reports whether a region code lies in another province.
func (r *Report) outsideProvince(code string) bool {
	return code != "" && r.info.ProvinceCode != "" && !strings.HasPrefix(code, r.info.ProvinceCode)
}

// tableName makes an Excel table name from a sheet name.
func tableName(sheet string) string {
	var b strings.Builder
	b.WriteString("tbl")
	for _, c := range sheet {
		if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// thousands formats n with the language's thousands separator.
func (r *Report) thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(r.lb.thousand)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func (r *Report) isProvince(row *summaryRow) bool {
	if r.info.ProvinceCode != "" {
		return row.code == r.info.ProvinceCode
	}
	return len(row.code) == 2
}

func (r *Report) provinceName() string {
	if n := r.info.RegionNames[r.info.ProvinceCode]; n != "" {
		return n
	}
	for i := range r.summary {
		if r.isProvince(&r.summary[i]) {
			return r.summary[i].name
		}
	}
	return ""
}

// cellWriter sets cells of one normal sheet, keeping the first error.
type cellWriter struct {
	f     *excelize.File
	sheet string
	err   error
}

func (w *cellWriter) set(col, row int, v any, style int) {
	if w.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		if s, ok := v.(string); ok {
			err = w.f.SetCellStr(w.sheet, cell, s)
		} else if v != nil {
			err = w.f.SetCellValue(w.sheet, cell, v)
		}
	}
	if err == nil && style != 0 {
		err = w.f.SetCellStyle(w.sheet, cell, cell, style)
	}
	w.err = err
}

func (w *cellWriter) do(err error) {
	if w.err == nil {
		w.err = err
	}
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}
