package sink

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"readiness/pipeline"
)

func TestWriteManifest(t *testing.T) {
	pct := 24.6
	tests := []struct {
		name string
		m    *pipeline.Manifest
	}{
		{"empty", &pipeline.Manifest{}},
		{"full", &pipeline.Manifest{
			Tool: "readiness", Version: "0.1.0", AsOf: "2020-06-30", ElectionDate: "2020-12-09", PrintDays: 116,
			Inputs:  []pipeline.ManifestInput{{Path: "in/a.csv", Size: 10, SHA256: "ab", ManifestAccount: pipeline.ManifestAccount{RowsIn: 3, RowsInPersons: 2, RowsRejected: 1, Balanced: true}}},
			Outputs: []pipeline.ManifestOutput{{Path: "summary.csv", Size: 5, SHA256: "cd"}},
			WhatIf: &pipeline.ManifestWhatIf{Deliveries: []pipeline.ManifestDelivery{{Arrives: "2020-09-01", Quantity: 25000}},
				Regions: []pipeline.ManifestWhatIfRegion{{RegionCode: "17", ProjectedReadyPct: &pct}}},
			Accounting: pipeline.ManifestAccount{RowsIn: 3, RowsInPersons: 2, RowsRejected: 1, Balanced: true},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := WriteManifest(dir, tc.m); err != nil {
				t.Fatal(err)
			}
			if err := WriteManifest(dir, tc.m); err != nil { // replaces the first
				t.Fatal(err)
			}
			assertFiles(t, dir, ManifestFile)
			b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
			if err != nil {
				t.Fatal(err)
			}
			var got pipeline.Manifest
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, tc.m) {
				t.Errorf("read back %+v, want %+v", got, *tc.m)
			}
			if b[0] != '{' || b[1] != '\n' || b[len(b)-1] != '\n' {
				t.Errorf("not indented JSON ending in a newline: %.20q", b)
			}
		})
	}
}

func TestHashFile(t *testing.T) {
	tests := []struct {
		name, content, sha string
	}{
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			size, sha, err := HashFile(path)
			if err != nil || size != int64(len(tc.content)) || sha != tc.sha {
				t.Errorf("HashFile = %d, %s, %v; want %d, %s", size, sha, err, len(tc.content), tc.sha)
			}
		})
	}
	if _, _, err := HashFile(filepath.Join(t.TempDir(), "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}
