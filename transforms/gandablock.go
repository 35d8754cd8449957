package transforms

import (
	"cmp"
	"slices"
	"unicode/utf8"
)

// The search within a birth-date block (findK3 hands each block to
// compareBlock): every pair of a small block, and in a large one only the
// pairs the rule can take, found by birthplace, NKK and sex and first held
// against a bound on their names (nameBound).

// compareBlock finds the candidates of one block (person indexes in
// increasing order) and appends them to out. sc is the caller's, reused
// from block to block.
func compareBlock(nm *nameMatcher, recs []k3Rec, block []int32, sc *blockScratch, out []k3Pair) []k3Pair {
	sc.members = appendMembers(sc.members[:0], nm.keys, recs, block)
	if len(block) >= splitBlock {
		return compareBlockByKeys(nm, recs, sc, out)
	}
	return compareBlockAll(nm, recs, sc.members, out)
}

// splitBlock is the size from which a block is searched by its keys
// (compareBlockByKeys): below it, the grouping costs more than it saves.
const splitBlock = 48

// appendMembers appends the persons of block who can pair (those with a
// birth date) to members, in block order; keys are the name keys recs
// index.
func appendMembers(members []k3Member, keys []*nameKey, recs []k3Rec, block []int32) []k3Member {
	for _, i := range block {
		r := &recs[i]
		if r.birth == noDate {
			continue
		}
		m := k3Member{name: keys[r.name].bound, nkk: r.nkk, place: r.place, sex: r.sex, i: i}
		if r.mother != 0 {
			m.mother = keys[r.mother].bound
			m.hasMother = true
		}
		members = append(members, m)
	}
	return members
}

// compareBlockAll compares every pair of a block's members. Before
// matchK3, a pair must be able to meet the rule on the copied members
// alone: names whose bounds can meet (which rules out most pairs), then
// mayAgree. Few pairs reach for recs.
func compareBlockAll(nm *nameMatcher, recs []k3Rec, members []k3Member, out []k3Pair) []k3Pair {
	for x := range members {
		a := &members[x]
		need, needMother := &nm.need[a.name.runes], &nm.need[a.mother.runes]
		for y := x + 1; y < len(members); y++ {
			b := &members[y]
			if a.name.common(&b.name) < int(need[b.name.runes]) || !mayAgree(a, b, needMother) {
				continue
			}
			if p, ok := matchK3(nm, &recs[a.i], &recs[b.i]); ok {
				p.a, p.b = a.i, b.i
				out = append(out, p)
			}
		}
	}
	return out
}

// mayAgree reports whether members a and b can reach the two agreements
// matchK3 needs among birthplace, sex, NKK and mother's name: mothers'
// names count when both are given and, if the other three give fewer
// than two, when their bounds can meet (needMother is nm.need's row for
// a's mother).
func mayAgree(a, b *k3Member, needMother *[maxHistRunes + 1]uint8) bool {
	exact := boolInt(a.place != 0 && a.place == b.place) + boolInt(a.sex != 0 && a.sex == b.sex) +
		boolInt(a.nkk != 0 && a.nkk == b.nkk)
	switch {
	case exact >= 2:
		return true
	case exact == 0 || !a.hasMother || !b.hasMother:
		return false
	}
	return a.mother.common(&b.mother) >= int(needMother[b.mother.runes])
}

// k3Member is a person of a block as compareBlockByKeys reads it, copied
// together with the others of a group so that the pairs of a large
// block are ruled out without reaching for their names.
type k3Member struct {
	name, mother nameBound // mother: runes 0 and an empty histogram when missing
	nkk          uint64
	place        int32
	i            int32 // index into recs
	sex          byte
	hasMother    bool
}

// The groups of compareBlockByKeys.
const (
	placeGroup = iota // persons born in one place: every pair
	nkkGroup          // persons of one NKK: the pairs not born in one place
	sexGroup          // persons of one sex with a mother's name: the pairs sharing neither
	numGroupKinds
)

