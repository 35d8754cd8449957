// Package ganda generates ground truth for K3 (SPEC §5, probable
// duplicates across NIKs) at any size: a population of persons with
// planted true duplicates and planted hard non-duplicates, and an
// independent oracle (oracle.go) saying which pairs the SPEC rule must
// find. cmd/fixturegen writes it as a readiness input and a truth file
// (-ganda N); the K3 tests and benchmark of transforms generate it in
// memory.
//
// What is planted, per 1,000 persons (about):
//
//   - 20 true duplicates: a second record of a person under a second NIK,
//     most often issued in another regency, sometimes a mistyped copy of
//     the first NIK. The second record carries one change of the name (a
//     typo, parts swapped, a part split or two joined, MUHAMMAD
//     abbreviated, a title added), sometimes day and month of the birth
//     date swapped, and missing or changed fields (a new NKK after a move,
//     no mother's name, no birthplace, the mother's name misspelt). A few
//     are changed past what the rule can see (a wrong birth year, too few
//     fields left): true duplicates the rule must miss.
//   - 5 pairs of twins: same birth date, NKK, mother, birthplace, and
//     names that are not similar.
//   - 2 groups of three persons with one of the most common names, born
//     on the same day in different places, of different mothers and
//     households.
//   - 2 pairs of namesakes in two regencies with different birth dates.
//   - 2 groups of three siblings: same NKK, mother and birthplace,
//     different names and birth dates.
//
// Everyone else is random: names from Indonesian name parts, birth dates
// over 1940–2004 with one in twenty on the placeholder dates 1 July and
// 31 December, birthplaces mostly in their own regency. Random persons
// may meet the rule by coincidence, as real ones do; the oracle finds
// those too.
package ganda

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Person is one generated person as a regional file would write them.
type Person struct {
	NIK, NKK   string
	Name       string // as written: may carry titles, abbreviations, typos
	BirthPlace string
	Birth      time.Time
	Sex        byte // 'L' or 'P'
	Mother     string
	Region     string // regency code of the submitting region
	Deceased   bool   // reported with a death (MATI)
}

// Record returns what the oracle compares of p.
func (p Person) Record() Record {
	return Record{Name: p.Name, Mother: p.Mother, BirthPlace: p.BirthPlace, NKK: p.NKK, Sex: p.Sex, Birth: p.Birth}
}

// Kinds of planted pairs.
const (
	KindDuplicate   = "duplicate"   // one person, two NIKs
	KindTwins       = "twins"       // same birth date, NKK, mother, birthplace; names not similar
	KindCommonName  = "common-name" // a most common name, same birth date, different places, mothers, households
	KindNamesake    = "namesake"    // same name, two regencies, different birth dates
	KindSiblings    = "siblings"    // same NKK, mother, birthplace; different names and birth dates
	KindCoincidence = "coincidence" // not planted: random persons the rule pairs
)

// Pair is one pair of the truth: A and B index Population.Persons.
type Pair struct {
	A, B      int
	Kind      string
	Change    string // for duplicates: what differs in the second record
	Duplicate bool   // one resident under two NIKs
	Expected  bool   // the SPEC rule (the oracle) makes it a candidate
}

// Population is a generated population and its truth.
type Population struct {
	Persons   []Person
	Threshold float64
	// Pairs holds every planted pair, then every coincidence: every pair
	// of Expected true is one the rule must find, and no other.
	Pairs []Pair
}

// Expected returns the pairs the rule must find, each as (A, B), A < B.
func (p *Population) Expected() [][2]int {
	var out [][2]int
	for _, x := range p.Pairs {
		if x.Expected {
			out = append(out, [2]int{min(x.A, x.B), max(x.A, x.B)})
		}
	}
	return out
}

// gen is the generator's state.
type gen struct {
	rng    *rand.Rand
	niks   map[string]bool
	serial map[string]int // next NIK serial by its first twelve digits
	pop    *Population
}

