package transforms

import (
	"fmt"
	"testing"
	"time"
)

func TestCleanNIK(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"plain", "1771011205900001", "1771011205900001"},
		{"empty", "", ""},
		{"spaces", " 1771 0112 0590 0001 ", "1771011205900001"},
		{"no-break spaces", "1771\u00a0011205900001\u202f", "1771011205900001"},
		{"tab and newline", "\t1771011205900001\n", "1771011205900001"},
		{"dots", "17.71.01.120590.0001", "1771011205900001"},
		{"hyphens", "17-71-01-120590-0001", "1771011205900001"},
		{"unicode dash", "1771‐01‑120590–0001", "1771011205900001"},
		{"leading apostrophe", "'1771011205900001", "1771011205900001"},
		{"apostrophe after spaces", "  '1771011205900001", "1771011205900001"},
		{"two apostrophes", "''1771011205900001", "1771011205900001"},
		{"curly apostrophe", "’1771011205900001", "1771011205900001"},
		{"inner apostrophe kept", "1771'011205900001", "1771'011205900001"},
		{"letters kept", "1771O11205900001", "1771O11205900001"},
		{"comma kept", "1,771011205900001", "1,771011205900001"},
		{"scientific kept as text", "1.77E+15", "177E+15"},
		{"only separators", " - . ' ", ""},
		{"full-width digits", "１７７１０１１２０５９００００１", "1771011205900001"},
		{"full-width separators", "１７．７１－０１　１２０５９０．０００１", "1771011205900001"},
		{"zero-width space, BOM, soft hyphen", "\ufeff1771\u200b0112\u00ad05900001", "1771011205900001"},
		{"direction mark before the apostrophe", "\u200e'1771011205900001", "1771011205900001"},
		{"control bytes", "\x001771011205900001\x1f", "1771011205900001"},
		{"Arabic-Indic digits kept", "١٧٧١٠١١٢٠٥٩٠٠٠٠١", "١٧٧١٠١١٢٠٥٩٠٠٠٠١"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanNIK(tt.raw); got != tt.want {
				t.Errorf("cleanNIK(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			if again := cleanNIK(cleanNIK(tt.raw)); again != cleanNIK(tt.raw) {
				t.Errorf("cleanNIK not idempotent on %q: %q", tt.raw, again)
			}
		})
	}
}

func TestScientific(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want bool
	}{
		{"excel default", "1.77E+15", true},
		{"comma decimal", "1,771E15", true},
		{"long mantissa", "1.7710123456789E+15", true},
		{"lower case", "1.77e+15", true},
		{"negative exponent", "1.5E-3", true},
		{"no fraction", "177E13", true},
		{"spaces and apostrophe", " '1.77E+15 ", true},
		{"signed", "+1.77E+15", true},
		{"digits", "1771011205900001", false},
		{"empty", "", false},
		{"no exponent digits", "1.77E+", false},
		{"no mantissa", "E15", false},
		{"letters after", "1.77E+15X", false},
		{"two marks", "1.7.7E15", false},
		{"word", "BELUM ADA", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scientific(tt.raw); got != tt.want {
				t.Errorf("scientific(%q) = %v, want %v", tt.raw, got, tt.want)
			}
		})
	}
}

func utcDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var testAsOf = utcDate(2020, 6, 30)

