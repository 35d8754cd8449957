package transforms

import (
	"unicode"
	"unicode/utf8"
)

// Cells copied out of web pages, PDFs and other systems carry characters
// nobody sees: zero-width spaces, byte-order marks, soft hyphens,
// direction marks, stray control bytes. Reading them as characters would
// turn a NIK that looks right into NIK_BAD_LENGTH and a date that looks
// right into DATE_UNPARSEABLE, with nothing on screen to explain it. The
// parsers here drop them instead.

// invisible reports whether r is a control character (Unicode category Cc)
// that is not white space, or a format character (Cf: U+200B zero-width
// space, U+FEFF byte-order mark, U+00AD soft hyphen, U+200E/U+200F
// direction marks, U+2060 word joiner…). White space (tab, newline, the
// no-break spaces) is not invisible: it separates, and each parser decides
// what a separator means.
func invisible(r rune) bool {
	return (unicode.Is(unicode.Cc, r) && !unicode.IsSpace(r)) || unicode.Is(unicode.Cf, r)
}

// asciiDigit maps the full-width digits U+FF10–U+FF19 (typed with an East
// Asian input method, or copied from a system that stores them) to the
// ASCII digits they are compatibility forms of. Other runes, digits of
// other scripts included, are returned unchanged: only full-width forms
// are the same characters in another width.
func asciiDigit(r rune) rune {
	if r >= '\uFF10' && r <= '\uFF19' {
		return '0' + (r - '\uFF10')
	}
	return r
}

// The cleaners of this package (displayName, normalizeName, cleanNIK,
// foldDateText) read almost only ASCII: each has a fast path for an
// ASCII text that works on bytes, and returns its input unchanged, without
// allocating, when nothing changes. A text holding any other byte takes the
// general path, which works on runes; the fuzz tests check that both paths
// agree on every text.

// asciiClass is what the cleaners need to know of an ASCII byte.
type asciiClass uint8

const (
	classSpace     asciiClass = 1 << iota // white space: unicode.IsSpace
	classInvisible                        // a control that is not white space: invisible
	classLower                            // a–z
	classAlnum                            // A–Z, a–z, 0–9: unicode.IsLetter or unicode.IsDigit
)

// asciiClasses holds the class of every ASCII byte.
var asciiClasses = func() (t [utf8.RuneSelf]asciiClass) {
	for c := range t {
		r := rune(c)
		if unicode.IsSpace(r) {
			t[c] |= classSpace
		}
		if invisible(r) {
			t[c] |= classInvisible
		}
		if unicode.IsLower(r) {
			t[c] |= classLower
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			t[c] |= classAlnum
		}
	}
	return t
}()

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// upperASCII returns the upper case of an ASCII byte.
func upperASCII(c byte) byte {
	if asciiClasses[c]&classLower != 0 {
		return c - ('a' - 'A')
	}
	return c
}