// Options shape a population.
type Options struct {
	Persons   int     // records to generate
	Seed      uint64  // the same seed gives the same population
	Threshold float64 // the name threshold of the rule; 0 means 0.92
	// NoTruth skips the oracle: Pairs then holds the planted pairs with
	// Expected unset, and no coincidence. For benchmarks, which need
	// persons, not the truth.
	NoTruth bool
}

// Generate returns a population and, unless o.NoTruth, its truth.
func Generate(o Options) *Population {
	if o.Threshold == 0 {
		o.Threshold = 0.92
	}
	n := o.Persons
	g := &gen{rng: rand.New(rand.NewPCG(o.Seed, 20201209)), niks: map[string]bool{}, serial: map[string]int{},
		pop: &Population{Threshold: o.Threshold}}
	rule := NewRule(o.Threshold)
	plant := func(per1000 int) int { return max(1, n*per1000/1000) }
	// Hard non-duplicates first, then duplicates, then the random rest.
	for range plant(5) {
		g.twins(rule)
	}
	for range plant(2) {
		g.commonNames(rule)
	}
	for range plant(2) {
		g.namesakes()
	}
	for range plant(2) {
		g.siblings(rule)
	}
	for range plant(20) {
		g.duplicate()
	}
	for len(g.pop.Persons) < n {
		g.add(g.person(g.region()))
	}
	g.pop.Persons = g.pop.Persons[:n]
	g.truth(rule, !o.NoTruth)
	return g.pop
}

// truth drops the planted pairs cut off at n persons; with oracle, it
// marks which the rule finds and adds the pairs it finds that were not
// planted.
func (g *gen) truth(rule Rule, oracle bool) {
	n := len(g.pop.Persons)
	kept := g.pop.Pairs[:0]
	planted := map[[2]int]int{}
	for _, p := range g.pop.Pairs {
		if p.A < n && p.B < n {
			planted[[2]int{min(p.A, p.B), max(p.A, p.B)}] = len(kept)
			kept = append(kept, p)
		}
	}
	g.pop.Pairs = kept
	if !oracle {
		return
	}
	recs := make([]Record, n)
	for i, p := range g.pop.Persons {
		recs[i] = p.Record()
	}
	for _, ab := range rule.Pairs(recs) {
		if k, ok := planted[ab]; ok {
			g.pop.Pairs[k].Expected = true
			continue
		}
		g.pop.Pairs = append(g.pop.Pairs, Pair{A: ab[0], B: ab[1], Kind: KindCoincidence, Expected: true})
	}
}

func (g *gen) add(p Person) int {
	g.pop.Persons = append(g.pop.Persons, p)
	return len(g.pop.Persons) - 1
}

func (g *gen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }
func (g *gen) chance(p float64) bool   { return g.rng.Float64() < p }

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// region picks a regency, Kota Bengkulu more often.
func (g *gen) region() string {
	if g.chance(0.25) {
		return "1771"
	}
	return regencies[g.rng.IntN(len(regencies)-1)].code
}

func regencyOf(code string) regency {
	for _, r := range regencies {
		if r.code == code {
			return r
		}
	}
	panic("no regency " + code)
}

// birth picks a birth date: one in twenty on a placeholder date.
func (g *gen) birth() time.Time {
	y := 1940 + g.rng.IntN(65)
	if g.chance(0.05) {
		if g.chance(0.5) {
			return day(y, 7, 1)
		}
		return day(y, 12, 31)
	}
	d := day(1940, 1, 1).AddDate(0, 0, g.rng.IntN(int(day(2004, 6, 30).Sub(day(1940, 1, 1)).Hours()/24)))
	return d
}

// place picks a birthplace: mostly a town of the regency.
func (g *gen) place(region string) string {
	if g.chance(0.6) {
		return g.pick(regencyOf(region).towns)
	}
	return g.pick(otherPlaces)
}

// name picks a random name of sex.
func (g *gen) name(sex byte) string {
	first := maleFirst
	if sex == 'P' {
		first = femaleFirst
	}
	f := g.pick(first)
	if sex == 'L' && g.chance(0.08) {
		f = "MUHAMMAD"
	}
	switch {
	case g.chance(0.08):
		return f // a single name
	case g.chance(0.2):
		m := g.pick(first)
		for m == f {
			m = g.pick(first)
		}
		return f + " " + m + " " + g.pick(lastNames)
	}
	return f + " " + g.pick(lastNames)
}

