package sink

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// newMem returns a checked allocator that fails the test if anything
// allocated from it is still held when the test ends.
func newMem(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// fromJSON builds a batch from a JSON array of row objects; the test
// releases it.
func fromJSON(t *testing.T, mem memory.Allocator, schema *arrow.Schema, js string) arrow.Record {
	t.Helper()
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(js))
	if err != nil {
		t.Fatalf("RecordFromJSON: %v", err)
	}
	return rec
}

// batch is one Write call.
type batch struct {
	table pipeline.Table
	json  string
}

// run writes batches into a sink and closes it.
func run(t *testing.T, s pipeline.Sink, batches []batch) error {
	t.Helper()
	mem := newMem(t)
	ctx := context.Background()
	for _, b := range batches {
		schema := map[pipeline.Table]*arrow.Schema{
			pipeline.TableRows: pipeline.RowSchema, pipeline.TablePersons: pipeline.PersonSchema,
			pipeline.TableSummary: pipeline.SummarySchema, pipeline.TableAllocation: pipeline.AllocationSchema,
			pipeline.TableWhatIf: pipeline.WhatIfSchema, pipeline.TableCandidates: pipeline.CandidateSchema,
			pipeline.TableDeltas: pipeline.DeltaSchema,
		}[b.table]
		rec := fromJSON(t, mem, schema, b.json)
		err := s.Write(ctx, b.table, rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return s.Close(ctx)
}

// assertFiles checks that dir holds exactly the named files (so no
// temporary file is left) and that each is owner-only.
func assertFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s: mode %v, want 0600", e.Name(), perm)
		}
	}
	slices.Sort(got)
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("files in output folder = %q, want %q", got, names)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	sinks := map[string]func(dir string) pipeline.Sink{
		"summary":    func(dir string) pipeline.Sink { return NewSummaryCSV(dir) },
		"exceptions": func(dir string) pipeline.Sink { return NewExceptionsCSV(dir) },
		"persons":    func(dir string) pipeline.Sink { return NewPersonsParquet(dir) },
		"report":     func(dir string) pipeline.Sink { return NewWorkbooks(dir, ReportInfo{ProvinceCode: "17"}, true, nil) },
		"candidates": func(dir string) pipeline.Sink { return NewCandidatesCSV(dir) },
	}
	for name, newSink := range sinks {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			mem := newMem(t)
			s := newSink(dir)
			for _, b := range []batch{
				{pipeline.TableRows, rowsJSON},
				{pipeline.TablePersons, personsJSON},
				{pipeline.TableSummary, summaryJSON},
				{pipeline.TableCandidates, candidatesJSON},
			} {
				schema := map[pipeline.Table]*arrow.Schema{
					pipeline.TableRows: pipeline.RowSchema, pipeline.TablePersons: pipeline.PersonSchema,
					pipeline.TableSummary: pipeline.SummarySchema, pipeline.TableCandidates: pipeline.CandidateSchema,
				}[b.table]
				rec := fromJSON(t, mem, schema, b.json)
				if err := s.Write(context.Background(), b.table, rec); err != nil {
					t.Fatal(err)
				}
				rec.Release()
			}
			s.Abort()
			s.Abort() // twice is fine
			assertFiles(t, dir)
			if err := s.Close(context.Background()); err == nil {
				t.Error("Close after Abort succeeded")
			}
			assertFiles(t, dir)
		})
	}
}

func TestCloseThenAbortKeepsFile(t *testing.T) {
	dir := t.TempDir()
	s := NewSummaryCSV(dir)
	if err := run(t, s, []batch{{pipeline.TableSummary, summaryJSON}}); err != nil {
		t.Fatal(err)
	}
	s.Abort()
	assertFiles(t, dir, SummaryFile)
	if got := s.Files(); len(got) != 1 || got[0] != SummaryFile {
		t.Errorf("Files() = %q", got)
	}
	mem := newMem(t)
	rec := fromJSON(t, mem, pipeline.SummarySchema, summaryJSON)
	defer rec.Release()
	if err := s.Write(context.Background(), pipeline.TableSummary, rec); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestCreateFailsInMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	for _, s := range []pipeline.Sink{NewSummaryCSV(dir), NewExceptionsCSV(dir), NewPersonsParquet(dir), NewWorkbooks(dir, ReportInfo{}, true, nil), NewCandidatesCSV(dir)} {
		if err := s.Close(context.Background()); err == nil {
			t.Errorf("%s: Close in a missing folder succeeded", s.Name())
		}
	}
}

