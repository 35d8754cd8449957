package transforms

import "unicode"

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