func (g *gen) mother() string {
	if g.chance(0.3) {
		return g.pick(femaleFirst)
	}
	return g.pick(femaleFirst) + " " + g.pick(lastNames)
}

// nik returns a new NIK issued in region for a birth date and sex.
func (g *gen) nik(region string, birth time.Time, sex byte) string {
	r := regencyOf(region)
	dist := r.districts[g.rng.IntN(len(r.districts))]
	d := birth.Day()
	if sex == 'P' {
		d += 40
	}
	prefix := fmt.Sprintf("%s%02d%02d%02d", dist, d, int(birth.Month()), birth.Year()%100)
	for {
		g.serial[prefix]++
		nik := fmt.Sprintf("%s%04d", prefix, g.serial[prefix])
		if g.serial[prefix] > 9999 {
			panic("ganda generator: NIK serials exhausted for " + prefix)
		}
		if !g.niks[nik] {
			g.niks[nik] = true
			return nik
		}
	}
}

// nkk returns a new family card number issued in region.
func (g *gen) nkk(region string) string {
	r := regencyOf(region)
	return fmt.Sprintf("%s%02d%02d%02d%04d", r.districts[g.rng.IntN(len(r.districts))],
		1+g.rng.IntN(28), 1+g.rng.IntN(12), g.rng.IntN(20), 1+g.rng.IntN(9999))
}

// person returns a random person of region.
func (g *gen) person(region string) Person {
	sex := byte("LP"[g.rng.IntN(2)])
	birth := g.birth()
	p := Person{Sex: sex, Birth: birth, Region: region, Name: g.name(sex), BirthPlace: g.place(region),
		Mother: g.mother(), NKK: g.nkk(region), Deceased: g.chance(0.06)}
	p.NIK = g.nik(region, birth, sex)
	if g.chance(0.04) {
		p.Mother = ""
	}
	if g.chance(0.04) {
		p.NKK = ""
	}
	if g.chance(0.03) {
		p.BirthPlace = ""
	}
	if g.chance(0.05) {
		p.Name = g.withTitle(p.Name, sex)
	}
	return p
}

func (g *gen) withTitle(name string, sex byte) string {
	if g.chance(0.5) {
		if sex == 'P' {
			return g.pick([]string{"HJ.", "Hj.", "DRA."}) + " " + name
		}
		return g.pick([]string{"H.", "H", "DRS.", "IR."}) + " " + name
	}
	return name + ", " + g.pick([]string{"S.PD", "SE", "S.KOM", "AMD", "SH, MH"})
}

// other returns another regency than region.
func (g *gen) other(region string) string {
	for {
		if r := regencies[g.rng.IntN(len(regencies))].code; r != region {
			return r
		}
	}
}

// twins plants two persons born the same day to one mother and household
// with names the rule does not call similar.
func (g *gen) twins(rule Rule) {
	a := g.person(g.region())
	a.Mother, a.NKK, a.BirthPlace = g.pick(femaleFirst)+" "+g.pick(lastNames), g.nkk(a.Region), g.pick(regencyOf(a.Region).towns)
	b := a
	b.Sex = byte("LP"[g.rng.IntN(2)])
	last := lastPart(a.Name)
	for {
		b.Name = g.firstOf(b.Sex) + " " + last
		if !rule.SimilarNames(a.Name, b.Name) {
			break
		}
	}
	b.NIK = g.nik(b.Region, b.Birth, b.Sex)
	b.Deceased = false
	g.pair(g.add(a), g.add(b), KindTwins, "")
}

func (g *gen) firstOf(sex byte) string {
	if sex == 'P' {
		return g.pick(femaleFirst)
	}
	return g.pick(maleFirst)
}

func lastPart(name string) string {
	f := strings.Fields(name)
	return f[len(f)-1]
}

