package sink

// The list of transfers: persons who moved between regions, or whose
// current region lies outside the province.

// movesColumns are the columns of the transfers list.
func (r *Report) movesColumns() []colSpec {
	lb := r.lb
	return []colSpec{
		{label: lb.nik, min: 17, max: 17, digits: true}, {label: lb.name, min: 12, max: 30, wrap: true},
		{label: lb.birth, min: 11, max: 11},
		{label: lb.origin, min: 12, max: 30, wrap: true, shared: true}, {label: lb.dest, min: 12, max: 34, wrap: true, shared: true},
		{label: lb.destCode, min: 7, max: 7, digits: true, shared: true}, {label: lb.moveKind, min: 12, max: 22, wrap: true, shared: true},
		{label: lb.status, min: 10, max: 16, wrap: true, shared: true}, {label: lb.lastReq, min: 11, max: 11},
		{label: lb.kecamatan, min: 10, max: 22, wrap: true, shared: true}, {label: lb.kelurahan, min: 10, max: 22, wrap: true, shared: true},
	}
}

// moveRow is person i's row of the transfers list, in the report's cell
// buffer (valid until the next row is built, as personBase's).
func (r *Report) moveRow(p *personCols, i int) []xcell {
	lb := r.lb
	region, origin := p.region.at(i), p.origin.at(i)
	from := lb.originUnknown
	if origin != "" {
		from = r.regionName(origin)
	}
	kind := lb.withinProvince
	if r.outsideProvince(region) {
		kind = lb.outsideProvince
	}
	r.cells = append(r.cells[:0],
		textCell(r.st.nik, p.nik.at(i)), textCell(r.st.text, p.nama.at(i)), p.birth.cell(r.st.listDate, i),
		textCell(r.st.wrap, from), textCell(r.st.wrap, r.regionName(region)), textCell(r.st.text, region),
		textCell(r.st.wrap, kind), textCell(r.st.wrap, lb.code(p.status.at(i))), p.last.cell(r.st.listDate, i),
		textCell(r.st.wrap, p.kec.at(i)), textCell(r.st.wrap, p.kel.at(i)),
	)
	return r.cells
}
