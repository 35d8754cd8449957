package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"readiness/cmd/job"
	"readiness/pipeline"
)

// spreadsheetExt are the extensions taken from a folder; a file named
// explicitly is always taken, and an unsupported one is reported.
var spreadsheetExt = map[string]bool{".xlsx": true, ".xlsm": true, ".xls": true, ".csv": true}

// collectInputs expands files and folders into inputs ordered by path in
// byte order (SPEC §2). No arguments means the embedded fixtures.
func collectInputs(args []string) ([]pipeline.Input, error) {
	if len(args) == 0 {
		return job.FixtureInputs()
	}
	var ins []pipeline.Input
	var errs []error
	seen := map[string]bool{}
	add := func(p string, size int64) {
		p = filepath.ToSlash(filepath.Clean(p))
		if seen[p] {
			return
		}
		seen[p] = true
		osPath := filepath.FromSlash(p)
		ins = append(ins, pipeline.Input{Path: p, Size: size, Open: func() (io.ReadCloser, error) { return os.Open(osPath) }})
	}
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			errs = append(errs, &pipeline.SettingError{Setting: "--in", Err: err})
			continue
		}
		if !st.IsDir() {
			add(a, st.Size())
			continue
		}
		root := a
		if lst, err := os.Lstat(a); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
			// A folder named through a symbolic link: WalkDir does not
			// follow its root, a trailing separator makes it.
			root = filepath.Clean(a) + string(filepath.Separator)
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if p != root && strings.HasPrefix(name, ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") || !spreadsheetExt[strings.ToLower(filepath.Ext(name))] {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			add(p, info.Size())
			return nil
		})
		if err != nil {
			errs = append(errs, &pipeline.SettingError{Setting: "--in", Err: err})
		}
	}
	if len(ins) == 0 && len(errs) == 0 {
		errs = append(errs, &pipeline.SettingError{Setting: "--in", Err: fmt.Errorf("no .xlsx or .csv files in %s", strings.Join(args, ", "))})
	}
	sort.Slice(ins, func(i, j int) bool { return ins[i].Path < ins[j].Path })
	return ins, errors.Join(errs...)
}
