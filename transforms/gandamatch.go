package transforms

import (
	"bufio"
	"cmp"
	"context"
	_ "embed"
	"encoding/binary"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
)

// The K3 matcher (SPEC §5): which pairs of persons are probable
// duplicates, and why. It works on k3Person values and knows nothing of
// Arrow; the ganda stage feeds it and builds the tables.
//
// Every pair it reports meets the SPEC rule exactly:
//
//   - similar names: the normalised names (normalizeName) meet the name
//     threshold in one of three forms (nameKey): as written, with their
//     parts sorted (SITI AMINAH / AMINAH SITI), parts being first read
//     through name_variants.txt (MUH, MOH, M, MUHAMAD → MUHAMMAD), or with
//     the parts as normalised joined (NURHAYATI / NUR HAYATI, MUHAMMAD /
//     MUH AMMAD);
//   - the same birth date, or day and month swapped;
//   - at least two agreements among birthplace, sex, mother's name and
//     NKK, a value missing on either side agreeing with nothing.
//
// Blocking: a pair can only meet the birth-date rule when both persons'
// dates have the same year and the same {day, month} set, so persons are
// grouped by that key (k3Block) and only pairs inside a group are
// compared. That is lossless, and with dates spread over decades the
// pairs grow about linearly with the persons (n²/2 over some 20,000 keys).

//go:embed name_variants.txt
var nameVariantsText string

// nameVariants maps a name part to its canonical spelling.
var nameVariants = parseNameVariants(nameVariantsText)

// parseNameVariants reads "CANONICAL: VARIANT VARIANT …" lines.
func parseNameVariants(text string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		canon, variants, ok := strings.Cut(line, ":")
		if line == "" || strings.HasPrefix(line, "#") || !ok {
			continue
		}
		canon = strings.ToUpper(strings.TrimSpace(canon))
		for _, v := range strings.Fields(strings.ToUpper(variants)) {
			m[strings.ReplaceAll(v, ".", "")] = canon
		}
	}
	return m
}

// Agreement of one field of a pair.
const (
	fieldMissing int8 = iota // missing on either side
	fieldAgree
	fieldDisagree
)

// The fields of a pair's explanation, in candidates.csv order.
const (
	fieldName = iota
	fieldBirth
	fieldPlace
	fieldSex
	fieldMother
	fieldNKK
	numFields
)

// k3Person is what the matcher knows of a person. Text fields are as
// the persons table gives them (prepare reads them into their matching
// form); empty means missing.
type k3Person struct {
	name   string // compared as normalizeName
	mother string // the mother's name, compared as normalizeName
	place  string // the birthplace, compared as normalizePlace
	nkk    string // compared as nkkNumber
	sex    byte   // 'L', 'P' or 0
	birth  int32  // days since 1970-01-01; noDate: never a candidate
}

// k3Pair is one candidate: a and b index the persons (a < b), score is
// the review score (k3Score), agree each field's agreement, swapped
// whether the birth dates agree only with day and month swapped.
type k3Pair struct {
	a, b    int32
	score   float64
	agree   [numFields]int8
	swapped bool
}

// k3Stats are the figures the manifest reports.
type k3Stats struct {
	Persons      int   // persons given
	Compared     int   // persons with a birth date, the only ones that can pair
	Blocks       int   // distinct block keys among them
	LargestBlock int   // persons in the largest block
	Comparisons  int64 // pairs within the blocks, Σ k(k−1)/2, visited or not (compareBlockByKeys looks at few of them)
	Candidates   int   // pairs meeting the rule
}

// nameKey is a name prepared for comparison: its three forms and letter
// histograms that bound the similarity of any two forms cheaply.
type nameKey struct {
	plain  string    // parts read through nameVariants, space-separated
	sorted string    // those parts sorted
	joined string    // the parts as normalised (not read through nameVariants), without spaces
	canon  formStats // of plain (and sorted: the same runes)
	raw    formStats // of joined
	bound  nameBound // of every form, for the block search
}

// formStats counts the runes of a form: all, spaces, and a histogram of
// the others, one byte a bucket (A–Z, then one for every other rune),
// packed eight to a word so that two histograms meet in a few word
// operations (commonRunes).
type formStats struct {
	runes, spaces int // at most maxCompareRunes runes counted
	hist          [4]uint64
}

// maxHistRunes bounds the runes a histogram counts exactly: a bucket
// holds at most 127 (commonRunes needs the top bit of every byte free)
// and the byte sums of commonRunes stay below 256.
const maxHistRunes = 127

