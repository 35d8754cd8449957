package transforms

import (
	"math"
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
