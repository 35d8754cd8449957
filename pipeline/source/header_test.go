package source

import (
	"slices"
	"strings"
	"testing"

	"readiness/pipeline"
)

func TestAliasTableIsUnambiguous(t *testing.T) {
	owner := map[string]string{}
	for _, c := range pipeline.InputColumns() {
		for _, a := range append([]string{c}, aliases[c]...) {
			k := headerKey(a)
			if k == "" {
				t.Errorf("%s: alias %q folds to nothing", c, a)
			}
			if o, ok := owner[k]; ok && o != c {
				t.Errorf("alias %q names both %s and %s", a, o, c)
			}
			owner[k] = c
		}
	}
	for c := range aliases {
		if !slices.Contains(pipeline.InputColumns(), c) {
			t.Errorf("aliases has unknown column %q", c)
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"NIK", pipeline.ColNIK},
		{"nik", pipeline.ColNIK},
		{"NO_NIK", pipeline.ColNIK},
		{"No. NIK", pipeline.ColNIK},
		{"Nomor Induk Kependudukan", pipeline.ColNIK},
		{"NKK", pipeline.ColNKK},
		{"NO_KK", pipeline.ColNKK},
		{"Nomor KK", pipeline.ColNKK},
		{"NAMA", pipeline.ColNama},
		{"NAMA_LGKP", pipeline.ColNama},
		{"Nama Lengkap", pipeline.ColNama},
		{"TMPT_LHR", pipeline.ColTempatLahir},
		{"Tempat Lahir", pipeline.ColTempatLahir},
		{"TGL_LHR", pipeline.ColTanggalLahir},
		{"Tgl. Lahir", pipeline.ColTanggalLahir},
		{"Tanggal Lahir", pipeline.ColTanggalLahir},
		{"JENIS_KLMIN", pipeline.ColJenisKelamin},
		{"JK", pipeline.ColJenisKelamin},
		{"L/P", pipeline.ColJenisKelamin},
		{"Jenis Kelamin", pipeline.ColJenisKelamin},
		{"STAT_KWN", pipeline.ColStatusKawin},
		{"Status Perkawinan", pipeline.ColStatusKawin},
		{"NAMA_LGKP_IBU", pipeline.ColNamaIbu},
		{"Nama Ibu Kandung", pipeline.ColNamaIbu},
		{"alamat", pipeline.ColAlamat},
		{"RT", pipeline.ColRT},
		{"RW", pipeline.ColRW},
		{"KEL", pipeline.ColKelurahan},
		{"DESA", pipeline.ColKelurahan},
		{"Desa/Kelurahan", pipeline.ColKelurahan},
		{"KEC", pipeline.ColKecamatan},
		{"Kabupaten/Kota", pipeline.ColKabupatenKota},
		{"KAB_KOTA", pipeline.ColKabupatenKota},
		{"kabupaten_kota", pipeline.ColKabupatenKota},
		{"Jenis Perubahan", pipeline.ColJenisPerubahan},
		{"Jenis Layanan", pipeline.ColJenisPerubahan},
		{"Tanggal Pengajuan", pipeline.ColTanggalPengajuan},
		{"TGL_PENGAJUAN", pipeline.ColTanggalPengajuan},
		{"Status Layanan", pipeline.ColStatusLayanan},
		{"Tanggal Layanan", pipeline.ColTanggalLayanan},
		{"Kabupaten Tujuan", pipeline.ColKabupatenTujuan},
		{"KAB_TUJUAN", pipeline.ColKabupatenTujuan},
		{"  Tanggal\nPengajuan ", pipeline.ColTanggalPengajuan},
		{"NO", ""},
		{"NIK IBU", ""},
		{"", ""},
		{"Keterangan", ""},
	}
	for _, tt := range tests {
		got, ok := Canonical(tt.text)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Canonical(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
		}
	}
}

func TestMatchHeader(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  map[int]string // nil: not a header
	}{
		{"canonical names", []string{"nik", "nama", "jenis_perubahan"},
			map[int]string{0: "nik", 1: "nama", 2: "jenis_perubahan"}},
		{"dialect with unknown columns", []string{"NO", "NO_NIK", "NAMA_LGKP", "KETERANGAN", "Jenis Layanan"},
			map[int]string{1: "nik", 2: "nama", 4: "jenis_perubahan"}},
		{"first of a repeated column wins", []string{"NIK", "NAMA", "Nama Lengkap", "KEC"},
			map[int]string{0: "nik", 1: "nama", 3: "kecamatan"}},
		{"nik and one other", []string{"NIK", "NAMA", "KETERANGAN"}, nil},
		{"nik twice and one other", []string{"NIK", "NO_NIK", "NAMA"}, nil},
		{"no nik", []string{"NAMA", "KEC", "KEL", "RT", "RW"}, nil},
		{"title row", []string{"DATA PERUBAHAN KTP-EL KABUPATEN SELUMA"}, nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := MatchHeader(tt.cells)
			if ok != (tt.want != nil) {
				t.Fatalf("ok = %v, want %v", ok, tt.want != nil)
			}
			if ok && !mapsEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMissingRequired(t *testing.T) {
	m, ok := MatchHeader([]string{"NIK", "KEC", "KEL", "NAMA"})
	if !ok {
		t.Fatal("not a header")
	}
	if got := missingRequired(m); !slices.Equal(got, []string{pipeline.ColJenisPerubahan}) {
		t.Fatalf("missing %v", got)
	}
}

// FuzzMatchHeader checks MatchHeader on any row of cells (a tab separates
// them) against its specification written with Canonical: the first cell
// naming each column wins, and a header names nik and two other columns.
// Matching the cells' keys instead gives the same answer, and
// missingRequired lists exactly the required columns the header lacks.
func FuzzMatchHeader(f *testing.F) {
	for _, s := range []string{
		"NIK\tNAMA\tJenis Perubahan",
		"NO_NIK\tNAMA_LGKP\tTGL_LHR\tL/P",
		"Nomor Induk Kependudukan\tNama Lengkap\tTgl. Lahir",
		"DATA\t\tnik",
		"NIK\tnik\tNAMA\tnama\tKEC",
		"No\tNIK KTP\tNama Penduduk\tL/P\tTgl. Lahir\tDesa/Kelurahan",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, row string) {
		cells := strings.Split(row, "\t")
		m, ok := MatchHeader(cells)

		want, seen := map[int]string{}, map[string]bool{}
		for i, cell := range cells {
			if c, known := Canonical(cell); known && !seen[c] {
				seen[c] = true
				want[i] = c
			}
		}
		wantOK := seen[pipeline.ColNIK] && len(seen) >= 3
		if ok != wantOK || ok && !mapsEqual(m, want) || !ok && m != nil {
			t.Fatalf("MatchHeader(%q) = %v, %v; want %v, %v", cells, m, ok, want, wantOK)
		}

		keys := make([]string, len(cells))
		for i, c := range cells {
			keys[i] = headerKey(c)
		}
		if km, kok := MatchHeader(keys); kok != ok || !mapsEqual(km, m) {
			t.Fatalf("MatchHeader(%q) = %v, %v but its keys %q give %v, %v", cells, m, ok, keys, km, kok)
		}

		if ok {
			miss := missingRequired(m)
			for _, c := range pipeline.RequiredColumns() {
				if slices.Contains(miss, c) == seen[c] {
					t.Fatalf("MatchHeader(%q) = %v, missing %v", cells, m, miss)
				}
			}
		}
	})
}

func mapsEqual(a, b map[int]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
