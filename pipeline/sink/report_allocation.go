package sink

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// allocationTables are the allocation and what-if tables, kept for the
// allocation sheet.
type allocationTables struct {
	tiers  []allocTierRow
	whatIf []whatIfRow
	outOf  int64 // the last tier that received buffer blanks, over every region
}

type allocTierRow struct {
	code                                                 string
	tier                                                 int64
	need, stock, buffer, delivery, unmet, unmetDelivered int64
	reason                                               string
}

type whatIfRow struct {
	code, name                          string
	delivered, printable, printableWith int64
	pct, pctWith                        *float64
	tooLate, surplus                    int64
}

// readAllocation keeps the rows of the regions keep accepts.
func (t *allocationTables) readAllocation(rec arrow.Record, keep func(code string) bool) error {
	c := colReader{rec: rec}
	code, reason := c.str(pipeline.AllocRegionCode), c.str(pipeline.AllocReason)
	tier, err := column[*array.Int8](rec, pipeline.AllocTier)
	c.fail(err)
	ints := map[string]*array.Int64{}
	for _, n := range []string{pipeline.AllocNeed, pipeline.AllocFromStock, pipeline.AllocFromBuffer,
		pipeline.AllocFromDelivery, pipeline.AllocUnmet, pipeline.AllocUnmetIfDelivered} {
		ints[n] = c.int64(n)
	}
	if c.err != nil {
		return c.err
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		if b := ints[pipeline.AllocFromBuffer].Value(i); b > 0 {
			t.outOf = max(t.outOf, int64(tier.Value(i)))
		}
		if !keep(code.at(i)) {
			continue
		}
		v := func(n string) int64 { return ints[n].Value(i) }
		t.tiers = append(t.tiers, allocTierRow{
			code: code.at(i), tier: int64(tier.Value(i)), need: v(pipeline.AllocNeed),
			stock: v(pipeline.AllocFromStock), buffer: v(pipeline.AllocFromBuffer),
			delivery: v(pipeline.AllocFromDelivery), unmet: v(pipeline.AllocUnmet),
			unmetDelivered: v(pipeline.AllocUnmetIfDelivered), reason: reason.at(i),
		})
	}
	return nil
}

// readWhatIf keeps the rows of the regions keep accepts.
func (t *allocationTables) readWhatIf(rec arrow.Record, keep func(code string) bool) error {
	c := colReader{rec: rec}
	code, name := c.str(pipeline.WhatIfRegionCode), c.str(pipeline.WhatIfRegionName)
	delivered, printable := c.int64(pipeline.WhatIfDelivered), c.int64(pipeline.WhatIfPrintable)
	with := c.int64(pipeline.WhatIfPrintableDelivered)
	pct, pctWith := c.float64(pipeline.WhatIfPct), c.float64(pipeline.WhatIfPctDelivered)
	tooLate, surplus := c.int64(pipeline.WhatIfTooLate), c.int64(pipeline.WhatIfSurplus)
	if c.err != nil {
		return c.err
	}
	opt := func(a *array.Float64, i int) *float64 {
		if a.IsNull(i) {
			return nil
		}
		v := a.Value(i)
		return &v
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		if !keep(code.at(i)) {
			continue
		}
		t.whatIf = append(t.whatIf, whatIfRow{
			code: code.at(i), name: name.at(i), delivered: delivered.Value(i), printable: printable.Value(i),
			printableWith: with.Value(i), pct: opt(pct, i), pctWith: opt(pctWith, i),
			tooLate: tooLate.Value(i), surplus: surplus.Value(i), // null (0) but on the province row
		})
	}
	return nil
}

// Layout of the allocation sheet.
const allocInfoRow = 2

