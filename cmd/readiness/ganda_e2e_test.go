package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"

	"readiness/pipeline"
)

// TestFixtureGanda: candidates.csv holds exactly the K3 pairs the fixture
// generator planted (fixtures/README.md), by score, each NIK pair once
// with nik_a < nik_b; both persons of every pair are flagged K3_CANDIDATE
// in persons.parquet with the other NIK in k3_with, nobody else is; the
// manifest and the console report the search; the report has the sheet.
func TestFixtureGanda(t *testing.T) {
	out := fixtureOut(t)
	_, want := expectedTable(t, "candidates")
	recs := readCSV(t, filepath.Join(out, "candidates.csv"))
	if !slices.Equal(recs[0], pipeline.CandidateCSVColumns()) {
		t.Fatalf("candidates.csv header %v", recs[0])
	}
	var got [][]string
	prev := 101.0
	for _, r := range recs[1:] {
		if r[0] >= r[1] {
			t.Errorf("pair %s, %s: nik_a not the smaller", r[0], r[1])
		}
		score := float64(atoi(t, strings.ReplaceAll(r[2], ".", ""))) / 10
		if score > prev {
			t.Errorf("candidates not by score: %v after %v", score, prev)
		}
		prev = score
		if r[3] != pipeline.FieldAgree || r[4] != pipeline.FieldAgree || r[11] != "" {
			t.Errorf("pair %s, %s: nama %s, tanggal_lahir %s, keputusan %q", r[0], r[1], r[3], r[4], r[11])
		}
		got = append(got, r[:2])
	}
	slices.SortFunc(got, func(a, b []string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("candidate pairs\ngot  %v\nwant %v (fixtures/README.md)", got, want)
	}

	// persons.parquet: the flag and the other NIK, on both persons.
	with := map[string][]string{}
	for _, p := range want {
		with[p[0]] = append(with[p[0]], p[1])
		with[p[1]] = append(with[p[1]], p[0])
	}
	tbl := readPersons(t, out)
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	flagged := 0
	for tr.Next() {
		rec := tr.Record()
		col := func(name string) arrayList {
			return arrayList{rec.Column(rec.Schema().FieldIndices(name)[0]).(*array.List)}
		}
		nik := rec.Column(rec.Schema().FieldIndices(pipeline.ColNIK)[0]).(*array.String)
		flags, k3 := col(pipeline.ColFlags), col(pipeline.ColK3With)
		for i := 0; i < int(rec.NumRows()); i++ {
			n := nik.Value(i)
			isFlagged := slices.Contains(flags.at(i), pipeline.FlagK3Candidate)
			if isFlagged {
				flagged++
			}
			if w := with[n]; isFlagged != (len(w) > 0) || !slices.Equal(k3.at(i), w) {
				t.Errorf("person %d: flagged %v, k3_with %v; want %v", i, isFlagged, k3.at(i), w)
			}
		}
	}
	if flagged != len(with) {
		t.Errorf("%d persons flagged K3_CANDIDATE, want %d", flagged, len(with))
	}

	m := readManifest(t, out)
	if g := m.Ganda; g == nil || g.Candidates != int64(len(want)) || g.Persons == 0 || g.Blocks == 0 ||
		g.Comparisons == 0 || g.PersonsCompared > g.Persons || g.LargestBlock < 2 {
		t.Errorf("manifest ganda %+v", m.Ganda)
	}
	if !strings.Contains(fixtureRun.stdout, fmt.Sprintf("probable duplicates (K3): %d pairs", len(want))) {
		t.Errorf("console does not report the candidates:\n%s", fixtureRun.stdout)
	}
}

// arrayList reads a list-of-strings column.
type arrayList struct{ a *array.List }

func (l arrayList) at(i int) []string {
	if l.a.IsNull(i) {
		return nil
	}
	v := l.a.ListValues().(*array.String)
	start, end := l.a.ValueOffsets(i)
	var out []string
	for k := start; k < end; k++ {
		out = append(out, v.Value(int(k)))
	}
	return out
}
