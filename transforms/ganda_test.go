package transforms

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"readiness/pipeline"
)

func TestGandaConfig(t *testing.T) {
	for _, thr := range []float64{0, -0.1, 1.01, math.NaN()} {
		if _, err := NewGanda(GandaConfig{NameThreshold: thr}); err == nil {
			t.Errorf("threshold %v accepted", thr)
		}
	}
	if _, err := NewGanda(GandaConfig{NameThreshold: 1, Workers: -1}); err == nil {
		t.Error("negative workers accepted")
	}
	if _, err := NewGanda(GandaConfig{NameThreshold: 1}); err != nil {
		t.Error(err)
	}
}

func TestSimilarNameForms(t *testing.T) {
	nm := newNameMatcher(0.92)
	tests := []struct {
		a, b string
		want bool
	}{
		{"SITI AMINAH", "AMINAH SITI", true},                      // swapped order
		{"NURHAYATI", "NUR HAYATI", true},                         // split
		{"NUR HAYATI SANTOSO", "NURHAYATI SANTOSO", true},         // joined
		{"MUHAMMAD YUSUF", "M YUSUF", true},                       // M.
		{"MUHAMMAD YUSUF", "MUH YUSUF", true},                     // MUH.
		{"MUHAMMAD YUSUF", "MOH YUSUF", true},                     // MOH.
		{"MUHAMMAD YUSUF", "MUHAMAD YUSUF", true},                 // MUHAMAD
		{"MUHAMAD YUSUF HAKIM", "MOH YUSUF HAKIM", true},          // two variants
		{"MUHAMMAD ARMAN KURNIA", "MUH AMMAD ARMAN KURNIA", true}, // split inside the abbreviation
		{"ABDUL RAHMAN", "ABD RAHMAN", true},
		{"NURHAYATI SANTOSO", "NURHAYATI SANTOSA", true}, // a typo
		{"BAYU UTOMO", "BAYU UTAMA", true},               // exactly 0.92 = 23/25
		{"RIDWAN HAKIM", "RAHMAT HAKIM", false},          // siblings
		{"BUDI SANTOSO", "AGUS SANTOSO", false},
		{"M YUSUF", "MARZUKI YUSUF", false}, // M is MUHAMMAD, not any M name
		{"SITI", "SITI AMINAH", false},
		{"", "", true}, // the same key; prepareK3 never compares nameless persons
	}
	for _, tt := range tests {
		a, b := newNameKey(tt.a), newNameKey(tt.b)
		if got := nm.similar(a, b); got != tt.want {
			t.Errorf("similar(%q, %q) = %v, want %v (best form %.4f)", tt.a, tt.b, got, tt.want, similarity(a, b))
		}
		if got := nm.similar(b, a); got != tt.want {
			t.Errorf("similar(%q, %q) not symmetric", tt.b, tt.a)
		}
	}
}

// The histogram bound never rejects a pair a form of which meets the
// threshold, and nameMatcher.similar agrees with the exact rule
// (similarNames, big.Rat) on every form, for random names, short, long,
// accented, and at several thresholds.
func TestSimilarMatchesExactRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 12))
	parts := []string{"SITI", "AMINAH", "NUR", "HAYATI", "NURHAYATI", "MUHAMMAD", "M", "MUH", "YUSUF", "YUSUP",
		"ANDRÉ", "ANDRE", "SAPUTRA", "SYAPUTRA", "HAKIM", "HAKIEM", "ABD", "ABDUL", "RAHMAN", "RACHMAN", "A", "B"}
	name := func() string {
		var ps []string
		for range 1 + rng.IntN(4) {
			ps = append(ps, parts[rng.IntN(len(parts))])
		}
		switch rng.IntN(30) {
		case 0:
			ps = append(ps, strings.Repeat("X", 100+rng.IntN(100))) // past the histogram
		case 1:
			// Near the histogram's limit, read through the variants.
			for range 13 + rng.IntN(2) {
				ps = append(ps, "MOCHAMMAD")
			}
		}
		return strings.Join(ps, " ")
	}
	ruledOut := map[float64]int{}
	for _, thr := range []float64{0.92, 0.85, 0.97, 1, 0.6} {
		nm := newNameMatcher(thr)
		for range 3000 {
			x, y := newNameKey(name()), newNameKey(name())
			exact := similarNames(x.plain, y.plain, thr) || similarNames(x.joined, y.joined, thr) ||
				similarNames(x.sorted, y.sorted, thr)
			if got := nm.similar(x, y); got != exact {
				t.Fatalf("threshold %v: similar(%q, %q) = %v, exact rule %v", thr, x.plain, y.plain, got, exact)
			}
			if max(x.canon.runes, y.canon.runes, x.raw.runes, y.raw.runes) <= maxHistRunes && exact && upperBound(x, y) < thr-1e-9 {
				t.Fatalf("bound %.4f below %v for similar %q, %q", upperBound(x, y), thr, x.plain, y.plain)
			}
			switch meet := nm.mayMeet(&x.bound, &y.bound); {
			case exact && !meet:
				t.Fatalf("threshold %v: the block bound rules out similar %q, %q", thr, x.plain, y.plain)
			case !meet:
				ruledOut[thr]++
			}
		}
	}
	// The bound must also rule pairs out, or the block search compares
	// everything.
	for thr, n := range ruledOut {
		if thr < 1 && n < 300 {
			t.Errorf("threshold %v: the block bound ruled out only %d pairs of 3000", thr, n)
		}
	}
}