// commonNames plants three persons with one of the most common names,
// born the same day in three places, of different mothers and households.
func (g *gen) commonNames(rule Rule) {
	c := commonNames[g.rng.IntN(len(commonNames))]
	birth := g.birth()
	var idx []int
	places := map[string]bool{}
	var mothers []string
	for range 3 {
		p := g.person(g.region())
		p.Name, p.Sex, p.Birth = c.name, c.sex, birth
		p.NIK = g.nik(p.Region, p.Birth, p.Sex)
		for p.BirthPlace == "" || places[p.BirthPlace] {
			p.BirthPlace = g.pick(otherPlaces)
		}
		places[p.BirthPlace] = true
	again:
		for {
			p.Mother = g.pick(femaleFirst) + " " + g.pick(lastNames)
			for _, m := range mothers {
				if rule.SimilarNames(m, p.Mother) {
					continue again
				}
			}
			break
		}
		mothers = append(mothers, p.Mother)
		idx = append(idx, g.add(p))
	}
	for i := range idx {
		for j := i + 1; j < len(idx); j++ {
			g.pair(idx[i], idx[j], KindCommonName, "")
		}
	}
}

// namesakes plants one name in two regencies with different birth dates
// (neither equal nor day and month swapped).
func (g *gen) namesakes() {
	a := g.person(g.region())
	b := g.person(g.other(a.Region))
	b.Name, b.Sex, b.BirthPlace = a.Name, a.Sex, a.BirthPlace
	for birthAgrees(a.Birth, b.Birth) {
		b.Birth = g.birth()
	}
	b.NIK = g.nik(b.Region, b.Birth, b.Sex)
	g.pair(g.add(a), g.add(b), KindNamesake, "")
}

// siblings plants three children of one mother and household, born in one
// place in different years, with names not similar.
func (g *gen) siblings(rule Rule) {
	first := g.person(g.region())
	last := lastPart(first.Name)
	var idx []int
	var names []string
	for k := range 3 {
		p := first
		if k > 0 {
			p.Sex = byte("LP"[g.rng.IntN(2)])
			p.Birth = first.Birth.AddDate(k*(1+g.rng.IntN(3)), g.rng.IntN(5), g.rng.IntN(20))
		again:
			for {
				p.Name = g.firstOf(p.Sex) + " " + last
				for _, n := range names {
					if rule.SimilarNames(n, p.Name) {
						continue again
					}
				}
				break
			}
			p.NIK = g.nik(p.Region, p.Birth, p.Sex)
			p.Deceased = false
		}
		names = append(names, p.Name)
		idx = append(idx, g.add(p))
	}
	for i := range idx {
		for j := i + 1; j < len(idx); j++ {
			g.pair(idx[i], idx[j], KindSiblings, "")
		}
	}
}

func (g *gen) pair(a, b int, kind, change string) {
	g.pop.Pairs = append(g.pop.Pairs, Pair{A: a, B: b, Kind: kind, Change: change, Duplicate: kind == KindDuplicate})
}

