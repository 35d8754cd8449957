package transforms

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Budi Santoso", "BUDI SANTOSO"},
		{"spaces collapse", "  budi   santoso ", "BUDI SANTOSO"},
		{"haji with dot", "H. Abdul Rahman", "ABDUL RAHMAN"},
		{"haji without space", "H.Abdul Rahman", "ABDUL RAHMAN"},
		{"hajah", "HJ. SITI AMINAH", "SITI AMINAH"},
		{"haji word", "Haji Ahmad", "AHMAD"},
		{"degree after comma", "SITI AMINAH, S.Pd", "SITI AMINAH"},
		{"degree with dots", "SITI AMINAH S.Pd.", "SITI AMINAH"},
		{"degree without dots", "SITI AMINAH SPD", "SITI AMINAH"},
		{"several titles", "Prof. Dr. Ir. H. Bambang Wijaya, S.H., M.H.", "BAMBANG WIJAYA"},
		{"drs", "DRS. SUPARMAN", "SUPARMAN"},
		{"dra", "Dra. Sri Wahyuni, M.Pd", "SRI WAHYUNI"},
		{"S.Pd.I", "AHMAD S.Pd.I", "AHMAD"},
		{"amd keperawatan", "RINA AMD.KEP", "RINA"},
		{"almarhum in brackets", "SUKARNO (ALM)", "SUKARNO"},
		{"initial kept", "M. YUSUF", "M YUSUF"},
		{"hyphen and apostrophe", "Nur'aini Al-Hasan", "NUR AINI AL HASAN"},
		{"title inside a word kept", "HASAN SHOLEH", "HASAN SHOLEH"},
		// An initial that spells a title goes too: "A H NASUTION" would lose
		// its H on a second pass, and the result must be a fixed point.
		{"initial spelling a title", "A.H. NASUTION", "A NASUTION"},
		{"only titles", "H. Dr.", ""},
		{"empty", "", ""},
		{"punctuation only", ".,-", ""},
		{"accented", "José Ñandú", "JOSÉ ÑANDÚ"},
		{"digits kept", "BUDI 2", "BUDI 2"},
		{"no-break spaces", "Budi\u00a0Santoso\u202f", "BUDI SANTOSO"},
		{"zero-width space inside a word dropped", "BU\u200bDI SANTOSO", "BUDI SANTOSO"},
		{"BOM and control bytes dropped", "\ufeffBUDI\x00 SANTOSO\x1f", "BUDI SANTOSO"},
		{"title behind a zero-width space", "H\u200b. BUDI", "BUDI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := normalizeName(tt.in)
			if got != tt.want {
				t.Errorf("normalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := normalizeName(got); again != got {
				t.Errorf("normalizeName not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestTitlesList(t *testing.T) {
	for _, want := range strings.Fields("H HJ HAJI HAJAH DRS DRA DR IR PROF SH MH SE ST SPD SKM SAG SSOS SKOM MPD MSI AMD") {
		if !titles[want] {
			t.Errorf("titles.txt lacks %s (SPEC §5)", want)
		}
	}
	got := parseTitles("# comment\n\n s.pd. \nHj\n")
	if len(got) != 2 || !got["SPD"] || !got["HJ"] {
		t.Errorf("parseTitles = %v, want SPD and HJ", got)
	}
}

func TestDisplayName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"titles kept", "  h.  abdul\trahman,  s.pd ", "H. ABDUL RAHMAN, S.PD"},
		{"empty", "", ""},
		{"blank", " \u00a0 ", ""},
		{"invisible dropped", "\ufeffbudi\u200b santoso\x00", "BUDI SANTOSO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := displayName(tt.in); got != tt.want {
				t.Errorf("displayName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// displayedASCII tests eight bytes at a time: every byte class it must
// tell apart, at every position in a word and across words, against the
// test byte by byte.
func TestDisplayedASCIIWords(t *testing.T) {
	// One byte on each side of every edge the word tests draw.
	edges := []byte{0x00, 0x09, 0x1F, ' ', '!', 'A', 'Z', '@', '`', 'a', 'z', '{', '~', 0x7F, 0x80, 0xC3, 0xFF}
	reference := func(s string) bool {
		if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
			return s == ""
		}
		return displayedASCIIBytes(s, false)
	}
	check := func(s string) {
		t.Helper()
		if got, want := displayedASCII(s), reference(s); got != want {
			t.Fatalf("displayedASCII(%q) = %v, want %v", s, got, want)
		}
	}
	for n := 1; n <= 25; n++ {
		for pos := 0; pos < n; pos++ {
			for _, c := range edges {
				b := []byte(strings.Repeat("A", n))
				b[pos] = c
				check(string(b))
				if pos+1 < n { // two spaces side by side, a word's edge included
					b[pos], b[pos+1] = ' ', ' '
					check(string(b))
					b[pos+1] = c
					check(string(b))
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = edges[rng.IntN(len(edges))]
			if rng.IntN(2) == 0 {
				b[i] = "AB. ,"[rng.IntN(5)]
			}
		}
		check(string(b))
	}
}

// Long texts are compared on their first maxCompareRunes runes, so a
// 32,767-character cell cannot stall the run.
func TestJaroWinklerLongText(t *testing.T) {
	long := func(head string, n int, tail string) string { return head + strings.Repeat("A", n) + tail }
	tests := []struct {
		name string
		a, b string
		same bool // similarity 1
	}{
		{"differ after the cap", long("BUDI ", 32000, "X"), long("BUDI ", 32000, "Y"), true},
		{"differ within the cap", long("BUDI ", 32000, ""), long("SITI ", 32000, ""), false},
		{"one long, one short", long("BUDI ", 32762, ""), "BUDI", false},
		{"cap counts runes, not bytes", long(strings.Repeat("É", maxCompareRunes), 10, ""), strings.Repeat("É", maxCompareRunes), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := jaroWinkler(tt.a, tt.b)
			if (got == 1) != tt.same || got < 0 || got > 1 {
				t.Errorf("jaroWinkler = %.4f, want 1: %v", got, tt.same)
			}
			if rev := jaroWinkler(tt.b, tt.a); rev != got {
				t.Errorf("not symmetric: %.4f and %.4f", got, rev)
			}
		})
	}
}

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.961},
		{"DWAYNE", "DUANE", 0.840},
		{"DIXON", "DICKSONX", 0.813},
		{"JELLYFISH", "SMELLYFISH", 0.896},
		{"CRATE", "TRACE", 0.733},
		{"ABC", "ABC", 1},
		{"", "", 1},
		{"ABC", "", 0},
		{"ABC", "XYZ", 0},
		{"A", "A", 1},
		{"SITI AMINAH", "SITI AMINA", 0.982},
		{"ÉLODIE", "ELODIE", 0.889},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			got := jaroWinkler(tt.a, tt.b)
			if math.Abs(got-tt.want) > 0.0005 {
				t.Errorf("jaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
			}
			if rev := jaroWinkler(tt.b, tt.a); math.Abs(rev-got) > 1e-12 {
				t.Errorf("not symmetric: %.4f and %.4f", got, rev)
			}
		})
	}
}