func TestCommonRunes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		var a, b [32]uint8
		var want int
		total := 0
		for i := range 27 {
			a[i], b[i] = uint8(rng.IntN(5)), uint8(rng.IntN(5))
			want += int(min(a[i], b[i]))
			total += int(a[i])
		}
		if total > maxHistRunes {
			continue
		}
		x := newFormStats(string(histText(a)))
		y := newFormStats(string(histText(b)))
		if got := commonRunes(&x.hist, &y.hist); got != want {
			t.Fatalf("commonRunes = %d, want %d", got, want)
		}
	}
}

// histText spells a histogram: bucket i as letter 'A'+i, 26 as 'É'.
func histText(h [32]uint8) []rune {
	var out []rune
	for i := range 27 {
		r := rune('A' + i)
		if i == 26 {
			r = 'É'
		}
		for range h[i] {
			out = append(out, r)
		}
	}
	return out
}

func date(s string) int32 { return int32(arrow.Date32FromTime(day(s))) }

// TestK3Rule: SPEC §5 pair by pair.
func TestK3Rule(t *testing.T) {
	base := k3Person{name: "SUPRIADI GUMAY", mother: "SITI AMINAH", place: "BENGKULU", nkk: "1771010101010001", sex: 'L', birth: date("1979-03-14")}
	with := func(f func(p *k3Person)) k3Person {
		p := base
		f(&p)
		return p
	}
	A, D, M := fieldAgree, fieldDisagree, fieldMissing
	tests := []struct {
		name    string
		b       k3Person
		want    bool
		agree   [numFields]int8
		swapped bool
	}{
		{"everything agrees", base, true, [numFields]int8{A, A, A, A, A, A}, false},
		{"name and birth date alone", with(func(p *k3Person) { p.mother, p.place, p.nkk, p.sex = "", "", "", 0 }), false, [numFields]int8{}, false},
		{"name, birth date and sex only", with(func(p *k3Person) { p.mother, p.place, p.nkk = "HALIMAH", "MANNA", "1709010101010009" }), false, [numFields]int8{}, false},
		{"sex and birthplace", with(func(p *k3Person) { p.mother, p.nkk = "", "1709010101010009" }), true, [numFields]int8{A, A, A, A, M, D}, false},
		{"mother's name misspelt agrees", with(func(p *k3Person) { p.mother, p.place, p.nkk = "SITI AMINA", "", "" }), true, [numFields]int8{A, A, M, A, A, M}, false},
		{"name parts swapped", with(func(p *k3Person) { p.name = "GUMAY SUPRIADI" }), true, [numFields]int8{A, A, A, A, A, A}, false},
		{"twin: same household, another name", with(func(p *k3Person) { p.name = "RAHMAT GUMAY" }), false, [numFields]int8{}, false},
		{"another birth date", with(func(p *k3Person) { p.birth = date("1979-03-15") }), false, [numFields]int8{}, false},
		{"another year", with(func(p *k3Person) { p.birth = date("1980-03-14") }), false, [numFields]int8{}, false},
		{"no birth date", with(func(p *k3Person) { p.birth = noDate }), false, [numFields]int8{}, false},
		{"no name", with(func(p *k3Person) { p.name = "" }), false, [numFields]int8{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pairs, _, err := findK3(context.Background(), prepareK3([]k3Person{base, tt.b}), 0.92, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(pairs) == 1; got != tt.want {
				t.Fatalf("candidate %v, want %v", got, tt.want)
			}
			if tt.want && (pairs[0].agree != tt.agree || pairs[0].swapped != tt.swapped) {
				t.Errorf("agreements %v swapped %v, want %v %v", pairs[0].agree, pairs[0].swapped, tt.agree, tt.swapped)
			}
		})
	}
	a, swapped := base, base
	a.birth, swapped.birth = date("1985-07-05"), date("1985-05-07")
	pairs, _, err := findK3(context.Background(), prepareK3([]k3Person{a, swapped}), 0.92, 1)
	if err != nil || len(pairs) != 1 || !pairs[0].swapped || pairs[0].score != 90 {
		t.Errorf("day and month swapped: %+v, %v (want one pair, swapped, score 90)", pairs, err)
	}
}

// The preparer reads names and birthplaces as given into their matching
// forms, whichever spelling of a form comes first: persons share a name
// key exactly when their normalised names are equal (and it is that
// form's key), a birthplace id exactly when their normalised birthplaces
// are; a name or birthplace that normalises to nothing is missing, and so
// is an NKK that is not 16 digits or is all zeros.
func TestK3PreparerMatchingForms(t *testing.T) {
	names := []string{"H. Budi Santoso", "BUDI SANTOSO", "budi santoso", "Budi  Santoso, S.Pd.", "BUDI-SANTOSO", "H.", "Dr, S.H.",
		"SITI AMINAH", "siti aminah", "José Ñandú", "JOSÉ ÑANDÚ", "M. YUSUF", "M YUSUF", ""}
	places := []string{"Kota Padang", "KOTA PADANG", "kota-padang", "PADANG", "Padang", "", ".", "Curup", "CURUP"}
	nkks := map[string]uint64{"1771010101010001": 1771010101010001, "0000000000000000": 0, "177101010101000": 0,
		"17710101010100x1": 0, "+771010101010001": 0, "": 0}
	nkkTexts := slices.Sorted(maps.Keys(nkks))
	var ps []k3Person
	for i, n := range names {
		for j, pl := range places {
			ps = append(ps, k3Person{name: n, mother: names[(i+j)%len(names)], place: pl, nkk: nkkTexts[(i+j)%len(nkkTexts)], sex: 'L', birth: 1})
		}
	}
	orders := map[string][]k3Person{"given": ps, "reversed": slices.Clone(ps)}
	slices.Reverse(orders["reversed"])
	normalFirst := make([]k3Person, 0, 2*len(ps))
	for _, p := range ps {
		normalFirst = append(normalFirst, k3Person{name: normalizeName(p.name), mother: normalizeName(p.mother), place: normalizePlace(p.place), birth: 1})
	}
	orders["normalised first"] = append(normalFirst, ps...)
	for order, ps := range orders {
		prep := prepareK3(ps)
		recs := prep.recs
		for x := range ps {
			for y := range ps {
				a, b := &recs[x], &recs[y]
				if (a.name == b.name) != (normalizeName(ps[x].name) == normalizeName(ps[y].name)) {
					t.Fatalf("%s: names %q and %q: shared key %v", order, ps[x].name, ps[y].name, a.name == b.name)
				}
				if (a.mother == b.name) != (normalizeName(ps[x].mother) == normalizeName(ps[y].name)) {
					t.Fatalf("%s: names %q and %q: shared key %v", order, ps[x].mother, ps[y].name, a.mother == b.name)
				}
				if (a.place == b.place) != (normalizePlace(ps[x].place) == normalizePlace(ps[y].place)) {
					t.Fatalf("%s: birthplaces %q and %q: shared id %v", order, ps[x].place, ps[y].place, a.place == b.place)
				}
			}
			r, p := &recs[x], &ps[x]
			if norm := normalizeName(p.name); norm == "" {
				if r.name != 0 || r.birth != noDate {
					t.Errorf("%s: name %q has a key or can pair", order, p.name)
				}
			} else if !reflect.DeepEqual(prep.keys[r.name], newNameKey(norm)) {
				t.Errorf("%s: name %q has the key of %q", order, p.name, prep.keys[r.name].plain)
			}
			if (r.place == 0) != (normalizePlace(p.place) == "") {
				t.Errorf("%s: birthplace %q has id %d", order, p.place, r.place)
			}
			if want := nkks[p.nkk]; r.nkk != want {
				t.Errorf("%s: NKK %q read as %d, want %d", order, p.nkk, r.nkk, want)
			}
		}
	}
}

func TestK3Score(t *testing.T) {
	A, D, M := fieldAgree, fieldDisagree, fieldMissing
	tests := []struct {
		sim     float64
		agree   [numFields]int8
		swapped bool
		want    float64
	}{
		{1, [numFields]int8{A, A, A, A, A, A}, false, 100},
		{1, [numFields]int8{A, A, A, A, A, D}, false, 60},
		{0.92, [numFields]int8{A, A, A, A, M, M}, true, 27.6 + 10 + 10 + 5},
		{0.95, [numFields]int8{A, A, D, A, A, D}, false, 28.5 + 20 - 10 + 5 + 15 - 20},
	}
	for _, tt := range tests {
		if got := k3Score(tt.sim, tt.agree, tt.swapped); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("k3Score(%v, %v, %v) = %v, want %v", tt.sim, tt.agree, tt.swapped, got, tt.want)
		}
	}
}

