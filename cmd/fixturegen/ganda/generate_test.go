package ganda

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(Options{Persons: 10_000, Seed: 3}), Generate(Options{Persons: 10_000, Seed: 3})
	var ta, tb, ia, ib bytes.Buffer
	for _, w := range []struct {
		p    *Population
		t, i *bytes.Buffer
	}{{a, &ta, &ia}, {b, &tb, &ib}} {
		if err := w.p.WriteTruth(w.t); err != nil {
			t.Fatal(err)
		}
		if err := w.p.WriteInput(w.i); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(ta.Bytes(), tb.Bytes()) || !bytes.Equal(ia.Bytes(), ib.Bytes()) {
		t.Error("two runs with one seed differ")
	}
	c := Generate(Options{Persons: 10_000, Seed: 4})
	if c.Persons[500].NIK == a.Persons[500].NIK && c.Persons[900].Name == a.Persons[900].Name {
		t.Error("another seed gives the same persons")
	}
}

// TestGenerateTruth: the population holds what the package documents,
// NIKs are unique, and the planted pairs are what their kind says.
func TestGenerateTruth(t *testing.T) {
	p := Generate(Options{Persons: 20_000, Seed: 1})
	if len(p.Persons) != 20_000 {
		t.Fatalf("%d persons", len(p.Persons))
	}
	niks := map[string]bool{}
	for _, x := range p.Persons {
		if len(x.NIK) != 16 || niks[x.NIK] {
			t.Fatalf("NIK %q repeated or malformed", x.NIK)
		}
		niks[x.NIK] = true
	}
	rule := NewRule(0.92)
	count := map[string]int{}
	expected := map[string]int{}
	for _, x := range p.Pairs {
		count[x.Kind]++
		if x.Expected {
			expected[x.Kind]++
		}
		a, b := p.Persons[x.A], p.Persons[x.B]
		if got := rule.Match(a.Record(), b.Record()); got != x.Expected {
			t.Errorf("%s pair %s/%s: rule %v, truth %v", x.Kind, a.NIK, b.NIK, got, x.Expected)
		}
		switch x.Kind {
		case KindTwins:
			if !a.Birth.Equal(b.Birth) || a.NKK != b.NKK || a.Mother != b.Mother || a.BirthPlace != b.BirthPlace || rule.SimilarNames(a.Name, b.Name) {
				t.Errorf("twins %+v %+v", a, b)
			}
		case KindSiblings:
			if a.Birth.Equal(b.Birth) || a.NKK != b.NKK || a.Mother != b.Mother || rule.SimilarNames(a.Name, b.Name) {
				t.Errorf("siblings %+v %+v", a, b)
			}
		case KindCommonName:
			if a.Name != b.Name || !a.Birth.Equal(b.Birth) || a.BirthPlace == b.BirthPlace || rule.SimilarNames(a.Mother, b.Mother) {
				t.Errorf("common names %+v %+v", a, b)
			}
		case KindNamesake:
			if a.Name != b.Name || birthAgrees(a.Birth, b.Birth) || a.Region == b.Region {
				t.Errorf("namesakes %+v %+v", a, b)
			}
		case KindDuplicate:
			if !x.Duplicate || a.NIK == b.NIK || a.Sex != b.Sex || x.Change == "" {
				t.Errorf("duplicate %+v %+v", a, b)
			}
		}
	}
	for kind, n := range map[string]int{KindDuplicate: 400, KindTwins: 100, KindCommonName: 120, KindNamesake: 40, KindSiblings: 120} {
		if count[kind] != n {
			t.Errorf("%d %s pairs, want %d", count[kind], kind, n)
		}
	}
	for _, kind := range []string{KindTwins, KindCommonName, KindNamesake, KindSiblings} {
		if expected[kind] != 0 {
			t.Errorf("%d %s pairs meet the rule", expected[kind], kind)
		}
	}
	if d := expected[KindDuplicate]; d < 360 || d == count[KindDuplicate] {
		t.Errorf("%d of %d duplicates meet the rule: want most, not all", d, count[KindDuplicate])
	}
	for _, change := range []string{"name-typo", "name-swapped", "name-split-joined", "name-abbreviated", "name-title",
		"birth-day-month-swapped", "birth-year-wrong", "other-regency", "nik-typo", "new-nkk", "no-mother", "no-birthplace"} {
		found := false
		for _, x := range p.Pairs {
			found = found || strings.Contains(x.Change, change)
		}
		if !found {
			t.Errorf("no duplicate with change %s", change)
		}
	}

	var buf bytes.Buffer
	if err := p.WriteTruth(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != len(p.Pairs)+1 || strings.Join(recs[0], ",") != strings.Join(TruthHeader, ",") {
		t.Fatalf("truth.csv: %d records, %v", len(recs), err)
	}
	for _, r := range recs[1:] {
		if r[0] >= r[1] {
			t.Fatalf("truth pair %v not ordered", r)
		}
	}
}

func TestOracle(t *testing.T) {
	rule := NewRule(0.92)
	d := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC) }
	base := Record{Name: "H. MUHAMMAD YUSUF, S.PD", Mother: "SITI AMINAH", BirthPlace: "Curup", NKK: "1702010101010001", Sex: 'L', Birth: d(1985, 7, 5)}
	tests := []struct {
		name string
		b    Record
		want bool
	}{
		{"abbreviated, swapped date", Record{Name: "M. YUSUF", Mother: "SITI AMINAH", BirthPlace: "CURUP", Sex: 'L', Birth: d(1985, 5, 7)}, true},
		{"name and birth date only", Record{Name: "MUHAMMAD YUSUF", Birth: d(1985, 7, 5)}, false},
		{"one more agreement", Record{Name: "MUHAMMAD YUSUF", Sex: 'L', Birth: d(1985, 7, 5)}, false},
		{"two more", Record{Name: "YUSUF MUHAMMAD", Sex: 'L', NKK: "1702010101010001", Birth: d(1985, 7, 5)}, true},
		{"another year", Record{Name: "MUHAMMAD YUSUF", Mother: "SITI AMINAH", BirthPlace: "CURUP", Sex: 'L', Birth: d(1986, 7, 5)}, false},
		{"a sibling", Record{Name: "RAHMAT YUSUF", Mother: "SITI AMINAH", BirthPlace: "CURUP", NKK: "1702010101010001", Sex: 'L', Birth: d(1985, 7, 5)}, false},
	}
	for _, tt := range tests {
		if got := rule.Match(base, tt.b); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if !rule.SimilarNames("BAYU UTOMO", "BAYU UTAMA") || rule.SimilarNames("BAYU UTOMO", "BAYU UTARI") {
		t.Error("the threshold is not exact")
	}
}
