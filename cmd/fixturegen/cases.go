package main

import (
	"fmt"
	"strings"
	"time"
)

// Planted cases: each entry says what it is, where it goes (sheet key and
// how many times) and how one instance is planted. An instance returns the
// rows it planted; the runner tags them with the case id for the README.

type at struct {
	key string
	n   int
}

type plantCase struct {
	id    string
	what  string
	where []at
	plant func(g *gen, key string, i int) []*row
}

var plantCases = []plantCase{
	{"dup-same-file", "the same request (NIK, event, request date) twice in one file; the second is a duplicate",
		[]at{{"1701/Mei", 4}, {"1701/Juni", 6}, {"1702", 8}, {"1703", 5}, {"1704", 3}, {"1708", 3}, {"1709", 5}, {"1771/Cetak", 18}, {"1771/Suket", 7}},
		func(g *gen, key string, i int) []*row {
			reg := g.sheets[key].spec.region
			p := g.adult(reg)
			var r *row
			if key == "1771/Suket" {
				r = g.pendingRow(key, p, evSuket, time.Time{})
			} else if i%3 == 0 {
				ev := g.pick(cardEvents)
				withMarital(p, ev)
				r = g.doneRow(key, p, ev)
			} else {
				ev := g.pick(cardEvents)
				withMarital(p, ev)
				r = g.pendingRow(key, p, ev, time.Time{})
			}
			return []*row{r, g.clone(key, r)}
		}},
	{"move-both", "a move between regions reported by the origin (PINDAH KELUAR) and the destination (PINDAH DATANG) with the same request date: one request, the later file's row a duplicate",
		[]at{{"1771/Cetak>1709", 6}, {"1701/Juni>1771/Cetak", 5}, {"1703>1702", 4}, {"1705>1708", 3}, {"1706>1703", 2}},
		func(g *gen, key string, i int) []*row {
			from, to := splitMove(key)
			dest := g.sheets[to].spec.region
			p := g.adult(g.sheets[from].spec.region)
			text := moveText(dest, i)
			o := g.pendingRow(from, p, evPindah, time.Time{})
			o.dest, o.destText = dest, text
			d := g.clone(to, o)
			return []*row{o, d}
		}},
	{"move-origin-only", "a move between regions reported only by the origin; half the persons also have an earlier printed request there",
		[]at{{"1702>1703", 5}, {"1771/Cetak>1705", 4}, {"1708>1771", 3}, {"1704>1701", 3}, {"1709>1771", 3}},
		func(g *gen, key string, i int) []*row {
			from, _ := splitMove(key)
			dest := destOf(key)
			p := g.adult(g.sheets[from].spec.region)
			var rows []*row
			req := g.dateIn(reqLo, reqHi)
			if i%2 == 0 {
				e := g.add(from, p, evRusak, day(2019, 8, 1+i), stSelesai, day(2019, 8, 20+i))
				rows = append(rows, e)
				req = g.dateIn(day(2019, 10, 1), reqHi)
			}
			r := g.pendingRow(from, p, evPindah, req)
			r.dest, r.destText = dest, moveText(dest, i)
			return append(rows, r)
		}},
	{"move-out-of-province", "a move out of the province (kabupaten_tujuan a regency of another province, by code or name)",
		[]at{{"1771/Cetak", 4}, {"1701/Mei", 2}, {"1706", 2}, {"1703", 1}},
		func(g *gen, key string, i int) []*row {
			p := g.adult(g.sheets[key].spec.region)
			r := g.pendingRow(key, p, evPindah, time.Time{})
			outs := [][2]string{{"1671", "1671"}, {"1671", "KOTA PALEMBANG"}, {"1371", "1371"}, {"1871", "Kota Bandar Lampung"}}
			o := outs[(i+len(key))%len(outs)]
			r.dest, r.destText = o[0], o[1]
			return []*row{r}
		}},
	{"move-dest-only", "a move reported only by the destination (PINDAH DATANG naming the region itself): no known origin, counted in neither moved_in nor moved_out",
		[]at{{"1705", 4}, {"1771/Cetak", 3}},
		func(g *gen, key string, i int) []*row {
			reg := g.sheets[key].spec.region
			issued := []string{"1702", "1671", "1703", "1771", "1709"}[i]
			p := g.newPerson(reg, personOpts{nikRegency: issued})
			r := g.pendingRow(key, p, evPindah, time.Time{})
			r.dest, r.destText = reg, moveText(reg, i)
			return []*row{r}
		}},
	{"nik-conflict-dob", "K2: two requests under one NIK with different birth dates (the second row also warns NIK_DOB_MISMATCH); one person flagged NIK_CONFLICT",
		[]at{{"1702", 2}, {"1771/Cetak", 2}, {"1703", 1}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dobLo: day(1960, 1, 1), dobHi: day(1990, 12, 31)})
			a, b := g.printedThenPending(key, p, evRusak, evHilang)
			b.dob = p.dob.AddDate(-(1 + i%4), 0, 3)
			b.warns = []string{"NIK_DOB_MISMATCH"}
			return []*row{a, b}
		}},
	{"nik-conflict-name", "K2: two requests under one NIK with dissimilar names (Jaro-Winkler well below 0.92); one person flagged NIK_CONFLICT",
		[]at{{"1708", 1}, {"1771/Cetak", 2}, {"1706", 1}, {"1709", 1}},
		func(g *gen, key string, i int) []*row {
			p := g.adult(g.sheets[key].spec.region)
			a, b := g.printedThenPending(key, p, evUbah, evHilang)
			other := g.newPerson(p.district.code[:4], personOpts{sex: p.sex, allowSimilar: true})
			delete(g.niks, other.nik)
			b.name = other.name
			if jaroWinkler(normName(a.name), normName(b.name)) >= 0.8 {
				b.name = map[byte]string{'L': "BAMBANG SUDARSO", 'P': "ROSMIATI HARAHAP"}[p.sex]
			}
			return []*row{a, b}
		}},
	{"after-death", "a MATI row and a later request of the same person: DECEASED, flagged EVENT_AFTER_DEATH",
		[]at{{"1771/Cetak", 2}, {"1703", 1}, {"1705", 1}, {"1707", 1}, {"1702", 1}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dobLo: day(1935, 1, 1), dobHi: day(1960, 1, 1)})
			d := g.dateIn(day(2019, 8, 1), day(2020, 3, 31))
			m := g.add(key, p, evMati, d, "", time.Time{})
			r := g.pendingRow(key, p, g.pick([]string{evRusak, evHilang, evUbah}), d.AddDate(0, 0, g.between(10, 80)))
			return []*row{m, r}
		}},
	{"died-after-request", "a pending request, then a MATI row dated later: DECEASED, no flag",
		[]at{{"1701/Juni", 1}, {"1704", 1}, {"1706", 1}, {"1771/Cetak", 1}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dobLo: day(1935, 1, 1), dobHi: day(1960, 1, 1)})
			d := g.dateIn(day(2019, 8, 1), day(2020, 3, 31))
			r := g.pendingRow(key, p, evRusak, d)
			m := g.add(key, p, evMati, d.AddDate(0, 0, g.between(10, 80)), "", time.Time{})
			return []*row{r, m}
		}},
	{"age-17-on-election-day", "born 2003-12-09: 17 on election day, eligible (recorded, needs print)",
		[]at{{"1702", 1}, {"1771/Cetak", 1}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dob: day(2003, 12, 9), marital: strp(mBelum)})
			return []*row{g.add(key, p, evRekam, g.dateIn(day(2020, 1, 1), day(2020, 6, 1)), stSudahRekam, time.Time{})}
		}},
	{"age-16-on-election-day", "born 2003-12-10, BELUM KAWIN: under 17 on election day, INELIGIBLE",
		[]at{{"1702", 1}, {"1771/Cetak", 1}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dob: day(2003, 12, 10), marital: strp(mBelum)})
			return []*row{g.add(key, p, evRekam, g.dateIn(day(2020, 1, 1), day(2020, 6, 1)), stBelumRekam, time.Time{})}
		}},
	{"minor-married", "under 17 on election day but married (KAWIN): eligible, needs print",
		[]at{{"1703", 1}, {"1705", 1}, {"1771/Cetak", 1}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dobLo: day(2004, 1, 1), dobHi: day(2004, 12, 31), marital: strp(mKawin)})
			return []*row{g.add(key, p, evKawin, g.dateIn(day(2020, 1, 1), day(2020, 6, 1)), stSudahRekam, time.Time{})}
		}},
	{"minor-marital-unknown", "under 17 on election day, status_kawin empty: INELIGIBLE",
		[]at{{"1704", 1}, {"1708", 1}, {"1771/Cetak", 2}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dobLo: day(2004, 1, 1), dobHi: day(2006, 6, 30), marital: strp("")})
			return []*row{g.add(key, p, evRekam, g.dateIn(reqLo, reqHi), stSudahRekam, time.Time{})}
		}},
	{"minor-married-latest", "under 17: the earlier row in input order (sheet Mei) is the later request and says KAWIN, the later row (sheet Juni) says BELUM KAWIN; attributes follow the request date, so eligible, needs print",
		[]at{{"1701/Mei>1701/Juni", 2}},
		func(g *gen, key string, i int) []*row {
			first, second := splitMove(key)
			p := g.newPerson("1701", personOpts{dobLo: day(2004, 1, 1), dobHi: day(2004, 12, 31), marital: strp(mBelum)})
			b := g.add(second, p, evRekam, day(2020, 1, 10+i), stSudahRekam, day(2020, 1, 20+i))
			a := g.add(first, p, evKawin, day(2020, 4, 10+i), stSudahRekam, time.Time{})
			a.marital = mKawin
			return []*row{a, b}
		}},
	{"cross-file-no-move", "two requests of one person in two regions' files without a move: the person belongs to the region of the first row in input order (1709), each row counts at its own file's region",
		[]at{{"1709>1771/Cetak", 3}},
		func(g *gen, key string, i int) []*row {
			first, second := splitMove(key)
			p := g.adult("1709")
			a := g.add(first, p, evRusak, day(2020, 2, 3+i), stSelesai, day(2020, 2, 20+i))
			b := g.pendingRow(second, p, evHilang, day(2020, 5, 4+i))
			return []*row{a, b}
		}},
	{"nik-numeric-cell", "NIK in an xlsx numeric cell, 16 digits not ending in 0: accepted, warning NIK_NUMERIC_CELL",
		[]at{{"1703", 12}, {"1707", 4}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{serialNoZero: true})
			var r *row
			if i%2 == 0 {
				r = g.doneRow(key, p, evRusak)
			} else {
				r = g.pendingRow(key, p, evHilang, time.Time{})
			}
			r.nikForm = nikNumber
			r.warns = []string{"NIK_NUMERIC_CELL"}
			return []*row{r}
		}},
	{"dob-mismatch", "tanggal_lahir disagrees with the NIK's birth date: warning NIK_DOB_MISMATCH",
		[]at{{"1702", 4}, {"1706", 2}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dobLo: day(1950, 1, 1), dobHi: day(1995, 12, 1)})
			r := g.pendingRow(key, p, evUbah, time.Time{})
			r.dob = p.dob.AddDate(0, 0, g.between(5, 25))
			r.warns = []string{"NIK_DOB_MISMATCH"}
			return []*row{r}
		}},
	{"sex-mismatch", "jenis_kelamin disagrees with the NIK (day + 40 for women): warning NIK_SEX_MISMATCH",
		[]at{{"1708", 3}, {"1771/Cetak", 3}},
		func(g *gen, key string, i int) []*row {
			p := g.adult(g.sheets[key].spec.region)
			r := g.pendingRow(key, p, evRusak, time.Time{})
			r.sex = map[byte]byte{'L': 'P', 'P': 'L'}[p.sex]
			r.warns = []string{"NIK_SEX_MISMATCH"}
			return []*row{r}
		}},
	{"date-unparseable", "tanggal_lahir text that is no date (birth date comes from the NIK, an adult): warning DATE_UNPARSEABLE",
		[]at{{"1701/Mei", 3}, {"1705", 2}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{dobLo: day(1960, 1, 1), dobHi: day(1995, 12, 1)})
			r := g.doneRow(key, p, evHilang)
			r.dobText = []string{"TIDAK DIKETAHUI", "31/02/1985", "1978-13-05", "TGL. ?", "15 Juno 1980"}[(i+len(key))%5]
			r.warns = []string{"DATE_UNPARSEABLE"}
			return []*row{r}
		}},
	{"district-unknown", "a Bengkulu NIK whose district code is not in the 2020 reference (170120, 177112): warning DISTRICT_UNKNOWN",
		[]at{{"1701/Juni", 3}, {"1771/Cetak", 3}},
		func(g *gen, key string, i int) []*row {
			reg := g.sheets[key].spec.region
			dist := map[string]string{"1701": "170120", "1771": "177112"}[reg]
			p := g.newPerson(reg, personOpts{nikRegency: reg, nikDistrict: dist})
			r := g.pendingRow(key, p, evUbah, time.Time{})
			r.warns = []string{"DISTRICT_UNKNOWN"}
			return []*row{r}
		}},
	{"nik-other-province", "residents holding a NIK issued in another province (1671, 1871, 3171): valid, no district check",
		[]at{{"1771/Cetak", 8}, {"1702", 3}},
		func(g *gen, key string, i int) []*row {
			p := g.newPerson(g.sheets[key].spec.region, personOpts{nikRegency: []string{"1671", "1871", "3171"}[i%3]})
			if i%2 == 0 {
				return []*row{g.doneRow(key, p, evUbah)}
			}
			return []*row{g.pendingRow(key, p, evRusak, time.Time{})}
		}},
	{"formula-name", "nama written as a formula (=UPPER(\"…\")) with its cached value",
		[]at{{"1771/Cetak", 3}},
		func(g *gen, key string, i int) []*row {
			r := g.pendingRow(key, g.adult("1771"), evHilang, time.Time{})
			r.formula = true
			return []*row{r}
		}},
	{"cp1252-text", "names with É and addresses with an en dash (–), written in Windows-1252",
		[]at{{"1706", 4}},
		func(g *gen, key string, i int) []*row {
			names := []string{"ANDRÉ SAPUTRA", "RENÉ HIDAYAT", "JOSÉ PRATAMA", "ANDRÉ KURNIAWAN"}
			p := g.newPerson("1706", personOpts{sex: 'L', name: names[i]})
			p.address = fmt.Sprintf("%s – GG. MAWAR NO. %d", g.pick(streets), i+3)
			return []*row{g.pendingRow(key, p, evUbah, time.Time{})}
		}},
	{"region-bengkulu-ambiguous", "kabupaten_kota a bare BENGKULU (province or city?) or empty: region from the file name (1709)",
		[]at{{"1709", 8}},
		func(g *gen, key string, i int) []*row {
			r := g.pendingRow(key, g.adult("1709"), evRusak, time.Time{})
			cell := "BENGKULU"
			if i >= 5 {
				cell = ""
			}
			r.regionCell = &cell
			return []*row{r}
		}},
	{"kiriman", "late additions in a file naming no region, kabupaten_kota per row (code or name)",
		[]at{{"kiriman", 48}},
		func(g *gen, key string, i int) []*row {
			reg := []string{"1703", "1704", "1708", "1771"}[i%4]
			p := g.adult(reg)
			var r *row
			switch i % 3 {
			case 0:
				r = g.doneRow(key, p, evHilang)
			default:
				r = g.pendingRow(key, p, g.pick(cardEvents), time.Time{})
			}
			r.region = reg
			return []*row{r}
		}},
	{"kiriman-second-request", "a later request in kiriman-tambahan.csv of a person first reported in the region's own file (same region)",
		[]at{{"1703>kiriman", 3}},
		func(g *gen, key string, i int) []*row {
			first, second := splitMove(key)
			p := g.adult("1703")
			a := g.add(first, p, evRusak, day(2019, 11, 4+i), stSelesai, day(2019, 11, 25+i))
			b := g.pendingRow(second, p, evHilang, day(2020, 6, 2+i))
			b.region = "1703"
			return []*row{a, b}
		}},
	{"ganda-candidate", "K3 candidates: two NIKs, similar names and the same birth date (or day and month swapped) and at least two more agreeing elements; listed for review, never merged",
		[]at{{"1771/Cetak>1709", 1}, {"1702>1702", 1}, {"1703>1703", 1}},
		func(g *gen, key string, _ int) []*row {
			first, second := splitMove(key)
			ra, rb := g.sheets[first].spec.region, g.sheets[second].spec.region
			v := map[string]int{"1771/Cetak>1709": 0, "1702>1702": 1, "1703>1703": 2}[key]
			names := [][2]string{{"SUPRIADI GUMAY", "SUPRIADI GUMAY"}, {"HERMAN SYAPUTRA", "HERMAN SYAPUTRA"}, {"NURHAYATI SANTOSO", "NURHAYATI SANTOSA"}}[v]
			sex := []byte{'L', 'L', 'P'}[v]
			dob := []time.Time{day(1979, 3, 14), day(1985, 7, 5), day(1990, 11, 21)}[v]
			dobB := dob
			if v == 1 {
				dobB = day(1985, 5, 7) // day and month swapped
			}
			a := g.newPerson(ra, personOpts{sex: sex, dob: dob, name: names[0], allowSimilar: true, marital: strp(mKawin)})
			b := g.newPerson(rb, personOpts{sex: sex, dob: dobB, name: names[1], allowSimilar: true, marital: strp(mKawin)})
			b.pob, b.mother = a.pob, a.mother
			if v == 2 {
				b.nkk = a.nkk
			}
			return []*row{g.pendingRow(first, a, evRusak, time.Time{}), g.pendingRow(second, b, evHilang, time.Time{})}
		}},
	{"ganda-not-candidate", "not K3: siblings (same NKK, mother, birthplace, sex; different names and birth dates) and namesakes born the same day with nothing else in common",
		[]at{{"1705>1705", 1}, {"1704>1708", 1}},
		func(g *gen, key string, i int) []*row {
			first, second := splitMove(key)
			ra, rb := g.sheets[first].spec.region, g.sheets[second].spec.region
			if i == 0 {
				a := g.newPerson(ra, personOpts{sex: 'L', dob: day(1988, 2, 11), name: "RIDWAN HAKIM", allowSimilar: true})
				b := g.newPerson(rb, personOpts{sex: 'L', dob: day(1991, 9, 2), name: "RAHMAT HAKIM", allowSimilar: true})
				b.nkk, b.mother, b.pob = a.nkk, a.mother, a.pob
				return []*row{g.pendingRow(first, a, evUbah, time.Time{}), g.pendingRow(second, b, evUbah, time.Time{})}
			}
			a := g.newPerson(ra, personOpts{sex: 'P', dob: day(1983, 8, 17), name: "SITI AMINAH", allowSimilar: true, marital: strp(mKawin)})
			b := g.newPerson(rb, personOpts{sex: 'P', dob: day(1983, 8, 17), name: "SITI AMINAH", allowSimilar: true, marital: strp(mKawin)})
			b.pob, b.mother = "PADANG", "HALIMAH WIBOWO"
			if a.pob == b.pob {
				b.pob = "LAHAT"
			}
			return []*row{g.doneRow(first, a, evHilang), g.doneRow(second, b, evRusak)}
		}},
}