// duplicate plants a person and a second record of them.
func (g *gen) duplicate() {
	a := g.person(g.region())
	if a.Sex == 'L' && g.chance(0.3) {
		a.Name = "MUHAMMAD " + strings.Join(strings.Fields(a.Name)[1:], " ")
		a.Name = strings.TrimSpace(a.Name)
		if a.Name == "MUHAMMAD" {
			a.Name += " " + g.pick(lastNames)
		}
	}
	a.Deceased = a.Deceased && g.chance(0.5)
	b := a
	b.Deceased = g.chance(0.08) // a death reported under the second NIK
	var changes []string
	change := func(c string) { changes = append(changes, c) }

	// Where the second NIK comes from.
	switch {
	case g.chance(0.1):
		change("nik-typo")
		b.NIK = g.typoNIK(a.NIK)
	case g.chance(0.75):
		change("other-regency")
		b.Region = g.other(a.Region)
	default:
		change("same-regency")
	}
	// The name.
	switch x := g.rng.IntN(100); {
	case x < 22:
	case x < 42:
		change("name-typo")
		b.Name = g.typo(a.Name)
	case x < 54:
		if n := swapParts(a.Name); n != a.Name {
			change("name-swapped")
			b.Name = n
		}
	case x < 66:
		if n, ok := g.splitJoin(a.Name); ok {
			change("name-split-joined")
			b.Name = n
		}
	case x < 80:
		if strings.HasPrefix(a.Name, "MUHAMMAD ") {
			change("name-abbreviated")
			b.Name = g.pick([]string{"MUH.", "MOH.", "M.", "MUHAMAD", "MOHAMMAD", "MUH"}) + strings.TrimPrefix(a.Name, "MUHAMMAD")
		}
	default:
		change("name-title")
		b.Name = g.withTitle(a.Name, a.Sex)
	}
	// The birth date.
	switch {
	case a.Birth.Day() <= 12 && a.Birth.Day() != int(a.Birth.Month()) && g.chance(0.12):
		change("birth-day-month-swapped")
		b.Birth = day(a.Birth.Year(), a.Birth.Day(), int(a.Birth.Month()))
	case g.chance(0.03):
		change("birth-year-wrong")
		b.Birth = a.Birth.AddDate(1, 0, 0)
	}
	// The other fields.
	switch x := g.rng.IntN(100); {
	case x < 45:
	case x < 90:
		change("new-nkk")
		b.NKK = g.nkk(b.Region)
	default:
		change("no-nkk")
		b.NKK = ""
	}
	switch x := g.rng.IntN(100); {
	case x < 10:
		change("no-mother")
		b.Mother = ""
	case x < 20 && a.Mother != "":
		change("mother-typo")
		b.Mother = g.typo(a.Mother)
	}
	if g.chance(0.1) {
		change("no-birthplace")
		b.BirthPlace = ""
	}
	if !strings.HasPrefix(changes[0], "nik-typo") {
		b.NIK = g.nik(b.Region, b.Birth, b.Sex)
	}
	g.pair(g.add(a), g.add(b), KindDuplicate, strings.Join(changes, "+"))
}

// typoNIK changes one digit of the serial: the second NIK is the first
// one mistyped.
func (g *gen) typoNIK(nik string) string {
	for {
		i := 12 + g.rng.IntN(4)
		d := byte('0' + g.rng.IntN(10))
		if d == nik[i] {
			continue
		}
		n := nik[:i] + string(d) + nik[i+1:]
		if !g.niks[n] && n[12:] != "0000" {
			g.niks[n] = true
			return n
		}
	}
}

// typo makes one edit in the longest part of name: a letter replaced,
// dropped, doubled, or two neighbours swapped.
func (g *gen) typo(name string) string {
	parts := strings.Fields(name)
	k := 0
	for i, p := range parts {
		if len(p) > len(parts[k]) {
			k = i
		}
	}
	w := []byte(parts[k])
	if len(w) < 4 {
		return name
	}
	i := 1 + g.rng.IntN(len(w)-2)
	switch g.rng.IntN(4) {
	case 0:
		w[i] = "AEIOUNRSTY"[g.rng.IntN(10)]
	case 1:
		w = append(w[:i], w[i+1:]...)
	case 2:
		w = append(w[:i+1], w[i:]...)
	default:
		w[i], w[i+1] = w[i+1], w[i]
	}
	parts[k] = string(w)
	return strings.Join(parts, " ")
}

// swapParts moves the first part of a name to its end.
func swapParts(name string) string {
	f := strings.Fields(name)
	if len(f) < 2 {
		return name
	}
	return strings.Join(append(f[1:], f[0]), " ")
}

// splitJoin joins the first two parts of a name, or splits a long part.
func (g *gen) splitJoin(name string) (string, bool) {
	f := strings.Fields(name)
	if len(f) >= 2 && g.chance(0.5) {
		return strings.Join(append([]string{f[0] + f[1]}, f[2:]...), " "), true
	}
	for i, p := range f {
		if len(p) >= 7 {
			cut := 3 + g.rng.IntN(len(p)-5)
			f[i] = p[:cut] + " " + p[cut:]
			return strings.Join(f, " "), true
		}
	}
	return name, false
}
