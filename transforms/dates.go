package transforms

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// Dates arrive as Excel serial numbers and as text in several day-first
// forms (SPEC §2). parseDate reads all of them and nothing else: a form
// that could be read two ways is not guessed.

// Bounds of what parseDate accepts. Excel's last serial is 9999-12-31;
// text years before 1800 are typing slips ("0202"), not birth years.
const (
	maxSerial   = 2958465
	minTextYear = 1800
	maxTextYear = 9999
)

// Excel's 1900 date system counts days from 1899-12-31 (serial 1 is
// 1900-01-01) but believes 1900 was a leap year: serial 60 is the
// fictitious 1900-02-29, and from serial 61 on the count is one day ahead,
// as if it started on 1899-12-30.
var (
	excelEpochEarlyDay = dayOf(1899, 12, 31) // serials 1..59
	excelEpochDay      = dayOf(1899, 12, 30) // serials 61..
)

// excelLeapDay is Excel's serial for 1900-02-29, a day that never was.
const excelLeapDay = 60

// A whole number from minBareYear to maxBareYear in a date cell is a year
// someone typed where a date belonged ("1985"), not an Excel serial: as
// serials these numbers are days of 1905 (1900 is 1905-03-14, 2100 is
// 1905-09-30), a year no request was made in and almost no resident was
// born in. Reading them as serials would make up a precise, wrong date;
// parseDate refuses them, so the cell is DATE_UNPARSEABLE and a birth date
// comes from the NIK. The fraction of such a number does not matter.
const (
	minBareYear = 1900
	maxBareYear = 2100
)

// bareYear reports whether the whole days of a serial are a bare year.
func bareYear(n int) bool { return n >= minBareYear && n <= maxBareYear }

// minBirth is the earliest birth date the pipeline believes: an earlier
// one (1890, 1800) is a typing slip or a placeholder, not a resident.
var minBirth = dayOf(1900, 1, 1)

// birthImplausible returns the warning of a birth date no resident can
// have, or "" for a plausible one: pipeline.WarnBirthBefore1900 before
// 1900-01-01, pipeline.WarnBirthAfterAsOf after the as-of date (a birth on
// the as-of date itself is plausible). Normalize drops such a date from
// birth_date, so a person's birth date falls back to another row's or the
// NIK's; validate warns from the date as written. Both call this, so they
// agree on what is implausible.
func birthImplausible(birth arrow.Date32, asOf asOfDay) string {
	switch {
	case birth < minBirth:
		return pipeline.WarnBirthBefore1900
	case birth > asOf.last:
		return pipeline.WarnBirthAfterAsOf
	}
	return ""
}

// The row-local stages work on dates as arrow's date32 does, as days since
// 1970-01-01 in the proleptic Gregorian calendar: comparing two dates or
// reading a date's fields is then a few integer operations per row, not a
// time.Time built and taken apart.

// dayOf returns the date32 of a calendar date: year any, month 1–12, day
// 1–31 (a day the month lacks counts on into the next month, as time.Date
// does). It is time.Date(y, m, d, 0, 0, 0, 0, time.UTC) in days, computed
// as in Howard Hinnant's days_from_civil: years start on 1 March, so the
// leap day is a year's last, and a 400-year era has 146,097 days.
func dayOf(y, m, d int) arrow.Date32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400                             // 0..399
	doy := (153*((m+9)%12)+2)/5 + d - 1            // day of the year from 1 March: 0..365
	doe := yoe*365 + yoe/4 - yoe/100 + doy         // day of the era: 0..146096
	return arrow.Date32(era*146097 + doe - 719468) // 719468: 0000-03-01 to 1970-01-01
}

