package source

import (
	"slices"
	"testing"

	"readiness/pipeline"
)

func TestAliasTableIsUnambiguous(t *testing.T) {
	owner := map[string]string{}
	for _, c := range pipeline.InputColumns {
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
		if !slices.Contains(pipeline.InputColumns, c) {
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

func FuzzMatchHeader(f *testing.F) {
	for _, s := range [][]string{
		{"NIK", "NAMA", "Jenis Perubahan"},
		{"NO_NIK", "NAMA_LGKP", "TGL_LHR", "L/P"},
		{"Nomor Induk Kependudukan", "Nama Lengkap", "Tgl. Lahir"},
		{"DATA", "", "nik"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		cells := []string{a, b, c, "NAMA", "KEC"}
		m, ok := MatchHeader(cells)
		if !ok {
			return
		}
		seen := map[string]bool{}
		for i, col := range m {
			if i < 0 || i >= len(cells) {
				t.Fatalf("index %d out of range", i)
			}
			if !slices.Contains(pipeline.InputColumns, col) {
				t.Fatalf("unknown column %q", col)
			}
			if seen[col] {
				t.Fatalf("column %q twice", col)
			}
			seen[col] = true
			if got, _ := Canonical(cells[i]); got != col {
				t.Fatalf("cell %q maps to %q, Canonical says %q", cells[i], col, got)
			}
		}
		if !seen[pipeline.ColNIK] || len(m) < 3 {
			t.Fatalf("accepted %v", m)
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