// Property: whatever the population, a candidate has similar names, the
// same (or day/month-swapped) birth date and at least two agreements
// among birthplace, sex, mother's name and NKK: never name and birth date
// alone. And siblings — same NKK, mother, birthplace and sex, names not
// similar — never pair, born on the same day (twins) or not.
func TestK3Properties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 20))
	firsts := []string{"SITI", "BUDI", "RINA", "AGUS", "MUHAMMAD", "M", "NUR", "NURHAYATI", "HAYATI", "DEWI"}
	lasts := []string{"SANTOSO", "SANTOSA", "GUMAY", "SAPUTRA", "SYAPUTRA", "HAKIM", ""}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	maybe := func(s string) string {
		if rng.IntN(4) == 0 {
			return ""
		}
		return s
	}
	births := []int32{date("1980-01-02"), date("1980-02-01"), date("1980-01-03"), date("1981-01-02")}
	nm := newNameMatcher(0.92)
	for round := range 30 {
		var ps []k3Person
		for range 120 {
			ps = append(ps, k3Person{
				name:   strings.TrimSpace(pick(firsts) + " " + pick(lasts)),
				mother: maybe(pick([]string{"SITI AMINAH", "SITI AMINA", "HALIMAH"})),
				place:  maybe(pick([]string{"BENGKULU", "MANNA"})),
				nkk:    maybe(pick([]string{"1771010101010001", "1771010101010002"})),
				sex:    []byte{'L', 'P', 'L', 'P', 0}[rng.IntN(5)],
				birth:  births[rng.IntN(len(births))],
			})
		}
		prep := prepareK3(ps)
		recs := prep.recs
		nm.keys = prep.keys
		pairs, st, err := findK3(context.Background(), prep, 0.92, 2)
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]int32]bool{}
		for _, p := range pairs {
			got[[2]int32{p.a, p.b}] = true
			agree := 0
			for _, f := range []int{fieldPlace, fieldSex, fieldMother, fieldNKK} {
				if p.agree[f] == fieldAgree {
					agree++
				}
			}
			if agree < 2 {
				t.Fatalf("round %d: candidate %+v with %d agreements beyond name and birth date", round, p, agree)
			}
		}
		// Every pair, compared directly: the same verdict.
		for i := range ps {
			for j := i + 1; j < len(ps); j++ {
				_, ok := matchK3(nm, &recs[i], &recs[j])
				if ok && k3Block(ps[i].birth) != k3Block(ps[j].birth) {
					ok = false // birth dates neither equal nor swapped
				}
				if ok != got[[2]int32{int32(i), int32(j)}] {
					t.Fatalf("round %d: pair %d, %d: direct %v, search %v", round, i, j, ok, !ok)
				}
			}
		}
		if st.Comparisons > int64(len(ps)*(len(ps)-1)/2) || st.Compared != len(ps) {
			t.Fatalf("stats %+v", st)
		}
	}

	// Siblings and twins.
	for range 200 {
		household := k3Person{mother: "SITI AMINAH", place: "CURUP", nkk: "1702011205100003", sex: 'L'}
		var kids []k3Person
		for _, n := range []string{"RIDWAN HAKIM", "RAHMAT HAKIM", "YUSUF HAKIM", "BUDI HAKIM", "ANDI HAKIM"} {
			k := household
			k.name = n
			k.birth = births[rng.IntN(len(births))]
			kids = append(kids, k)
		}
		pairs, _, err := findK3(context.Background(), prepareK3(kids), 0.92, 1)
		if err != nil || len(pairs) > 0 {
			t.Fatalf("siblings paired: %+v %v", pairs, err)
		}
	}
}

