package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The ground-truth model. Every planted row keeps its meaning (clean NIK,
// canonical event, dates as time.Time, submitting region, expected reject
// reason and warnings) beside the way it is written; expect.go computes the
// expected outputs from the meaning only, and render.go writes the text.

// Canonical events (SPEC §4) and service states (SPEC §2).
const (
	evMati   = "MATI"
	evPindah = "PINDAH"
	evKawin  = "KAWIN"
	evCerai  = "CERAI"
	evUbah   = "UBAH_DATA"
	evRusak  = "RUSAK"
	evHilang = "HILANG"
	evSuket  = "SUKET"
	evRekam  = "REKAM"

	stBelumRekam = "BELUM REKAM"
	stSudahRekam = "SUDAH REKAM"
	stSudahCetak = "SUDAH CETAK"
	stSelesai    = "SELESAI"

	mBelum      = "BELUM KAWIN"
	mKawin      = "KAWIN"
	mCeraiHidup = "CERAI HIDUP"
)

var (
	asOf         = day(2020, 6, 30)
	electionDate = day(2020, 12, 9)
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// person is a planted resident.
type person struct {
	nik      string
	nkk      string
	name     string // base name, upper case, no titles
	sex      byte   // 'L' or 'P'
	dob      time.Time
	pob      string
	marital  string // "" = unknown
	mother   string
	district district
	village  string
	address  string
	rt, rw   string
}

// nikDate is the birth date a NIK carries.
func nikDate(nik string) time.Time {
	var d, m, y int
	if _, err := fmt.Sscanf(nik[6:12], "%2d%2d%2d", &d, &m, &y); err != nil {
		panic(fmt.Sprintf("generated NIK %s: %v", nik, err)) // the generator made it: a bug
	}
	if d > 40 {
		d -= 40
	}
	if y <= 20 {
		y += 2000
	} else {
		y += 1900
	}
	return day(y, m, d)
}

// nikForm is how a NIK cell is written.
type nikForm int

const (
	nikAuto       nikForm = iota // pick from the file's style
	nikPlain                     // text, 16 digits
	nikApostrophe                // text with a leading apostrophe
	nikSpaces                    // text in groups separated by spaces
	nikDots                      // text in groups separated by dots
	nikNumber                    // xlsx numeric cell (int64)
	nikRaw                       // the text in row.nikText as is
	nikEmpty                     // no value
)

// row is one planted data row.
type row struct {
	sheet *sheet
	p     *person

	nik     string  // clean NIK (what the row means); for rejects the text written
	nikForm nikForm // how it is written
	name    string  // base name written; "" = empty cell
	dob     time.Time
	dobText string // forced text for tanggal_lahir (DATE_UNPARSEABLE)
	sex     byte
	marital string

	event     string // canonical; "" for EVENT_MISSING / EVENT_UNKNOWN
	eventText string // forced text (EVENT_UNKNOWN)
	req       time.Time
	state     string
	svc       time.Time // zero: no tanggal_layanan
	dest      string    // destination regency code of a move, any province
	destText  string    // how kabupaten_tujuan is written

	region     string  // submitting region the row belongs to; "" = REGION_UNKNOWN
	regionCell *string // forced kabupaten_kota cell
	formula    bool    // write the name as a formula with a cached value

	reason string   // expected reject reason; "" = accepted
	warns  []string // expected row warnings
	tag    string   // planted case id ("" = base population)

	order int // position in input order, set by expect
}

func (r *row) done() bool     { return r.state == stSudahCetak || r.state == stSelesai }
func (r *row) recorded() bool { return r.state == stSudahRekam || r.done() }
func (r *row) svcDate() time.Time {
	if !r.svc.IsZero() {
		return r.svc
	}
	return r.req
}

// effDOB is the birth date the row gives: tanggal_lahir, or the NIK's when
// the cell cannot be read.
func (r *row) effDOB() time.Time {
	if r.dobText != "" {
		return nikDate(r.nik)
	}
	return r.dob
}

// gen holds the generator state. All randomness comes from rng, seeded
// with a fixed PCG seed, and every collection is walked in a fixed order.
type gen struct {
	rng    *rand.Rand
	niks   map[string]bool
	byDOB  map[time.Time][]string // normalised names of planted persons by birth date
	files  []*file
	sheets map[string]*sheet // by key (see sheetKey)
	cases  []*caseInfo

	onThreshold *row    // the request written with a name exactly on the threshold (see nameOnThreshold)
	formulaRows [2]*row // the rows named formulaLikeName: an accepted request and a rejected row
}

// caseInfo documents one planted case for the README.
type caseInfo struct {
	id, what string
	persons  int
	rows     int
}

func newGen(seed1, seed2 uint64) *gen {
	g := &gen{
		rng:    rand.New(rand.NewPCG(seed1, seed2)),
		niks:   map[string]bool{},
		byDOB:  map[time.Time][]string{},
		sheets: map[string]*sheet{},
	}
	for _, fs := range fileTable() {
		f := &file{spec: fs}
		for i := range fs.sheets {
			sh := &sheet{file: f, spec: &fs.sheets[i]}
			f.sheets = append(f.sheets, sh)
			g.sheets[sh.spec.key] = sh
		}
		g.files = append(g.files, f)
	}
	return g
}

func (g *gen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }
func (g *gen) between(lo, hi int) int  { return lo + g.rng.IntN(hi-lo+1) }
func (g *gen) chance(p float64) bool   { return g.rng.Float64() < p }

// dateIn returns a random day in [lo, hi].
func (g *gen) dateIn(lo, hi time.Time) time.Time {
	n := int(hi.Sub(lo).Hours() / 24)
	return lo.AddDate(0, 0, g.rng.IntN(n+1))
}

// personOpts shape a new person; zero values mean random.
type personOpts struct {
	sex          byte
	dob          time.Time
	dobLo, dobHi time.Time
	marital      *string
	nikRegency   string // regency code the NIK was issued in (any province)
	nikDistrict  string // six-digit district code forced into the NIK
	serialZero   bool   // serial ends in 0
	serialNoZero bool   // serial does not end in 0
	name         string // forced base name (K3 pairs)
	allowSimilar bool   // skip the ganda check (planted K3 pairs)
}

// newPerson plants a resident living in region home.
func (g *gen) newPerson(home string, o personOpts) *person {
	p := &person{sex: o.sex}
	if p.sex == 0 {
		p.sex = "LP"[g.rng.IntN(2)]
	}
	switch {
	case !o.dob.IsZero():
		p.dob = o.dob
	case !o.dobLo.IsZero():
		p.dob = g.dateIn(o.dobLo, o.dobHi)
	default:
		p.dob = g.dateIn(day(1940, 1, 1), day(2002, 6, 30))
	}
	if o.marital != nil {
		p.marital = *o.marital
	} else if p.dob.After(day(2001, 1, 1)) {
		p.marital = mBelum
	} else {
		p.marital = []string{mBelum, mKawin, mKawin, mKawin, mCeraiHidup}[g.rng.IntN(5)]
	}
	ds := districtsOf(home)
	p.district = ds[g.rng.IntN(len(ds))]
	p.village = g.pick(p.district.villages)
	p.address = fmt.Sprintf("%s NO. %d", g.pick(streets), g.between(1, 120))
	p.rt, p.rw = fmt.Sprintf("%03d", g.between(1, 25)), fmt.Sprintf("%03d", g.between(1, 8))
	p.pob = g.pick(birthPlaces)
	p.mother = g.pick(femaleFirst) + " " + g.pick(lastNames)

	issued := o.nikRegency
	if issued == "" {
		issued = home
		if g.chance(0.04) { // issued elsewhere in the province, moved long ago
			issued = regions[g.rng.IntN(len(regions))].code
		}
	}
	for {
		dist := o.nikDistrict
		if dist == "" {
			if ids := districtsOf(issued); len(ids) > 0 {
				dist = ids[g.rng.IntN(len(ids))].code
			} else {
				dist = fmt.Sprintf("%s%02d", issued, g.between(1, 12))
			}
		}
		dd := p.dob.Day()
		if p.sex == 'P' {
			dd += 40
		}
		serial := g.between(1, 9999)
		if o.serialZero {
			serial = g.between(1, 999) * 10
		}
		if o.serialNoZero && serial%10 == 0 {
			serial++
		}
		nik := fmt.Sprintf("%s%02d%02d%02d%04d", dist, dd, int(p.dob.Month()), p.dob.Year()%100, serial)
		if !g.niks[nik] {
			g.niks[nik] = true
			p.nik = nik
			break
		}
	}
	p.nkk = fmt.Sprintf("%s%s%04d", p.nik[:6], fmt.Sprintf("%02d%02d%02d", g.between(1, 28), g.between(1, 12), g.between(0, 19)), g.between(1, 9999))
	p.name = o.name
	for p.name == "" {
		first := maleFirst
		if p.sex == 'P' {
			first = femaleFirst
		}
		n := g.pick(first) + " " + g.pick(lastNames)
		if mid := g.pick(first); g.chance(0.2) && !strings.HasPrefix(n, mid+" ") {
			n = mid + " " + n
		}
		if o.allowSimilar || !g.similarExists(n, p.dob) {
			p.name = n
		}
	}
	g.byDOB[p.dob] = append(g.byDOB[p.dob], normName(p.name))
	return p
}

// similarExists reports whether a planted person born on dob (or with day
// and month swapped) has a name close to n, so random persons never form
// ganda (K3) candidates by accident.
func (g *gen) similarExists(n string, dob time.Time) bool {
	nn := normName(n)
	dates := []time.Time{dob}
	if dob.Day() <= 12 {
		dates = append(dates, day(dob.Year(), dob.Day(), int(dob.Month())))
	}
	for _, d := range dates {
		for _, o := range g.byDOB[d] {
			if jaroWinkler(nn, o) >= 0.85 {
				return true
			}
		}
	}
	return false
}

// add plants a row for p in sheet key and returns it.
func (g *gen) add(key string, p *person, ev string, req time.Time, state string, svc time.Time) *row {
	sh := g.sheets[key]
	if sh == nil {
		panic("no sheet " + key)
	}
	r := &row{
		sheet: sh, p: p, nik: p.nik, name: p.name, dob: p.dob, sex: p.sex, marital: p.marital,
		event: ev, req: req, state: state, svc: svc, region: sh.spec.region,
	}
	sh.rows = append(sh.rows, r)
	return r
}

// clone copies a row into sheet key (a duplicate report).
func (g *gen) clone(key string, r *row) *row {
	c := *r
	c.sheet = g.sheets[key]
	c.region = c.sheet.spec.region
	c.warns = append([]string(nil), r.warns...)
	c.sheet.rows = append(c.sheet.rows, &c)
	return &c
}
