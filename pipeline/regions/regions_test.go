package regions

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	ref := Default()
	tests := []struct {
		name, text, want string
		ok               bool
	}{
		{"code", "1771", "1771", true},
		{"dotted code", "17.05", "1705", true},
		{"code of another province", "1671", "1671", false},
		{"upper name", "KOTA BENGKULU", "1771", true},
		{"title case", "Kota Bengkulu", "1771", true},
		{"kab dot", "KAB. SELUMA", "1705", true},
		{"kabupaten", "Kabupaten Rejang Lebong", "1702", true},
		{"bare", "seluma", "1705", true},
		{"bare two words", "Bengkulu Selatan", "1701", true},
		{"current spelling", "Kabupaten Mukomuko", "1706", true},
		{"2020 spelling", "MUKO-MUKO", "1706", true},
		{"bare province name is ambiguous", "BENGKULU", "", false},
		{"province", "Provinsi Bengkulu", "", false},
		{"empty", "", "", false},
		{"unknown", "Kota Palembang", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ref.Resolve(tc.text)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Errorf("Resolve(%q) = %q, %v; want %q, %v", tc.text, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestResolveAny(t *testing.T) {
	ref := Default()
	tests := []struct {
		text, want string
		ok         bool
	}{
		{"1671", "1671", true},
		{"Kota Palembang", "1671", true},
		{"KAB. MUARA ENIM", "1603", true},
		{"KOTA BENGKULU", "1771", true},
		{"9999", "9999", false},
		{"BEKASI", "", false}, // both a kabupaten and a kota
		{"Kabupaten Bekasi", "3216", true},
	}
	for _, tc := range tests {
		got, ok := ref.ResolveAny(tc.text)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ResolveAny(%q) = %q, %v; want %q, %v", tc.text, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFindIn(t *testing.T) {
	ref := Default()
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"1771_juni.xlsx", "1771", true},
		{"inputs/1705_seluma_juni.csv", "1705", true},
		{"kab-kaur.xlsx", "1704", true},
		{"kota_bengkulu_tunggakan.xlsx", "1771", true},
		{"bengkulu-selatan.csv", "1701", true},
		{"rejang_lebong.csv", "1702", true},
		{"lebong.csv", "1707", true},
		{"bengkulu.csv", "", false},
		{"kiriman-tambahan.csv", "", false},
		{"Sheet1", "", false},
		{"2020_06.csv", "", false},
	}
	for _, tc := range tests {
		got, ok := ref.FindIn(tc.name)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("FindIn(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDefault(t *testing.T) {
	ref := Default()
	if p := ref.Province(); p.Code != "17" || p.Name != "BENGKULU" {
		t.Errorf("province = %+v", p)
	}
	var codes []string
	for _, r := range ref.Regencies() {
		codes = append(codes, r.Code)
	}
	if got := strings.Join(codes, " "); got != "1701 1702 1703 1704 1705 1706 1707 1708 1709 1771" {
		t.Errorf("regencies = %s", got)
	}
	if !ref.IsDistrict("177101") || ref.IsDistrict("170120") {
		t.Error("district lookup wrong")
	}
	if !ref.IsProvinceCode("17") || !ref.IsProvinceCode("31") || ref.IsProvinceCode("99") || ref.IsProvinceCode("10") {
		t.Error("province lookup wrong")
	}
	for code := range ref.provinces { // every province of the list, by its number
		if !ref.IsProvinceCode(code) {
			t.Errorf("IsProvinceCode(%q) = false", code)
		}
	}
	for _, code := range []string{"", "1", "170", "1a", "a7", "/7", ":7", "17 "} {
		if ref.IsProvinceCode(code) {
			t.Errorf("IsProvinceCode(%q) = true", code)
		}
	}
	if got := ref.Name("1771"); got != "KOTA BENGKULU" {
		t.Errorf("Name(1771) = %q", got)
	}
	if got := ref.Name("1671"); got != "Kota Palembang" {
		t.Errorf("Name(1671) = %q", got)
	}
}

func TestLoad(t *testing.T) {
	good := "code,name,level\n16,SUMATERA SELATAN,1\n1671,KOTA PALEMBANG,2\n1601,KAB. OGAN KOMERING ULU,2\n167101,ILIR BARAT II,3\n"
	ref, err := Load(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if ref.Province().Code != "16" || len(ref.Regencies()) != 2 || ref.Regencies()[0].Code != "1601" {
		t.Errorf("loaded %+v %+v", ref.Province(), ref.Regencies())
	}
	if got, ok := ref.Resolve("Kota Palembang"); !ok || got != "1671" {
		t.Errorf("Resolve = %q %v", got, ok)
	}
	if _, ok := ref.Resolve("1771"); ok {
		t.Error("1771 resolved in a Sumatera Selatan table")
	}

	bad := []struct{ name, text, want string }{
		{"no header", "", "reading header"},
		{"wrong header", "kode,nama\n", `no "code" column`},
		{"no province", "code,name,level\n1671,KOTA PALEMBANG,2\n", "no province"},
		{"two provinces", "code,name,level\n16,A,1\n17,B,1\n1671,K,2\n", "a second province"},
		{"bad level", "code,name,level\n16,A,1\n1671,K,7\n", "level"},
		{"regency elsewhere", "code,name,level\n16,A,1\n1771,K,2\n", "not in province"},
		{"bad code length", "code,name,level\n16,A,1\n167,K,2\n", "must be 4 digits"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want containing %q", err, tc.want)
			}
		})
	}
}

func TestFindInSheetNames(t *testing.T) {
	ref := Default()
	for name, want := range map[string]string{
		"KAB. KEPAHIANG":            "1708", // the dot is not an extension
		"1707 LEBONG":               "1707",
		"data/kota-bengkulu/a.csv":  "", // folders do not count
		"Kab. Bengkulu Utara.xlsx":  "1703",
		"kiriman KOTA BENGKULU.csv": "1771",
	} {
		got, ok := ref.FindIn(name)
		if got != want || ok != (want != "") {
			t.Errorf("FindIn(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}