func newFormStats(s string) formStats {
	var f formStats
	var hist [32]uint8
	for _, r := range s {
		if f.runes == maxCompareRunes {
			break
		}
		f.runes++
		switch {
		case r == ' ':
			f.spaces++
		case r >= 'A' && r <= 'Z':
			hist[r-'A']++
		default:
			hist[26]++
		}
	}
	if f.runes <= maxHistRunes {
		for i := range f.hist {
			f.hist[i] = binary.LittleEndian.Uint64(hist[8*i:])
		}
	}
	return f
}

// commonRunes is the size of the intersection of two histograms: the sum
// over the buckets of the smaller count. Bytes are below 128, so a | 0x80
// minus b never borrows across bytes, and its top bit says a ≥ b.
func commonRunes(a, b *[4]uint64) int {
	sum := 0
	for i := range a {
		sum += commonBytes(a[i], b[i])
	}
	return sum
}

// commonBytes is the sum over the bytes of x and y of the smaller one,
// the bytes below 128 and the sum below 256.
func commonBytes(x, y uint64) int { return byteSum(minBytes(x, y)) }

// minBytes is, byte by byte, the smaller of x and y, whose bytes are
// below 128.
func minBytes(x, y uint64) uint64 {
	const high = 0x8080808080808080
	geq := (((x | high) - y) & high) >> 7 * 0xFF // 0xFF in the bytes where x ≥ y
	return y&geq | x&^geq
}

// byteSum is the sum of the bytes of m, which must be below 256.
func byteSum(m uint64) int { return int((m * 0x0101010101010101) >> 56) }

func newNameKey(norm string) *nameKey {
	parts := strings.Fields(norm)
	k := &nameKey{joined: strings.Join(parts, "")}
	for i, p := range parts {
		if c, ok := nameVariants[p]; ok {
			parts[i] = c
		}
	}
	k.plain = strings.Join(parts, " ")
	slices.Sort(parts)
	k.sorted = strings.Join(parts, " ")
	if k.sorted == k.plain {
		k.sorted = k.plain // share the text
	}
	if k.joined == k.plain {
		k.joined = k.plain
	}
	k.canon, k.raw = newFormStats(k.plain), newFormStats(k.joined)
	k.bound = newNameBound(k)
	return k
}

// nameMatcher decides name similarity for the matcher.
type nameMatcher struct {
	thr      simThreshold
	thrFloat float64
	// need is mayMeet's table, for the least Jaro similarity that can
	// meet thr with the largest prefix bonus, less a margin for rounding.
	need *[maxHistRunes + 1][maxHistRunes + 1]uint8
	keys []*nameKey // the keys k3Rec's names index (k3Prepared.keys)
}

func newNameMatcher(threshold float64) *nameMatcher {
	bonus := jwMaxPrefix * jwPrefixScale
	return &nameMatcher{thr: newSimThreshold(threshold), thrFloat: threshold, need: newNeedTable((threshold-bonus)/(1-bonus) - 1e-9)}
}

// upperBound bounds the Jaro-Winkler similarity of every form pair of a
// and b from above: Jaro matches cannot exceed the runes two forms have in
// common (the histograms, and the spaces), transpositions only lower it,
// and the prefix bonus is at most that of the longest common prefix over
// the forms. The caller checks that both names are short enough for
// their histograms to be exact (maxHistRunes).
func upperBound(a, b *nameKey) float64 {
	jaroUB := func(common, la, lb int) float64 {
		if la == 0 || lb == 0 {
			return 0
		}
		return (float64(common)/float64(la) + float64(common)/float64(lb) + 1) / 3
	}
	common := commonRunes(&a.canon.hist, &b.canon.hist)
	j := jaroUB(common+min(a.canon.spaces, b.canon.spaces), a.canon.runes, b.canon.runes)
	if a.raw.hist == a.canon.hist && b.raw.hist == b.canon.hist {
		j = max(j, jaroUB(common, a.raw.runes, b.raw.runes))
	} else {
		j = max(j, jaroUB(commonRunes(&a.raw.hist, &b.raw.hist), a.raw.runes, b.raw.runes))
	}
	p := prefixRunes(a.plain, b.plain)
	if p < jwMaxPrefix {
		p = max(p, prefixRunes(a.joined, b.joined), prefixRunes(a.sorted, b.sorted))
	}
	return j + float64(p)*jwPrefixScale*(1-j)
}

