package job

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/cmd/fixturegen/ganda"
	"readiness/pipeline"
)

// TestGandaGroundTruth runs the whole pipeline — CSV source, person
// resolution, the ganda stage — over 10,000 generated persons written as
// a regional file, on a checked allocator, and finds exactly the pairs
// the generator's oracle says the SPEC rule must find.
func TestGandaGroundTruth(t *testing.T) {
	pop := ganda.Generate(ganda.Options{Persons: 10_000, Seed: 7})
	var buf bytes.Buffer
	if err := pop.WriteInput(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	in := pipeline.Input{Path: "ganda.csv", Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}

	spec, _ := fixtureRun(t, 4096)
	got := &tables{want: map[pipeline.Table]bool{pipeline.TableCandidates: true, pipeline.TableCandidateStats: true},
		rows: map[pipeline.Table][]map[string]string{}}
	spec.Sinks = []pipeline.Sink{got}
	r, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	res, err := r.Run(context.Background(), mem, []pipeline.Input{in})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounting.RowsInPersons != 10_000 {
		t.Fatalf("accounting %+v", res.Accounting)
	}
	want := map[string]bool{}
	for _, ab := range pop.Expected() {
		a, b := pop.Persons[ab[0]].NIK, pop.Persons[ab[1]].NIK
		want[min(a, b)+" "+max(a, b)] = true
	}
	found := map[string]bool{}
	for _, c := range got.rows[pipeline.TableCandidates] {
		p := c[pipeline.CandNIKA] + " " + c[pipeline.CandNIKB]
		found[p] = true
		if !want[p] {
			t.Errorf("candidate %s is no pair of the SPEC rule", p)
		}
	}
	for p := range want {
		if !found[p] {
			t.Errorf("pair %s of the SPEC rule not found", p)
		}
	}
	if len(want) < 150 {
		t.Errorf("only %d pairs to find", len(want))
	}
	if s := got.rows[pipeline.TableCandidateStats]; len(s) != 1 || s[0][pipeline.StatPersons] != "10000" {
		t.Errorf("stats %v", s)
	}
}
