package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestBulk writes small benchmark sets and checks that every row is
// there, split into files as asked, and that the output repeats.
func TestBulk(t *testing.T) {
	const n, perFile = 2050, 100 // 205 rows per regency: three files each
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			files, err := writeBulk(dir, n, format, perFile)
			if err != nil {
				t.Fatal(err)
			}
			if files != 30 {
				t.Errorf("%d files, want 30", files)
			}
			names, _ := filepath.Glob(filepath.Join(dir, "*."+format))
			rows := 0
			for _, name := range names {
				if format == "csv" {
					b, err := os.ReadFile(name)
					if err != nil {
						t.Fatal(err)
					}
					rows += bytes.Count(b, []byte("\n")) - 1 // the header
					continue
				}
				f, err := excelize.OpenFile(name)
				if err != nil {
					t.Fatal(err)
				}
				got, err := f.GetRows("Data")
				f.Close()
				if err != nil || len(got) < 2 || got[0][0] != "nik" || len(got[0]) != len(canonOrder) {
					t.Fatalf("%s: %d rows, %v", name, len(got), err)
				}
				rows += len(got) - 1
			}
			if rows != n {
				t.Errorf("%d data rows, want %d", rows, n)
			}
			again := t.TempDir()
			if _, err := writeBulk(again, n, format, perFile); err != nil {
				t.Fatal(err)
			}
			for _, name := range names {
				a, _ := os.ReadFile(name)
				b, _ := os.ReadFile(filepath.Join(again, filepath.Base(name)))
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs between two runs", filepath.Base(name))
				}
			}
		})
	}
	if err := run([]string{"-rows", "10", "-format", "ods", "-out", t.TempDir()}, io.Discard); err == nil {
		t.Error("-format ods accepted")
	}
}
