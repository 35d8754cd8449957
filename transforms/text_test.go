package transforms

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// The cleaners' ASCII fast paths (text.go) must agree with their general
// paths, which work rune by rune, on every text. FuzzCleaners checks any
// text the fuzzer makes; TestCleanersFastPaths checks texts drawn mostly
// from ASCII, where the fast paths run, with the characters they must not
// mistake: titles, commas, controls, no-break and other spaces, zero-width
// and combining characters, invalid UTF-8, mixed-case letters.

// checkCleaners fails when a fast path and its general path disagree on s.
func checkCleaners(t *testing.T, s string) {
	t.Helper()
	for _, c := range []struct {
		name       string
		fast, slow func(string) string
	}{
		{"displayName", displayName, displayNameUnicode},
		{"normalizeName", normalizeName, normalizeNameUnicode},
		{"punctToSpace", punctToSpace, punctToSpaceUnicode},
		{"cleanNIK", cleanNIK, cleanNIKUnicode},
		{"foldDateText", foldDateText, foldDateTextUnicode},
	} {
		if got, want := c.fast(s), c.slow(s); got != want {
			t.Fatalf("%s(%q) = %q, but rune by rune %q", c.name, s, got, want)
		}
	}
	// normalizedASCII holds for exactly the non-empty ASCII texts that
	// normalizeName gives back as they are.
	if got, want := normalizedASCII(s), s != "" && isASCII(s) && normalizeNameUnicode(s) == s; got != want {
		t.Fatalf("normalizedASCII(%q) = %v, want %v", s, got, want)
	}
}

func FuzzCleaners(f *testing.F) {
	for _, s := range []string{
		"", " ", "H. Abdul Rahman", "h.abdul,s.pd", "  a\tb\r\nc  ", "A\x00B\x7fC", "Dr,Ir.,H.",
		"'1771 0112-0590.0001", "`'`12", "30/06/2020", "2020-06-30\t", "José\u00a0Ñandú", "\xff\xfe",
		"H\u0301", "ZW\u200bSP", "ＮＩＫ１７", "s.pd.", "....", "S . PD",
	} {
		f.Add(s)
	}
	f.Fuzz(checkCleaners)
}

// cleanerPieces are what TestCleanersFastPaths builds texts from.
var cleanerPieces = []string{
	"H.", "Hj", "S.Pd", "dr", "DR.", "Prof", "m.h.", "ST", ",", ".", "-", "'", "`", "..", ", ",
	"abdul", "RAHMAN", "Siti", "o'neil", "17710", "0001", "/", ":",
	"\u00a0", "\u2007", "\u200b", "\ufeff", "\u00ad", "\u0301", "\u2028", "\u0085",
	"é", "É", "ß", "ǅ", "ﬀ", "Ñ", "\uff11", "\u2013", "\u2019", "\xff", "\xc3",
}

func TestCleanersFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		var sb strings.Builder
		ascii := rng.IntN(4) > 0 // three texts in four take the fast paths
		for range rng.IntN(12) {
			switch {
			case rng.IntN(3) == 0:
				sb.WriteByte(byte(rng.IntN(128))) // any ASCII byte, controls included
			case rng.IntN(2) == 0:
				sb.WriteString(" \t\n\v\f\r"[rng.IntN(6):][:1])
			default:
				p := cleanerPieces[rng.IntN(len(cleanerPieces))]
				if ascii && !isASCII(p) {
					p = "x"
				}
				sb.WriteString(p)
			}
		}
		checkCleaners(t, sb.String())
	}
}

func TestCleanersKeepCleanText(t *testing.T) {
	// A text with nothing to change comes back as it is, not as a copy.
	for _, c := range []struct {
		name string
		f    func(string) string
		s    string
	}{
		{"displayName", displayName, "JL. MERDEKA NO. 1"},
		{"normalizeName", normalizeName, "ABDUL RAHMAN"},
		{"punctToSpace", punctToSpace, "ABDUL RAHMAN"},
		{"cleanNIK", cleanNIK, "1771011205900001"},
		{"foldDateText", foldDateText, "30/06/2020"},
	} {
		if got := c.f(c.s); got != c.s || !sameBytes(got, c.s) {
			t.Errorf("%s(%q) = %q, not the text itself", c.name, c.s, got)
		}
		if n := testing.AllocsPerRun(10, func() { c.f(c.s) }); n != 0 {
			t.Errorf("%s(%q) allocates %v times", c.name, c.s, n)
		}
	}
}

// sameBytes reports whether a and b share their bytes.
func sameBytes(a, b string) bool {
	return len(a) == len(b) && (len(a) == 0 || unsafe.StringData(a) == unsafe.StringData(b))
}

func TestTitleASCII(t *testing.T) {
	// Every title of titles.txt as written, in lower case and with a
	// letter more or less, against the map lookup dropTitles does.
	var tokens []string
	for _, line := range strings.Split(titlesText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		tokens = append(tokens, line, strings.ToLower(line), line+"A", line[1:], "."+line+".", "X"+line)
	}
	tokens = append(tokens, "", ".", "..", "ABDUL", "A", "Z", "UMI", strings.Repeat("H", 70))
	for _, tok := range tokens {
		if !isASCII(tok) {
			continue
		}
		if got, want := titleASCII(tok), titles[strings.ToUpper(strings.ReplaceAll(tok, ".", ""))]; got != want {
			t.Errorf("titleASCII(%q) = %v, want %v", tok, got, want)
		}
	}
}

// normalizedASCII against the normal form, on names of 0 to 24 bytes (its
// words of eight bytes, the last one overlapping, and the padded short
// ones) made of upper-case words, titles, title-like words and the bytes
// that are not in the normal form, in every position.
func TestNormalizedASCII(t *testing.T) {
	for _, s := range []string{
		"ABDUL RAHMAN", "A", "H", "HJ SITI", "SITI HJ", "SITI  AMINAH", " SITI", "SITI ", "SITI AMINAH H",
		"ABDULRAHMANSYAHPUTRA", "ABDUL RAHMAN SYAHPUTRA H", "ABDUL RAHMAN SYAH PUTRA", "ABCDEFG H", "ABCDEFGH H",
		"ABCDEFGHI HJ", "SPDI", "SPDX", "HAJ", "17710 0001", "SITI.AMINAH", "SITI,AMINAH", "Siti", "SITI\x00",
		"SITI\tAMINAH", "JOSÉ", "ABC@", "ABC[", "ABC`", "ABC{", "ABC/", "ABC:", "AMDKEB", "AMDKEBA",
	} {
		checkCleaners(t, s)
	}
	pieces := []string{"A", "B", "Z", "0", "9", " ", " ", "H", "HJ", "SPD", "DR", "SITI", "AMINAH", "ABDULRAHMAN",
		",", ".", "a", "z", "@", "[", "`", "{", "/", ":", "\x7f", "\t", "\xc3\x89"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200_000 {
		var sb strings.Builder
		for sb.Len() < 24 && rng.IntN(8) > 0 {
			p := pieces[rng.IntN(len(pieces))]
			if rng.IntN(4) > 0 { // mostly names already in the normal form
				p = pieces[rng.IntN(13)]
			}
			sb.WriteString(p)
		}
		checkCleaners(t, sb.String())
	}
}