// personsJSON are persons as classify emits them (PersonSchema).
const personsJSON = `[
{"nik":"1771015403790001","nkk":"1771010101010001","nama":"SUPRIADI GUMAY","tempat_lahir":"BENGKULU","tanggal_lahir":"1979-03-14","jenis_kelamin":"L","nama_ibu":"SITI AMINAH","region_code":"1771","status":"NEEDS_PRINT","flags":["NIK_NUMERIC_CELL"]},
{"nik":"1771010101800002","nkk":"1771010101010001","nama":"RAHMAT GUMAY","tempat_lahir":"BENGKULU","tanggal_lahir":"1979-03-14","jenis_kelamin":"L","nama_ibu":"SITI AMINAH","region_code":"1771","status":"READY","flags":[]},
{"nik":"1709011403790002","nkk":"1709010202020002","nama":"H. SUPRIADI GUMAY","tempat_lahir":"BENGKULU","tanggal_lahir":"1979-03-14","jenis_kelamin":"L","nama_ibu":"SITI AMINAH","region_code":"1709","status":"DECEASED","flags":[]},
{"nik":"1702010507850003","nkk":"1702010303030003","nama":"M. YUSUF","tempat_lahir":"CURUP","tanggal_lahir":"1985-07-05","jenis_kelamin":"L","nama_ibu":"HALIMAH","region_code":"1702","status":"READY"},
{"nik":"1702010705850004","nkk":"1702010303030003","nama":"MUHAMMAD YUSUF","tempat_lahir":"MANNA","tanggal_lahir":"1985-05-07","jenis_kelamin":"L","region_code":"1702","status":"READY","flags":[]},
{"nik":"1705014208830005","nkk":"1705010404040004","nama":"SITI AMINAH","tempat_lahir":"TAIS","tanggal_lahir":"1983-08-02","jenis_kelamin":"P","nama_ibu":"HALIMAH","region_code":"1705","status":"READY","flags":[]},
{"nik":"1708014208830006","nkk":"1708010505050005","nama":"SITI AMINAH","tempat_lahir":"PADANG","tanggal_lahir":"1983-08-02","jenis_kelamin":"P","nama_ibu":"ROSMIATI","region_code":"1708","status":"READY","flags":[]},
{"nik":"1771010101900007","nama":"BUDI","region_code":"1771","status":"READY","flags":[]}
]`