// civil returns the calendar fields of a date32, month 1–12: the inverse
// of dayOf (Hinnant's civil_from_days), and (time.Time).Date of the day's
// UTC midnight.
func civil(day arrow.Date32) (y, m, d int) {
	z := int(day) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // 0..146096
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // 0..399
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // from 1 March: 0..365
	mp := (5*doy + 2) / 153                                // month from March: 0..11
	d = doy - (153*mp+2)/5 + 1
	m = (mp+2)%12 + 1
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// asOfDay is the as-of date as the row-local stages compare with it,
// worked out once per stage.
type asOfDay struct {
	// last is the last day whose UTC midnight is not after the as-of
	// instant: a date is after the as-of date when it is after last, as
	// the date's time.Time would be After the as-of one.
	last arrow.Date32
	// year, month and day are the as-of date's fields in its own location
	// (asOf.Date()): they pick a NIK's century (nikBirth).
	year, month, day int
}

// newAsOfDay returns asOf in days. For the run's as-of date, a UTC
// midnight, last is that date itself.
func newAsOfDay(asOf time.Time) asOfDay {
	y, m, d := asOf.Date()
	return asOfDay{last: dateOf(asOf), year: y, month: int(m), day: d}
}

// dateOf returns the day of t's UTC date: the date32 of a UTC midnight,
// and of any instant the day it falls on.
func dateOf(t time.Time) arrow.Date32 {
	const secondsPerDay = 24 * 60 * 60
	s := t.Unix()
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return arrow.Date32(d)
}

// monthNames maps Indonesian and English month names and their usual
// abbreviations, upper case, to the month.
var monthNames = func() map[string]time.Month {
	table := []struct {
		m     time.Month
		names []string
	}{
		{time.January, []string{"JANUARI", "JANUARY", "JAN"}},
		{time.February, []string{"FEBRUARI", "FEBRUARY", "PEBRUARI", "FEB", "PEB"}},
		{time.March, []string{"MARET", "MARCH", "MAR"}},
		{time.April, []string{"APRIL", "APR"}},
		{time.May, []string{"MEI", "MAY"}},
		{time.June, []string{"JUNI", "JUNE", "JUN"}},
		{time.July, []string{"JULI", "JULY", "JUL"}},
		{time.August, []string{"AGUSTUS", "AUGUST", "AGU", "AGS", "AGT", "AUG"}},
		{time.September, []string{"SEPTEMBER", "SEP", "SEPT"}},
		{time.October, []string{"OKTOBER", "OCTOBER", "OKT", "OCT"}},
		{time.November, []string{"NOVEMBER", "NOPEMBER", "NOV", "NOP"}},
		{time.December, []string{"DESEMBER", "DECEMBER", "DES", "DEC"}},
	}
	m := map[string]time.Month{}
	for _, t := range table {
		for _, n := range t.names {
			m[n] = t.m
		}
	}
	return m
}()

// parseDate reads a date cell and returns it as UTC midnight. Accepted,
// with surrounding spaces ignored and names in any case:
//
//	44012, 44012.5, 44012,5   Excel serial (1900 system; the fraction, a time, is dropped)
//	                          except 1900–2100, a bare year (see bareYear)
//	30/06/2020 30-06-2020 30.06.2020 30/6/2020    day first
//	2020-06-30 2020/06/30 2020.06.30              year first
//	2020-06-30 00:00:00, 2020-06-30T00:00:00Z     any of the above with a time, dropped
//	30 Juni 2020, 30 Jun 2020, 30-Jun-2020, 30 Jun. 2020
//
// Numeric forms are day first, never month first: 06/30/2020 is not a
// date. Years must have four digits. Impossible dates (31/04/2020,
// 29/02/2019, serial 60 which Excel shows as 1900-02-29, serial 0) give
// false, as does a bare year (1985) and anything else.
//
// Before reading, invisible characters (zero-width spaces, control bytes:
// see invisible) are dropped, every kind of white space (no-break spaces
// included) counts as a space, and full-width digits are read as ASCII
// digits. parseDate does not judge whether a date is plausible for its
// column: see birthImplausible.
func parseDate(raw string) (time.Time, bool) {
	s := strings.ToUpper(strings.TrimSpace(foldDateText(raw)))
	if s == "" {
		return time.Time{}, false
	}
	if n, ok := serialDays(s); ok {
		if bareYear(n) {
			return time.Time{}, false
		}
		d, ok := serialDay(n)
		if !ok {
			return time.Time{}, false
		}
		return d.ToTime(), true
	}
	s, ok := stripTime(s)
	if !ok {
		return time.Time{}, false
	}
	if t, ok := numericDate(s); ok {
		return t, true
	}
	return textDate(s)
}

// parseDay is parseDate as a date32. The forms that fill almost every
// date column are read here without building a time.Time: day first
// (30/06/2020) and year first (2020-06-30) in exactly ten ASCII bytes with
// one of parseDate's separators twice (numericDay10), and a whole Excel
// serial of up to seven digits, the text of an xlsx date cell. Anything
// else goes through parseDate. The result is the same either way: these
// are texts parseDate reads with numericDate and serialDays, as they are
// read here, after its folding, which leaves them as they are.
func parseDay(s string) (arrow.Date32, bool) {
	if y, m, d, ok := numericDay10(s); ok {
		if y < minTextYear || y > maxTextYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
			return 0, false // makeDate's refusal
		}
		return dayOf(y, m, d), true
	}
	if len(s) <= 7 && allDigits(s) {
		return serialDay(atoi(s))
	}
	t, ok := parseDate(s)
	if !ok {
		return 0, false
	}
	return dateOf(t), true
}

// serialDay is parseDate of the whole Excel serial n, in days.
func serialDay(n int) (arrow.Date32, bool) {
	switch {
	case bareYear(n) || n < 1 || n == excelLeapDay || n > maxSerial:
		return 0, false
	case n < excelLeapDay:
		return excelEpochEarlyDay + arrow.Date32(n), true
	default:
		return excelEpochDay + arrow.Date32(n), true
	}
}

