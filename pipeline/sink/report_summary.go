package sink

// The summary sheet and its chart.

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// Layout of the summary sheet.
const (
	summarySheetHeaderRow = 6
	summarySheetFirstRow  = summarySheetHeaderRow + 1
)

func (r *Report) fillSummary() error {
	sheet := r.lb.sheetSummary
	w := &cellWriter{f: r.f, sheet: sheet}
	lb := r.lb
	title := lb.title
	if p := r.provinceName(); p != "" {
		title += " — " + p
	}
	if r.info.Scope != "" {
		title += " — " + r.regionName(r.info.Scope)
	}
	w.set(1, 1, title, r.st.title)
	w.do(r.f.SetRowHeight(sheet, 1, 22))
	info := []struct {
		label string
		value any
		style int
	}{
		{lb.asOf, r.info.AsOf, r.st.date},
		{lb.election, r.info.ElectionDate, r.st.date},
		{lb.printDays, int64(r.info.PrintDays), r.st.numLeft},
	}
	for i, in := range info {
		row := 2 + i
		w.set(1, row, in.label, r.st.label)
		if t, ok := in.value.(time.Time); ok && t.IsZero() {
			continue
		}
		w.set(3, row, in.value, in.style)
		w.do(r.f.MergeCell(sheet, cellName(3, row), cellName(4, row)))
	}
	cols := pipeline.SummaryColumns()
	for i, c := range cols {
		w.set(i+1, summarySheetHeaderRow, lb.summaryCols[c], r.st.header)
	}
	w.do(r.f.SetRowHeight(sheet, summarySheetHeaderRow, 45))
	row := summarySheetHeaderRow
	regions := 0
	for i := range r.summary {
		s := &r.summary[i]
		row++
		total := r.isProvince(s)
		if !total {
			regions++
		}
		textStyle, numStyle, pctStyle := r.st.boxText, r.st.num, r.st.pct
		if total {
			textStyle, numStyle, pctStyle = r.st.totalText, r.st.totalNum, r.st.totalPct
		}
		for j, c := range cols {
			switch c {
			case pipeline.SumRegionCode:
				w.set(j+1, row, s.code, textStyle)
			case pipeline.SumRegionName:
				w.set(j+1, row, s.name, textStyle)
			case pipeline.SumPct:
				var v any
				if s.hasPct {
					v = s.pct
				}
				w.set(j+1, row, v, pctStyle)
			default:
				var v any
				if n, ok := s.ints[c]; ok {
					v = n
				}
				w.set(j+1, row, v, numStyle)
			}
		}
	}
	w.set(1, row+2, lb.summaryNote, r.st.note)
	w.do(r.f.SetColWidth(sheet, "A", "A", 8))
	w.do(r.f.SetColWidth(sheet, "B", "B", 24))
	w.do(r.f.SetColWidth(sheet, "C", "T", 11.5))
	// Frozen above the table only: a frozen column would draw its line
	// through the charts below.
	w.do(r.f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: summarySheetHeaderRow, TopLeftCell: cellName(1, summarySheetFirstRow), ActivePane: "bottomLeft",
	}))
	if w.err != nil {
		return w.err
	}
	if regions > 0 {
		pct := summaryCol(pipeline.SumPct)
		pctRange := cellName(pct, summarySheetFirstRow) + ":" + cellName(pct, summarySheetFirstRow+regions-1)
		w.do(r.f.SetConditionalFormat(sheet, pctRange, []excelize.ConditionalFormatOptions{{
			Type: "3_color_scale", Criteria: "=",
			MinType: "num", MinValue: "50", MinColor: "#F8696B",
			MidType: "num", MidValue: "80", MidColor: "#FFEB84",
			MaxType: "num", MaxValue: "100", MaxColor: "#63BE7B",
		}}))
		w.do(r.addCharts(sheet, regions, row+4))
	}
	w.do(r.printSetup(sheet))
	return w.err
}

// summaryCol is the 1-based sheet column of a summary column: the summary
// sheet lays the columns out in pipeline.SummarySchema's order.
func summaryCol(name string) int {
	return pipeline.SummarySchema.FieldIndices(name)[0] + 1
}

// targetCol is the sheet column, right of the table, holding the 100 %
// target line of the readiness chart.
var targetCol = len(pipeline.SummarySchema.Fields()) + 2

// addCharts puts two charts below the table, from row at: blanks needed
// against stock and allocation per region (columns in legend order), and
// the projected readiness per region against the 100 % line.
func (r *Report) addCharts(sheet string, regions, at int) error {
	ref := func(col int) string {
		c, _ := excelize.ColumnNumberToName(col)
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(sheet), c, summarySheetFirstRow, c, summarySheetFirstRow+regions-1)
	}
	head := func(col int) string {
		c, _ := excelize.ColumnNumberToName(col)
		return fmt.Sprintf("%s!$%s$%d", quoteSheet(sheet), c, summarySheetHeaderRow)
	}
	categories := ref(summaryCol(pipeline.SumRegionName))
	series := func(col int, color string) excelize.ChartSeries {
		return excelize.ChartSeries{Name: head(col), Categories: categories, Values: ref(col),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}}
	}
	axis := excelize.ChartAxis{Font: excelize.Font{Color: "404040", Size: 9}}
	title := func(text string) excelize.ChartTitle {
		return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: text, Font: &excelize.Font{Bold: true, Size: 12}}}}
	}
	const width, height = 900, 340
	needs := &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{
			series(summaryCol(pipeline.SumBlanksNeeded), "2E75B6"),
			series(summaryCol(pipeline.SumStock), "70AD47"),
			series(summaryCol(pipeline.SumAllocation), "ED7D31"),
		},
		Title:     title(r.lb.chartTitle),
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: width, Height: height},
		XAxis:     axis,
		YAxis: excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"},
			Font: axis.Font},
		Format: excelize.GraphicOptions{OffsetX: 5, OffsetY: 5},
	}
	if err := r.f.AddChart(sheet, cellName(1, at), needs); err != nil {
		return err
	}

	// The 100 % line needs values: a column right of the table.
	w := &cellWriter{f: r.f, sheet: sheet}
	w.set(targetCol, summarySheetHeaderRow, r.lb.target, r.st.header)
	for i := range regions {
		w.set(targetCol, summarySheetFirstRow+i, 100.0, r.st.pct)
	}
	tc, _ := excelize.ColumnNumberToName(targetCol)
	w.do(r.f.SetColWidth(sheet, tc, tc, 11.5))
	if w.err != nil {
		return w.err
	}
	maxPct := 100.0
	ready := &excelize.Chart{
		Type:      excelize.Col,
		Series:    []excelize.ChartSeries{series(summaryCol(pipeline.SumPct), "2E75B6")},
		Title:     title(r.lb.readyChartTitle),
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: width, Height: height},
		XAxis:     axis,
		YAxis:     excelize.ChartAxis{MajorGridLines: true, Maximum: &maxPct, Font: axis.Font},
		Format:    excelize.GraphicOptions{OffsetX: 5, OffsetY: 5},
	}
	line := &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{{Name: head(targetCol), Categories: categories, Values: ref(targetCol),
			Line: excelize.LineOptions{Width: 2}, Marker: excelize.ChartMarker{Symbol: "dash", Size: 12},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C00000"}}}},
	}
	return r.f.AddChart(sheet, cellName(1, at+height/20+2), ready, line)
}