// compareBlockByKeys finds the same pairs as compareBlockAll with fewer
// comparisons. matchK3 needs similar names and two agreements among
// birthplace, sex, NKK and mother's name; sex agrees or not, so a pair
// that shares neither a birthplace nor an NKK needs the same sex and
// similar mothers' names. So the pairs are taken from three kinds of
// group, each pair once:
//   - persons born in one place;
//   - persons of one NKK, less the pairs that also share a birthplace;
//   - persons of one sex who have a mother's name, less the pairs that
//     share a birthplace or an NKK.
//
// Before matchK3, a pair's names, and in the last kind its mothers'
// names, must pass their bounds (nameMatcher.mayMeet), a few word
// operations on the copied members. In a block of n persons from p
// birthplaces, about n²/2p pairs of the first kind and n²/4 of the last
// are bounded, and few of them compared.
func compareBlockByKeys(nm *nameMatcher, recs []k3Rec, sc *blockScratch, out []k3Pair) []k3Pair {
	members := sc.members
	for kind := range numGroupKinds {
		// The members with a key (not 0), ordered by it: each run of one
		// key is a group.
		keys := sc.keys[:0]
		for x := range members {
			if k := members[x].groupKey(kind); k != 0 {
				keys = append(keys, memberKey{k, int32(x)})
			}
		}
		slices.SortFunc(keys, func(a, b memberKey) int { return cmp.Compare(a.key, b.key) })
		group := sc.group[:0]
		for _, k := range keys {
			group = append(group, members[k.x])
		}
		sc.keys, sc.group = keys, group
		for lo := 0; lo < len(group); {
			hi := lo + 1
			for hi < len(group) && keys[hi].key == keys[lo].key {
				hi++
			}
			out = compareGroup(nm, recs, group[lo:hi], kind, out)
			lo = hi
		}
	}
	return out
}

// groupKey is m's key in the groups of kind; 0 when m is in none.
func (m *k3Member) groupKey(kind int) uint64 {
	switch kind {
	case placeGroup:
		return uint64(m.place)
	case nkkGroup:
		return m.nkk
	}
	if !m.hasMother {
		return 0
	}
	return uint64(m.sex)
}

// memberKey is a member's group key and its position among the block's
// members.
type memberKey struct {
	key uint64
	x   int32
}

// blockScratch is the memory compareBlockByKeys reuses from block to
// block.
type blockScratch struct {
	members, group []k3Member
	keys           []memberKey
}

// compareGroup compares the pairs of one group of compareBlockByKeys that
// belong to its kind and pass the bounds, and appends the candidates to
// out.
func compareGroup(nm *nameMatcher, recs []k3Rec, group []k3Member, kind int, out []k3Pair) []k3Pair {
	for x := range group {
		a := &group[x]
		need, needMother := &nm.need[a.name.runes], &nm.need[a.mother.runes]
		for y := x + 1; y < len(group); y++ {
			b := &group[y]
			if a.name.common(&b.name) < int(need[b.name.runes]) {
				continue
			}
			samePlace := a.place != 0 && a.place == b.place
			switch kind {
			case nkkGroup:
				if samePlace {
					continue
				}
			case sexGroup:
				if samePlace || (a.nkk != 0 && a.nkk == b.nkk) || a.mother.common(&b.mother) < int(needMother[b.mother.runes]) {
					continue
				}
			}
			if !mayAgree(a, b, needMother) {
				continue
			}
			i, j := min(a.i, b.i), max(a.i, b.i)
			if p, ok := matchK3(nm, &recs[i], &recs[j]); ok {
				p.a, p.b = i, j
				out = append(out, p)
			}
		}
	}
	return out
}

