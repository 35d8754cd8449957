package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A folder given through a symbolic link is read like the folder itself
// (a nightly job's data folder is often a link to the latest delivery).
func TestCollectInputsFollowsALinkedFolder(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(filepath.Join(data, ".hidden"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.csv", "b.xlsx", "notes.txt", ".hidden/c.csv"} {
		if err := os.WriteFile(filepath.Join(data, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "latest")
	if err := os.Symlink(data, link); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{data, link, link + "/"} {
		ins, err := collectInputs([]string{arg})
		if err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		var got []string
		for _, in := range ins {
			rel, err := filepath.Rel(arg, in.Path)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rel)
		}
		if len(got) != 2 || got[0] != "a.csv" || got[1] != "b.xlsx" {
			t.Errorf("%s: inputs %v, want [a.csv b.xlsx]", arg, got)
		}
	}
}