// lateCases are planted after the base population, from a random stream
// of their own, so that adding one left the persons planted before it as
// they were.
var lateCases = []plantCase{
	{"ganda-hard-candidate", "K3 candidates whose names differ in form: parts in another order (NURAINI SIREGAR / SIREGAR NURAINI), MUHAMMAD abbreviated under a second NIK that reports a death (MUHAMMAD ILHAM SAPUTRA / M. ILHAM SAPUTRA), a name split, with day and month of birth swapped (NURHAYATI HASIBUAN / NUR HAYATI HASIBUAN)",
		[]at{{"1701/Juni>1706", 1}, {"1702>1771/Cetak", 1}, {"1703>1708", 1}}, plantHardCandidate},
	{"ganda-hard-not-candidate", "not K3, though close: twins (same birth date, NKK, mother, birthplace; names ANDIKA PRATAMA and RAHMA PRATAMA); three MUHAMMAD RIZKI born the same day in different places to different mothers; DEWI LESTARI in two regencies with different birth dates",
		[]at{{"1707>1707", 1}, {"1701/Mei>1705>1771/Cetak", 1}, {"1703>1708", 1}}, plantHardNotCandidate},
}

// plantHardCandidate plants one K3 pair whose names differ in form (see
// the case ganda-hard-candidate).
func plantHardCandidate(g *gen, key string, _ int) []*row {
	first, second := splitMove(key)
	ra, rb := g.sheets[first].spec.region, g.sheets[second].spec.region
	type variant struct {
		nameA, nameB string
		sex          byte
		dobA, dobB   time.Time
		sameNKK      bool
	}
	v := map[string]variant{
		"1701/Juni>1706":  {"NURAINI SIREGAR", "SIREGAR NURAINI", 'P', day(1988, 9, 23), day(1988, 9, 23), false},
		"1702>1771/Cetak": {"MUHAMMAD ILHAM SAPUTRA", "M. ILHAM SAPUTRA", 'L', day(1992, 4, 30), day(1992, 4, 30), false},
		"1703>1708":       {"NURHAYATI HASIBUAN", "NUR HAYATI HASIBUAN", 'P', day(1975, 2, 8), day(1975, 8, 2), true},
	}[key]
	a := g.newPerson(ra, personOpts{sex: v.sex, dob: v.dobA, name: v.nameA, allowSimilar: true, marital: strp(mKawin)})
	b := g.newPerson(rb, personOpts{sex: v.sex, dob: v.dobB, name: v.nameB, allowSimilar: true, marital: strp(mKawin)})
	b.pob, b.mother = a.pob, a.mother
	if v.sameNKK {
		b.nkk = a.nkk
	}
	// Printed cards (READY): the persons leave the projection's
	// percentages as they were.
	rows := []*row{g.doneRow(first, a, evHilang)}
	if key == "1702>1771/Cetak" {
		return append(rows, g.add(second, b, evMati, g.dateIn(day(2020, 1, 1), day(2020, 5, 31)), "", time.Time{}))
	}
	return append(rows, g.doneRow(second, b, evUbah))
}