// The threshold is inclusive (SPEC §5: similar at or above it), decided in
// exact arithmetic. The boundary pairs score exactly 0.92 = 23/25; the
// first is also 0.92 in float64, the second comes out 0.91999999999999993
// there, which a float64 comparison would call dissimilar.
func TestSimilarNames(t *testing.T) {
	tests := []struct {
		name      string
		a, b      string
		threshold float64
		want      bool
	}{
		{"on 0.92, float64 lands on it", "BAYU UTAMA", "BAYU UTOMO", 0.92, true},
		{"on 0.92, float64 falls below it", "EFENDI ZULFIKAR", "EPENDI ZULPIKAR", 0.92, true},
		{"just above 0.92 (0.9227)", "AHMAD FAUZI", "ACHMAD FAUZY", 0.92, true},
		{"above 0.92 (0.9273)", "WAHYU UTAMA", "WAHYU UTOMO", 0.92, true},
		{"just below 0.92 (0.9162)", "YANTO SUSILO", "YANTO SOESILO", 0.92, false},
		{"just below 0.92 (0.9159)", "SUSANTI HIDAYAT", "SUSANTY HIDAYAH", 0.92, false},
		{"below 0.92 (0.9111)", "EKO UTAMA", "EKO UTOMO", 0.92, false},
		{"on 0.92, a stricter threshold", "BAYU UTAMA", "BAYU UTOMO", 0.921, false},
		{"on 0.96, float64 above it", "SYAHRIAL RASYID", "SAHRIAL RASID", 0.96, true},
		{"on 0.96, float64 on it", "AGUS SALEH", "AGUS SOLEH", 0.96, true},
		{"0.96 under a stricter threshold", "AGUS SALEH", "AGUS SOLEH", 0.9600001, false},
		{"equal names at threshold 1", "SITI AMINAH", "SITI AMINAH", 1, true},
		{"close names at threshold 1", "SITI AMINAH", "SITI AMINA", 1, false},
		{"unrelated names", "BAMBANG SUDARSO", "ROSMIATI HARAHAP", 0.92, false},
		{"one empty", "BUDI", "", 0.92, false},
		{"both empty", "", "", 0.92, true},
		{"equal after the compare cap", strings.Repeat("A", maxCompareRunes) + "X", strings.Repeat("A", maxCompareRunes) + "Y", 1, true},
		{"threshold not a number", "BUDI", "BUDI", math.NaN(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := similarNames(tt.a, tt.b, tt.threshold); got != tt.want {
				t.Errorf("similarNames(%q, %q, %v) = %v, want %v (jaroWinkler %.17g)",
					tt.a, tt.b, tt.threshold, got, tt.want, jaroWinkler(tt.a, tt.b))
			}
			if rev := similarNames(tt.b, tt.a, tt.threshold); rev != tt.want {
				t.Errorf("not symmetric: similarNames(%q, %q) = %v", tt.b, tt.a, rev)
			}
		})
	}
}

