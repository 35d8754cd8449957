package source

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"readiness/pipeline"
)

// aliases maps each canonical input column (SPEC §2) to the header texts
// regions use for it. Matching ignores case and every character that is not
// a letter or a digit (spaces, dots, underscores, slashes, hyphens, line
// breaks), so "Tgl. Lahir", "TGL_LAHIR" and "tgl lahir" are one alias, and
// "L/P" is "LP". The canonical name itself always matches. Add a dialect
// here; a test checks that no alias names two columns.
var aliases = map[string][]string{
	pipeline.ColNIK: {"NIK", "NO_NIK", "NO NIK", "NOMOR NIK", "NIK KTP",
		"Nomor Induk Kependudukan", "No. Induk Kependudukan"},
	pipeline.ColNKK: {"NKK", "NO_KK", "NO KK", "Nomor KK", "KK", "No. Kartu Keluarga",
		"Nomor Kartu Keluarga", "NO_KARTU_KELUARGA"},
	pipeline.ColNama: {"NAMA", "NAMA_LGKP", "NAMA LENGKAP", "Nama Lengkap",
		"Nama Penduduk", "NAMA_PENDUDUK"},
	pipeline.ColTempatLahir: {"TMPT_LHR", "TMP_LHR", "TMPT LAHIR", "TMP_LAHIR",
		"Tempat Lahir", "TEMPAT_LHR"},
	pipeline.ColTanggalLahir: {"TGL_LHR", "TGL LAHIR", "Tanggal Lahir", "Tgl. Lahir",
		"TANGGAL_LHR", "TGL_LAHIR"},
	pipeline.ColJenisKelamin: {"JENIS_KLMIN", "JNS_KLMIN", "JK", "Jenis Kelamin",
		"L/P", "KELAMIN", "JNS KELAMIN"},
	pipeline.ColStatusKawin: {"STAT_KWN", "STATUS_KAWIN", "Status Kawin",
		"Status Perkawinan", "STS_KAWIN", "STAT_KAWIN"},
	pipeline.ColNamaIbu: {"NAMA_LGKP_IBU", "NAMA_IBU", "Nama Ibu", "Nama Ibu Kandung",
		"Ibu Kandung", "NAMA_LENGKAP_IBU"},
	pipeline.ColAlamat:    {"ALAMAT", "ALMT", "Alamat Lengkap"},
	pipeline.ColRT:        {"RT", "NO_RT"},
	pipeline.ColRW:        {"RW", "NO_RW"},
	pipeline.ColKelurahan: {"KEL", "DESA", "KELURAHAN", "Desa/Kelurahan", "Kelurahan/Desa", "KEL/DESA", "DESA/KEL", "NAMA_KEL", "NAMA_DESA"},
	pipeline.ColKecamatan: {"KEC", "KECAMATAN", "NAMA_KEC"},
	pipeline.ColKabupatenKota: {"Kabupaten/Kota", "KAB_KOTA", "KAB/KOTA", "KABUPATEN",
		"KAB", "KABKOT", "NAMA_KAB", "KODE_KAB", "Kab./Kota", "Kota/Kabupaten"},
	pipeline.ColJenisPerubahan: {"Jenis Perubahan", "JNS_PERUBAHAN", "Jenis Layanan",
		"JNS_LAYANAN", "Perubahan", "Jenis Permohonan", "Permohonan", "Jenis Pelayanan"},
	pipeline.ColTanggalPengajuan: {"Tanggal Pengajuan", "TGL_PENGAJUAN", "Tgl. Pengajuan",
		"Tanggal Permohonan", "TGL_PERMOHONAN", "TGL_AJU"},
	pipeline.ColStatusLayanan: {"Status Layanan", "STATUS_LAYANAN", "STS_LAYANAN",
		"Status Pelayanan", "Status KTP-el", "Status KTP"},
	pipeline.ColTanggalLayanan: {"Tanggal Layanan", "TGL_LAYANAN", "Tgl. Layanan",
		"Tanggal Pelayanan", "TGL_PELAYANAN", "Tanggal Status"},
	pipeline.ColKabupatenTujuan: {"Kabupaten Tujuan", "KAB_TUJUAN", "KAB TUJUAN",
		"Kabupaten/Kota Tujuan", "KAB_KOTA_TUJUAN", "Kab./Kota Tujuan", "Daerah Tujuan", "Tujuan"},
}

// aliasIndex maps a header key (see headerKey) to its canonical column.
// It is built once from aliases and never changed.
var aliasIndex = func() map[string]string {
	idx := make(map[string]string)
	for _, c := range pipeline.InputColumns() {
		idx[headerKey(c)] = c
		for _, a := range aliases[c] {
			idx[headerKey(a)] = c
		}
	}
	return idx
}()

// MissingColumnsError reports a header row that lacks required columns
// (pipeline.RequiredColumns). It matches pipeline.ErrNoHeader with
// errors.Is: the sheet has no usable header.
type MissingColumnsError struct {
	Columns []string // canonical names of the missing columns
}

func (e *MissingColumnsError) Error() string {
	return fmt.Sprintf("header row lacks required column(s) %s", strings.Join(e.Columns, ", "))
}

// Is reports whether target is pipeline.ErrNoHeader.
func (e *MissingColumnsError) Is(target error) bool { return target == pipeline.ErrNoHeader }

// Canonical returns the canonical input column a header text names, through
// the alias table.
func Canonical(text string) (string, bool) {
	// headerKey(text) without allocating, given up as soon as it is longer
	// than every alias key: a data row read while looking for the header
	// is a long cell with no chance of matching.
	var buf [64]byte
	key := buf[:0]
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				key = append(key, c)
			case 'A' <= c && c <= 'Z':
				key = append(key, c+('a'-'A'))
			}
		} else {
			r, n := utf8.DecodeRuneInString(text[i:])
			i += n
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				key = utf8.AppendRune(key, unicode.ToLower(r))
			}
		}
		if len(key) > maxAliasKey {
			return "", false
		}
	}
	c, ok := aliasIndex[string(key)]
	return c, ok
}

// maxAliasKey is the length in bytes of the longest key of aliasIndex.
var maxAliasKey = func() int {
	n := 0
	for k := range aliasIndex {
		n = max(n, len(k))
	}
	return n
}()

// MatchHeader reports whether cells form a header row: a cell naming nik
// and cells naming at least two other known columns. It returns the known
// columns by cell index. When two cells name the same column the first
// wins; the other stays only in the row's original cells.
func MatchHeader(cells []string) (map[int]string, bool) {
	var m map[int]string
	seen := make(map[string]bool, 8)
	for i, cell := range cells {
		c, ok := Canonical(cell)
		if !ok || seen[c] {
			continue
		}
		if m == nil {
			m = make(map[int]string, len(cells))
		}
		seen[c] = true
		m[i] = c
	}
	if !seen[pipeline.ColNIK] || len(seen) < 3 {
		return nil, false
	}
	return m, true
}

// missingRequired returns the required columns a matched header lacks, in
// pipeline.RequiredColumns order.
func missingRequired(m map[int]string) []string {
	have := make(map[string]bool, len(m))
	for _, c := range m {
		have[c] = true
	}
	var miss []string
	for _, c := range pipeline.RequiredColumns() {
		if !have[c] {
			miss = append(miss, c)
		}
	}
	return miss
}

// headerKey folds a header text for matching: lower case, letters and
// digits only. Canonical folds the same way without it.
func headerKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
