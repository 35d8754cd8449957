package main

import (
	"fmt"
	"time"
)

// Base population: per region, how many single-row persons of each kind
// and how many persons with a history of several requests.
type regionPlan struct {
	code                                            string
	ready, print, suket, record, dead, minor, multi int
}

var plans = []regionPlan{
	{"1701", 470, 380, 90, 160, 110, 60, 60},
	{"1702", 470, 420, 100, 170, 120, 70, 70},
	{"1703", 520, 400, 90, 160, 110, 60, 70},
	{"1704", 220, 190, 40, 80, 50, 30, 30},
	{"1705", 380, 370, 70, 130, 90, 50, 50},
	{"1706", 260, 220, 50, 90, 60, 30, 35},
	{"1707", 240, 120, 25, 60, 50, 25, 25},
	{"1708", 370, 270, 60, 110, 80, 40, 40},
	{"1709", 390, 300, 70, 120, 90, 45, 45},
	{"1771", 640, 2900, 1393, 190, 140, 70, 120},
}

// Request-date windows.
var (
	reqLo  = day(2019, 7, 1)
	reqHi  = day(2020, 6, 26)
	doneHi = day(2020, 5, 15) // done rows are requested by then, so the print date stays before the as-of date
)

// sheetFor is the sheet a region's base rows go to.
func (g *gen) sheetFor(region, ev string) string {
	switch region {
	case "1701":
		if g.chance(0.45) {
			return "1701/Mei"
		}
		return "1701/Juni"
	case "1771":
		if ev == evSuket {
			return "1771/Suket"
		}
		return "1771/Cetak"
	}
	return region
}

func strp(s string) *string { return &s }

// withMarital adjusts the person to an event that changes marital status.
func withMarital(p *person, ev string) {
	switch ev {
	case evKawin:
		p.marital = mKawin
	case evCerai:
		p.marital = mCeraiHidup
	}
}

// doneRow plants a request that was printed.
func (g *gen) doneRow(key string, p *person, ev string) *row {
	req := g.dateIn(reqLo, doneHi)
	st := stSelesai
	if g.chance(0.4) {
		st = stSudahCetak
	}
	return g.add(key, p, ev, req, st, req.AddDate(0, 0, g.between(3, 40)))
}

// pendingRow plants a card request not yet printed (recorded or no state).
func (g *gen) pendingRow(key string, p *person, ev string, req time.Time) *row {
	if req.IsZero() {
		req = g.dateIn(reqLo, reqHi)
	}
	st, svc := "", time.Time{}
	if g.chance(0.45) {
		st = stSudahRekam
		if g.chance(0.5) {
			svc = minDate(req.AddDate(0, 0, g.between(0, 10)), asOf)
		}
	}
	return g.add(key, p, ev, req, st, svc)
}

