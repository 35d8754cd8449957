package transforms

import (
	"fmt"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz tests for the parsers of user input. Run one with, for example,
//
//	go test ./transforms -run '^$' -fuzz FuzzParseDate -fuzztime 30s
//
// The seeds below run with every plain `go test`.

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"44012", "44012.5", "60", "0", "2958465", "30/06/2020", "30-06-2020", "30.06.2020",
		"2020-06-30", "2020/06/30", "2020-06-30 00:00:00", "2020-06-30T00:00:00Z",
		"30 Juni 2020", "30 Jun 2020", "30-Jun-2020", "29/02/2019", "06/30/2020", "",
		"2020-06-30T08:00:00+07:00", "1 1 1", "::", " T:", "9999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := parseDate(raw)
		if !ok {
			if !got.IsZero() {
				t.Fatalf("parseDate(%q) failed but returned %v", raw, got)
			}
			return
		}
		if got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("parseDate(%q) = %v, not UTC midnight", raw, got)
		}
		for _, layout := range []string{"2006-01-02", "02/01/2006", "2 January 2006"} {
			back, ok := parseDate(got.Format(layout))
			if !ok || !back.Equal(got) {
				t.Fatalf("parseDate(%q) = %s, but its %q form %q reads as %v, %v",
					raw, got.Format(time.DateOnly), layout, got.Format(layout), back, ok)
			}
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{
		"H. Abdul Rahman", "H.ABDUL", "SITI AMINAH, S.Pd.", "Prof. Dr. Ir. H. Bambang, S.H., M.H.",
		"A.H. NASUTION", "H. Dr.", "", "José Ñandú", "ǅ", "\xff\xfe", "ß", "ﬀ", "H\u0345", "S . PD",
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
		if d := displayName(s); displayName(d) != d {
			t.Fatalf("displayName(%q) = %q, then %q", s, d, displayName(d))
		}
		if len(s) < 256 { // jaroWinkler is quadratic; names are short
			if sim := jaroWinkler(s, once); sim < 0 || sim > 1 {
				t.Fatalf("jaroWinkler(%q, %q) = %v, outside 0..1", s, once, sim)
			}
		}
	})
}

func FuzzNIK(f *testing.F) {
	f.Add("'1771 0112 0590 0001", uint32(0), false, uint16(1))
	f.Add("17.71.01-430201.0002", uint32(7000), true, uint16(9999))
	f.Add("''.'-", uint32(36499), false, uint16(0))
	f.Add("1.77E+15", uint32(12345), true, uint16(42))
	f.Fuzz(func(t *testing.T, raw string, daysBack uint32, female bool, serial uint16) {
		// cleanNIK is idempotent and scientific never panics.
		c := cleanNIK(raw)
		if cleanNIK(c) != c {
			t.Fatalf("cleanNIK(%q) = %q, then %q", raw, c, cleanNIK(c))
		}
		_ = scientific(raw)
		nikBirth(c, testAsOf)

		// A NIK generated for a birth date within the century before the
		// as-of date reads back as that date and sex.
		birth := testAsOf.AddDate(0, 0, -int(daysBack%36500))
		day := birth.Day()
		if female {
			day += 40
		}
		nik := fmt.Sprintf("177101%02d%02d%02d%04d", day, int(birth.Month()), birth.Year()%100, int(serial%10000))
		got, gotFemale, ok := nikBirth(nik, testAsOf)
		if !ok || !got.Equal(birth) || gotFemale != female {
			t.Fatalf("nikBirth(%s) = %s, %v, %v; want %s, %v", nik,
				got.Format(time.DateOnly), gotFemale, ok, birth.Format(time.DateOnly), female)
		}
		if cleanNIK(nik) != nik {
			t.Fatalf("cleanNIK changed a clean NIK %s", nik)
		}
	})
}
