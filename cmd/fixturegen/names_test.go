package main

import "testing"

// The oracle's K2/K3 rule: similar at or above 0.92, decided exactly. The
// second pair is exactly 0.92 too, but float64 makes it 0.91999999999999993.
func TestSimilarOnThreshold(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"BAYU UTAMA", "BAYU UTOMO", true},           // 23/25
		{"EFENDI ZULFIKAR", "EPENDI ZULPIKAR", true}, // 23/25
		{"AHMAD FAUZI", "ACHMAD FAUZY", true},        // 0.9227
		{"YANTO SUSILO", "YANTO SOESILO", false},     // 0.9162
		{"EKO UTAMA", "EKO UTOMO", false},            // 0.9111
	}
	for _, tt := range tests {
		if got := similar(tt.a, tt.b); got != tt.want {
			t.Errorf("similar(%q, %q) = %v, want %v (jaroWinkler %.17g)", tt.a, tt.b, got, tt.want, jaroWinkler(tt.a, tt.b))
		}
	}
}

// The planted pair on the threshold is one person, not a conflict.
func TestNameOnThresholdPlanted(t *testing.T) {
	g := generate()
	e := g.expect()
	for _, p := range e.persons {
		if p.nik != g.onThreshold.nik {
			continue
		}
		if len(p.rows) < 2 || p.rows[len(p.rows)-1].name != nameOnThreshold.name {
			t.Fatalf("person %s: rows %d, want the written name on an earlier row", p.nik, len(p.rows))
		}
		if p.conflict {
			t.Errorf("person %s (%s / %s) flagged NIK_CONFLICT", p.nik, nameOnThreshold.written, nameOnThreshold.name)
		}
		return
	}
	t.Fatalf("no person %s", g.onThreshold.nik)
}
