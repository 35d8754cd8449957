package transforms

import (
	"bufio"
	_ "embed"
	"encoding/binary"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
	if normalizedASCII(s) {
		return s
	}
	if !isASCII(s) {
		return normalizeNameUnicode(s)
	}
	var buf [128]byte
	for {
		next := appendNameStepASCII(buf[:0], s)
		if string(next) == s {
			return s
		}
		s = string(next)
	}
}

// normalizedASCII reports whether s is a name normalizeName leaves as it
// is because it is in the normal form already, in ASCII: words of
// upper-case letters and digits, one space between two words, none at
// either end, and no word a title. Most names are; checking is cheaper
// than a round of appendNameStepASCII and the comparison of its result.
// (That round keeps such a word as it is and joins the words with one
// space: it gives s back.) The bytes are checked eight at a time, as in
// displayedASCII, the spaces found in each word of eight bytes ending the
// words of the name, which are then looked up as titles.
func normalizedASCII(s string) bool {
	n := len(s)
	if n == 0 || s[0] == ' ' || s[n-1] == ' ' {
		return false
	}
	start := 0 // the first byte of the name's current word
	for i := 0; i < n; i += 8 {
		var x uint64
		seen := 0 // bytes of x checked with the word before
		switch {
		case i+8 <= n:
			x = le64(s[i:])
		case n >= 8: // the last eight bytes, overlapping the word before
			x, seen, i = le64(s[n-8:]), i-(n-8), n-8
		default: // a short name, padded with letters
			buf := [8]byte{'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A'}
			copy(buf[:], s)
			x = binary.LittleEndian.Uint64(buf[:])
		}
		// Every byte below 0x80, so adding a constant below 0x80 to it
		// carries into no other byte: bit 7 of x+c is set when the byte
		// is at least 0x80-c.
		upper := (x + lo8*(0x80-'A')) &^ (x + lo8*(0x80-'Z'-1))
		digit := (x + lo8*(0x80-'0')) &^ (x + lo8*(0x80-'9'-1))
		spaces := spaceFlags(x)
		if x&hi8 != 0 || (upper|digit|spaces)&hi8 != hi8 {
			return false
		}
		for m := spaces &^ (1<<(8*seen) - 1); m != 0; m &= m - 1 {
			end := i + bits.TrailingZeros64(m)/8
			if end == start || titleWord(s[start:end]) {
				return false
			}
			start = end + 1
		}
	}
	return !titleWord(s[start:])
}

// titleWord is titleASCII of a word of upper-case letters and digits (no
// dot to drop, no case to change): the word itself is the key.
func titleWord(w string) bool {
	return titleShapes[w[0]&0x7f]&(1<<min(len(w), 63)) != 0 && titles[w]
}

// normalizeNameUnicode is normalizeName for any text, rune by rune.
func normalizeNameUnicode(s string) string {
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
	if !isASCII(s) {
		return punctToSpaceUnicode(s)
	}
	var buf [128]byte
	out, space := buf[:0], false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch class := asciiClasses[c]; {
		case class&classAlnum != 0:
			if space && len(out) > 0 {
				out = append(out, ' ')
			}
			space = false
			out = append(out, c)
		case class&classInvisible != 0:
		default:
			space = true
		}
	}
	if string(out) == s {
		return s
	}
	return string(out)
}

// punctToSpaceUnicode is punctToSpace for any text, rune by rune.
func punctToSpaceUnicode(s string) string {
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
	if displayedASCII(s) {
		return s
	}
	var buf [128]byte
	out, ok := appendDisplayASCII(buf[:0], s)
	switch {
	case !ok:
		return displayNameUnicode(s)
	case string(out) == s:
		return s
	}
	return string(out)
}

// displayNameUnicode is displayName for any text, rune by rune.
func displayNameUnicode(s string) string {
	s = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, strings.ToUpper(s))
	return strings.Join(strings.Fields(s), " ")
}

