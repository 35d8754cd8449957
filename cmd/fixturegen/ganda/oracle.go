package ganda

import (
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// The oracle: SPEC §5's K3 rule read independently of the pipeline (no
// pipeline or transforms code is used), so that the generator can say
// which pairs the rule must find.
//
//   - Names are normalised as SPEC §5 says (upper case, titles dropped as
//     whole words with their dots removed, punctuation to spaces), then
//     each part is read through the abbreviation table (MUH, MOH, M,
//     MUHAMAD… → MUHAMMAD). Two names are similar when Jaro-Winkler (prefix
//     scale 0.1, at most four runes of prefix), computed exactly, meets the
//     threshold for the names so read, or so read with their parts
//     sorted, or with their parts (as normalised, not read through the
//     table) joined.
//   - Birth dates agree when equal, or when day and month are swapped.
//   - Birthplace agrees when equal after upper case, punctuation to
//     spaces, spaces collapsed; sex when equal; NKK when
//     equal and 16 digits; the mother's name when similar as above. A
//     value missing on either side neither agrees nor disagrees.
//   - A pair is a candidate when names are similar, birth dates agree and
//     at least two of birthplace, sex, mother's name and NKK agree.

// Record is what the oracle compares of one person, as written.
type Record struct {
	Name, Mother, BirthPlace, NKK string
	Sex                           byte      // 'L', 'P'; 0 missing
	Birth                         time.Time // zero: missing
}

// Rule is the K3 rule at one name threshold.
type Rule struct {
	num, den int64 // the threshold, exactly
}

// NewRule returns the rule at threshold, read as the shortest decimal
// that prints it (0.92 is 23/25).
func NewRule(threshold float64) Rule {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(threshold, 'g', -1, 64))
	if !ok || !r.Num().IsInt64() || !r.Denom().IsInt64() || r.Denom().Int64() > 1<<30 {
		panic(fmt.Sprintf("ganda oracle: threshold %v not supported", threshold))
	}
	return Rule{num: r.Num().Int64(), den: r.Denom().Int64()}
}

// titleWords are SPEC §5's titles, inner dots removed.
var titleWords = map[string]bool{
	"H": true, "HJ": true, "HAJI": true, "HAJAH": true, "DRS": true, "DRA": true,
	"DR": true, "IR": true, "PROF": true, "SH": true, "MH": true, "SE": true,
	"ST": true, "SPD": true, "SKM": true, "SAG": true, "SSOS": true, "SKOM": true,
	"MPD": true, "MSI": true, "AMD": true,
}

// abbreviations are the spellings and abbreviations read as MUHAMMAD and
// ABDUL.
var abbreviations = map[string]string{
	"MUHAMAD": "MUHAMMAD", "MUHAMMED": "MUHAMMAD", "MOHAMMAD": "MUHAMMAD", "MOHAMAD": "MUHAMMAD",
	"MOCHAMAD": "MUHAMMAD", "MOCHAMMAD": "MUHAMMAD", "MUH": "MUHAMMAD", "MOH": "MUHAMMAD",
	"MHD": "MUHAMMAD", "M": "MUHAMMAD", "ABD": "ABDUL",
}

// NormName normalises a name as SPEC §5 says. Titles are dropped again
// until none is left (H.ABDUL loses its H once the dot is a space).
func NormName(s string) string {
	for {
		next := normOnce(s)
		if next == s {
			return s
		}
		s = next
	}
}

func normOnce(s string) string {
	s = strings.ToUpper(s)
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
		if !titleWords[strings.ReplaceAll(w, ".", "")] {
			words = append(words, w)
		}
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			return r
		}
		return ' '
	}, strings.Join(words, " "))
	return strings.Join(strings.Fields(s), " ")
}

// nameForms are the three forms of a normalised name that are compared.
func nameForms(norm string) [3]string {
	parts := strings.Fields(norm)
	joined := strings.Join(parts, "")
	for i, p := range parts {
		if c, ok := abbreviations[p]; ok {
			parts[i] = c
		}
	}
	sorted := slices.Clone(parts)
	sort.Strings(sorted)
	return [3]string{strings.Join(parts, " "), strings.Join(sorted, " "), joined}
}

// SimilarNames reports whether two names (as written) are similar.
func (r Rule) SimilarNames(a, b string) bool {
	return r.similarForms(formsOf(NormName(a)), formsOf(NormName(b)))
}

// forms are a normalised name's three forms, as runes; nil for no name.
type forms *[3][]rune

func formsOf(norm string) forms {
	if norm == "" {
		return nil
	}
	f := nameForms(norm)
	return &[3][]rune{[]rune(f[0]), []rune(f[1]), []rune(f[2])}
}

func (r Rule) similarForms(a, b forms) bool {
	if a == nil || b == nil {
		return false
	}
	for i := range a {
		if r.meets(a[i], b[i]) {
			return true
		}
	}
	return false
}

