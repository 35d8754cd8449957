package history

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
	"readiness/pipeline/sink"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// files lists a folder's entries.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// stageDay stages a day holding one file called name and commits it.
func stageDay(t *testing.T, s *Store, asOf, name string) {
	t.Helper()
	d, err := s.Stage(day(asOf))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.Path(), name), []byte(name), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := d.Abort(); err != nil {
		t.Errorf("abort after commit: %v", err)
	}
}

// A day is staged out of sight of DIR/*/ globs and replaces the day of the
// same date whole, with the atomic exchange or with two renames.
func TestStageAndCommit(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "history")
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fallback {
			s.exchange = func(a, b string) error { return errors.New("no exchange here") }
		}
		stageDay(t, s, "2020-06-30", "a")
		d, err := s.Stage(day("2020-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		if rel, _ := filepath.Rel(dir, d.Path()); strings.Count(filepath.ToSlash(rel), "/") != 1 || !strings.HasPrefix(rel, ".staging") {
			t.Errorf("staged at %s: a DIR/*/x glob would see it", rel)
		}
		os.WriteFile(filepath.Join(d.Path(), "b"), nil, 0o600)
		if got := files(t, filepath.Join(dir, "as_of=2020-06-30")); !slices.Equal(got, []string{"a"}) {
			t.Errorf("before the commit the day holds %v", got)
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := files(t, filepath.Join(dir, "as_of=2020-06-30")); !slices.Equal(got, []string{"b"}) {
			t.Errorf("fallback %v: the replaced day holds %v", fallback, got)
		}
		if got := files(t, filepath.Join(dir, ".staging")); len(got) != 0 {
			t.Errorf("fallback %v: left in .staging: %v", fallback, got)
		}
		for _, p := range []string{dir, filepath.Join(dir, "as_of=2020-06-30")} {
			if info, _ := os.Stat(p); info.Mode().Perm() != 0o700 {
				t.Errorf("%s has mode %v", p, info.Mode().Perm())
			}
		}
		s.Close()
	}
}

// A second writer is locked out until the first closes.
func TestOpenLocks(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, pipeline.ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	s.Close()
	s, err = Open(dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s.Close()
}

// Open repairs what a killed run left: a day swapped out by the two
// renames goes back if nothing replaced it, and is dropped if something
// did; staging folders go.
func TestOpenRepairs(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	stageDay(t, s, "2020-07-01", "new")
	s.Close()
	staging := filepath.Join(dir, ".staging")
	for name, file := range map[string]string{
		"old-as_of=2020-06-30-123": "kept", // its day is missing: put back
		"old-as_of=2020-07-01-456": "old",  // its day was replaced: dropped
		"as_of=2020-07-02-789":     "half", // a day never committed
	} {
		os.MkdirAll(filepath.Join(staging, name), 0o700)
		os.WriteFile(filepath.Join(staging, name, file), nil, 0o600)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := files(t, staging); len(got) != 0 {
		t.Errorf("left in .staging: %v", got)
	}
	for d, want := range map[string]string{"as_of=2020-06-30": "kept", "as_of=2020-07-01": "new"} {
		if got := files(t, filepath.Join(dir, d)); !slices.Equal(got, []string{want}) {
			t.Errorf("%s holds %v, want %s", d, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "as_of=2020-07-02")); err == nil {
		t.Error("a day never committed appeared")
	}
}

// List reads the stored days oldest first, a damaged one with its error,
// and ignores what is not a day; ReadSummary and ReadPrior read back what
// the sinks wrote.
func TestListAndRead(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	defer s.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	for _, asOf := range []string{"2020-07-01", "2020-06-30"} {
		d, err := s.Stage(day(asOf))
		if err != nil {
			t.Fatal(err)
		}
		summary, _, err := array.RecordFromJSON(mem, pipeline.SummarySchema, strings.NewReader(
			`[{"region_code":"1771","region_name":"KOTA","persons":3,"ready":1,"projected_ready_pct":50.5},
			  {"region_code":"17","region_name":"PROV","persons":3,"ready":1}]`))
		if err != nil {
			t.Fatal(err)
		}
		persons, _, err := array.RecordFromJSON(mem, pipeline.PersonSchema, strings.NewReader(
			`[{"nik":"a","nama":"A","region_code":"1771","status":"NEEDS_PRINT","card_event":"RUSAK","last_request_date":"2020-05-01","sources":["f.csv||2"]},
			  {"nik":"b","nama":"B","region_code":"1771","status":"READY","last_print_date":"2020-01-02","sources":["f.csv||3"]}]`))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []pipeline.Sink{sink.NewSummaryParquet(d.Path()), sink.NewPersonsParquet(d.Path())} {
			if err := w.Write(ctx, pipeline.TableSummary, summary); err != nil {
				t.Fatal(err)
			}
			if err := w.Write(ctx, pipeline.TablePersons, persons); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(ctx); err != nil {
				t.Fatal(err)
			}
		}
		summary.Release()
		persons.Release()
		if err := sink.WriteManifest(d.Path(), &pipeline.Manifest{AsOf: asOf}); err != nil {
			t.Fatal(err)
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "as_of=2020-07-02"), 0o700) // no files: damaged
	os.MkdirAll(filepath.Join(dir, "as_of=junk"), 0o700)
	os.MkdirAll(filepath.Join(dir, "notes"), 0o700)
	runs, err := s.Runs()
	if err != nil {
		t.Fatal(err)
	}
	var dates []string
	for _, r := range runs {
		dates = append(dates, r.AsOf.Format(time.DateOnly))
	}
	if !slices.Equal(dates, []string{"2020-06-30", "2020-07-01", "2020-07-02"}) {
		t.Fatalf("runs %v", dates)
	}
	if !errors.Is(runs[2].Err, ErrDamaged) || runs[0].Err != nil {
		t.Errorf("errors %v, %v", runs[0].Err, runs[2].Err)
	}
	p, ok := runs[0].Province()
	k := runs[0].Summary[0]
	if !ok || p.Code != "17" || p.Pct != nil || p.Count(pipeline.SumPersons) != 3 || k.Code != "1771" || *k.Pct != 50.5 ||
		runs[0].Manifest.AsOf != "2020-06-30" {
		t.Errorf("summary %+v %+v", p, k)
	}
	prior, err := ReadPrior(runs[1].Dir, runs[1].AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(prior.Persons) != 2 || prior.Allocated || !prior.AsOf.Equal(day("2020-07-01")) {
		t.Fatalf("prior %+v", prior)
	}
	a, b := prior.Persons[0], prior.Persons[1]
	if a.NIK != "a" || a.Name != "A" || a.CardEvent != "RUSAK" || a.LastRequest == pipeline.NoDate || !slices.Equal(a.Sources, []string{"f.csv||2"}) ||
		a.LastPrint != pipeline.NoDate {
		t.Errorf("a needing a card %+v", a)
	}
	if b.Status != pipeline.StatusReady || b.Name != "" || b.Sources != nil || b.LastPrint == pipeline.NoDate {
		t.Errorf("b ready, kept without name and sources: %+v", b)
	}
	if _, err := ReadPrior(runs[2].Dir, runs[2].AsOf); err == nil {
		t.Error("the persons of a damaged day read")
	}
}
