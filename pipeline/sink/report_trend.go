package sink

// The "Tren" (Trend) sheet: per run date and regency, blanks needed,
// ready and projected readiness, each against a straight line from the
// regency's first run to 100 % on election day; a chart of the province's
// (a regency's own, in its workbook) projected readiness per run date
// beside its line. Rows below their line are coloured.
//
// The earlier runs come as data (ReportInfo.History, read from the
// history by the command); this run's row is its own summary.

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// History is what the workbook shows of the run history (--history): the
// "Sejak run terakhir" and "Tren" sheets. Without it the workbook has
// neither.
type History struct {
	// Prior is the as-of date of the run the deltas compare with; zero
	// when the history held none.
	Prior time.Time
	// Runs are the stored runs before this one, oldest first.
	Runs []TrendRun
}

// TrendRun is one run's summary, as the trend shows it.
type TrendRun struct {
	AsOf time.Time
	Rows []TrendRow // the regions by code, then the province
}

// TrendRow is one region of a run.
type TrendRow struct {
	Code, Name          string
	BlanksNeeded, Ready int64
	Pct                 *float64 // projected_ready_pct; nil when empty
}

// historySheetStyles are the styles of the two history sheets.
type historySheetStyles struct {
	date, totalDate, count, totalCount           int
	behindDate, behindText, behindNum, behindPct int
	alarmTitle                                   int
	alarmFormat                                  int // a conditional format
}

func (r *Report) newHistoryStyles() (historySheetStyles, error) {
	sty := &styler{f: r.f}
	style := sty.style
	thin := thinBorder()
	font := func(f excelize.Font) *excelize.Font {
		f.Family, f.Size = "Calibri", 11
		return &f
	}
	behindFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}
	behindFont := font(excelize.Font{Color: "9C0006"})
	// Counts show a zero as a dash, so that the changes stand out.
	dateFmt, pctFmt, countFmt := r.lb.listDateFmt, "0.0", `#,##0;-#,##0;"-"`
	totalBorder := []excelize.Border{{Type: "top", Color: "000000", Style: 2}, {Type: "bottom", Color: "000000", Style: 1}}
	st := historySheetStyles{
		date: style(&excelize.Style{CustomNumFmt: &dateFmt, Border: thin, Alignment: &excelize.Alignment{Horizontal: "left"}}),
		totalDate: style(&excelize.Style{CustomNumFmt: &dateFmt, Font: font(excelize.Font{Bold: true}), Border: totalBorder,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}, Alignment: &excelize.Alignment{Horizontal: "left"}}),
		behindDate: style(&excelize.Style{CustomNumFmt: &dateFmt, Font: behindFont, Fill: behindFill, Border: thin,
			Alignment: &excelize.Alignment{Horizontal: "left"}}),
		behindText: style(&excelize.Style{Font: behindFont, Fill: behindFill, Border: thin}),
		behindNum:  style(&excelize.Style{NumFmt: 3, Font: behindFont, Fill: behindFill, Border: thin}),
		behindPct:  style(&excelize.Style{CustomNumFmt: &pctFmt, Font: behindFont, Fill: behindFill, Border: thin}),
		alarmTitle: style(&excelize.Style{Font: font(excelize.Font{Bold: true, Color: "9C0006"})}),
		count:      style(&excelize.Style{CustomNumFmt: &countFmt, Border: thin}),
		totalCount: style(&excelize.Style{CustomNumFmt: &countFmt, Font: font(excelize.Font{Bold: true}), Border: totalBorder,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}}),
	}
	if sty.err != nil {
		return st, sty.err
	}
	var err error
	st.alarmFormat, err = r.f.NewConditionalStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true, Color: "9C0006"}, Fill: behindFill,
	})
	return st, err
}

// layoutHistory adds the two history sheets after the allocation sheet
// when the run has a history, with their fixes (codes and NIKs stored as
// text).
func (r *Report) layoutHistory(fixes map[string]*sheetFix) error {
	if r.info.History == nil {
		return nil
	}
	hl := r.hl()
	st, err := r.newHistoryStyles()
	if err != nil {
		return err
	}
	for _, sheet := range []string{hl.sheetDeltas, hl.sheetTrend} {
		if _, err := r.f.NewSheet(sheet); err != nil {
			return err
		}
		var text []string
		if sheet == hl.sheetDeltas {
			text, err = r.fillDeltas(sheet, st)
		} else {
			text, err = r.fillTrend(sheet, st)
		}
		if err != nil {
			return fmt.Errorf("sheet %q: %w", sheet, err)
		}
		fixes[sheet] = &sheetFix{textCols: text}
	}
	return nil
}

// trendPoint is one row of the trend: a region on a run date.
type trendPoint struct {
	asOf          time.Time
	code, name    string
	blanks, ready int64
	pct           *float64
	line          float64 // the region's line on that date, one decimal
	province      bool
}

// behind reports whether the point is below its line.
func (p trendPoint) behind() bool { return p.pct != nil && *p.pct < p.line }