// nameBound bounds the similarity of a name's forms to another's with
// one histogram meeting (mayMeet): the bucket-wise larger count of the
// plain and joined forms' runes in 16 byte buckets (boundBucket), and the
// fewest runes of any form. runes is 0 when a form is too long for its
// histogram to be exact: such a name is never ruled out.
type nameBound struct {
	hist  [2]uint64
	runes uint8
}

// boundBucket is the bucket of nameBound's histogram of each byte of a
// form: the letters most frequent in Indonesian names a bucket each, the
// others shared, every rune beyond ASCII in the last letters' bucket, and
// spaces in bucket 15. Sharing a bucket loosens the bound (the smaller of
// two sums is at least the sum of the smaller counts) and never breaks
// it; two words of histogram meet twice as fast as four.
var boundBucket = func() (b [256]uint8) {
	for i := range b {
		b[i] = 14
	}
	for bucket, letters := range []string{"A", "I", "U", "N", "R", "H", "S", "M", "E", "T", "DO", "YL", "KPB", "GJWC"} {
		for _, c := range []byte(letters) {
			b[c] = uint8(bucket)
		}
	}
	b[' '] = 15
	return b
}()

func newNameBound(k *nameKey) nameBound {
	if max(k.canon.runes, k.raw.runes) > maxHistRunes {
		return nameBound{}
	}
	hist := func(s string) (h [16]uint8) {
		for _, r := range s {
			if r < utf8.RuneSelf {
				h[boundBucket[r]]++
			} else {
				h[14]++
			}
		}
		return h
	}
	plain, joined := hist(k.plain), hist(k.joined)
	var b nameBound
	for i := range plain {
		b.hist[i/8] |= uint64(max(plain[i], joined[i])) << (i % 8 * 8)
	}
	b.runes = uint8(min(k.canon.runes, k.raw.runes))
	return b
}

// mayMeet reports whether the names of bounds a and b can have a form
// pair at Jaro-Winkler similarity nm's threshold or more. Jaro matches
// pair equal runes, so a form pair's matches are at most the runes their
// histograms share, and each form's histogram lies within its name's
// bound; a form has at least runes runes; the prefix bonus is at most
// jwMaxPrefix runes. It returns false only when no form pair can.
func (nm *nameMatcher) mayMeet(a, b *nameBound) bool {
	return a.common(b) >= int(nm.need[a.runes][b.runes])
}

// common is the runes the histograms of a and b share: what mayMeet
// holds against its table. The block search calls it with the table's
// row looked up once for many names; mayMeet itself is past Go's
// inlining budget, which cost the search about an eighth of its time.
func (a *nameBound) common(b *nameBound) int {
	// Each byte of either word's minima is below 128, so their byte-wise
	// sum carries nothing, and the total is below 256 (a bound's counts
	// add up to 254 at most).
	return byteSum(minBytes(a.hist[0], b.hist[0]) + minBytes(a.hist[1], b.hist[1]))
}

// newNeedTable fills need: for bounds of la and lb runes, the fewest
// common runes c for which the Jaro similarity (min(c,la)/la +
// min(c,lb)/lb + 1)/3 reaches jaroMin; 255, more than any two bounds
// share, when none does. A bound of 0 runes (not exact) needs nothing.
func newNeedTable(jaroMin float64) *[maxHistRunes + 1][maxHistRunes + 1]uint8 {
	var need [maxHistRunes + 1][maxHistRunes + 1]uint8
	jaro := func(c, la, lb int) float64 {
		return (float64(min(c, la))/float64(la) + float64(min(c, lb))/float64(lb) + 1) / 3
	}
	for la := 1; la <= maxHistRunes; la++ {
		for lb := 1; lb <= maxHistRunes; lb++ {
			lo, hi := 0, 255 // the answer lies in [lo, hi]; 255: never
			for lo < hi {
				mid := (lo + hi) / 2
				if jaro(mid, la, lb) >= jaroMin {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			need[la][lb] = uint8(lo)
		}
	}
	return &need
}
