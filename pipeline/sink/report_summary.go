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
	w.do(r.f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, XSplit: 2, YSplit: summarySheetHeaderRow, TopLeftCell: cellName(3, summarySheetFirstRow), ActivePane: "bottomRight",
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
		w.do(r.addChart(sheet, regions, row+4))
	}
	w.do(r.printSetup(sheet))
	return w.err
}

// summaryCol is the 1-based sheet column of a summary column: the summary
// sheet lays the columns out in pipeline.SummarySchema's order.
func summaryCol(name string) int {
	return pipeline.SummarySchema.FieldIndices(name)[0] + 1
}

// addChart puts a clustered bar chart of needs against stock per region
// below the table, at row at.
func (r *Report) addChart(sheet string, regions, at int) error {
	ref := func(col int) string {
		c, _ := excelize.ColumnNumberToName(col)
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(sheet), c, summarySheetFirstRow, c, summarySheetFirstRow+regions-1)
	}
	head := func(col int) string {
		c, _ := excelize.ColumnNumberToName(col)
		return fmt.Sprintf("%s!$%s$%d", quoteSheet(sheet), c, summarySheetHeaderRow)
	}
	series := []struct {
		col   int
		color string
	}{
		{summaryCol(pipeline.SumNeedsPrint), "2E75B6"},
		{summaryCol(pipeline.SumNeedsRecording), "ED7D31"},
		{summaryCol(pipeline.SumStock), "70AD47"},
	}
	var ss []excelize.ChartSeries
	for _, s := range series {
		ss = append(ss, excelize.ChartSeries{
			Name: head(s.col), Categories: ref(summaryCol(pipeline.SumRegionName)), Values: ref(s.col),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.color}},
		})
	}
	height := uint(120 + 22*regions*len(series)/2)
	if height < 320 {
		height = 320
	}
	return r.f.AddChart(sheet, cellName(1, at), &excelize.Chart{
		Type:      excelize.Bar,
		Series:    ss,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: r.lb.chartTitle, Font: &excelize.Font{Bold: true, Size: 12}}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 900, Height: height},
		XAxis:     excelize.ChartAxis{ReverseOrder: true, Font: excelize.Font{Color: "404040", Size: 9}},
		YAxis: excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"},
			Font: excelize.Font{Color: "404040", Size: 9}},
		Format: excelize.GraphicOptions{OffsetX: 5, OffsetY: 5},
	})
}