// displayedASCII reports whether s is ASCII that displayName leaves as it
// is: upper case, no invisible character, single ASCII spaces between
// words and none at either end. Most cells are; checking is cheaper than
// building the display text to compare it. In ASCII that is every byte in
// 0x20–0x60 or 0x7B–0x7E (no control character, DEL, lower-case letter or
// byte of a longer rune) and no two spaces side by side. A text of eight
// bytes or more is checked a word of eight bytes at a time, a shorter one
// byte by byte (displayedASCIIBytes).
func displayedASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	if len(s) < 8 {
		return displayedASCIIBytes(s, false)
	}
	// Eight bytes at a time, the last word ending at the text's end
	// (overlapping the one before it, whose bytes pass the tests again):
	// a space at the end of one word and the start of the next is the one
	// pair of bytes no word holds.
	var spaceBefore uint64 // the last word's last byte was a space: its flag in bit 7
	for i := 0; ; i += 8 {
		if i+8 > len(s) {
			i, spaceBefore = len(s)-8, 0
		}
		x := le64(s[i:])
		low := x &^ hi8  // every byte is below 0x80 if the first test passes
		if x&hi8 != 0 || // a byte of a longer rune
			(x-lo8*0x20)&^x&hi8 != 0 || // a byte below 0x20: a control character
			((x^(lo8*0x7F))-lo8)&^(x^(lo8*0x7F))&hi8 != 0 || // DEL
			(lo8*(127+0x7B)-low)&^x&(low+lo8*(127-0x60))&hi8 != 0 { // a–z
			return false
		}
		spaces := spaceFlags(x)
		if spaces&(spaces<<8|spaceBefore) != 0 {
			return false
		}
		if i+8 == len(s) {
			return true
		}
		spaceBefore = spaces >> 56
	}
}

// le64 returns the first eight bytes of s as a little-endian word (one
// load: the compiler combines the bytes).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// spaceFlags returns bit 7 of each byte of x that is an ASCII space, and
// no other bit, for x whose bytes are all below 0x80: y = x XOR spaces
// has a zero byte where x has a space, and adding 0x7F to a byte of y
// below 0x80 carries into its bit 7 unless the byte is zero.
func spaceFlags(x uint64) uint64 {
	y := x ^ (lo8 * ' ')
	return ^((y&^hi8 + ^hi8) | y) & hi8
}

// The bytes' constants of the word-at-a-time tests (displayedASCII,
// normalizedASCII).
const (
	lo8 uint64 = 0x0101010101010101
	hi8 uint64 = 0x8080808080808080
)

// displayedASCIIBytes is displayedASCII's test byte by byte, on a text
// neither starting nor ending with a space; space is whether the byte
// before it was one.
func displayedASCIIBytes(s string, space bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false
		}
		class := asciiClasses[c]
		switch {
		case c == ' ':
			if space {
				return false
			}
			space = true
			continue
		case class&(classSpace|classInvisible|classLower) != 0:
			return false
		}
		space = false
	}
	return true
}

// appendDisplayASCII appends displayName(s) to dst when s is ASCII; ok is
// false, and dst unchanged, when it is not.
func appendDisplayASCII(dst []byte, s string) (out []byte, ok bool) {
	start, space := len(dst), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return dst[:start], false
		}
		switch class := asciiClasses[c]; {
		case class&classInvisible != 0:
		case class&classSpace != 0:
			space = true
		default:
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			dst = append(dst, upperASCII(c))
		}
	}
	return dst, true
}

