package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// decodedOutputs reads every file of an output (or history day) folder
// back into its content: CSV as it is, Parquet and workbooks decoded (a
// workbook sheet by sheet, cell by cell), the manifest without what
// differs between two runs by nature — when it ran, how long the stages
// took, and the bytes of the Parquet files and workbooks, whose encoders
// order some parts at random.
func decodedOutputs(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch filepath.Ext(p) {
		case ".parquet":
			out[rel] = decodedParquet(t, p)
		case ".xlsx":
			out[rel] = decodedWorkbook(t, p)
		case ".json":
			out[rel] = decodedManifest(t, p)
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decodedWorkbook(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(rows)
		b.WriteString(sheet + "\n")
		b.Write(data)
	}
	return b.String()
}

func decodedManifest(t *testing.T, path string) string {
	t.Helper()
	m := readManifest(t, filepath.Dir(path))
	m.StartedAt = ""
	for i := range m.Stages {
		m.Stages[i].DurationMS = 0
	}
	unhash := func(outs []pipeline.ManifestOutput) {
		for i, o := range outs {
			if ext := filepath.Ext(o.Path); ext == ".parquet" || ext == ".xlsx" {
				outs[i].Size, outs[i].SHA256 = 0, ""
			}
		}
	}
	unhash(m.Outputs)
	if m.History != nil {
		unhash(m.History.Files)
		m.History.Replaced, m.History.Dir = nil, ""
	}
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// compareOutputs fails unless two folders hold the same files with the
// same decoded content.
func compareOutputs(t *testing.T, want, got string) {
	t.Helper()
	w, g := decodedOutputs(t, want), decodedOutputs(t, got)
	names := func(m map[string]string) []string {
		return slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
	}
	if !slices.Equal(names(w), names(g)) {
		t.Fatalf("%s holds %q, %s holds %q", want, names(w), got, names(g))
	}
	for name, content := range w {
		if g[name] != content {
			i := 0
			for i < len(content) && i < len(g[name]) && content[i] == g[name][i] {
				i++
			}
			t.Errorf("%s differs from byte %d: %.200q… against %.200q…", name, i, content[i:], g[name][i:])
		}
	}
}

// TestRerunIsIdentical: running the third night again with the same
// inputs and settings gives the same decoded outputs and the same stored
// day, which it replaces (the manifest says so, with the same inputs); a
// different input for the same date shows in the manifest.
func TestRerunIsIdentical(t *testing.T) {
	s := nightly(t)
	dir := t.TempDir()
	hist, out := filepath.Join(dir, "history"), filepath.Join(dir, "out")
	if err := os.CopyFS(hist, os.DirFS(s.hist)); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := []string{"run", "--in", s.in, "--out", out, "--history", hist, "--as-of", nights[2],
		"--election-date", "2020-12-09", "--log-format", "json"}
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("rerun: %v\n%s", err, stderr.String())
	}
	compareOutputs(t, s.nights[2], out)
	day := "as_of=" + nights[2]
	compareOutputs(t, filepath.Join(s.hist, day), filepath.Join(hist, day))
	m, before := readManifest(t, out), readManifest(t, s.nights[2])
	if r := m.History.Replaced; r == nil || !r.SameInputs || r.StartedAt != before.StartedAt {
		t.Errorf("the rerun's manifest says it replaced %+v; want the third night's run (%s), same inputs", r, before.StartedAt)
	}
	if !strings.Contains(stdout.String(), "replacing the day stored before") {
		t.Errorf("console does not say the day was replaced:\n%s", stdout.String())
	}

	// The same date again, with one file changed.
	in := filepath.Join(dir, "in")
	if err := os.CopyFS(in, os.DirFS(s.in)); err != nil {
		t.Fatal(err)
	}
	args[2] = in
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("run from the copy: %v", err)
	}
	changed := filepath.Join(in, nightlyFile)
	data, _ := os.ReadFile(changed)
	os.WriteFile(changed, append(data, []byte("\n")...), 0o600)
	stdout.Reset()
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("run with a changed input: %v", err)
	}
	r := readManifest(t, out).History.Replaced
	if r == nil || r.SameInputs || !slices.Equal(r.InputsChanged, []string{filepath.ToSlash(changed)}) ||
		len(r.InputsAdded)+len(r.InputsRemoved) != 0 {
		t.Errorf("replaced %+v, want %s changed", r, changed)
	}
	if stored := readManifest(t, filepath.Join(hist, day)); stored.History.Replaced == nil || stored.History.Replaced.SameInputs {
		t.Errorf("the stored day's manifest does not show the changed input")
	}
	if !strings.Contains(stdout.String(), "with other inputs") {
		t.Errorf("console does not say the inputs differ:\n%s", stdout.String())
	}
}
