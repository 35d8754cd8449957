package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"readiness/cmd/fixturegen/ganda"
)

// The generator's own reading of SPEC §5–§7 over what it planted: no
// pipeline code is used. It panics where the planted data would leave a
// rule unsettled (a tie the SPEC does not decide), so the fixtures stay
// unambiguous.

// printDays counts Monday–Friday from the as-of date up to the day before
// the election.
func printDays() int {
	n := 0
	for d := asOf; d.Before(electionDate); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

type summaryRow struct {
	code, name                                             string
	rowsIn, rejected, dups                                 int
	persons, deceased, ineligible, recording, print, ready int
	eligible, movedIn, movedOut, blanks                    int
	stock, allocation, shortfall, printable                int
	pct                                                    string
}

type fileRow struct {
	path                            string
	rowsIn, persons, dups, rejected int
}

// ePerson is one person of the expected output.
type ePerson struct {
	nik       string
	rows      []*row // accepted, non-duplicate, in input order
	reports   []*row // every accepted row, duplicates included
	status    string
	region    string // current region (any province)
	origin    string
	conflict  bool
	after     bool // EVENT_AFTER_DEATH
	cardSuket bool
	cardEvent string // the request the blank is for: the latest pending one (ties: the later row)
	cardReq   time.Time
}

// tier is the priority tier of the person's blank (SPEC §7), 0 when none
// is needed.
func (p *ePerson) tier() int {
	switch {
	case p.status == "NEEDS_RECORDING":
		return 1
	case p.status != "NEEDS_PRINT":
		return 0
	}
	switch p.cardEvent {
	case evRekam:
		return 1
	case evSuket, evHilang, evPindah:
		return 2
	}
	return 3
}

type expected struct {
	days     int
	summary  []summaryRow
	files    []fileRow
	reasons  map[string]int
	warnings map[string]int
	persons  []*ePerson
	totalIn  int
	statuses map[string]map[string]int // region → status → persons
}

func (g *gen) expect() *expected {
	e := &expected{days: printDays(), reasons: map[string]int{}, warnings: map[string]int{}, statuses: map[string]map[string]int{}}
	// input order
	var paths []string
	for _, f := range g.files {
		paths = append(paths, f.spec.path)
	}
	if !sort.StringsAreSorted(paths) {
		panic("file table is not in path byte order")
	}
	type counts struct{ in, rej, dup int }
	byRegion := map[string]*counts{}
	get := func(code string) *counts {
		if byRegion[code] == nil {
			byRegion[code] = &counts{}
		}
		return byRegion[code]
	}
	persons := map[string]*ePerson{}
	var order []*ePerson
	seen := map[string]bool{}
	n := 0
	for _, f := range g.files {
		fr := fileRow{path: f.spec.path}
		for _, sh := range f.sheets {
			for _, r := range sh.rows {
				n++
				r.order = n
				fr.rowsIn++
				c := get(r.region) // "" = REGION_UNKNOWN
				c.in++
				if r.reason != "" {
					if (r.reason == "REGION_UNKNOWN") != (r.region == "") {
						panic("REGION_UNKNOWN and region disagree")
					}
					c.rej++
					fr.rejected++
					e.reasons[r.reason]++
					continue
				}
				if r.region == "" {
					panic("accepted row without a region")
				}
				for _, w := range r.warns {
					e.warnings[w]++
				}
				p := persons[r.nik]
				if p == nil {
					p = &ePerson{nik: r.nik}
					persons[r.nik] = p
					order = append(order, p)
				}
				p.reports = append(p.reports, r)
				key := r.nik + "|" + r.event + "|" + r.req.Format(time.DateOnly)
				if seen[key] {
					c.dup++
					fr.dups++
					continue
				}
				seen[key] = true
				fr.persons++
				p.rows = append(p.rows, r)
			}
		}
		e.files = append(e.files, fr)
		e.totalIn += fr.rowsIn
	}
	e.persons = order

	type pc struct{ persons, dead, inel, rec, print, ready, in, out int }
	pcs := map[string]*pc{}
	getp := func(code string) *pc {
		if pcs[code] == nil {
			pcs[code] = &pc{}
		}
		return pcs[code]
	}
	provOut := 0
	for _, p := range order {
		classify(p)
		if p.origin != "" {
			getp(p.origin).out++
			if inProvince(p.region) {
				getp(p.region).in++
			} else {
				provOut++
			}
		}
		if !inProvince(p.region) {
			continue
		}
		x := getp(p.region)
		x.persons++
		if e.statuses[p.region] == nil {
			e.statuses[p.region] = map[string]int{}
		}
		e.statuses[p.region][p.status]++
		switch p.status {
		case "DECEASED":
			x.dead++
		case "INELIGIBLE":
			x.inel++
		case "NEEDS_RECORDING":
			x.rec++
		case "NEEDS_PRINT":
			x.print++
		case "READY":
			x.ready++
		}
	}

	alloc := allocate(order, e.days)
	prov := summaryRow{code: provinceCode, name: provinceName, stock: bufferStock}
	for _, rg := range regions {
		c, x := get(rg.code), getp(rg.code)
		s := summaryRow{
			code: rg.code, name: rg.name, rowsIn: c.in, rejected: c.rej, dups: c.dup,
			persons: x.persons, deceased: x.dead, ineligible: x.inel, recording: x.rec,
			print: x.print, ready: x.ready, movedIn: x.in, movedOut: x.out, stock: rg.stock,
		}
		s.eligible = s.persons - s.deceased - s.ineligible
		s.blanks = s.print + s.recording
		s.allocation = alloc[rg.code]
		s.shortfall = max(0, s.blanks-s.stock-s.allocation)
		s.printable = min(s.blanks, s.stock+s.allocation, rg.capacity*e.days)
		s.pct = pct(s.ready+s.printable, s.eligible)
		e.summary = append(e.summary, s)

		prov.rowsIn += s.rowsIn
		prov.rejected += s.rejected
		prov.dups += s.dups
		prov.persons += s.persons
		prov.deceased += s.deceased
		prov.ineligible += s.ineligible
		prov.recording += s.recording
		prov.print += s.print
		prov.ready += s.ready
		prov.eligible += s.eligible
		prov.blanks += s.blanks
		prov.stock += s.stock
		prov.allocation += s.allocation
		prov.shortfall += s.shortfall
		prov.printable += s.printable
	}
	unknown := get("")
	prov.rowsIn += unknown.in
	prov.rejected += unknown.rej
	prov.dups += unknown.dup
	prov.movedOut = provOut
	prov.pct = pct(prov.ready+prov.printable, prov.eligible)
	e.summary = append(e.summary, prov)
	return e
}

// allocate shares the provincial buffer in hand (SPEC §7), independently
// of the tool: tier by tier, all of a tier's unmet need across regions
// before the next tier; within the tier where the buffer runs out, shares
// proportional to unmet need by largest remainder, ties by region code.
// A region's own stock serves it first, tier 1 first. It returns each
// region's allocation. The fixtures keep every region well inside its
// print capacity, which this oracle checks rather than models.
func allocate(persons []*ePerson, days int) map[string]int {
	need := map[string]*[3]int{}
	for _, rg := range regions {
		need[rg.code] = &[3]int{}
	}
	for _, p := range persons {
		if t := p.tier(); t > 0 && need[p.region] != nil {
			need[p.region][t-1]++
		}
	}
	unmet := map[string]*[3]int{}
	for _, rg := range regions {
		n := need[rg.code]
		if n[0]+n[1]+n[2] > rg.capacity*days {
			panic("fixture region " + rg.code + " needs more than its print capacity: the oracle does not model capacity")
		}
		left, u := rg.stock, [3]int{}
		for t := range u {
			served := min(left, n[t])
			left -= served
			u[t] = n[t] - served
		}
		unmet[rg.code] = &u
	}
	given := map[string]int{}
	buffer := bufferStock
	for t := 0; t < 3 && buffer > 0; t++ {
		total := 0
		for _, rg := range regions {
			total += unmet[rg.code][t]
		}
		if total <= buffer {
			for _, rg := range regions {
				given[rg.code] += unmet[rg.code][t]
			}
			buffer -= total
			continue
		}
		// Largest remainder: floors of buffer × unmet / total, then one
		// more to the largest remainders, ties to the lower code.
		type share struct {
			code       string
			floor, rem int
		}
		var shares []share
		handed := 0
		for _, rg := range regions {
			q := buffer * unmet[rg.code][t]
			shares = append(shares, share{rg.code, q / total, q % total})
			handed += q / total
		}
		sort.SliceStable(shares, func(i, j int) bool { return shares[i].rem > shares[j].rem })
		for i := range shares {
			if i < buffer-handed {
				shares[i].floor++
			}
			given[shares[i].code] += shares[i].floor
		}
		buffer = 0
	}
	return given
}

func inProvince(code string) bool { return strings.HasPrefix(code, provinceCode) && len(code) == 4 }

// pct is 100 × num / den rounded half away from zero to one decimal.
func pct(num, den int) string {
	if den == 0 {
		return ""
	}
	tenths := (2000*num + den) / (2 * den)
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// byDate orders rows by request date, then input order.
func byDate(rows []*row) []*row {
	s := append([]*row(nil), rows...)
	sort.SliceStable(s, func(i, j int) bool {
		if !s[i].req.Equal(s[j].req) {
			return s[i].req.Before(s[j].req)
		}
		return s[i].order < s[j].order
	})
	return s
}

// classify applies SPEC §5–§6 to one person.
func classify(p *ePerson) {
	rows := p.rows
	dates := map[time.Time]bool{}
	for _, r := range rows {
		if dates[r.req] {
			panic(fmt.Sprintf("person %s has two requests on %s", p.nik, r.req.Format(time.DateOnly)))
		}
		dates[r.req] = true
	}
	// K2
	for i := range rows {
		for j := i + 1; j < len(rows); j++ {
			a, b := rows[i], rows[j]
			if !a.effDOB().Equal(b.effDOB()) || !similar(normName(a.name), normName(b.name)) {
				p.conflict = true
			}
		}
	}
	// attributes: most recent non-empty by request date, then input order
	var dob time.Time
	marital := ""
	for _, r := range byDate(rows) {
		dob = r.effDOB()
		if r.marital != "" {
			marital = r.marital
		}
	}

	// current region and origin
	p.region = rows[0].region
	var move *row
	for _, r := range byDate(rows) {
		if r.event == evPindah && r.dest != "" {
			move = r
		}
	}
	if move != nil {
		p.region = move.dest
		for _, r := range p.reports {
			if r.event == evPindah && r.req.Equal(move.req) && r.region != move.dest {
				if p.origin != "" && p.origin != r.region {
					panic("move with two origins")
				}
				p.origin = r.region
			}
		}
	}

	// rule 1
	var death time.Time
	for _, r := range rows {
		if r.event == evMati {
			if !death.IsZero() {
				panic("two deaths")
			}
			death = r.req
		}
	}
	if !death.IsZero() {
		p.status = "DECEASED"
		for _, r := range rows {
			if r.req.After(death) {
				p.after = true
			}
		}
		return
	}
	// rule 2
	seventeen := dob.AddDate(17, 0, 0)
	if electionDate.Before(seventeen) && (marital == "" || marital == mBelum) {
		p.status = "INELIGIBLE"
		return
	}
	// rule 3
	var latest *row
	for _, r := range rows {
		if latest != nil && r.svcDate().Equal(latest.svcDate()) && r.state != latest.state &&
			(r.state == stBelumRekam || latest.state == stBelumRekam) {
			panic(fmt.Sprintf("person %s: service-date tie with BELUM REKAM", p.nik))
		}
		if latest == nil || !r.svcDate().Before(latest.svcDate()) {
			latest = r
		}
	}
	if latest.state == "" {
		for _, r := range rows {
			if r.state == stBelumRekam {
				panic(fmt.Sprintf("person %s: latest service row has no state, an earlier one BELUM REKAM", p.nik))
			}
		}
	}
	needsRec := latest.state == stBelumRekam
	for _, r := range rows {
		if r.event != evRekam || r.recorded() {
			continue
		}
		bySvc, byReq := false, false
		for _, s := range rows {
			if s.recorded() && s.svcDate().After(r.svcDate()) {
				bySvc = true
			}
			if s.recorded() && s.req.After(r.req) {
				byReq = true
			}
		}
		if bySvc != byReq {
			panic(fmt.Sprintf("person %s: 'followed by' depends on the date used", p.nik))
		}
		if !bySvc {
			needsRec = true
		}
	}
	if needsRec {
		p.status = "NEEDS_RECORDING"
		return
	}
	// rule 4
	var lastPrint time.Time
	for _, r := range rows {
		if r.done() && r.svcDate().After(lastPrint) {
			lastPrint = r.svcDate()
		}
	}
	for _, r := range rows {
		if r.event == evMati || r.done() {
			continue
		}
		if r.req.Equal(lastPrint) {
			panic(fmt.Sprintf("person %s: request dated on the print date", p.nik))
		}
		if lastPrint.IsZero() || r.req.After(lastPrint) {
			p.status = "NEEDS_PRINT"
			if r.event == evSuket {
				p.cardSuket = true
			}
			if p.cardEvent == "" || !r.req.Before(p.cardReq) {
				p.cardEvent, p.cardReq = r.event, r.req
			}
		}
	}
	if p.status == "" {
		p.status = "READY"
	}
}

// hasColumn reports whether the row's sheet writes a canonical column.
func hasColumn(r *row, canon string) bool {
	for _, c := range r.sheet.spec.dialect {
		if c.canon == canon {
			return true
		}
	}
	return false
}

// gandaPairs returns the K3 candidate pairs (SPEC §5) among the persons,
// each as its two NIKs in increasing order, sorted: the oracle of package
// ganda (an independent reading of the rule) applied to every person —
// deceased or moved out of the province too — with the attributes person
// resolution takes: the latest non-empty value by request date, the
// columns of the row's file only, sex from the NIK where no row gives it.
func gandaPairs(persons []*ePerson) [][2]string {
	recs := make([]ganda.Record, len(persons))
	for i, p := range persons {
		var a ganda.Record
		for _, r := range byDate(p.rows) {
			if r.name != "" {
				a.Name = r.name
			}
			a.Birth = r.effDOB()
			if hasColumn(r, "jenis_kelamin") {
				a.Sex = r.sex
			}
			if hasColumn(r, "tempat_lahir") && r.p.pob != "" {
				a.BirthPlace = r.p.pob
			}
			if hasColumn(r, "nama_ibu") && r.p.mother != "" {
				a.Mother = r.p.mother
			}
			if hasColumn(r, "nkk") && r.p.nkk != "" {
				a.NKK = r.p.nkk
			}
		}
		if a.Sex == 0 {
			a.Sex = 'L'
			if p.nik[6] >= '4' {
				a.Sex = 'P'
			}
		}
		recs[i] = a
	}
	var out [][2]string
	for _, ab := range ganda.NewRule(0.92).Pairs(recs) {
		x, y := persons[ab[0]].nik, persons[ab[1]].nik
		out = append(out, [2]string{min(x, y), max(x, y)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] || out[i][0] == out[j][0] && out[i][1] < out[j][1] })
	return out
}
