package transforms

import (
	"bufio"
	_ "embed"
	"strings"
	"unicode"
)

// Names are matched on a normal form (SPEC §5) and shown in a display
// form. titles.txt holds the titles that normalizeName drops.

//go:embed titles.txt
var titlesText string

// titles is the set of titles of titles.txt, upper case, without dots.
var titles = parseTitles(titlesText)

// parseTitles reads one title a line; '#' starts a comment line, blank
// lines are ignored, dots are removed and case does not matter.
func parseTitles(text string) map[string]bool {
	set := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToUpper(strings.ReplaceAll(line, ".", ""))] = true
	}
	return set
}

// normalizeName returns the form names are matched on (SPEC §5), in this
// order: upper case; titles dropped, a title being a token between
// spaces or commas whose text without its dots is in titles.txt ("H.",
// "S.Pd.", "SPD", "Dr,"); then invisible characters (zero-width spaces,
// control bytes: see invisible) are dropped, every other character that
// is not a letter, digit or combining mark becomes a space, and spaces
// collapse.
//
// Dropping titles repeats until no title is left, so "H.ABDUL" (no space
// after the dot) becomes "ABDUL" like "H. ABDUL" does, and the result is a
// fixed point: normalizeName(normalizeName(x)) == normalizeName(x). A name
// made only of titles normalises to "".
func normalizeName(s string) string {
	for {
		next := punctToSpace(dropTitles(strings.ToUpper(s)))
		if next == s {
			return s
		}
		s = next
	}
}

// dropTitles removes the title tokens of an upper-case name; tokens are
// separated by white space and commas.
func dropTitles(s string) string {
	tokens := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	kept := tokens[:0]
	for _, t := range tokens {
		if !titles[strings.ReplaceAll(t, ".", "")] {
			kept = append(kept, t)
		}
	}
	return strings.Join(kept, " ")
}

// punctToSpace drops invisible runes, turns every other rune that is not
// a letter, a digit or a combining mark into a space and collapses spaces.
func punctToSpace(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			return r
		case invisible(r):
			return -1
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// displayName is the form a name is shown in: trimmed, inner white space
// (no-break spaces included) collapsed to one space, invisible characters
// dropped, upper case. Titles and punctuation are kept.
func displayName(s string) string {
	s = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, strings.ToUpper(s))
	return strings.Join(strings.Fields(s), " ")
}

// cleanText is displayName for any text cell: trimmed, white space
// collapsed, upper case.
func cleanText(s string) string { return displayName(s) }

// Jaro-Winkler parameters: the common-prefix bonus and its maximum length.
const (
	jwPrefixScale = 0.1
	jwMaxPrefix   = 4
)

// maxCompareRunes bounds how much of a name jaroWinkler compares. Jaro is
// quadratic in the length: two cells of 32,767 characters (the most a
// cell holds) would take seconds a pair, and a NIK with many such rows
// would stall the run. No real name comes near 256 runes; two texts that
// agree on their first 256 runes are "the same name" for matching.
const maxCompareRunes = 256

// jaroWinkler returns the Jaro-Winkler similarity of a and b, compared
// rune by rune on at most their first maxCompareRunes runes: 1 for equal
// strings (two empty strings included), 0 when one is empty or nothing
// matches. Prefix scale 0.1, at most 4 runes of common prefix, the bonus
// applied whatever the Jaro score.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := headRunes(a, maxCompareRunes), headRunes(b, maxCompareRunes)
	j := jaro(ra, rb)
	prefix := 0
	for prefix < len(ra) && prefix < len(rb) && prefix < jwMaxPrefix && ra[prefix] == rb[prefix] {
		prefix++
	}
	return j + float64(prefix)*jwPrefixScale*(1-j)
}

// headRunes returns the first n runes of s.
func headRunes(s string, n int) []rune {
	rs := make([]rune, 0, min(len(s), n))
	for _, r := range s {
		if len(rs) == n {
			break
		}
		rs = append(rs, r)
	}
	return rs
}

// jaro returns the Jaro similarity of two rune strings.
func jaro(a, b []rune) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	matchedB := make([]bool, len(b))
	matchedA := make([]bool, len(a))
	m := 0
	for i, r := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for k := lo; k < hi; k++ {
			if !matchedB[k] && b[k] == r {
				matchedA[i], matchedB[k] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	// Transpositions: matched runes of a and b compared in order.
	t, k := 0, 0
	for i, r := range a {
		if !matchedA[i] {
			continue
		}
		for !matchedB[k] {
			k++
		}
		if r != b[k] {
			t++
		}
		k++
	}
	fm := float64(m)
	return (fm/float64(len(a)) + fm/float64(len(b)) + (fm-float64(t)/2)/fm) / 3
}