// prefixRunes is the common prefix of a and b in runes, at most
// jwMaxPrefix.
func prefixRunes(a, b string) int {
	p := 0
	for i := 0; p < jwMaxPrefix && i < len(a) && i < len(b); p++ {
		if a[i] < utf8.RuneSelf && b[i] < utf8.RuneSelf {
			if a[i] != b[i] {
				break
			}
			i++
			continue
		}
		ra, na := utf8.DecodeRuneInString(a[i:])
		rb, nb := utf8.DecodeRuneInString(b[i:])
		if ra != rb || na != nb {
			break
		}
		i += na
	}
	return p
}

// meets reports whether the forms x and y meet the threshold.
func (nm *nameMatcher) meets(x, y string) bool {
	if x == y {
		return true
	}
	var bx, by [64]rune
	return nm.thr.meets(jaroWinklerRunes(appendRunes(bx[:0], x), appendRunes(by[:0], y)))
}

// appendRunes appends the first maxCompareRunes runes of s to buf.
func appendRunes(buf []rune, s string) []rune {
	for _, r := range s {
		if len(buf) == maxCompareRunes {
			break
		}
		buf = append(buf, r)
	}
	return buf
}

// similar reports whether two names are similar: one of their forms meets
// the threshold.
func (nm *nameMatcher) similar(a, b *nameKey) bool {
	if a == b || a.plain == b.plain {
		return true
	}
	if max(a.canon.runes, b.canon.runes, a.raw.runes, b.raw.runes) <= maxHistRunes && upperBound(a, b) < nm.thrFloat-1e-9 {
		return false
	}
	if nm.meets(a.plain, b.plain) {
		return true
	}
	// A form equal to plain on both sides was just compared.
	if (a.joined != a.plain || b.joined != b.plain) && nm.meets(a.joined, b.joined) {
		return true
	}
	return (a.sorted != a.plain || b.sorted != b.plain) && nm.meets(a.sorted, b.sorted)
}

// similarity is the best Jaro-Winkler similarity over the forms, the
// figure shown to the reviewer.
func similarity(a, b *nameKey) float64 {
	if a == b || a.plain == b.plain {
		return 1
	}
	best := 0.0
	for _, f := range [...][2]string{{a.plain, b.plain}, {a.joined, b.joined}, {a.sorted, b.sorted}} {
		var bx, by [64]rune
		num, den := jaroWinklerRunes(appendRunes(bx[:0], f[0]), appendRunes(by[:0], f[1]))
		best = max(best, float64(num)/float64(den))
	}
	return best
}

// Score weights (k3Score): points for an agreeing field, the same taken
// away for a disagreeing one, nothing for a missing one. They sum to 100.
const (
	weightName        = 30 // times the name similarity
	weightBirth       = 20 // same date; half when day and month are swapped
	weightNKK         = 20
	weightMother      = 15
	weightBirthPlace  = 10
	weightSex         = 5
	scoreDecimalScale = 10 // scores are rounded to one decimal
)

// k3Score is the review score of a candidate, 0–100: name similarity ×
// 30, birth date 20 (10 when swapped), then ± 20 for NKK, ± 15 for the
// mother's name, ± 10 for birthplace, ± 5 for sex. The weights follow how
// much an agreement says about two records being one person, most for
// the NKK (only a household shares it), least for sex (half of everyone
// shares it). The score orders the review; it decides nothing: every pair
// meeting the SPEC rule is listed.
func k3Score(nameSim float64, agree [numFields]int8, swapped bool) float64 {
	s := weightName * nameSim
	if swapped {
		s += weightBirth / 2
	} else {
		s += weightBirth
	}
	for _, fw := range [...]struct {
		field  int
		weight float64
	}{{fieldNKK, weightNKK}, {fieldMother, weightMother}, {fieldPlace, weightBirthPlace}, {fieldSex, weightSex}} {
		switch agree[fw.field] {
		case fieldAgree:
			s += fw.weight
		case fieldDisagree:
			s -= fw.weight
		}
	}
	return math.Round(s*scoreDecimalScale) / scoreDecimalScale
}

// k3Rec is a person prepared for the matcher: interned keys and values.
// It holds no pointer, so that the garbage collector never scans the
// persons and gathering them is a plain copy.
type k3Rec struct {
	nkk    uint64 // nkkNumber; 0 when missing
	name   int32  // index into k3Prepared.keys; 0 when missing
	mother int32  // the same for the mother's name
	place  int32  // interned; 0 when missing
	birth  int32
	sex    byte
}

// k3Prepared are persons as the search reads them: recs by person, and
// the name keys their names and mothers' names index.
type k3Prepared struct {
	recs []k3Rec
	keys []*nameKey // keys[0] is nil: no name
}

