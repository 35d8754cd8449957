package sink

// The review list: persons with a flag (NIK conflicts, events after death,
// row warnings), with the rows they come from.

import "strings"

// reviewColumns are the columns of the review list.
func (r *Report) reviewColumns() []colSpec {
	lb := r.lb
	return []colSpec{
		{label: lb.nik, min: 17, max: 17, digits: true}, {label: lb.name, min: 12, max: 30, wrap: true},
		{label: lb.birth, min: 11, max: 11}, {label: lb.region, min: 12, max: 30, wrap: true, shared: true},
		{label: lb.status, min: 10, max: 16, wrap: true, shared: true}, {label: lb.flagCodes, min: 14, max: 26, wrap: true, shared: true},
		{label: lb.notes, min: 14, max: 40, wrap: true, shared: true}, {label: lb.sources, min: 20, max: 50, wrap: true},
	}
}

// reviewRow is person i's row of the review list, in the report's cell
// buffer (valid until the next row is built, as personBase's).
func (r *Report) reviewRow(p *personCols, i int) []xcell {
	flags := p.flags.at(i)
	r.cells = append(r.cells[:0],
		textCell(r.st.nik, p.nik.at(i)), textCell(r.st.text, p.nama.at(i)), p.birth.cell(r.st.listDate, i),
		textCell(r.st.wrap, r.regionName(p.region.at(i))), textCell(r.st.wrap, r.lb.code(p.status.at(i))),
		textCell(r.st.wrap, strings.Join(flags, ", ")), textCell(r.st.wrap, r.codes(flags, "; ")),
		textCell(r.st.wrap, r.formatSources(p.sources.at(i))),
	)
	return r.cells
}