func TestGandaStage(t *testing.T) {
	for _, sc := range spoolCases {
		t.Run(sc.name, func(t *testing.T) { testGandaStage(t, sc.new(t)) })
	}
}

func testGandaStage(t *testing.T, spool pipeline.NewSpool) {
	mem := checkedMem(t)
	g, err := NewGanda(GandaConfig{NameThreshold: 0.92, Workers: 2, NewSpool: spool})
	if err != nil {
		t.Fatal(err)
	}
	// Two batches: pairs across batches are found too.
	all := recordJSON(t, mem, pipeline.PersonSchema, personsJSON)
	defer all.Release()
	first, second := all.NewSlice(0, 3), all.NewSlice(3, all.NumRows())
	defer first.Release()
	defer second.Release()
	out := emitted{}
	applyTable(t, mem, g, pipeline.TablePersons, first, out)
	applyTable(t, mem, g, pipeline.TablePersons, second, out)
	if len(out) != 0 {
		t.Fatalf("Apply emitted %v", out)
	}
	out = finish(t, mem, g, out)

	// The persons: same order, same batches, flags and k3_with.
	var persons []map[string]any
	for i, rec := range out[pipeline.TablePersons] {
		if want := []int64{3, 5}[i]; rec.NumRows() != want {
			t.Errorf("persons batch %d has %d rows, want %d", i, rec.NumRows(), want)
		}
		persons = append(persons, rowsOf(t, rec)...)
	}
	wantFlags := map[string][]any{
		"1771015403790001": {"NIK_NUMERIC_CELL", "K3_CANDIDATE"},
		"1709011403790002": {"K3_CANDIDATE"},
		"1702010507850003": {"K3_CANDIDATE"},
		"1702010705850004": {"K3_CANDIDATE"},
	}
	wantWith := map[string][]any{
		"1771015403790001": {"1709011403790002"},
		"1709011403790002": {"1771015403790001"},
		"1702010507850003": {"1702010705850004"},
		"1702010705850004": {"1702010507850003"},
	}
	if len(persons) != 8 {
		t.Fatalf("%d persons", len(persons))
	}
	for i, p := range persons {
		nik := p["nik"].(string)
		if want := rowsOf(t, all)[i]["nik"]; nik != want {
			t.Errorf("person %d is %s, want %s", i, nik, want)
		}
		flags, _ := p["flags"].([]any)
		if wf := wantFlags[nik]; !slices.Equal(flags, wf) && (len(flags) > 0 || len(wf) > 0) {
			t.Errorf("%s: flags %v, want %v", nik, p["flags"], wf)
		}
		with, _ := p[pipeline.ColK3With].([]any)
		if ww := wantWith[nik]; !slices.Equal(with, ww) && (len(with) > 0 || len(ww) > 0) {
			t.Errorf("%s: k3_with %v, want %v", nik, with, ww)
		}
	}
	if persons[3]["flags"] == nil {
		t.Error("a candidate with null flags gets no list")
	}

	// The candidates: score first, nik_a < nik_b, agreements spelled out.
	if n := len(out[pipeline.TableCandidates]); n != 1 {
		t.Fatalf("%d candidate batches", n)
	}
	cands := rowsOf(t, out[pipeline.TableCandidates][0])
	want := []map[string]any{
		{"nik_a": "1709011403790002", "nik_b": "1771015403790001", "score": 60.0, "nama": "agree", "tanggal_lahir": "agree",
			"tempat_lahir": "agree", "jenis_kelamin": "agree", "nama_ibu": "agree", "nkk": "disagree",
			"region_a": "1709", "region_b": "1771", "keputusan": nil, "nama_a": "H. SUPRIADI GUMAY", "nama_b": "SUPRIADI GUMAY",
			"tanggal_lahir_a": "1979-03-14", "tanggal_lahir_b": "1979-03-14", "status_a": "DECEASED", "status_b": "NEEDS_PRINT"},
		{"nik_a": "1702010507850003", "nik_b": "1702010705850004", "score": 55.0, "nama": "agree", "tanggal_lahir": "agree",
			"tempat_lahir": "disagree", "jenis_kelamin": "agree", "nama_ibu": "missing", "nkk": "agree",
			"region_a": "1702", "region_b": "1702", "nama_a": "M. YUSUF", "nama_b": "MUHAMMAD YUSUF",
			"tanggal_lahir_a": "1985-07-05", "tanggal_lahir_b": "1985-05-07", "nama_ibu_a": "HALIMAH", "nama_ibu_b": nil},
	}
	if len(cands) != len(want) {
		t.Fatalf("candidates %v", cands)
	}
	for i, w := range want {
		for k, v := range w {
			if cands[i][k] != v {
				t.Errorf("candidate %d: %s = %v, want %v", i, k, cands[i][k], v)
			}
		}
	}

	stats := rowsOf(t, out[pipeline.TableCandidateStats][0])
	wantStats := map[string]any{"persons": 8.0, "persons_compared": 7.0, "blocks": 3.0, "largest_block": 3.0,
		"comparisons": 3.0 + 1 + 1, "candidates": 2.0}
	for k, v := range wantStats {
		if stats[0][k] != v {
			t.Errorf("stats %s = %v, want %v", k, stats[0][k], v)
		}
	}
}