// trendPoints returns every region's points (the earlier runs, then this
// run from its summary), each with its line, by region in run order. The
// line of a region goes straight from its projected readiness at its
// first run with one to 100 % on election day.
func (r *Report) trendPoints() map[string][]trendPoint {
	runs := slices.Clone(r.info.History.Runs)
	now := TrendRun{AsOf: r.info.AsOf}
	for i := range r.summary {
		s := &r.summary[i]
		row := TrendRow{Code: s.code, Name: s.name, BlanksNeeded: s.int(pipeline.SumBlanksNeeded), Ready: s.int(pipeline.SumReady)}
		if s.hasPct {
			v := s.pct
			row.Pct = &v
		}
		now.Rows = append(now.Rows, row)
	}
	runs = append(runs, now)
	points := map[string][]trendPoint{}
	for _, run := range runs {
		for _, row := range run.Rows {
			province := r.info.ProvinceCode != "" && row.Code == r.info.ProvinceCode
			if !province && !r.inScope(row.Code) {
				continue
			}
			if r.info.Scope != "" && province {
				continue // a regency's workbook follows the regency
			}
			points[row.Code] = append(points[row.Code], trendPoint{asOf: run.AsOf, code: row.Code, name: row.Name,
				blanks: row.BlanksNeeded, ready: row.Ready, pct: row.Pct, province: province})
		}
	}
	election := r.info.ElectionDate
	for _, ps := range points {
		start := -1
		for i, p := range ps {
			if p.pct != nil {
				start = i
				break
			}
		}
		for i := range ps {
			if start < 0 {
				ps[i].line = math.NaN()
				continue
			}
			ps[i].line = lineAt(ps[start].asOf, *ps[start].pct, election, ps[i].asOf)
		}
	}
	return points
}

// lineAt is the value on date d of the straight line from pct on date
// from to 100 on election day, rounded half away from zero to one decimal;
// before from it is pct, from election day on 100.
func lineAt(from time.Time, pct float64, election, d time.Time) float64 {
	total := election.Sub(from).Hours()
	done := d.Sub(from).Hours()
	v := pct
	switch {
	case total <= 0 || done >= total:
		v = 100
	case done > 0:
		v = pct + (100-pct)*done/total
	}
	return math.Round(v*10) / 10
}

// fillTrend writes the trend sheet and its chart; it returns the ranges
// of codes stored as text.
func (r *Report) fillTrend(sheet string, st historySheetStyles) ([]string, error) {
	hl := r.hl()
	w := &cellWriter{f: r.f, sheet: sheet}
	w.set(1, 1, r.historyTitle(hl.trendTitle), r.st.title)
	w.do(r.f.SetRowHeight(sheet, 1, 22))
	w.set(1, 2, hl.election, r.st.label)
	w.set(3, 2, r.info.ElectionDate, r.st.date)
	w.do(r.f.MergeCell(sheet, "C2", "D2"))
	w.set(1, 3, hl.trendNote, r.st.note)

	points := r.trendPoints()
	subject := r.info.ProvinceCode
	if r.info.Scope != "" {
		subject = r.info.Scope
	}
	cols := []string{hl.runDate, hl.regionCode, hl.region, hl.blanksNeeded, hl.ready, hl.pct, hl.line, hl.gap}
	header := func(row int) {
		for j, c := range cols {
			w.set(1+j, row, c, r.st.header)
		}
		w.do(r.f.SetRowHeight(sheet, row, 30))
	}
	put := func(row int, p trendPoint, total bool) {
		date, text, num, pct := st.date, r.st.boxText, r.st.num, r.st.pct
		switch {
		case p.behind():
			date, text, num, pct = st.behindDate, st.behindText, st.behindNum, st.behindPct
		case total:
			date, text, num, pct = st.totalDate, r.st.totalText, r.st.totalNum, r.st.totalPct
		}
		w.set(1, row, p.asOf, date)
		w.set(2, row, p.code, text)
		w.set(3, row, p.name, text)
		w.set(4, row, p.blanks, num)
		w.set(5, row, p.ready, num)
		var v, line, gap any
		if p.pct != nil {
			v = *p.pct
		}
		if !math.IsNaN(p.line) {
			line = p.line
			if p.pct != nil {
				gap = math.Round((*p.pct-p.line)*10) / 10
			}
		}
		w.set(6, row, v, pct)
		w.set(7, row, line, pct)
		w.set(8, row, gap, pct)
	}

	// The chart's data: the subject's points, oldest first, then election
	// day on the line.
	name := r.provinceName()
	if r.info.Scope != "" {
		name = r.regionName(r.info.Scope)
	}
	w.set(1, 5, fmt.Sprintf(hl.provinceTitle, name), r.st.label)
	const chartHeader = 6
	header(chartHeader)
	row := chartHeader
	subjectPoints := points[subject]
	for _, p := range subjectPoints {
		row++
		put(row, p, false)
	}
	lastPoint := row
	row++
	w.set(1, row, r.info.ElectionDate, st.date)
	w.set(2, row, subject, r.st.boxText)
	w.set(3, row, hl.electionDay, r.st.boxText)
	w.set(7, row, 100.0, r.st.pct)
	textCols := []string{fmt.Sprintf("B%d:B%d", chartHeader+1, row)}
	chartEnd := row
	if len(subjectPoints) > 0 {
		w.do(r.addTrendChart(sheet, name, chartHeader, lastPoint, chartEnd))
	}

	// Every region, newest date first, the province last on each date.
	var all []trendPoint
	var latestBehind []string
	for _, ps := range points {
		all = append(all, ps...)
		if last := ps[len(ps)-1]; !last.province && last.behind() && last.asOf.Equal(r.info.AsOf) {
			latestBehind = append(latestBehind, last.code+" "+r.regionName(last.code))
		}
	}
	slices.SortFunc(all, func(a, b trendPoint) int {
		if c := b.asOf.Compare(a.asOf); c != 0 {
			return c
		}
		if a.province != b.province {
			return compareBool(a.province, b.province)
		}
		return strings.Compare(a.code, b.code)
	})
	slices.Sort(latestBehind)
	row = max(row+2, chartHeader+trendChartRows+1)
	if len(latestBehind) > 0 {
		w.set(1, row, fmt.Sprintf(hl.behindNote, strings.Join(latestBehind, ", ")), st.alarmTitle)
		row++
	}
	w.set(1, row, hl.regionsTitle, r.st.label)
	row++
	header(row)
	first := row + 1
	for _, p := range all {
		row++
		put(row, p, p.province)
	}
	if row >= first {
		textCols = append(textCols, fmt.Sprintf("B%d:B%d", first, row))
		w.do(r.f.AutoFilter(sheet, cellName(1, first-1)+":"+cellName(len(cols), row), nil))
	}
	for j, wd := range []float64{14, 7, 24, 12, 12, 12, 12, 12} {
		col, _ := excelize.ColumnNumberToName(j + 1)
		w.do(r.f.SetColWidth(sheet, col, col, wd))
	}
	w.do(r.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: chartHeader, TopLeftCell: cellName(1, chartHeader+1), ActivePane: "bottomLeft"}))
	w.do(r.printSetup(sheet))
	return textCols, w.err
}

