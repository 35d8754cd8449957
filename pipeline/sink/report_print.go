package sink

// The lists of cards to print and residents to record: who needs a blank,
// in the order the region uses its blanks.

import (
	"math"
)

// printColumns are the columns of the print and recording lists; the
// rarely filled ones (last print, notes) come last.
func (r *Report) printColumns() []colSpec {
	lb := r.lb
	return append(r.personColumns(),
		colSpec{label: lb.address, min: 12, max: 30, wrap: true},
		colSpec{label: lb.printOrder, min: 8, max: 8},
		colSpec{label: lb.tier, min: 5, max: 5},
		colSpec{label: lb.blank, min: 10, max: 16, wrap: true, shared: true},
		colSpec{label: lb.cardEvent, min: 10, max: 18, wrap: true, shared: true},
		colSpec{label: lb.events, min: 12, max: 26, wrap: true, shared: true},
		colSpec{label: lb.firstReq, min: 11, max: 11},
		colSpec{label: lb.lastReq, min: 11, max: 11},
		colSpec{label: lb.lastPrint, min: 11, max: 11},
		colSpec{label: lb.notes, min: 10, max: 36, wrap: true, shared: true},
	)
}

// printRow is person i's row of the print or recording list, keyed by
// print order: the province's regions first, each in the order it uses
// its blanks (persons without a blank after), persons who moved out of
// the province last; seq is the person's arrival.
func (r *Report) printRow(p *personCols, i, seq int) ([]xcell, rowKey) {
	lb := r.lb
	region := p.region.at(i)
	key := rowKey{outside: r.outsideProvince(region), region: region, order: math.MaxInt32, seq: seq}
	order, tier := xcell{}, xcell{}
	if p.order.a != nil && p.order.a.IsValid(i) {
		key.order = p.order.a.Value(i)
		order = numCell(r.st.rowNum, float64(key.order))
	}
	if p.tier.a != nil && p.tier.a.IsValid(i) {
		tier = numCell(r.st.rowNum, float64(p.tier.a.Value(i)))
	}
	cells := append(r.personBase(p, i),
		textCell(r.st.wrap, p.alamat.at(i)), order, tier,
		textCell(r.st.wrap, lb.code(p.blank.at(i))),
		textCell(r.st.wrap, lb.code(p.cardEvent.at(i))),
		textCell(r.st.wrap, r.listCodes(p.events, i, ", ")),
		p.first.cell(r.st.listDate, i), p.last.cell(r.st.listDate, i),
		p.lastPrint.cell(r.st.listDate, i),
		textCell(r.st.wrap, r.listCodes(p.flags, i, "; ")))
	return cells, key
}
