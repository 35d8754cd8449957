package sink

// The list of the deceased, to remove from the voter list.

// deceasedColumns are the columns of the deceased list.
func (r *Report) deceasedColumns() []colSpec {
	lb := r.lb
	return append(r.personColumns(),
		colSpec{label: lb.address, min: 12, max: 30, wrap: true},
		colSpec{label: lb.deathDate, min: 11, max: 11},
		colSpec{label: lb.events, min: 12, max: 26, wrap: true, shared: true},
		colSpec{label: lb.notes, min: 10, max: 36, wrap: true, shared: true},
	)
}

// deceasedRow is person i's row of the deceased list.
func (r *Report) deceasedRow(p *personCols, i int) []xcell {
	return append(r.personBase(p, i),
		textCell(r.st.wrap, p.alamat.at(i)), p.death.cell(r.st.listDate, i),
		textCell(r.st.wrap, r.listCodes(p.events, i, ", ")), textCell(r.st.wrap, r.listCodes(p.flags, i, "; ")))
}