// trendChartRows is about the chart's height in rows (20 px each).
const trendChartRows = 18

// addTrendChart draws the projected readiness per run date (rows
// header+1..last) and the line to 100 % on election day (rows
// header+1..end, the last on election day) as a scatter chart with a
// date axis, right of the table.
func (r *Report) addTrendChart(sheet, subject string, header, last, end int) error {
	hl := r.hl()
	ref := func(col, from, to int) string {
		c, _ := excelize.ColumnNumberToName(col)
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(sheet), c, from, c, to)
	}
	head := func(col int) string {
		c, _ := excelize.ColumnNumberToName(col)
		return fmt.Sprintf("%s!$%s$%d", quoteSheet(sheet), c, header)
	}
	serial := func(t time.Time) float64 {
		return math.Floor(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	first, err := r.f.GetCellValue(sheet, cellName(1, header+1), excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	var minX float64
	if _, err := fmt.Sscan(first, &minX); err != nil {
		return fmt.Errorf("first run date cell %q: %w", first, err)
	}
	maxX := serial(r.info.ElectionDate)
	minY, maxY := 0.0, 100.0
	axisFont := excelize.Font{Color: "404040", Size: 9}
	dateFmt := "d mmm yyyy"
	if r.info.Lang != "en" {
		dateFmt = "[$-421]d mmm yyyy"
	}
	chart := &excelize.Chart{
		Type: excelize.Scatter,
		Series: []excelize.ChartSeries{
			{
				Name: head(6), Categories: ref(1, header+1, last), Values: ref(6, header+1, last),
				Line:   excelize.LineOptions{Type: excelize.LineSolid, Width: 2.25},
				Marker: excelize.ChartMarker{Symbol: "circle", Size: 7},
				Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2E75B6"}},
			},
			{
				Name: head(7), Categories: ref(1, header+1, end), Values: ref(7, header+1, end),
				Line:   excelize.LineOptions{Type: excelize.LineSolid, Width: 1.5, Dash: excelize.LineDashDash},
				Marker: excelize.ChartMarker{Symbol: "none"},
				Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C00000"}},
			},
		},
		Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{
			Text: fmt.Sprintf(hl.chartTitle, subject), Font: &excelize.Font{Bold: true, Size: 12},
		}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 640, Height: trendChartRows * 20},
		XAxis: excelize.ChartAxis{Minimum: &minX, Maximum: &maxX, Font: axisFont,
			NumFmt: excelize.ChartNumFmt{CustomNumFmt: dateFmt}},
		YAxis:  excelize.ChartAxis{MajorGridLines: true, Minimum: &minY, Maximum: &maxY, Font: axisFont},
		Format: excelize.GraphicOptions{OffsetX: 10, OffsetY: 0},
	}
	return r.f.AddChart(sheet, cellName(10, header), chart)
}