// Fixtures shared by the tests: two regions of province 17 and the total.
const summaryJSON = `[
{"region_code":"1701","region_name":"KAB. BENGKULU SELATAN","rows_in":120,"rows_rejected":3,"duplicate_rows":2,"persons":110,"deceased":5,"ineligible":1,"needs_recording":10,"needs_print":40,"ready":54,"eligible":104,"moved_in":1,"moved_out":0,"blanks_needed":50,"stock":30,"allocation":0,"shortfall":20,"printable_by_election":30,"projected_ready_pct":80.8},
{"region_code":"1709","region_name":"KAB. BENGKULU TENGAH","rows_in":0,"rows_rejected":0,"duplicate_rows":0,"persons":0,"deceased":0,"ineligible":0,"needs_recording":0,"needs_print":0,"ready":0,"eligible":0,"moved_in":0,"moved_out":0,"blanks_needed":0,"stock":0,"allocation":0,"shortfall":0,"printable_by_election":0,"projected_ready_pct":null},
{"region_code":"1771","region_name":"KOTA BENGKULU","rows_in":4500,"rows_rejected":12,"duplicate_rows":8,"persons":4400,"deceased":100,"ineligible":0,"needs_recording":1400,"needs_print":3000,"ready":0,"eligible":4300,"moved_in":0,"moved_out":1,"blanks_needed":4400,"stock":1000,"allocation":0,"shortfall":3400,"printable_by_election":1000,"projected_ready_pct":23.3},
{"region_code":"17","region_name":"PROVINSI BENGKULU","rows_in":4625,"rows_rejected":16,"duplicate_rows":10,"persons":4510,"deceased":105,"ineligible":1,"needs_recording":1410,"needs_print":3040,"ready":54,"eligible":4404,"moved_in":0,"moved_out":1,"blanks_needed":4450,"stock":1650,"allocation":0,"shortfall":3420,"printable_by_election":1030,"projected_ready_pct":24.6}
]`

const rowsJSON = `[
{"file":"in/kota.xlsx","sheet":"Data","row":5,"original":"{\"NIK\":\"1.77E+15\",\"NAMA\":\"BUDI\"}","reason":"NIK_PRECISION_LOST","detail":"scientific notation"},
{"file":"in/kota.xlsx","sheet":"Data","row":6,"original":"{\"NIK\":\"1771014506800001\"}","reason":null},
{"file":"in/seluma.csv","sheet":"","row":12,"original":"{\"nik\":\"\",\"nama\":\"=HYPERLINK(\\\"x\\\")\"}","reason":"NIK_MISSING","detail":"-- empty"},
{"file":"in/seluma.csv","sheet":"","row":13,"original":"{}","reason":null}
]`

const personsJSON = `[
{"nik":"1771014506800001","nama":"SITI AMINAH","tanggal_lahir":"1980-06-05","jenis_kelamin":"P","region_code":"1771","kecamatan":"GADING CEMPAKA","kelurahan":"JALAN GEDANG","status":"NEEDS_PRINT","events":["RUSAK"],"first_request_date":"2020-02-01","last_request_date":"2020-02-01","flags":[],"card_event":"RUSAK","rows":1,"sources":["in/kota.xlsx|Data|6"]},
{"nik":"1771010101900002","nama":"=HYPERLINK(\"http://x\",\"klik\")","tanggal_lahir":"1990-01-01","region_code":"1771","status":"NEEDS_RECORDING","events":["REKAM"],"flags":["NIK_DOB_MISMATCH"],"card_event":"REKAM","rows":1,"sources":["in/kota.xlsx|Data|7"]},
{"nik":"1701010101500003","nama":"AHMAD","tanggal_lahir":"1950-01-01","region_code":"1701","status":"DECEASED","events":["MATI","RUSAK"],"death_date":"2020-03-10","flags":["EVENT_AFTER_DEATH"],"rows":2,"sources":["in/bs.csv||4","in/bs.csv||9"]},
{"nik":"1771010101950004","nama":"RINA","tanggal_lahir":"1995-01-01","region_code":"1701","origin_region_code":"1771","status":"READY","events":["PINDAH"],"last_request_date":"2020-04-01","flags":null,"rows":1,"sources":["in/kota.xlsx|Data|8"]},
{"nik":"1771010101950005","nama":"JOKO","tanggal_lahir":"1995-01-01","region_code":"3171","origin_region_code":"1771","status":"NEEDS_PRINT","events":["PINDAH"],"card_event":"PINDAH","flags":["NIK_CONFLICT","NIK_NUMERIC_CELL"],"rows":2,"sources":["in/kota.xlsx|Data|9","in/seluma.csv||3"]}
]`

// onlyFile returns the path of the one file s wrote in dir, failing the
// test when it reports another number of files.
func onlyFile(t *testing.T, dir string, s pipeline.Sink) string {
	t.Helper()
	files := s.Files()
	if len(files) != 1 {
		t.Fatalf("%s wrote %q, want one file", s.Name(), files)
	}
	return filepath.Join(dir, filepath.FromSlash(files[0]))
}
