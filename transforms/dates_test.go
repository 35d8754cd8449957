package transforms

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"readiness/pipeline"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want time.Time // zero: not a date
	}{
		// Excel serials, 1900 system.
		{"serial", "44012", utcDate(2020, 6, 30)},
		{"serial with fraction", "44012.5", utcDate(2020, 6, 30)},
		{"serial with comma fraction", "44012,75", utcDate(2020, 6, 30)},
		{"serial with spaces", " 44012 ", utcDate(2020, 6, 30)},
		{"serial 1", "1", utcDate(1900, 1, 1)},
		{"serial 59", "59", utcDate(1900, 2, 28)},
		{"serial 60 is Excel's 1900-02-29", "60", time.Time{}},
		{"serial 61", "61", utcDate(1900, 3, 1)},
		{"serial 0", "0", time.Time{}},
		{"last serial", "2958465", utcDate(9999, 12, 31)},
		{"past last serial", "2958466", time.Time{}},
		{"serial 1985-03-17", "31123", utcDate(1985, 3, 17)},
		{"negative serial", "-5", time.Time{}},
		{"two fractions", "44012.5.5", time.Time{}},
		// Day first.
		{"slashes", "30/06/2020", utcDate(2020, 6, 30)},
		{"hyphens", "30-06-2020", utcDate(2020, 6, 30)},
		{"dots", "30.06.2020", utcDate(2020, 6, 30)},
		{"one-digit day and month", "1/7/2020", utcDate(2020, 7, 1)},
		{"day-first with time", "30/06/2020 10:15", utcDate(2020, 6, 30)},
		{"mixed separators", "30/06-2020", time.Time{}},
		{"US month first is not guessed", "06/30/2020", time.Time{}},
		{"two-digit year", "30/06/20", time.Time{}},
		{"31 April", "31/04/2020", time.Time{}},
		{"29 Feb leap", "29/02/2020", utcDate(2020, 2, 29)},
		{"29 Feb not leap", "29/02/2019", time.Time{}},
		{"29 Feb 1900", "29/02/1900", time.Time{}},
		{"month 13", "01/13/2020", time.Time{}},
		{"day 0", "00/06/2020", time.Time{}},
		// Year first.
		{"iso", "2020-06-30", utcDate(2020, 6, 30)},
		{"iso slashes", "2020/06/30", utcDate(2020, 6, 30)},
		{"iso time", "2020-06-30 00:00:00", utcDate(2020, 6, 30)},
		{"iso T", "2020-06-30T00:00:00", utcDate(2020, 6, 30)},
		{"iso T Z", "2020-06-30T23:59:59Z", utcDate(2020, 6, 30)},
		{"iso offset", "2020-06-30T08:00:00+07:00", utcDate(2020, 6, 30)},
		{"iso millis", "2020-06-30 00:00:00.000", utcDate(2020, 6, 30)},
		{"impossible time", "2020-06-30 25:00:00", time.Time{}},
		{"time alone", "10:15", time.Time{}},
		{"year 0202 is a slip", "0202-06-30", time.Time{}},
		{"iso impossible", "2019-02-29", time.Time{}},
		// Month names.
		{"Indonesian", "30 Juni 2020", utcDate(2020, 6, 30)},
		{"abbreviation", "30 Jun 2020", utcDate(2020, 6, 30)},
		{"abbreviation with dot", "30 Jun. 2020", utcDate(2020, 6, 30)},
		{"hyphenated", "30-Jun-2020", utcDate(2020, 6, 30)},
		{"upper case", "17 AGUSTUS 1945", utcDate(1945, 8, 17)},
		{"lower case", "17 agustus 1945", utcDate(1945, 8, 17)},
		{"English", "1 December 1999", utcDate(1999, 12, 1)},
		{"Mei", "2 Mei 2000", utcDate(2000, 5, 2)},
		{"May", "2 May 2000", utcDate(2000, 5, 2)},
		{"Peb", "3 Peb 2001", utcDate(2001, 2, 3)},
		{"Ags", "4 Ags 2002", utcDate(2002, 8, 4)},
		{"Agu", "4 Agu 2002", utcDate(2002, 8, 4)},
		{"Sept", "5 Sept 2003", utcDate(2003, 9, 5)},
		{"Okt", "6 Okt 2004", utcDate(2004, 10, 6)},
		{"Nop", "7 Nop 2005", utcDate(2005, 11, 7)},
		{"Nopember", "7 Nopember 2005", utcDate(2005, 11, 7)},
		{"Des", "8 Des 2006", utcDate(2006, 12, 8)},
		{"Maret", "9 Maret 2007", utcDate(2007, 3, 9)},
		{"with time", "30 Juni 2020 08:00", utcDate(2020, 6, 30)},
		{"two-digit year with name", "30 Jun 20", time.Time{}},
		{"31 Juni", "31 Juni 2020", time.Time{}},
		{"unknown month", "30 Junio 2020", time.Time{}},
		{"month first with name", "Juni 30 2020", time.Time{}},
		// A bare year is not a serial of 1905.
		{"bare year 1985", "1985", time.Time{}},
		{"bare year 1900", "1900", time.Time{}},
		{"bare year 2100", "2100", time.Time{}},
		{"bare year with fraction", "1985.0", time.Time{}},
		{"bare year with spaces", " 2020 ", time.Time{}},
		{"serial 1899 is no year", "1899", utcDate(1905, 3, 13)},
		{"serial 2101 is no year", "2101", utcDate(1905, 10, 1)},
		// Dirty text.
		{"no-break spaces", "30\u00a0Juni\u00a02020", utcDate(2020, 6, 30)},
		{"no-break space before the time", "2020-06-30\u00a010:15", utcDate(2020, 6, 30)},
		{"tab around", "\t30/06/2020\n", utcDate(2020, 6, 30)},
		{"zero-width space and BOM", "\ufeff30/06/\u200b2020", utcDate(2020, 6, 30)},
		{"control byte", "30/06/2020\x00", utcDate(2020, 6, 30)},
		{"full-width digits", "３０/０６/２０２０", utcDate(2020, 6, 30)},
		{"full-width serial", "４４０１２", utcDate(2020, 6, 30)},
		{"only invisible", "\u200b\ufeff", time.Time{}},
		{"Arabic-Indic digits", "٣٠/٠٦/٢٠٢٠", time.Time{}},
		// Not dates.
		{"empty", "", time.Time{}},
		{"spaces", "   ", time.Time{}},
		{"dash", "-", time.Time{}},
		{"word", "BELUM ADA", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseDate(tt.raw)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Fatalf("parseDate(%q) = %s, %v; want %s", tt.raw, got.Format(time.DateOnly), ok, tt.want.Format(time.DateOnly))
			}
			if ok && (got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0) {
				t.Errorf("parseDate(%q) = %v, want UTC midnight", tt.raw, got)
			}
		})
	}
}

