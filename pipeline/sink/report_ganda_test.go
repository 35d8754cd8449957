package sink

import (
	"slices"
	"strings"
	"testing"

	"readiness/pipeline"
)

// TestReportGanda: the Ganda sheet holds each candidate pair on one row,
// in the order given, both persons side by side, every field's agreement
// in words and the differences spelled out; text stays text; the summary
// sheet counts the pairs.
func TestReportGanda(t *testing.T) {
	f, _ := writeReport(t, testInfo, append(slices.Clone(allBatches), batch{pipeline.TableCandidates, candidatesJSON}))
	rs := rows(t, f, "Ganda")
	wantHeader := []string{"Skor", "NIK A", "NIK B", "Nama A", "Nama B", "Tanggal lahir A", "Tanggal lahir B", "Kab/Kota A",
		"Kab/Kota B", "Nama", "Tgl lahir", "Tempat lahir", "Jenis kelamin", "Ibu kandung", "NKK", "Perbedaan", "Keputusan"}
	if !slices.Equal(rs[0], wantHeader) {
		t.Errorf("header %q", rs[0])
	}
	want := [][]string{
		{"60", "1709011403790002", "1771015403790001", "H. SUPRIADI GUMAY", "SUPRIADI GUMAY", serial("1979-03-14"), serial("1979-03-14"),
			"Bengkulu Tengah", "Kota Bengkulu", "sama", "sama", "sama", "sama", "sama", "beda", "NKK berbeda; A meninggal"},
		{"55.04", "1702010507850003", "1702010705850004", "M. YUSUF", `=HYPERLINK("x")`, serial("1985-07-05"), serial("1985-05-07"),
			"=1702", "1702", "sama", "tertukar", "beda", "sama", "kosong", "sama",
			"hari dan bulan lahir tertukar; Tempat lahir: CURUP / MANNA; Ibu kandung: HALIMAH / (kosong)"},
	}
	if got := rs[1:]; !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("rows:\ngot  %q\nwant %q", got, want)
	}
	for _, cell := range []string{"E3", "H3"} {
		if formula, err := f.GetCellFormula("Ganda", cell); err != nil || formula != "" {
			t.Errorf("%s: formula %q, %v", cell, formula, err)
		}
	}
	found := false
	for _, r := range rows(t, f, "Ringkasan") {
		if len(r) > 0 && strings.HasPrefix(r[0], "Calon ganda (K3") && strings.Contains(r[0], ": 2 pasang") {
			found = true
		}
	}
	if !found {
		t.Error("summary sheet does not count the candidate pairs")
	}
}

// Without candidates the sheet says so.
func TestReportGandaNone(t *testing.T) {
	f, _ := writeReport(t, testInfo, append(slices.Clone(allBatches), batch{pipeline.TableCandidates, `[]`}))
	rs := rows(t, f, "Ganda")
	if len(rs) != 2 || rs[1][0] != "(tidak ada)" {
		t.Errorf("rows %q", rs)
	}
}
