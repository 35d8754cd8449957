package sink

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"readiness/pipeline"
)

// ManifestFile is the file name of the run manifest.
const ManifestFile = "manifest.json"

// WriteManifest writes dir/manifest.json as indented JSON, owner-only,
// through a temporary file renamed into place.
func WriteManifest(dir string, m *pipeline.Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	out, err := createAtomic(dir, ManifestFile)
	if err != nil {
		return err
	}
	if _, err := out.Write(append(b, '\n')); err != nil {
		out.abort()
		return err
	}
	return out.commit()
}

// HashFile returns the size and the hex SHA-256 of the file at path.
func HashFile(path string) (size int64, sha256hex string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	h := sha256.New()
	size, err = io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return size, hex.EncodeToString(h.Sum(nil)), nil
}

// Outputs lists the files the sinks wrote in dir, each with its size and
// SHA-256, sorted by path, and checks that dir holds exactly those files
// (recursively; the manifest itself, not yet written, aside): a file no
// sink reports, or one reported and missing, is an error, so the manifest
// never lists less or more than the folder holds.
func Outputs(dir string, sinks []pipeline.Sink) ([]pipeline.ManifestOutput, error) {
	reported := map[string]bool{}
	for _, s := range sinks {
		for _, f := range s.Files() {
			if reported[f] {
				return nil, fmt.Errorf("%s: two sinks wrote %s", s.Name(), f)
			}
			reported[f] = true
		}
	}
	var (
		outs  []pipeline.ManifestOutput
		paths []string
	)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestFile {
			return nil
		}
		if !reported[rel] {
			return fmt.Errorf("output folder holds %s, which no sink reports", rel)
		}
		delete(reported, rel)
		outs, paths = append(outs, pipeline.ManifestOutput{Path: rel}), append(paths, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for f := range reported {
		return nil, fmt.Errorf("a sink reports %s, which is not in the output folder", f)
	}
	// The files are hashed side by side: this is the run's end, with a
	// core free for each of the largest.
	errs := make([]error, len(outs))
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() { outs[i].Size, outs[i].SHA256, errs[i] = HashFile(paths[i]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(outs, func(i, j int) bool { return outs[i].Path < outs[j].Path })
	return outs, nil
}
