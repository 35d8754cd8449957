package transforms

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz tests for the parsers of user input: dates, names and NIKs. Run one
// with, for example,
//
//	go test ./transforms -run '^$' -fuzz '^FuzzParseDate$' -fuzztime 30s
//
// or all of them with `make fuzz`. The seeds (f.Add below and the files of
// testdata/fuzz/<Target>/) run with every plain `go test`; a failing input
// the fuzzer finds is written there too and stays a regression test.

// Bounds of the dates parseDate can return: text years from minTextYear,
// Excel serials from 1900-01-01, both up to Excel's last day.
var (
	firstDate = utcDate(minTextYear, 1, 1)
	lastDate  = utcDate(maxTextYear, 12, 31)
	dateSpan  = uint32((lastDate.Unix()-firstDate.Unix())/86400) + 1
)

// indonesianMonths are the month names of the regions' text dates.
var indonesianMonths = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni",
	"Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// dateForms returns d written in every form parseDate documents.
func dateForms(d time.Time) []string {
	forms := []string{}
	for _, layout := range []string{
		"2006-01-02", "2006/01/02", "2006.01.02", "2006-1-2",
		"02/01/2006", "02-01-2006", "02.01.2006", "2/1/2006",
		"2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05.000", "02/01/2006 15:04",
		"2 January 2006", "2 Jan 2006", "02-Jan-2006", "2 Jan. 2006",
	} {
		forms = append(forms, d.Format(layout))
	}
	forms = append(forms,
		strings.ToUpper(d.Format("2 January 2006")),
		fmt.Sprintf("%d %s %d", d.Day(), indonesianMonths[d.Month()-1], d.Year()),
		fmt.Sprintf(" %02d %s %d ", d.Day(), strings.ToLower(indonesianMonths[d.Month()-1]), d.Year()),
	)
	if n, ok := excelSerialOf(d); ok {
		forms = append(forms, strconv.Itoa(n), strconv.Itoa(n)+".5", strconv.Itoa(n)+",25")
	}
	return forms
}

