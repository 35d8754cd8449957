package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// spoolMem returns an allocator that fails the test if anything is left
// allocated once the test's cleanups (the batches') have run.
func spoolMem(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// spoolBatches builds n batches of a string, a list and a date column,
// the first with rows 0..9 of a larger batch sliced (offsets not zero).
func spoolBatches(t *testing.T, mem memory.Allocator, n int) []arrow.Record {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "l", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	var out []arrow.Record
	for i := range n {
		rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(`[
			{"s":"a`+string(rune('0'+i))+`","l":["x","y"],"d":"2020-01-02"},
			{"s":null,"l":null,"d":null},
			{"s":"bb","l":[],"d":"1999-12-31"},
			{"s":"ccc","l":["z"]}]`))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			sliced := rec.NewSlice(1, 4)
			rec.Release()
			rec = sliced
		}
		out = append(out, rec)
	}
	t.Cleanup(func() {
		for _, r := range out {
			r.Release()
		}
	})
	return out
}

// replayed returns the JSON of every batch Replay gives.
func replayed(t *testing.T, s Spool) []string {
	t.Helper()
	var got []string
	err := s.Replay(context.Background(), func(rec arrow.Record) error {
		data, err := rec.MarshalJSON()
		got = append(got, string(data))
		return err
	})
	if err != nil {
		t.Fatalf("Replay: %v", err)
	}
	return got
}

func jsonOf(t *testing.T, recs []arrow.Record) []string {
	t.Helper()
	var out []string
	for _, r := range recs {
		data, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

// spoolFiles lists the files in dir.
func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// Every kind of spool gives the batches back in order, as they were, as
// often as asked; only batches beyond the budget go to a file, which is
// its owner's only and gone after Release; nothing stays allocated.
func TestSpoolRoundTrip(t *testing.T) {
	tests := []struct {
		name      string
		budget    int64 // in batches (all of one size); -1: MemorySpool
		wantFile  bool
		wantInMem int
	}{
		{"memory", -1, false, 3},
		{"disk", 0, true, 0},
		{"spill after one batch", 1, true, 1},
		{"spill after two", 2, true, 2},
		{"within budget", 3, false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := spoolMem(t)
			dir := t.TempDir()
			recs := spoolBatches(t, mem, 3)
			var s Spool
			if tt.budget < 0 {
				s = MemorySpool(mem)
			} else {
				s = DiskSpool(DiskScratch(dir), tt.budget*recordSize(recs[0]))(mem)
			}
			defer s.Release()
			for _, r := range recs {
				if err := s.Append(r); err != nil {
					t.Fatal(err)
				}
			}
			if n := len(s.(*spool).held); n != tt.wantInMem {
				t.Errorf("%d batches in memory, want %d (sizes %d)", n, tt.wantInMem, recordSize(recs[0]))
			}
			files := spoolFiles(t, dir)
			if (len(files) == 1) != tt.wantFile || len(files) > 1 {
				t.Fatalf("files %v, want a file: %v", files, tt.wantFile)
			}
			if tt.wantFile {
				fi, err := os.Stat(filepath.Join(dir, files[0]))
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o600 {
					t.Errorf("spool file mode %v, want 0600", fi.Mode().Perm())
				}
			}
			want := jsonOf(t, recs)
			for range 2 {
				if got := replayed(t, s); !slices.Equal(got, want) {
					t.Errorf("replayed\n%v\nwant\n%v", got, want)
				}
			}
			if err := s.Append(recs[0]); err == nil {
				t.Error("Append after Replay accepted")
			}
			s.Release()
			s.Release() // twice is harmless
			if files := spoolFiles(t, dir); len(files) != 0 {
				t.Errorf("files left after Release: %v", files)
			}
		})
	}
}

// A failing fn, a cancelled context, a batch of another schema: the error
// comes back, the batches given to fn are released, and Release removes
// the file.
func TestSpoolFailures(t *testing.T) {
	boom := errors.New("boom")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		fn   func(n int) error // called with the batch's place
		want error
	}{
		{"failing fn", context.Background(), func(n int) error {
			if n == 1 {
				return boom
			}
			return nil
		}, boom},
		{"cancelled", ctx, func(int) error { return nil }, context.Canceled},
	}
	for _, budget := range []int64{0, 1 << 20} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				mem := spoolMem(t)
				dir := t.TempDir()
				s := DiskSpool(DiskScratch(dir), budget)(mem)
				for _, r := range spoolBatches(t, mem, 3) {
					if err := s.Append(r); err != nil {
						t.Fatal(err)
					}
				}
				n := 0
				err := s.Replay(tt.ctx, func(arrow.Record) error { n++; return tt.fn(n - 1) })
				if !errors.Is(err, tt.want) {
					t.Errorf("Replay: %v, want %v", err, tt.want)
				}
				s.Release()
				if files := spoolFiles(t, dir); len(files) != 0 {
					t.Errorf("files left after Release: %v", files)
				}
			})
		}
	}
	t.Run("schema differs", func(t *testing.T) {
		mem := spoolMem(t)
		s := DiskSpool(DiskScratch(t.TempDir()), 0)(mem)
		defer s.Release()
		recs := spoolBatches(t, mem, 1)
		if err := s.Append(recs[0]); err != nil {
			t.Fatal(err)
		}
		other := recs[0].NewSlice(0, 1)
		defer other.Release()
		cols := other.Columns()[:1]
		narrow := array.NewRecord(arrow.NewSchema(other.Schema().Fields()[:1], nil), cols, 1)
		defer narrow.Release()
		if err := s.Append(narrow); err == nil {
			t.Error("a batch of another schema accepted")
		}
	})
}

// A spool whose file cannot be made fails Append with the reason, holds
// nothing, and fails every later call.
func TestSpoolFileFailure(t *testing.T) {
	mem := spoolMem(t)
	dir := filepath.Join(t.TempDir(), "missing")
	s := DiskSpool(DiskScratch(dir), 0)(mem)
	defer s.Release()
	recs := spoolBatches(t, mem, 2)
	err := s.Append(recs[0])
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Append: %v, want a missing folder", err)
	}
	if err := s.Append(recs[1]); err == nil {
		t.Error("Append after a failure accepted")
	}
	if err := s.Replay(context.Background(), func(arrow.Record) error { return nil }); err == nil {
		t.Error("Replay after a failure succeeded")
	}
}

// A file broken under the spool is an error of Replay, which removes it.
func TestSpoolBrokenFile(t *testing.T) {
	mem := spoolMem(t)
	dir := t.TempDir()
	s := DiskSpool(DiskScratch(dir), 0)(mem)
	defer s.Release()
	for _, r := range spoolBatches(t, mem, 3) {
		if err := s.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.(*spool).finishWriting(); err != nil {
		t.Fatal(err)
	}
	files := spoolFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("files %v, want the spool's", files)
	}
	if err := os.Truncate(filepath.Join(dir, files[0]), s.(*spool).size/2); err != nil {
		t.Fatal(err)
	}
	err := s.Replay(context.Background(), func(arrow.Record) error { return nil })
	if err == nil {
		t.Error("Replay of a truncated file succeeded")
	}
	if files := spoolFiles(t, dir); len(files) != 0 {
		t.Errorf("files left after a failed Replay: %v", files)
	}
}
