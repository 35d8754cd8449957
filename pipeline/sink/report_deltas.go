package sink

// The "Sejak run terakhir" (Since the last run) sheet: what changed since
// the latest earlier run of the history, counted per regency and kind of
// change, and the alarm list of requests that disappeared unresolved.

import (
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// deltaTables are the deltas table as the workbook keeps it.
type deltaTables struct {
	counts map[string]map[string]int64 // region → change → rows
	total  map[string]int64            // change → rows, every region
	alarms []alarmRow
}

type alarmRow struct {
	nik, name, region, status, cardEvent string
	lastRequest                          time.Time
	hasLastRequest                       bool
	sources                              []string
}

// readDeltas keeps the counts and alarm rows of the regions in scope.
func (r *Report) readDeltas(rec arrow.Record) error {
	c := colReader{rec: rec}
	nik, region, change := c.str(pipeline.DeltaNIK), c.str(pipeline.DeltaRegionCode), c.str(pipeline.DeltaChange)
	before, name, event := c.str(pipeline.DeltaBefore), c.str(pipeline.DeltaName), c.str(pipeline.DeltaCardEvent)
	lastReq, sources := c.date(pipeline.DeltaLastRequest), c.list(pipeline.DeltaSources)
	if c.err != nil {
		return c.err
	}
	d := &r.deltas
	if d.counts == nil {
		d.counts, d.total = map[string]map[string]int64{}, map[string]int64{}
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		code, kind := region.at(i), change.at(i)
		if !r.inScope(code) {
			continue
		}
		d.total[kind]++
		if d.counts[code] == nil {
			d.counts[code] = map[string]int64{}
		}
		d.counts[code][kind]++
		if kind == pipeline.ChangeVanished {
			t, ok := lastReq.at(i)
			d.alarms = append(d.alarms, alarmRow{nik: nik.at(i), name: name.at(i), region: code, status: before.at(i),
				cardEvent: event.at(i), lastRequest: t, hasLastRequest: ok, sources: sources.at(i)})
		}
	}
	return nil
}

// fillDeltas writes the sheet; it returns the ranges of digits stored as
// text (codes, NIKs).
func (r *Report) fillDeltas(sheet string, st historySheetStyles) ([]string, error) {
	hl := r.hl()
	w := &cellWriter{f: r.f, sheet: sheet}
	w.set(1, 1, r.historyTitle(hl.deltasTitle), r.st.title)
	w.do(r.f.SetRowHeight(sheet, 1, 22))
	w.set(1, 2, hl.asOf, r.st.label)
	w.set(4, 2, r.info.AsOf, r.st.date)
	prior := r.info.History.Prior
	if prior.IsZero() {
		w.set(1, 4, hl.noPrior, r.st.note)
		w.do(r.f.SetColWidth(sheet, "A", "A", 19))
		w.do(r.printSetup(sheet))
		return nil, w.err
	}
	w.set(1, 3, hl.comparedWith, r.st.label)
	w.set(4, 3, prior, r.st.date)

	// Counts per regency and kind, the province total last.
	const header = 5
	changes := pipeline.Changes()
	w.set(1, header, hl.regionCode, r.st.header)
	w.set(2, header, hl.region, r.st.header)
	for j, c := range changes {
		w.set(3+j, header, hl.changes[c], r.st.header)
	}
	w.do(r.f.SetRowHeight(sheet, header, 45))
	row := header
	var codes []string
	for i := range r.summary {
		if s := &r.summary[i]; !r.isProvince(s) {
			codes = append(codes, s.code)
		}
	}
	for _, code := range codes {
		row++
		w.set(1, row, code, r.st.boxText)
		w.set(2, row, r.regionName(code), r.st.boxText)
		for j, c := range changes {
			w.set(3+j, row, r.deltas.counts[code][c], st.count)
		}
	}
	if r.info.Scope == "" {
		row++
		w.set(1, row, r.info.ProvinceCode, r.st.totalText)
		w.set(2, row, r.provinceName(), r.st.totalText)
		for j, c := range changes {
			w.set(3+j, row, r.deltas.total[c], st.totalCount)
		}
	}
	alarmCol := 3 + len(changes) - 1
	if row > header {
		cells := cellName(alarmCol, header+1) + ":" + cellName(alarmCol, row)
		w.do(r.f.SetConditionalFormat(sheet, cells, []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: ">", Value: "0", Format: &st.alarmFormat},
		}))
	}
	textCols := []string{fmt.Sprintf("A%d:A%d", header+1, row)}
	row += 2
	if r.info.Scope == "" {
		w.set(1, row, hl.totalNote, r.st.note)
		row++
	}
	row++
	w.set(1, row, hl.kindsTitle, r.st.label)
	for _, c := range changes {
		row++
		w.set(1, row, hl.changes[c]+": "+hl.explain[c], r.st.note)
	}

	// The alarm list.
	row += 2
	w.set(1, row, fmt.Sprintf(hl.alarmTitle, r.thousands(int64(len(r.deltas.alarms)))), st.alarmTitle)
	row++
	cols := []string{hl.nik, hl.name, hl.region, hl.prevStatus, hl.cardEvent, hl.lastRequest, hl.sources}
	for j, c := range cols {
		w.set(1+j, row, c, r.st.header)
	}
	w.do(r.f.SetRowHeight(sheet, row, 45))
	first := row + 1
	if len(r.deltas.alarms) == 0 {
		row++
		w.set(1, row, hl.none, r.st.none)
	}
	for _, a := range r.deltas.alarms {
		row++
		w.set(1, row, a.nik, r.st.nik)
		w.set(2, row, a.name, r.st.wrap)
		w.set(3, row, r.regionName(a.region), r.st.wrap)
		w.set(4, row, r.lb.code(a.status), r.st.wrap)
		w.set(5, row, r.lb.code(a.cardEvent), r.st.wrap)
		if a.hasLastRequest {
			w.set(6, row, a.lastRequest, r.st.listDate)
		}
		// Not wrapped: the text runs on over the empty cells right of it.
		w.set(7, row, r.formatSources(a.sources), r.st.text)
	}
	if len(r.deltas.alarms) > 0 {
		textCols = append(textCols, fmt.Sprintf("A%d:A%d", first, row))
	}
	widths := []float64{19, 26, 14, 14, 14, 14, 14, 14, 14, 14}
	for j, wd := range widths {
		col, _ := excelize.ColumnNumberToName(j + 1)
		w.do(r.f.SetColWidth(sheet, col, col, wd))
	}
	w.do(r.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: header, TopLeftCell: cellName(1, header+1), ActivePane: "bottomLeft"}))
	w.do(r.printSetup(sheet))
	return textCols, w.err
}

// historyTitle is a history sheet's title with the province (and the
// regency of a regency's workbook).
func (r *Report) historyTitle(title string) string {
	if p := r.provinceName(); p != "" {
		title += " — " + p
	}
	if r.info.Scope != "" {
		title += " — " + r.regionName(r.info.Scope)
	}
	return title
}
