package sink

import (
	"testing"
)

func TestRegionFile(t *testing.T) {
	for _, tc := range []struct{ code, name, want string }{
		{"1771", "KOTA BENGKULU", "regions/1771 KOTA BENGKULU.xlsx"},
		{"1701", "KAB. BENGKULU SELATAN", "regions/1701 KAB. BENGKULU SELATAN.xlsx"},
		{"1709", "../../x", "regions/1709 x.xlsx"},
		{"1709", "a/b\\c:d*e?f\"g<h>i|j", "regions/1709 a_b_c_d_e_f_g_h_i_j.xlsx"},
		{"17/09", "..", "regions/1709.xlsx"},
		{"1709", "x\x00\ny\u202e", "regions/1709 x__y.xlsx"},
		{"1709", "ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ",
			"regions/1709 ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDE.xlsx"}, // 60 characters
	} {
		if got := RegionFile(tc.code, tc.name); got != tc.want {
			t.Errorf("RegionFile(%q, %q) = %q, want %q", tc.code, tc.name, got, tc.want)
		}
	}
}