// meets reports whether Jaro-Winkler(a, b) ≥ the threshold, exactly:
// with m matches, t half-transposed runes, p the prefix,
// jw = ((10−p)·J + p·D) / (10·D) where J/D is the Jaro similarity
// (2m²·lb + 2m²·la + (2m − t)·la·lb) / (6m·la·lb).
func (r Rule) meets(ra, rb []rune) bool {
	if slices.Equal(ra, rb) {
		return true
	}
	m, t := matches(ra, rb)
	if m == 0 {
		return false
	}
	p := 0
	for p < 4 && p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	la, lb, mm, tt, pp := int64(len(ra)), int64(len(rb)), int64(m), int64(t), int64(p)
	jNum := 2*mm*mm*lb + 2*mm*mm*la + (2*mm-tt)*la*lb
	jDen := 6 * mm * la * lb
	num, den := (10-pp)*jNum+pp*jDen, 10*jDen
	return num*r.den >= r.num*den
}

// matches returns the Jaro matches of a and b and the matched runes out of
// order: each rune of a takes the first unused equal rune of b within
// the window; t counts the places where a's matched runes, in a's order,
// differ from b's matched runes, in b's order.
func matches(a, b []rune) (m, t int) {
	window := max(max(len(a), len(b))/2-1, 0)
	var usedBuf [128]bool
	var matchedBuf [128]rune
	matched := matchedBuf[:0]
	var used []bool
	if len(b) <= len(usedBuf) {
		used = usedBuf[:len(b)]
	} else {
		used = make([]bool, len(b))
	}
	for i, c := range a {
		for j := max(0, i-window); j < min(len(b), i+window+1); j++ {
			if !used[j] && b[j] == c {
				used[j] = true
				matched = append(matched, c)
				break
			}
		}
	}
	k := 0
	for j, u := range used {
		if u {
			if matched[k] != b[j] {
				t++
			}
			k++
		}
	}
	return len(matched), t
}

// normPlace is the form birthplaces are compared in.
func normPlace(s string) string {
	f := strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, strings.ToUpper(s)))
	return strings.Join(f, " ")
}

func validNKK(s string) bool {
	if len(s) != 16 || strings.Trim(s, "0") == "" {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

// birthAgrees reports whether two birth dates are equal or have day and
// month swapped.
func birthAgrees(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	if a.Equal(b) {
		return true
	}
	return a.Year() == b.Year() && a.Day() == int(b.Month()) && int(a.Month()) == b.Day()
}

// Match reports whether two records are a K3 candidate pair.
func (r Rule) Match(a, b Record) bool {
	places := map[string]int{}
	return r.match(prep(a, places), prep(b, places))
}

type prepared struct {
	name, mother forms
	place        int // by text; 0 missing
	nkk          string
	sex          byte
	birth        time.Time
}

func prep(x Record, places map[string]int) prepared {
	p := prepared{name: formsOf(NormName(x.Name)), mother: formsOf(NormName(x.Mother)), sex: x.Sex, birth: x.Birth}
	if pl := normPlace(x.BirthPlace); pl != "" {
		if places[pl] == 0 {
			places[pl] = len(places) + 1
		}
		p.place = places[pl]
	}
	if validNKK(x.NKK) {
		p.nkk = x.NKK
	}
	if p.sex != 'L' && p.sex != 'P' {
		p.sex = 0
	}
	return p
}

func (r Rule) match(a, b prepared) bool {
	if !birthAgrees(a.birth, b.birth) {
		return false
	}
	agree := 0
	if a.place != 0 && a.place == b.place {
		agree++
	}
	if a.sex != 0 && a.sex == b.sex {
		agree++
	}
	if a.nkk != "" && a.nkk == b.nkk {
		agree++
	}
	motherOpen := a.mother != nil && b.mother != nil
	if agree+boolInt(motherOpen) < 2 || !r.similarForms(a.name, b.name) {
		return false
	}
	if agree < 2 && motherOpen && r.similarForms(a.mother, b.mother) {
		agree++
	}
	return agree >= 2
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Pairs returns every pair (i < j) of recs the rule makes a candidate, in
// increasing order. Only records born on the same day, or with day and
// month swapped, can pair, so it looks only there, on every CPU.
func (r Rule) Pairs(recs []Record) [][2]int {
	ps := make([]prepared, len(recs))
	places := map[string]int{}
	byDate := map[time.Time][]int{}
	for i, x := range recs {
		ps[i] = prep(x, places)
		if !x.Birth.IsZero() {
			byDate[x.Birth] = append(byDate[x.Birth], i)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	found := make([][][2]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ps); i += workers {
				a := ps[i]
				if a.birth.IsZero() {
					continue
				}
				others := byDate[a.birth]
				if d, m := a.birth.Day(), int(a.birth.Month()); d <= 12 && d != m {
					others = append(slices.Clone(others), byDate[time.Date(a.birth.Year(), time.Month(d), m, 0, 0, 0, 0, time.UTC)]...)
				}
				for _, j := range others {
					if j > i && r.match(a, ps[j]) {
						found[w] = append(found[w], [2]int{i, j})
					}
				}
			}
		}()
	}
	wg.Wait()
	var out [][2]int
	for _, f := range found {
		out = append(out, f...)
	}
	slices.SortFunc(out, func(x, y [2]int) int {
		if x[0] != y[0] {
			return x[0] - y[0]
		}
		return x[1] - y[1]
	})
	return out
}