// numericDay10 splits a text of the shape DD?MM?YYYY or YYYY?MM?DD, ? being
// '/', '-' or '.' (the same twice) and every other byte an ASCII digit,
// into its numbers; ok is false for a text of any other shape. A text of
// this shape is one parseDate reads with numericDate, as this splits it:
// it is not an Excel serial (a serial has one separator, '.' or ','), has
// no time of day (no ':') and names no month.
func numericDay10(s string) (y, m, d int, ok bool) {
	if len(s) != 10 {
		return 0, 0, 0, false
	}
	dateSep := func(c byte) bool { return c == '/' || c == '-' || c == '.' }
	if sep := s[2]; dateSep(sep) && s[5] == sep && allDigits(s[:2]) && allDigits(s[3:5]) && allDigits(s[6:]) {
		return atoi(s[6:]), atoi2(s[3:5]), atoi2(s[:2]), true
	}
	if sep := s[4]; dateSep(sep) && s[7] == sep && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:]) {
		return atoi(s[:4]), atoi2(s[5:7]), atoi2(s[8:]), true
	}
	return 0, 0, 0, false
}

// foldDateText drops invisible characters, turns white space into ASCII
// spaces and full-width digits into ASCII digits.
func foldDateText(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return foldDateTextUnicode(s)
		}
	}
	return s // printable ASCII only: nothing to fold
}

// foldDateTextUnicode is foldDateText for any text, rune by rune.
func foldDateTextUnicode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case invisible(r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return asciiDigit(r)
	}, s)
}

// serialDays reads an Excel serial: digits with an optional fraction
// after '.' or ','. ok is false when s is not such a number; the whole
// days are returned.
func serialDays(s string) (int, bool) {
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(whole) > 7 || !allDigits(whole) || (frac != "" && !allDigits(frac)) {
		return 0, false
	}
	if strings.ContainsAny(frac, ".,") {
		return 0, false
	}
	n, _ := strconv.Atoi(whole)
	return n, true
}

// excelSerial60 reports whether a cell holds Excel's serial 60, the
// fictitious 1900-02-29.
func excelSerial60(raw string) bool {
	n, ok := serialDays(strings.TrimSpace(foldDateText(raw)))
	return ok && n == excelLeapDay
}

// stripTime removes a trailing time of day ("00:00", "00:00:00",
// "00:00:00.000", optionally followed by Z or an offset) separated from
// the date by spaces or a 'T'. ok is false when a time is there but is not
// a possible time of day.
func stripTime(s string) (string, bool) {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return s, true
	}
	i := strings.LastIndexAny(s[:colon], " T")
	if i < 0 {
		return s, false
	}
	datePart := strings.TrimRight(s[:i], " ")
	if datePart == "" || !validClock(s[i+1:]) {
		return s, false
	}
	return datePart, true
}

// validClock checks H:MM[:SS[.fff]] with an optional Z or ±hh[:]mm.
func validClock(c string) bool {
	if strings.HasSuffix(c, "Z") {
		c = c[:len(c)-1]
	} else if j := strings.LastIndexAny(c, "+-"); j > 0 {
		off := strings.Replace(c[j+1:], ":", "", 1)
		if len(off) != 4 || !allDigits(off) {
			return false
		}
		c = c[:j]
	}
	if sec, _, ok := strings.Cut(c, "."); ok {
		c = sec
	}
	parts := strings.Split(c, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	limits := []int{23, 59, 59}
	for k, p := range parts {
		if len(p) < 1 || len(p) > 2 || !allDigits(p) || (k > 0 && len(p) != 2) {
			return false
		}
		if v, _ := strconv.Atoi(p); v > limits[k] {
			return false
		}
	}
	return true
}

// numericDate reads D/M/YYYY and YYYY/M/D with one separator used twice:
// '/', '-' or '.'.
func numericDate(s string) (time.Time, bool) {
	var sep byte
	for _, c := range []byte{'/', '-', '.'} {
		if strings.Count(s, string(c)) == 2 {
			sep = c
			break
		}
	}
	if sep == 0 {
		return time.Time{}, false
	}
	var p [3]string // sep is there twice
	p[0], p[2], _ = strings.Cut(s, string(sep))
	p[1], p[2], _ = strings.Cut(p[2], string(sep))
	for _, x := range p {
		if !allDigits(x) {
			return time.Time{}, false
		}
	}
	switch {
	case len(p[0]) == 4 && len(p[1]) <= 2 && len(p[2]) <= 2:
		return makeDate(atoi(p[0]), atoi(p[1]), atoi(p[2]))
	case len(p[0]) <= 2 && len(p[1]) <= 2 && len(p[2]) == 4:
		return makeDate(atoi(p[2]), atoi(p[1]), atoi(p[0]))
	}
	return time.Time{}, false
}

// textDate reads "30 Juni 2020", "30-Jun-2020", "30 Jun. 2020".
func textDate(s string) (time.Time, bool) {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '-' || r == '/' || r == '.' || r == ','
	})
	if len(f) != 3 || len(f[0]) > 2 || !allDigits(f[0]) || len(f[2]) != 4 || !allDigits(f[2]) {
		return time.Time{}, false
	}
	m, ok := monthNames[f[1]]
	if !ok {
		return time.Time{}, false
	}
	return makeDate(atoi(f[2]), int(m), atoi(f[0]))
}

// makeDate builds a date, refusing impossible ones instead of normalising
// them the way time.Date does.
func makeDate(y, m, d int) (time.Time, bool) {
	if y < minTextYear || y > maxTextYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// atoi reads a short string of ASCII digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