// fillAllocation writes the allocation sheet: the buffer and the
// deliveries; per region and tier, where each blank comes from and why;
// the province per tier; then the what-if per region. Every number is a
// count of persons of persons.parquet (tier, blank, blank_if_delivered)
// or of the stock file.
func (r *Report) fillAllocation() error {
	sheet := r.lb.sheetAllocation
	lb := r.lb
	w := &cellWriter{f: r.f, sheet: sheet}
	w.set(1, 1, lb.allocTitle, r.st.title)
	w.do(r.f.SetRowHeight(sheet, 1, 22))

	row := allocInfoRow
	if p, ok := r.provinceRow(); ok {
		var regionStock int64
		for i := range r.summary {
			if !r.isProvince(&r.summary[i]) {
				regionStock += r.summary[i].int(pipeline.SumStock)
			}
		}
		w.set(1, row, lb.bufferInHand, r.st.label)
		w.set(4, row, p.int(pipeline.SumStock)-regionStock, r.st.numLeft)
		row++
		w.set(1, row, lb.bufferGiven, r.st.label)
		w.set(4, row, p.int(pipeline.SumAllocation), r.st.numLeft)
		row++
	}
	for _, d := range r.info.Deliveries {
		w.set(1, row, fmt.Sprintf(lb.deliveryLine, r.thousands(int64(d.Quantity))), r.st.label)
		w.set(4, row, d.Arrives, r.st.date)
		w.do(r.f.MergeCell(sheet, cellName(4, row), cellName(6, row)))
		row++
	}
	if len(r.alloc.tiers) == 0 {
		w.set(1, row, lb.allocNote, r.st.note)
		w.do(r.printSetup(sheet))
		return w.err
	}

	row++
	header := row
	cols := []string{lb.regionCode, lb.region, lb.tier, lb.allocNeed, lb.fromStock, lb.fromBuffer,
		lb.fromDelivery, lb.unmet, lb.unmetDelivered, lb.allocReason}
	for i, c := range cols {
		w.set(i+1, row, c, r.st.header)
	}
	w.do(r.f.SetRowHeight(sheet, row, 45))
	outOf := r.alloc.outOf
	var prov [3]allocTierRow
	for _, t := range r.alloc.tiers {
		row++
		w.set(1, row, t.code, r.st.boxText)
		w.set(2, row, r.regionName(t.code), r.st.boxText)
		w.set(3, row, t.tier, r.st.num)
		for j, v := range []int64{t.need, t.stock, t.buffer, t.delivery, t.unmet, t.unmetDelivered} {
			w.set(4+j, row, v, r.st.num)
		}
		w.set(10, row, r.tierReason(t, outOf), r.st.boxText)
		if t.tier >= 1 && t.tier <= 3 {
			p := &prov[t.tier-1]
			p.tier = t.tier
			p.need += t.need
			p.stock += t.stock
			p.buffer += t.buffer
			p.delivery += t.delivery
			p.unmet += t.unmet
			p.unmetDelivered += t.unmetDelivered
		}
	}
	filterTo := row
	for _, t := range prov {
		if r.info.Scope != "" {
			break // a regency's workbook shows its own rows only
		}
		row++
		w.set(1, row, r.info.ProvinceCode, r.st.totalText)
		w.set(2, row, r.provinceName(), r.st.totalText)
		w.set(3, row, t.tier, r.st.totalNum)
		for j, v := range []int64{t.need, t.stock, t.buffer, t.delivery, t.unmet, t.unmetDelivered} {
			w.set(4+j, row, v, r.st.totalNum)
		}
		w.set(10, row, fmt.Sprintf(lb.reasonProvince, r.thousands(t.buffer)), r.st.totalText)
	}
	w.do(r.f.AutoFilter(sheet, cellName(1, header)+":"+cellName(len(cols), filterTo), nil))

	if len(r.alloc.whatIf) > 0 {
		r.fillWhatIf(w, row+2)
	}
	w.do(r.f.SetColWidth(sheet, "A", "A", 8))
	w.do(r.f.SetColWidth(sheet, "B", "B", 24))
	w.do(r.f.SetColWidth(sheet, "C", "I", 12))
	w.do(r.f.SetColWidth(sheet, "J", "J", 46))
	w.do(r.f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, XSplit: 2, YSplit: header, TopLeftCell: cellName(3, header+1), ActivePane: "bottomRight",
	}))
	w.do(r.printSetup(sheet))
	return w.err
}

// fillWhatIf writes the what-if table from row on.
func (r *Report) fillWhatIf(w *cellWriter, row int) {
	lb := r.lb
	w.set(1, row, lb.whatIfTitle, r.st.label)
	row++
	cols := []string{lb.regionCode, lb.region, lb.allocNeed, lb.printableNow, lb.fromDelivery,
		lb.printableWith, lb.pctNow, lb.pctWith}
	for i, c := range cols {
		w.set(i+1, row, c, r.st.header)
	}
	w.do(r.f.SetRowHeight(w.sheet, row, 45))
	need := map[string]int64{}
	for i := range r.summary {
		need[r.summary[i].code] = r.summary[i].int(pipeline.SumBlanksNeeded)
	}
	var last whatIfRow
	for i, wf := range r.alloc.whatIf {
		row++
		text, num, pct := r.st.boxText, r.st.num, r.st.pct
		if i == len(r.alloc.whatIf)-1 {
			text, num, pct = r.st.totalText, r.st.totalNum, r.st.totalPct
			last = wf
		}
		w.set(1, row, wf.code, text)
		w.set(2, row, wf.name, text)
		w.set(3, row, need[wf.code], num)
		w.set(4, row, wf.printable, num)
		w.set(5, row, wf.delivered, num)
		w.set(6, row, wf.printableWith, num)
		w.set(7, row, pctValue(wf.pct), pct)
		w.set(8, row, pctValue(wf.pctWith), pct)
	}
	row += 2
	w.set(1, row, fmt.Sprintf(lb.tooLateLine, r.thousands(last.tooLate)), r.st.note)
	row++
	w.set(1, row, fmt.Sprintf(lb.surplusLine, r.thousands(last.surplus)), r.st.note)
}

func pctValue(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// provinceRow returns the summary's province row.
func (r *Report) provinceRow() (*summaryRow, bool) {
	for i := range r.summary {
		if r.isProvince(&r.summary[i]) {
			return &r.summary[i], true
		}
	}
	return nil, false
}

// tierReason explains one region's tier in a sentence of the workbook's
// language.
func (r *Report) tierReason(t allocTierRow, outOf int64) string {
	lb := r.lb
	switch t.reason {
	case "NO_NEED":
		return lb.reasonNoNeed
	case "OWN_STOCK":
		return lb.reasonOwnStock
	case "BUFFER":
		return lb.reasonBuffer
	case "CAPACITY":
		return fmt.Sprintf(lb.reasonCapacity, r.thousands(t.unmet))
	case "NO_BUFFER":
		return lb.reasonNoBuffer
	case "BUFFER_OUT_EARLIER", "BUFFER_OUT":
		tier := t.tier
		if t.reason == "BUFFER_OUT_EARLIER" && outOf > 0 {
			tier = outOf
		}
		return fmt.Sprintf(lb.reasonBufferOut, tier, r.thousands(t.unmet))
	}
	return t.reason
}