func minDate(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

var cardEvents = []string{evRusak, evHilang, evUbah, evKawin, evCerai}

func (g *gen) adult(home string) *person { return g.newPerson(home, personOpts{}) }

// base plants the base population of one region.
func (g *gen) base(pl regionPlan) {
	c := pl.code
	for range pl.ready {
		p := g.adult(c)
		ev := g.pick([]string{evRusak, evHilang, evUbah, evKawin, evCerai, evSuket, evRekam, evRusak, evHilang})
		withMarital(p, ev)
		g.doneRow(g.sheetFor(c, ev), p, ev)
	}
	for range pl.print {
		p := g.adult(c)
		ev := g.pick(cardEvents)
		withMarital(p, ev)
		g.pendingRow(g.sheetFor(c, ev), p, ev, time.Time{})
	}
	for range pl.suket {
		p := g.adult(c)
		r := g.pendingRow(g.sheetFor(c, evSuket), p, evSuket, time.Time{})
		if r.state == "" && g.chance(0.6) {
			r.state = stSudahRekam // a suket is issued after recording
		}
	}
	for range pl.record {
		p := g.adult(c)
		req := g.dateIn(reqLo, reqHi)
		if g.chance(0.6) {
			st := ""
			if g.chance(0.5) {
				st = stBelumRekam
			}
			g.add(g.sheetFor(c, evRekam), p, evRekam, req, st, time.Time{})
		} else {
			ev := g.pick([]string{evUbah, evKawin, evPindah})
			if ev == evPindah { // a move inside the regency: destination is the region itself
				r := g.add(g.sheetFor(c, ev), p, ev, req, stBelumRekam, time.Time{})
				r.dest, r.destText = c, c
				continue
			}
			withMarital(p, ev)
			g.add(g.sheetFor(c, ev), p, ev, req, stBelumRekam, time.Time{})
		}
	}
	for range pl.dead {
		p := g.newPerson(c, personOpts{dobLo: day(1930, 1, 1), dobHi: day(1975, 12, 31)})
		st := ""
		if g.chance(0.3) {
			st = stSelesai
		}
		g.add(g.sheetFor(c, evMati), p, evMati, g.dateIn(reqLo, reqHi), st, time.Time{})
	}
	for range pl.minor {
		m := mBelum
		if g.chance(0.2) {
			m = ""
		}
		p := g.newPerson(c, personOpts{dobLo: day(2003, 12, 10), dobHi: day(2006, 6, 30), marital: &m})
		st := ""
		if g.chance(0.5) {
			st = stBelumRekam
		}
		g.add(g.sheetFor(c, evRekam), p, evRekam, g.dateIn(reqLo, reqHi), st, time.Time{})
	}
	for range pl.multi {
		g.history(c, histories[g.rng.IntN(len(histories))])
	}
}

// A history is a sequence of requests of one person, dated in order.
type step struct {
	ev    string
	state string // "" pending without state, or a service state
}

type history struct {
	name  string
	steps []step
}

var histories = []history{
	{"printed, then lost again", []step{{evRusak, stSelesai}, {evHilang, ""}}},
	{"pending change covered by a later print", []step{{evUbah, ""}, {evKawin, stSudahCetak}}},
	{"recording request, then recorded", []step{{evRekam, stBelumRekam}, {evRekam, stSudahRekam}}},
	{"recording request, then a printed card", []step{{evRekam, ""}, {evUbah, stSelesai}}},
	{"suket, then exchanged", []step{{evSuket, stSudahRekam}, {evSuket, stSelesai}}},
	{"married, then divorced", []step{{evKawin, stSelesai}, {evCerai, stSudahRekam}}},
	{"not recorded, then recorded", []step{{evUbah, stBelumRekam}, {evHilang, stSudahRekam}}},
	{"three requests", []step{{evRusak, stSelesai}, {evUbah, stSudahCetak}, {evHilang, ""}}},
}

// history plants a person with several requests, each dated after the
// previous one's service date.
func (g *gen) history(home string, h history) []*row {
	p := g.adult(home)
	at := g.dateIn(reqLo, day(2019, 9, 30))
	var rows []*row
	for _, s := range h.steps {
		req := at
		var svc time.Time
		switch s.state {
		case stSelesai, stSudahCetak, stSudahRekam:
			svc = req.AddDate(0, 0, g.between(3, 30))
		}
		withMarital(p, s.ev)
		r := g.add(g.sheetFor(home, s.ev), p, s.ev, req, s.state, svc)
		r.marital = p.marital
		rows = append(rows, r)
		at = r.svcDate().AddDate(0, 0, g.between(5, 60))
	}
	if last := rows[len(rows)-1]; last.svcDate().After(asOf) {
		panic(fmt.Sprintf("history %q runs past the as-of date", h.name))
	}
	if g.onThreshold == nil && home == nameOnThreshold.region && p.name == nameOnThreshold.name {
		if jaroWinklerExact(normName(nameOnThreshold.name), normName(nameOnThreshold.written)).Cmp(nameThreshold) != 0 {
			panic("nameOnThreshold is not exactly on the name threshold")
		}
		rows[0].name = nameOnThreshold.written
		g.onThreshold = rows[0]
	}
	return rows
}

// nameOnThreshold puts one same-NIK pair exactly on the name threshold of
// SPEC §5 (K2): the first history person of the region named name has the
// first of their requests written with the Javanese spelling written. BAYU
// UTAMA and BAYU UTOMO have Jaro-Winkler exactly 0.92 (23/25), so they are
// similar and the person is not a NIK_CONFLICT; an implementation that
// wants a score above the threshold flags them. The first request is never
// the latest, so the person's attributes keep the planted name, and the
// random draws, hence every other cell, are those of the base population.
var nameOnThreshold = struct{ region, name, written string }{"1702", "BAYU UTAMA", "BAYU UTOMO"}

// formulaLikeName is a name a spreadsheet would evaluate if it were
// written as it is: every workbook and CSV must keep it inert text.
const formulaLikeName = `=HYPERLINK("x")`

// nameFormulaLike gives formulaLikeName to two rows chosen without a
// random draw, so every other cell stays as generated: the first accepted
// single-row request of Kota Bengkulu's print sheet that needs a card (it
// shows on the print list), and the first NIK_MISSING row of a CSV file
// (its cells show in exceptions.csv and the rejected list).
func (g *gen) nameFormulaLike() {
	count := map[string]int{}
	for _, f := range g.files {
		for _, sh := range f.sheets {
			for _, r := range sh.rows {
				count[r.nik]++
			}
		}
	}
	var person, rejected *row
	for _, f := range g.files {
		for _, sh := range f.sheets {
			for _, r := range sh.rows {
				switch {
				case person == nil && r.reason == "" && r.region == "1771" && r.tag == "" && count[r.nik] == 1 &&
					r.event == evRusak && r.state == "" && !r.formula:
					person = r
				case rejected == nil && r.reason == "NIK_MISSING" && f.spec.kind == csvFile && r.name != "":
					rejected = r
				}
			}
		}
	}
	if person == nil || rejected == nil {
		panic("no row to give the formula-like name")
	}
	person.name, rejected.name = formulaLikeName, formulaLikeName
	g.formulaRows = [2]*row{person, rejected}
}