// appendNameStepASCII appends one round of normalizeName to dst: s, which
// must be ASCII, upper-cased, without its titles (dropTitles), then through
// punctToSpace.
func appendNameStepASCII(dst []byte, s string) []byte {
	start, space := len(dst), false
	for i := 0; i < len(s); {
		if c := s[i]; c == ',' || asciiClasses[c]&classSpace != 0 {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != ',' && asciiClasses[s[j]]&classSpace == 0 {
			j++
		}
		token := s[i:j]
		i = j
		if titleASCII(token) {
			continue
		}
		space = true // dropTitles joins the tokens it keeps with a space
		for k := 0; k < len(token); k++ {
			c := upperASCII(token[k])
			switch class := asciiClasses[c]; {
			case class&classAlnum != 0:
				if space && len(dst) > start {
					dst = append(dst, ' ')
				}
				space = false
				dst = append(dst, c)
			case class&classInvisible != 0:
			default:
				space = true
			}
		}
	}
	return dst
}

// titleASCII reports whether an ASCII token, upper-cased and without its
// dots, is in titles.
func titleASCII(token string) bool {
	var buf [16]byte
	key := buf[:0]
	for k := 0; k < len(token); k++ {
		if c := token[k]; c != '.' {
			if len(key) == maxTitleLen {
				return false
			}
			key = append(key, upperASCII(c))
		}
	}
	if len(key) > 0 && titleShapes[key[0]&0x7f]&(1<<min(len(key), 63)) == 0 {
		return false // no title has this first letter and length
	}
	return titles[string(key)]
}

// maxTitleLen is the length in bytes of the longest key of titles.
var maxTitleLen = func() int {
	n := 0
	for t := range titles {
		n = max(n, len(t))
	}
	return n
}()

// titleShapes holds, for each ASCII first byte, a bit for the length of
// every key of titles starting with it; keys of 63 bytes or more share
// bit 63.
var titleShapes = func() (t [utf8.RuneSelf]uint64) {
	for k := range titles {
		if k != "" && k[0] < utf8.RuneSelf {
			t[k[0]] |= 1 << min(len(k), 63)
		}
	}
	return t
}()

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
// applied whatever the Jaro score. It is the score to show; whether two
// names are similar is similarNames' decision, made in exact arithmetic.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := headRunes(a, maxCompareRunes), headRunes(b, maxCompareRunes)
	j := jaro(ra, rb)
	prefix := commonPrefix(ra, rb)
	return j + float64(prefix)*jwPrefixScale*(1-j)
}

// similarNames reports whether two normalised names are similar (SPEC §5):
// their Jaro-Winkler similarity (as jaroWinkler defines it: same runes
// compared, same prefix bonus) is at or above threshold. It is the one
// place that rule lives; callers check that threshold is in (0, 1].
//
// On the threshold counts as similar, decided exactly. Jaro-Winkler is a
// ratio of small integers (lengths, matches, transpositions, the common
// prefix), so it is computed here as a fraction, and threshold is read as
// the shortest decimal that prints it (0.92 is 23/25, not the float64 a
// hair above it). In float64 arithmetic a pair exactly on 0.92 may come
// out a rounding error below it: EFENDI ZULFIKAR and EPENDI ZULPIKAR score
// exactly 23/25, but jaroWinkler returns 0.91999999999999993, and
// jaroWinkler(a, b) >= threshold would call them different people. A
// tolerance (jw >= threshold-1e-9) was rejected: it would also let in
// pairs truly below the threshold, which ones depending on name lengths
// and on the threshold's digits; the exact comparison needs no such
// argument. A threshold that is not a number makes no pair similar.
func similarNames(a, b string, threshold float64) bool {
	return newSimThreshold(threshold).meets(jaroWinklerFraction(a, b))
}

// simThreshold is a similarity threshold read as the shortest decimal that
// prints it (0.92 is 23/25), for similarNames and the K3 matcher, which
// compares millions of pairs against one threshold: the fraction is
// parsed once, and meets compares in 128-bit integer arithmetic, falling
// back to big.Rat only for a threshold whose denominator does not fit in
// 64 bits.
type simThreshold struct {
	num, den uint64   // the threshold, when it fits
	rat      *big.Rat // the threshold, when it does not; nil for NaN
	fits     bool
}

