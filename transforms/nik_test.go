package transforms

import (
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
			got, female, ok := nikBirth(tt.nik, tt.asOf)
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

func TestDaysIn(t *testing.T) {
	for y := -1000; y <= 10000; y++ {
		for m := time.Month(0); m <= 13; m++ {
			if got, want := daysIn(y, m), daysInByDate(y, m); got != want {
				t.Fatalf("daysIn(%d, %d) = %d, want %d", y, m, got, want)
			}
		}
	}
}