// plantHardNotCandidate plants persons close to a K3 pair that are not
// one (see the case ganda-hard-not-candidate).
func plantHardNotCandidate(g *gen, key string, _ int) []*row {
	keys := strings.Split(key, ">")
	switch len(keys) {
	case 3: // MUHAMMAD RIZKI thrice
		var rows []*row
		for k, at := range keys {
			p := g.newPerson(g.sheets[at].spec.region, personOpts{sex: 'L', dob: day(1995, 1, 1), name: "MUHAMMAD RIZKI", allowSimilar: true, marital: strp(mBelum)})
			p.pob = []string{"MANNA", "TAIS", "PALEMBANG"}[k]
			p.mother = []string{"ROSMIATI HARAHAP", "JULAIHA KASIM", "FAUZIAH TAMRIN"}[k]
			rows = append(rows, g.doneRow(at, p, evRusak))
		}
		return rows
	}
	first, second := keys[0], keys[1]
	if first == second { // twins
		reg := g.sheets[first].spec.region
		a := g.newPerson(reg, personOpts{sex: 'L', dob: day(2001, 5, 14), name: "ANDIKA PRATAMA", allowSimilar: true, marital: strp(mBelum)})
		b := g.newPerson(reg, personOpts{sex: 'P', dob: day(2001, 5, 14), name: "RAHMA PRATAMA", allowSimilar: true, marital: strp(mBelum)})
		b.nkk, b.mother, b.pob = a.nkk, a.mother, a.pob
		return []*row{g.doneRow(first, a, evRekam), g.doneRow(second, b, evRekam)}
	}
	ra, rb := g.sheets[first].spec.region, g.sheets[second].spec.region
	a := g.newPerson(ra, personOpts{sex: 'P', dob: day(1990, 3, 12), name: "DEWI LESTARI", allowSimilar: true, marital: strp(mKawin)})
	b := g.newPerson(rb, personOpts{sex: 'P', dob: day(1990, 11, 30), name: "DEWI LESTARI", allowSimilar: true, marital: strp(mKawin)})
	b.pob = a.pob
	return []*row{g.doneRow(first, a, evKawin), g.doneRow(second, b, evHilang)}
}

