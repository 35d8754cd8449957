package main

import (
	"math/big"
	"strings"
	"unicode"
)

// Invented Indonesian-style names. No list holds a word that is also a
// title of SPEC §5 (H, SE, ST, DR, …), so a name normalises to itself.
var (
	maleFirst = []string{
		"AHMAD", "BUDI", "RUDI", "AGUS", "HENDRA", "JOKO", "SUPRIADI", "RAHMAT",
		"YUSUF", "ANDI", "FIRMAN", "IRWAN", "DEDI", "SYAHRIAL", "ZULKIFLI", "ARIEF",
		"BAMBANG", "EKO", "FAJAR", "GUNAWAN", "HERMAN", "IMAM", "JUNAIDI", "KURNIAWAN",
		"LUKMAN", "MUHAMMAD", "NASRUL", "OKTA", "PANJI", "RIDWAN", "SAPRI", "TAUFIK",
		"UJANG", "WAHYU", "YOGI", "ZAINAL", "ANTON", "BAYU", "CANDRA", "DARMAWAN",
		"EFENDI", "FERI", "HASAN", "ISMAIL", "JAMALUDIN", "KHAIRUL", "MARZUKI", "NOVRIZAL",
		"RAMLI", "SUHARDI", "TOMMY", "USMAN", "WARDANA", "YANTO", "ADE", "BENNY",
	}
	femaleFirst = []string{
		"SITI", "NURHAYATI", "DEWI", "RINA", "YULIANA", "SRI", "WATI", "FITRIANI",
		"ANISA", "LESTARI", "MARLINA", "NOVI", "PUTRI", "RAHMAWATI", "SUSANTI", "TITIN",
		"UMI", "WULAN", "YENI", "ZAHRA", "AMELIA", "BUNGA", "CITRA", "DESI",
		"ELVI", "FEBRIANTI", "GITA", "HARTATI", "INDAH", "JUWITA", "KARTIKA", "LENI",
		"MAYA", "NENG", "OKTAVIA", "PEPI", "RATNA", "SARI", "TRI", "VERA",
		"WINDA", "YUNITA", "ASMAWATI", "BELA", "CICI", "DIAH", "ERNA", "FAUZIAH",
		"HALIMAH", "IRMA", "JULAIHA", "KHOLIJAH", "LINDA", "MARIANI", "NURLELA", "ROSMIATI",
	}
	lastNames = []string{
		"SAPUTRA", "HIDAYAT", "PRATAMA", "SETIAWAN", "WIJAYA", "HARTONO", "SUSILO", "FAUZI",
		"RAHMAN", "HAKIM", "SIREGAR", "NASUTION", "GUMAY", "SERAWAI", "SYAPUTRA", "KURNIA",
		"PERMANA", "SANTOSO", "HARAHAP", "LUBIS", "PURNAMA", "RAMADHAN", "MAULANA", "ANWAR",
		"HUSIN", "JAMIL", "KADIR", "LATIF", "MANSUR", "NAWAWI", "RASYID", "SALEH",
		"TAMRIN", "UMAR", "WAHID", "YASIN", "ZULFIKAR", "ARDIANSYAH", "BAHRI", "DAMANIK",
		"EFFENDI", "FIRDAUS", "GANI", "HALIM", "ISKANDAR", "JUNAEDI", "KASIM", "MAHMUD",
		"NOPRIANSYAH", "OKTAVIANI", "PRASETYO", "RIDHO", "SUDARSO", "TARIGAN", "UTAMA", "WIBOWO",
	}
	birthPlaces = []string{
		"BENGKULU", "MANNA", "CURUP", "ARGA MAKMUR", "BINTUHAN", "TAIS", "MUKOMUKO",
		"MUARA AMAN", "KEPAHIANG", "KARANG TINGGI", "PALEMBANG", "PADANG", "LUBUK LINGGAU",
		"JAKARTA", "LAHAT", "BANDAR LAMPUNG", "IPUH", "KETAHUN", "LAIS", "SELUMA",
	}
	streets = []string{
		"JL. SUPRAPTO", "JL. SUDIRMAN", "JL. PARIWISATA", "JL. MERDEKA", "JL. PEMBANGUNAN",
		"JL. DANAU", "JL. KAPTEN TENDEAN", "JL. SALAK", "JL. MAWAR", "JL. RAYA",
		"JL. LINTAS BARAT", "JL. PERINTIS", "JL. HALIMUN", "JL. KUALA LEMPUING", "JL. CENDANA",
	}
	prefixTitlesMale   = []string{"H.", "DRS.", "IR.", "DR.", "Drs.", "H"}
	prefixTitlesFemale = []string{"HJ.", "DRA.", "IR.", "Hj.", "HJ"}
	suffixTitles       = []string{"S.PD", "SH", "SH, MH", "SE", "S.KOM", "AMD", "S.SOS", "SKM", "S.Pd", "M.PD"}
)