func TestBirthImplausible(t *testing.T) {
	tests := []struct {
		name  string
		birth time.Time
		want  string
	}{
		{"ordinary", utcDate(1990, 5, 12), ""},
		{"first plausible day", utcDate(1900, 1, 1), ""},
		{"the day before", utcDate(1899, 12, 31), "BIRTH_BEFORE_1900"},
		{"on the as-of date", testAsOf, ""},
		{"the day after", testAsOf.AddDate(0, 0, 1), "BIRTH_AFTER_AS_OF"},
		{"typo of the decade", utcDate(2030, 5, 12), "BIRTH_AFTER_AS_OF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := birthImplausible(dateOf(tt.birth), newAsOfDay(testAsOf)); got != tt.want {
				t.Errorf("birthImplausible(%s) = %q, want %q", tt.birth.Format(time.DateOnly), got, tt.want)
			}
		})
	}
}

func TestExcelSerial60(t *testing.T) {
	for raw, want := range map[string]bool{"60": true, " 60.25 ": true, "６０": true, "\u200b60": true, "61": false, "29/02/1900": false, "": false} {
		if got := excelSerial60(raw); got != want {
			t.Errorf("excelSerial60(%q) = %v, want %v", raw, got, want)
		}
	}
}

// dayOf and civil against time.Date, every day of years before the
// common era to Excel's last, and dayOf's reading of a day the month
// lacks.
func TestDayOfCivil(t *testing.T) {
	for d := utcDate(-801, 1, 1); d.Year() < 10000; d = d.AddDate(0, 0, 1) {
		y, m, day := d.Date()
		got := dayOf(y, int(m), day)
		if want := dateOf(d); got != want {
			t.Fatalf("dayOf(%d, %d, %d) = %d, want %d", y, m, day, got, want)
		}
		if gy, gm, gd := civil(got); gy != y || gm != int(m) || gd != day {
			t.Fatalf("civil(%d) = %d-%d-%d, want %s", got, gy, gm, gd, d.Format(time.DateOnly))
		}
	}
	for _, c := range []struct{ y, m, d int }{{2019, 2, 29}, {2020, 2, 30}, {2020, 4, 31}, {1900, 2, 29}, {2020, 12, 31}} {
		if got, want := dayOf(c.y, c.m, c.d), dateOf(utcDate(c.y, time.Month(c.m), c.d)); got != want {
			t.Errorf("dayOf(%d, %d, %d) = %d, want %d as time.Date reads it", c.y, c.m, c.d, got, want)
		}
	}
}