// k3Block is the block key of a birth date (days since 1970-01-01): the
// year, then the day and month in increasing order, so that a date and
// its day/month swap share it and no other date does.
func k3Block(days int32) int64 {
	y, m, d := civil(arrow.Date32(days))
	return int64(y)*10000 + int64(min(d, m)*100+max(d, m))
}

// findK3 returns the candidate pairs among the prepared persons
// (prepareK3), ordered by a then b, and the figures of the search. It
// uses up to workers goroutines (0: GOMAXPROCS) and stops early with
// ctx's error.
func findK3(ctx context.Context, persons k3Prepared, threshold float64, workers int) ([]k3Pair, k3Stats, error) {
	recs := persons.recs
	members, blocks, st := blockK3(recs)
	workers = workersOr(workers)
	nm := newNameMatcher(threshold)
	nm.keys = persons.keys
	var next atomic.Int64
	results := make([][]k3Pair, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc blockScratch
			const chunk = 64
			for {
				first := int(next.Add(chunk)) - chunk
				if first >= len(blocks) {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				for _, bl := range blocks[first:min(first+chunk, len(blocks))] {
					results[w] = compareBlock(nm, recs, members[bl[0]:bl[1]], &sc, results[w])
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, st, err
		}
	}
	var pairs []k3Pair
	for _, r := range results {
		pairs = append(pairs, r...)
	}
	slices.SortFunc(pairs, func(x, y k3Pair) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	st.Candidates = len(pairs)
	return pairs, st, nil
}

// blockK3 groups the persons that can pair by block key (k3Block):
// members lists their indexes by key, then index; each block is a
// [start, end) range of members of two persons or more. The stats count
// every block, single persons included.
func blockK3(recs []k3Rec) (members []int32, blocks [][2]int32, st k3Stats) {
	st.Persons = len(recs)
	order := make([]blockKeyed, 0, len(recs))
	for i, r := range recs {
		if r.birth != noDate {
			order = append(order, blockKeyed{k3Block(r.birth), int32(i)})
		}
	}
	sortBlockKeyed(order)
	st.Compared = len(order)
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && order[hi].key == order[lo].key {
			hi++
		}
		st.Blocks++
		n := hi - lo
		st.LargestBlock = max(st.LargestBlock, n)
		st.Comparisons += int64(n) * int64(n-1) / 2
		if n > 1 {
			blocks = append(blocks, [2]int32{int32(lo), int32(hi)})
		}
		lo = hi
	}
	members = make([]int32, len(order))
	for i, k := range order {
		members[i] = k.i
	}
	return members, blocks, st
}

// blockKeyed is a person (its index) with its block key.
type blockKeyed struct {
	key int64
	i   int32
}

// sortBlockKeyed sorts persons by block key, then index. The indices come
// in increasing order, so a stable counting sort on the key does it when
// the keys span few values next to the persons (birth dates over a
// century or two span about a million); otherwise a comparison sort.
func sortBlockKeyed(order []blockKeyed) {
	if len(order) == 0 {
		return
	}
	lo, hi := order[0].key, order[0].key
	for _, k := range order {
		lo, hi = min(lo, k.key), max(hi, k.key)
	}
	span := uint64(hi - lo)
	if span > uint64(4*len(order)+4096) {
		slices.SortFunc(order, func(x, y blockKeyed) int { return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.i, y.i)) })
		return
	}
	start := make([]int32, span+2)
	for _, k := range order {
		start[k.key-lo+1]++
	}
	for j := 1; j < len(start); j++ {
		start[j] += start[j-1]
	}
	sorted := make([]blockKeyed, len(order))
	for _, k := range order {
		at := &start[k.key-lo]
		sorted[*at] = k
		*at++
	}
	copy(order, sorted)
}