// excelSerialOf is the inverse of serialDay, written from Excel's rules:
// 1900-01-01 is 1, and from 1900-03-01 (serial 61) the count is one ahead
// for the 1900-02-29 that never was. Serials 1900–2100 (days of 1905)
// have no form: parseDate reads them as bare years, not dates.
func excelSerialOf(d time.Time) (int, bool) {
	days := func(from time.Time) int { return int((d.Unix() - from.Unix()) / 86400) }
	switch {
	case d.Before(utcDate(1900, 1, 1)):
		return 0, false
	case d.Before(utcDate(1900, 3, 1)):
		return days(utcDate(1899, 12, 31)), true
	default:
		n := days(utcDate(1899, 12, 30))
		return n, n <= maxSerial && !bareYear(n)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"44012", "44012.5", "60", "0", "2958465", "30/06/2020", "30-06-2020", "30.06.2020",
		"2020-06-30", "2020/06/30", "2020-06-30 00:00:00", "2020-06-30T00:00:00Z",
		"30 Juni 2020", "30 Jun 2020", "30-Jun-2020", "29/02/2019", "06/30/2020", "",
		"2020-06-30T08:00:00+07:00", "1 1 1", "::", " T:", "9999999999999999999",
		"29/02/2000", "2000.02.29", "31-04-2020", "1799/12/31", "30/06-2020",
	} {
		f.Add(s, uint32(0))
	}
	f.Fuzz(func(t *testing.T, raw string, days uint32) {
		// Any text: a date read is UTC midnight within the accepted range,
		// and its canonical forms (and its Excel serial) read back as it.
		got, ok := parseDate(raw)
		if day, dayOK := parseDay(raw); dayOK != ok || ok && day != dateOf(got) {
			t.Fatalf("parseDay(%q) = %d, %v; parseDate %v, %v", raw, day, dayOK, got, ok)
		}
		if !ok {
			if !got.IsZero() {
				t.Fatalf("parseDate(%q) failed but returned %v", raw, got)
			}
		} else {
			if got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
				t.Fatalf("parseDate(%q) = %v, not UTC midnight", raw, got)
			}
			if got.Before(firstDate) || got.After(lastDate) {
				t.Fatalf("parseDate(%q) = %s, outside %s..%s", raw, got.Format(time.DateOnly),
					firstDate.Format(time.DateOnly), lastDate.Format(time.DateOnly))
			}
			forms := []string{got.Format("2006-01-02"), got.Format("02/01/2006"), got.Format("2 January 2006")}
			if n, ok := excelSerialOf(got); ok {
				forms = append(forms, strconv.Itoa(n))
			}
			for _, form := range forms {
				if back, ok := parseDate(form); !ok || !back.Equal(got) {
					t.Fatalf("parseDate(%q) = %s, but its form %q reads as %v, %v",
						raw, got.Format(time.DateOnly), form, back, ok)
				}
			}
		}

		// Any date in range, written in every documented form, reads back.
		d := firstDate.AddDate(0, 0, int(days%dateSpan))
		for _, form := range dateForms(d) {
			if back, ok := parseDate(form); !ok || !back.Equal(d) {
				t.Fatalf("parseDate(%q) = %v, %v; want %s", form, back, ok, d.Format(time.DateOnly))
			}
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{
		"H. Abdul Rahman", "H.ABDUL", "SITI AMINAH, S.Pd.", "Prof. Dr. Ir. H. Bambang, S.H., M.H.",
		"A.H. NASUTION", "H. Dr.", "", "José Ñandú", "ǅ", "\xff\xfe", "ß", "ﬀ", "H\u0345", "S . PD",
		"SITI AMINAH", " SITI", "SITI ", "SITI  AMINAH", "SITI\tAMINAH", "SITI\x00", "JL. MERDEKA NO. 5", "Siti",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := normalizeName(s)
		if twice := normalizeName(once); twice != once {
			t.Fatalf("normalizeName(%q) = %q, then %q", s, once, twice)
		}
		if !utf8.ValidString(once) {
			t.Fatalf("normalizeName(%q) = %q, not UTF-8", s, once)
		}
		// k3Preparer relies on it: a matching form is its own.
		if p := normalizePlace(s); normalizePlace(p) != p {
			t.Fatalf("normalizePlace(%q) = %q, then %q", s, p, normalizePlace(p))
		}
		if d := displayName(s); displayName(d) != d {
			t.Fatalf("displayName(%q) = %q, then %q", s, d, displayName(d))
		}
		out, ascii := appendDisplayASCII(nil, s)
		if unchanged := ascii && string(out) == s; displayedASCII(s) != unchanged {
			t.Fatalf("displayedASCII(%q) = %v; appendDisplayASCII gives %q, %v", s, displayedASCII(s), out, ascii)
		}
		if len(s) < 256 { // jaroWinkler is quadratic; names are short
			sim := jaroWinkler(s, once)
			if sim < 0 || sim > 1 {
				t.Fatalf("jaroWinkler(%q, %q) = %v, outside 0..1", s, once, sim)
			}
			if num, den := jaroWinklerFraction(s, once); math.Abs(float64(num)/float64(den)-sim) > 1e-12 {
				t.Fatalf("jaroWinklerFraction(%q, %q) = %d/%d, jaroWinkler %v", s, once, num, den, sim)
			}
		}
	})
}

// nikSeparators are what people and spreadsheets put inside a NIK and
// cleanNIK removes; nikApostrophes are the "keep as text" marks in front.
var (
	nikSeparators  = []string{" ", ".", "-", "\t", "\u00a0", "\u2007", "\u202f", "\u2010", "\u2013", "\u2015", "\u2212"}
	nikApostrophes = []string{"", "'", "\u2018", "\u2019", "`"}
)

// dirtyNIK writes nik as a spreadsheet might: each noise byte (up to 64)
// puts one separator into one of the 17 gaps around its digits, and the
// length of noise picks a leading apostrophe.
func dirtyNIK(nik string, noise []byte) string {
	noise = noise[:min(len(noise), 64)]
	var gaps [nikLen + 1]string
	for _, b := range noise {
		gaps[int(b)%len(gaps)] += nikSeparators[int(b)/len(gaps)%len(nikSeparators)]
	}
	var sb strings.Builder
	sb.WriteString(nikApostrophes[len(noise)%len(nikApostrophes)])
	for i := range nikLen {
		sb.WriteString(gaps[i])
		sb.WriteByte(nik[i])
	}
	sb.WriteString(gaps[nikLen])
	return sb.String()
}

// afterCentury reports whether birth is after asOf less 100 years, by
// calendar fields (asOf.AddDate(-100, 0, 0) would move 29 February).
func afterCentury(birth, asOf time.Time) bool {
	by, bm, bd := birth.Date()
	ay, am, ad := asOf.Date()
	by += 100
	return by > ay || by == ay && (bm > am || bm == am && bd > ad)
}

func FuzzNIK(f *testing.F) {
	f.Add("'1771 0112 0590 0001", uint16(7486), uint32(0), false, uint16(1), []byte(" .'"))
	f.Add("17.71.01-430201.0002", uint16(0), uint32(7000), true, uint16(9999), []byte{})
	f.Add("''.'-", uint16(36499), uint32(36499), false, uint16(0), []byte{0, 16, 33, 255})
	f.Add("1.77E+15", uint16(1), uint32(12345), true, uint16(42), []byte("\x11\x22\x33\x44"))
	f.Fuzz(func(t *testing.T, raw string, asOfDays uint16, daysBack uint32, female bool, serial uint16, noise []byte) {
		asOf := utcDate(2000, 1, 1).AddDate(0, 0, int(asOfDays)%36500) // 2000-01-01..2099-12-06

		// Any text: cleaning is idempotent, and a NIK read as a birth date
		// encodes that date back, falls in the century before the as-of
		// date, and is never a number in scientific notation.
		c := cleanNIK(raw)
		if cc := cleanNIK(c); cc != c {
			t.Fatalf("cleanNIK(%q) = %q, then %q", raw, c, cc)
		}
		sci := scientific(raw)
		if birth, fem, ok := nikBirthTime(c, asOf); ok {
			if sci {
				t.Fatalf("scientific(%q) yet nikBirth(%q) = %s", raw, c, birth.Format(time.DateOnly))
			}
			day := birth.Day()
			if fem {
				day += 40
			}
			if enc := fmt.Sprintf("%02d%02d%02d", day, int(birth.Month()), birth.Year()%100); enc != c[6:12] {
				t.Fatalf("nikBirth(%s) = %s, %v, which encodes as %s", c, birth.Format(time.DateOnly), fem, enc)
			}
			if birth.After(asOf) || !afterCentury(birth, asOf) {
				t.Fatalf("nikBirth(%s, as of %s) = %s, outside the century before", c,
					asOf.Format(time.DateOnly), birth.Format(time.DateOnly))
			}
		}

		// A NIK built for a birth date within the century before the as-of
		// date reads back as that date and sex, and so does any dirty
		// spelling of it once cleaned.
		birth := asOf.AddDate(0, 0, -int(daysBack%36500))
		day := birth.Day()
		if female {
			day += 40
		}
		nik := fmt.Sprintf("177101%02d%02d%02d%04d", day, int(birth.Month()), birth.Year()%100, int(serial%10000))
		got, gotFemale, ok := nikBirthTime(nik, asOf)
		if !ok || !got.Equal(birth) || gotFemale != female {
			t.Fatalf("nikBirth(%s, as of %s) = %s, %v, %v; want %s, %v", nik, asOf.Format(time.DateOnly),
				got.Format(time.DateOnly), gotFemale, ok, birth.Format(time.DateOnly), female)
		}
		if d, m, yy, fem := nikDayMonthYY(nik); d != birth.Day() || m != int(birth.Month()) || yy != birth.Year()%100 || fem != female {
			t.Fatalf("nikDayMonthYY(%s) = %d, %d, %d, %v", nik, d, m, yy, fem)
		}
		if cleanNIK(nik) != nik {
			t.Fatalf("cleanNIK changed a clean NIK %s to %q", nik, cleanNIK(nik))
		}
		if dirty := dirtyNIK(nik, noise); cleanNIK(dirty) != nik {
			t.Fatalf("cleanNIK(%q) = %q, want %s", dirty, cleanNIK(dirty), nik)
		}
	})
}
