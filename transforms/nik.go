package transforms

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
)

// A NIK is 16 digits, PP KK CC DDMMYY SSSS: province, regency, district,
// birth date (day + 40 for women) and serial (SPEC §3). The functions here
// read it; validate.go decides what a bad one means for its row.

// nikLen is the length of a NIK in digits.
const nikLen = 16

// cleanNIK removes what people and spreadsheets put around a NIK: every
// space (including the no-break spaces U+00A0, U+2007, U+202F and the
// ideographic space U+3000), dots, hyphens (ASCII, full-width and the
// Unicode hyphens and dashes U+2010–U+2015, U+2212), invisible characters
// (control bytes, zero-width spaces, byte-order marks: see invisible) and
// leading apostrophes (', ‘, ’ and `, Excel's "keep as text" mark).
// Full-width digits (１７７１…, U+FF10–U+FF19) become ASCII digits: they
// are the same digits in another width, so the NIK is read, not rejected.
// Digits of other scripts (Arabic-Indic ١٧٧١…) are not folded and show as
// NIK_NOT_DIGITS: no Indonesian system writes them, and reading them would
// be a guess. Everything else is kept, so a letter or a comma still shows
// as NIK_NOT_DIGITS. cleanNIK is idempotent.
func cleanNIK(raw string) string {
	var buf [32]byte
	out := buf[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= utf8.RuneSelf:
			return cleanNIKUnicode(raw)
		case c == '.' || c == '-' || asciiClasses[c]&(classSpace|classInvisible) != 0:
		default:
			out = append(out, c)
		}
	}
	k := 0
	for k < len(out) && (out[k] == '\'' || out[k] == '`') {
		k++
	}
	if len(out) == len(raw) {
		return raw[k:]
	}
	return string(out[k:])
}

// cleanNIKUnicode is cleanNIK for any text, rune by rune.
func cleanNIKUnicode(raw string) string {
	s := strings.Map(func(r rune) rune {
		if nikSeparator(r) || invisible(r) {
			return -1
		}
		return asciiDigit(r)
	}, raw)
	return strings.TrimLeftFunc(s, isApostrophe)
}

func nikSeparator(r rune) bool {
	// unicode.IsSpace covers U+00A0, U+2007, U+202F and U+3000.
	return r == '.' || r == '-' || r == '\u2212' || (r >= '\u2010' && r <= '\u2015') ||
		r == '\uFF0E' || r == '\uFF0D' || unicode.IsSpace(r) // full-width full stop and hyphen-minus
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '`'
}

// scientific reports whether a NIK cell holds a number in scientific
// notation ("1.77E+15", "1,771E15", "1.7710123456789E+15"): the digits
// beyond the mantissa are gone. Surrounding spaces and a leading
// apostrophe are ignored; either decimal mark is accepted.
func scientific(raw string) bool {
	s := strings.TrimLeftFunc(strings.TrimSpace(raw), isApostrophe)
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	// Mantissa: digits, optionally one decimal mark and more digits.
	intDigits, fracDigits, i := 0, 0, 0
	for i < len(s) && isDigit(s[i]) {
		i, intDigits = i+1, intDigits+1
	}
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
		for i < len(s) && isDigit(s[i]) {
			i, fracDigits = i+1, fracDigits+1
		}
	}
	if intDigits+fracDigits == 0 || i >= len(s) || (s[i] != 'e' && s[i] != 'E') {
		return false
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	expDigits := 0
	for i < len(s) && isDigit(s[i]) {
		i, expDigits = i+1, expDigits+1
	}
	return expDigits > 0 && i == len(s)
}

// nikBirth reads the birth date and sex embedded in a 16-digit NIK:
// digits 7–12 are DDMMYY, with 40 added to the day for women. The century
// is 20YY when that date is not after the as-of date (its calendar
// fields: asOf.year, month, day), else 19YY. ok is false when nik is not
// 16 ASCII digits or the date is impossible: day 0 or over 31 after
// removing 40 (so 32–40 and over 71 are impossible), month 0 or over 12,
// a day the month lacks (31 April), 29 February of a non-leap year of the
// chosen century.
func nikBirth(nik string, asOf asOfDay) (birth arrow.Date32, female bool, ok bool) {
	if len(nik) != nikLen || !allDigits(nik) {
		return 0, false, false
	}
	day, month, yy, female := nikDayMonthYY(nik)
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return 0, false, false
	}
	year := 2000 + yy
	if year > asOf.year || (year == asOf.year && (month > asOf.month || (month == asOf.month && day > asOf.day))) {
		year -= 100
	}
	if day > daysIn(year, time.Month(month)) {
		return 0, false, false
	}
	return dayOf(year, month, day), female, true
}

// nikDayMonthYY returns the embedded day (women's 40 removed), month and
// two-digit year of a 16-digit NIK without judging them.
func nikDayMonthYY(nik string) (day, month, yy int, female bool) {
	day, month, yy = atoi2(nik[6:8]), atoi2(nik[8:10]), atoi2(nik[10:12])
	if day > 40 {
		day, female = day-40, true
	}
	return day, month, yy, female
}

// daysIn returns the number of days of a month in the proleptic Gregorian
// calendar.
func daysIn(year int, m time.Month) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	case time.January, time.March, time.May, time.July, time.August, time.October, time.December:
		return 31
	}
	return daysInByDate(year, m) // a month out of range, as time.Date reads it
}

// daysInByDate is daysIn by way of time.Date, which normalises the day
// before the first of the next month.
func daysInByDate(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// allDigits reports whether s is non-empty and holds only ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// packNIK returns a 16-digit number (a NIK, an NKK) as an integer; ok is
// false for anything else. Every 16-digit string has its own integer, and
// formatDigits16 gives the string back.
func packNIK(s string) (n uint64, ok bool) {
	if len(s) != nikLen {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// appendDigits16 appends n as 16 digits, zero-padded: the inverse of
// packNIK.
func appendDigits16(dst []byte, n uint64) []byte {
	var buf [nikLen]byte
	for i := nikLen - 1; i >= 0; i-- {
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, buf[:]...)
}