// workersOr is n, or GOMAXPROCS when n is not positive.
func workersOr(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// prepareK3 interns the persons' names, mothers' names and birthplaces:
// a name shared by many persons is prepared once, and two persons with
// the same text share one key. A person without a name or birth date
// cannot pair (birth is noDate).
func prepareK3(persons []k3Person) k3Prepared {
	recs := make([]k3Rec, len(persons))
	kp := newK3Preparer()
	kp.prepare(persons, recs)
	return k3Prepared{recs: recs, keys: kp.keys}
}

// k3Preparer interns across calls of prepare, so that persons can be
// prepared a batch at a time, in order (place ids follow first use).
//
// Its maps are keyed by the texts as given and by their matching forms
// alike: names[s] is the index into keys of normalizeName(s)'s key (0
// when that is empty), places[s] the id of normalizePlace(s). A matching form maps to
// its own key because both normalisations are idempotent (FuzzNormalizeName),
// so a text already in matching form — most names in a register — is
// found without being normalised.
type k3Preparer struct {
	names     map[string]int32
	keys      []*nameKey // k3Prepared.keys
	places    map[string]int32
	numPlaces int32
}

func newK3Preparer() *k3Preparer {
	return &k3Preparer{names: map[string]int32{}, keys: []*nameKey{nil}, places: map[string]int32{}}
}

// prepare fills out with persons as the search reads them. The texts of
// persons may point into an Arrow batch: what is kept is copied.
func (kp *k3Preparer) prepare(persons []k3Person, out []k3Rec) {
	for i, p := range persons {
		r := k3Rec{name: kp.nameKey(p.name), mother: kp.nameKey(p.mother), place: kp.place(p.place), nkk: nkkNumber(p.nkk),
			sex: p.sex, birth: p.birth}
		if r.name == 0 {
			r.birth = noDate // a person without a name is nobody's duplicate
		}
		out[i] = r
	}
}

// nameKey is the index into keys of normalizeName(s)'s key; 0 when that
// is empty.
func (kp *k3Preparer) nameKey(s string) int32 {
	if s == "" {
		return 0
	}
	if k, ok := kp.names[s]; ok {
		return k
	}
	norm := normalizeName(s)
	k, ok := kp.names[norm]
	if !ok && norm != "" {
		norm = strings.Clone(norm)
		k = int32(len(kp.keys))
		kp.keys = append(kp.keys, newNameKey(norm))
		kp.names[norm] = k
	}
	if norm != s {
		kp.names[strings.Clone(s)] = k
	}
	return k
}

// place is the interned id of normalizePlace(s); 0 when that is empty.
func (kp *k3Preparer) place(s string) int32 {
	if s == "" {
		return 0
	}
	if id, ok := kp.places[s]; ok {
		return id
	}
	norm := normalizePlace(s)
	id, ok := kp.places[norm]
	if !ok && norm != "" {
		kp.numPlaces++
		id = kp.numPlaces
		norm = strings.Clone(norm)
		kp.places[norm] = id
	}
	if norm != s {
		kp.places[strings.Clone(s)] = id
	}
	return id
}

// nkkNumber is an NKK as compared, a number of 16 ASCII digits, not all
// zero; 0, missing, for any other text.
func nkkNumber(s string) uint64 {
	n, _ := nik16(s)
	return n
}

// agreeOn is the agreement of two values, zero meaning missing.
func agreeOn[T comparable](a, b T) int8 {
	var zero T
	switch {
	case a == zero || b == zero:
		return fieldMissing
	case a == b:
		return fieldAgree
	}
	return fieldDisagree
}

// matchK3 applies the SPEC rule to two persons of one block (so their
// birth dates are equal or swapped). The cheap exact comparisons come
// first, the names and mothers' names only when they can still decide.
func matchK3(nm *nameMatcher, a, b *k3Rec) (k3Pair, bool) {
	var p k3Pair
	p.agree[fieldPlace] = agreeOn(a.place, b.place)
	p.agree[fieldSex] = agreeOn(a.sex, b.sex)
	p.agree[fieldNKK] = agreeOn(a.nkk, b.nkk)
	agreeing := 0
	for _, f := range []int{fieldPlace, fieldSex, fieldNKK} {
		if p.agree[f] == fieldAgree {
			agreeing++
		}
	}
	mother := fieldMissing
	switch {
	case a.mother == 0 || b.mother == 0:
	case a.mother == b.mother:
		mother = fieldAgree
		agreeing++
	default:
		mother = -1 // both present, not yet compared
	}
	if agreeing+boolInt(mother == -1) < 2 || !nm.similar(nm.keys[a.name], nm.keys[b.name]) {
		return p, false
	}
	if mother == -1 {
		mother = fieldDisagree
		if nm.similar(nm.keys[a.mother], nm.keys[b.mother]) {
			mother = fieldAgree
			agreeing++
		}
	}
	if agreeing < 2 {
		return p, false
	}
	p.agree[fieldMother] = mother
	p.agree[fieldName] = fieldAgree
	p.agree[fieldBirth] = fieldAgree
	p.swapped = a.birth != b.birth
	p.score = k3Score(similarity(nm.keys[a.name], nm.keys[b.name]), p.agree, p.swapped)
	return p, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