// newSimThreshold reads threshold exactly. A threshold that is not a
// number is met by no pair.
func newSimThreshold(threshold float64) simThreshold {
	thr, ok := new(big.Rat).SetString(strconv.FormatFloat(threshold, 'g', -1, 64))
	if !ok {
		return simThreshold{}
	}
	t := simThreshold{rat: thr}
	if thr.Sign() >= 0 && thr.Num().IsUint64() && thr.Denom().IsUint64() {
		t.num, t.den, t.fits = thr.Num().Uint64(), thr.Denom().Uint64(), true
	}
	return t
}

// meets reports whether the similarity num/den (0 ≤ num ≤ den, den > 0,
// as jaroWinklerFraction returns it) is at or above the threshold.
func (t simThreshold) meets(num, den int64) bool {
	switch {
	case t.fits:
		// num/den ≥ t.num/t.den ⇔ num·t.den ≥ t.num·den, in 128 bits.
		lh, ll := bits.Mul64(uint64(num), t.den)
		rh, rl := bits.Mul64(t.num, uint64(den))
		return lh > rh || lh == rh && ll >= rl
	case t.rat == nil:
		return false
	}
	return big.NewRat(num, den).Cmp(t.rat) >= 0
}

// jaroWinklerFraction returns jaroWinkler(a, b) exactly, as num/den. With
// la, lb the lengths, m the matches, t the matched runes out of order and
// p the common prefix (at most 4):
//
//	jaro = (m/la + m/lb + (m - t/2)/m) / 3
//	     = (2m²·lb + 2m²·la + (2m - t)·la·lb) / (6·m·la·lb)
//	jw   = jaro + p/10·(1 - jaro)
//	     = ((10 - p)·jaroNum + p·jaroDen) / (10·jaroDen)
//
// Lengths are at most maxCompareRunes, so den stays below 1.1·10⁹.
func jaroWinklerFraction(a, b string) (num, den int64) {
	if a == b {
		return 1, 1
	}
	return jaroWinklerRunes(headRunes(a, maxCompareRunes), headRunes(b, maxCompareRunes))
}

// jaroWinklerRunes is jaroWinklerFraction of two rune strings of at most
// maxCompareRunes runes each.
func jaroWinklerRunes(ra, rb []rune) (num, den int64) {
	if slices.Equal(ra, rb) {
		return 1, 1
	}
	m, t := jaroCounts(ra, rb)
	if m == 0 {
		return 0, 1 // nothing matches, so no common prefix either
	}
	la, lb, mm, tt := int64(len(ra)), int64(len(rb)), int64(m), int64(t)
	p := int64(commonPrefix(ra, rb))
	jNum := 2*mm*mm*lb + 2*mm*mm*la + (2*mm-tt)*la*lb
	jDen := 6 * mm * la * lb
	return (10-p)*jNum + p*jDen, 10 * jDen
}

// commonPrefix is the length of the common prefix of a and b, at most
// jwMaxPrefix runes.
func commonPrefix(a, b []rune) int {
	p := 0
	for p < len(a) && p < len(b) && p < jwMaxPrefix && a[p] == b[p] {
		p++
	}
	return p
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
	m, t := jaroCounts(a, b)
	if m == 0 {
		return 0
	}
	fm := float64(m)
	return (fm/float64(len(a)) + fm/float64(len(b)) + (fm-float64(t)/2)/fm) / 3
}

// jaroCounts returns the Jaro matches m of a and b (equal runes at most
// max(len)/2-1 apart, each rune matched once) and t, the matched runes that
// are out of order (twice the transpositions).
func jaroCounts(a, b []rune) (m, t int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	// Names are short: the marks live on the stack up to 64 runes.
	var bufA, bufB [64]bool
	var matchedA, matchedB []bool
	if len(a) <= len(bufA) && len(b) <= len(bufB) {
		matchedA, matchedB = bufA[:len(a)], bufB[:len(b)]
	} else {
		matchedA, matchedB = make([]bool, len(a)), make([]bool, len(b))
	}
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
		return 0, 0
	}
	// Transpositions: matched runes of a and b compared in order.
	k := 0
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
	return m, t
}