// splitMove splits "from>to" keys (to may carry no sheet).
func splitMove(key string) (string, string) {
	for i := range key {
		if key[i] == '>' {
			return key[:i], key[i+1:]
		}
	}
	return key, ""
}

// destOf is the destination region of a "from>to" key whose to is a region.
func destOf(key string) string {
	_, to := splitMove(key)
	if len(to) > 4 {
		to = to[:4]
	}
	return to
}

// moveText writes a Bengkulu destination by code or by name.
func moveText(code string, i int) string {
	switch i % 3 {
	case 0:
		return code
	case 1:
		return regionName(code)
	}
	return titleCase(regionName(code))
}

// Rejected rows: each breaks exactly one rule of SPEC §3–§4.
type rejectPlan struct {
	reason  string
	key     string
	n       int
	variant string
}

var rejectPlans = []rejectPlan{
	{"NIK_MISSING", "1702", 3, "empty cell"},
	{"NIK_MISSING", "1705", 2, "empty cell"},
	{"NIK_MISSING", "1771/Cetak", 4, "empty cell"},
	{"NIK_PRECISION_LOST", "1703", 6, "numeric cell ending in 0"},
	{"NIK_PRECISION_LOST", "1707", 2, "numeric cell ending in 0"},
	{"NIK_PRECISION_LOST", "1771/Cetak", 3, "numeric cell ending in 0"},
	{"NIK_PRECISION_LOST", "1702", 3, "scientific text"},
	{"NIK_PRECISION_LOST", "1706", 2, "scientific text"},
	{"NIK_BAD_LENGTH", "1701/Mei", 3, "17 digits"},
	{"NIK_BAD_LENGTH", "1709", 3, "15 digits"},
	{"NIK_BAD_LENGTH", "1771/Suket", 2, "15 digits"},
	{"NIK_NOT_DIGITS", "1704", 3, "letter O in the serial"},
	{"NIK_NOT_DIGITS", "1771/Cetak", 3, "letter O in the serial"},
	{"NIK_BAD_PROVINCE", "1708", 3, "province 99"},
	{"NIK_BAD_PROVINCE", "1705", 2, "province 99"},
	{"NIK_BAD_DATE", "1771/Cetak", 2, "day 32 (man)"},
	{"NIK_BAD_DATE", "1707", 2, "day 72 (woman)"},
	{"NIK_BAD_DATE", "1702", 2, "month 13"},
	{"NIK_BAD_SERIAL", "1703", 3, "serial 0000"},
	{"NIK_BAD_SERIAL", "1706", 2, "serial 0000"},
	{"NAME_MISSING", "1701/Juni", 3, "empty name"},
	{"NAME_MISSING", "1771/Cetak", 3, "empty name"},
	{"EVENT_MISSING", "1705", 3, "empty jenis_perubahan"},
	{"EVENT_MISSING", "1771/Suket", 2, "empty jenis_perubahan"},
	{"EVENT_UNKNOWN", "1771/Cetak", 3, "GANTI FOTO"},
	{"EVENT_UNKNOWN", "1702", 2, "LAIN-LAIN"},
	{"REGION_UNKNOWN", "kiriman", 4, "empty kabupaten_kota"},
	{"REGION_UNKNOWN", "kiriman", 3, "bare BENGKULU"},
}