// titleWords is the title list of SPEC §5 (inner dots removed). The
// generator uses it only to check that every written name normalises to the
// planted one.
var titleWords = map[string]bool{
	"H": true, "HJ": true, "HAJI": true, "HAJAH": true, "DRS": true, "DRA": true,
	"DR": true, "IR": true, "PROF": true, "SH": true, "MH": true, "SE": true,
	"ST": true, "SPD": true, "SKM": true, "SAG": true, "SSOS": true, "SKOM": true,
	"MPD": true, "MSI": true, "AMD": true,
}

// normName normalises a name as SPEC §5 says: upper case, titles dropped as
// whole words (inner dots ignored), punctuation to spaces, spaces collapsed.
func normName(s string) string {
	s = strings.ToUpper(s)
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
		bare := strings.ReplaceAll(w, ".", "")
		if titleWords[bare] {
			continue
		}
		words = append(words, w)
	}
	s = strings.Join(words, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// jaroWinkler is the Jaro-Winkler similarity (prefix scale 0.1, prefix of
// at most four runes), in float64: the generator's own guard that random
// names stay apart. Whether two names are similar under SPEC §5 is
// similar's decision, made exactly.
func jaroWinkler(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 && len(rb) == 0 {
		return 1
	}
	m, t, p := jwCounts(ra, rb)
	if m == 0 {
		return 0
	}
	fm := float64(m)
	jaro := (fm/float64(len(ra)) + fm/float64(len(rb)) + (fm-float64(t)/2)/fm) / 3
	return jaro + float64(p)*0.1*(1-jaro)
}

// nameThreshold is the default Jaro-Winkler threshold of SPEC §5, as the
// exact decimal it is.
var nameThreshold = mustRat("0.92")

func mustRat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("not a number: " + s)
	}
	return r
}

// similar reports whether two normalised names are similar (SPEC §5):
// Jaro-Winkler at or above nameThreshold, a pair exactly on it included.
// The score is computed in rational arithmetic, so a pair worth exactly
// 0.92 (BAYU UTAMA and BAYU UTOMO, 23/25) is on the threshold, never a
// float64 rounding error below it.
func similar(a, b string) bool {
	return jaroWinklerExact(a, b).Cmp(nameThreshold) >= 0
}

// jaroWinklerExact is jaroWinkler as a fraction:
// jaro = (m/|a| + m/|b| + (m − t/2)/m) / 3, then jaro + p·0.1·(1 − jaro).
func jaroWinklerExact(a, b string) *big.Rat {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 && len(rb) == 0 {
		return big.NewRat(1, 1)
	}
	m, t, p := jwCounts(ra, rb)
	if m == 0 {
		return new(big.Rat)
	}
	sum := new(big.Rat).Add(big.NewRat(int64(m), int64(len(ra))), big.NewRat(int64(m), int64(len(rb))))
	sum.Add(sum, big.NewRat(int64(2*m-t), int64(2*m)))
	jaro := sum.Quo(sum, big.NewRat(3, 1))
	rest := new(big.Rat).Sub(big.NewRat(1, 1), jaro)
	bonus := rest.Mul(rest, big.NewRat(int64(p), 10))
	return bonus.Add(jaro, bonus)
}

// jwCounts returns the Jaro matches m (equal runes within the window, each
// matched once), t the matched runes out of order (twice the
// transpositions) and p the common prefix (at most four runes).
func jwCounts(ra, rb []rune) (m, t, p int) {
	if len(ra) == 0 || len(rb) == 0 {
		return 0, 0, 0
	}
	window := max(len(ra), len(rb))/2 - 1
	window = max(window, 0)
	ma := make([]bool, len(ra))
	mb := make([]bool, len(rb))
	for i := range ra {
		lo, hi := max(0, i-window), min(len(rb), i+window+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && ra[i] == rb[j] {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0, 0, 0
	}
	k := 0
	for i := range ra {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if ra[i] != rb[k] {
			t++
		}
		k++
	}
	for p < 4 && p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	return m, t, p
}