// The boundary pairs of TestSimilarNames are exactly on their threshold,
// and float64 really does put one of them below it: without that the test
// would not show that the comparison is exact.
func TestSimilarNamesBoundaryPairs(t *testing.T) {
	tests := []struct {
		a, b       string
		exact      string
		floatBelow bool
	}{
		{"BAYU UTAMA", "BAYU UTOMO", "23/25", false},
		{"EFENDI ZULFIKAR", "EPENDI ZULPIKAR", "23/25", true},
		{"SYAHRIAL RASYID", "SAHRIAL RASID", "24/25", false},
		{"AGUS SALEH", "AGUS SOLEH", "24/25", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			want, _ := new(big.Rat).SetString(tt.exact)
			num, den := jaroWinklerFraction(tt.a, tt.b)
			if got := big.NewRat(num, den); got.Cmp(want) != 0 {
				t.Errorf("jaroWinklerFraction = %v, want %v", got, want)
			}
			thr, _ := want.Float64()
			if jw := jaroWinkler(tt.a, tt.b); (jw < thr) != tt.floatBelow {
				t.Errorf("jaroWinkler = %.17g, threshold %.17g: below %v, want %v", jw, thr, jw < thr, tt.floatBelow)
			}
		})
	}
}

// Away from the threshold, the exact decision is the float64 one, and the
// exact fraction is jaroWinkler's value.
func TestSimilarNamesAgreesWithJaroWinkler(t *testing.T) {
	names := []string{
		"BUDI SANTOSO", "BUDI SANTOSA", "BUDY SANTOSO", "SITI AMINAH", "SITI AMINA", "MARTHA", "MARHTA",
		"DWAYNE", "DUANE", "DIXON", "DICKSONX", "JELLYFISH", "SMELLYFISH", "CRATE", "TRACE", "ÉLODIE",
		"ELODIE", "NURHAYATI SANTOSO", "NURHAYATI SANTOSA", "HERMAN SYAPUTRA", "HERMAN SAPUTRA", "A", "",
		"RIDWAN HAKIM", "RAHMAT HAKIM", "ABDUL RAHMAN", "ABDUL RACHMAN", "M YUSUF", "MUHAMMAD YUSUF",
	}
	for _, thr := range []float64{0.5, 0.8, 0.85, 0.9, 0.92, 0.95, 0.99, 1} {
		for _, a := range names {
			for _, b := range names {
				jw := jaroWinkler(a, b)
				num, den := jaroWinklerFraction(a, b)
				if math.Abs(float64(num)/float64(den)-jw) > 1e-12 {
					t.Errorf("jaroWinklerFraction(%q, %q) = %d/%d, jaroWinkler %.17g", a, b, num, den, jw)
				}
				if math.Abs(jw-thr) < 1e-9 {
					continue
				}
				if got := similarNames(a, b, thr); got != (jw >= thr) {
					t.Errorf("similarNames(%q, %q, %v) = %v, jaroWinkler %.17g", a, b, thr, got, jw)
				}
			}
		}
	}
}