// birthImplausible in days against the rule it states in times, around
// its two bounds, for as-of dates that are UTC midnights and for instants
// that are not (an hour into the day, another zone).
func TestBirthImplausibleDays(t *testing.T) {
	ref := func(birth, asOf time.Time) string {
		switch {
		case birth.Before(utcDate(1900, 1, 1)):
			return pipeline.WarnBirthBefore1900
		case birth.After(asOf):
			return pipeline.WarnBirthAfterAsOf
		}
		return ""
	}
	wib := time.FixedZone("WIB", 7*60*60)
	for _, asOf := range []time.Time{
		testAsOf, utcDate(2000, 2, 29), utcDate(2024, 2, 29), utcDate(1999, 12, 31), utcDate(1900, 1, 1),
		testAsOf.Add(time.Hour), testAsOf.Add(-time.Nanosecond), time.Date(2020, 6, 30, 0, 0, 0, 0, wib),
		time.Date(2020, 6, 30, 23, 0, 0, 0, wib),
	} {
		a := newAsOfDay(asOf)
		for _, around := range []time.Time{utcDate(1900, 1, 1), asOf.UTC().Truncate(24 * time.Hour)} {
			for k := -3; k <= 3; k++ {
				birth := around.AddDate(0, 0, k)
				if got, want := birthImplausible(dateOf(birth), a), ref(birth, asOf); got != want {
					t.Errorf("birthImplausible(%s, as of %s) = %q, want %q", birth.Format(time.DateOnly), asOf, got, want)
				}
			}
		}
	}
}

// parseDay against parseDate: every ten-byte numeric text numericDay10
// reads (both orders, each separator, days, months and years around their
// bounds, leap days), whole serials, and texts of nearly those shapes,
// which parseDate reads.
func TestParseDay(t *testing.T) {
	check := func(s string) {
		t.Helper()
		got, ok := parseDay(s)
		want, wantOK := parseDate(s)
		if ok != wantOK || ok && got != dateOf(want) {
			t.Fatalf("parseDay(%q) = %d (%s), %v; parseDate %s, %v", s, got, got.ToTime().Format(time.DateOnly), ok,
				want.Format(time.DateOnly), wantOK)
		}
	}
	years := []int{0, 1799, 1800, 1899, 1900, 1904, 1999, 2000, 2001, 2004, 2019, 2020, 2100, 2400, 9999}
	for _, sep := range []string{"/", "-", ".", ",", " ", ":"} {
		for _, y := range years {
			for m := 0; m <= 13; m++ {
				for d := 0; d <= 32; d++ {
					check(fmt.Sprintf("%02d%s%02d%s%04d", d, sep, m, sep, y))
					check(fmt.Sprintf("%04d%s%02d%s%02d", y, sep, m, sep, d))
				}
			}
		}
	}
	for _, s := range []string{
		"30/06-2020", "2020-06/30", "3O/06/2020", "30/06/2O20", "2020-06-3x", "30/6/20200", "300/6/2020",
		" 30/06/2020", "30/06/2020 ", "1/1/2020", "2020-1-1", "44012.5000", "4401200000", "30.06.2020",
		"06/30/2020", "29/02/2019", "29/02/2020", "29/02/1900", "29-02-2000", "１２/０５/１９９０", "",
		"44012.5", "44012,5", " 44012", "+44012", "044012", "0044012", "00044012", "12345678",
	} {
		check(s)
	}
	// Whole serials: all of 1900 to 2100, around the bare years and the
	// leap day that never was, and the last.
	for n := 0; n <= 100_000; n++ {
		check(strconv.Itoa(n))
	}
	for _, n := range []int{maxSerial - 1, maxSerial, maxSerial + 1, 9_999_999} {
		check(strconv.Itoa(n))
	}
}
