package transforms

import (
	"testing"

	"readiness/pipeline"
)

func TestLookupEvent(t *testing.T) {
	tests := []struct {
		text, want string // want "" means unknown
	}{
		{"MENINGGAL", pipeline.EventMati},
		{"meninggal dunia", pipeline.EventMati},
		{"Kematian", pipeline.EventMati},
		{"MATI", pipeline.EventMati},
		{"wafat", pipeline.EventMati},
		{"PINDAH", pipeline.EventPindah},
		{"Pindah Domisili", pipeline.EventPindah},
		{"PINDAH DATANG", pipeline.EventPindah},
		{"pindah-keluar", pipeline.EventPindah},
		{"PINDAH ALAMAT", pipeline.EventPindah},
		{"KAWIN", pipeline.EventKawin},
		{"MENIKAH", pipeline.EventKawin},
		{"PERKAWINAN", pipeline.EventKawin},
		{"Perubahan Status Kawin", pipeline.EventKawin},
		{"CERAI", pipeline.EventCerai},
		{"CERAI HIDUP", pipeline.EventCerai},
		{"CERAI MATI", pipeline.EventCerai},
		{"PERCERAIAN", pipeline.EventCerai},
		{"PERUBAHAN DATA", pipeline.EventUbahData},
		{"Perbaikan Elemen Data", pipeline.EventUbahData},
		{"PERUBAHAN ELEMEN DATA", pipeline.EventUbahData},
		{"PERBAIKAN DATA", pipeline.EventUbahData},
		{"UBAH DATA", pipeline.EventUbahData},
		{"UBAH_DATA", pipeline.EventUbahData},
		{"KTP RUSAK", pipeline.EventRusak},
		{"KTP-EL RUSAK", pipeline.EventRusak},
		{"ktp el rusak", pipeline.EventRusak},
		{"RUSAK", pipeline.EventRusak},
		{"KTP HILANG", pipeline.EventHilang},
		{"KTP-el Hilang", pipeline.EventHilang},
		{"HILANG", pipeline.EventHilang},
		{"SUKET", pipeline.EventSuket},
		{"Surat Keterangan", pipeline.EventSuket},
		{"PENUKARAN SUKET", pipeline.EventSuket},
		{"BELUM REKAM", pipeline.EventRekam},
		{"PEREKAMAN", pipeline.EventRekam},
		{"REKAM", pipeline.EventRekam},
		{"REKAM BARU", pipeline.EventRekam},
		{"  ktp.  rusak  ", pipeline.EventRusak},
		{"GANTI FOTO", ""},
		{"RUSAK BERAT", ""},
		{"PINDAH?", pipeline.EventPindah},
		{"", ""},
		{"-", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := lookupEvent(tt.text)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("lookupEvent(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
			}
		})
	}
	for _, e := range pipeline.Events() {
		if got, ok := lookupEvent(e); !ok || got != e {
			t.Errorf("canonical event %s reads as %q, %v", e, got, ok)
		}
	}
}

func TestLookupSex(t *testing.T) {
	tests := []struct{ text, want string }{
		{"LAKI-LAKI", "L"}, {"laki laki", "L"}, {"L", "L"}, {"l", "L"}, {"1", "L"}, {"PRIA", "L"},
		{"PEREMPUAN", "P"}, {"P", "P"}, {"2", "P"}, {"Wanita", "P"},
		{"", ""}, {"X", ""}, {"3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := lookupSex(tt.text)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("lookupSex(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
			}
		})
	}
}

func TestLookupMarital(t *testing.T) {
	tests := []struct{ text, want string }{
		{"BELUM KAWIN", pipeline.MaritalBelumKawin}, {"Belum Menikah", pipeline.MaritalBelumKawin},
		{"B", pipeline.MaritalBelumKawin}, {"1", pipeline.MaritalBelumKawin},
		{"KAWIN", pipeline.MaritalKawin}, {"menikah", pipeline.MaritalKawin}, {"K", pipeline.MaritalKawin}, {"2", pipeline.MaritalKawin},
		{"CERAI HIDUP", pipeline.MaritalCeraiHidup}, {"CH", pipeline.MaritalCeraiHidup}, {"3", pipeline.MaritalCeraiHidup},
		{"CERAI MATI", pipeline.MaritalCeraiMati}, {"cm", pipeline.MaritalCeraiMati}, {"4", pipeline.MaritalCeraiMati},
		{"", ""}, {"CERAI", ""}, {"5", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := lookupMarital(tt.text)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("lookupMarital(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
			}
		})
	}
}

func TestLookupState(t *testing.T) {
	tests := []struct{ text, want string }{
		{"BELUM REKAM", pipeline.StateBelumRekam}, {"belum rekam", pipeline.StateBelumRekam},
		{"SUDAH REKAM", pipeline.StateSudahRekam}, {"REKAM", pipeline.StateSudahRekam}, {"TEREKAM", pipeline.StateSudahRekam},
		{"SUDAH CETAK", pipeline.StateSudahCetak}, {"DICETAK", pipeline.StateSudahCetak}, {"CETAK", pipeline.StateSudahCetak},
		{"SELESAI", pipeline.StateSelesai}, {"DISERAHKAN", pipeline.StateSelesai}, {"Sudah Diserahkan", pipeline.StateSelesai},
		{"", ""}, {"PROSES", ""}, {"BELUM CETAK", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := lookupState(tt.text)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("lookupState(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
			}
		})
	}
}

func TestVocabRefusesContradictions(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a text meaning two values did not panic")
		}
	}()
	newVocab([]vocabEntry{{"A", []string{"X"}}, {"B", []string{"x"}}})
}