// A run that fails before Finish releases what the stage gathered.
func TestGandaReleaseWithoutFinish(t *testing.T) {
	for _, sc := range spoolCases {
		t.Run(sc.name, func(t *testing.T) {
			mem := checkedMem(t)
			g, err := NewGanda(GandaConfig{NameThreshold: 0.92, NewSpool: sc.new(t)})
			if err != nil {
				t.Fatal(err)
			}
			rec := recordJSON(t, mem, pipeline.PersonSchema, personsJSON)
			applyTable(t, mem, g, pipeline.TablePersons, rec, emitted{})
			applyTable(t, mem, g, pipeline.TablePersons, rec, emitted{})
			rec.Release()
			g.Release()
			g.Release() // twice is harmless
		})
	}
}

// A run cancelled while the stage gives its persons back stops with the
// context's error and holds nothing after Release.
func TestGandaCancelledInFinish(t *testing.T) {
	for _, sc := range spoolCases {
		t.Run(sc.name, func(t *testing.T) {
			mem := checkedMem(t)
			g, err := NewGanda(GandaConfig{NameThreshold: 0.92, NewSpool: sc.new(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Release()
			rec := recordJSON(t, mem, pipeline.PersonSchema, personsJSON)
			applyTable(t, mem, g, pipeline.TablePersons, rec, emitted{})
			applyTable(t, mem, g, pipeline.TablePersons, rec, emitted{})
			rec.Release()
			ctx, cancel := context.WithCancel(context.Background())
			emits := 0
			err = g.Finish(ctx, mem, func(pipeline.Table, arrow.Record) error { emits++; cancel(); return nil })
			if !errors.Is(err, context.Canceled) || emits != 1 {
				t.Errorf("Finish: %v after %d batches, want cancelled after 1", err, emits)
			}
		})
	}
}

// NIKs are kept as numbers when they are 16 digits, as text otherwise,
// and given back and ordered as the texts they were.
func TestNIKTable(t *testing.T) {
	mem := checkedMem(t)
	a := recordJSON(t, mem, arrow.NewSchema([]arrow.Field{{Name: "nik", Type: arrow.BinaryTypes.String, Nullable: true}}, nil),
		`[{"nik":"1771015403790001"},{"nik":"0000000000000007"},{"nik":"177101540379000"},{"nik":null},
		  {"nik":"17710154037900011"},{"nik":"1771O15403790001"},{"nik":"9999999999999999"},{"nik":""}]`)
	defer a.Release()
	var tab nikTable
	tab.add(a.Column(0).(*array.String))
	want := []string{"1771015403790001", "0000000000000007", "177101540379000", "", "17710154037900011", "1771O15403790001", "9999999999999999", ""}
	if tab.len() != len(want) {
		t.Fatalf("%d NIKs", tab.len())
	}
	for i, w := range want {
		if got := tab.at(int32(i)); got != w {
			t.Errorf("NIK %d = %q, want %q", i, got, w)
		}
		for j, w2 := range want {
			if got, cw := tab.compare(int32(i), int32(j)), strings.Compare(w, w2); got != cw {
				t.Errorf("compare(%q, %q) = %d, want %d", w, w2, got, cw)
			}
		}
	}
	if len(tab.texts) != 5 {
		t.Errorf("%d NIKs held as text, want 5", len(tab.texts))
	}
}

func TestGandaRequiresColumns(t *testing.T) {
	mem := checkedMem(t)
	g, err := NewGanda(GandaConfig{NameThreshold: 0.92})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	rec := recordJSON(t, mem, pipeline.SummarySchema, `[]`)
	defer rec.Release()
	err = g.Apply(context.Background(), mem, pipeline.TablePersons, rec, emitted{}.emit(t))
	if err == nil || !strings.Contains(err.Error(), "ganda") {
		t.Errorf("error %v", err)
	}
}

// Cancelling the context stops the search with the context's error.
func TestGandaCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ps := make([]k3Person, 100)
	for i := range ps {
		ps[i] = k3Person{name: "BUDI", birth: date("1980-01-01") + int32(i%3)}
	}
	if _, _, err := findK3(ctx, prepareK3(ps), 0.92, 2); err == nil {
		t.Error("no error from a cancelled search")
	}
}

// Searching a block, by its keys or all its pairs on the copied members,
// finds exactly the pairs of applying matchK3 to every pair: random blocks with few birthplaces, NKKs, names and mothers
// (so that every rule of matchK3 decides some pairs, mothers' names
// similar without being equal among them), sexes known and not.
func TestCompareBlockFindsEveryPair(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 17))
	names := []string{"BUDI SANTOSO", "BUDI SANTOSA", "SANTOSO BUDI", "SITI AMINAH", "SITI AMINA", "MUHAMMAD RIZKI", "M RIZKI",
		"MUHAMAD RIZKY", "AGUS", "AGUS SALIM"}
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	nm := newNameMatcher(0.92)
	birth := int32(arrow.Date32FromTime(day("1990-03-05")))
	swapped := int32(arrow.Date32FromTime(day("1990-05-03")))
	total := 0
	for range 60 {
		n := 1 + r.IntN(160)
		ps := make([]k3Person, n)
		for i := range ps {
			ps[i] = k3Person{
				name: pick(names...), mother: pick("", "SITI", "SITI AMINAH", "AMINAH SITI", "SITI AMINA", "RATNA", "RATNA SARI"),
				place: pick("", "CURUP", "MANNA", "KEPAHIANG"), nkk: pick("", "1771010101900001", "1771010101900002"),
				sex: []byte{0, 'L', 'P', 'L', 'P'}[r.IntN(5)], birth: []int32{birth, swapped, noDate}[r.IntN(3)],
			}
		}
		prep := prepareK3(ps)
		recs := prep.recs
		nm.keys = prep.keys
		block := make([]int32, n)
		for i := range block {
			block[i] = int32(i)
		}
		var want []k3Pair
		for i := range recs {
			for j := i + 1; j < len(recs); j++ {
				if recs[i].birth == noDate || recs[j].birth == noDate {
					continue
				}
				if p, ok := matchK3(nm, &recs[i], &recs[j]); ok {
					p.a, p.b = int32(i), int32(j)
					want = append(want, p)
				}
			}
		}
		members := appendMembers(nil, prep.keys, recs, block)
		all := compareBlockAll(nm, recs, members, nil)
		byKeys := compareBlockByKeys(nm, recs, &blockScratch{members: members}, nil)
		byPair := func(x, y k3Pair) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) }
		slices.SortFunc(all, byPair)
		slices.SortFunc(byKeys, byPair)
		if !reflect.DeepEqual(all, want) {
			t.Fatalf("block of %d: %d pairs comparing all, %d by matchK3", n, len(all), len(want))
		}
		if !reflect.DeepEqual(byKeys, want) {
			t.Fatalf("block of %d: %d pairs by keys, %d by matchK3", n, len(byKeys), len(want))
		}
		total += len(want)
	}
	if total < 1000 {
		t.Fatalf("only %d pairs in all: the blocks decide too little", total)
	}
}