func TestNIKBirth(t *testing.T) {
	tests := []struct {
		name   string
		nik    string
		asOf   time.Time
		want   time.Time
		female bool
		ok     bool
	}{
		{"man 1990", "1771011205900001", testAsOf, utcDate(1990, 5, 12), false, true},
		{"woman 2001", "1771014302010002", testAsOf, utcDate(2001, 2, 3), true, true},
		{"woman day 71", "1771017112850003", testAsOf, utcDate(1985, 12, 31), true, true},
		{"as-of day is 20YY", "1771013006200001", testAsOf, utcDate(2020, 6, 30), false, true},
		{"day after as-of is 19YY", "1771010107200001", testAsOf, utcDate(1920, 7, 1), false, true},
		{"next year is 19YY", "1771010101210001", testAsOf, utcDate(1921, 1, 1), false, true},
		{"00 is 2000", "1771012902000001", testAsOf, utcDate(2000, 2, 29), false, true},
		{"29 Feb 2000 seen from 1999 is 1900, not leap", "1771012902000001", utcDate(1999, 12, 31), time.Time{}, false, false},
		{"29 Feb 2004 leap", "1771016902040001", testAsOf, utcDate(2004, 2, 29), true, true},
		{"29 Feb 2019 not leap", "1771012902190001", testAsOf, time.Time{}, false, false},
		{"29 Feb 21 is 1921 not leap", "1771012902210001", testAsOf, time.Time{}, false, false},
		{"day 0", "1771010005900001", testAsOf, time.Time{}, false, false},
		{"day 32", "1771013205900001", testAsOf, time.Time{}, false, false},
		{"day 40", "1771014005900001", testAsOf, time.Time{}, false, false},
		{"day 72", "1771017205900001", testAsOf, time.Time{}, false, false},
		{"month 0", "1771011200900001", testAsOf, time.Time{}, false, false},
		{"month 13", "1771011213900001", testAsOf, time.Time{}, false, false},
		{"31 April", "1771013104900001", testAsOf, time.Time{}, false, false},
		{"71 April", "1771017104900001", testAsOf, time.Time{}, false, false},
		{"short", "177101120590001", testAsOf, time.Time{}, false, false},
		{"letters", "17710112O5900001", testAsOf, time.Time{}, false, false},
		{"empty", "", testAsOf, time.Time{}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, female, ok := nikBirthTime(tt.nik, tt.asOf)
			if ok != tt.ok || !got.Equal(tt.want) || female != tt.female {
				t.Errorf("nikBirth(%s) = %s, %v, %v; want %s, %v, %v", tt.nik,
					got.Format(time.DateOnly), female, ok, tt.want.Format(time.DateOnly), tt.female, tt.ok)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("location %v, want UTC", got.Location())
			}
		})
	}
}

// nikBirthTime is nikBirth with the as-of date and the birth date as
// times: the birth date UTC midnight, the zero time when ok is false.
func nikBirthTime(nik string, asOf time.Time) (birth time.Time, female, ok bool) {
	d, female, ok := nikBirth(nik, newAsOfDay(asOf))
	if !ok {
		return time.Time{}, female, false
	}
	return d.ToTime(), female, true
}

func TestDaysIn(t *testing.T) {
	for y := -1000; y <= 10000; y++ {
		for m := time.Month(0); m <= 13; m++ {
			if got, want := daysIn(y, m), daysInByDate(y, m); got != want {
				t.Fatalf("daysIn(%d, %d) = %d, want %d", y, m, got, want)
			}
		}
	}
}

// nikBirthRef is nikBirth as it was written in times, the reference its
// version in days is held to.
func nikBirthRef(nik string, asOf time.Time) (birth time.Time, female, ok bool) {
	if len(nik) != nikLen || !allDigits(nik) {
		return time.Time{}, false, false
	}
	day, month, yy := atoi2(nik[6:8]), atoi2(nik[8:10]), atoi2(nik[10:12])
	if day > 40 {
		day, female = day-40, true
	}
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return time.Time{}, false, false
	}
	year := 2000 + yy
	ay, am, ad := asOf.Date()
	if year > ay || (year == ay && (month > int(am) || (month == int(am) && day > ad))) {
		year -= 100
	}
	if day > daysInByDate(year, time.Month(month)) {
		return time.Time{}, false, false
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), female, true
}

// Every DDMMYY a NIK can hold (day 00–99, month 00–14, year 00–99)
// against nikBirthRef, for as-of dates on and around leap days, the turn
// of the century and the year's ends, and for an as-of instant that is
// not a UTC midnight: the century follows the as-of date's own fields.
func TestNIKBirthDays(t *testing.T) {
	wib := time.FixedZone("WIB", 7*60*60)
	for _, asOf := range []time.Time{
		testAsOf, utcDate(2000, 2, 28), utcDate(2000, 2, 29), utcDate(2000, 3, 1), utcDate(1999, 12, 31), utcDate(2000, 1, 1),
		utcDate(2024, 2, 29), utcDate(2099, 12, 31), utcDate(2100, 3, 1), time.Date(2020, 6, 30, 3, 0, 0, 0, wib),
	} {
		a := newAsOfDay(asOf)
		for dm := 0; dm < 100*15; dm++ {
			for yy := 0; yy < 100; yy++ {
				nik := fmt.Sprintf("177101%02d%02d%02d0001", dm/15, dm%15, yy)
				got, female, ok := nikBirth(nik, a)
				want, wantFemale, wantOK := nikBirthRef(nik, asOf)
				if ok != wantOK || female != wantFemale || ok && got != dateOf(want) {
					t.Fatalf("nikBirth(%s, as of %s) = %s, %v, %v; want %s, %v, %v", nik, asOf,
						got.ToTime().Format(time.DateOnly), female, ok, want.Format(time.DateOnly), wantFemale, wantOK)
				}
			}
		}
	}
}