// reject plants one rejected row.
func (g *gen) reject(rp rejectPlan) *row {
	reg := g.sheets[rp.key].spec.region
	home := reg
	if home == "" {
		home = "1771"
	}
	o := personOpts{}
	switch rp.variant {
	case "numeric cell ending in 0":
		o.serialZero = true
	case "day 32 (man)":
		o.sex = 'L'
	case "day 72 (woman)":
		o.sex = 'P'
	}
	p := g.newPerson(home, o)
	ev := evRusak
	if rp.key == "1771/Suket" {
		ev = evSuket
	}
	r := g.pendingRow(rp.key, p, ev, time.Time{})
	r.reason = rp.reason
	nik := p.nik
	raw := func(s string) { r.nik, r.nikForm = s, nikRaw }
	switch rp.variant {
	case "empty cell":
		r.nikForm = nikEmpty
	case "numeric cell ending in 0":
		r.nikForm = nikNumber
	case "scientific text":
		raw(nik[:1] + "." + nik[1:6] + "E+15")
	case "17 digits":
		raw(nik + "7")
	case "15 digits":
		raw(nik[:15])
	case "letter O in the serial":
		raw(nik[:13] + "O" + nik[14:])
	case "province 99":
		raw("99" + nik[2:])
	case "day 32 (man)":
		raw(nik[:6] + "32" + nik[8:])
	case "day 72 (woman)":
		raw(nik[:6] + "72" + nik[8:])
	case "month 13":
		raw(nik[:8] + "13" + nik[10:])
	case "serial 0000":
		raw(nik[:12] + "0000")
	case "empty name":
		r.name = ""
	case "empty jenis_perubahan":
		r.event = ""
	case "GANTI FOTO", "LAIN-LAIN":
		r.event, r.eventText = "", rp.variant
	case "empty kabupaten_kota", "bare BENGKULU":
		cell := ""
		if rp.variant == "bare BENGKULU" {
			cell = "BENGKULU"
		}
		r.regionCell, r.region = &cell, ""
	default:
		panic("unknown reject variant " + rp.variant)
	}
	return r
}

// printedThenPending plants a printed request and a later pending one.
func (g *gen) printedThenPending(key string, p *person, ev1, ev2 string) (*row, *row) {
	req := g.dateIn(day(2019, 8, 1), day(2020, 3, 1))
	a := g.add(key, p, ev1, req, stSelesai, req.AddDate(0, 0, g.between(3, 40)))
	b := g.pendingRow(key, p, ev2, a.svc.AddDate(0, 0, g.between(5, 60)))
	return a, b
}