// civil, which k3Block keys every person by, agrees with package time on
// every day of some 5,500 years around 1970 and at the ends of a Date32.
func TestCivilDate(t *testing.T) {
	check := func(days int64) {
		y, m, d := civil(arrow.Date32(days))
		ty, tm, td := time.Unix(days*86400, 0).UTC().Date()
		if y != ty || m != int(tm) || d != td {
			t.Fatalf("civil(%d) = %d-%d-%d, want %d-%d-%d", days, y, m, d, ty, tm, td)
		}
	}
	for days := int64(-1_000_000); days <= 1_000_000; days++ {
		check(days)
	}
	for _, days := range []int64{math.MinInt32, math.MinInt32 + 1, math.MaxInt32 - 1, math.MaxInt32} {
		check(days)
	}
}

// sortBlockKeyed orders persons as sorting by (key, index) does, whether
// the keys span few values (counting) or many (comparison).
func TestSortBlockKeyed(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, c := range []struct{ n, span int64 }{{0, 1}, {1, 1}, {50, 3}, {5000, 40000}, {5000, 1 << 40}, {3, 1 << 62}} {
		order := make([]blockKeyed, c.n)
		for i := range order {
			order[i] = blockKeyed{key: rng.Int64N(c.span) - c.span/2, i: int32(i)}
		}
		want := slices.Clone(order)
		slices.SortFunc(want, func(x, y blockKeyed) int { return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.i, y.i)) })
		sortBlockKeyed(order)
		if !slices.Equal(order, want) {
			t.Errorf("%d persons, keys spanning %d: not in (key, index) order", c.n, c.span)
		}
	}
}
